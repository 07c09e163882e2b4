//! Graceful shutdown through the real accept loop ([`crate::server::serve`]).

use super::*;

/// Everything up to the close frame, and the close frame.
async fn until_close(socket: &mut Socket) -> (Vec<Value>, Value) {
    let mut seen = Vec::new();
    loop {
        let m = recv(socket).await;
        if m.get("close").is_some() {
            return (seen, m);
        }
        seen.push(m);
    }
}

fn shutting_down() -> Value {
    json!({ "close": 1001, "reason": "server shutting down" })
}

#[tokio::test]
async fn subscriptions_complete_queries_finish_then_sockets_close_1001() {
    let server = TestServer::start(
        WsOptions {
            request_timeout: Duration::from_millis(600),
            ..Default::default()
        },
        ServerTimeouts::default(),
    )
    .await;
    // graphql-transport-ws: a stream and a query in flight.
    let mut new = ready(&server.url).await;
    subscribe(&mut new, "t", "subscription { ticks }").await;
    ids_until(&mut new, &["t"]).await;
    subscribe(&mut new, "s", "{ slow }").await;
    // graphql-ws: a stream.
    let (mut legacy, _) = connect_with(&server.url, "graphql-ws").await.unwrap();
    send(&mut legacy, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut legacy).await, json!({ "type": "connection_ack" }));
    assert_eq!(recv(&mut legacy).await, json!({ "type": "ka" }));
    send(
        &mut legacy,
        json!({ "id": "1", "type": "start", "payload": { "query": "subscription { ticks }" } }),
    )
    .await;
    assert_eq!(recv(&mut legacy).await["type"], "data");
    // Not initialised yet.
    let mut waiting = connect(&server.url).await;

    let started = std::time::Instant::now();
    server.stop.send(()).unwrap();

    // The stream is completed at once; nothing of it follows the `complete`.
    loop {
        let m = recv(&mut new).await;
        assert_eq!(m["id"], "t", "{m}");
        if m["type"] == "complete" {
            break;
        }
        assert_eq!(m["type"], "next", "{m}");
    }
    // While the query finishes, new operations are refused.
    subscribe(&mut new, "late", "{ hello }").await;
    let m = recv(&mut new).await;
    assert_eq!(
        (&m["id"], &m["type"]),
        (&json!("late"), &json!("error")),
        "{m}"
    );
    assert_eq!(m["payload"][0]["extensions"]["code"], "SHUTTING_DOWN");
    // The query answers (here: it times out), then the socket closes.
    let (rest, close) = until_close(&mut new).await;
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert_eq!(
        (&rest[0]["id"], &rest[0]["type"]),
        (&json!("s"), &json!("error"))
    );
    assert_eq!(rest[0]["payload"][0]["extensions"]["code"], "TIMEOUT");
    assert_eq!(close, shutting_down());

    let (rest, close) = until_close(&mut legacy).await;
    let complete = rest.iter().position(|m| m["type"] == "complete");
    assert_eq!(complete, Some(rest.len() - 1), "{rest:?}");
    assert_eq!(
        rest[rest.len() - 1],
        json!({ "id": "1", "type": "complete" })
    );
    assert!(
        rest[..rest.len() - 1].iter().all(|m| m["type"] == "data"),
        "{rest:?}"
    );
    assert_eq!(
        close,
        shutting_down(),
        "no `connection_error` for a shutdown"
    );

    assert_eq!(until_close(&mut waiting).await, (vec![], shutting_down()));

    // The server stops once every socket is closed, and accepts no one any more.
    tokio::time::timeout(Duration::from_secs(5), server.served)
        .await
        .expect("the server stops")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(tokio::net::TcpStream::connect(server.addr).await.is_err());
}

#[tokio::test]
async fn the_grace_period_bounds_the_wait_for_sockets() {
    let server = TestServer::start(
        WsOptions::default(),
        ServerTimeouts {
            shutdown_grace: Duration::from_millis(300),
            ..Default::default()
        },
    )
    .await;
    // A query that would run for a minute keeps its socket open.
    let mut socket = ready(&server.url).await;
    subscribe(&mut socket, "s", "{ slow }").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    server.stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server.served)
        .await
        .expect("the server stops")
        .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "{took:?}"
    );
}
