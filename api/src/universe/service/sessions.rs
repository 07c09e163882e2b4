//! Client sessions: connecting (a new anonymous identity, as SpacetimeDB does), the
//! connection's status transitions and the client's subscriptions.
//!
//! Connection status transitions (anything else is `BAD_USER_INPUT`, staying put
//! included):
//!
//! | from | to |
//! |---|---|
//! | connected | idle, disconnecting, disconnected |
//! | idle | connected, disconnecting, disconnected |
//! | disconnecting | disconnected |
//! | disconnected | connected (a reconnect: a new `connection_id` and `connected_at`) |
//!
//! Every transition sets `last_active_at`. Reaching `disconnected` cancels the client's
//! active and paused subscriptions, each with its own event.
//!
//! Subscription status transitions: active ⇄ paused; active or paused → cancelled;
//! cancelled is final. Only the subscribing identity changes its subscriptions.
//!
//! Transitions are decided on the row locked for update (`SELECT ... FOR UPDATE` on
//! PostgreSQL, the writer lock on SQLite), so of two racing requests the second sees
//! the first's result: a transition that is illegal from the status it then finds is
//! `BAD_USER_INPUT` naming that status, never a lost update.

use entity::universe::client_connection;
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::subscription;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::events::{self, Events, Written};
use super::values::Key;
use crate::auth::{Issued, TokenKind, Tokens};
use crate::error::{ApiError, ApiResult};
use crate::validate::Text;
use crate::write::Store;

/// Lifetime of a Universe identity token.
pub const IDENTITY_TTL: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);
/// Longest `clientInfo`.
pub const MAX_CLIENT_INFO: usize = 512;
/// Longest subscription query.
pub const MAX_QUERY: usize = 4096;

/// The lowercase name of a connection status, as stored and as logged.
fn connection_name(s: ConnectionStatus) -> &'static str {
    match s {
        ConnectionStatus::Connected => "connected",
        ConnectionStatus::Idle => "idle",
        ConnectionStatus::Disconnecting => "disconnecting",
        ConnectionStatus::Disconnected => "disconnected",
    }
}

/// The lowercase name of a subscription status, as stored and as logged.
fn subscription_name(s: SubscriptionStatus) -> &'static str {
    match s {
        SubscriptionStatus::Active => "active",
        SubscriptionStatus::Paused => "paused",
        SubscriptionStatus::Cancelled => "cancelled",
    }
}

/// Whether a connection may go from `from` to `to` (see the module docs).
pub fn connection_transition_allowed(from: ConnectionStatus, to: ConnectionStatus) -> bool {
    use ConnectionStatus::*;
    matches!(
        (from, to),
        (Connected, Idle)
            | (Idle, Connected)
            | (Connected | Idle, Disconnecting)
            | (Connected | Idle | Disconnecting, Disconnected)
            | (Disconnected, Connected)
    )
}

/// Whether a subscription may go from `from` to `to` (see the module docs).
pub fn subscription_transition_allowed(from: SubscriptionStatus, to: SubscriptionStatus) -> bool {
    use SubscriptionStatus::*;
    matches!(
        (from, to),
        (Active, Paused) | (Paused, Active) | (Active | Paused, Cancelled)
    )
}

/// A new identity with its connection and token.
#[derive(Debug)]
pub struct Connected {
    /// The recorded connection (its `identity` is the new identity).
    pub connection: client_connection::Model,
    /// The identity's signed token.
    pub token: Issued,
}

/// Parses a client's self-description: at most [`MAX_CLIENT_INFO`] characters of text.
pub fn client_info(field: &str, raw: Option<&str>) -> ApiResult<Option<Text>> {
    raw.map(|r| Text::parse(field, r, MAX_CLIENT_INFO))
        .transpose()
}

/// Creates an identity (32 random bytes, hex) and its `client_connection` row
/// (`connected`), logs `client.connected`, and signs the identity's token.
pub async fn connect(
    store: &Store,
    tokens: &Tokens,
    client_info: Option<Text>,
) -> ApiResult<Written<Connected>> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(ApiError::internal)?;
    let identity: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    // Signed first: a signing failure then leaves nothing behind.
    let token = tokens.issue(
        entity::Domain::Universe,
        &identity,
        TokenKind::Access,
        IDENTITY_TTL,
    )?;
    let now = events::now();
    let connection = client_connection::Model {
        identity: identity.clone(),
        connection_id: uuid::Uuid::new_v4().to_string(),
        connected_at: now,
        last_active_at: now,
        client_info: client_info.map(Text::into_inner),
        status: ConnectionStatus::Connected,
    };
    let mut log = Events::new(&identity, now);
    log.push(
        events::CLIENT_CONNECTED,
        json!({
            "identity": identity,
            "connection_id": connection.connection_id,
            "client_info": connection.client_info,
        }),
    );
    let row = connection.clone();
    let events = store
        .transaction(move |txn| {
            Box::pin(async move {
                row.into_active_model().insert(txn).await?;
                Ok(log.append(txn).await?)
            })
        })
        .await?;
    Ok(Written {
        value: Connected { connection, token },
        events,
    })
}

/// Refuses a write by `actor` unless its connection is live (`connected` or `idle`):
/// `FORBIDDEN` otherwise. Takes a shared lock on the connection row (PostgreSQL), so a
/// concurrent disconnect waits for the write, or the write sees the disconnect.
pub async fn require_live<C: ConnectionTrait>(txn: &C, actor: &str) -> ApiResult<()> {
    let conn = client_connection::Entity::find_by_id(actor.to_owned())
        .lock_shared()
        .one(txn)
        .await?;
    match conn.map(|c| c.status) {
        Some(ConnectionStatus::Connected | ConnectionStatus::Idle) => Ok(()),
        Some(status) => Err(ApiError::Forbidden(format!(
            "this identity's connection is {}: set its status to CONNECTED before writing",
            connection_name(status)
        ))),
        None => Err(ApiError::Forbidden(
            "this identity has no client connection (universeConnect creates one)".into(),
        )),
    }
}

/// The result of a connection status change.
#[derive(Debug)]
pub struct ConnectionChanged {
    /// The connection after the change.
    pub connection: client_connection::Model,
    /// Subscriptions cancelled by a disconnect, after the change.
    pub cancelled: Vec<subscription::Model>,
}

/// Moves `actor`'s connection to `to` (see the module docs for the rules); a disconnect
/// cancels its live subscriptions. `NOT_FOUND` without a connection.
pub async fn set_connection_status(
    store: &Store,
    actor: &str,
    to: ConnectionStatus,
) -> ApiResult<Written<ConnectionChanged>> {
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = events::now();
                let current = client_connection::Entity::find_by_id(actor.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("client connection".into()))?;
                let from = current.status;
                if !connection_transition_allowed(from, to) {
                    return Err(ApiError::bad_input(
                        "input.status",
                        format!(
                            "a connection cannot go from {} to {}",
                            connection_name(from),
                            connection_name(to)
                        ),
                    ));
                }
                let mut next = current.clone();
                next.status = to;
                next.last_active_at = now;
                let reconnect = from == ConnectionStatus::Disconnected;
                if reconnect {
                    next.connection_id = uuid::Uuid::new_v4().to_string();
                    next.connected_at = now;
                }
                next.clone()
                    .into_active_model()
                    .reset_all()
                    .update(txn)
                    .await?;

                let mut log = Events::new(&actor, now);
                let mut data = json!({
                    "identity": actor,
                    "connection_id": next.connection_id,
                    "from": connection_name(from),
                    "to": connection_name(to),
                });
                if reconnect {
                    data["previous_connection_id"] = json!(current.connection_id);
                }
                log.push(events::CLIENT_STATUS_CHANGED, data);

                let cancelled = if to == ConnectionStatus::Disconnected {
                    let with = json!({ "with_connection": next.connection_id });
                    cancel_live(txn, &actor, None, now, &mut log, with).await?
                } else {
                    Vec::new()
                };
                let events = log.append(txn).await?;
                Ok(Written {
                    value: ConnectionChanged {
                        connection: next,
                        cancelled,
                    },
                    events,
                })
            })
        })
        .await
}

/// Cancels `actor`'s live (active or paused) subscriptions — only those of `only` when
/// given — each with a `subscription.status_changed` event carrying `extra`'s fields.
async fn cancel_live<C: ConnectionTrait>(
    txn: &C,
    actor: &str,
    only: Option<&[String]>,
    now: chrono::DateTime<chrono::Utc>,
    log: &mut Events,
    extra: serde_json::Value,
) -> Result<Vec<subscription::Model>, sea_orm::DbErr> {
    if only.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut live = subscription::Entity::find()
        .filter(subscription::Column::Identity.eq(actor))
        .filter(subscription::Column::Status.ne(SubscriptionStatus::Cancelled));
    if let Some(ids) = only {
        live = live.filter(subscription::Column::SubscriptionId.is_in(ids.iter().cloned()));
    }
    let live = live
        .order_by_asc(subscription::Column::SubscriptionId)
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut cancelled = Vec::with_capacity(live.len());
    for sub in live {
        let before = sub.status;
        let mut after = sub;
        after.status = SubscriptionStatus::Cancelled;
        after.updated_at = now;
        after
            .clone()
            .into_active_model()
            .reset_all()
            .update(txn)
            .await?;
        let mut data = json!({
            "subscription_id": after.subscription_id,
            "identity": actor,
            "from": subscription_name(before),
            "to": "cancelled",
        });
        if let (Some(data), Some(extra)) = (data.as_object_mut(), extra.as_object()) {
            data.extend(extra.clone());
        }
        log.push(events::SUBSCRIPTION_STATUS_CHANGED, data);
        cancelled.push(after);
    }
    Ok(cancelled)
}

/// How a WebSocket's own rows are marked in their events.
pub const WEBSOCKET: &str = "websocket";

/// A WebSocket authenticated as `identity` opened: the identity's connection becomes
/// `connected` under a new `connection_id` (the socket's), whatever its status was, with
/// `client_info` when given, and `client.connected` is logged. `FORBIDDEN` when the
/// identity has no connection (`universeConnect` creates one).
pub async fn attach_socket(
    store: &Store,
    identity: &str,
    client_info: Option<Text>,
) -> ApiResult<Written<client_connection::Model>> {
    let identity = identity.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = events::now();
                let current = client_connection::Entity::find_by_id(identity.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| {
                        ApiError::Forbidden(
                            "this identity has no client connection (universeConnect creates one)"
                                .into(),
                        )
                    })?;
                let mut next = current.clone();
                next.status = ConnectionStatus::Connected;
                next.connection_id = uuid::Uuid::new_v4().to_string();
                next.connected_at = now;
                next.last_active_at = now;
                if let Some(info) = client_info {
                    next.client_info = Some(info.into_inner());
                }
                next.clone()
                    .into_active_model()
                    .reset_all()
                    .update(txn)
                    .await?;
                let mut log = Events::new(&identity, now);
                log.push(
                    events::CLIENT_CONNECTED,
                    json!({
                        "identity": identity,
                        "connection_id": next.connection_id,
                        "client_info": next.client_info,
                        "transport": WEBSOCKET,
                        "from": connection_name(current.status),
                        "previous_connection_id": current.connection_id,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: next,
                    events,
                })
            })
        })
        .await
}

/// Records a subscription that `identity` started on its WebSocket (live session
/// required): `active`, holding the first [`MAX_QUERY`] characters of its document.
pub async fn open_socket_subscription(
    store: &Store,
    identity: &str,
    connection_id: &str,
    query: &str,
) -> ApiResult<Written<subscription::Model>> {
    let query: String = query.trim().chars().take(MAX_QUERY).collect();
    let (identity, connection_id) = (identity.to_owned(), connection_id.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &identity).await?;
                let now = events::now();
                let sub = subscription::Model {
                    subscription_id: Key::generate().into_inner(),
                    identity: identity.clone(),
                    query,
                    created_at: now,
                    updated_at: now,
                    status: SubscriptionStatus::Active,
                };
                sub.clone().into_active_model().insert(txn).await?;
                client_connection::Entity::update_many()
                    .col_expr(
                        client_connection::Column::LastActiveAt,
                        sea_orm::sea_query::Expr::value(now),
                    )
                    .filter(client_connection::Column::Identity.eq(identity.clone()))
                    .exec(txn)
                    .await?;
                let mut log = Events::new(&identity, now);
                log.push(
                    events::SUBSCRIPTION_CREATED,
                    json!({
                        "subscription_id": sub.subscription_id,
                        "identity": identity,
                        "query": sub.query,
                        "transport": WEBSOCKET,
                        "connection_id": connection_id,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written { value: sub, events })
            })
        })
        .await
}

/// Cancels those of `ids` (subscriptions of `identity`) that are still live, because
/// their operation ended on the WebSocket: completed by the client, finished, or failed.
pub async fn end_socket_subscriptions(
    store: &Store,
    identity: &str,
    ids: Vec<String>,
) -> ApiResult<Written<Vec<subscription::Model>>> {
    let identity = identity.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = events::now();
                let mut log = Events::new(&identity, now);
                let extra = json!({ "reason": "operation ended", "transport": WEBSOCKET });
                let value = cancel_live(txn, &identity, Some(&ids), now, &mut log, extra).await?;
                let events = log.append(txn).await?;
                Ok(Written { value, events })
            })
        })
        .await
}

/// `identity`'s WebSocket with `connection_id` closed: its subscriptions `ids` are
/// cancelled; if the connection is still this socket's (no newer socket took it over)
/// and not already `disconnected`, it becomes `disconnected`, which cancels every live
/// subscription of the identity as any disconnect does.
pub async fn detach_socket(
    store: &Store,
    identity: &str,
    connection_id: &str,
    ids: Vec<String>,
) -> ApiResult<Written<Option<client_connection::Model>>> {
    let (identity, connection_id) = (identity.to_owned(), connection_id.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = events::now();
                let mut log = Events::new(&identity, now);
                let current = client_connection::Entity::find_by_id(identity.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?;
                let reason = json!({ "reason": "socket closed", "transport": WEBSOCKET });
                cancel_live(txn, &identity, Some(&ids), now, &mut log, reason.clone()).await?;
                let mut value = None;
                if let Some(current) = current
                    && current.connection_id == connection_id
                    && current.status != ConnectionStatus::Disconnected
                {
                    let mut next = current.clone();
                    next.status = ConnectionStatus::Disconnected;
                    next.last_active_at = now;
                    next.clone()
                        .into_active_model()
                        .reset_all()
                        .update(txn)
                        .await?;
                    log.push(
                        events::CLIENT_STATUS_CHANGED,
                        json!({
                            "identity": identity,
                            "connection_id": next.connection_id,
                            "from": connection_name(current.status),
                            "to": "disconnected",
                            "reason": "socket closed",
                            "transport": WEBSOCKET,
                        }),
                    );
                    let with = json!({ "with_connection": next.connection_id });
                    cancel_live(txn, &identity, None, now, &mut log, with).await?;
                    value = Some(next);
                }
                let events = log.append(txn).await?;
                Ok(Written { value, events })
            })
        })
        .await
}

/// Parses a subscription query: non-empty text of at most [`MAX_QUERY`] characters.
pub fn query(field: &str, raw: &str) -> ApiResult<Text> {
    Text::parse_non_empty(field, raw, MAX_QUERY)
}

/// Subscribes `actor` (live session required) to `query`; the subscription starts
/// `active` under a generated id.
pub async fn create_subscription(
    store: &Store,
    actor: &str,
    query: Text,
) -> ApiResult<Written<subscription::Model>> {
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = events::now();
                let sub = subscription::Model {
                    subscription_id: Key::generate().into_inner(),
                    identity: actor.clone(),
                    query: query.into_inner(),
                    created_at: now,
                    updated_at: now,
                    status: SubscriptionStatus::Active,
                };
                sub.clone().into_active_model().insert(txn).await?;
                let mut log = Events::new(&actor, now);
                log.push(
                    events::SUBSCRIPTION_CREATED,
                    json!({
                        "subscription_id": sub.subscription_id,
                        "identity": actor,
                        "query": sub.query,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written { value: sub, events })
            })
        })
        .await
}

/// Moves subscription `id` to `to`: `NOT_FOUND` if there is none, `FORBIDDEN` unless
/// `actor` is its subscriber (with a live session), `BAD_USER_INPUT` for a transition
/// the rules refuse.
pub async fn set_subscription_status(
    store: &Store,
    actor: &str,
    id: Key,
    to: SubscriptionStatus,
) -> ApiResult<Written<subscription::Model>> {
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = events::now();
                let current = subscription::Entity::find_by_id(id.as_str().to_owned())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound(format!("subscription {id}")))?;
                if current.identity != actor {
                    return Err(ApiError::Forbidden(
                        "only the subscribing identity can change a subscription".into(),
                    ));
                }
                let from = current.status;
                if !subscription_transition_allowed(from, to) {
                    return Err(ApiError::bad_input(
                        "input.status",
                        format!(
                            "a subscription cannot go from {} to {}",
                            subscription_name(from),
                            subscription_name(to)
                        ),
                    ));
                }
                let mut next = current;
                next.status = to;
                next.updated_at = now;
                next.clone()
                    .into_active_model()
                    .reset_all()
                    .update(txn)
                    .await?;
                let mut log = Events::new(&actor, now);
                log.push(
                    events::SUBSCRIPTION_STATUS_CHANGED,
                    json!({
                        "subscription_id": next.subscription_id,
                        "identity": actor,
                        "from": subscription_name(from),
                        "to": subscription_name(to),
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: next,
                    events,
                })
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn connection_transitions() {
        use ConnectionStatus::*;
        let allowed: Vec<(ConnectionStatus, ConnectionStatus)> = ConnectionStatus::iter()
            .flat_map(|f| ConnectionStatus::iter().map(move |t| (f, t)))
            .filter(|(f, t)| connection_transition_allowed(*f, *t))
            .collect();
        assert_eq!(
            allowed,
            [
                (Connected, Idle),
                (Connected, Disconnecting),
                (Connected, Disconnected),
                (Idle, Connected),
                (Idle, Disconnecting),
                (Idle, Disconnected),
                (Disconnecting, Disconnected),
                (Disconnected, Connected),
            ]
        );
    }

    #[test]
    fn subscription_transitions() {
        use SubscriptionStatus::*;
        let allowed: Vec<(SubscriptionStatus, SubscriptionStatus)> = SubscriptionStatus::iter()
            .flat_map(|f| SubscriptionStatus::iter().map(move |t| (f, t)))
            .filter(|(f, t)| subscription_transition_allowed(*f, *t))
            .collect();
        assert_eq!(
            allowed,
            [
                (Active, Paused),
                (Active, Cancelled),
                (Paused, Active),
                (Paused, Cancelled)
            ]
        );
    }
}
