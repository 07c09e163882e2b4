//! The connection loop over a small schema: `graphql-transport-ws` here, the legacy
//! protocol in [`legacy`], shutdown in [`shutdown`].

mod legacy;
mod shutdown;

use super::connection::truncate;
use super::*;
use crate::auth::Viewer;
use crate::error::ApiError;
use async_graphql::Request;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::futures_util::{SinkExt, Stream, StreamExt};
use async_graphql::{EmptyMutation, Object, Response, Schema, Subscription};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::routing::any;
use axum::{Extension, Router};
use serde_json::json;
use serde_json::{Map, Value};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self as ts, protocol::frame::coding::CloseCode};

use crate::server::ServerTimeouts;

struct TestQuery;

#[Object]
impl TestQuery {
    /// A constant.
    async fn hello(&self) -> &'static str {
        "world"
    }

    /// Answers after a minute.
    async fn slow(&self) -> i32 {
        tokio::time::sleep(Duration::from_secs(60)).await;
        1
    }
}

struct TestSubscription;

#[Subscription]
impl TestSubscription {
    /// 0, 1, 2, ... every 10 ms, forever.
    async fn ticks(&self) -> impl Stream<Item = i32> {
        async_graphql::futures_util::stream::unfold(0, |n| async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Some((n, n + 1))
        })
    }
}

/// Everyone is anonymous, except `Bearer bad`, which is refused.
#[derive(Clone)]
struct TestHandler;

impl Handler for TestHandler {
    type Session = ();

    async fn open(&self, _: &Viewer, _: &Map<String, Value>) -> Result<(), ApiError> {
        Ok(())
    }

    async fn subscribed(
        &self,
        _: &(),
        _: u64,
        _: &str,
        stream: BoxStream<'static, Response>,
    ) -> Result<BoxStream<'static, Response>, ApiError> {
        Ok(stream)
    }

    fn share(&self, _: &()) -> Option<Result<Box<dyn std::any::Any + Send + Sync>, ApiError>> {
        Some(Ok(Box::new(())))
    }

    async fn ended(&self, _: &(), _: u64) {}

    async fn closed(&self, _: ()) {}

    async fn authenticate(&self, credentials: Credentials) -> Result<Viewer, ApiError> {
        match credentials.authorization.as_deref() {
            Some("Bearer bad") => Err(ApiError::Unauthenticated("bad token".into())),
            _ => Ok(Viewer::anonymous()),
        }
    }

    fn prepare(&self, request: Request, viewer: &Viewer) -> Request {
        request.data(viewer.clone())
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A server of the test schema on a free port, through the real accept loop.
struct TestServer {
    /// `ws://.../ws`.
    url: String,
    addr: std::net::SocketAddr,
    /// Starts the shutdown.
    stop: oneshot::Sender<()>,
    /// Ends when the server has stopped.
    served: tokio::task::JoinHandle<()>,
}

impl TestServer {
    async fn start(options: WsOptions, timeouts: ServerTimeouts) -> Self {
        let schema = Schema::build(TestQuery, EmptyMutation, TestSubscription).finish();
        let slots = slots(10);
        let fanout = Fanout::default();
        let app = Router::new().route(
            "/ws",
            any(
                move |shutdown: Option<Extension<Shutdown>>,
                      upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
                    let (schema, slots) = (schema.clone(), Arc::clone(&slots));
                    let fanout = fanout.clone();
                    let shutdown = shutdown.map(|Extension(s)| s);
                    async move { accept(upgrade, schema, TestHandler, options, &slots, &fanout, shutdown) }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            crate::server::serve(listener, app, timeouts, signal)
                .await
                .unwrap();
        });
        Self {
            url: format!("ws://{addr}/ws"),
            addr,
            stop,
            served,
        }
    }
}

/// A server of the test schema on a free port; its `ws://` URL. It runs until the test
/// ends.
async fn spawn(options: WsOptions) -> String {
    let server = TestServer::start(options, ServerTimeouts::default()).await;
    std::mem::forget(server.stop);
    server.url
}

/// Opens `url` offering `protocols` (a `Sec-WebSocket-Protocol` value); the socket and
/// the protocol the server selected.
async fn connect_with(url: &str, protocols: &str) -> Result<(Socket, String), ts::Error> {
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocols.parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await?;
    let selected = response.headers()["sec-websocket-protocol"]
        .to_str()
        .unwrap()
        .to_owned();
    Ok((socket, selected))
}

/// A `graphql-transport-ws` socket.
async fn connect(url: &str) -> Socket {
    let (socket, selected) = connect_with(url, "graphql-transport-ws").await.unwrap();
    assert_eq!(selected, "graphql-transport-ws");
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(ts::Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next message (JSON) or close frame (`{"close": code, "reason": ...}`); pings are
/// skipped.
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
                let frame = frame.unwrap();
                return json!({ "close": u16::from(frame.code), "reason": frame.reason.as_str() });
            }
            _ => {}
        }
    }
}

async fn ready(url: &str) -> Socket {
    let mut socket = connect(url).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    socket
}

async fn subscribe(socket: &mut Socket, id: &str, query: &str) {
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
}

/// Pings and collects every message that arrives before the pong.
async fn until_pong(socket: &mut Socket) -> Vec<Value> {
    send(socket, json!({ "type": "ping" })).await;
    let mut seen = Vec::new();
    loop {
        let m = recv(socket).await;
        if m == json!({ "type": "pong" }) {
            return seen;
        }
        seen.push(m);
    }
}

/// Reads until a message for each of `ids` has arrived; the ids seen.
async fn ids_until(socket: &mut Socket, ids: &[&str]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    while !ids.iter().all(|id| seen.iter().any(|s| s == id)) {
        let m = recv(socket).await;
        assert_eq!(m["type"], "next", "{m}");
        seen.push(m["id"].as_str().unwrap().to_owned());
    }
    seen
}

#[tokio::test]
async fn operations_over_the_cap_get_an_error_and_the_others_keep_running() {
    let url = spawn(WsOptions {
        max_operations: 2,
        ..Default::default()
    })
    .await;
    let mut socket = ready(&url).await;
    subscribe(&mut socket, "a", "subscription { ticks }").await;
    subscribe(&mut socket, "b", "subscription { ticks }").await;
    ids_until(&mut socket, &["a", "b"]).await;
    subscribe(&mut socket, "c", "subscription { ticks }").await;
    loop {
        let m = recv(&mut socket).await;
        if m["id"] == "c" {
            assert_eq!(m["type"], "error", "{m}");
            assert_eq!(
                m["payload"][0]["extensions"]["code"],
                "TOO_MANY_SUBSCRIPTIONS"
            );
            break;
        }
    }
    // The two running streams go on.
    ids_until(&mut socket, &["a", "b"]).await;
    // A finished query frees its place too: complete one stream, run a query.
    send(&mut socket, json!({ "id": "a", "type": "complete" })).await;
    subscribe(&mut socket, "q", "{ hello }").await;
    let mut answered = false;
    let mut completed = false;
    while !(answered && completed) {
        let m = recv(&mut socket).await;
        if m["id"] == "q" {
            match m["type"].as_str() {
                Some("next") => {
                    assert_eq!(m["payload"], json!({ "data": { "hello": "world" } }));
                    answered = true;
                }
                Some("complete") => completed = true,
                _ => panic!("{m}"),
            }
        }
    }
    subscribe(&mut socket, "c", "subscription { ticks }").await;
    ids_until(&mut socket, &["b", "c"]).await;
}

#[tokio::test]
async fn a_duplicate_id_in_flight_closes_4409() {
    let url = spawn(WsOptions::default()).await;
    let mut socket = ready(&url).await;
    subscribe(&mut socket, "same", "subscription { ticks }").await;
    ids_until(&mut socket, &["same"]).await;
    subscribe(&mut socket, "same", "subscription { ticks }").await;
    loop {
        let m = recv(&mut socket).await;
        if m.get("close").is_some() {
            assert_eq!(
                m,
                json!({ "close": 4409, "reason": "Subscriber for same already exists" })
            );
            break;
        }
    }
}

#[tokio::test]
async fn complete_stops_an_operation_and_frees_its_id() {
    let url = spawn(WsOptions::default()).await;
    let mut socket = ready(&url).await;
    subscribe(&mut socket, "t", "subscription { ticks }").await;
    ids_until(&mut socket, &["t"]).await;
    send(&mut socket, json!({ "id": "t", "type": "complete" })).await;
    until_pong(&mut socket).await;
    // Nothing more for `t` once the complete was handled (the pong came after it).
    tokio::time::sleep(Duration::from_millis(100)).await;
    let late = until_pong(&mut socket).await;
    assert_eq!(late, Vec::<Value>::new());
    // The id can be used again; a second `complete` of a finished id is ignored.
    subscribe(&mut socket, "t", "subscription { ticks }").await;
    ids_until(&mut socket, &["t"]).await;
    send(&mut socket, json!({ "id": "t", "type": "complete" })).await;
    send(&mut socket, json!({ "id": "t", "type": "complete" })).await;
    until_pong(&mut socket).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(until_pong(&mut socket).await, Vec::<Value>::new());
}

#[tokio::test]
async fn queries_time_out_and_refused_documents_keep_the_socket() {
    let url = spawn(WsOptions {
        request_timeout: Duration::from_millis(100),
        ..Default::default()
    })
    .await;
    let mut socket = ready(&url).await;
    subscribe(&mut socket, "s", "{ slow }").await;
    let m = recv(&mut socket).await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "TIMEOUT");
    subscribe(&mut socket, "v", "{ nope }").await;
    let m = recv(&mut socket).await;
    assert_eq!(
        (&m["type"], &m["id"]),
        (&json!("error"), &json!("v")),
        "{m}"
    );
    assert_eq!(
        m["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    subscribe(&mut socket, "p", "{ hello").await;
    let m = recv(&mut socket).await;
    assert_eq!(
        m["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{m}"
    );
    subscribe(&mut socket, "h", "{ hello }").await;
    assert_eq!(
        recv(&mut socket).await,
        json!({ "id": "h", "type": "next", "payload": { "data": { "hello": "world" } } })
    );
    assert_eq!(
        recv(&mut socket).await,
        json!({ "id": "h", "type": "complete" })
    );
}

#[tokio::test]
async fn oversized_messages_close_1009_and_bad_credentials_4403() {
    let url = spawn(WsOptions {
        max_message: 1024,
        ..Default::default()
    })
    .await;
    let mut socket = ready(&url).await;
    subscribe(
        &mut socket,
        "big",
        &format!("{{ hello {} }}", " ".repeat(2000)),
    )
    .await;
    let m = recv(&mut socket).await;
    assert_eq!(m["close"], u16::from(CloseCode::Size), "{m}");

    let mut socket = connect(&url).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer bad" } }),
    )
    .await;
    assert_eq!(
        recv(&mut socket).await,
        json!({ "close": 4403, "reason": "Forbidden: bad token" })
    );
}

#[test]
fn credentials_come_from_the_payload_in_any_case() {
    let creds = |v: Value| Credentials::from_payload(v.as_object().unwrap());
    assert_eq!(creds(json!({})).unwrap(), Credentials::default());
    assert_eq!(
        creds(json!({ "Authorization": "Bearer t", "X-Api-Key": "k" })).unwrap(),
        Credentials {
            authorization: Some("Bearer t".into()),
            api_key: Some("k".into()),
        }
    );
    assert_eq!(
        creds(json!({ "token": "t" }))
            .unwrap()
            .authorization
            .as_deref(),
        Some("Bearer t")
    );
    assert_eq!(
        creds(json!({ "headers": { "authorization": "Bearer n" } }))
            .unwrap()
            .authorization
            .as_deref(),
        Some("Bearer n")
    );
    assert!(creds(json!({ "token": 1 })).is_err());
    assert!(creds(json!({ "token": "a", "authorization": "Bearer b" })).is_err());
    assert!(creds(json!({ "token": "a", "headers": { "Token": "b" } })).is_err());
}

#[test]
fn close_reasons_fit_a_frame() {
    let long = "é".repeat(100);
    let cut = truncate(long, MAX_REASON);
    assert!(cut.len() <= MAX_REASON && cut.chars().all(|c| c == 'é'));
}

#[tokio::test]
async fn the_protocol_is_chosen_by_the_subprotocol_header() {
    let url = spawn(WsOptions::default()).await;
    // Both offered, in either order: graphql-transport-ws, and it speaks it.
    for offered in [
        "graphql-ws, graphql-transport-ws",
        "graphql-transport-ws, graphql-ws",
    ] {
        let (mut socket, selected) = connect_with(&url, offered).await.unwrap();
        assert_eq!(selected, "graphql-transport-ws", "{offered}");
        send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(
            recv(&mut socket).await,
            json!({ "type": "pong" }),
            "{offered}"
        );
    }
    // Only the legacy one: graphql-ws, which acknowledges with a keep-alive.
    let (mut socket, selected) = connect_with(&url, "chat, graphql-ws").await.unwrap();
    assert_eq!(selected, "graphql-ws");
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "connection_ack" }));
    assert_eq!(recv(&mut socket).await, json!({ "type": "ka" }));
    // Neither: 400, naming both.
    for offered in ["chat", "graphql-transport-ws-2"] {
        match connect_with(&url, offered).await {
            Err(ts::Error::Http(response)) => {
                assert_eq!(response.status(), 400, "{offered}");
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
                assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
                let message = body["errors"][0]["message"].as_str().unwrap();
                assert!(
                    message.contains("`graphql-transport-ws`") && message.contains("`graphql-ws`"),
                    "{message}"
                );
            }
            other => panic!("{offered} was not refused: {:?}", other.map(|_| ())),
        }
    }
}
