//! The server as a whole: health check, GraphQL endpoint, schema drift.

use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_answers_ok_when_every_domain_is_up() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "status": "ok",
            "domains": {
                "atrarium": "ok",
                "orquestra": "ok",
                "bellamy": "ok",
                "pds": "ok",
                "universe": "ok",
            }
        })
    );
}

#[tokio::test]
async fn graphql_answers_over_post() {
    let app = TestApp::spawn().await;
    let res = app.graphql("{ apiVersion }", serde_json::json!({})).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(res["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn graphiql_falls_back_to_the_cdn_without_local_assets() {
    // With GraphiQL's packages installed the page is served from this server
    // (tests/api/graphiql.rs); without them it still works, from a public CDN.
    let app = TestApp::spawn_with(api::http::HttpOptions {
        graphiql_dir: "/nonexistent/node_modules".into(),
        ..Default::default()
    })
    .await;
    let res = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("https://unpkg.com/graphiql@"),
        "GraphiQL from the CDN"
    );
    let asset = app
        .client
        .get(app.url("/graphiql/assets/graphiql.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 404);
    assert!(
        html.contains("/graphql/ws"),
        "subscriptions wired to the WebSocket endpoint"
    );
}

#[test]
fn schema_graphql_is_up_to_date() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repository root");
    let current = api::schema::sdl();
    assert!(
        committed == current,
        "schema.graphql is stale: regenerate it with `cargo run -- schema > schema.graphql`"
    );
}

async fn scraped(app: &TestApp, domain: &str) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("mosaic_sql_statements_total{{domain=\"{domain}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{domain} counter in {text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn metrics_count_sql_statements_per_domain() {
    let app = TestApp::spawn().await;
    let orquestra = scraped(&app, "orquestra").await;
    let pds = scraped(&app, "pds").await;
    assert!(orquestra > 0, "migrations ran statements");
    // Scraping runs no SQL; two statements on Orquestra's pool show up there only.
    crate::helpers::count(app.db.get(entity::Domain::Orquestra), "users").await;
    crate::helpers::count(app.db.get(entity::Domain::Orquestra), "projects").await;
    assert_eq!(scraped(&app, "orquestra").await, orquestra + 2);
    assert_eq!(scraped(&app, "pds").await, pds);
    assert_eq!(
        app.db.dbs.metrics().statements(entity::Domain::Orquestra),
        orquestra + 2
    );
}

#[tokio::test]
async fn query_limits_are_enforced_before_execution() {
    let app = TestApp::spawn().await;
    let before = app.db.dbs.metrics().total();
    // 100 x 100 x 100 items: far over the complexity budget.
    let res = app
        .graphql(
            "{ orquestraUsers(first: 100) { nodes { projects(first: 100) { nodes { \
             idlVersions(first: 100) { nodes { id version idlJson } } } } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{res}"
    );
    let err = &res["errors"][0];
    let limit = api::schema::Limits::default().complexity as u64;
    assert_eq!(err["extensions"]["measure"], "complexity");
    assert_eq!(err["extensions"]["limit"], limit);
    let cost = err["extensions"]["cost"].as_u64().unwrap();
    assert!(cost > limit, "{res}");
    assert_eq!(
        err["message"],
        format!(
            "the query costs {cost}, over the limit of {limit}: ask for fewer rows (`first`) \
             or fewer nested lists"
        )
    );
    // Too deep.
    let deep = format!(
        "{{ orquestraUsers(first: 1) {{ nodes {{ {} id {} }} }} }}",
        "projects(first: 1) { nodes { user { ".repeat(6),
        "} } } ".repeat(6)
    );
    let res = app.graphql(&deep, serde_json::json!({})).await;
    assert_eq!(
        res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{res}"
    );
    let err = &res["errors"][0];
    let limit = api::schema::Limits::default().depth as u64;
    assert_eq!(err["extensions"]["measure"], "depth");
    assert_eq!(err["extensions"]["limit"], limit);
    let depth = err["extensions"]["cost"].as_u64().unwrap();
    assert!(depth > limit, "{res}");
    assert_eq!(
        err["message"],
        format!("the query is nested {depth} levels deep, over the limit of {limit}")
    );
    assert_eq!(app.db.dbs.metrics().total(), before, "nothing ran");
}

#[tokio::test]
async fn parse_errors_carry_a_code() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql("{ orquestraUsers { ", serde_json::json!({}))
        .await;
    assert_eq!(
        res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{res}"
    );
    let res = app.graphql("{ noSuchField }", serde_json::json!({})).await;
    assert_eq!(
        res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{res}"
    );
}

#[tokio::test]
async fn demo_data_is_browsable_and_seeding_twice_adds_nothing() {
    let app = TestApp::spawn().await;
    api::demo::seed(&app.db.dbs).await.unwrap();
    let q = "{ orquestraPublicProjects(first: 3) { totalCount nodes { name versionCount user { username } } } }";
    let first = app.graphql(q, serde_json::json!({})).await;
    assert_eq!(first.get("errors"), None, "{first}");
    assert_eq!(
        first["data"]["orquestraPublicProjects"],
        serde_json::json!({ "totalCount": 4, "nodes": [
            { "name": "DAO Voting", "versionCount": 0, "user": { "username": "rustacean-raj" } },
            { "name": "Staking Pool", "versionCount": 1, "user": { "username": "anchor-ana" } },
            { "name": "NFT Mint", "versionCount": 2, "user": { "username": "anchor-ana" } },
        ] })
    );
    api::demo::seed(&app.db.dbs).await.unwrap();
    let again = app.graphql(q, serde_json::json!({})).await;
    assert_eq!(again, first);
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_documented() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            "{ __schema { types { name kind description \
               fields { name description args { name description } } \
               inputFields { name description } enumValues { name description } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.get("errors"), None, "{res}");
    let empty = |v: &serde_json::Value| v.as_str().is_none_or(|d| d.trim().is_empty());
    let builtin = ["Boolean", "String", "Int", "Float", "ID"];
    let mut missing = Vec::new();
    for ty in res["data"]["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        // async-graphql generates connection types without a description.
        if empty(&ty["description"]) && !name.ends_with("Connection") {
            missing.push(format!("type {name}"));
        }
        for f in ty["fields"].as_array().into_iter().flatten() {
            let fname = f["name"].as_str().unwrap();
            if empty(&f["description"]) {
                missing.push(format!("field {name}.{fname}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if empty(&a["description"]) {
                    missing.push(format!("argument {name}.{fname}({})", a["name"]));
                }
            }
        }
        for f in ty["inputFields"].as_array().into_iter().flatten() {
            if empty(&f["description"]) {
                missing.push(format!("input field {name}.{}", f["name"]));
            }
        }
        for v in ty["enumValues"].as_array().into_iter().flatten() {
            if empty(&v["description"]) {
                missing.push(format!("enum value {name}.{}", v["name"]));
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "undocumented:\n{}", missing.join("\n"));
}

#[tokio::test]
async fn no_type_or_filter_exposes_a_secret_column() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            "{ __schema { types { name fields { name } inputFields { name } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.get("errors"), None, "{res}");
    let secrets = [
        "passwordHash",
        "signingKeyPriv",
        "rotationKeyPriv",
        "passwordScrypt",
        "jti",
    ];
    let mut seen_types = 0;
    for ty in res["data"]["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        let names: Vec<&str> = ty["fields"]
            .as_array()
            .into_iter()
            .chain(ty["inputFields"].as_array())
            .flatten()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        for s in secrets {
            assert!(!names.contains(&s), "{name}.{s} exposes a secret");
        }
        if name.starts_with("OrquestraApiKey") {
            assert!(
                !names.contains(&"key"),
                "{name}.key exposes the API key hash"
            );
        }
        if [
            "PdsAccount",
            "BellamyUser",
            "PdsAppPassword",
            "PdsSession",
            "OrquestraApiKey",
        ]
        .contains(&name)
        {
            seen_types += 1;
        }
    }
    assert_eq!(
        seen_types, 5,
        "the types holding secrets exist (and were checked)"
    );
}

#[tokio::test]
async fn readme_examples_run_against_the_demo_data() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```graphql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(
        blocks.len() >= 3,
        "the README shows at least three example queries"
    );
    let app = TestApp::spawn().await;
    api::demo::seed(&app.db.dbs).await.unwrap();
    for q in blocks {
        let res = app.graphql(q, serde_json::json!({})).await;
        assert_eq!(res.get("errors"), None, "{q}\n{res}");
        let data = res["data"].as_object().unwrap();
        for (field, value) in data {
            assert!(!value.is_null(), "{field} is null for\n{q}");
            let empty_list = value
                .get("nodes")
                .and_then(|n| n.as_array())
                .is_some_and(Vec::is_empty)
                || value.as_array().is_some_and(Vec::is_empty);
            assert!(!empty_list, "{field} is empty for\n{q}");
        }
    }
}
