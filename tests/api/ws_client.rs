//! A small GraphQL-over-WebSocket client for the tests, speaking either protocol the
//! server offers: `graphql-transport-ws` (graphql-ws) or the legacy `graphql-ws`
//! (subscriptions-transport-ws).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self as ts, http::HeaderValue};

use crate::helpers::TestApp;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The two protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`: `subscribe` / `next` / `complete`.
    TransportWs,
    /// `graphql-ws` (legacy): `start` / `data` / `stop`.
    Legacy,
}

impl Protocol {
    /// Both, for tests that run over each.
    pub const BOTH: [Protocol; 2] = [Protocol::TransportWs, Protocol::Legacy];

    fn name(self) -> &'static str {
        match self {
            Protocol::TransportWs => "graphql-transport-ws",
            Protocol::Legacy => "graphql-ws",
        }
    }
}

/// What arrived for an operation.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A result (`next` / `data`): its payload.
    Next(Value),
    /// A refusal (`error`): its payload.
    Error(Value),
    /// The operation is over.
    Complete,
}

/// One connection, past `connection_init`.
pub struct WsClient {
    socket: Socket,
    protocol: Protocol,
}

impl WsClient {
    /// Connects to `app` with `protocol`, initialising with `payload` (credentials).
    pub async fn connect(app: &TestApp, protocol: Protocol, payload: Value) -> Self {
        Self::connect_url(&format!("ws://{}/graphql/ws", app.addr), protocol, payload).await
    }

    /// Connects to the endpoint `url` (`ws://host:port/graphql/ws`).
    pub async fn connect_url(url: &str, protocol: Protocol, payload: Value) -> Self {
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(protocol.name()),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            protocol.name()
        );
        let mut client = Self { socket, protocol };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = client.recv().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        client
    }

    /// Opens a socket whose `connection_init` the server refuses: the close it answers
    /// with (`{"close": code, "reason": ...}`), after any legacy `connection_error`.
    pub async fn refused(app: &TestApp, protocol: Protocol, payload: Value) -> Value {
        let url = format!("ws://{}/graphql/ws", app.addr);
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(protocol.name()),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut client = Self { socket, protocol };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        loop {
            let m = client.recv().await;
            if m.get("close").is_some() {
                return m;
            }
            assert_eq!(m["type"], "connection_error", "{m}");
        }
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(ts::Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// The next protocol message (keep-alives skipped), within 10 s.
    async fn recv(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
                .await
                .expect("a message within 10 s")
                .expect("the socket is open")
                .unwrap();
            match message {
                ts::Message::Text(t) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap();
                    if v["type"] == "ka" || v["type"] == "ping" || v["type"] == "pong" {
                        continue;
                    }
                    return v;
                }
                ts::Message::Close(frame) => {
                    let frame = frame.expect("a close frame");
                    return json!({ "close": u16::from(frame.code), "reason": frame.reason.as_str() });
                }
                _ => {}
            }
        }
    }

    /// The next protocol message, whatever it is (a close: `{"close": code, "reason"}`).
    pub async fn message(&mut self) -> Value {
        self.recv().await
    }

    /// Starts operation `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.start(id, json!({ "query": query, "variables": variables }))
            .await;
    }

    /// Starts operation `id` with `payload` as it is (e.g. a persisted query's hash).
    pub async fn start(&mut self, id: &str, payload: Value) {
        let ty = match self.protocol {
            Protocol::TransportWs => "subscribe",
            Protocol::Legacy => "start",
        };
        self.send(json!({ "id": id, "type": ty, "payload": payload }))
            .await;
    }

    /// Stops operation `id`.
    pub async fn stop(&mut self, id: &str) {
        let ty = match self.protocol {
            Protocol::TransportWs => "complete",
            Protocol::Legacy => "stop",
        };
        self.send(json!({ "id": id, "type": ty })).await;
    }

    /// The next message for operation `id` (messages of other operations are a failure).
    pub async fn event(&mut self, id: &str) -> Event {
        let m = self.recv().await;
        assert_eq!(m["id"], id, "a message for {id}: {m}");
        match m["type"].as_str() {
            Some("next" | "data") => Event::Next(m["payload"].clone()),
            Some("error") => Event::Error(m["payload"].clone()),
            Some("complete") => Event::Complete,
            _ => panic!("unexpected message {m}"),
        }
    }

    /// The next result of `id`, asserting it has no errors: its `data`.
    pub async fn data(&mut self, id: &str) -> Value {
        match self.event(id).await {
            Event::Next(p) => {
                assert!(p["errors"].is_null(), "unexpected errors: {p}");
                p["data"].clone()
            }
            other => panic!("expected a result for {id}, got {other:?}"),
        }
    }

    /// The next result of `id`, which must carry errors and end the operation (a result
    /// with errors is followed by `complete`; an `error` message ends it by itself): the
    /// first error's code.
    pub async fn error_code(&mut self, id: &str) -> String {
        let payload = match self.event(id).await {
            Event::Next(p) => {
                assert!(p["errors"].is_array(), "{id}: expected errors, got {p}");
                assert_eq!(self.event(id).await, Event::Complete, "{id} ends after {p}");
                p["errors"][0].clone()
            }
            Event::Error(p) => p[0].clone(),
            Event::Complete => panic!("{id} completed without an error"),
        };
        payload["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code in {payload}"))
            .to_owned()
    }

    /// Asserts that nothing arrives within `wait` (a ping round-trip proves the socket
    /// has delivered everything sent before it, on graphql-transport-ws).
    pub async fn nothing_within(&mut self, wait: Duration) {
        match tokio::time::timeout(wait, self.recv()).await {
            Err(_) => {}
            Ok(m) => panic!("expected nothing, got {m}"),
        }
    }

    /// Closes the socket.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
