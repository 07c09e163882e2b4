//! GraphQL over WebSocket at `/graphql/ws`, held to the same rules as `POST /graphql`, in
//! both protocols clients speak, chosen by `Sec-WebSocket-Protocol`:
//! `graphql-transport-ws` (the graphql-ws library: Apollo Client, urql, GraphiQL), preferred
//! when a client offers both, and the legacy `graphql-ws` (Apollo's
//! subscriptions-transport-ws). One connection loop serves both; `ws/protocol.rs` holds
//! what differs, the words.
//!
//! The exchange: the client opens the socket offering a subprotocol, sends
//! `connection_init` (its credentials in the payload) within the init timeout and waits for
//! `connection_ack`; it then starts operations (`subscribe`; legacy `start`) and stops them
//! (`complete`; legacy `stop`). The server answers an operation with results (`next`;
//! legacy `data`) and a final `complete`, or with one `error` when the operation is refused
//! before it runs. `ping` is answered with `pong` at any time (graphql-transport-ws); the
//! legacy protocol gets a `ka` right after the ack and then every keep-alive interval, and
//! may leave with `connection_terminate` (closed `1000`).
//!
//! What is enforced, and how the server reacts (the same in both protocols):
//! - a client offering neither subprotocol is refused before the upgrade (`400`), one over
//!   the connection cap too (`503`, code `TOO_MANY_CONNECTIONS`);
//! - close `4408 Connection initialisation timeout`, `4429 Too many initialisation
//!   requests`, `4401 Unauthorized` (an operation before the ack), `4403 Forbidden: ...`
//!   (credentials refused, at `connection_init` or later when they stop standing: see
//!   [`crate::identity`]), `1013` (the credentials could not be checked: the database is
//!   unavailable; retry), `4400 <reason>` (invalid JSON, unknown type, missing fields, a
//!   binary frame), `4409 Subscriber for <id> already exists`, `1009` (a message over the
//!   HTTP body limit). graphql-transport-ws defines these codes; the legacy protocol has
//!   no close codes but has `connection_error`, so there each `44xx`/`4500` close is
//!   preceded by a `connection_error` whose payload is `{message, extensions: {code}}` (the
//!   close reason, and `BAD_REQUEST`, `UNAUTHENTICATED`, `TIMEOUT` or `INTERNAL`), then the
//!   same close frame follows. WebSocket-level closes (`1xxx`) are the same in both;
//! - every operation passes the document guard, then runs with fresh per-request loaders,
//!   the connection's viewer and the error codes of `POST /graphql`; queries and mutations
//!   are bounded by the request timeout (`error` with code `TIMEOUT`). A refused document
//!   is an `error` message (code `GRAPHQL_VALIDATION_FAILED`; in both protocols the payload
//!   is the array of GraphQL errors) and the socket stays open;
//! - at most `max_operations` operations run at once on a connection: one more gets an
//!   `error` message with code `TOO_MANY_SUBSCRIPTIONS` and the others keep running;
//! - results reach the socket through a bounded channel, so a client that reads slowly
//!   slows its own operations down; one whose writes stall for a keep-alive interval, or
//!   that stays silent for two (the server pings it), is disconnected. Operations end with
//!   their connection;
//! - when the server shuts down ([`crate::server::Shutdown`]), every subscription is
//!   completed (`complete`), queries and mutations in flight finish (new operations get an
//!   `error` with code `SHUTTING_DOWN`), then the socket closes `1001 server shutting
//!   down`.
//!
//! The connection loop is generic over the [`Executor`] and a [`Handler`] (who the client
//! is, what each operation carries), so it is tested here with a small schema.
//!
//! Of async-graphql's WebSocket support, [`WebSocketProtocols`] (the protocol and its
//! header name) and [`Request`]/[`async_graphql::Response`] are used; its `http::WebSocket`
//! stream is not (it replaces a duplicate id silently, sends validation errors as results,
//! closes `1011` where the protocol says `4401`, has no init timeout, caps or `ka`, and
//! `unwrap`s serialisation), nor async-graphql-axum's `GraphQLProtocol` extractor (it takes
//! the client's first protocol, not our preferred one, reads only the first header line,
//! and refuses with a bare `400`).

mod connection;
mod fanout;
mod handler;
mod operation;
mod protocol;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Executor;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::StatusCode;
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::guard::DocumentLimits;
use crate::pipeline::refuse;
use crate::server::Shutdown;
pub use connection::serve;
pub use fanout::Fanout;
pub use handler::{Credentials, Handler, MosaicHandler};

/// The WebSocket subprotocols spoken here, the preferred one first.
pub const PROTOCOLS: [&str; 2] = ALL_WEBSOCKET_PROTOCOLS;

/// Longest operation id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Messages queued for the socket (all operations of a connection together).
const OUTGOING: usize = 16;

/// Bytes read from a socket at a time (see [`accept`]).
const READ_BUFFER: usize = 4 * 1024;

/// Bytes of frames buffered before a write (each message is flushed anyway).
const WRITE_BUFFER: usize = 0;

/// Longest the server waits for the client's reply to its close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Longest close reason a close frame can carry, in bytes.
const MAX_REASON: usize = 123;

/// What one WebSocket connection enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WsOptions {
    /// Longest the client may take to send `connection_init`.
    pub init_timeout: Duration,
    /// Most operations running at once.
    pub max_operations: usize,
    /// Largest message (and frame), in bytes.
    pub max_message: usize,
    /// How often the server pings the client; also how long one write may take.
    pub keepalive: Duration,
    /// The document guard every operation passes.
    pub document: DocumentLimits,
    /// Longest a query or mutation may run (subscriptions run until completed).
    pub request_timeout: Duration,
    /// How often a connection with credentials checks that they still stand (besides
    /// before every operation and whenever this process revokes one).
    pub credential_check: Duration,
}

impl Default for WsOptions {
    fn default() -> Self {
        Self {
            init_timeout: Duration::from_secs(10),
            max_operations: 100,
            max_message: 2 * 1024 * 1024,
            keepalive: Duration::from_secs(30),
            document: DocumentLimits::default(),
            request_timeout: Duration::from_secs(30),
            credential_check: Duration::from_secs(5),
        }
    }
}

/// The connection cap: one permit per open connection.
pub fn slots(max_connections: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(
        max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ))
}

/// Answers an upgrade request: refuses a client that offers neither protocol (`400`) or
/// that would exceed the connection cap (`503`); otherwise upgrades, speaking the
/// preferred protocol the client offers, with messages bounded by `options.max_message`,
/// and serves the socket until it closes (or `shutdown` drains it).
pub fn accept<E: Executor, H: Handler>(
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    executor: E,
    handler: H,
    options: WsOptions,
    slots: &Arc<Semaphore>,
    fanout: &Fanout,
    shutdown: Option<Shutdown>,
) -> axum::response::Response {
    let upgrade = match upgrade {
        Ok(u) => u.protocols(PROTOCOLS),
        Err(rejection) => {
            return refuse(
                rejection.status(),
                "BAD_REQUEST",
                &format!(
                    "/graphql/ws takes WebSocket upgrades ({})",
                    rejection.body_text()
                ),
            );
        }
    };
    let selected = upgrade
        .selected_protocol()
        .and_then(|p| p.to_str().ok())
        .and_then(|p| p.parse::<WebSocketProtocols>().ok());
    let Some(protocol) = selected else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Subprotocol not acceptable: this endpoint speaks `graphql-transport-ws` \
             (preferred) and the legacy `graphql-ws`; offer one in `Sec-WebSocket-Protocol`",
        );
    };
    let Ok(permit) = Arc::clone(slots).try_acquire_owned() else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "TOO_MANY_CONNECTIONS",
            "too many WebSocket connections are open; try again later",
        );
    };
    upgrade
        .max_message_size(options.max_message)
        .max_frame_size(options.max_message)
        // tungstenite zero-fills `read_buffer_size` bytes before every read attempt, and
        // the connection loop attempts one per message it sends: at the default 128 KiB
        // that memset was a quarter of the server's CPU in fan-out, and 128 KiB of RSS
        // per socket. Messages larger than this still arrive whole (the buffer grows).
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade({
            let fanout = fanout.clone();
            // The socket's log lines carry the upgrade request's id.
            let span = tracing::Span::current();
            move |socket| {
                async move {
                    serve(
                        socket, protocol, executor, handler, options, fanout, shutdown,
                    )
                    .await;
                    drop(permit);
                }
                .instrument(span)
            }
        })
}

#[cfg(test)]
mod tests;
