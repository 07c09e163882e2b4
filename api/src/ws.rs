//! GraphQL over WebSocket at `/graphql/ws`: the `graphql-transport-ws` protocol of the
//! graphql-ws library (Apollo Client, urql, GraphiQL), held to the same rules as
//! `POST /graphql`.
//!
//! The exchange: the client opens the socket offering the `graphql-transport-ws`
//! subprotocol, sends `connection_init` (its credentials in the payload) within the init
//! timeout and waits for `connection_ack`; it then starts operations with `subscribe` and
//! stops them with `complete`. The server answers an operation with `next` results and a
//! final `complete`, or with one `error` when the operation is refused. `ping` is answered
//! with `pong` at any time.
//!
//! What is enforced, and how the server reacts:
//! - a client not offering `graphql-transport-ws` is refused before the upgrade (`400`),
//!   one over the connection cap too (`503`, code `TOO_MANY_CONNECTIONS`);
//! - close `4408 Connection initialisation timeout`, `4429 Too many initialisation
//!   requests`, `4401 Unauthorized` (`subscribe` before the ack), `4403 Forbidden: ...`
//!   (credentials refused), `4400 <reason>` (invalid JSON, unknown type, missing fields, a
//!   binary frame), `4409 Subscriber for <id> already exists`, `1009` (a message over the
//!   HTTP body limit);
//! - every operation passes the document guard, then runs with fresh per-request loaders,
//!   the connection's viewer and the error codes of `POST /graphql`; queries and mutations
//!   are bounded by the request timeout (`error` with code `TIMEOUT`). A refused document
//!   is an `error` message (code `GRAPHQL_VALIDATION_FAILED`) and the socket stays open;
//! - at most `max_operations` operations run at once on a connection: one more gets an
//!   `error` message with code `TOO_MANY_SUBSCRIPTIONS` and the others keep running;
//! - results reach the socket through a bounded channel, so a client that reads slowly
//!   slows its own operations down; one whose writes stall for a keep-alive interval, or
//!   that stays silent for two (the server pings it), is disconnected. Operations end with
//!   their connection.
//!
//! The connection loop is generic over the [`Executor`] and a [`Handler`] (who the client
//! is, what each operation carries), so it is tested here with a small schema.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::futures_util::{FutureExt, StreamExt};
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request, Response, ServerError};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

use crate::auth::{Tokens, Viewer};
use crate::db::Databases;
use crate::error::ApiError;
use crate::guard::{self, DocumentLimits};
use crate::http::{Refused, refuse, refused, with_codes};

/// The WebSocket subprotocol spoken here.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Longest operation id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Messages queued for the socket (all operations of a connection together).
const OUTGOING: usize = 16;

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
        }
    }
}

/// What a connection asks of the application: who the client is, and what each of its
/// operations carries.
pub trait Handler: Clone + Send + Sync + 'static {
    /// The viewer that the `connection_init` credentials authenticate. An error closes
    /// the socket with `4403` (`4500` for an `INTERNAL` one).
    fn authenticate(
        &self,
        credentials: Credentials,
    ) -> impl Future<Output = Result<Viewer, ApiError>> + Send;

    /// `request`, ready to execute for `viewer` (per-operation data attached).
    fn prepare(&self, request: Request, viewer: &Viewer) -> Request;
}

/// The credentials of a `connection_init` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// `Bearer <token>`, from `authorization` (any case) or a bare `token`.
    pub authorization: Option<String>,
    /// An Orquestra API key, from `x-api-key` (any case).
    pub api_key: Option<String>,
}

impl Credentials {
    /// Reads `authorization` (`Bearer <token>`), `token` (the bare token) and `x-api-key`
    /// from `payload`, keys in any case; keys inside a `headers` object count too (some
    /// clients nest them so). No credentials is anonymous; a value that is not a string,
    /// or one given twice, is refused.
    pub fn from_payload(payload: &Map<String, Value>) -> Result<Self, ApiError> {
        let nested = payload
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("headers"))
            .and_then(|(_, v)| v.as_object());
        let mut found: HashMap<&'static str, &str> = HashMap::new();
        for (key, value) in payload.iter().chain(nested.into_iter().flatten()) {
            let Some(name) = ["authorization", "token", "x-api-key"]
                .into_iter()
                .find(|n| key.eq_ignore_ascii_case(n))
            else {
                continue;
            };
            let value = value
                .as_str()
                .ok_or_else(|| ApiError::Unauthenticated(format!("`{name}` must be a string")))?;
            if found.insert(name, value).is_some() {
                return Err(ApiError::Unauthenticated(format!(
                    "`{name}` is given more than once"
                )));
            }
        }
        let authorization = match (found.get("authorization"), found.get("token")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::Unauthenticated(
                    "give `authorization` or `token`, not both".into(),
                ));
            }
            (Some(a), None) => Some((*a).to_owned()),
            (None, Some(t)) => Some(format!("Bearer {}", t.trim())),
            (None, None) => None,
        };
        Ok(Self {
            authorization,
            api_key: found.get("x-api-key").map(|k| (*k).to_owned()),
        })
    }
}

/// Mosaic's [`Handler`]: the HTTP path's authentication and per-request data.
#[derive(Clone)]
pub struct MosaicHandler {
    databases: Databases,
    tokens: Tokens,
}

impl MosaicHandler {
    /// A handler over `databases`, verifying tokens with `tokens`.
    pub fn new(databases: Databases, tokens: Tokens) -> Self {
        Self { databases, tokens }
    }
}

impl Handler for MosaicHandler {
    async fn authenticate(&self, credentials: Credentials) -> Result<Viewer, ApiError> {
        crate::http::authenticate(
            &self.databases,
            &self.tokens,
            credentials.authorization.as_deref(),
            credentials.api_key.as_deref(),
        )
        .await
        .map_err(|refused| match refused {
            Refused::Bearer(e) | Refused::ApiKey(e) => e,
        })
    }

    fn prepare(&self, request: Request, viewer: &Viewer) -> Request {
        crate::context::with_loaders(request, &self.databases)
            .data(viewer.clone())
            .data(self.tokens.clone())
    }
}

/// The connection cap: one permit per open connection.
pub fn slots(max_connections: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(
        max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ))
}

/// Answers an upgrade request: refuses a client that does not offer
/// `graphql-transport-ws` (`400`) or that would exceed the connection cap (`503`);
/// otherwise upgrades, with messages bounded by `options.max_message`, and serves the
/// socket.
pub fn accept<E: Executor, H: Handler>(
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    executor: E,
    handler: H,
    options: WsOptions,
    slots: &Arc<Semaphore>,
) -> axum::response::Response {
    let upgrade = match upgrade {
        Ok(u) => u.protocols([PROTOCOL]),
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
    if upgrade.selected_protocol().is_none() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Subprotocol not acceptable: this endpoint speaks `graphql-transport-ws` only \
             (offer it in `Sec-WebSocket-Protocol`)",
        );
    }
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
        .on_upgrade(move |socket| async move {
            serve(socket, executor, handler, options).await;
            drop(permit);
        })
}

/// Serves one upgraded socket until either side closes it; its operations end with it.
pub async fn serve<E: Executor, H: Handler>(
    socket: WebSocket,
    executor: E,
    handler: H,
    options: WsOptions,
) {
    let (tx, rx) = mpsc::channel(OUTGOING);
    let mut conn = Connection {
        socket,
        executor,
        handler,
        options: WsOptions {
            keepalive: options.keepalive.max(Duration::from_millis(10)),
            ..options
        },
        state: State::Waiting,
        ops: Operations::default(),
        next_key: 0,
        tx,
        rx,
    };
    let stop = conn.run().await;
    // Abort the operations now, not after the closing handshake.
    conn.ops = Operations::default();
    match stop {
        Stop::Close(close) => {
            tracing::debug!(code = close.code, reason = %close.reason, "closing a WebSocket");
            conn.close(close).await;
        }
        Stop::Closed => {
            // Let tungstenite send its reply to the client's close frame.
            let _ = tokio::time::timeout(CLOSE_GRACE, conn.socket.recv()).await;
        }
        Stop::Gone => {}
    }
}

/// How the server closes a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Close {
    code: u16,
    reason: String,
}

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }

    /// `4400`: a message the protocol does not allow.
    fn bad(reason: impl Into<String>) -> Self {
        Self::new(4400, reason)
    }
}

/// Why the connection loop ended.
enum Stop {
    /// The server closes the socket.
    Close(Close),
    /// The client closed it.
    Closed,
    /// The socket is broken (or stalled): nothing more can be sent.
    Gone,
}

impl From<Close> for Stop {
    fn from(close: Close) -> Self {
        Stop::Close(close)
    }
}

/// The socket is broken or stalled.
struct Gone;

impl From<Gone> for Stop {
    fn from(_: Gone) -> Self {
        Stop::Gone
    }
}

enum State {
    /// Waiting for `connection_init`.
    Waiting,
    /// Acknowledged, as this viewer.
    Ready(Viewer),
}

/// A message of an operation for the socket.
struct Outgoing {
    /// Which run of the operation sent it (ids can be reused once completed).
    key: u64,
    id: Arc<str>,
    text: String,
    /// `complete` or `error`: the operation is over.
    last: bool,
}

struct Running {
    key: u64,
    task: tokio::task::AbortHandle,
}

/// The running operations by id; aborted when dropped.
#[derive(Default)]
struct Operations(HashMap<String, Running>);

impl Drop for Operations {
    fn drop(&mut self) {
        for op in self.0.values() {
            op.task.abort();
        }
    }
}

/// A message from the client.
enum ClientMessage {
    ConnectionInit(Map<String, Value>),
    Ping(Option<Map<String, Value>>),
    Pong,
    Subscribe {
        id: String,
        payload: Map<String, Value>,
    },
    Complete {
        id: String,
    },
}

/// A message to the client.
#[derive(Serialize)]
struct ServerMessage<'a, P: Serialize> {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<P>,
}

struct Connection<E, H> {
    socket: WebSocket,
    executor: E,
    handler: H,
    options: WsOptions,
    state: State,
    ops: Operations,
    next_key: u64,
    tx: mpsc::Sender<Outgoing>,
    rx: mpsc::Receiver<Outgoing>,
}

impl<E: Executor, H: Handler> Connection<E, H> {
    async fn run(&mut self) -> Stop {
        let init = tokio::time::sleep(self.options.init_timeout);
        tokio::pin!(init);
        let period = self.options.keepalive;
        let mut keepalive = tokio::time::interval_at(Instant::now() + period, period);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_seen = Instant::now();
        loop {
            tokio::select! {
                incoming = self.socket.recv() => {
                    last_seen = Instant::now();
                    let step = match incoming {
                        None => Err(Stop::Gone),
                        Some(Ok(Message::Text(text))) => self.on_text(text.as_str()).await,
                        Some(Ok(Message::Binary(_))) => Err(
                            Close::bad("binary frames are not supported: send JSON text").into(),
                        ),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                        Some(Ok(Message::Close(_))) => Err(Stop::Closed),
                        Some(Err(e)) => Err(read_error(e)),
                    };
                    if let Err(stop) = step {
                        return stop;
                    }
                }
                Some(out) = self.rx.recv() => {
                    if let Err(gone) = self.forward(out).await {
                        return gone.into();
                    }
                }
                () = &mut init, if matches!(self.state, State::Waiting) => {
                    return Close::new(4408, "Connection initialisation timeout").into();
                }
                _ = keepalive.tick() => {
                    if last_seen.elapsed() >= period * 2 {
                        return Close::new(1001, "the client stopped answering pings").into();
                    }
                    if let Err(gone) = self.send(Message::Ping(Default::default())).await {
                        return gone.into();
                    }
                }
            }
        }
    }

    /// Sends an operation's message unless the client completed that operation since.
    async fn forward(&mut self, out: Outgoing) -> Result<(), Gone> {
        let current = self.ops.0.get(&*out.id).is_some_and(|op| op.key == out.key);
        if !current {
            return Ok(());
        }
        if out.last {
            self.ops.0.remove(&*out.id);
        }
        self.send(Message::text(out.text)).await
    }

    async fn on_text(&mut self, text: &str) -> Result<(), Stop> {
        match parse(text)? {
            ClientMessage::ConnectionInit(payload) => self.init(payload).await,
            ClientMessage::Ping(payload) => {
                let pong = encode("pong", None, payload.as_ref());
                Ok(self.send(Message::text(pong)).await?)
            }
            ClientMessage::Pong => Ok(()),
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, payload).await,
            ClientMessage::Complete { id } => {
                if let Some(op) = self.ops.0.remove(&id) {
                    op.task.abort();
                }
                Ok(())
            }
        }
    }

    async fn init(&mut self, payload: Map<String, Value>) -> Result<(), Stop> {
        if !matches!(self.state, State::Waiting) {
            return Err(Close::new(4429, "Too many initialisation requests").into());
        }
        let refused = |e: ApiError| match e {
            ApiError::Internal { .. } => Close::new(4500, format!("Internal server error: {e}")),
            e => Close::new(4403, format!("Forbidden: {e}")),
        };
        let credentials = Credentials::from_payload(&payload).map_err(refused)?;
        let viewer = tokio::time::timeout(
            self.options.request_timeout,
            self.handler.authenticate(credentials),
        )
        .await
        .map_err(|_| Close::new(4500, "Internal server error: authentication timed out"))?
        .map_err(refused)?;
        self.state = State::Ready(viewer);
        let ack = encode::<()>("connection_ack", None, None);
        Ok(self.send(Message::text(ack)).await?)
    }

    async fn subscribe(&mut self, id: String, payload: Map<String, Value>) -> Result<(), Stop> {
        let State::Ready(viewer) = &self.state else {
            return Err(Close::new(4401, "Unauthorized").into());
        };
        let viewer = viewer.clone();
        if self.ops.0.contains_key(&id) {
            return Err(Close::new(4409, format!("Subscriber for {id} already exists")).into());
        }
        if self.ops.0.len() >= self.options.max_operations {
            let errors = refused(
                "TOO_MANY_SUBSCRIPTIONS",
                format!(
                    "at most {} operations run at once on one connection; complete one first",
                    self.options.max_operations
                ),
            )
            .errors;
            return Ok(self.send_error(&id, &errors).await?);
        }
        let mut request: Request = serde_json::from_value(Value::Object(payload))
            .map_err(|e| Close::bad(format!("invalid `subscribe` payload: {e}")))?;
        let kind = match check(&mut request, &self.options.document) {
            Ok(kind) => kind,
            Err(errors) => return Ok(self.send_error(&id, &errors).await?),
        };
        let deadline =
            (kind != Some(OperationType::Subscription)).then_some(self.options.request_timeout);
        let stream = self
            .executor
            .execute_stream(self.handler.prepare(request, &viewer), None);
        let key = self.next_key;
        self.next_key = self.next_key.wrapping_add(1);
        let task = tokio::spawn(operation(
            stream,
            key,
            Arc::from(id.as_str()),
            self.tx.clone(),
            deadline,
        ));
        self.ops.0.insert(
            id,
            Running {
                key,
                task: task.abort_handle(),
            },
        );
        Ok(())
    }

    async fn send_error(&mut self, id: &str, errors: &[ServerError]) -> Result<(), Gone> {
        let text = encode("error", Some(id), Some(errors));
        self.send(Message::text(text)).await
    }

    /// Sends `message`; a write that does not finish within the keep-alive interval
    /// means the client is not reading.
    async fn send(&mut self, message: Message) -> Result<(), Gone> {
        match tokio::time::timeout(self.options.keepalive, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Gone),
        }
    }

    /// Sends a close frame, then waits briefly for the client's reply so that the frame
    /// is not lost to a connection reset.
    async fn close(&mut self, close: Close) {
        let frame = CloseFrame {
            code: close.code,
            reason: truncate(close.reason, MAX_REASON).into(),
        };
        if self.send(Message::Close(Some(frame))).await.is_err() {
            return;
        }
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            while let Some(Ok(message)) = self.socket.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

/// The HTTP path's document guard: token count, parse, shape. The operation's type on
/// success (`None` when async-graphql will report which one is meant), the errors to send
/// otherwise.
fn check(
    request: &mut Request,
    limits: &DocumentLimits,
) -> Result<Option<OperationType>, Vec<ServerError>> {
    let validation =
        |refusal: guard::Refusal| refused("GRAPHQL_VALIDATION_FAILED", refusal.to_string()).errors;
    guard::check_tokens(&request.query, limits.max_tokens).map_err(validation)?;
    let operation_name = request.operation_name.clone();
    let doc = request
        .parsed_query()
        .map_err(|e| with_codes(Response::from_errors(vec![e])).errors)?;
    guard::check_document(doc, limits).map_err(validation)?;
    Ok(guard::operation_type(doc, operation_name.as_deref()))
}

/// How an operation ended.
enum Ending {
    /// Its stream ended.
    Done,
    /// Refused before it ran (validation): the errors.
    Refused(Vec<ServerError>),
    /// The connection is gone.
    Gone,
    /// It ran past the request timeout.
    TimedOut(Duration),
}

/// Runs one operation, sending `next` per result and a final `complete` (or one `error`)
/// through `tx`; blocks while the channel is full.
async fn operation(
    mut stream: BoxStream<'static, Response>,
    key: u64,
    id: Arc<str>,
    tx: mpsc::Sender<Outgoing>,
    deadline: Option<Duration>,
) {
    let send = |text: String, last: bool| {
        tx.send(Outgoing {
            key,
            id: Arc::clone(&id),
            text,
            last,
        })
    };
    let results = async {
        let mut first = true;
        while let Some(response) = stream.next().await {
            let response = with_codes(response);
            if first && is_refusal(&response) {
                return Ending::Refused(response.errors);
            }
            first = false;
            if send(encode("next", Some(&id), Some(&response)), false)
                .await
                .is_err()
            {
                return Ending::Gone;
            }
        }
        Ending::Done
    };
    let bounded = async {
        match deadline {
            Some(limit) => tokio::time::timeout(limit, results)
                .await
                .unwrap_or(Ending::TimedOut(limit)),
            None => results.await,
        }
    };
    let ending = match AssertUnwindSafe(bounded).catch_unwind().await {
        Ok(ending) => ending,
        Err(_) => {
            let masked = ApiError::internal(format!("operation {id} panicked"));
            Ending::Refused(internal_errors(&masked))
        }
    };
    let text = match ending {
        Ending::Gone => return,
        Ending::Done => encode::<()>("complete", Some(&id), None),
        Ending::Refused(errors) => encode("error", Some(&id), Some(&errors)),
        Ending::TimedOut(limit) => {
            let errors = refused(
                "TIMEOUT",
                format!("the request did not finish within {} s", limit.as_secs()),
            )
            .errors;
            encode("error", Some(&id), Some(&errors))
        }
    };
    let _ = send(text, true).await;
}

/// Whether `response` is a request error (parse, validation, limits): no data, and no
/// error raised by a field.
fn is_refusal(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

fn internal_errors(masked: &ApiError) -> Vec<ServerError> {
    let mut errors = refused(masked.code(), masked.to_string()).errors;
    if let (ApiError::Internal { id }, Some(ext)) = (
        masked,
        errors.first_mut().and_then(|e| e.extensions.as_mut()),
    ) {
        ext.set("errorId", id.as_str());
    }
    errors
}

/// A server message as JSON text; a payload that cannot be encoded is replaced by an
/// `INTERNAL` error (in the shape of the message type's payload).
fn encode<P: Serialize + ?Sized>(
    ty: &'static str,
    id: Option<&str>,
    payload: Option<&P>,
) -> String {
    serde_json::to_string(&ServerMessage { ty, id, payload }).unwrap_or_else(|e| {
        let errors = internal_errors(&ApiError::internal(e));
        let payload = match ty {
            "next" => serde_json::json!({ "data": null, "errors": errors }),
            _ => serde_json::json!(errors),
        };
        serde_json::json!({ "type": ty, "id": id, "payload": payload }).to_string()
    })
}

/// Parses and checks one client message (the shapes of the graphql-ws protocol).
fn parse(text: &str) -> Result<ClientMessage, Close> {
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
    match ty.as_str() {
        "connection_init" => Ok(ClientMessage::ConnectionInit(
            payload(&mut message)?.unwrap_or_default(),
        )),
        "ping" => Ok(ClientMessage::Ping(payload(&mut message)?)),
        "pong" => payload(&mut message).map(|_| ClientMessage::Pong),
        "subscribe" => {
            let id = id(&message)?;
            let payload = payload(&mut message)?
                .ok_or_else(|| Close::bad("`subscribe` needs a `payload` object"))?;
            check_subscribe_payload(&payload)?;
            Ok(ClientMessage::Subscribe { id, payload })
        }
        "complete" => Ok(ClientMessage::Complete { id: id(&message)? }),
        "connection_ack" | "next" | "error" => Err(Close::bad(format!(
            "`{ty}` messages are sent by the server, not the client"
        ))),
        other => Err(Close::bad(format!("unknown message type `{other}`"))),
    }
}

/// A `subscribe` payload: `query` (a string), and optionally `operationName` (a
/// string), `variables` and `extensions` (objects); each optional one may be null.
fn check_subscribe_payload(payload: &Map<String, Value>) -> Result<(), Close> {
    if !matches!(payload.get("query"), Some(Value::String(_))) {
        return Err(Close::bad("the `subscribe` payload needs a `query` string"));
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

/// How a read error ends the connection: a message over the size limit is closed with
/// `1009`, invalid UTF-8 with `1007`, other protocol violations with `1002`.
fn read_error(e: axum::Error) -> Stop {
    let Ok(e) = e.into_inner().downcast::<tungstenite::Error>() else {
        return Stop::Gone;
    };
    match *e {
        tungstenite::Error::Capacity(c) => Close::new(1009, c.to_string()).into(),
        tungstenite::Error::Utf8(_) => Close::new(1007, "a text message is not UTF-8").into(),
        tungstenite::Error::Protocol(p) => Close::new(1002, p.to_string()).into(),
        _ => Stop::Gone,
    }
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::futures_util::{SinkExt, Stream};
    use async_graphql::{EmptyMutation, Object, Schema, Subscription};
    use axum::Router;
    use axum::routing::any;
    use serde_json::json;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::{self as ts, protocol::frame::coding::CloseCode};

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

    type Socket = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    /// A server of the test schema on a free port; its `ws://` URL.
    async fn spawn(options: WsOptions) -> String {
        let schema = Schema::build(TestQuery, EmptyMutation, TestSubscription).finish();
        let slots = slots(10);
        let app = Router::new().route(
            "/ws",
            any(
                move |upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
                    let (schema, slots) = (schema.clone(), Arc::clone(&slots));
                    async move { accept(upgrade, schema, TestHandler, options, &slots) }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("ws://{addr}/ws")
    }

    async fn connect(url: &str) -> Socket {
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", PROTOCOL.parse().unwrap());
        tokio_tungstenite::connect_async(request).await.unwrap().0
    }

    async fn send(socket: &mut Socket, message: Value) {
        socket
            .send(ts::Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// The next message (JSON) or close frame (`{"close": code, "reason": ...}`).
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
}
