//! The legacy `graphql-ws` protocol (subscriptions-transport-ws) over the same loop.

use super::*;

/// A `graphql-ws` socket.
async fn connect_legacy(url: &str) -> Socket {
    let (socket, selected) = connect_with(url, "graphql-ws").await.unwrap();
    assert_eq!(selected, "graphql-ws");
    socket
}

/// A `graphql-ws` socket past `connection_init`: the ack and the first `ka` are read.
async fn ready_legacy(url: &str) -> Socket {
    let mut socket = connect_legacy(url).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    assert_eq!(recv(&mut socket).await, json!({ "type": "ka" }));
    socket
}

async fn start(socket: &mut Socket, id: &str, query: &str) {
    send(
        socket,
        json!({ "id": id, "type": "start", "payload": { "query": query, "variables": {} } }),
    )
    .await;
}

/// Runs a query: its messages up to its `complete` (excluded) or `error` (included);
/// messages of other operations are skipped.
async fn run(socket: &mut Socket, id: &str, query: &str) -> Vec<Value> {
    start(socket, id, query).await;
    let mut out = Vec::new();
    loop {
        let m = recv(socket).await;
        if m["id"] != id {
            assert!(m.get("close").is_none(), "{m}");
            continue;
        }
        match m["type"].as_str() {
            Some("complete") => return out,
            Some("error") => {
                out.push(m);
                return out;
            }
            _ => out.push(m),
        }
    }
}

/// Reads up to the close frame; the `connection_error` before it, and the close.
async fn refused(socket: &mut Socket) -> (Value, Value) {
    let mut last = Value::Null;
    loop {
        let m = recv(socket).await;
        if m.get("close").is_some() {
            return (last, m);
        }
        last = m;
    }
}

fn connection_error(message: &str, code: &str) -> Value {
    json!({ "type": "connection_error",
            "payload": { "message": message, "extensions": { "code": code } } })
}

#[tokio::test]
async fn the_ack_is_followed_by_keepalives() {
    let url = spawn(WsOptions {
        keepalive: Duration::from_millis(100),
        ..Default::default()
    })
    .await;
    let mut socket = ready_legacy(&url).await;
    // Every interval another `ka` (WebSocket pings too, which `recv` skips).
    for _ in 0..3 {
        assert_eq!(recv(&mut socket).await, json!({ "type": "ka" }));
    }
    // Before the ack there is none: an unacknowledged socket only gets pings.
    let mut waiting = connect_legacy(&url).await;
    let until = tokio::time::Instant::now() + Duration::from_millis(350);
    while let Ok(message) = tokio::time::timeout_at(until, waiting.next()).await {
        match message.unwrap().unwrap() {
            ts::Message::Ping(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn start_streams_data_until_stop_and_queries_complete() {
    let url = spawn(WsOptions::default()).await;
    let mut socket = ready_legacy(&url).await;
    start(&mut socket, "1", "subscription { ticks }").await;
    let mut ticks = Vec::new();
    while ticks.len() < 3 {
        let m = recv(&mut socket).await;
        if m["type"] == "ka" {
            continue;
        }
        assert_eq!((&m["type"], &m["id"]), (&json!("data"), &json!("1")), "{m}");
        ticks.push(m["payload"]["data"]["ticks"].clone());
    }
    assert_eq!(ticks, [json!(0), json!(1), json!(2)]);
    send(&mut socket, json!({ "id": "1", "type": "stop" })).await;
    // Handled in order: once the query after the stop answered, `1` sends nothing more.
    assert_eq!(
        run(&mut socket, "q", "{ hello }").await,
        [json!({ "id": "q", "type": "data", "payload": { "data": { "hello": "world" } } })]
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    start(&mut socket, "q2", "{ hello }").await;
    assert_eq!(
        recv(&mut socket).await,
        json!({ "id": "q2", "type": "data", "payload": { "data": { "hello": "world" } } })
    );
    assert_eq!(
        recv(&mut socket).await,
        json!({ "id": "q2", "type": "complete" })
    );
    // The stopped id can run again.
    start(&mut socket, "1", "subscription { ticks }").await;
    let m = recv(&mut socket).await;
    assert_eq!(
        m,
        json!({ "id": "1", "type": "data", "payload": { "data": { "ticks": 0 } } })
    );
}

#[tokio::test]
async fn refused_operations_get_an_error_and_the_socket_stays_open() {
    let url = spawn(WsOptions {
        max_operations: 1,
        request_timeout: Duration::from_millis(100),
        ..Default::default()
    })
    .await;
    let mut socket = ready_legacy(&url).await;
    let out = run(&mut socket, "v", "{ nope }").await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(
        (&out[0]["type"], &out[0]["id"]),
        (&json!("error"), &json!("v"))
    );
    assert_eq!(
        out[0]["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert!(
        out[0]["payload"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nope"),
        "{out:?}"
    );
    let out = run(&mut socket, "s", "{ slow }").await;
    assert_eq!(out[0]["type"], "error", "{out:?}");
    assert_eq!(out[0]["payload"][0]["extensions"]["code"], "TIMEOUT");

    // The operation cap: one stream runs, a second is refused, the first goes on.
    start(&mut socket, "a", "subscription { ticks }").await;
    start(&mut socket, "b", "subscription { ticks }").await;
    let mut refused_b = false;
    let mut after = 0;
    while !(refused_b && after >= 2) {
        let m = recv(&mut socket).await;
        match (m["id"].as_str(), m["type"].as_str()) {
            (Some("b"), Some("error")) => {
                assert_eq!(
                    m["payload"][0]["extensions"]["code"],
                    "TOO_MANY_SUBSCRIPTIONS"
                );
                refused_b = true;
            }
            (Some("a"), Some("data")) if refused_b => after += 1,
            (Some("a"), Some("data")) | (None, Some("ka")) => {}
            _ => panic!("unexpected {m}"),
        }
    }
}

#[tokio::test]
async fn protocol_errors_send_connection_error_then_close() {
    let url = spawn(WsOptions::default()).await;

    // A duplicate id in flight.
    let mut socket = ready_legacy(&url).await;
    start(&mut socket, "same", "subscription { ticks }").await;
    start(&mut socket, "same", "subscription { ticks }").await;
    assert_eq!(
        refused(&mut socket).await,
        (
            connection_error("Subscriber for same already exists", "BAD_REQUEST"),
            json!({ "close": 4409, "reason": "Subscriber for same already exists" })
        )
    );

    // Refused credentials.
    let mut socket = connect_legacy(&url).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": "Bearer bad" } }),
    )
    .await;
    assert_eq!(
        refused(&mut socket).await,
        (
            connection_error("Forbidden: bad token", "UNAUTHENTICATED"),
            json!({ "close": 4403, "reason": "Forbidden: bad token" })
        )
    );

    // Unknown messages (the newer protocol's words among them), and server messages.
    for (message, reason) in [
        (
            json!({ "type": "subscribe", "id": "1" }),
            "unknown message type `subscribe`",
        ),
        (json!({ "type": "ping" }), "unknown message type `ping`"),
        (json!({ "type": "hello" }), "unknown message type `hello`"),
        (
            json!({ "type": "data", "id": "1", "payload": {} }),
            "`data` messages are sent by the server, not the client",
        ),
        (
            json!({ "type": "start", "id": "1", "payload": { "variables": {} } }),
            "the `start` payload needs a `query` string",
        ),
    ] {
        let mut socket = ready_legacy(&url).await;
        send(&mut socket, message).await;
        assert_eq!(
            refused(&mut socket).await,
            (
                connection_error(reason, "BAD_REQUEST"),
                json!({ "close": 4400, "reason": reason })
            )
        );
    }

    // `start` before the ack.
    let mut socket = connect_legacy(&url).await;
    start(&mut socket, "1", "{ hello }").await;
    assert_eq!(
        refused(&mut socket).await,
        (
            connection_error("Unauthorized", "UNAUTHENTICATED"),
            json!({ "close": 4401, "reason": "Unauthorized" })
        )
    );

    // The init timeout.
    let url = spawn(WsOptions {
        init_timeout: Duration::from_millis(100),
        ..Default::default()
    })
    .await;
    let mut socket = connect_legacy(&url).await;
    assert_eq!(
        refused(&mut socket).await,
        (
            connection_error("Connection initialisation timeout", "TIMEOUT"),
            json!({ "close": 4408, "reason": "Connection initialisation timeout" })
        )
    );
}

#[tokio::test]
async fn connection_terminate_closes_normally() {
    let url = spawn(WsOptions::default()).await;
    let mut socket = ready_legacy(&url).await;
    start(&mut socket, "1", "subscription { ticks }").await;
    send(&mut socket, json!({ "type": "connection_terminate" })).await;
    // No `connection_error`: a normal close, after whatever data was already on its way.
    let (last, close) = refused(&mut socket).await;
    assert!(
        last == Value::Null || last["type"] == "data" || last["type"] == "ka",
        "{last}"
    );
    assert_eq!(
        close,
        json!({ "close": 1000, "reason": "terminated by the client" })
    );
}
