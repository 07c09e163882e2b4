//! Inner Universe's subscriptions end to end: entity changes, filtered event logs, and a
//! client's socket and subscriptions as its connection and subscription rows.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{QUIET, TestApp, ok, universe_connect};
use crate::ws_client::{Protocol, WsClient};

#[tokio::test]
async fn universe_entity_changes_and_filtered_event_logs_are_delivered() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            "mutation { universeConnect(clientInfo: \"test\") { identity token } }",
            json!({}),
        )
        .await;
    let me = ok(&res)["universeConnect"]["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = ok(&res)["universeConnect"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = json!({ "authorization": format!("Bearer {session}") });
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, auth).await;
    ws.subscribe(
        "created",
        "subscription { universeEventLogged(eventType: \"entity.created\") { eventType source } }",
        json!({}),
    )
    .await;
    ws.nothing_within(Duration::from_millis(100)).await;
    let gql = |query: &'static str, vars: Value| {
        let app = &app;
        let session = session.clone();
        async move {
            app.client
                .post(app.url("/graphql"))
                .bearer_auth(session)
                .json(&json!({ "query": query, "variables": vars }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let res = gql(
        "mutation { universeCreateEntity(input: { entityType: \"note\" }) { entity { id } } }",
        json!({}),
    )
    .await;
    let id = ok(&res)["universeCreateEntity"]["entity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = ws.data("created").await;
    assert_eq!(
        d["universeEventLogged"],
        json!({ "eventType": "entity.created", "source": me })
    );
    ws.subscribe(
        "changes",
        "subscription($id: ID!) { universeEntityChanged(entityId: $id, after: \"0\") {
            event { eventType } entity { id entityType }
        } }",
        json!({ "id": id }),
    )
    .await;
    // Replayed from the start of the log: the creation, with the entity as it is now.
    let d = ws.data("changes").await;
    assert_eq!(
        d["universeEntityChanged"],
        json!({ "event": { "eventType": "entity.created" }, "entity": { "id": id, "entityType": "note" } })
    );
    ws.nothing_within(QUIET).await;
}

/// Runs a Universe operation as the identity holding `token`.
async fn universe(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    app.graphql_as(Some(token), query, vars).await
}

/// `identity`'s `client_connection` row and its `subscription` rows.
async fn presence(app: &TestApp, identity: &str) -> (Value, Vec<Value>) {
    let res = app
        .graphql(
            "query($me: ID!, $f: UniverseSubscriptionFilter) {
                universeClientConnection(identity: $me) { connectionId status clientInfo }
                universeSubscriptions(filter: $f, first: 100) {
                    nodes { subscriptionId query status }
                }
            }",
            json!({ "me": identity, "f": { "identity": { "eq": identity } } }),
        )
        .await;
    let d = ok(&res);
    let rows = d["universeSubscriptions"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    (d["universeClientConnection"].clone(), rows)
}

/// Waits (up to 10 s) until `identity`'s rows satisfy `done`; the rows then.
async fn presence_until(
    app: &TestApp,
    identity: &str,
    done: impl Fn(&Value, &[Value]) -> bool,
) -> (Value, Vec<Value>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (conn, rows) = presence(app, identity).await;
        if done(&conn, &rows) {
            return (conn, rows);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "rows never reached the state: {conn} {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("a string, not {v}"))
        .to_owned()
}

/// The statuses of `rows`, sorted.
fn statuses(rows: &[Value]) -> Vec<&str> {
    let mut all: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    all.sort();
    all
}

/// The row of subscription `id`.
fn row<'a>(rows: &'a [Value], id: &Value) -> &'a Value {
    rows.iter()
        .find(|r| r["subscriptionId"] == *id)
        .unwrap_or_else(|| panic!("no row {id} in {rows:?}"))
}

const SUBSCRIPTIONS_CREATED: &str = "subscription($me: String) {
    universeEventLogged(eventType: \"subscription.created\", source: $me, after: \"0\") { data }
}";

const ENTITY_CREATED: &str =
    "subscription { universeEventLogged(eventType: \"entity.created\") { eventType } }";

async fn create_entity(app: &TestApp, token: &str) {
    let res = universe(
        app,
        token,
        "mutation { universeCreateEntity(input: { entityType: \"note\" }) { entity { id } } }",
        json!({}),
    )
    .await;
    ok(&res);
}

async fn set_subscription(app: &TestApp, token: &str, id: &str, status: &str) {
    let res = universe(
        app,
        token,
        "mutation($id: ID!, $s: UniverseSubscriptionStatus!) {
            universeSetSubscriptionStatus(input: {subscriptionId: $id, status: $s}) { subscription { status } }
        }",
        json!({ "id": id, "s": status }),
    )
    .await;
    assert_eq!(
        ok(&res)["universeSetSubscriptionStatus"]["subscription"]["status"],
        status
    );
}

#[tokio::test]
async fn a_universe_clients_socket_and_subscriptions_are_its_connection_and_subscription_rows() {
    for protocol in Protocol::BOTH {
        a_universe_clients_socket_and_subscriptions_are_its_rows_over(protocol).await;
    }
}

async fn a_universe_clients_socket_and_subscriptions_are_its_rows_over(protocol: Protocol) {
    let app = TestApp::spawn().await;
    let (me, token) = universe_connect(&app, "http").await;
    let (before, _) = presence(&app, &me).await;
    let auth = json!({ "authorization": format!("Bearer {token}"), "clientInfo": "ws-test/1" });
    let mut ws = WsClient::connect(&app, protocol, auth).await;

    // Acknowledged: the connection is the socket's.
    let (conn, rows) = presence(&app, &me).await;
    assert_eq!(conn["status"], "CONNECTED");
    assert_eq!(conn["clientInfo"], "ws-test/1");
    assert_ne!(conn["connectionId"], before["connectionId"]);
    assert!(rows.is_empty());

    // Each subscription is a row, `active` while it runs; "created" replays its own
    // creation, so once it arrives the row exists.
    ws.subscribe("created", SUBSCRIPTIONS_CREATED, json!({ "me": me }))
        .await;
    let first = ws.data("created").await["universeEventLogged"]["data"].clone();
    ws.subscribe("a", ENTITY_CREATED, json!({})).await;
    let a = ws.data("created").await["universeEventLogged"]["data"].clone();
    let a_id = text(&a["subscription_id"]);
    assert_eq!(a["transport"], "websocket");
    assert_eq!(a["connection_id"], conn["connectionId"]);
    let (_, rows) = presence(&app, &me).await;
    assert_eq!(statuses(&rows), ["ACTIVE", "ACTIVE"]);
    assert_eq!(
        row(&rows, &first["subscription_id"])["query"],
        SUBSCRIPTIONS_CREATED
    );
    assert_eq!(row(&rows, &a["subscription_id"])["query"], ENTITY_CREATED);

    create_entity(&app, &token).await;
    assert_eq!(
        ws.data("a").await["universeEventLogged"]["eventType"],
        "entity.created"
    );

    // Paused through its row: nothing is delivered, and nothing is lost on resuming.
    set_subscription(&app, &token, &a_id, "PAUSED").await;
    create_entity(&app, &token).await;
    ws.nothing_within(QUIET).await;
    set_subscription(&app, &token, &a_id, "ACTIVE").await;
    assert_eq!(
        ws.data("a").await["universeEventLogged"]["eventType"],
        "entity.created"
    );

    // Completed by the client: the row is cancelled.
    ws.stop("a").await;
    let (_, rows) = presence_until(&app, &me, |_, rows| {
        statuses(rows) == ["ACTIVE", "CANCELLED"]
    })
    .await;
    assert_eq!(row(&rows, &a["subscription_id"])["status"], "CANCELLED");

    // Cancelled through its row: the client's operation completes.
    ws.subscribe("b", ENTITY_CREATED, json!({})).await;
    let b = ws.data("created").await["universeEventLogged"]["data"].clone();
    set_subscription(&app, &token, &text(&b["subscription_id"]), "CANCELLED").await;
    assert_eq!(ws.event("b").await, crate::ws_client::Event::Complete);

    // The socket closes: the connection is disconnected, every subscription cancelled.
    ws.subscribe("c", ENTITY_CREATED, json!({})).await;
    ws.data("created").await;
    ws.close().await;
    let (conn, rows) = presence_until(&app, &me, |conn, _| conn["status"] == "DISCONNECTED").await;
    assert_eq!(statuses(&rows), ["CANCELLED"; 4]);
    assert_eq!(conn["clientInfo"], "ws-test/1");
}

#[tokio::test]
async fn a_newer_socket_takes_the_connection_over_and_a_dropped_one_is_noticed() {
    let app = TestApp::spawn().await;
    let (me, token) = universe_connect(&app, "http").await;
    let auth = json!({ "authorization": format!("Bearer {token}") });
    let mut old = WsClient::connect(&app, Protocol::TransportWs, auth.clone()).await;
    let (first, _) = presence(&app, &me).await;
    old.subscribe("created", SUBSCRIPTIONS_CREATED, json!({ "me": me }))
        .await;
    old.data("created").await;
    let new = WsClient::connect(&app, Protocol::Legacy, auth).await;
    let (second, _) = presence(&app, &me).await;
    assert_eq!(second["status"], "CONNECTED");
    assert_ne!(second["connectionId"], first["connectionId"]);

    // The old socket vanishes without a close frame: its subscription is cancelled, and
    // the connection, now the new socket's, stays connected.
    drop(old);
    let (conn, _) = presence_until(&app, &me, |_, rows| statuses(rows) == ["CANCELLED"]).await;
    assert_eq!(conn["status"], "CONNECTED");
    assert_eq!(conn["connectionId"], second["connectionId"]);

    new.close().await;
    presence_until(&app, &me, |conn, _| conn["status"] == "DISCONNECTED").await;

    // A socket of an identity whose connection row is gone is refused.
    let (ghost, ghost_token) = universe_connect(&app, "http").await;
    app.db
        .dbs
        .universe()
        .execute_unprepared(&format!(
            "DELETE FROM client_connection WHERE identity = '{ghost}'"
        ))
        .await
        .unwrap();
    let refused = WsClient::refused(
        &app,
        Protocol::TransportWs,
        json!({ "authorization": format!("Bearer {ghost_token}") }),
    )
    .await;
    assert_eq!(refused["close"], 4403, "{refused}");
}
