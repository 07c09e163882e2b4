//! The server as a whole: health check, GraphQL endpoint, schema drift.

use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_answers_ok_when_every_domain_is_up() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn graphql_answers_over_post() {
    let app = TestApp::spawn().await;
    let res = app.graphql("{ apiVersion }", serde_json::json!({})).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(res["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("graphiql"), "GraphiQL page");
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
