//! PDS sessions through HTTP: login, refresh rotation, logout, logout everywhere.

use api::auth::password::hash_password_with;
use entity::Domain;
use entity::pds::{accounts, enums::AccountStatus};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, count};

const PASSWORD: &str = "correct horse battery staple";

async fn account(app: &TestApp, did: &str, handle: &str, status: AccountStatus) {
    // Cheap scrypt parameters: the PHC string carries them, verification reads them.
    let cheap = scrypt::Params::new(4, 8, 1, 32).unwrap();
    accounts::Model {
        did: did.into(),
        handle: handle.into(),
        email: format!("{handle}@example.com"),
        password_hash: hash_password_with(PASSWORD, cheap).unwrap(),
        signing_key_priv: "00".repeat(32),
        signing_key_pub: "zQ3shSigning".into(),
        rotation_key_priv: "11".repeat(32),
        rotation_key_pub: "zQ3shRotation".into(),
        status,
        created_at: chrono::Utc::now(),
    }
    .into_active_model()
    .insert(app.db.get(Domain::Pds))
    .await
    .unwrap();
}

async fn gql(app: &TestApp, query: &str, vars: Value, bearer: Option<&str>) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

const LOGIN: &str = "mutation($i: String!, $p: String!) { pdsCreateSession(identifier: $i, password: $p) { did handle accessToken refreshToken accessExpiresAt refreshExpiresAt } }";
const REFRESH: &str = "mutation($t: String!) { pdsRefreshSession(refreshToken: $t) { did accessToken refreshToken } }";
const LOGOUT: &str = "mutation($t: String!) { pdsDeleteSession(refreshToken: $t) }";

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {v}"))
}

async fn login(app: &TestApp, identifier: &str) -> Value {
    let res = gql(app, LOGIN, json!({ "i": identifier, "p": PASSWORD }), None).await;
    assert_eq!(res.get("errors"), None, "{res}");
    res["data"]["pdsCreateSession"].clone()
}

#[tokio::test]
async fn login_by_handle_or_email_opens_a_session() {
    let app = TestApp::spawn().await;
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    for identifier in ["alice.test", "alice.test@example.com", "ALICE.test"] {
        let s = login(&app, identifier).await;
        assert_eq!(s["did"], "did:plc:alice");
        assert_eq!(s["handle"], "alice.test");
        let me = gql(
            &app,
            "{ viewer { domain subject } }",
            json!({}),
            s["accessToken"].as_str(),
        )
        .await;
        assert_eq!(
            me["data"]["viewer"],
            json!({ "domain": "pds", "subject": "did:plc:alice" })
        );
    }
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 3);
}

#[tokio::test]
async fn wrong_passwords_unknown_accounts_and_disabled_accounts_are_refused() {
    let app = TestApp::spawn().await;
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    account(
        &app,
        "did:plc:gone",
        "gone.test",
        AccountStatus::Deactivated,
    )
    .await;
    account(
        &app,
        "did:plc:banned",
        "banned.test",
        AccountStatus::Takendown,
    )
    .await;
    for (i, p) in [("alice.test", "wrong"), ("nobody.test", PASSWORD)] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": p }), None).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
        assert_eq!(
            res["errors"][0]["message"],
            "invalid identifier or password"
        );
    }
    for i in ["gone.test", "banned.test"] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": PASSWORD }), None).await;
        assert_eq!(code(&res), "FORBIDDEN", "{res}");
    }
    let res = gql(&app, LOGIN, json!({ "i": "", "p": PASSWORD }), None).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    assert_eq!(
        count(app.db.get(Domain::Pds), "refresh_tokens").await,
        0,
        "no session opened"
    );
}

#[tokio::test]
async fn unknown_identifiers_cost_one_scrypt_like_known_ones() {
    let app = TestApp::spawn().await;
    let verifications = || app.passwords.verifications();
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    // An account whose stored hash is not a usable scrypt string (like the demo data's).
    account(&app, "did:plc:odd", "odd.test", AccountStatus::Active).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db.get(Domain::Pds),
        "UPDATE accounts SET password_hash = '$scrypt$N=16384,r=8,p=1$x$PLACEHOLDER' \
         WHERE did = 'did:plc:odd'",
    )
    .await
    .unwrap();

    // The counters are this server's: each check is "at least what this test caused".
    let before = verifications();
    let res = gql(
        &app,
        LOGIN,
        json!({ "i": "alice.test", "p": "wrong" }),
        None,
    )
    .await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert!(verifications().against_accounts > before.against_accounts);

    let before = verifications();
    for i in ["nobody.test", "nobody@example.com", "odd.test"] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": PASSWORD }), None).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{i}: {res}");
        assert_eq!(
            res["errors"][0]["message"],
            "invalid identifier or password"
        );
    }
    assert!(
        verifications().against_dummy >= before.against_dummy + 3,
        "each unknown identifier ran a dummy verification: {before:?} -> {:?}",
        verifications()
    );
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 0);
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_stops_working() {
    let app = TestApp::spawn().await;
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    let first = login(&app, "alice.test").await;
    let old = first["refreshToken"].as_str().unwrap();
    let res = gql(&app, REFRESH, json!({ "t": old }), None).await;
    assert_eq!(res.get("errors"), None, "{res}");
    let second = res["data"]["pdsRefreshSession"].clone();
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    let again = gql(&app, REFRESH, json!({ "t": old }), None).await;
    assert_eq!(code(&again), "UNAUTHENTICATED");
    assert_eq!(again["errors"][0]["message"], "the session has ended");
    // An access token is not a refresh token.
    let wrong_kind = gql(&app, REFRESH, json!({ "t": second["accessToken"] }), None).await;
    assert_eq!(code(&wrong_kind), "UNAUTHENTICATED");
    let ok = gql(&app, REFRESH, json!({ "t": second["refreshToken"] }), None).await;
    assert_eq!(ok.get("errors"), None, "{ok}");
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 1);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_open_one_session() {
    let app = TestApp::spawn().await;
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    let s = login(&app, "alice.test").await;
    let t = s["refreshToken"].as_str().unwrap().to_owned();
    let runs = (0..8).map(|_| gql(&app, REFRESH, json!({ "t": t }), None));
    let results = futures::future::join_all(runs).await;
    let ok = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(ok, 1, "{results:?}");
    for r in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(code(r), "UNAUTHENTICATED", "{r}");
    }
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 1);
}

#[tokio::test]
async fn logout_and_logout_everywhere() {
    let app = TestApp::spawn().await;
    account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    account(&app, "did:plc:bob", "bob.test", AccountStatus::Active).await;
    let a1 = login(&app, "alice.test").await;
    let a2 = login(&app, "alice.test").await;
    let a3 = login(&app, "alice.test").await;
    let b1 = login(&app, "bob.test").await;

    let res = gql(&app, LOGOUT, json!({ "t": a1["refreshToken"] }), None).await;
    assert_eq!(res["data"]["pdsDeleteSession"], true, "{res}");
    let res = gql(&app, LOGOUT, json!({ "t": a1["refreshToken"] }), None).await;
    assert_eq!(res["data"]["pdsDeleteSession"], false, "{res}");

    let everywhere = "mutation { pdsDeleteAllSessions }";
    let anon = gql(&app, everywhere, json!({}), None).await;
    assert_eq!(code(&anon), "UNAUTHENTICATED");
    let res = gql(&app, everywhere, json!({}), a2["accessToken"].as_str()).await;
    assert_eq!(res["data"]["pdsDeleteAllSessions"], 2, "{res}");
    for s in [&a2, &a3] {
        let r = gql(&app, REFRESH, json!({ "t": s["refreshToken"] }), None).await;
        assert_eq!(code(&r), "UNAUTHENTICATED");
    }
    // Bob is still signed in.
    let r = gql(&app, REFRESH, json!({ "t": b1["refreshToken"] }), None).await;
    assert_eq!(r.get("errors"), None, "{r}");
}
