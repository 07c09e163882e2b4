//! Bellamy login and Inner Universe's anonymous identities.

use api::auth::password::hash_password_with;
use entity::Domain;
use entity::bellamy::users;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::json;

use crate::helpers::{TestApp, code, count, gql};

const LOGIN: &str = "mutation($e: String!, $p: String!) { bellamyLogin(email: $e, password: $p) { userId username token expiresAt } }";

#[tokio::test]
async fn bellamy_login_issues_a_bellamy_token() {
    let app = TestApp::spawn().await;
    let id = uuid::Uuid::new_v4();
    let now = chrono::Utc::now();
    users::Model {
        id,
        email: "alice@example.com".into(),
        username: "alice".into(),
        full_name: "Alice".into(),
        password_hash: hash_password_with("s3cret pass", scrypt::Params::new(4, 8, 1, 32).unwrap())
            .unwrap(),
        profile_picture_url: None,
        cover_photo_url: None,
        bio: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(app.db.get(Domain::Bellamy))
    .await
    .unwrap();
    let res = gql(
        &app,
        LOGIN,
        json!({ "e": " Alice@Example.com", "p": "s3cret pass" }),
        None,
    )
    .await;
    assert_eq!(res.get("errors"), None, "{res}");
    let s = &res["data"]["bellamyLogin"];
    assert_eq!(s["userId"], id.to_string());
    assert_eq!(s["username"], "alice");
    let me = gql(
        &app,
        "{ viewer { domain subject } }",
        json!({}),
        s["token"].as_str(),
    )
    .await;
    assert_eq!(
        me["data"]["viewer"],
        json!({ "domain": "bellamy", "subject": id.to_string() })
    );
    // A Bellamy token is no PDS session.
    let res = gql(
        &app,
        "mutation { pdsDeleteAllSessions }",
        json!({}),
        s["token"].as_str(),
    )
    .await;
    assert_eq!(code(&res), "UNAUTHENTICATED");

    for (e, p, want) in [
        ("alice@example.com", "wrong", "UNAUTHENTICATED"),
        ("nobody@example.com", "s3cret pass", "UNAUTHENTICATED"),
        ("not-an-email", "s3cret pass", "BAD_USER_INPUT"),
        ("alice@example.com", "", "BAD_USER_INPUT"),
    ] {
        let res = gql(&app, LOGIN, json!({ "e": e, "p": p }), None).await;
        assert_eq!(code(&res), want, "{e}/{p}: {res}");
    }
}

#[tokio::test]
async fn bellamy_login_of_an_unknown_email_costs_one_scrypt_too() {
    let app = TestApp::spawn().await;
    let verifications = || app.passwords.verifications();
    let before = verifications();
    for e in ["nobody@example.com", "somebody@example.org"] {
        let res = gql(&app, LOGIN, json!({ "e": e, "p": "s3cret pass" }), None).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    }
    // The server's counters only grow: at least these two.
    assert!(
        verifications().against_dummy >= before.against_dummy + 2,
        "{before:?} -> {:?}",
        verifications()
    );
}

#[tokio::test]
async fn universe_connect_creates_an_identity_with_its_connection() {
    let app = TestApp::spawn().await;
    let q =
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity connectionId token } }";
    let res = gql(&app, q, json!({ "c": "sdk/1.0" }), None).await;
    assert_eq!(res.get("errors"), None, "{res}");
    let id = res["data"]["universeConnect"]["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 64);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    let token = res["data"]["universeConnect"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let conn = gql(
        &app,
        "query($i: ID!) { universeClientConnection(identity: $i) { identity status clientInfo } }",
        json!({ "i": id }),
        None,
    )
    .await;
    assert_eq!(
        conn["data"]["universeClientConnection"],
        json!({ "identity": id, "status": "CONNECTED", "clientInfo": "sdk/1.0" })
    );
    let me = gql(
        &app,
        "{ viewer { domain subject } }",
        json!({}),
        Some(&token),
    )
    .await;
    assert_eq!(
        me["data"]["viewer"],
        json!({ "domain": "universe", "subject": id })
    );
    // Two connects, two identities.
    let again = gql(&app, q, json!({}), None).await;
    assert_ne!(again["data"]["universeConnect"]["identity"], json!(id));
    assert_eq!(
        count(app.db.get(Domain::Universe), "client_connection").await,
        2
    );
    let res = gql(&app, q, json!({ "c": "x".repeat(600) }), None).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    assert_eq!(
        count(app.db.get(Domain::Universe), "client_connection").await,
        2
    );
}
