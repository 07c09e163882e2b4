//! Orquestra's mutations through HTTP: projects, IDL versions (gap-free under concurrent
//! uploads), API keys, social links, known addresses and account deletion; input
//! validation, owner/other/anonymous, and failed calls leaving no rows behind.

use chrono::{Duration, Utc};
use entity::Domain;
use entity::orquestra::api_keys;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{TestApp, code, count, field, ok};

const ADDR_B: &str = "11111111111111111111111111111111";

async fn counts(app: &TestApp) -> Vec<i64> {
    let db = app.db.get(Domain::Orquestra);
    let mut v = Vec::new();
    for t in [
        "users",
        "projects",
        "idl_versions",
        "api_keys",
        "project_socials",
        "known_addresses",
    ] {
        v.push(count(db, t).await);
    }
    v
}

const UPLOAD: &str = "mutation($input: OrquestraUploadIdlInput!) {
    orquestraUploadIdl(input: $input) {
        idlVersion { version idl cpiMd projectId }
        project { id }
    }
}";

#[tokio::test]
async fn a_project_is_created_changed_and_deleted_by_its_owner() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE,
        json!({ "input": {
            "name": "  Jupiter  ", "description": "swaps", "programId": PROG_A,
            "customDocs": "# Docs"
        } }),
    )
    .await;
    let p = &ok(&res)["orquestraCreateProject"]["project"];
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["userId"], "u1");
    assert_eq!(p["name"], "Jupiter");
    assert_eq!(p["description"], "swaps");
    assert_eq!(p["programId"], PROG_A);
    assert_eq!(p["isPublic"], true);
    assert_eq!(p["customDocs"], "# Docs");

    // Absent fields stay, null clears, values replace.
    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE,
        json!({ "input": { "id": id, "name": "Jup", "description": null, "isPublic": false, "programId": PROG_B } }),
    )
    .await;
    let p = &ok(&res)["orquestraUpdateProject"]["project"];
    assert_eq!(p["name"], "Jup");
    assert_eq!(p["description"], Value::Null);
    assert_eq!(p["isPublic"], false);
    assert_eq!(p["programId"], PROG_B);
    assert_eq!(p["customDocs"], "# Docs");

    // The private project reads for its owner.
    let res = call(
        &app,
        Some("u1"),
        None,
        "query($id: ID!) { orquestraProject(id: $id) { name isPublic } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(ok(&res)["orquestraProject"]["name"], "Jup");

    // Delete cascades to what hangs off the project.
    ok(&call(
        &app,
        Some("u1"),
        None,
        UPLOAD,
        json!({ "input": { "projectId": id, "idl": idl("jup") } }),
    )
    .await);
    ok(&call(
        &app,
        Some("u1"),
        None,
        CREATE_KEY,
        json!({ "input": { "projectId": id } }),
    )
    .await);
    ok(&call(
        &app,
        Some("u1"),
        None,
        SOCIALS,
        json!({ "input": { "projectId": id, "website": "https://jup.ag" } }),
    )
    .await);
    ok(&call(
        &app,
        Some("u1"),
        None,
        CREATE_ADDR,
        json!({ "input": { "projectId": id, "label": "vault", "address": ADDR_A } }),
    )
    .await);
    assert_eq!(counts(&app).await, vec![1, 1, 1, 1, 1, 1]);
    let res = call(&app, Some("u1"), None, DELETE, json!({ "id": id })).await;
    assert_eq!(ok(&res)["orquestraDeleteProject"]["deletedId"], id.as_str());
    assert_eq!(counts(&app).await, vec![1, 0, 0, 0, 0, 0]);
    let res = call(&app, Some("u1"), None, DELETE, json!({ "id": id })).await;
    assert_eq!(code(&res), "NOT_FOUND");
}

#[tokio::test]
async fn bad_project_input_is_refused_before_any_write() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let cases = [
        (json!({ "name": " ", "programId": PROG_A }), "input.name"),
        (
            json!({ "name": "x".repeat(101), "programId": PROG_A }),
            "input.name",
        ),
        (
            json!({ "name": "P", "programId": "not-base58-0OIl" }),
            "input.programId",
        ),
        (
            json!({ "name": "P", "programId": "1111" }),
            "input.programId",
        ),
        (
            json!({ "name": "P", "programId": PROG_A, "description": "d".repeat(2001) }),
            "input.description",
        ),
        (
            json!({ "name": "P", "programId": PROG_A, "customDocs": "a\u{0}b" }),
            "input.customDocs",
        ),
    ];
    for (input, f) in cases {
        let res = call(&app, Some("u1"), None, CREATE, json!({ "input": input })).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{input}: {res}");
        assert_eq!(field(&res), f, "{input}");
    }
    let id = project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE,
        json!({ "input": { "id": id, "name": "" } }),
    )
    .await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.name"));
    assert_eq!(counts(&app).await, vec![1, 1, 0, 0, 0, 0]);
}

#[tokio::test]
async fn a_user_has_one_project_per_program() {
    let app = TestApp::spawn().await;
    users(&app, &["u1", "u2"]).await;
    project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE,
        json!({ "input": { "name": "again", "programId": PROG_A } }),
    )
    .await;
    assert_eq!(code(&res), "CONFLICT", "{res}");
    assert_eq!(counts(&app).await[1], 1);
    // Another user may have a project for the same program.
    project(&app, "u2", PROG_A, true).await;
    // Moving a project onto a program its owner already has is a conflict too.
    let b = project(&app, "u1", PROG_B, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE,
        json!({ "input": { "id": b, "programId": PROG_A } }),
    )
    .await;
    assert_eq!(code(&res), "CONFLICT");
    // Keeping its own program is fine.
    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE,
        json!({ "input": { "id": b, "programId": PROG_B } }),
    )
    .await;
    ok(&res);
    // A token of a user that does not exist creates nothing.
    let res = call(
        &app,
        Some("ghost"),
        None,
        CREATE,
        json!({ "input": { "name": "P", "programId": PROG_B } }),
    )
    .await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    assert_eq!(counts(&app).await[1], 3);
}

#[tokio::test]
async fn only_the_owner_writes_to_a_project() {
    let app = TestApp::spawn().await;
    users(&app, &["u1", "u2"]).await;
    let public = project(&app, "u1", PROG_A, true).await;
    let private = project(&app, "u1", PROG_B, false).await;
    let addr = call(
        &app,
        Some("u1"),
        None,
        CREATE_ADDR,
        json!({ "input": { "projectId": private, "label": "vault", "address": ADDR_A } }),
    )
    .await;
    let addr = ok(&addr)["orquestraCreateKnownAddress"]["knownAddress"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = call(
        &app,
        Some("u1"),
        None,
        CREATE_KEY,
        json!({ "input": { "projectId": public } }),
    )
    .await;
    let key_id = ok(&key)["orquestraCreateApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let plaintext = key["data"]["orquestraCreateApiKey"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = counts(&app).await;

    let ops = |p: &str| {
        vec![
            (UPDATE, json!({ "input": { "id": p, "name": "mine" } })),
            (DELETE, json!({ "id": p })),
            (
                UPLOAD,
                json!({ "input": { "projectId": p, "idl": idl("a") } }),
            ),
            (CREATE_KEY, json!({ "input": { "projectId": p } })),
            (
                SOCIALS,
                json!({ "input": { "projectId": p, "github": "https://github.com/x" } }),
            ),
            (
                CREATE_ADDR,
                json!({ "input": { "projectId": p, "label": "l", "address": ADDR_B } }),
            ),
        ]
    };
    for p in [&public, &private] {
        for (q, vars) in ops(p) {
            let res = call(&app, None, None, q, vars.clone()).await;
            assert_eq!(code(&res), "UNAUTHENTICATED", "{q} {res}");
            let res = call(&app, Some("u2"), None, q, vars.clone()).await;
            assert_eq!(code(&res), "FORBIDDEN", "{q} {res}");
            // An API key of the project does not write either.
            let res = call(&app, None, Some(&plaintext), q, vars).await;
            assert_eq!(code(&res), "UNAUTHENTICATED", "{q} {res}");
        }
    }
    for (q, vars) in [
        (
            UPDATE_ADDR,
            json!({ "input": { "id": addr, "label": "mine" } }),
        ),
        (DELETE_ADDR, json!({ "id": addr })),
        (REVOKE_KEY, json!({ "id": key_id })),
    ] {
        let res = call(&app, None, None, q, vars.clone()).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{q} {res}");
        let res = call(&app, Some("u2"), None, q, vars).await;
        assert_eq!(code(&res), "FORBIDDEN", "{q} {res}");
    }
    assert_eq!(counts(&app).await, before);
    // Missing targets.
    for (q, vars) in ops("nope").into_iter().chain([
        (
            UPDATE_ADDR,
            json!({ "input": { "id": "nope", "label": "x" } }),
        ),
        (DELETE_ADDR, json!({ "id": "nope" })),
        (REVOKE_KEY, json!({ "id": "nope" })),
    ]) {
        let res = call(&app, Some("u1"), None, q, vars).await;
        assert_eq!(code(&res), "NOT_FOUND", "{q} {res}");
    }
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn idl_versions_count_up_from_one_and_the_idl_must_be_an_object() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let first = json!({ "version": "0.1.0", "name": "jup", "instructions": [] });
    let res = call(
        &app,
        Some("u1"),
        None,
        UPLOAD,
        json!({ "input": { "projectId": id, "idl": first } }),
    )
    .await;
    let v = &ok(&res)["orquestraUploadIdl"]["idlVersion"];
    assert_eq!(v["version"], 1);
    assert_eq!(v["idl"], first);
    assert_eq!(v["cpiMd"], Value::Null);
    assert_eq!(v["projectId"], id.as_str());
    let res = call(
        &app,
        Some("u1"),
        None,
        UPLOAD,
        json!({ "input": { "projectId": id, "idl": idl("jup2"), "cpiMd": "## CPI" } }),
    )
    .await;
    let v = &ok(&res)["orquestraUploadIdl"]["idlVersion"];
    assert_eq!(v["version"], 2);
    assert_eq!(v["cpiMd"], "## CPI");

    let big = "x".repeat(1_000_001);
    for (idl, cpi, f) in [
        (json!([1, 2]), None, "input.idl"),
        (json!("text"), None, "input.idl"),
        (
            json!({ "name": "p", "instructions": [], "blob": big }),
            None,
            "input.idl",
        ),
        (idl("a"), Some("\u{1}"), "input.cpiMd"),
    ] {
        let res = call(
            &app,
            Some("u1"),
            None,
            UPLOAD,
            json!({ "input": { "projectId": id, "idl": idl, "cpiMd": cpi } }),
        )
        .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(field(&res), f);
    }
    assert_eq!(counts(&app).await[2], 2);
    let res = call(
        &app,
        None,
        None,
        "query($id: ID!) { orquestraProject(id: $id) { latestIdl { version idl } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(ok(&res)["orquestraProject"]["latestIdl"]["version"], 2);
}

#[tokio::test]
async fn an_idl_must_be_an_anchor_idl_and_the_error_names_the_offending_path() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let before = counts(&app).await;
    let ix = |name: Value| json!({ "name": name, "accounts": [], "args": [] });
    let cases = [
        (json!({}), "input.idl.name"),
        (json!({ "name": "jup" }), "input.idl.instructions"),
        (
            json!({ "metadata": { "version": "0.1.0" }, "instructions": [] }),
            "input.idl.metadata.name",
        ),
        (
            json!({ "name": "jup", "instructions": [ix(json!("a")), ix(json!("b")), ix(json!(7))] }),
            "input.idl.instructions[2].name",
        ),
        (
            json!({ "name": "jup", "instructions": [{ "name": "swap", "args": [] }] }),
            "input.idl.instructions[0].accounts",
        ),
        (
            json!({ "name": "jup", "instructions": [{ "name": "swap", "accounts": [], "args": [{ "name": "amount" }] }] }),
            "input.idl.instructions[0].args[0].type",
        ),
        (
            json!({ "name": "jup", "instructions": [{ "name": "swap", "accounts": [{ "isMut": true }], "args": [] }] }),
            "input.idl.instructions[0].accounts[0].name",
        ),
        (
            json!({ "name": "jup", "instructions": [], "accounts": [{ "name": "" }] }),
            "input.idl.accounts[0].name",
        ),
    ];
    for (bad, path) in cases {
        let res = call(
            &app,
            Some("u1"),
            None,
            UPLOAD,
            json!({ "input": { "projectId": id, "idl": bad } }),
        )
        .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{bad} {res}");
        assert_eq!(field(&res), path, "{bad} {res}");
        assert!(
            res["errors"][0]["message"].as_str().unwrap().contains(path),
            "{res}"
        );
    }
    assert_eq!(counts(&app).await, before, "nothing written");

    // Both Anchor formats land.
    let legacy = json!({
        "version": "0.1.0", "name": "jup",
        "instructions": [{
            "name": "swap",
            "accounts": [{ "name": "user", "isMut": true, "isSigner": true }],
            "args": [{ "name": "amount", "type": "u64" }],
        }],
        "accounts": [{ "name": "Pool", "type": { "kind": "struct", "fields": [] } }],
    });
    let current = json!({
        "address": PROG_A,
        "metadata": { "name": "jup", "version": "0.2.0", "spec": "0.1.0" },
        "instructions": [{
            "name": "swap", "discriminator": [1, 2, 3, 4, 5, 6, 7, 8],
            "accounts": [{ "name": "user", "writable": true, "signer": true }],
            "args": [{ "name": "amount", "type": "u64" }],
        }],
        "accounts": [{ "name": "Pool", "discriminator": [8, 7, 6, 5, 4, 3, 2, 1] }],
        "types": [{ "name": "Pool", "type": { "kind": "struct", "fields": [] } }],
    });
    for (n, good) in [legacy, current].into_iter().enumerate() {
        let res = call(
            &app,
            Some("u1"),
            None,
            UPLOAD,
            json!({ "input": { "projectId": id, "idl": good } }),
        )
        .await;
        let v = &ok(&res)["orquestraUploadIdl"]["idlVersion"];
        assert_eq!(v["version"], n + 1);
        assert_eq!(v["idl"], good);
    }
}

#[tokio::test]
async fn fifty_concurrent_idl_uploads_get_versions_one_to_fifty() {
    let app = TestApp::spawn_on_files().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for n in 0..50 {
        let (app, id) = (app.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let res = call(
                &app,
                Some("u1"),
                None,
                UPLOAD,
                json!({ "input": { "projectId": id, "idl": idl(&format!("n{n}")) } }),
            )
            .await;
            ok(&res)["orquestraUploadIdl"]["idlVersion"]["version"]
                .as_i64()
                .unwrap()
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.push(t.await.unwrap());
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=50).collect::<Vec<i64>>());
    assert_eq!(counts(&app).await[2], 50);
}

#[tokio::test]
async fn an_upload_takes_three_statements_and_a_refused_one_changes_nothing() {
    use entity::orquestra::projects;
    let app = TestApp::spawn().await;
    users(&app, &["u1", "u2"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let db = app.db.get(Domain::Orquestra);
    let updated_at = || async {
        projects::Entity::find_by_id(id.clone())
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .updated_at
    };
    let created = updated_at().await;
    let upload = json!({ "input": { "projectId": id, "idl": idl("p") } });

    // Someone else's upload is refused, and the project's row is as it was.
    let res = call(&app, Some("u2"), None, UPLOAD, upload.clone()).await;
    assert_eq!(code(&res), "FORBIDDEN", "{res}");
    assert_eq!(updated_at().await, created);
    assert_eq!(counts(&app).await[2], 0);

    let metrics = app.db.dbs.metrics();
    metrics.start_log();
    let res = call(&app, Some("u1"), None, UPLOAD, upload).await;
    let log = metrics.take_log();
    assert_eq!(ok(&res)["orquestraUploadIdl"]["idlVersion"]["version"], 1);
    let mut expected = vec![
        // The token's user still exists (every signed-in request checks it).
        r#"SELECT 1 FROM "users" WHERE "users"."id" ="#,
        // The project: its `updated_at` set, its row taken, returned for the owner check.
        r#"UPDATE "projects" SET "updated_at""#,
        // The version, numbered in its insert.
        r#"INSERT INTO "idl_versions""#,
        r#"INSERT INTO "change_log""#,
    ];
    if app.db.backend() == sea_orm::DbBackend::Postgres {
        expected.push("SELECT pg_notify(");
    }
    assert_eq!(log.len(), expected.len(), "{log:#?}");
    for (sql, start) in log.iter().zip(expected) {
        assert!(sql.starts_with(start), "{sql} should start with {start}");
    }
    assert!(
        log[2].contains(r#"(SELECT COALESCE(MAX("version"), "#),
        "{}",
        log[2]
    );
    // The project's `updated_at` is the version's upload time.
    let after = updated_at().await;
    assert!(after > created, "{after:?} after {created:?}");
    let res = call(
        &app,
        None,
        None,
        "query($id: ID!) { orquestraProject(id: $id) { updatedAt latestIdl { version createdAt } } }",
        json!({ "id": id }),
    )
    .await;
    let p = &ok(&res)["orquestraProject"];
    assert_eq!(p["latestIdl"]["version"], 1);
    assert_eq!(p["updatedAt"], p["latestIdl"]["createdAt"]);
}

#[tokio::test]
async fn the_database_refuses_a_second_version_with_the_same_number() {
    use entity::orquestra::idl_versions;
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        UPLOAD,
        json!({ "input": { "projectId": id, "idl": idl("p") } }),
    )
    .await;
    assert_eq!(ok(&res)["orquestraUploadIdl"]["idlVersion"]["version"], 1);
    // Outside the API (a script, a second writer): version 1 again is refused.
    let row = |version: i32| idl_versions::Model {
        id: format!("direct-{version}"),
        project_id: id.clone(),
        idl_json: "{}".into(),
        cpi_md: None,
        version,
        created_at: Some(Utc::now()),
    };
    let db = app.db.get(Domain::Orquestra);
    let err = row(1).into_active_model().insert(db).await.unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );
    row(2).into_active_model().insert(db).await.unwrap();
    assert_eq!(counts(&app).await[2], 2);
}

#[tokio::test]
async fn an_api_key_is_shown_once_verified_and_revoked() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, false).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE_KEY,
        json!({ "input": { "projectId": id } }),
    )
    .await;
    let created = &ok(&res)["orquestraCreateApiKey"];
    let key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["apiKey"]["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with(created["apiKey"]["prefix"].as_str().unwrap()));
    assert_eq!(created["apiKey"]["lastUsed"], Value::Null);
    assert_eq!(created["apiKey"]["expiresAt"], Value::Null);
    // At least 32 random bytes, in hex, after `oq_<id>_`.
    let secret = key.rsplit_once('_').unwrap().1;
    assert!(secret.len() >= 64);
    // Only the hash is stored.
    let row = api_keys::Entity::find_by_id(key_id.clone())
        .one(app.db.get(Domain::Orquestra))
        .await
        .unwrap()
        .unwrap();
    assert!(!row.key.contains(secret));
    assert!(row.key.starts_with("sha256:"));

    let res = call(&app, None, None, VERIFY_KEY, json!({ "key": key })).await;
    let v = &ok(&res)["orquestraVerifyApiKey"];
    assert_eq!(v["projectId"], id.as_str());
    assert_eq!(v["project"]["name"], format!("P {PROG_A}"));
    let row = api_keys::Entity::find_by_id(key_id.clone())
        .one(app.db.get(Domain::Orquestra))
        .await
        .unwrap()
        .unwrap();
    assert!(row.last_used.is_some());
    // The key reads its private project.
    let res = call(
        &app,
        None,
        Some(&key),
        "query($id: ID!) { orquestraProject(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(ok(&res)["orquestraProject"]["id"], id.as_str());

    // The key with its last hex digit changed (to another digit: a fixed replacement
    // equals the key itself once in 16 runs).
    let (head, last) = key.split_at(key.len() - 1);
    let tampered = format!("{head}{}", if last == "0" { "1" } else { "0" });
    for bad in ["oq_nope_00", "garbage", tampered.as_str()] {
        let res = call(&app, None, None, VERIFY_KEY, json!({ "key": bad })).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{bad}");
    }

    let res = call(&app, Some("u1"), None, REVOKE_KEY, json!({ "id": key_id })).await;
    let r = &ok(&res)["orquestraRevokeApiKey"];
    assert_eq!(r["deletedId"], key_id.as_str());
    assert_eq!(r["project"]["id"], id.as_str());
    let res = call(&app, None, None, VERIFY_KEY, json!({ "key": key })).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    assert_eq!(counts(&app).await[3], 0);
}

#[tokio::test]
async fn api_keys_expire() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE_KEY,
        json!({ "input": { "projectId": id, "expiresAt": (Utc::now() - Duration::hours(1)).to_rfc3339() } }),
    )
    .await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.expiresAt")
    );
    assert_eq!(counts(&app).await[3], 0);
    let expires = Utc::now() + Duration::hours(1);
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE_KEY,
        json!({ "input": { "projectId": id, "expiresAt": expires.to_rfc3339() } }),
    )
    .await;
    let created = &ok(&res)["orquestraCreateApiKey"];
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(created["apiKey"]["expiresAt"].is_string());
    ok(&call(&app, None, None, VERIFY_KEY, json!({ "key": key })).await);
    // Time passes.
    let db = app.db.get(Domain::Orquestra);
    let row = api_keys::Entity::find().one(db).await.unwrap().unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
    row.update(db).await.unwrap();
    let res = call(&app, None, None, VERIFY_KEY, json!({ "key": key })).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
}

#[tokio::test]
async fn socials_are_one_row_per_project_replaced_on_upsert() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        SOCIALS,
        json!({ "input": { "projectId": id, "twitter": "https://x.com/jup", "website": "https://jup.ag" } }),
    )
    .await;
    let s = &ok(&res)["orquestraUpsertProjectSocials"]["socials"];
    assert_eq!(s["projectId"], id.as_str());
    assert_eq!(s["twitter"], "https://x.com/jup");
    assert_eq!(s["website"], "https://jup.ag/");
    let res = call(
        &app,
        Some("u1"),
        None,
        SOCIALS,
        json!({ "input": { "projectId": id, "github": "https://github.com/jup" } }),
    )
    .await;
    let s = &ok(&res)["orquestraUpsertProjectSocials"]["socials"];
    assert_eq!(s["github"], "https://github.com/jup");
    assert_eq!(s["twitter"], Value::Null);
    assert_eq!(s["website"], Value::Null);
    assert_eq!(counts(&app).await[4], 1);

    for (k, v) in [
        ("website", "ftp://jup.ag"),
        ("twitter", "@jup"),
        ("discord", "javascript:alert(1)"),
    ] {
        let res = call(
            &app,
            Some("u1"),
            None,
            SOCIALS,
            json!({ "input": { "projectId": id, k: v } }),
        )
        .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{v}");
        assert_eq!(field(&res), format!("input.{k}"));
    }
    let res = call(
        &app,
        None,
        None,
        "query($id: ID!) { orquestraProject(id: $id) { socials { github twitter } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        ok(&res)["orquestraProject"]["socials"]["github"],
        "https://github.com/jup"
    );
}

#[tokio::test]
async fn known_addresses_are_created_changed_and_deleted() {
    let app = TestApp::spawn().await;
    users(&app, &["u1"]).await;
    let id = project(&app, "u1", PROG_A, true).await;
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE_ADDR,
        json!({ "input": { "projectId": id, "label": "Vault", "address": ADDR_A, "description": "fees" } }),
    )
    .await;
    let a = &ok(&res)["orquestraCreateKnownAddress"]["knownAddress"];
    let aid = a["id"].as_str().unwrap().to_owned();
    assert_eq!(a["label"], "Vault");
    assert_eq!(a["address"], ADDR_A);
    assert_eq!(a["description"], "fees");
    // The same address twice in one project is a conflict.
    let res = call(
        &app,
        Some("u1"),
        None,
        CREATE_ADDR,
        json!({ "input": { "projectId": id, "label": "Again", "address": ADDR_A } }),
    )
    .await;
    assert_eq!(code(&res), "CONFLICT");
    for (input, f) in [
        (
            json!({ "projectId": id, "label": "", "address": ADDR_B }),
            "input.label",
        ),
        (
            json!({ "projectId": id, "label": "L", "address": "0x1234" }),
            "input.address",
        ),
        (
            json!({ "projectId": id, "label": "L", "address": ADDR_B, "description": "d".repeat(1001) }),
            "input.description",
        ),
    ] {
        let res = call(
            &app,
            Some("u1"),
            None,
            CREATE_ADDR,
            json!({ "input": input }),
        )
        .await;
        assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", f));
    }
    assert_eq!(counts(&app).await[5], 1);

    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE_ADDR,
        json!({ "input": { "id": aid, "label": "Treasury", "address": ADDR_B, "description": null } }),
    )
    .await;
    let a = &ok(&res)["orquestraUpdateKnownAddress"]["knownAddress"];
    assert_eq!(a["label"], "Treasury");
    assert_eq!(a["address"], ADDR_B);
    assert_eq!(a["description"], Value::Null);
    let res = call(
        &app,
        Some("u1"),
        None,
        UPDATE_ADDR,
        json!({ "input": { "id": aid, "address": "bad" } }),
    )
    .await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.address")
    );

    let res = call(&app, Some("u1"), None, DELETE_ADDR, json!({ "id": aid })).await;
    let d = &ok(&res)["orquestraDeleteKnownAddress"];
    assert_eq!(d["deletedId"], aid.as_str());
    assert_eq!(d["project"]["id"], id.as_str());
    assert_eq!(counts(&app).await[5], 0);
}

#[tokio::test]
async fn deleting_a_user_cascades_to_their_projects_only() {
    let app = TestApp::spawn().await;
    users(&app, &["u1", "u2"]).await;
    for (user, program) in [("u1", PROG_A), ("u2", PROG_B)] {
        let id = project(&app, user, program, true).await;
        ok(&call(
            &app,
            Some(user),
            None,
            UPLOAD,
            json!({ "input": { "projectId": id, "idl": idl(user) } }),
        )
        .await);
        ok(&call(
            &app,
            Some(user),
            None,
            CREATE_KEY,
            json!({ "input": { "projectId": id } }),
        )
        .await);
        ok(&call(
            &app,
            Some(user),
            None,
            SOCIALS,
            json!({ "input": { "projectId": id, "website": "https://a.example" } }),
        )
        .await);
        ok(&call(
            &app,
            Some(user),
            None,
            CREATE_ADDR,
            json!({ "input": { "projectId": id, "label": "v", "address": ADDR_A } }),
        )
        .await);
    }
    assert_eq!(counts(&app).await, vec![2, 2, 2, 2, 2, 2]);
    let res = call(&app, None, None, DELETE_USER, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = call(&app, Some("u1"), None, DELETE_USER, json!({})).await;
    assert_eq!(ok(&res)["orquestraDeleteUser"]["deletedId"], "u1");
    assert_eq!(counts(&app).await, vec![1, 1, 1, 1, 1, 1]);
    // The deleted user's token names nobody now: refused before anything runs.
    let res = call(&app, Some("u1"), None, DELETE_USER, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no longer exists"),
        "{res}"
    );
    let res = call(
        &app,
        None,
        None,
        "{ orquestraUsers(first: 5) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(ok(&res)["orquestraUsers"]["nodes"], json!([{ "id": "u2" }]));
}
