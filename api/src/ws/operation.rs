//! One operation of a connection: the task that runs it and sends its messages to the
//! connection.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::futures_util::{FutureExt, StreamExt};
use async_graphql::http::WebSocketProtocols;
use async_graphql::{Response, ServerError};
use tokio::sync::mpsc;

use super::fanout::{Member, Received, Shared};
use super::protocol::{ServerMessage, Wire};
use crate::error::ApiError;
use crate::pipeline::{refused, timed_out, with_codes_in};

/// A message of an operation for the socket.
pub(super) struct Outgoing {
    /// Which run of the operation sent it (ids can be reused once completed).
    pub(super) key: u64,
    pub(super) id: Arc<str>,
    pub(super) text: String,
    /// `complete` or `error`: the operation is over.
    pub(super) last: bool,
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

/// Where an operation's messages go: the connection's queue, marked with the operation.
pub(super) struct Reply {
    /// Which run of the operation (ids can be reused once completed).
    pub(super) key: u64,
    pub(super) id: Arc<str>,
    pub(super) tx: mpsc::Sender<Outgoing>,
}

impl Reply {
    /// Queues `text`; `last` ends the operation. Waits while the queue is full.
    async fn send(&self, text: String, last: bool) -> Result<(), mpsc::error::SendError<Outgoing>> {
        self.tx
            .send(Outgoing {
                key: self.key,
                id: Arc::clone(&self.id),
                text,
                last,
            })
            .await
    }
}

/// Runs one operation, sending `next` per result and a final `complete` (or one `error`)
/// through `tx`; blocks while the channel is full.
pub(super) async fn operation(
    mut stream: BoxStream<'static, Response>,
    protocol: WebSocketProtocols,
    reply: Reply,
    deadline: Option<Duration>,
    query: Arc<str>,
) {
    let send = |text: String, last: bool| reply.send(text, last);
    let id = &reply.id;
    let results = async {
        let mut first = true;
        while let Some(response) = stream.next().await {
            let response = with_codes_in(response, &query);
            if first && is_refusal(&response) {
                return Ending::Refused(response.errors);
            }
            first = false;
            if send(protocol.encode(ServerMessage::Next(id, &response)), false)
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
        Ending::Done => protocol.encode(ServerMessage::Complete(id)),
        Ending::Refused(errors) => protocol.encode(ServerMessage::Error(id, &errors)),
        Ending::TimedOut(limit) => {
            protocol.encode(ServerMessage::Error(id, &timed_out(limit).errors))
        }
    };
    let _ = send(text, true).await;
}

/// Runs one subscription served by a shared stream ([`super::fanout`]): forwards its
/// results, already serialised, and when it falls behind continues as an operation of its
/// own resuming after its last cursor (`resume`). `ticket` is held while it runs.
pub(super) async fn shared(
    mut member: Member,
    resume: impl FnOnce(i64) -> BoxStream<'static, Response> + Send + 'static,
    ticket: Box<dyn std::any::Any + Send + Sync>,
    protocol: WebSocketProtocols,
    reply: Reply,
) {
    let _ticket = ticket;
    let send = |text: String, last: bool| reply.send(text, last);
    let id = &reply.id;
    loop {
        let (text, last) = match member.recv().await {
            Received::Item(Shared::Next(payload)) => (
                protocol.encode(ServerMessage::NextJson(id, &payload)),
                false,
            ),
            Received::Item(Shared::Refused(errors)) => {
                (protocol.encode(ServerMessage::ErrorJson(id, &errors)), true)
            }
            Received::Item(Shared::End) => (protocol.encode(ServerMessage::Complete(id)), true),
            Received::Detached(Some(cursor)) => {
                let query = member.query();
                drop(member);
                let stream = resume(cursor);
                return operation(stream, protocol, reply, None, query).await;
            }
            Received::Detached(None) => {
                let errors = refused(
                    "OUTDATED_CURSOR",
                    "this subscriber fell too far behind to resume; subscribe again".into(),
                )
                .errors;
                (protocol.encode(ServerMessage::Error(id, &errors)), true)
            }
            Received::Gone => {
                let masked = ApiError::internal(format!("the shared stream of {id} stopped"));
                let errors = internal_errors(&masked);
                (protocol.encode(ServerMessage::Error(id, &errors)), true)
            }
        };
        if send(text, last).await.is_err() || last {
            return;
        }
    }
}

/// Whether `response` is a request error (parse, validation, limits): no data, and no
/// error raised by a field.
pub(super) fn is_refusal(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

pub(super) fn internal_errors(masked: &ApiError) -> Vec<ServerError> {
    let mut errors = refused(masked.code(), masked.to_string()).errors;
    if let (ApiError::Internal { id }, Some(ext)) = (
        masked,
        errors.first_mut().and_then(|e| e.extensions.as_mut()),
    ) {
        ext.set("errorId", id.as_str());
    }
    errors
}
