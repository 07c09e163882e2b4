//! `/graphql/ws`: the protocol's close codes, authentication from the `connection_init`
//! payload, real operations, and the HTTP path's guards (`graphql-transport-ws`); the same
//! over the legacy `graphql-ws`, protocol selection, GraphiQL's socket URL, and shutdown.

use std::time::Duration;

use api::auth::TokenKind;
use entity::Domain;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self as ts, http::HeaderValue};

use crate::helpers::{TestApp, pds_account};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` offering `protocol` (none when `None`); the socket and the
/// subprotocol the server selected.
async fn open_offering(
    app: &TestApp,
    protocol: Option<&str>,
) -> Result<(Socket, Option<String>), ts::Error> {
    open_at(&app.addr.to_string(), protocol).await
}

/// [`open_offering`] on the server at `addr` (`host:port`).
async fn open_at(
    addr: &str,
    protocol: Option<&str>,
) -> Result<(Socket, Option<String>), ts::Error> {
    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .unwrap();
    if let Some(p) = protocol {
        request
            .headers_mut()
            .insert("sec-websocket-protocol", HeaderValue::from_str(p).unwrap());
    }
    let (socket, response) = tokio_tungstenite::connect_async(request).await?;
    let selected = response
        .headers()
        .get("sec-websocket-protocol")
        .map(|v| v.to_str().unwrap().to_owned());
    Ok((socket, selected))
}

/// Opens `/graphql/ws` offering `protocol`, which must select `graphql-transport-ws`.
async fn open_with(app: &TestApp, protocol: Option<&str>) -> Result<Socket, ts::Error> {
    open_offering(app, protocol)
        .await
        .map(|(socket, selected)| {
            assert_eq!(selected.as_deref(), Some("graphql-transport-ws"));
            socket
        })
}

async fn open(app: &TestApp) -> Socket {
    open_with(app, Some("graphql-transport-ws")).await.unwrap()
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(ts::Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message, or the close frame as `{"close": code, "reason": ...}`.
async fn recv(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .unwrap();
        match message {
            ts::Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            ts::Message::Close(frame) => {
                let frame = frame.expect("a close frame with a code");
                return json!({ "close": u16::from(frame.code), "reason": frame.reason.as_str() });
            }
            _ => {}
        }
    }
}

/// A socket past `connection_init` with `payload`.
async fn ready(app: &TestApp, payload: Value) -> Socket {
    let mut socket = open(app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    socket
}

/// Runs one operation; its messages up to `complete` (excluded) or a final `error`.
async fn run(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Vec<Value> {
    send(
        socket,
        json!({ "id": id, "type": "subscribe",
                "payload": { "query": query, "variables": variables } }),
    )
    .await;
    let mut out = Vec::new();
    loop {
        let m = recv(socket).await;
        assert_eq!(m["id"], id, "{m}");
        match m["type"].as_str() {
            Some("next") => out.push(m),
            Some("complete") => return out,
            Some("error") => {
                out.push(m);
                return out;
            }
            _ => panic!("unexpected {m}"),
        }
    }
}

/// The data of a query that must answer with exactly one error-free result.
async fn data(socket: &mut Socket, query: &str, variables: Value) -> Value {
    let out = run(socket, "q", query, variables).await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0]["type"], "next", "{out:?}");
    assert_eq!(out[0]["payload"].get("errors"), None, "{out:?}");
    out[0]["payload"]["data"].clone()
}

async fn viewer(socket: &mut Socket) -> Value {
    data(
        socket,
        "{ viewer { domain subject apiKeyProjectId } }",
        json!({}),
    )
    .await["viewer"]
        .clone()
}

fn close(code: u16, reason: &str) -> Value {
    json!({ "close": code, "reason": reason })
}

#[tokio::test]
async fn init_must_come_in_time_and_only_once() {
    let app = TestApp::spawn_with(api::http::HttpOptions {
        ws_init_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let started = std::time::Instant::now();
    let mut silent = open(&app).await;
    assert_eq!(
        recv(&mut silent).await,
        close(4408, "Connection initialisation timeout")
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // Pings are answered before the init, and do not count as one.
    let mut socket = open(&app).await;
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "n": 1 } }),
    )
    .await;
    assert_eq!(
        recv(&mut socket).await,
        json!({ "type": "pong", "payload": { "n": 1 } })
    );
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    // Acknowledged: the init timeout no longer applies.
    tokio::time::sleep(Duration::from_millis(500)).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "pong" }));
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(
        recv(&mut socket).await,
        close(4429, "Too many initialisation requests")
    );
}

#[tokio::test]
async fn subscribe_before_the_ack_closes_4401() {
    let app = TestApp::spawn().await;
    let mut socket = open(&app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ apiVersion }" } }),
    )
    .await;
    assert_eq!(recv(&mut socket).await, close(4401, "Unauthorized"));
}

#[tokio::test]
async fn malformed_messages_close_4400_with_a_reason() {
    let app = TestApp::spawn().await;
    let cases: Vec<(ts::Message, &str)> = vec![
        (
            ts::Message::text("{not json"),
            "the message is not valid JSON",
        ),
        (
            ts::Message::binary(b"{\"type\":\"ping\"}".to_vec()),
            "binary frames are not supported: send JSON text",
        ),
        (ts::Message::text("[1, 2]"), "a message is a JSON object"),
        (
            ts::Message::text(r#"{"payload": {}}"#),
            "the message has no `type`",
        ),
        (
            ts::Message::text(r#"{"type": "start", "id": "1"}"#),
            "unknown message type `start`",
        ),
        (
            ts::Message::text(r#"{"type": "next", "id": "1", "payload": {}}"#),
            "`next` messages are sent by the server, not the client",
        ),
        (
            ts::Message::text(r#"{"type": "connection_init", "payload": "token"}"#),
            "the `payload` of `connection_init` must be an object",
        ),
        (
            ts::Message::text(r#"{"type": "complete"}"#),
            "`complete` needs a non-empty string `id`",
        ),
    ];
    for (message, reason) in cases {
        let mut socket = open(&app).await;
        socket.send(message).await.unwrap();
        let got = recv(&mut socket).await;
        assert_eq!(got["close"], 4400, "{reason}: {got}");
        assert!(
            got["reason"].as_str().unwrap().starts_with(reason),
            "{reason}: {got}"
        );
    }
    // Missing or mistyped fields of `subscribe`, after the ack.
    for (message, reason) in [
        (
            json!({ "type": "subscribe", "payload": { "query": "{ apiVersion }" } }),
            "`subscribe` needs a non-empty string `id`",
        ),
        (
            json!({ "type": "subscribe", "id": "" , "payload": { "query": "{ apiVersion }" } }),
            "`subscribe` needs a non-empty string `id`",
        ),
        (
            json!({ "type": "subscribe", "id": "1" }),
            "`subscribe` needs a `payload` object",
        ),
        (
            json!({ "type": "subscribe", "id": "1", "payload": { "variables": {} } }),
            "the `subscribe` payload needs a `query` string",
        ),
        (
            json!({ "type": "subscribe", "id": "1",
                    "payload": { "query": "{ apiVersion }", "variables": [1] } }),
            "`variables` must be an object or null",
        ),
        (
            json!({ "type": "subscribe", "id": "x".repeat(300),
                    "payload": { "query": "{ apiVersion }" } }),
            "an `id` is at most 256 bytes long",
        ),
    ] {
        let mut socket = ready(&app, json!({})).await;
        send(&mut socket, message).await;
        assert_eq!(recv(&mut socket).await, close(4400, reason));
    }
}

#[tokio::test]
async fn bad_credentials_close_4403_before_the_ack() {
    let app = TestApp::spawn().await;
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
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for (payload, reason) in [
        (
            json!({ "authorization": format!("Bearer {expired}") }),
            "Forbidden: the token has expired",
        ),
        (
            json!({ "token": "not-a-jwt" }),
            "Forbidden: the token is not valid",
        ),
        (
            json!({ "Authorization": format!("Bearer {refresh}") }),
            "Forbidden: a refresh token only opens a new session",
        ),
        (
            json!({ "authorization": "Basic dXNlcjpwYXNz" }),
            "Forbidden: use `Authorization: Bearer <token>`",
        ),
        (
            json!({ "x-api-key": "oq_ghost_0000" }),
            "Forbidden: the API key is not valid",
        ),
        (
            json!({ "token": 42 }),
            "Forbidden: `token` must be a string",
        ),
    ] {
        let mut socket = open(&app).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        assert_eq!(recv(&mut socket).await, close(4403, reason), "{payload}");
    }
}

#[tokio::test]
async fn the_viewer_comes_from_the_init_payload() {
    let app = TestApp::spawn().await;
    pds_account(
        &app,
        "did:plc:alice",
        "alice.test",
        entity::pds::enums::AccountStatus::Active,
    )
    .await;
    crate::bellamy::Fixture { app: &app }.user(7).await;
    let u7 = crate::bellamy::s(7);
    let pds = app.token(Domain::Pds, "did:plc:alice").await;
    let bellamy = app.token(Domain::Bellamy, &u7).await;
    let mut anonymous = ready(&app, json!({})).await;
    assert_eq!(
        viewer(&mut anonymous).await,
        json!({ "domain": null, "subject": null, "apiKeyProjectId": null })
    );
    // A connection_init without a payload is anonymous too.
    let mut bare = open(&app).await;
    send(&mut bare, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut bare).await, json!({ "type": "connection_ack" }));
    assert_eq!(viewer(&mut bare).await["subject"], Value::Null);

    // A Universe identity's socket is its connection: the identity must have one.
    let res = app
        .graphql("mutation { universeConnect { identity token } }", json!({}))
        .await;
    let universe = &res["data"]["universeConnect"];
    let (me, my_token) = (
        universe["identity"].as_str().unwrap(),
        universe["token"].as_str().unwrap(),
    );
    for (payload, domain, subject) in [
        (
            json!({ "authorization": format!("Bearer {pds}") }),
            "pds",
            "did:plc:alice",
        ),
        (
            json!({ "Authorization": format!("Bearer {bellamy}") }),
            "bellamy",
            u7.as_str(),
        ),
        (json!({ "token": my_token }), "universe", me),
    ] {
        let mut socket = ready(&app, payload.clone()).await;
        assert_eq!(
            viewer(&mut socket).await,
            json!({ "domain": domain, "subject": subject, "apiKeyProjectId": null }),
            "{payload}"
        );
    }

    // An Orquestra API key.
    use entity::orquestra::{api_keys, projects, users};
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
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
    let (plain, hash) = api::orquestra::service::api_keys::new_key("k1").unwrap();
    api_keys::Model {
        id: "k1".into(),
        project_id: "p1".into(),
        key: hash,
        last_used: None,
        created_at: Some(now),
        expires_at: None,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    let mut keyed = ready(&app, json!({ "X-API-Key": plain })).await;
    assert_eq!(
        viewer(&mut keyed).await,
        json!({ "domain": null, "subject": null, "apiKeyProjectId": "p1" })
    );
}

#[tokio::test]
async fn queries_and_mutations_run_over_the_socket() {
    let app = TestApp::spawn().await;
    let mut socket = ready(&app, json!({})).await;
    let connected = data(
        &mut socket,
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity connectionId token } }",
        json!({ "c": "ws/1.0" }),
    )
    .await["universeConnect"]
        .clone();
    let identity = connected["identity"].as_str().unwrap().to_owned();
    assert_eq!(identity.len(), 64);
    let got = data(
        &mut socket,
        "query($i: ID!) { universeClientConnection(identity: $i) { identity status clientInfo } }",
        json!({ "i": identity }),
    )
    .await;
    assert_eq!(
        got["universeClientConnection"],
        json!({ "identity": identity, "status": "CONNECTED", "clientInfo": "ws/1.0" })
    );
    // The row is really there, and the token works on a new connection.
    assert_eq!(
        crate::helpers::count(app.db.get(Domain::Universe), "client_connection").await,
        1
    );
    let mut me = ready(&app, json!({ "token": connected["token"] })).await;
    assert_eq!(
        viewer(&mut me).await,
        json!({ "domain": "universe", "subject": identity, "apiKeyProjectId": null })
    );
    // Errors carry the HTTP path's codes.
    let out = run(
        &mut socket,
        "bad",
        "mutation { universeConnect(clientInfo: $c) { identity } }",
        json!({}),
    )
    .await;
    assert_eq!(out[0]["type"], "error", "{out:?}");
    assert_eq!(
        out[0]["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let out = run(
        &mut socket,
        "input",
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity } }",
        json!({ "c": "x".repeat(600) }),
    )
    .await;
    assert_eq!(out[0]["type"], "next", "{out:?}");
    assert_eq!(
        out[0]["payload"]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn hostile_documents_are_refused_and_the_socket_stays_open() {
    let app = TestApp::spawn().await;
    let mut socket = ready(&app, json!({})).await;
    let aliases: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
    let directives = "@skip(if: false) ".repeat(10_000);
    let deep = format!(
        "{}{}",
        "{ orquestraUsers { nodes { projects { nodes { user { ".repeat(30),
        "} } } } }".repeat(30)
    );
    let cycle = "{ ...a } fragment a on Query { ...b } fragment b on Query { ...a }".to_owned();
    let mut fan_out = String::from("{ ...f0 }\n");
    for i in 0..30 {
        fan_out.push_str(&format!(
            "fragment f{i} on Query {{ ...f{} ...f{} }}\n",
            i + 1,
            i + 1
        ));
    }
    fan_out.push_str("fragment f30 on Query { __typename }");
    let before = app.db.dbs.metrics().total();
    for (i, query) in [
        format!("{{ {aliases} }}"),
        format!("{{ __typename {directives} }}"),
        deep,
        fan_out,
        cycle,
    ]
    .iter()
    .enumerate()
    {
        let out = run(&mut socket, &format!("h{i}"), query, json!({})).await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0]["type"], "error", "{out:?}");
        assert_eq!(
            out[0]["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{out:?}"
        );
    }
    assert_eq!(app.db.dbs.metrics().total(), before, "nothing ran");
    assert_eq!(
        data(&mut socket, "{ apiVersion }", json!({})).await,
        json!({ "apiVersion": env!("CARGO_PKG_VERSION") })
    );
}

#[tokio::test]
async fn other_subprotocols_and_plain_requests_are_refused() {
    let app = TestApp::spawn().await;
    for protocol in [None, Some("graphql-wss"), Some("chat, superchat")] {
        match open_offering(&app, protocol).await {
            Err(ts::Error::Http(response)) => {
                assert_eq!(response.status(), 400, "{protocol:?}");
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
                assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
                assert_eq!(
                    body["errors"][0]["message"],
                    "Subprotocol not acceptable: this endpoint speaks `graphql-transport-ws` \
                     (preferred) and the legacy `graphql-ws`; offer one in \
                     `Sec-WebSocket-Protocol`",
                );
            }
            other => panic!("{protocol:?} was not refused: {:?}", other.map(|_| ())),
        }
    }
    // Offering ours among others selects ours; offering both prefers graphql-transport-ws.
    for offered in [
        "chat, graphql-transport-ws",
        "graphql-ws, graphql-transport-ws",
    ] {
        let mut socket = open_with(&app, Some(offered)).await.unwrap();
        send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(recv(&mut socket).await, json!({ "type": "pong" }));
    }
    // A plain GET is not an upgrade.
    let res = app.client.get(app.url("/graphql/ws")).send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn messages_are_bounded_by_the_body_limit_and_connections_are_capped() {
    let app = TestApp::spawn_with(api::http::HttpOptions {
        body_limit: 4096,
        ws_max_connections: 1,
        ..Default::default()
    })
    .await;
    let mut socket = ready(&app, json!({})).await;
    let padded = format!("{{ apiVersion }}{}", " ".repeat(8192));
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": padded } }),
    )
    .await;
    let got = recv(&mut socket).await;
    assert_eq!(got["close"], 1009, "{got}");
    drop(socket);

    // One connection at a time: a second one is refused while the first is open.
    let mut first = None;
    for _ in 0..50 {
        match open_with(&app, Some("graphql-transport-ws")).await {
            Ok(s) => {
                first = Some(s);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let mut first = first.expect("the slot is released once a connection ends");
    match open_with(&app, Some("graphql-transport-ws")).await {
        Err(ts::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                "TOO_MANY_CONNECTIONS"
            );
        }
        other => panic!("a second connection was let in: {:?}", other.map(|_| ())),
    }
    send(&mut first, json!({ "type": "ping" })).await;
    assert_eq!(recv(&mut first).await, json!({ "type": "pong" }));
}

#[tokio::test]
async fn keepalive_pings_keep_readers_and_drop_silent_clients() {
    let app = TestApp::spawn_full(
        api::http::HttpOptions {
            ws_keepalive: Duration::from_millis(200),
            ..Default::default()
        },
        // The socket outlives the HTTP connection's idle timeout.
        api::server::ServerTimeouts {
            idle: Duration::from_millis(300),
            ..Default::default()
        },
    )
    .await;
    let mut reader = ready(&app, json!({})).await;
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(1500);
    while let Ok(message) = tokio::time::timeout_at(until, reader.next()).await {
        match message.unwrap().unwrap() {
            ts::Message::Ping(_) => pings += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(pings >= 3, "the server pings ({pings})");
    assert_eq!(
        data(&mut reader, "{ apiVersion }", json!({})).await,
        json!({ "apiVersion": env!("CARGO_PKG_VERSION") })
    );

    // Not reading means not answering pings either: the server gives up after two
    // silent intervals (400-600 ms) and waits 1 s for the closing handshake.
    let mut silent = ready(&app, json!({})).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        recv(&mut silent).await,
        close(1001, "the client stopped answering pings")
    );
}

/// A `graphql-ws` (subscriptions-transport-ws) socket past `connection_init` with
/// `payload`: the ack and the first keep-alive are read.
async fn ready_legacy(app: &TestApp, payload: Value) -> Socket {
    let (mut socket, selected) = open_offering(app, Some("graphql-ws")).await.unwrap();
    assert_eq!(selected.as_deref(), Some("graphql-ws"));
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    assert_eq!(recv(&mut socket).await, json!({ "type": "ka" }));
    socket
}

/// Runs one operation over the legacy protocol: its messages up to `complete`
/// (excluded) or a final `error`.
async fn run_legacy(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Vec<Value> {
    send(
        socket,
        json!({ "id": id, "type": "start",
                "payload": { "query": query, "variables": variables } }),
    )
    .await;
    let mut out = Vec::new();
    loop {
        let m = recv(socket).await;
        assert_eq!(m["id"], id, "{m}");
        match m["type"].as_str() {
            Some("data") => out.push(m),
            Some("complete") => return out,
            Some("error") => {
                out.push(m);
                return out;
            }
            _ => panic!("unexpected {m}"),
        }
    }
}

#[tokio::test]
async fn the_legacy_protocol_runs_operations_for_the_init_payload_viewer() {
    let app = TestApp::spawn().await;
    pds_account(
        &app,
        "did:plc:alice",
        "alice.test",
        entity::pds::enums::AccountStatus::Active,
    )
    .await;
    let token = app.token(Domain::Pds, "did:plc:alice").await;
    let mut socket =
        ready_legacy(&app, json!({ "authorization": format!("Bearer {token}") })).await;
    assert_eq!(
        run_legacy(&mut socket, "1", "{ viewer { domain subject } }", json!({})).await,
        [json!({ "id": "1", "type": "data",
                 "payload": { "data": { "viewer": { "domain": "pds", "subject": "did:plc:alice" } } } })]
    );
    // A mutation and a query against the database.
    let out = run_legacy(
        &mut socket,
        "2",
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity } }",
        json!({ "c": "legacy/0.9" }),
    )
    .await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0]["payload"].get("errors"), None, "{out:?}");
    let identity = out[0]["payload"]["data"]["universeConnect"]["identity"].clone();
    let out = run_legacy(
        &mut socket,
        "3",
        "query($i: ID!) { universeClientConnection(identity: $i) { status clientInfo } }",
        json!({ "i": identity }),
    )
    .await;
    assert_eq!(
        out[0]["payload"],
        json!({ "data": { "universeClientConnection":
                          { "status": "CONNECTED", "clientInfo": "legacy/0.9" } } })
    );
    assert_eq!(
        crate::helpers::count(app.db.get(Domain::Universe), "client_connection").await,
        1
    );
    // A refused document is an `error`, with the HTTP path's code; the socket stays.
    let out = run_legacy(&mut socket, "4", "{ nope }", json!({})).await;
    assert_eq!(
        (&out[0]["type"], &out[0]["id"]),
        (&json!("error"), &json!("4"))
    );
    assert_eq!(
        out[0]["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    // Field errors come as data, as over HTTP.
    let out = run_legacy(
        &mut socket,
        "5",
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity } }",
        json!({ "c": "x".repeat(600) }),
    )
    .await;
    assert_eq!(out[0]["type"], "data", "{out:?}");
    assert_eq!(
        out[0]["payload"]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    // Refused credentials: `connection_error`, then the same close as the newer protocol.
    let (mut refused, _) = open_offering(&app, Some("graphql-ws")).await.unwrap();
    send(
        &mut refused,
        json!({ "type": "connection_init", "payload": { "token": "not-a-jwt" } }),
    )
    .await;
    assert_eq!(
        recv(&mut refused).await,
        json!({ "type": "connection_error",
                "payload": { "message": "Forbidden: the token is not valid",
                             "extensions": { "code": "UNAUTHENTICATED" } } })
    );
    assert_eq!(
        recv(&mut refused).await,
        close(4403, "Forbidden: the token is not valid")
    );
}

#[tokio::test]
async fn graphiql_derives_its_websocket_url_from_the_page() {
    // GraphiQL's own code is served from `api/graphiql` (see tests/api/graphiql.rs).
    let graphiql = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api/graphiql");
    tokio::task::spawn_blocking(move || crate::helpers::npm_ci(&graphiql))
        .await
        .unwrap();
    let app = TestApp::spawn().await;
    let page = |host: Option<&'static str>| {
        let mut request = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "text/html");
        if let Some(host) = host {
            request = request
                .header("host", host)
                .header("x-forwarded-proto", "https")
                .header("x-forwarded-host", host);
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(None).await;
    // Nothing about the host is decided on the server: the page is the same behind a
    // TLS-terminating proxy, and its addresses are relative to the page itself.
    assert!(!html.contains(&app.addr.to_string()), "no server-side host");
    assert_eq!(page(Some("api.example.com")).await, html);
    assert!(html.contains(r#"<script src="graphiql/assets/init.js"></script>"#));
    let init = app
        .client
        .get(app.url("/graphiql/assets/init.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Run the page's own script under Node.js, in a stand-in browser, at several addresses.
    for (href, http, ws) in [
        (
            "http://127.0.0.1:8000/graphql",
            "http://127.0.0.1:8000/graphql",
            "ws://127.0.0.1:8000/graphql/ws",
        ),
        (
            "https://api.example.com/graphql",
            "https://api.example.com/graphql",
            "wss://api.example.com/graphql/ws",
        ),
        (
            "https://example.com/mosaic/graphql?query=x",
            "https://example.com/mosaic/graphql",
            "wss://example.com/mosaic/graphql/ws",
        ),
    ] {
        let script = format!(
            "let seen;\n\
             globalThis.window = {{ location: {{ href: '{href}' }} }};\n\
             globalThis.document = {{ getElementById: () => ({{}}) }};\n\
             globalThis.GraphiQL = {{ createFetcher: (o) => {{ seen = o; }} }};\n\
             globalThis.GraphiQLPluginExplorer = {{ explorerPlugin: () => ({{}}) }};\n\
             globalThis.React = {{ createElement: () => ({{}}) }};\n\
             globalThis.ReactDOM = {{ createRoot: () => ({{ render: () => {{}} }}) }};\n\
             {init}\n\
             process.stdout.write(JSON.stringify(seen));"
        );
        let out = std::process::Command::new("node")
            .args(["-e", &script])
            .output()
            .expect("node (Node.js 20+) on the PATH");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(seen["url"], http, "{href}");
        assert_eq!(seen["subscriptionUrl"], ws, "{href}");
    }
}

#[tokio::test]
async fn shutdown_closes_sockets_1001_in_both_protocols() {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut app = TestApp::spawn_until(
        crate::helpers::TestDb::migrated().await,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
        async {
            let _ = stopped.await;
        },
    )
    .await;
    let mut new = ready(&app, json!({})).await;
    assert_eq!(
        data(&mut new, "{ apiVersion }", json!({})).await,
        json!({ "apiVersion": env!("CARGO_PKG_VERSION") })
    );
    let mut legacy = ready_legacy(&app, json!({})).await;
    let mut waiting = open(&app).await;

    stop.send(()).unwrap();
    let shutting_down = close(1001, "server shutting down");
    assert_eq!(recv(&mut new).await, shutting_down);
    assert_eq!(
        recv(&mut legacy).await,
        shutting_down,
        "no connection_error"
    );
    assert_eq!(recv(&mut waiting).await, shutting_down);
    assert!(
        app.stopped(Duration::from_secs(5)).await,
        "the server stops once its sockets are closed"
    );
    assert!(open_offering(&app, Some("graphql-ws")).await.is_err());
}

#[tokio::test]
async fn the_binary_closes_sockets_1001_and_exits_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let mut served = crate::helpers::Served::start(&["--shutdown-grace", "20"]);
        let (mut new, _) = open_at(&served.addr, Some("graphql-transport-ws"))
            .await
            .unwrap();
        send(&mut new, json!({ "type": "connection_init" })).await;
        assert_eq!(recv(&mut new).await, json!({ "type": "connection_ack" }));
        assert_eq!(
            data(&mut new, "{ apiVersion }", json!({})).await,
            json!({ "apiVersion": env!("CARGO_PKG_VERSION") })
        );
        let (mut legacy, selected) = open_at(&served.addr, Some("graphql-ws")).await.unwrap();
        assert_eq!(selected.as_deref(), Some("graphql-ws"));
        send(&mut legacy, json!({ "type": "connection_init" })).await;
        assert_eq!(recv(&mut legacy).await, json!({ "type": "connection_ack" }));
        assert_eq!(recv(&mut legacy).await, json!({ "type": "ka" }));

        let started = std::time::Instant::now();
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), served.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let shutting_down = close(1001, "server shutting down");
        assert_eq!(recv(&mut new).await, shutting_down, "SIG{signal}");
        assert_eq!(recv(&mut legacy).await, shutting_down, "SIG{signal}");
        // Long before the 20 s grace period: nothing was left to wait for.
        let status = served
            .exited_within(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("still running 10 s after SIG{signal}"));
        assert!(status.success(), "SIG{signal}: {status}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(open_at(&served.addr, Some("graphql-ws")).await.is_err());
    }
}

#[test]
fn serve_help_documents_the_websocket_options() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mosaic"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "--ws-init-timeout",
        "[env: MOSAIC_WS_INIT_TIMEOUT=",
        "--ws-max-operations",
        "[env: MOSAIC_WS_MAX_OPERATIONS=",
        "--ws-max-connections",
        "[env: MOSAIC_WS_MAX_CONNECTIONS=",
        "--ws-keepalive",
        "[env: MOSAIC_WS_KEEPALIVE=",
    ] {
        assert!(help.contains(needle), "`{needle}` in:\n{help}");
    }
}
