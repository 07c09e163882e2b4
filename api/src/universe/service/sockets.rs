//! The rows of a WebSocket authenticated as an identity (see [`super::presence`]): its
//! connection taken over when it opens, a `subscription` row per operation it runs, both
//! ended when it closes.

use entity::universe::client_connection;
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::subscription;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::connection_name;
use super::events::{self, Events, Written};
use super::subscriptions::{MAX_QUERY, cancel_live};
use super::values::Key;
use crate::error::{ApiError, ApiResult};
use crate::universe::access::require_live;
use crate::validate::Text;
use crate::write::Store;

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
    let clock = store.clock().clone();
    let identity = identity.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = clock.now_stored();
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
                let mut log = Events::new(&clock, &identity, now);
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
    let clock = store.clock().clone();
    let query: String = query.trim().chars().take(MAX_QUERY).collect();
    let (identity, connection_id) = (identity.to_owned(), connection_id.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &identity).await?;
                let now = clock.now_stored();
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
                let mut log = Events::new(&clock, &identity, now);
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
    let clock = store.clock().clone();
    let identity = identity.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = clock.now_stored();
                let mut log = Events::new(&clock, &identity, now);
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
    let clock = store.clock().clone();
    let (identity, connection_id) = (identity.to_owned(), connection_id.to_owned());
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = clock.now_stored();
                let mut log = Events::new(&clock, &identity, now);
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
