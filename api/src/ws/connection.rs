//! One WebSocket connection: the protocol state machine (waiting for `connection_init`,
//! ready, draining), its operations, keep-alive, re-checks of the credentials, and the
//! close codes (see the module docs of [`crate::ws`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::http::WebSocketProtocols;
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::fanout::Fanout;
use super::handler::{Credentials, Handler};
use super::operation::{Outgoing, Reply, operation};
use super::protocol::{ClientMessage, ServerMessage, Wire};
use super::{CLOSE_GRACE, MAX_REASON, OUTGOING, WsOptions};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::pipeline::{Transport, admit, refused, with_codes};
use crate::server::Shutdown;

/// A stream of one response carrying `error`.
fn refusal(error: ApiError) -> BoxStream<'static, async_graphql::Response> {
    let errors = super::operation::internal_errors(&error);
    Box::pin(async_graphql::futures_util::stream::once(async move {
        async_graphql::Response::from_errors(errors)
    }))
}

/// Whether the subscription's root field takes a cursor (`after`, `cursor`): it replays
/// its own history, so it is not shared. A root selection that is not a plain field
/// counts as one that does.
fn takes_cursor(request: &mut Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, Selection};
    let name = request.operation_name.clone();
    let Ok(doc) = request.parsed_query() else {
        return true;
    };
    let operation = match (&doc.operations, name.as_deref()) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return true,
        },
        (DocumentOperations::Multiple(_), None) => return true,
    };
    operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .any(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .any(|(arg, _)| matches!(arg.node.as_str(), "after" | "cursor")),
            _ => true,
        })
}

/// Serves one upgraded socket speaking `protocol` until either side closes it (or
/// `shutdown` drains it); its operations end with it.
pub async fn serve<E: Executor, H: Handler>(
    socket: WebSocket,
    protocol: WebSocketProtocols,
    executor: E,
    handler: H,
    options: WsOptions,
    fanout: Fanout,
    shutdown: Option<Shutdown>,
) {
    let (tx, rx) = mpsc::channel(OUTGOING);
    let mut conn = Connection {
        socket,
        protocol,
        executor,
        handler,
        options: WsOptions {
            keepalive: options.keepalive.max(Duration::from_millis(10)),
            ..options
        },
        state: State::Waiting,
        fanout,
        ops: Operations::default(),
        next_key: 0,
        tx,
        rx,
        shutdown,
        draining: false,
        credentials: None,
    };
    let stop = conn.run().await;
    // Abort the operations now, not after the closing handshake.
    conn.ops = Operations::default();
    if let State::Ready(_, session) = std::mem::replace(&mut conn.state, State::Waiting) {
        conn.handler.closed(session).await;
    }
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
pub(super) struct Close {
    pub(super) code: u16,
    pub(super) reason: String,
}

impl Close {
    pub(super) fn new(code: u16, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }

    /// `4400`: a message the protocol does not allow.
    pub(super) fn bad(reason: impl Into<String>) -> Self {
        Self::new(4400, reason)
    }

    /// `1001`: the server is shutting down.
    pub(super) fn shutting_down() -> Self {
        Self::new(1001, "server shutting down")
    }

    /// Whether this is a close of the GraphQL protocol (`4xxx`), not of WebSocket.
    pub(super) fn is_protocol_error(&self) -> bool {
        (4000..5000).contains(&self.code)
    }

    /// The error code a legacy `connection_error` carries for this close.
    pub(super) fn error_code(&self) -> &'static str {
        match self.code {
            4401 | 4403 => "UNAUTHENTICATED",
            4408 => "TIMEOUT",
            4500 => "INTERNAL",
            _ => "BAD_REQUEST",
        }
    }
}

/// Why the connection loop ended.
pub(super) enum Stop {
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
pub(super) struct Gone;

impl From<Gone> for Stop {
    fn from(_: Gone) -> Self {
        Stop::Gone
    }
}

pub(super) enum State<S> {
    /// Waiting for `connection_init`.
    Waiting,
    /// Acknowledged, as this viewer, with what the application keeps for it.
    Ready(Viewer, S),
}

/// Credentials that no longer stand, or that stand for someone else now (an account
/// deactivated since): the error every running operation gets before the socket closes
/// `4403`.
fn no_longer(viewer: &Viewer) -> ApiError {
    match &viewer.inactive {
        Some(status) => ApiError::Forbidden(format!(
            "the account is {status} now: reconnect to continue as what it may still do"
        )),
        None => ApiError::Forbidden("the connection's credentials changed: reconnect".into()),
    }
}

pub(super) struct Running {
    key: u64,
    task: tokio::task::AbortHandle,
    /// A subscription (completed on shutdown), not a query or mutation (finished); the
    /// handler was told it started ([`Handler::subscribed`]).
    subscription: bool,
}

/// The running operations by id; aborted when dropped.
#[derive(Default)]
pub(super) struct Operations(HashMap<String, Running>);

impl Drop for Operations {
    fn drop(&mut self) {
        for op in self.0.values() {
            op.task.abort();
        }
    }
}

pub(super) struct Connection<E, H: Handler> {
    socket: WebSocket,
    protocol: WebSocketProtocols,
    executor: E,
    handler: H,
    options: WsOptions,
    state: State<H::Session>,
    /// Subscriptions shared with identical ones on every connection.
    fanout: Fanout,
    ops: Operations,
    next_key: u64,
    tx: mpsc::Sender<Outgoing>,
    rx: mpsc::Receiver<Outgoing>,
    /// The server's shutdown, when served by [`crate::server::serve`].
    shutdown: Option<Shutdown>,
    /// The server is shutting down: subscriptions were completed, new operations are
    /// refused, and the socket closes once the last query or mutation has answered.
    draining: bool,
    /// The `connection_init` credentials, when there were any: checked again before
    /// every operation, every [`WsOptions::credential_check`] and on every revocation.
    credentials: Option<Credentials>,
}

impl<E: Executor, H: Handler> Connection<E, H> {
    async fn run(&mut self) -> Stop {
        let init = tokio::time::sleep(self.options.init_timeout);
        tokio::pin!(init);
        let period = self.options.keepalive;
        let mut keepalive = tokio::time::interval_at(Instant::now() + period, period);
        keepalive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_seen = Instant::now();
        let check = self.options.credential_check;
        let mut recheck = tokio::time::interval_at(Instant::now() + check, check);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut revocations = self.handler.revocations();
        loop {
            if self.draining && self.ops.0.is_empty() {
                return Close::shutting_down().into();
            }
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
                () = shutdown_of(&mut self.shutdown), if !self.draining => {
                    if let Err(gone) = self.drain().await {
                        return gone.into();
                    }
                }
                _ = recheck.tick(), if self.credentials.is_some() => {
                    if let Err(stop) = self.recheck().await {
                        return stop;
                    }
                }
                () = revoked(&mut revocations), if self.credentials.is_some() => {
                    if let Err(stop) = self.recheck().await {
                        return stop;
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
                    if self.protocol.keeps_alive()
                        && matches!(self.state, State::Ready(..))
                        && let Err(gone) = self.say(ServerMessage::KeepAlive).await
                    {
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
            self.end(&out.id).await;
        }
        self.send(Message::text(out.text)).await
    }

    /// The server is shutting down: completes every subscription now; queries and
    /// mutations in flight may still answer.
    async fn drain(&mut self) -> Result<(), Gone> {
        self.draining = true;
        let mut streams: Vec<String> = self
            .ops
            .0
            .iter()
            .filter(|(_, op)| op.subscription)
            .map(|(id, _)| id.clone())
            .collect();
        streams.sort();
        for id in streams {
            self.end(&id).await;
            self.say(ServerMessage::Complete(&id)).await?;
        }
        Ok(())
    }

    /// Checks that the connection's credentials still stand for the same viewer. When
    /// they do not, every running operation gets an `error` saying why and the socket
    /// closes `4403`. A check that cannot be made (the database is unavailable) changes
    /// nothing: the next one decides.
    async fn recheck(&mut self) -> Result<(), Stop> {
        let (Some(credentials), State::Ready(viewer, _)) = (&self.credentials, &self.state) else {
            return Ok(());
        };
        let outcome = tokio::time::timeout(
            self.options.request_timeout,
            self.handler.authenticate(credentials.clone()),
        )
        .await;
        let refusal = match outcome {
            Ok(Ok(now)) if &now == viewer => return Ok(()),
            Ok(Ok(now)) => no_longer(&now),
            Ok(Err(e)) if matches!(e.code(), "UNAUTHENTICATED" | "FORBIDDEN") => e,
            Ok(Err(e)) => {
                tracing::debug!("credential check failed, keeping the connection: {e}");
                return Ok(());
            }
            Err(_) => return Ok(()),
        };
        let errors = super::operation::internal_errors(&refusal);
        let mut ids: Vec<String> = self.ops.0.keys().cloned().collect();
        ids.sort();
        for id in ids {
            self.end(&id).await;
            self.say(ServerMessage::Error(&id, &errors)).await?;
        }
        Err(Close::new(4403, format!("Forbidden: {refusal}")).into())
    }

    /// Ends operation `id` (if it runs), telling the handler when it was a subscription.
    async fn end(&mut self, id: &str) {
        let Some(op) = self.ops.0.remove(id) else {
            return;
        };
        op.task.abort();
        if op.subscription
            && let State::Ready(_, session) = &self.state
        {
            self.handler.ended(session, op.key).await;
        }
    }

    async fn on_text(&mut self, text: &str) -> Result<(), Stop> {
        match self.protocol.parse(text)? {
            ClientMessage::Init(payload) => self.init(payload).await,
            ClientMessage::Ping(payload) => {
                Ok(self.say(ServerMessage::Pong(payload.as_ref())).await?)
            }
            ClientMessage::Pong => Ok(()),
            ClientMessage::Start { id, payload } => self.subscribe(id, payload).await,
            ClientMessage::Stop { id } => {
                self.end(&id).await;
                Ok(())
            }
            ClientMessage::Terminate => Err(Close::new(1000, "terminated by the client").into()),
        }
    }

    async fn init(&mut self, payload: Map<String, Value>) -> Result<(), Stop> {
        if !matches!(self.state, State::Waiting) {
            return Err(Close::new(4429, "Too many initialisation requests").into());
        }
        let refused = |e: ApiError| match e {
            ApiError::Internal { .. } => Close::new(4500, format!("Internal server error: {e}")),
            // The credentials could not be checked: `1013 Try Again Later`, which clients
            // retry (a `4403` would tell them the credentials are bad).
            ApiError::ServiceUnavailable => Close::new(1013, e.to_string()),
            e => Close::new(4403, format!("Forbidden: {e}")),
        };
        let credentials = Credentials::from_payload(&payload).map_err(refused)?;
        let viewer = tokio::time::timeout(
            self.options.request_timeout,
            self.handler.authenticate(credentials.clone()),
        )
        .await
        .map_err(|_| Close::new(4500, "Internal server error: authentication timed out"))?
        .map_err(refused)?;
        let session = tokio::time::timeout(
            self.options.request_timeout,
            self.handler.open(&viewer, &payload),
        )
        .await
        .map_err(|_| Close::new(4500, "Internal server error: opening the session timed out"))?
        .map_err(|e| match e {
            ApiError::BadUserInput { .. } => Close::bad(e.to_string()),
            e => refused(e),
        })?;
        self.state = State::Ready(viewer, session);
        self.credentials = (credentials != Credentials::default()).then_some(credentials);
        self.say(ServerMessage::Ack).await?;
        if self.protocol.keeps_alive() {
            self.say(ServerMessage::KeepAlive).await?;
        }
        Ok(())
    }

    async fn subscribe(&mut self, id: String, payload: Map<String, Value>) -> Result<(), Stop> {
        if !matches!(self.state, State::Ready(..)) {
            return Err(Close::new(4401, "Unauthorized").into());
        }
        // Every operation runs as who the credentials stand for now.
        self.recheck().await?;
        let State::Ready(viewer, _) = &self.state else {
            return Err(Close::new(4401, "Unauthorized").into());
        };
        let viewer = viewer.clone();
        if self.ops.0.contains_key(&id) {
            return Err(Close::new(4409, format!("Subscriber for {id} already exists")).into());
        }
        if self.draining {
            let errors = refused(
                "SHUTTING_DOWN",
                "the server is shutting down; reconnect to run more operations".into(),
            )
            .errors;
            return Ok(self.say(ServerMessage::Error(&id, &errors)).await?);
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
            return Ok(self.say(ServerMessage::Error(&id, &errors)).await?);
        }
        let resume_payload = payload.clone();
        let mut request: Request = serde_json::from_value(Value::Object(payload))
            .map_err(|e| Close::bad(format!("invalid operation payload: {e}")))?;
        if let Err(refusal) = self.handler.resolve(&mut request) {
            self.handler.started(None, Some(&refusal));
            return Ok(self.say(ServerMessage::Error(&id, &refusal.errors)).await?);
        }
        let kind = match admit(
            &mut request,
            &self.options.document,
            self.handler.parsed(),
            self.handler.cost(),
            Transport::WebSocket,
        ) {
            Ok(admitted) => {
                self.handler.started(admitted.kind, None);
                admitted.kind
            }
            Err(refusal) => {
                let refusal = with_codes(refusal);
                self.handler.started(None, Some(&refusal));
                let errors = refusal.errors;
                return Ok(self.say(ServerMessage::Error(&id, &errors)).await?);
            }
        };
        let subscription = kind == Some(OperationType::Subscription);
        let deadline = (!subscription).then_some(self.options.request_timeout);
        let key = self.next_key;
        let State::Ready(_, session) = &self.state else {
            return Err(Close::new(4401, "Unauthorized").into());
        };
        let ticket = if subscription && !takes_cursor(&mut request) {
            self.handler.share(session)
        } else {
            None
        };
        let reply = Reply {
            key,
            id: Arc::from(id.as_str()),
            tx: self.tx.clone(),
        };
        // `admit` parsed the document, so async-graphql does not read its text again: it is
        // moved out (for the error codes and the shared key), not copied.
        let query = std::mem::take(&mut request.query);
        let task = if let Some(ticket) = ticket {
            let ticket = match ticket {
                Ok(ticket) => ticket,
                Err(e) => {
                    let errors = super::operation::internal_errors(&e);
                    return Ok(self.say(ServerMessage::Error(&id, &errors)).await?);
                }
            };
            let shared_key = super::fanout::Key::new(
                query,
                serde_json::to_string(&request.variables).unwrap_or_default(),
                request.operation_name.clone(),
                viewer.clone(),
            );
            let (executor, handler) = (self.executor.clone(), self.handler.clone());
            let member = self.fanout.join(shared_key, |probe| {
                executor.execute_stream(handler.prepare(request, &viewer).data(probe), None)
            });
            let resume = self.resumer(resume_payload, viewer);
            tokio::spawn(super::operation::shared(
                member,
                resume,
                ticket,
                self.protocol,
                reply,
            ))
        } else {
            let query: Arc<str> = Arc::from(query);
            let mut stream = self
                .executor
                .execute_stream(self.handler.prepare(request, &viewer), None);
            if subscription {
                match self.handler.subscribed(session, key, &query, stream).await {
                    Ok(tracked) => stream = tracked,
                    Err(e) => {
                        let errors = super::operation::internal_errors(&e);
                        return Ok(self.say(ServerMessage::Error(&id, &errors)).await?);
                    }
                }
            }
            tokio::spawn(operation(stream, self.protocol, reply, deadline, query))
        };
        self.next_key = self.next_key.wrapping_add(1);
        self.ops.0.insert(
            id,
            Running {
                key,
                task: task.abort_handle(),
                subscription,
            },
        );
        Ok(())
    }

    /// How a shared subscriber that fell behind continues on its own: the operation
    /// `payload` admitted again, resuming after the cursor it was given last.
    fn resumer(
        &self,
        payload: Map<String, Value>,
        viewer: Viewer,
    ) -> impl FnOnce(i64) -> BoxStream<'static, async_graphql::Response> + Send + 'static + use<E, H>
    {
        let (executor, handler) = (self.executor.clone(), self.handler.clone());
        let document = self.options.document;
        move |cursor: i64| {
            let mut request = match serde_json::from_value::<Request>(Value::Object(payload)) {
                Ok(request) => request,
                Err(e) => return refusal(ApiError::internal(format!("resuming: {e}"))),
            };
            if let Err(refused) = handler.resolve(&mut request) {
                return Box::pin(async_graphql::futures_util::stream::once(
                    async move { refused },
                ));
            }
            if let Err(refused) = admit(
                &mut request,
                &document,
                handler.parsed(),
                handler.cost(),
                Transport::WebSocket,
            ) {
                return Box::pin(async_graphql::futures_util::stream::once(
                    async move { refused },
                ));
            }
            let request = handler
                .prepare(request, &viewer)
                .data(crate::events::ResumeAfter(cursor));
            executor.execute_stream(request, None)
        }
    }

    /// Sends `message` in the words of the socket's protocol.
    async fn say(&mut self, message: ServerMessage<'_>) -> Result<(), Gone> {
        let text = self.protocol.encode(message);
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

    /// Sends a close frame (after a `connection_error` saying why, in the legacy protocol),
    /// then waits briefly for the client's reply so that the frame is not lost to a
    /// connection reset.
    async fn close(&mut self, close: Close) {
        if close.is_protocol_error()
            && self.protocol.explains_closes()
            && self
                .say(ServerMessage::ConnectionError(&close))
                .await
                .is_err()
        {
            return;
        }
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

/// Resolves on the next revocation; never without revocations to watch.
async fn revoked(revocations: &mut Option<tokio::sync::watch::Receiver<u64>>) {
    match revocations {
        Some(rx) => {
            if rx.changed().await.is_err() {
                // The sender is gone: nothing will be revoked any more.
                *revocations = None;
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending().await,
    }
}

/// Resolves once the server shuts down; never without a [`Shutdown`].
async fn shutdown_of(shutdown: &mut Option<Shutdown>) {
    match shutdown {
        Some(s) => s.requested().await,
        None => std::future::pending().await,
    }
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
pub(super) fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}
