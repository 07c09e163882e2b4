//! Persisted queries: Apollo's automatic persisted queries protocol (hash first, the
//! document on a miss, GET with the hash alone) and the trusted-documents mode
//! (`--persisted-only`), over HTTP and the WebSocket.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::{code, get_url};
use crate::ws_client::{Event, Protocol, WsClient};

/// The hex sha256 of `text`, computed here (not with the server's own function).
fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn extension(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, accept: &str, body: Value) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("accept", accept)
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

async fn get(app: &TestApp, params: &[(&str, &str)]) -> (StatusCode, Option<String>, Value) {
    let res = app.client.get(get_url(app, params)).send().await.unwrap();
    let cache = res
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    (res.status(), cache, res.json().await.unwrap())
}

const DOC: &str = "query Version { apiVersion }";

#[tokio::test]
async fn automatic_persisted_queries_follow_apollos_protocol() {
    let app = TestApp::spawn().await;
    let hash = sha256(DOC);
    let ext = extension(&hash).to_string();

    // The hash alone, unknown: the error Apollo's link retries on, never cached.
    let (status, cache, res) = get(&app, &[("extensions", &ext)]).await;
    assert_eq!(status, 200);
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(res["errors"][0]["message"], "PersistedQueryNotFound");
    let (status, res) = post(
        &app,
        "application/graphql-response+json",
        json!({ "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(res.get("data").is_none());
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_FOUND");

    // A document that is not the hash's: refused, and not stored.
    let (status, res) = post(
        &app,
        "application/json",
        json!({ "query": "{ __typename }", "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&res), "BAD_REQUEST");

    // The hash with its document: runs, and is remembered.
    let (status, res) = post(
        &app,
        "application/json",
        json!({ "query": DOC, "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(status, 200);
    assert!(res["errors"].is_null(), "{res}");
    assert_eq!(res["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));

    // Now the hash alone runs, over GET (a short URL a CDN can cache) and POST.
    let (status, _, res) = get(&app, &[("extensions", &ext), ("operationName", "Version")]).await;
    assert_eq!(status, 200);
    assert!(res["errors"].is_null(), "{res}");
    assert_eq!(res["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
    let (_, res) = post(
        &app,
        "application/json",
        json!({ "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(
        res["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{res}"
    );

    // A malformed extension is a clear error, not a panic.
    for bad in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": hash } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "xyz" } }),
        json!({ "persistedQuery": "nope" }),
    ] {
        let (status, res) = post(&app, "application/json", json!({ "extensions": bad })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(code(&res), "BAD_REQUEST", "{bad}");
    }
}

#[tokio::test]
async fn the_automatic_store_is_bounded_and_can_be_turned_off() {
    let app = TestApp::spawn_with(api::http::HttpOptions {
        persisted: api::persisted::PersistedOptions {
            cache_entries: 1,
            only: None,
        },
        ..Default::default()
    })
    .await;
    let docs = ["{ apiVersion }", "{ __typename }"];
    for doc in docs {
        let (_, res) = post(
            &app,
            "application/json",
            json!({ "query": doc, "extensions": extension(&sha256(doc)) }),
        )
        .await;
        assert!(res["errors"].is_null(), "{res}");
    }
    let (_, res) = post(
        &app,
        "application/json",
        json!({ "extensions": extension(&sha256(docs[0])) }),
    )
    .await;
    assert_eq!(
        code(&res),
        "PERSISTED_QUERY_NOT_FOUND",
        "the oldest was evicted"
    );
    let (_, res) = post(
        &app,
        "application/json",
        json!({ "extensions": extension(&sha256(docs[1])) }),
    )
    .await;
    assert_eq!(res["data"]["__typename"], "Query", "{res}");

    let off = TestApp::spawn_with(api::http::HttpOptions {
        persisted: api::persisted::PersistedOptions {
            cache_entries: 0,
            only: None,
        },
        ..Default::default()
    })
    .await;
    let (_, res) = post(
        &off,
        "application/json",
        json!({ "extensions": extension(&sha256(docs[0])) }),
    )
    .await;
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_SUPPORTED");
}

#[tokio::test]
async fn trusted_documents_mode_runs_only_the_manifest_over_http_and_websocket() {
    let subscription = "subscription Logged { universeEventLogged(after: \"0\") { eventType } }";
    let manifest = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            { "id": sha256(DOC), "name": "Version", "type": "query", "body": DOC },
            { "id": sha256(subscription), "name": "Logged", "type": "subscription", "body": subscription },
        ]
    });
    let manifest = api::persisted::Manifest::from_json(&manifest.to_string()).unwrap();
    let app = TestApp::spawn_with(api::http::HttpOptions {
        persisted: api::persisted::PersistedOptions {
            cache_entries: 100,
            only: Some(Arc::new(manifest)),
        },
        ..Default::default()
    })
    .await;
    let hash = sha256(DOC);

    // Known documents run, by hash (GET, POST) or by their exact text.
    let (status, _, res) = get(&app, &[("extensions", &extension(&hash).to_string())]).await;
    assert_eq!(status, 200);
    assert_eq!(
        res["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{res}"
    );
    let (_, res) = post(&app, "application/json", json!({ "query": DOC })).await;
    assert_eq!(
        res["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{res}"
    );

    // Anything else is refused, and not learnt.
    let other = "{ __typename }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": extension(&sha256(other)) }),
        json!({ "extensions": extension(&sha256(other)) }),
    ] {
        let (status, res) = post(&app, "application/json", body.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(code(&res), "PERSISTED_QUERY_NOT_ALLOWED", "{body}");
        assert_eq!(res["data"], Value::Null);
    }
    let (_, res) = post(
        &app,
        "application/json",
        json!({ "extensions": extension(&sha256(other)) }),
    )
    .await;
    assert_eq!(code(&res), "PERSISTED_QUERY_NOT_ALLOWED");

    // The WebSocket follows the same rule.
    for protocol in Protocol::BOTH {
        let mut ws = WsClient::connect(&app, protocol, json!({})).await;
        ws.subscribe(
            "1",
            "subscription { universeEventLogged { eventType } }",
            json!({}),
        )
        .await;
        match ws.event("1").await {
            Event::Error(errors) => {
                assert_eq!(
                    errors[0]["extensions"]["code"],
                    "PERSISTED_QUERY_NOT_ALLOWED"
                );
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
        // A manifest subscription by its hash is admitted: no refusal comes (the log is
        // empty, so no event either).
        ws.start(
            "2",
            json!({ "extensions": extension(&sha256(subscription)) }),
        )
        .await;
        ws.nothing_within(std::time::Duration::from_millis(300))
            .await;
        ws.stop("2").await;
        ws.close().await;
    }
}
