//! GraphiQL in a real browser: Debian's Chromium driven by `playwright-core`
//! (`tests/js/graphiql.mjs`), with every request that leaves the loopback blocked. The
//! page must load only this server's own files (GraphiQL's npm packages, installed with
//! `npm ci` in `api/graphiql`), run a query, and run a subscription that receives the
//! event a mutation causes. The screenshot is kept at `target/graphiql-<backend>.png`.

use std::path::Path;

use crate::helpers::TestApp;
use crate::helpers::{js_dir, node, npm_ci};

const CHROMIUM: &str = "/usr/bin/chromium";

#[tokio::test]
async fn graphiql_runs_a_query_and_a_subscription_in_chromium_offline() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "this test drives Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    );
    let graphiql = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/graphiql");
    tokio::task::spawn_blocking(move || {
        npm_ci(&graphiql);
        npm_ci(&js_dir());
    })
    .await
    .unwrap();
    let app = TestApp::spawn().await;

    // A browser gets the page with a policy of this server only, and no CDN.
    let page = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http"),
        "the page loads something from elsewhere: {html}"
    );

    let backend = if std::env::var("DATABASE_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    };
    let shot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("graphiql-{backend}.png"));
    let out = node(
        "graphiql.mjs",
        vec![app.addr.to_string(), shot.display().to_string()],
    )
    .await;
    assert_eq!(
        out["query"]["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        out["event"]["data"]["universeEventLogged"],
        serde_json::json!({ "eventType": "entity.created", "source": out["identity"] })
    );
    assert_eq!(out["explorer"], true, "the Explorer plugin is on the page");
    assert_eq!(
        out["blocked"],
        serde_json::json!([]),
        "requests left the machine"
    );
    assert_eq!(out["consoleErrors"], serde_json::json!([]));
}
