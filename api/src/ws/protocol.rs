//! The two GraphQL-over-WebSocket protocols, as words: each client message parsed into
//! one vocabulary for the connection loop, and each server message encoded in the words
//! of the protocol the socket speaks. Which protocol that is, and its
//! `Sec-WebSocket-Protocol` name, is async-graphql's [`WebSocketProtocols`].
//!
//! | the loop's word | `graphql-transport-ws` | `graphql-ws` (legacy) |
//! |---|---|---|
//! | [`ClientMessage::Init`] | `connection_init` | `connection_init` |
//! | [`ClientMessage::Start`] | `subscribe` | `start` |
//! | [`ClientMessage::Stop`] | `complete` | `stop` |
//! | [`ClientMessage::Ping`] / [`ClientMessage::Pong`] | `ping` / `pong` | — |
//! | [`ClientMessage::Terminate`] | — | `connection_terminate` |
//! | [`ServerMessage::Next`] | `next` | `data` |
//! | [`ServerMessage::KeepAlive`] | — (WebSocket pings only) | `ka` |
//! | [`ServerMessage::ConnectionError`] | — (the close code says it) | `connection_error` |

use async_graphql::http::WebSocketProtocols;
use async_graphql::{Response, ServerError};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::MAX_ID_LEN;
use super::connection::Close;
use super::operation::internal_errors;
use crate::error::ApiError;

/// A client message, in the connection loop's words.
#[derive(Debug, PartialEq)]
pub(super) enum ClientMessage {
    /// `connection_init`: the payload carries the credentials.
    Init(Map<String, Value>),
    /// `ping`: answered with a `pong` carrying the same payload.
    Ping(Option<Map<String, Value>>),
    /// `pong`: nothing to do.
    Pong,
    /// `subscribe` / `start`: run an operation (`payload` is a checked GraphQL request).
    Start {
        id: String,
        payload: Map<String, Value>,
    },
    /// `complete` / `stop`: stop an operation.
    Stop { id: String },
    /// `connection_terminate`: the client is leaving.
    Terminate,
}

/// A server message, in the connection loop's words.
pub(super) enum ServerMessage<'a> {
    /// `connection_ack`.
    Ack,
    /// `ka` (legacy only).
    KeepAlive,
    /// `pong`, echoing the ping's payload.
    Pong(Option<&'a Map<String, Value>>),
    /// `next` / `data`: one result of an operation.
    Next(&'a str, &'a Response),
    /// `next` / `data`: one result, already serialised (a shared subscription's).
    NextJson(&'a str, &'a str),
    /// `error`: the errors already serialised as a JSON array.
    ErrorJson(&'a str, &'a str),
    /// `error`: the operation was refused (or failed as a whole); it is over.
    Error(&'a str, &'a [ServerError]),
    /// `complete`: the operation is over.
    Complete(&'a str),
    /// `connection_error` (legacy only): the connection is refused; a close follows.
    ConnectionError(&'a Close),
}

/// How a protocol reads and writes its messages.
pub(super) trait Wire {
    /// Parses and checks one client message.
    fn parse(self, text: &str) -> Result<ClientMessage, Close>;
    /// A server message as JSON text.
    fn encode(self, message: ServerMessage<'_>) -> String;
    /// Whether the protocol says why it closes with a `connection_error` message first
    /// (graphql-transport-ws says it with the close code alone).
    fn explains_closes(self) -> bool;
    /// Whether the protocol sends `ka` after the ack and every keep-alive interval
    /// (graphql-transport-ws relies on WebSocket pings and its own `ping`).
    fn keeps_alive(self) -> bool;
}

impl Wire for WebSocketProtocols {
    fn parse(self, text: &str) -> Result<ClientMessage, Close> {
        let legacy = self == WebSocketProtocols::SubscriptionsTransportWS;
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Close::bad(format!("the message is not valid JSON: {e}")))?;
        let Value::Object(mut message) = value else {
            return Err(Close::bad("a message is a JSON object"));
        };
        let ty = match message.get("type") {
            Some(Value::String(ty)) => ty.clone(),
            _ => return Err(Close::bad("the message has no `type`")),
        };
        let payload = |message: &mut Map<String, Value>| match message.remove("payload") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(p)) => Ok(Some(p)),
            Some(_) => Err(Close::bad(format!(
                "the `payload` of `{ty}` must be an object"
            ))),
        };
        let id = |message: &Map<String, Value>| match message.get("id") {
            Some(Value::String(id)) if !id.is_empty() && id.len() <= MAX_ID_LEN => Ok(id.clone()),
            Some(Value::String(id)) if !id.is_empty() => Err(Close::bad(format!(
                "an `id` is at most {MAX_ID_LEN} bytes long"
            ))),
            _ => Err(Close::bad(format!("`{ty}` needs a non-empty string `id`"))),
        };
        let start = |message: &mut Map<String, Value>| {
            let id = id(message)?;
            let payload = payload(message)?
                .ok_or_else(|| Close::bad(format!("`{ty}` needs a `payload` object")))?;
            check_request(&ty, &payload)?;
            Ok(ClientMessage::Start { id, payload })
        };
        match (legacy, ty.as_str()) {
            (_, "connection_init") => Ok(ClientMessage::Init(
                payload(&mut message)?.unwrap_or_default(),
            )),
            (false, "ping") => Ok(ClientMessage::Ping(payload(&mut message)?)),
            (false, "pong") => payload(&mut message).map(|_| ClientMessage::Pong),
            (false, "subscribe") | (true, "start") => start(&mut message),
            (false, "complete") | (true, "stop") => Ok(ClientMessage::Stop { id: id(&message)? }),
            (true, "connection_terminate") => Ok(ClientMessage::Terminate),
            (false, "connection_ack" | "next" | "error")
            | (
                true,
                "connection_ack" | "connection_error" | "data" | "error" | "complete" | "ka",
            ) => Err(Close::bad(format!(
                "`{ty}` messages are sent by the server, not the client"
            ))),
            (_, other) => Err(Close::bad(format!("unknown message type `{other}`"))),
        }
    }

    fn encode(self, message: ServerMessage<'_>) -> String {
        let legacy = self == WebSocketProtocols::SubscriptionsTransportWS;
        match message {
            ServerMessage::Ack => frame::<()>("connection_ack", None, None),
            ServerMessage::KeepAlive => frame::<()>("ka", None, None),
            ServerMessage::Pong(payload) => frame("pong", None, payload),
            ServerMessage::Next(id, response) => frame(
                if legacy { "data" } else { "next" },
                Some(id),
                Some(response),
            ),
            ServerMessage::NextJson(id, payload) => {
                raw_frame(if legacy { "data" } else { "next" }, id, payload)
            }
            ServerMessage::ErrorJson(id, errors) => raw_frame("error", id, errors),
            ServerMessage::Error(id, errors) => frame("error", Some(id), Some(errors)),
            ServerMessage::Complete(id) => frame::<()>("complete", Some(id), None),
            ServerMessage::ConnectionError(close) => {
                let payload = json!({
                    "message": close.reason,
                    "extensions": { "code": close.error_code() },
                });
                frame("connection_error", None, Some(&payload))
            }
        }
    }

    fn explains_closes(self) -> bool {
        self == WebSocketProtocols::SubscriptionsTransportWS
    }

    fn keeps_alive(self) -> bool {
        self == WebSocketProtocols::SubscriptionsTransportWS
    }
}

/// An operation's request payload: `query` (a string; it may be left out when
/// `extensions.persistedQuery` stands for it), and optionally `operationName` (a string),
/// `variables` and `extensions` (objects); each optional one may be null.
fn check_request(ty: &str, payload: &Map<String, Value>) -> Result<(), Close> {
    let persisted = payload
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    let query = payload.get("query");
    if !(matches!(query, Some(Value::String(_))) || (query.is_none() && persisted)) {
        return Err(Close::bad(format!(
            "the `{ty}` payload needs a `query` string"
        )));
    }
    let optional = |name: &str, ok: fn(&Value) -> bool, what: &str| match payload.get(name) {
        None | Some(Value::Null) => Ok(()),
        Some(v) if ok(v) => Ok(()),
        Some(_) => Err(Close::bad(format!("`{name}` must be {what} or null"))),
    };
    optional("operationName", Value::is_string, "a string")?;
    optional("variables", Value::is_object, "an object")?;
    optional("extensions", Value::is_object, "an object")
}

/// A message to the client.
#[derive(Serialize)]
struct Frame<'a, P: Serialize + ?Sized> {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a P>,
}

/// A message as JSON text; a payload that cannot be encoded is replaced by an `INTERNAL`
/// error (in the shape of the message type's payload).
/// A message whose payload is JSON text already (the same fields, in the same order, as
/// [`frame`] writes).
fn raw_frame(ty: &'static str, id: &str, payload: &str) -> String {
    let id = serde_json::to_string(id).unwrap_or_else(|_| "\"\"".to_owned());
    let mut out = String::with_capacity(payload.len() + id.len() + ty.len() + 32);
    out.push_str("{\"type\":\"");
    out.push_str(ty);
    out.push_str("\",\"id\":");
    out.push_str(&id);
    out.push_str(",\"payload\":");
    out.push_str(payload);
    out.push('}');
    out
}

fn frame<P: Serialize + ?Sized>(ty: &'static str, id: Option<&str>, payload: Option<&P>) -> String {
    serde_json::to_string(&Frame { ty, id, payload }).unwrap_or_else(|e| {
        let errors = internal_errors(&ApiError::internal(e));
        let payload = match ty {
            "next" | "data" => json!({ "data": null, "errors": errors }),
            _ => json!(errors),
        };
        json!({ "type": ty, "id": id, "payload": payload }).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: WebSocketProtocols = WebSocketProtocols::GraphQLWS;
    const LEGACY: WebSocketProtocols = WebSocketProtocols::SubscriptionsTransportWS;

    fn start(id: &str) -> ClientMessage {
        let payload = json!({ "query": "{ a }" });
        ClientMessage::Start {
            id: id.into(),
            payload: payload.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn each_protocol_reads_its_own_words_only() {
        let op = r#""id": "1", "payload": { "query": "{ a }" }"#;
        assert_eq!(
            NEW.parse(&format!(r#"{{"type": "subscribe", {op}}}"#)),
            Ok(start("1"))
        );
        assert_eq!(
            LEGACY.parse(&format!(r#"{{"type": "start", {op}}}"#)),
            Ok(start("1"))
        );
        assert_eq!(
            LEGACY.parse(r#"{"type": "stop", "id": "1"}"#),
            Ok(ClientMessage::Stop { id: "1".into() })
        );
        assert_eq!(
            LEGACY.parse(r#"{"type": "connection_terminate"}"#),
            Ok(ClientMessage::Terminate)
        );
        for (wire, text, reason) in [
            (
                NEW,
                r#"{"type": "start", "id": "1"}"#,
                "unknown message type `start`",
            ),
            (
                NEW,
                r#"{"type": "stop", "id": "1"}"#,
                "unknown message type `stop`",
            ),
            (
                LEGACY,
                r#"{"type": "subscribe", "id": "1"}"#,
                "unknown message type `subscribe`",
            ),
            (LEGACY, r#"{"type": "ping"}"#, "unknown message type `ping`"),
            (
                LEGACY,
                r#"{"type": "ka"}"#,
                "`ka` messages are sent by the server, not the client",
            ),
            (
                LEGACY,
                r#"{"type": "start", "id": "1"}"#,
                "`start` needs a `payload` object",
            ),
            (
                LEGACY,
                r#"{"type": "start", "id": "1", "payload": {}}"#,
                "the `start` payload needs a `query` string",
            ),
        ] {
            assert_eq!(
                wire.parse(text).map_err(|c| c.reason),
                Err(reason.into()),
                "{text}"
            );
        }
    }

    #[test]
    fn each_protocol_writes_its_own_words() {
        let response = Response::new(async_graphql::Value::Null);
        let next = |wire: WebSocketProtocols| {
            serde_json::from_str::<Value>(&wire.encode(ServerMessage::Next("7", &response))).ok()
        };
        assert_eq!(
            next(NEW),
            Some(json!({ "type": "next", "id": "7", "payload": { "data": null } }))
        );
        assert_eq!(
            next(LEGACY),
            Some(json!({ "type": "data", "id": "7", "payload": { "data": null } }))
        );
        assert_eq!(LEGACY.encode(ServerMessage::KeepAlive), r#"{"type":"ka"}"#);
        let refused = Close::new(4403, "Forbidden: bad token");
        assert_eq!(
            serde_json::from_str::<Value>(&LEGACY.encode(ServerMessage::ConnectionError(&refused)))
                .ok(),
            Some(json!({ "type": "connection_error",
                         "payload": { "message": "Forbidden: bad token",
                                      "extensions": { "code": "UNAUTHENTICATED" } } }))
        );
        assert!(LEGACY.explains_closes() && !NEW.explains_closes());
        assert!(LEGACY.keeps_alive() && !NEW.keeps_alive());
    }
}
