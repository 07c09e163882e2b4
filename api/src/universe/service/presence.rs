//! A WebSocket authenticated as an Inner Universe identity, kept true in the seed's own
//! tables (see [`super::sockets`] for the rows and events):
//!
//! - `client_connection`: the socket opening makes the identity's connection `connected`
//!   under the socket's own `connection_id`; the socket closing, whoever closes it (client,
//!   server, network, shutdown), makes it `disconnected` — unless a newer socket of the
//!   identity took the connection over meanwhile;
//! - `subscription`: each GraphQL subscription the socket runs has a row, `active` while it
//!   runs and `cancelled` once it ended (completed by the client, finished, failed, or its
//!   socket closed).
//!
//! The rows also steer the streams: `universeSetSubscriptionStatus` to `PAUSED` holds the
//! subscription's deliveries (nothing is lost: the stream catches up from its log when it
//! resumes), back to `ACTIVE` resumes them, and `CANCELLED` — or a disconnect through
//! `universeSetConnectionStatus` — completes it. The stream learns of a change from the
//! event log, as every subscriber does, not by polling its row.
//!
//! A server that dies without closing its sockets leaves their rows `connected`/`active`;
//! the next socket of the identity, or a status mutation, corrects them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::futures_util::stream::{self, BoxStream, Stream, StreamExt};
use entity::Domain;
use entity::universe::event_log;
use sea_orm::{ColumnTrait, Condition};

use super::{connections, events, sockets};
use crate::db::Databases;
use crate::error::{ApiError, ApiResult};
use crate::events::{EventLog, Feed, Topic};
use crate::write::Store;

/// One WebSocket of an Inner Universe identity.
pub struct Presence {
    store: Store,
    feed: Feed<EventLog>,
    identity: String,
    /// The socket's `client_connection.connection_id`.
    connection_id: String,
    /// The `subscription` row of each running subscription, by operation key.
    rows: Mutex<HashMap<u64, String>>,
}

impl Presence {
    /// The socket of `identity` opened (`client_info` from its `connection_init`).
    pub async fn open(
        dbs: &Databases,
        identity: &str,
        client_info: Option<&str>,
    ) -> ApiResult<Self> {
        let client_info = connections::client_info("clientInfo", client_info)?;
        let store = dbs.store(Domain::Universe);
        let written = sockets::attach_socket(&store, identity, client_info).await?;
        Ok(Self {
            store,
            feed: dbs.feeds().universe.clone(),
            identity: identity.to_owned(),
            connection_id: written.value.connection_id,
            rows: Mutex::new(HashMap::new()),
        })
    }

    /// Subscription `key` (document `query`) starts: its row is recorded, and its stream
    /// follows the row's status.
    pub async fn subscribed<T: Send + 'static>(
        &self,
        key: u64,
        query: &str,
        stream: BoxStream<'static, T>,
    ) -> ApiResult<BoxStream<'static, T>> {
        let written = sockets::open_socket_subscription(
            &self.store,
            &self.identity,
            &self.connection_id,
            query,
        )
        .await?;
        let id = written.value.subscription_id;
        let after = written.events.last().and_then(|e| e.seq);
        self.lock().insert(key, id.clone());
        let control = self
            .feed
            .watch(status_of(&self.identity, &id), after)
            .await?;
        Ok(governed(stream, control).boxed())
    }

    /// Subscription `key` ended: its row is cancelled.
    pub async fn ended(&self, key: u64) {
        let Some(id) = self.lock().remove(&key) else {
            return;
        };
        if let Err(e) =
            sockets::end_socket_subscriptions(&self.store, &self.identity, vec![id]).await
        {
            tracing::warn!(identity = %self.identity, error = %e, "could not cancel a subscription row");
        }
    }

    /// The socket closed: its rows are cancelled and its connection disconnected.
    pub async fn closed(self) {
        let ids: Vec<String> = self.lock().drain().map(|(_, id)| id).collect();
        if let Err(e) =
            sockets::detach_socket(&self.store, &self.identity, &self.connection_id, ids).await
        {
            tracing::warn!(identity = %self.identity, error = %e, "could not record a socket's close");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, String>> {
        // The map stays consistent even if a holder panicked: take it as it is.
        self.rows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The status changes of subscription `id` of `identity`.
fn status_of(identity: &str, id: &str) -> Topic<event_log::Model> {
    let wanted = id.to_owned();
    Topic::new(
        Condition::all()
            .add(event_log::Column::EventType.eq(events::SUBSCRIPTION_STATUS_CHANGED))
            .add(event_log::Column::Source.eq(identity.to_owned())),
        move |r: &event_log::Model| {
            r.event_type == events::SUBSCRIPTION_STATUS_CHANGED
                && r.data.get("subscription_id").and_then(|v| v.as_str()) == Some(&wanted)
        },
    )
}

/// What a status change asks of the stream.
enum Signal {
    Pause,
    Resume,
    Cancel,
}

fn signal(row: &event_log::Model) -> Option<Signal> {
    match row.data.get("to").and_then(|v| v.as_str())? {
        "paused" => Some(Signal::Pause),
        "active" => Some(Signal::Resume),
        "cancelled" => Some(Signal::Cancel),
        _ => None,
    }
}

/// `inner`, held while its row is paused and ended once it is cancelled.
fn governed<T: Send + 'static>(
    inner: BoxStream<'static, T>,
    control: impl Stream<Item = ApiResult<Arc<event_log::Model>>> + Send + 'static,
) -> impl Stream<Item = T> + Send + 'static {
    let control: Option<BoxStream<'static, ApiResult<Arc<event_log::Model>>>> =
        Some(control.boxed());
    stream::unfold(
        (inner, control, false),
        |(mut inner, mut control, mut paused)| async move {
            loop {
                let Some(ctl) = control.as_mut() else {
                    let item = inner.next().await?;
                    return Some((item, (inner, control, paused)));
                };
                let change = if paused {
                    ctl.next().await
                } else {
                    tokio::select! {
                        biased;
                        change = ctl.next() => change,
                        item = inner.next() => {
                            let item = item?;
                            return Some((item, (inner, control, paused)));
                        }
                    }
                };
                match change {
                    Some(Ok(row)) => match signal(&row) {
                        Some(Signal::Pause) => paused = true,
                        Some(Signal::Resume) => paused = false,
                        Some(Signal::Cancel) => return None,
                        None => {}
                    },
                    Some(Err(e)) => {
                        log_lost_control(&e);
                        control = None;
                        paused = false;
                    }
                    None => {
                        control = None;
                        paused = false;
                    }
                }
            }
        },
    )
}

fn log_lost_control(e: &ApiError) {
    tracing::warn!(error = %e, "a subscription stopped following its row's status");
}
