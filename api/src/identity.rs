//! Identity is current: a signed token says who someone *was* when it was issued; every
//! request (every HTTP request, every WebSocket operation, and an open WebSocket
//! periodically and whenever a credential is revoked in this process) checks, with one
//! primary-key lookup, that what it names still stands:
//!
//! | token of | must still exist | refused with |
//! |---|---|---|
//! | the PDS | its session (`sid`: the session's refresh token id); the account's status is read too | `UNAUTHENTICATED` "the session has ended" |
//! | Atrarium | nothing (Atrarium users are DIDs from anywhere), but a DID hosted on this PDS must be active | `FORBIDDEN` on Atrarium actions |
//! | Bellamy Book | the user | `UNAUTHENTICATED` "the user no longer exists" |
//! | Inner Universe | the identity's `client_connection` | `UNAUTHENTICATED` "the connection no longer exists" |
//! | Orquestra | the user | `UNAUTHENTICATED` "the user no longer exists" |
//!
//! A PDS account that is deactivated, taken down or deleted keeps its session on the PDS
//! (to reactivate, read its data, or sign out) but is nobody anywhere else:
//! [`Viewer::require`] answers `FORBIDDEN` naming the status. Orquestra API keys are
//! checked the same way on every use ([`crate::orquestra::service::api_keys::authenticate`]).

use entity::Domain;
use entity::pds::{AccountStatus, accounts, refresh_tokens};
use sea_orm::sea_query::Expr;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PrimaryKeyTrait, QuerySelect};
use tokio::sync::watch;

use crate::auth::{Claims, Viewer};
use crate::db::Databases;
use crate::error::{ApiError, ApiResult};

/// The viewer `claims` name, if its session, user or connection still stands.
pub async fn current(databases: &Databases, claims: &Claims) -> ApiResult<Viewer> {
    let mut viewer = Viewer::of(claims)?;
    let Some((domain, subject)) = viewer.principal.clone() else {
        return Ok(viewer);
    };
    let gone = |what: &str| {
        ApiError::Unauthenticated(format!("the {what} no longer exists: sign in again"))
    };
    match domain {
        Domain::Pds => {
            let ended = || {
                ApiError::Unauthenticated(
                    "the session has ended (signed out, refreshed or revoked): sign in again"
                        .into(),
                )
            };
            let sid = claims.sid.as_deref().ok_or_else(ended)?;
            let (session, account) = refresh_tokens::Entity::find_by_id(sid.to_owned())
                .find_also_related(accounts::Entity)
                .one(databases.pds())
                .await?
                .ok_or_else(ended)?;
            let account = account
                .filter(|_| session.did == subject)
                .ok_or_else(ended)?;
            viewer.inactive = inactive(account.status);
        }
        Domain::Atrarium => {
            let status: Option<AccountStatus> = accounts::Entity::find_by_id(subject)
                .select_only()
                .column(accounts::Column::Status)
                .into_tuple()
                .one(databases.pds())
                .await?;
            viewer.inactive = status.and_then(inactive);
        }
        Domain::Bellamy => {
            let id = uuid::Uuid::parse_str(&subject).map_err(|_| gone("user"))?;
            if !exists::<entity::bellamy::users::Entity>(databases.bellamy(), id).await? {
                return Err(gone("user"));
            }
        }
        Domain::Universe => {
            let table = databases.universe();
            if !exists::<entity::universe::client_connection::Entity>(table, subject).await? {
                return Err(gone("connection"));
            }
        }
        Domain::Orquestra => {
            if !exists::<entity::orquestra::users::Entity>(databases.orquestra(), subject).await? {
                return Err(gone("user"));
            }
        }
    }
    Ok(viewer)
}

/// Whether `E` has the row `id`: `SELECT 1 … LIMIT 1`, reading none of its columns.
async fn exists<E: EntityTrait>(
    db: &DatabaseConnection,
    id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<bool, DbErr> {
    let one: Option<i32> = E::find_by_id(id)
        .select_only()
        .expr(Expr::cust("1"))
        .into_tuple()
        .one(db)
        .await?;
    Ok(one.is_some())
}

/// The status name of an account that may not act outside the PDS.
fn inactive(status: AccountStatus) -> Option<String> {
    (status != AccountStatus::Active).then(|| sea_orm::ActiveEnum::to_value(&status))
}

/// Tells this process's open WebSockets that a credential was revoked (a session ended,
/// an account's status changed, a user, connection or API key was deleted), so that they
/// check theirs at once instead of at their next periodic check. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Revocations(watch::Sender<u64>);

impl Default for Revocations {
    fn default() -> Self {
        Self(watch::channel(0).0)
    }
}

impl Revocations {
    /// A credential was revoked.
    pub fn revoked(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Wakes on every revocation after this call.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}
