//! Orquestra's storage: migrations, catalog, constraints, cascades, round trips.

use chrono::{TimeZone, Utc};
use entity::Domain;
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait};

use crate::helpers::{
    CHANGE_LOG, TableSpec, TestDb, assert_catalog, assert_migrations_reversible, count,
    expect_rejected,
};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    assert_migrations_reversible(Domain::Orquestra).await;
}

#[tokio::test]
async fn catalog_matches_the_seed() {
    let db = TestDb::migrated().await;
    let spec = [
        TableSpec {
            name: "users",
            columns: &[
                ("id", false),
                ("github_id", false),
                ("username", false),
                ("email", false),
                ("avatar_url", true),
                ("created_at", true),
                ("updated_at", true),
            ],
            indexes: &["idx_users_github_id", "idx_users_username"],
        },
        TableSpec {
            name: "projects",
            columns: &[
                ("id", false),
                ("user_id", false),
                ("name", false),
                ("description", true),
                ("program_id", false),
                ("is_public", true),
                ("custom_docs", true),
                ("created_at", true),
                ("updated_at", true),
            ],
            indexes: &[
                "idx_projects_user_id",
                "idx_projects_program_id",
                "idx_projects_is_public",
            ],
        },
        TableSpec {
            name: "idl_versions",
            columns: &[
                ("id", false),
                ("project_id", false),
                ("idl_json", false),
                ("cpi_md", true),
                ("version", false),
                ("created_at", true),
            ],
            indexes: &["idx_idl_versions_project_id", "idx_idl_versions_created_at"],
        },
        TableSpec {
            name: "api_keys",
            columns: &[
                ("id", false),
                ("project_id", false),
                ("key", false),
                ("last_used", true),
                ("created_at", true),
                ("expires_at", true),
            ],
            indexes: &["idx_api_keys_project_id", "idx_api_keys_key"],
        },
        TableSpec {
            name: "project_socials",
            columns: &[
                ("id", false),
                ("project_id", false),
                ("twitter", true),
                ("discord", true),
                ("telegram", true),
                ("github", true),
                ("website", true),
                ("created_at", true),
                ("updated_at", true),
            ],
            indexes: &["idx_project_socials_project_id"],
        },
        TableSpec {
            name: "known_addresses",
            columns: &[
                ("id", false),
                ("project_id", false),
                ("label", false),
                ("address", false),
                ("description", true),
                ("created_at", true),
                ("updated_at", true),
            ],
            indexes: &["idx_known_addresses_project_id"],
        },
        CHANGE_LOG,
    ];
    assert_catalog(db.get(Domain::Orquestra), &spec).await;
}

const USER: &str =
    "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 1, 'ada', 'ada@example.com')";
const PROJECT: &str =
    "INSERT INTO projects (id, user_id, name, program_id) VALUES ('p1', 'u1', 'Vault', 'Prog1111')";

#[tokio::test]
async fn unique_constraints_reject_duplicates() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Orquestra);
    conn.execute_unprepared(USER).await.unwrap();
    for dup in [
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 1, 'bob', 'bob@example.com')",
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 2, 'ada', 'bob@example.com')",
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 2, 'bob', 'ada@example.com')",
        "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 2, 'bob', 'bob@example.com')",
    ] {
        expect_rejected(conn, dup).await;
    }
    conn.execute_unprepared(PROJECT).await.unwrap();
    // One project per (user, program); another user may use the same program.
    expect_rejected(
        conn,
        "INSERT INTO projects (id, user_id, name, program_id) VALUES ('p2', 'u1', 'Again', 'Prog1111')",
    )
    .await;
    conn.execute_unprepared(
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 2, 'bob', 'bob@example.com')",
    )
    .await
    .unwrap();
    conn.execute_unprepared(
        "INSERT INTO projects (id, user_id, name, program_id) VALUES ('p2', 'u2', 'Same program', 'Prog1111')",
    )
    .await
    .unwrap();
    // API keys are unique; socials are one row per project.
    conn.execute_unprepared("INSERT INTO api_keys (id, project_id, key) VALUES ('k1', 'p1', 'h1')")
        .await
        .unwrap();
    expect_rejected(
        conn,
        "INSERT INTO api_keys (id, project_id, key) VALUES ('k2', 'p2', 'h1')",
    )
    .await;
    conn.execute_unprepared("INSERT INTO project_socials (id, project_id) VALUES ('s1', 'p1')")
        .await
        .unwrap();
    expect_rejected(
        conn,
        "INSERT INTO project_socials (id, project_id) VALUES ('s2', 'p1')",
    )
    .await;
    // NOT NULL and foreign keys bite too.
    expect_rejected(
        conn,
        "INSERT INTO projects (id, user_id, name) VALUES ('p3', 'u1', 'x')",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO projects (id, user_id, name, program_id) VALUES ('p3', 'ghost', 'x', 'y')",
    )
    .await;
    assert_eq!(count(conn, "users").await, 2);
    assert_eq!(count(conn, "projects").await, 2);
}

#[tokio::test]
async fn seed_defaults_apply() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Orquestra);
    conn.execute_unprepared(USER).await.unwrap();
    conn.execute_unprepared(PROJECT).await.unwrap();
    let p = projects::Entity::find_by_id("p1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.is_public, Some(true));
    let created = p.created_at.expect("created_at defaults to now");
    assert!(
        (Utc::now() - created).num_seconds().abs() < 120,
        "{created}"
    );
}

#[tokio::test]
async fn deleting_a_user_cascades_to_everything_it_owns() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Orquestra);
    for sql in [
        USER,
        PROJECT,
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 2, 'bob', 'bob@example.com')",
        "INSERT INTO projects (id, user_id, name, program_id) VALUES ('p2', 'u2', 'Other', 'Prog2')",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v1', 'p1', '{}', 1)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v2', 'p1', '{}', 2)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v3', 'p2', '{}', 1)",
        "INSERT INTO api_keys (id, project_id, key) VALUES ('k1', 'p1', 'h1')",
        "INSERT INTO project_socials (id, project_id) VALUES ('s1', 'p1')",
        "INSERT INTO known_addresses (id, project_id, label, address) VALUES ('a1', 'p1', 'Treasury', 'Addr1')",
    ] {
        conn.execute_unprepared(sql).await.unwrap();
    }
    let ada = users::Entity::find_by_id("u1")
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    ada.delete(conn).await.unwrap();
    assert_eq!(count(conn, "users").await, 1);
    assert_eq!(count(conn, "projects").await, 1, "bob's project stays");
    assert_eq!(count(conn, "idl_versions").await, 1, "bob's version stays");
    assert_eq!(count(conn, "api_keys").await, 0);
    assert_eq!(count(conn, "project_socials").await, 0);
    assert_eq!(count(conn, "known_addresses").await, 0);
}

#[tokio::test]
async fn every_table_round_trips_through_its_entity() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Orquestra);
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 45).unwrap();

    let user = users::Model {
        id: "u1".into(),
        github_id: 583231,
        username: "octocat".into(),
        email: "octo@example.com".into(),
        avatar_url: Some("https://avatars.example/u/583231".into()),
        created_at: Some(t),
        updated_at: Some(t),
    };
    user.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        users::Entity::find_by_id("u1").one(conn).await.unwrap(),
        Some(user)
    );

    let project = projects::Model {
        id: "p1".into(),
        user_id: "u1".into(),
        name: "Vault".into(),
        description: Some("A vault program".into()),
        program_id: "Vau1t11111111111111111111111111111111111111".into(),
        is_public: Some(false),
        custom_docs: Some("# Docs".into()),
        created_at: Some(t),
        updated_at: None,
    };
    project
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        projects::Entity::find_by_id("p1").one(conn).await.unwrap(),
        Some(project)
    );

    let version = idl_versions::Model {
        id: "v1".into(),
        project_id: "p1".into(),
        idl_json: r#"{"version":"0.1.0","name":"vault","instructions":[]}"#.into(),
        cpi_md: None,
        version: 1,
        created_at: Some(t),
    };
    version
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        idl_versions::Entity::find_by_id("v1")
            .one(conn)
            .await
            .unwrap(),
        Some(version)
    );

    let key = api_keys::Model {
        id: "k1".into(),
        project_id: "p1".into(),
        key: "sha256:abcdef".into(),
        last_used: None,
        created_at: Some(t),
        expires_at: Some(t + chrono::Duration::days(30)),
    };
    key.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        api_keys::Entity::find_by_id("k1").one(conn).await.unwrap(),
        Some(key)
    );

    let socials = project_socials::Model {
        id: "s1".into(),
        project_id: "p1".into(),
        twitter: Some("https://x.com/vault".into()),
        discord: None,
        telegram: Some("https://t.me/vault".into()),
        github: Some("https://github.com/vault/vault".into()),
        website: None,
        created_at: Some(t),
        updated_at: Some(t),
    };
    socials
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        project_socials::Entity::find_by_id("s1")
            .one(conn)
            .await
            .unwrap(),
        Some(socials)
    );

    let address = known_addresses::Model {
        id: "a1".into(),
        project_id: "p1".into(),
        label: "Treasury".into(),
        address: "Treas1111111111111111111111111111111111111".into(),
        description: Some("Main treasury account".into()),
        created_at: Some(t),
        updated_at: Some(t),
    };
    address
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        known_addresses::Entity::find_by_id("a1")
            .one(conn)
            .await
            .unwrap(),
        Some(address)
    );
}
