//! Who may do what in Atrarium. Atrarium's data is public to read; every write acts as a
//! DID ([`actor`]), and what a DID may change in a community depends on its role there
//! ([`require_role`], `FORBIDDEN` otherwise).

use async_graphql::Context;
use entity::Domain;
use entity::atrarium::{Role, memberships};
use sea_orm::{ActiveEnum, DatabaseTransaction, EntityTrait};

use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::validate::Did;

/// The acting DID: the subject of an Atrarium or PDS access token. `UNAUTHENTICATED`
/// when anonymous, or when the session's subject is not a DID.
pub fn actor(ctx: &Context<'_>) -> ApiResult<Did> {
    let anonymous = Viewer::anonymous();
    let viewer = ctx.data_opt::<Viewer>().unwrap_or(&anonymous);
    let subject = viewer.require(Domain::Atrarium)?;
    Did::parse("viewer", subject).map_err(|_| {
        ApiError::Unauthenticated(
            "Atrarium acts as a DID; this session's subject is not one".into(),
        )
    })
}

/// The membership of `did` in `community_id`, if any.
pub async fn membership(
    txn: &DatabaseTransaction,
    community_id: i64,
    did: &str,
) -> ApiResult<Option<memberships::Model>> {
    Ok(
        memberships::Entity::find_by_id((community_id, did.to_owned()))
            .one(txn)
            .await?,
    )
}

/// The actor's role in `community_id`, which must be one of `allowed`; `FORBIDDEN`
/// otherwise (also when the actor is not a member). `what` completes "only ... may".
pub async fn require_role(
    txn: &DatabaseTransaction,
    community_id: i64,
    actor: &Did,
    allowed: &[Role],
    what: &str,
) -> ApiResult<Role> {
    match membership(txn, community_id, actor.as_str()).await? {
        Some(m) if allowed.contains(&m.role) => Ok(m.role),
        _ => Err(ApiError::Forbidden(format!(
            "only {} of community {community_id} may {what}",
            allowed
                .iter()
                .map(|r| format!("{}s", r.to_value()))
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}
