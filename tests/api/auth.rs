//! Bearer tokens on HTTP: who the viewer is, and what a bad token gets.

use std::time::Duration;

use api::auth::TokenKind;
use entity::Domain;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn viewer(app: &TestApp, authorization: Option<&str>) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ viewer { domain subject } }" }));
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    if status == 401 {
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
    }
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn anonymous_and_authenticated_viewers() {
    let app = TestApp::spawn().await;
    let (status, body) = viewer(&app, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "domain": null, "subject": null } } })
    );
    let t = app
        .tokens
        .issue(
            Domain::Pds,
            "did:plc:alice",
            TokenKind::Access,
            Duration::from_secs(60),
        )
        .unwrap();
    let (status, body) = viewer(&app, Some(&format!("Bearer {}", t.token))).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "domain": "pds", "subject": "did:plc:alice" } } })
    );
}

#[tokio::test]
async fn bad_tokens_are_refused_before_anything_runs() {
    let app = TestApp::spawn().await;
    let good = app
        .tokens
        .issue(
            Domain::Bellamy,
            "u1",
            TokenKind::Access,
            Duration::from_secs(60),
        )
        .unwrap()
        .token;
    let expired = app
        .tokens
        .issue(Domain::Bellamy, "u1", TokenKind::Access, Duration::ZERO)
        .unwrap()
        .token;
    let refresh = app
        .tokens
        .issue(
            Domain::Pds,
            "did:plc:a",
            TokenKind::Refresh,
            Duration::from_secs(60),
        )
        .unwrap()
        .token;
    let foreign = api::auth::Tokens::new(&api::auth::Secret::generate().unwrap())
        .issue(
            Domain::Bellamy,
            "u1",
            TokenKind::Access,
            Duration::from_secs(60),
        )
        .unwrap()
        .token;
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let tampered = parts.join(".");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = app.db.dbs.metrics().total();
    for (auth, why) in [
        (format!("Bearer {expired}"), "the token has expired"),
        (format!("Bearer {tampered}"), "the token is not valid"),
        (format!("Bearer {foreign}"), "the token is not valid"),
        (
            format!("Bearer {refresh}"),
            "a refresh token only opens a new session",
        ),
        (
            "Basic dXNlcjpwYXNz".to_owned(),
            "use `Authorization: Bearer <token>`",
        ),
        ("Bearer ".to_owned(), "use `Authorization: Bearer <token>`"),
    ] {
        let (status, body) = viewer(&app, Some(&auth)).await;
        assert_eq!(status, 401, "{auth}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{auth}"
        );
        assert_eq!(body["errors"][0]["message"], why, "{auth}");
    }
    assert_eq!(app.db.dbs.metrics().total(), before, "nothing ran");
    let (status, _) = viewer(&app, Some(&format!("Bearer {good}"))).await;
    assert_eq!(status, 200);
}
