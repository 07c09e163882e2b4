//! Bearer tokens on HTTP: who the viewer is, and what a bad token gets.

use std::time::Duration;

use api::auth::TokenKind;
use entity::Domain;
use entity::pds::enums::AccountStatus;
use serde_json::{Value, json};

use crate::helpers::{TestApp, pds_account};

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
    // A well-signed PDS access token that belongs to no session names nobody.
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
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    let t = app.token(Domain::Pds, "did:plc:alice").await;
    let (status, body) = viewer(&app, Some(&format!("Bearer {t}"))).await;
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
    // Issued an hour ago for a minute (by the server's own secret, on a clock set back):
    // expired now, with no waiting.
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    let expired = app
        .tokens
        .clone()
        .with_clock(api::clock::Clock::manual(an_hour_ago))
        .issue(
            Domain::Bellamy,
            "u1",
            TokenKind::Access,
            Duration::from_secs(60),
        )
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
    // A good token of a user that does not exist (any more) is refused too.
    let (status, body) = viewer(&app, Some(&format!("Bearer {good}"))).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

async fn with_key(app: &TestApp, key: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("x-api-key", key)
        .json(&json!({ "query": "{ viewer { apiKeyProjectId } }" }))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn api_keys_authenticate_their_project_until_they_expire() {
    use entity::orquestra::{api_keys, projects, users};
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Orquestra);
    let now = chrono::Utc::now();
    users::Model {
        id: "u1".into(),
        github_id: 1,
        username: "ada".into(),
        email: "ada@example.com".into(),
        avatar_url: None,
        created_at: Some(now),
        updated_at: Some(now),
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    projects::Model {
        id: "p1".into(),
        user_id: "u1".into(),
        name: "Vault".into(),
        description: None,
        program_id: "Prog1".into(),
        is_public: Some(false),
        custom_docs: None,
        created_at: Some(now),
        updated_at: Some(now),
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    let mut keys = Vec::new();
    for (id, expires) in [
        ("k1", None),
        ("k2", Some(now - chrono::Duration::minutes(1))),
    ] {
        let (plain, hash) = api::orquestra::service::api_keys::new_key(id).unwrap();
        api_keys::Model {
            id: id.into(),
            project_id: "p1".into(),
            key: hash,
            last_used: None,
            created_at: Some(now),
            expires_at: expires,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        keys.push(plain);
    }
    let (status, body) = with_key(&app, &keys[0]).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"]["apiKeyProjectId"], "p1");
    let used = api_keys::Entity::find_by_id("k1".to_owned())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(used.last_used.is_some(), "last_used recorded");

    let (status, body) = with_key(&app, &keys[1]).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["message"], "the API key has expired");
    let mut wrong = keys[0].clone();
    wrong.pop();
    wrong.push('0');
    if wrong == keys[0] {
        wrong.pop();
        wrong.push('1');
    }
    for bad in [
        wrong.as_str(),
        "oq_k1_short",
        "not-a-key",
        "oq_ghost_0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let (status, body) = with_key(&app, bad).await;
        assert_eq!(status, 401, "{bad}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert_eq!(
            body["errors"][0]["message"], "the API key is not valid",
            "{bad}"
        );
    }
    let never = api_keys::Entity::find_by_id("k2".to_owned())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(never.last_used, None, "an expired key is not marked used");
}
