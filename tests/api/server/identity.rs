//! Identity is current (`api::identity`): a token stops working the moment what it names
//! is gone — its PDS session ended, its account no longer active (outside the PDS), its
//! Bellamy user or Universe connection deleted, its Orquestra API key revoked or expired —
//! on HTTP at the next request, and on an open WebSocket at once (revocations in this
//! process) or within the periodic credential check (changes made elsewhere).

use std::time::Duration;

use chrono::Utc;
use entity::Domain;
use entity::pds::enums::AccountStatus;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, code, message, ok, pds_account, pds_tokens};
use crate::orquestra::{CREATE_KEY, PROG_A, REVOKE_KEY, call, project, users};
use crate::ws_client::{Event, Protocol, WsClient};

const ALICE: &str = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";

const CREATE_COMMUNITY: &str = "mutation($input: AtrariumCreateCommunityInput!) { atrariumCreateCommunity(input: $input) { community { id } } }";
const STATUS: &str = "mutation($did: String!, $s: PdsAccountStatus!) { pdsUpdateAccountStatus(input: {did: $did, status: $s}) { account { status } } }";
const ME: &str = "{ viewer { domain subject } }";

fn community(name: &str) -> Value {
    json!({ "input": { "name": name, "feedMix": { "own": 80, "parent": 15, "global": 5 } } })
}

#[tokio::test]
async fn an_account_that_is_not_active_cannot_act_in_atrarium_and_a_deleted_one_is_nobody() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let (access, _) = pds_tokens(&app, "alice.test").await;
    let res = app
        .graphql_as(Some(&access), CREATE_COMMUNITY, community("Rust"))
        .await;
    ok(&res);

    // Deactivated: still itself on the PDS (to reactivate), nobody in Atrarium.
    let res = app
        .graphql_as(
            Some(&access),
            STATUS,
            json!({ "did": ALICE, "s": "DEACTIVATED" }),
        )
        .await;
    assert_eq!(
        ok(&res)["pdsUpdateAccountStatus"]["account"]["status"],
        "DEACTIVATED"
    );
    let communities = |app: &TestApp| {
        let db = app.db.get(Domain::Atrarium).clone();
        async move {
            entity::atrarium::communities::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .len()
        }
    };
    let before = communities(&app).await;
    let res = app
        .graphql_as(Some(&access), CREATE_COMMUNITY, community("Go"))
        .await;
    assert_eq!(code(&res), "FORBIDDEN", "{res}");
    assert!(message(&res).contains("deactivated"), "{res}");
    assert_eq!(communities(&app).await, before, "nothing written");
    // A token of Atrarium itself for a DID hosted here is held to the same rule.
    let atrarium = app.token(Domain::Atrarium, ALICE).await;
    let res = app
        .graphql_as(Some(&atrarium), CREATE_COMMUNITY, community("Go"))
        .await;
    assert_eq!(code(&res), "FORBIDDEN", "{res}");
    // Reactivated, it acts again.
    let res = app
        .graphql_as(
            Some(&access),
            STATUS,
            json!({ "did": ALICE, "s": "ACTIVE" }),
        )
        .await;
    ok(&res);
    let res = app
        .graphql_as(Some(&access), CREATE_COMMUNITY, community("Go"))
        .await;
    ok(&res);

    // Deleted ends every session: the same token is nobody, anywhere.
    let res = app
        .graphql_as(
            Some(&access),
            STATUS,
            json!({ "did": ALICE, "s": "DELETED" }),
        )
        .await;
    ok(&res);
    for query in [ME, CREATE_COMMUNITY] {
        let res = app.graphql_as(Some(&access), query, community("Zig")).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
        assert!(message(&res).contains("session has ended"), "{res}");
    }
}

#[tokio::test]
async fn ending_a_session_ends_its_access_tokens_at_once() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let (a, a_refresh) = pds_tokens(&app, "alice.test").await;
    let (b, _) = pds_tokens(&app, "alice.test").await;
    let (c, _) = pds_tokens(&app, "alice.test").await;
    for t in [&a, &b, &c] {
        let res = app.graphql_as(Some(t), ME, json!({})).await;
        assert_eq!(ok(&res)["viewer"]["subject"], ALICE);
    }

    // Refreshing a session replaces it: the old access token goes with it.
    let res = app
        .graphql_as(
            None,
            "mutation($t: String!) { pdsRefreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": a_refresh }),
        )
        .await;
    let fresh = ok(&res)["pdsRefreshSession"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app.graphql_as(Some(&a), ME, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    let res = app.graphql_as(Some(&fresh), ME, json!({})).await;
    assert_eq!(ok(&res)["viewer"]["subject"], ALICE);

    // Log out everywhere, with session b's token: every other session's token stops too.
    let res = app
        .graphql_as(Some(&b), "mutation { pdsDeleteAllSessions }", json!({}))
        .await;
    assert_eq!(ok(&res)["pdsDeleteAllSessions"], 3);
    for t in [&b, &c, &fresh] {
        let res = app.graphql_as(Some(t), ME, json!({})).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
        let res = app
            .graphql_as(Some(t), CREATE_COMMUNITY, community("Rust"))
            .await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    }

    // pdsDeleteSession ends one session, and its access token with it.
    let (d, d_refresh) = pds_tokens(&app, "alice.test").await;
    let (e, _) = pds_tokens(&app, "alice.test").await;
    let res = app
        .graphql_as(
            None,
            "mutation($t: String!) { pdsDeleteSession(refreshToken: $t) }",
            json!({ "t": d_refresh }),
        )
        .await;
    assert_eq!(ok(&res)["pdsDeleteSession"], true);
    let res = app.graphql_as(Some(&d), ME, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    let res = app.graphql_as(Some(&e), ME, json!({})).await;
    assert_eq!(ok(&res)["viewer"]["subject"], ALICE);
}

#[tokio::test]
async fn tokens_of_deleted_bellamy_users_and_universe_connections_stop_working() {
    let app = TestApp::spawn().await;
    let seed = crate::bellamy::Fixture { app: &app };
    seed.user(1).await;
    let bellamy = crate::helpers::bellamy_token(&app, 1);
    let res = app.graphql_as(Some(&bellamy), ME, json!({})).await;
    assert_eq!(ok(&res)["viewer"]["domain"], "bellamy");
    entity::bellamy::users::Entity::delete_many()
        .exec(app.db.get(Domain::Bellamy))
        .await
        .unwrap();
    let res = app.graphql_as(Some(&bellamy), ME, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert!(message(&res).contains("user no longer exists"), "{res}");

    let res = app
        .graphql_as(None, "mutation { universeConnect { token } }", json!({}))
        .await;
    let universe = ok(&res)["universeConnect"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app.graphql_as(Some(&universe), ME, json!({})).await;
    assert_eq!(ok(&res)["viewer"]["domain"], "universe");
    app.db
        .get(Domain::Universe)
        .execute_unprepared("DELETE FROM subscription; DELETE FROM client_connection")
        .await
        .unwrap();
    let res = app.graphql_as(Some(&universe), ME, json!({})).await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert!(
        message(&res).contains("connection no longer exists"),
        "{res}"
    );
}

/// The next message of a socket whose credentials were revoked: an `error` for each
/// running operation, then the close.
async fn revoked(socket: &mut WsClient, id: &str, code: &str) -> Value {
    match socket.event(id).await {
        Event::Error(errors) => assert_eq!(errors[0]["extensions"]["code"], code, "{errors}"),
        other => panic!("expected an error for {id}, got {other:?}"),
    }
    socket.message().await
}

#[tokio::test]
async fn an_open_websocket_ends_when_its_session_ends() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    for protocol in Protocol::BOTH {
        let (access, refresh) = pds_tokens(&app, "alice.test").await;
        let mut socket = WsClient::connect(
            &app,
            protocol,
            json!({ "authorization": format!("Bearer {access}") }),
        )
        .await;
        socket
            .subscribe("s", "subscription { pdsRepoEvents { seq } }", json!({}))
            .await;
        socket.nothing_within(Duration::from_millis(200)).await;
        let started = std::time::Instant::now();
        let res = app
            .graphql_as(
                None,
                "mutation($t: String!) { pdsDeleteSession(refreshToken: $t) }",
                json!({ "t": refresh }),
            )
            .await;
        assert_eq!(ok(&res)["pdsDeleteSession"], true);
        let close = revoked(&mut socket, "s", "UNAUTHENTICATED").await;
        if protocol == Protocol::Legacy {
            assert_eq!(close["type"], "connection_error", "{close}");
            let close = socket.message().await;
            assert_eq!(close["close"], 4403, "{close}");
        } else {
            assert_eq!(close["close"], 4403, "{close}");
            assert!(
                close["reason"]
                    .as_str()
                    .unwrap()
                    .contains("session has ended"),
                "{close}"
            );
        }
        // At once: the revocation wakes the socket, well before the periodic check (5 s).
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn an_open_websocket_ends_when_its_api_key_is_revoked_or_expires() {
    let app = TestApp::spawn_with(api::http::HttpOptions {
        ws_credential_check: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    users(&app, &["u1"]).await;
    let project = project(&app, "u1", PROG_A, false).await;
    let new_key = |expires: Option<chrono::DateTime<Utc>>| {
        let app = &app;
        let project = project.clone();
        async move {
            let res = call(
                app,
                Some("u1"),
                None,
                CREATE_KEY,
                json!({ "input": { "projectId": project, "expiresAt": expires.map(|t| t.to_rfc3339()) } }),
            )
            .await;
            let created = &ok(&res)["orquestraCreateApiKey"];
            (
                created["apiKey"]["id"].as_str().unwrap().to_owned(),
                created["key"].as_str().unwrap().to_owned(),
            )
        }
    };
    let query = "subscription($p: ID!) { orquestraIdlVersionAdded(projectId: $p) { cursor } }";

    // Revoked by its owner while the socket is open.
    let (id, key) = new_key(None).await;
    let mut socket =
        WsClient::connect(&app, Protocol::TransportWs, json!({ "x-api-key": key })).await;
    socket.subscribe("s", query, json!({ "p": project })).await;
    socket.nothing_within(Duration::from_millis(200)).await;
    let res = call(&app, Some("u1"), None, REVOKE_KEY, json!({ "id": id })).await;
    ok(&res);
    let close = revoked(&mut socket, "s", "UNAUTHENTICATED").await;
    assert_eq!(close["close"], 4403, "{close}");

    // Expired while the socket is open: the periodic check (1 s here) ends it.
    let (_, key) = new_key(Some(Utc::now() + chrono::Duration::seconds(2))).await;
    let mut socket =
        WsClient::connect(&app, Protocol::TransportWs, json!({ "x-api-key": key })).await;
    socket.subscribe("s", query, json!({ "p": project })).await;
    let close = revoked(&mut socket, "s", "UNAUTHENTICATED").await;
    assert_eq!(close["close"], 4403, "{close}");
    assert!(
        close["reason"].as_str().unwrap().contains("expired"),
        "{close}"
    );

    // Gone without this process hearing of it (another instance, an operator): the
    // periodic check finds out.
    let (_, key) = new_key(None).await;
    let mut socket =
        WsClient::connect(&app, Protocol::TransportWs, json!({ "x-api-key": key })).await;
    socket.subscribe("s", query, json!({ "p": project })).await;
    socket.nothing_within(Duration::from_millis(200)).await;
    app.db
        .get(Domain::Orquestra)
        .execute_unprepared("DELETE FROM api_keys")
        .await
        .unwrap();
    let close = revoked(&mut socket, "s", "UNAUTHENTICATED").await;
    assert_eq!(close["close"], 4403, "{close}");
}

#[tokio::test]
async fn a_websocket_whose_account_is_deactivated_is_closed_saying_why() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let (access, _) = pds_tokens(&app, "alice.test").await;
    let mut socket = WsClient::connect(
        &app,
        Protocol::TransportWs,
        json!({ "authorization": format!("Bearer {access}") }),
    )
    .await;
    socket
        .subscribe("s", "subscription { pdsRepoEvents { seq } }", json!({}))
        .await;
    socket.nothing_within(Duration::from_millis(200)).await;
    let res = app
        .graphql_as(
            Some(&access),
            STATUS,
            json!({ "did": ALICE, "s": "DEACTIVATED" }),
        )
        .await;
    ok(&res);
    // The subscription may first see the #account event of the change; then the socket
    // ends, saying why.
    let mut close = None;
    for _ in 0..5 {
        match socket.event("s").await {
            Event::Next(_) => continue,
            Event::Error(errors) => {
                assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{errors}");
                close = Some(socket.message().await);
                break;
            }
            Event::Complete => panic!("completed instead of refused"),
        }
    }
    let close = close.expect("the socket was refused");
    assert_eq!(close["close"], 4403, "{close}");
    assert!(
        close["reason"].as_str().unwrap().contains("deactivated"),
        "{close}"
    );
}
