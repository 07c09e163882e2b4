//! Orquestra's read API through HTTP: lookups, the seed's queries, pagination, filters,
//! batching.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::Domain;
use entity::orquestra::{idl_versions, project_socials, projects, users};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, as_user, code, logged_statements, ok, statements};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// Inserts Orquestra fixtures straight through the entities.
struct Fixture<'a> {
    app: &'a TestApp,
}

impl Fixture<'_> {
    async fn user(&self, n: i64) -> users::Model {
        let m = users::Model {
            id: format!("u{n:03}"),
            github_id: 1000 + n,
            username: format!("user{n:03}"),
            email: format!("user{n:03}@example.com"),
            avatar_url: Some(format!("https://avatars.example/{n}")),
            created_at: Some(t0() + Duration::minutes(n)),
            updated_at: Some(t0() + Duration::minutes(n)),
        };
        m.clone()
            .into_active_model()
            .insert(self.app.db.get(Domain::Orquestra))
            .await
            .unwrap();
        m
    }

    async fn project(&self, user: &str, n: i64, public: bool) -> projects::Model {
        let m = projects::Model {
            id: format!("{user}-p{n:02}"),
            user_id: user.to_owned(),
            name: format!("Project {n}"),
            description: None,
            program_id: format!("Prog{n}"),
            is_public: Some(public),
            custom_docs: None,
            created_at: Some(t0() + Duration::hours(n)),
            updated_at: None,
        };
        m.clone()
            .into_active_model()
            .insert(self.app.db.get(Domain::Orquestra))
            .await
            .unwrap();
        m
    }

    async fn version(&self, project: &str, v: i32) {
        idl_versions::Model {
            id: format!("{project}-v{v}"),
            project_id: project.to_owned(),
            idl_json: format!(r#"{{"version":"0.{v}.0"}}"#),
            cpi_md: None,
            version: v,
            created_at: Some(t0() + Duration::days(v.into())),
        }
        .into_active_model()
        .insert(self.app.db.get(Domain::Orquestra))
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn user_lookup_by_each_unique_key() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.user(2).await;
    for args in [
        r#"id: "u002""#,
        r#"username: "user002""#,
        "githubId: 1002",
        r#"githubId: "1002""#,
    ] {
        // Signed in as the user, who may read the email address.
        let res = as_user(
            &app,
            "u002",
            &format!("{{ orquestraUser({args}) {{ id username githubId email }} }}"),
        )
        .await;
        ok(&res);
        assert_eq!(
            res["data"]["orquestraUser"],
            json!({"id": "u002", "username": "user002", "githubId": "1002", "email": "user002@example.com"})
        );
    }
    let res = app
        .graphql(r#"{ orquestraUser(id: "nobody") { id } }"#, json!({}))
        .await;
    ok(&res);
    assert_eq!(res["data"]["orquestraUser"], Value::Null);
    for bad in [
        "{ orquestraUser { id } }",
        r#"{ orquestraUser(id: "u001", username: "user001") { id } }"#,
    ] {
        let res = app.graphql(bad, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    }
}

#[tokio::test]
async fn user_with_projects_latest_idl_socials_and_statistics() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.project("u001", 1, true).await;
    f.project("u001", 2, false).await;
    f.project("u001", 3, true).await;
    for v in 1..=3 {
        f.version("u001-p01", v).await;
    }
    f.version("u001-p03", 1).await;
    project_socials::Model {
        id: "s1".into(),
        project_id: "u001-p01".into(),
        twitter: Some("https://x.com/p1".into()),
        discord: None,
        telegram: None,
        github: Some("https://github.com/p1".into()),
        website: None,
        created_at: Some(t0()),
        updated_at: Some(t0()),
    }
    .into_active_model()
    .insert(app.db.get(Domain::Orquestra))
    .await
    .unwrap();

    // Signed in as the owner, who sees the private project too.
    let res = as_user(
        &app,
        "u001",
        r#"{ orquestraUser(id: "u001") {
                username projectCount versionCount
                projects { totalCount nodes {
                    id isPublic versionCount
                    latestIdl { version idl }
                    socials { twitter github discord }
                    user { username }
                } }
            } }"#,
    )
    .await;
    ok(&res);
    assert_eq!(
        res["data"]["orquestraUser"],
        json!({
            "username": "user001", "projectCount": 3, "versionCount": 4,
            "projects": { "totalCount": 3, "nodes": [
                { "id": "u001-p03", "isPublic": true, "versionCount": 1,
                  "latestIdl": { "version": 1, "idl": { "version": "0.1.0" } },
                  "socials": null, "user": { "username": "user001" } },
                { "id": "u001-p02", "isPublic": false, "versionCount": 0,
                  "latestIdl": null, "socials": null, "user": { "username": "user001" } },
                { "id": "u001-p01", "isPublic": true, "versionCount": 3,
                  "latestIdl": { "version": 3, "idl": { "version": "0.3.0" } },
                  "socials": { "twitter": "https://x.com/p1", "github": "https://github.com/p1", "discord": null },
                  "user": { "username": "user001" } },
            ] }
        })
    );
}

#[tokio::test]
async fn public_projects_are_newest_first_with_counts_and_owner() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.user(2).await;
    f.project("u001", 1, true).await;
    f.project("u002", 2, false).await;
    f.project("u002", 3, true).await;
    f.version("u001-p01", 1).await;
    f.version("u001-p01", 2).await;
    let res = app
        .graphql(
            "{ orquestraPublicProjects { totalCount nodes { id versionCount user { username avatarUrl } } } }",
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(
        res["data"]["orquestraPublicProjects"],
        json!({ "totalCount": 2, "nodes": [
            { "id": "u002-p03", "versionCount": 0, "user": { "username": "user002", "avatarUrl": "https://avatars.example/2" } },
            { "id": "u001-p01", "versionCount": 2, "user": { "username": "user001", "avatarUrl": "https://avatars.example/1" } },
        ] })
    );
}

#[tokio::test]
async fn newest_first_breaks_equal_times_by_the_highest_id_first() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    for n in 1..=3 {
        f.project("u001", n, true).await;
    }
    // Make the three creation times equal (the seed's `DATETIME` has whole seconds).
    app.db
        .get(Domain::Orquestra)
        .execute_unprepared(
            "UPDATE projects SET created_at = (SELECT MIN(created_at) FROM projects)",
        )
        .await
        .unwrap();
    let res = app
        .graphql(
            r#"{ orquestraPublicProjects { nodes { id } }
                 orquestraUser(id: "u001") { projects { nodes { id } } }
                 first: orquestraPublicProjects(first: 2) { pageInfo { endCursor } }
                 asc: orquestraPublicProjects(orderBy: {field: CREATED_AT}) { nodes { id } } }"#,
            json!({}),
        )
        .await;
    ok(&res);
    let d = &res["data"];
    let nodes = |v: &Value| -> Vec<String> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let want = ["u001-p03", "u001-p02", "u001-p01"];
    assert_eq!(nodes(&d["orquestraPublicProjects"]), want);
    assert_eq!(nodes(&d["orquestraUser"]["projects"]), want);
    assert_eq!(nodes(&d["asc"]), ["u001-p01", "u001-p02", "u001-p03"]);
    let end = d["first"]["pageInfo"]["endCursor"].as_str().unwrap();
    let res = app
        .graphql(
            &format!(r#"{{ orquestraPublicProjects(after: "{end}") {{ nodes {{ id }} }} }}"#),
            json!({}),
        )
        .await;
    ok(&res);
    assert_eq!(nodes(&res["data"]["orquestraPublicProjects"]), ["u001-p01"]);
}

async fn page(app: &TestApp, args: &str) -> Value {
    let res = app
        .graphql(
            &format!(
                "{{ orquestraUsers({args}) {{ totalCount edges {{ cursor node {{ id }} }} \
                 pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
            ),
            json!({}),
        )
        .await;
    ok(&res);
    res["data"]["orquestraUsers"].clone()
}

fn ids(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pagination_walks_forward_and_backward_through_a_whole_list() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=7 {
        f.user(n).await;
    }
    // Forward, three at a time.
    let p1 = page(&app, "first: 3").await;
    assert_eq!(ids(&p1), ["u001", "u002", "u003"]);
    assert_eq!(p1["totalCount"], 7);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["pageInfo"]["hasPreviousPage"], false);
    let after = p1["pageInfo"]["endCursor"].as_str().unwrap();
    let p2 = page(&app, &format!(r#"first: 3, after: "{after}""#)).await;
    assert_eq!(ids(&p2), ["u004", "u005", "u006"]);
    assert_eq!(p2["pageInfo"]["hasPreviousPage"], true);
    let after = p2["pageInfo"]["endCursor"].as_str().unwrap();
    let p3 = page(&app, &format!(r#"first: 3, after: "{after}""#)).await;
    assert_eq!(ids(&p3), ["u007"]);
    assert_eq!(p3["pageInfo"]["hasNextPage"], false);

    // Backward from the end, then before the first page of that.
    let b1 = page(&app, "last: 2").await;
    assert_eq!(ids(&b1), ["u006", "u007"]);
    assert_eq!(b1["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(b1["pageInfo"]["hasNextPage"], false);
    let before = b1["pageInfo"]["startCursor"].as_str().unwrap();
    let b2 = page(&app, &format!(r#"last: 4, before: "{before}""#)).await;
    assert_eq!(ids(&b2), ["u002", "u003", "u004", "u005"]);
    assert_eq!(b2["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(b2["pageInfo"]["hasNextPage"], true);

    // Ordering by a column, descending, pages the same way.
    let d1 = page(
        &app,
        "first: 4, orderBy: {field: GITHUB_ID, direction: DESC}",
    )
    .await;
    assert_eq!(ids(&d1), ["u007", "u006", "u005", "u004"]);
    let after = d1["pageInfo"]["endCursor"].as_str().unwrap();
    let d2 = page(
        &app,
        &format!(r#"first: 4, after: "{after}", orderBy: {{field: GITHUB_ID, direction: DESC}}"#),
    )
    .await;
    assert_eq!(ids(&d2), ["u003", "u002", "u001"]);

    // A page of nothing.
    let empty = page(&app, "first: 0").await;
    assert_eq!(ids(&empty), Vec::<String>::new());
    let none = page(&app, r#"filter: {username: {eq: "nobody"}}"#).await;
    assert_eq!(ids(&none), Vec::<String>::new());
    assert_eq!(none["totalCount"], 0);
    assert_eq!(none["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn bad_page_arguments_are_rejected() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.project("u001", 1, true).await;
    let projects = app
        .graphql(
            "{ orquestraProjects { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let foreign = projects["data"]["orquestraProjects"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let users = page(&app, "first: 1").await;
    let users_by_id = users["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    for (args, field) in [
        ("first: 1000".to_owned(), "first"),
        ("first: 101".to_owned(), "first"),
        ("last: -1".to_owned(), "last"),
        ("first: 1, last: 1".to_owned(), "last"),
        (format!(r#"after: "{foreign}""#), "after"),
        // Same list, other order: the cursor no longer means anything.
        (
            format!(r#"after: "{users_by_id}", orderBy: {{field: USERNAME}}"#),
            "after",
        ),
        (r#"after: "not-a-cursor""#.to_owned(), "after"),
        (r#"before: "e30""#.to_owned(), "before"),
    ] {
        let res = app
            .graphql(
                &format!("{{ orquestraUsers({args}) {{ nodes {{ id }} }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{args}: {res}");
        assert_eq!(
            res["errors"][0]["extensions"]["field"], field,
            "{args}: {res}"
        );
        assert_eq!(res["data"], Value::Null, "{args}");
    }
    // Nested connections validate the same way.
    let res = app
        .graphql(
            "{ orquestraUsers { nodes { projects(first: 1000) { nodes { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

#[tokio::test]
async fn filters_combine_scalar_conditions_with_and_or_not() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=6 {
        f.user(n).await;
    }
    let cases = [
        (r#"{githubId: {in: [1002, 1004]}}"#, vec!["u002", "u004"]),
        (
            r#"{username: {startsWith: "user00"}, githubId: {gte: 1005}}"#,
            vec!["u005", "u006"],
        ),
        (r#"{username: {contains: "R003"}}"#, vec!["u003"]),
        (
            r#"{or: [{id: {eq: "u001"}}, {id: {eq: "u006"}}]}"#,
            vec!["u001", "u006"],
        ),
        (r#"{not: {githubId: {lt: 1005}}}"#, vec!["u005", "u006"]),
        (
            r#"{and: [{githubId: {gt: 1001}}, {githubId: {lte: 1003}}]}"#,
            vec!["u002", "u003"],
        ),
        (r#"{avatarUrl: {isNull: true}}"#, vec![]),
        (
            r#"{createdAt: {gt: "2026-01-01T00:03:00Z"}}"#,
            vec!["u004", "u005", "u006"],
        ),
        (
            r#"{username: {notIn: ["user001", "user002", "user003"]}, id: {ne: "u004"}}"#,
            vec!["u005", "u006"],
        ),
        // LIKE metacharacters are literal.
        (r#"{username: {contains: "%"}}"#, vec![]),
    ];
    for (filter, want) in cases {
        let conn = page(&app, &format!("filter: {filter}")).await;
        assert_eq!(ids(&conn), want, "{filter}");
        assert_eq!(conn["totalCount"], want.len(), "{filter}");
    }
    // Too deep a filter is refused.
    let deep = r#"{not: {not: {not: {not: {not: {not: {id: {eq: "u001"}}}}}}}}"#;
    let res = app
        .graphql(
            &format!("{{ orquestraUsers(filter: {deep}) {{ nodes {{ id }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

#[tokio::test]
async fn three_level_query_costs_the_same_for_5_and_50_parents() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let query = "{ orquestraUsers(first: 100) { nodes { id projects(first: 5) { nodes { id \
                 idlVersions(first: 5) { nodes { version } } } } } } }";
    let with_counts = "{ orquestraUsers(first: 100) { totalCount nodes { id projects(first: 5) { totalCount nodes { id \
                 idlVersions(first: 5) { totalCount nodes { version } } } } } } }";
    let mut costs = Vec::new();
    for n in 1..=50 {
        f.user(n).await;
        for p in 1..=2 {
            let project = f.project(&format!("u{n:03}"), p, true).await;
            f.version(&project.id, 1).await;
            f.version(&project.id, 2).await;
        }
        if n == 5 || n == 50 {
            costs.push((
                statements(&app, Domain::Orquestra, query).await,
                statements(&app, Domain::Orquestra, with_counts).await,
            ));
        }
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 vs 50 users: {costs:?}"
    );
    assert_eq!(costs[0].0, 3, "one statement per level");
    assert_eq!(costs[0].1, 6, "plus one per level asking totalCount");
}

#[tokio::test]
async fn api_keys_never_expose_the_key() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            r#"{ __type(name: "OrquestraApiKey") { fields { name } } }"#,
            json!({}),
        )
        .await;
    ok(&res);
    let names: Vec<&str> = res["data"]["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "prefix",
            "projectId",
            "lastUsed",
            "createdAt",
            "expiresAt",
            "project"
        ]
    );
}

#[tokio::test]
async fn every_list_orders_by_primary_key_both_ways_and_pages_through_it() {
    let app = TestApp::spawn().await;
    // Every order enum of the schema offers the primary key.
    let res = app
        .graphql(
            "{ __schema { types { name kind enumValues { name } } } }",
            json!({}),
        )
        .await;
    ok(&res);
    let orders: Vec<&Value> = res["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "ENUM" && t["name"].as_str().unwrap().ends_with("OrderField"))
        .collect();
    assert!(orders.len() > 30, "{}", orders.len());
    for t in orders {
        assert_eq!(t["enumValues"][0]["name"], "PRIMARY_KEY", "{}", t["name"]);
    }

    // Created in an order unlike their ids, so that the orders differ.
    let f = Fixture { app: &app };
    f.user(1).await;
    for n in [3, 1, 2] {
        f.project("u001", n, true).await;
    }
    let list = |args: &str| {
        let app = &app;
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({args})")
        };
        let q = format!(
            "{{ orquestraProjects{args} {{ nodes {{ id }} pageInfo {{ endCursor hasNextPage }} }} }}"
        );
        async move {
            let res = app.graphql(&q, json!({})).await;
            ok(&res);
            res["data"]["orquestraProjects"].clone()
        }
    };
    let ids = |conn: &Value| -> Vec<String> {
        conn["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let asc = ["u001-p01", "u001-p02", "u001-p03"];
    assert_eq!(ids(&list("").await), asc, "the default order");
    assert_eq!(ids(&list("orderBy: {field: PRIMARY_KEY}").await), asc);
    let desc = ["u001-p03", "u001-p02", "u001-p01"];
    assert_eq!(
        ids(&list("orderBy: {field: PRIMARY_KEY, direction: DESC}").await),
        desc
    );
    // Cursors follow it, one at a time.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = list(&format!(
            "first: 1, orderBy: {{field: PRIMARY_KEY, direction: DESC}}{after}"
        ))
        .await;
        seen.extend(ids(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = format!(
            r#", after: "{}""#,
            page["pageInfo"]["endCursor"].as_str().unwrap()
        );
    }
    assert_eq!(seen, desc);
    // A cursor of the ascending order is refused by the descending one.
    let first = list("first: 1, orderBy: {field: PRIMARY_KEY}").await;
    let cursor = first["pageInfo"]["endCursor"].as_str().unwrap();
    let res = app
        .graphql(
            &format!(
                r#"{{ orquestraProjects(first: 1, after: "{cursor}", orderBy: {{field: PRIMARY_KEY, direction: DESC}}) {{ nodes {{ id }} }} }}"#
            ),
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

/// Runs `query` (no errors allowed): its data and the SQL statements that read
/// `idl_versions`.
async fn version_statements(app: &TestApp, query: &str) -> (Value, Vec<String>) {
    let (data, log) = logged_statements(app, query).await;
    let reads = log
        .into_iter()
        .filter(|sql| sql.contains("FROM \"idl_versions\""))
        .collect();
    (data, reads)
}

/// Whether `sql` reads the column `column` of `idl_versions` (rather than its placeholder).
fn reads(sql: &str, column: &str) -> bool {
    sql.contains(&format!("\"idl_versions\".\"{column}\""))
}

#[tokio::test]
async fn idl_documents_are_read_only_when_the_selection_shows_them() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.project("u001", 1, true).await;
    f.version("u001-p01", 1).await;
    f.version("u001-p01", 2).await;
    let doc = r#"{"version":"0.2.0"}"#;

    // A root list, a nested list and a lookup, without the document: no statement reads
    // `idl_json` or `cpi_md`, and the rows still come back whole otherwise.
    for (query, path) in [
        (
            "{ orquestraIdlVersions(orderBy: {field: VERSION, direction: DESC}) { nodes { id version } } }",
            "/orquestraIdlVersions/nodes/0",
        ),
        (
            "{ orquestraProject(id: \"u001-p01\") { idlVersions { edges { node { id version } } } } }",
            "/orquestraProject/idlVersions/edges/0/node",
        ),
        (
            "{ orquestraIdlVersion(id: \"u001-p01-v2\") { id version } }",
            "/orquestraIdlVersion",
        ),
    ] {
        let (res, sql) = version_statements(&app, query).await;
        assert_eq!(sql.len(), 1, "{query}: {sql:?}");
        assert!(
            !reads(&sql[0], "idl_json") && !reads(&sql[0], "cpi_md"),
            "{sql:?}"
        );
        assert!(reads(&sql[0], "version"), "{sql:?}");
        assert_eq!(
            res.pointer(path),
            Some(&json!({"id": "u001-p01-v2", "version": 2})),
            "{res}"
        );

        // The same with the document, asked for directly, through a fragment or an inline
        // fragment, and under an alias: the column is read and shown.
        for (shows, fragment, key) in [
            ("idlJson", "", "idlJson"),
            (
                "...Doc",
                " fragment Doc on OrquestraIdlVersion { idlJson }",
                "idlJson",
            ),
            ("... on OrquestraIdlVersion { idlJson }", "", "idlJson"),
            ("doc: idlJson", "", "doc"),
        ] {
            let q = query.replace("id version", &format!("id version {shows}")) + fragment;
            let (res, sql) = version_statements(&app, &q).await;
            assert!(
                reads(&sql[0], "idl_json") && !reads(&sql[0], "cpi_md"),
                "{q}: {sql:?}"
            );
            assert_eq!(
                res.pointer(&format!("{path}/{key}")),
                Some(&json!(doc)),
                "{q}: {res}"
            );
        }
    }

    // `idl` (the parsed document) reads the document too; `cpiMd` reads only its column.
    let (res, sql) = version_statements(
        &app,
        "{ orquestraIdlVersion(id: \"u001-p01-v2\") { idl cpiMd } }",
    )
    .await;
    assert!(
        reads(&sql[0], "idl_json") && reads(&sql[0], "cpi_md"),
        "{sql:?}"
    );
    assert_eq!(
        res.pointer("/orquestraIdlVersion"),
        Some(&json!({"idl": {"version": "0.2.0"}, "cpiMd": null}))
    );
}

#[tokio::test]
async fn user_and_project_texts_are_read_only_when_the_selection_shows_them() {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    let mut project = f.project("u001", 1, true).await.into_active_model();
    project.description = Set(Some("a description".into()));
    project.custom_docs = Set(Some("# docs".into()));
    project.update(app.db.get(Domain::Orquestra)).await.unwrap();
    let statements = |query: &'static str| logged_statements(&app, query);
    let from = |log: &[String], table: &str| -> String {
        let found: Vec<&String> = log
            .iter()
            .filter(|sql| sql.contains(&format!("FROM \"{table}\"")))
            .collect();
        assert_eq!(found.len(), 1, "{table}: {log:?}");
        found[0].clone()
    };

    // The nested list of the benchmark: no free text is read, and what is shown is whole.
    let (data, log) = statements(
        "{ orquestraUsers { nodes { id username projects { nodes { id name programId } } } } }",
    )
    .await;
    let users = from(&log, "users");
    assert!(
        !users.contains("\"users\".\"email\"") && !users.contains("\"users\".\"avatar_url\""),
        "{users}"
    );
    assert!(users.contains("\"users\".\"username\""), "{users}");
    let projects = from(&log, "projects");
    assert!(
        !projects.contains("\"projects\".\"description\"")
            && !projects.contains("\"projects\".\"custom_docs\""),
        "{projects}"
    );
    assert_eq!(
        data["orquestraUsers"]["nodes"][0],
        json!({"id": "u001", "username": "user001", "projects": {"nodes": [
            {"id": "u001-p01", "name": "Project 1", "programId": "Prog1"}
        ]}})
    );

    // A lookup by username reads them only when asked for too.
    let (data, log) = statements("{ orquestraUser(username: \"user001\") { id username } }").await;
    let lookup = from(&log, "users");
    assert!(
        !lookup.contains("\"users\".\"email\"") && !lookup.contains("\"users\".\"avatar_url\""),
        "{lookup}"
    );
    assert_eq!(
        data["orquestraUser"],
        json!({"id": "u001", "username": "user001"})
    );
    let (data, log) = statements("{ orquestraUser(githubId: \"1001\") { avatarUrl } }").await;
    let lookup = from(&log, "users");
    assert!(
        lookup.contains("\"users\".\"avatar_url\"") && !lookup.contains("\"users\".\"email\""),
        "{lookup}"
    );
    assert_eq!(
        data["orquestraUser"],
        json!({"avatarUrl": "https://avatars.example/1"})
    );

    // Asked for, each is read and shown.
    let (data, log) = statements(
        "{ orquestraUsers { nodes { avatarUrl projects { nodes { description customDocs } } } } }",
    )
    .await;
    assert!(from(&log, "users").contains("\"users\".\"avatar_url\""));
    let projects = from(&log, "projects");
    assert!(
        projects.contains("\"projects\".\"description\"")
            && projects.contains("\"projects\".\"custom_docs\""),
        "{projects}"
    );
    assert_eq!(
        data["orquestraUsers"]["nodes"][0],
        json!({"avatarUrl": "https://avatars.example/1", "projects": {"nodes": [
            {"description": "a description", "customDocs": "# docs"}
        ]}})
    );
}

#[tokio::test]
async fn lists_without_a_filter_or_an_access_rule_have_no_where_clause() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.user(1).await;
    f.project("u001", 1, true).await;
    f.version("u001-p01", 1).await;
    let (data, log) = logged_statements(
        &app,
        "{ orquestraUsers(filter: {}) { nodes { id projects(first: 2) { nodes { id \
         idlVersions(first: 1) { nodes { id version } } } } } } }",
    )
    .await;
    assert_eq!(
        data["orquestraUsers"]["nodes"][0],
        json!({"id": "u001", "projects": {"nodes": [
            {"id": "u001-p01", "idlVersions": {"nodes": [{"id": "u001-p01-v1", "version": 1}]}}
        ]}})
    );
    assert_eq!(log.len(), 3, "{log:?}");
    // Neither the empty filter nor the absent one is written as a bound `TRUE`.
    let users = &log[0];
    assert!(
        users.contains("FROM \"users\"") && !users.contains("WHERE"),
        "{users}"
    );
    let versions = &log[2];
    assert!(
        versions.contains("WHERE \"idl_versions\".\"project_id\" IN"),
        "{versions}"
    );
    for sql in &log {
        for bound_true in ["WHERE $", "WHERE ?", "AND $", "AND ?"] {
            assert!(!sql.contains(bound_true), "{sql}");
        }
    }
    // Page bounds are literals (the default page of 20 fetches 21 rows, `first: 2` 3 per
    // parent): PostgreSQL plans a statement with a bound `LIMIT $n` anew on every call.
    assert!(users.ends_with(" LIMIT 21"), "{users}");
    let bound = |n: u32| format!("WHERE \"__rn\" <= ({n}) ORDER BY \"__rn\" ASC");
    assert!(log[1].ends_with(&bound(3)), "{}", log[1]);
    assert!(versions.ends_with(&bound(2)), "{versions}");
}
