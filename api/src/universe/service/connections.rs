//! Client connections: connecting (a new anonymous identity, as SpacetimeDB does) and the
//! connection's status transitions.
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
//! active and paused subscriptions, each with its own event ([`super::subscriptions`]).
//!
//! Transitions are decided on the row locked for update (`SELECT ... FOR UPDATE` on
//! PostgreSQL, the writer lock on SQLite), so of two racing requests the second sees
//! the first's result: a transition that is illegal from the status it then finds is
//! `BAD_USER_INPUT` naming that status, never a lost update.

use entity::universe::client_connection;
use entity::universe::enums::ConnectionStatus;
use entity::universe::subscription;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QuerySelect};
use serde_json::json;

use super::connection_name;
use super::events::{self, Events, Written};
use super::subscriptions::cancel_live;
use crate::auth::{Issued, TokenKind, Tokens};
use crate::error::{ApiError, ApiResult};
use crate::validate::Text;
use crate::write::Store;

/// Lifetime of a Universe identity token.
pub const IDENTITY_TTL: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);
/// Longest `clientInfo`.
pub const MAX_CLIENT_INFO: usize = 512;

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
    let clock = store.clock().clone();
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
    let now = clock.now_stored();
    let connection = client_connection::Model {
        identity: identity.clone(),
        connection_id: uuid::Uuid::new_v4().to_string(),
        connected_at: now,
        last_active_at: now,
        client_info: client_info.map(Text::into_inner),
        status: ConnectionStatus::Connected,
    };
    let mut log = Events::new(&clock, &identity, now);
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
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let now = clock.now_stored();
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

                let mut log = Events::new(&clock, &actor, now);
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
}
