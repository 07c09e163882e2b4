//! Unmodified npm GraphQL clients against a running Mosaic: `@apollo/client` (with its
//! persisted-query link) and `@urql/core` (POST and GET) through `tests/js/clients.mjs`;
//! the `graphql-ws` library (Apollo Client's, urql's and GraphiQL's WebSocket transport)
//! and Apollo's legacy `subscriptions-transport-ws`, driven by `tests/js/subscribe.mjs`.
//! All run under Node.js.
//!
//! The packages are pinned by `tests/js/package-lock.json` and installed with `npm ci`
//! the first time (again whenever the lockfile changes). Node.js 20+ and npm must be on
//! the PATH. `graphiql.rs` drives GraphiQL in Chromium the same way.

use serde_json::Value;

use crate::helpers::{TestApp, js_dir, node, npm_ci};

#[tokio::test]
async fn graphql_ws_and_subscriptions_transport_ws_receive_an_event_caused_by_a_mutation() {
    tokio::task::spawn_blocking(|| npm_ci(&js_dir()))
        .await
        .unwrap();
    let app = TestApp::spawn().await;
    for library in ["graphql-ws", "subscriptions-transport-ws"] {
        let out = node(
            "subscribe.mjs",
            vec![app.addr.to_string(), library.to_owned()],
        )
        .await;
        let me = out["identity"].as_str().unwrap();
        assert_eq!(
            out["result"]["data"]["universeEventLogged"],
            serde_json::json!({ "eventType": "entity.created", "source": me }),
            "{library}: {out}"
        );
        assert!(out["result"]["errors"].is_null(), "{library}: {out}");
    }
}

/// Runs `tests/js/clients.mjs` with one frontend client (`apollo`, `urql-post`, `urql-get`)
/// and checks what it saw: a mutation with variables, mutations with the sign-in token,
/// a list followed through its cursors, errors with their codes, and a subscription
/// receiving the event a mutation caused.
async fn frontend_client_scenario(mode: &str) -> Value {
    tokio::task::spawn_blocking(|| npm_ci(&js_dir()))
        .await
        .unwrap();
    let app = TestApp::spawn().await;
    let out = node("clients.mjs", vec![app.addr.to_string(), mode.to_owned()]).await;
    let me = out["me"]["username"].as_str().unwrap();
    assert_eq!(
        out["authors"],
        serde_json::json!([me, me, me]),
        "{mode}: {out}"
    );
    let pages = out["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2, "{mode}: {out}");
    let mut seen: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.as_array().unwrap())
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(pages[0].as_array().unwrap().len(), 2, "{mode}: {out}");
    seen.sort_unstable();
    assert_eq!(seen, ["first", "second", "third"], "{mode}: {out}");
    assert_eq!(
        out["errors"],
        serde_json::json!({
            "anonymous": ["UNAUTHENTICATED"],
            "invalid": ["BAD_USER_INPUT"],
            "badInput": ["BAD_USER_INPUT"],
        }),
        "{mode}: {out}"
    );
    assert!(out["eventErrors"].is_null(), "{mode}: {out}");
    let comment = &out["event"]["bellamyCommentAdded"]["comment"];
    assert_eq!(comment["content"], "hello", "{mode}: {out}");
    assert_eq!(comment["author"]["username"], me, "{mode}: {out}");
    out
}

/// `(method, carried the document, carried a hash)` of each logged request.
fn requests(out: &Value) -> Vec<(String, bool, bool)> {
    out["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_owned(),
                r["query"].as_bool().unwrap(),
                r["hash"].is_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn apollo_client_with_persisted_queries_runs_the_scenario() {
    let out = frontend_client_scenario("apollo").await;
    let requests = requests(&out);
    // Every request carries a hash; queries go first as a GET with the hash alone, and a
    // miss is sent again with the document over POST.
    assert!(requests.iter().all(|(_, _, hash)| *hash), "{out}");
    let gets: Vec<_> = requests.iter().filter(|(m, _, _)| m == "GET").collect();
    assert!(!gets.is_empty(), "{out}");
    assert!(gets.iter().all(|(_, query, _)| !query), "{out}");
    // The first page, asked a second time, is known: one GET, no document.
    let posts: Vec<_> = out["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["operationName"] == "Posts")
        .map(|r| (r["method"].as_str().unwrap(), r["query"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        posts,
        [
            ("GET", false),
            ("POST", true),
            ("GET", false),
            ("GET", false),
            ("GET", false),
        ],
        "{out}"
    );
}

#[tokio::test]
async fn urql_over_post_runs_the_scenario() {
    let out = frontend_client_scenario("urql-post").await;
    assert!(
        requests(&out)
            .iter()
            .all(|(m, query, _)| m == "POST" && *query),
        "{out}"
    );
}

#[tokio::test]
async fn urql_over_get_runs_the_scenario() {
    let out = frontend_client_scenario("urql-get").await;
    let requests = requests(&out);
    // Queries over GET, mutations over POST.
    let methods: Vec<&str> = out["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["operationName"] == "Posts")
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["GET", "GET", "GET", "GET"], "{out}");
    assert!(
        requests.iter().any(|(m, _, _)| m == "POST"),
        "mutations over POST: {out}"
    );
}
