//! Memberships: join, leave, change a member's role, remove a member.
//!
//! Owners manage every membership; moderators manage the memberships whose role is
//! `member` (they may remove them or make them moderators, never owners). A community
//! always keeps an owner: its last owner can neither leave, be removed, nor be demoted
//! (`CONFLICT`: another owner would make the same request legal).
//!
//! Every write locks the community row first, so `member_count` and the last-owner rule
//! hold under concurrent requests.

use entity::atrarium::{Role, communities, memberships};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use super::changes::{self, record};
use super::shared::{add_members, keep_an_owner, lock_community, now, reload_community};
use crate::atrarium::access::membership;
use crate::error::{ApiError, ApiResult};
use crate::validate::Did;
use crate::write::Store;

/// A membership and its community as they are after a write.
#[derive(Clone, Debug)]
pub struct MembershipChange {
    /// The membership (joined, or with its new role).
    pub membership: memberships::Model,
    /// The community, with its `member_count` updated.
    pub community: communities::Model,
}

fn not_a_member(community_id: i64, did: &str) -> ApiError {
    ApiError::NotFound(format!("membership of {did} in community {community_id}"))
}

/// The actor joins a community as a `member`. Joining twice is `CONFLICT`.
pub async fn join(store: &Store, actor: &Did, community_id: i64) -> ApiResult<MembershipChange> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                lock_community(txn, community_id).await?;
                if membership(txn, community_id, actor.as_str())
                    .await?
                    .is_some()
                {
                    return Err(ApiError::Conflict(format!(
                        "{actor} is already a member of community {community_id}"
                    )));
                }
                let membership = memberships::ActiveModel {
                    community_id: Set(community_id),
                    user_did: Set(actor.into_inner()),
                    role: Set(Role::Member),
                    joined_at: Set(now()),
                }
                .insert(txn)
                .await?;
                add_members(txn, community_id, 1).await?;
                let community = reload_community(txn, community_id).await?;
                record(
                    txn,
                    &membership.user_did,
                    vec![changes::joined(&membership)],
                )
                .await?;
                Ok(MembershipChange {
                    membership,
                    community,
                })
            })
        })
        .await
}

/// Deletes the membership `m` and counts it out; `actor` did it. The caller has checked
/// the rights.
async fn remove(
    txn: &sea_orm::DatabaseTransaction,
    m: &memberships::Model,
    actor: &str,
) -> ApiResult<communities::Model> {
    let res = memberships::Entity::delete_by_id((m.community_id, m.user_did.clone()))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(not_a_member(m.community_id, &m.user_did));
    }
    add_members(txn, m.community_id, -1).await?;
    let community = reload_community(txn, m.community_id).await?;
    let by = (actor != m.user_did).then_some(actor);
    record(txn, actor, vec![changes::left(m, by)]).await?;
    Ok(community)
}

/// The actor leaves a community (`NOT_FOUND` if not a member; `CONFLICT` for its last
/// owner). Answers the community.
pub async fn leave(store: &Store, actor: &Did, community_id: i64) -> ApiResult<communities::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                lock_community(txn, community_id).await?;
                let mine = membership(txn, community_id, actor.as_str())
                    .await?
                    .ok_or_else(|| not_a_member(community_id, actor.as_str()))?;
                if mine.role == Role::Owner {
                    keep_an_owner(txn, community_id, actor.as_str(), "leave").await?;
                }
                remove(txn, &mine, actor.as_str()).await
            })
        })
        .await
}

/// The actor's role, which must be `owner` or `moderator`; `FORBIDDEN` otherwise.
async fn require_steward(
    txn: &sea_orm::DatabaseTransaction,
    community_id: i64,
    actor: &Did,
) -> ApiResult<Role> {
    match membership(txn, community_id, actor.as_str()).await? {
        Some(m) if m.role != Role::Member => Ok(m.role),
        _ => Err(ApiError::Forbidden(format!(
            "only owners and moderators of community {community_id} may manage its members"
        ))),
    }
}

/// `FORBIDDEN` unless a manager with role `manager` may manage a membership whose role is
/// `target_role`: owners manage everyone, moderators manage `member`s.
fn may_manage(community_id: i64, manager: Role, target_role: Role) -> ApiResult<()> {
    if manager == Role::Owner || target_role == Role::Member {
        return Ok(());
    }
    Err(ApiError::Forbidden(format!(
        "moderators of community {community_id} manage members only; \
         only its owners manage moderators and owners"
    )))
}

/// Gives `target` a new role in a community. Owners may set any role on anyone (an
/// owner demoting themselves included) as long as an owner remains; moderators may only
/// make a `member` a `moderator` (or leave them a `member`).
pub async fn change_role(
    store: &Store,
    actor: &Did,
    community_id: i64,
    target: &Did,
    role: Role,
) -> ApiResult<MembershipChange> {
    let (actor, target) = (actor.clone(), target.clone());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let community = lock_community(txn, community_id).await?;
                let manager = require_steward(txn, community_id, &actor).await?;
                let current = membership(txn, community_id, target.as_str())
                    .await?
                    .ok_or_else(|| not_a_member(community_id, target.as_str()))?;
                may_manage(community_id, manager, current.role)?;
                if manager == Role::Moderator && role == Role::Owner {
                    return Err(ApiError::Forbidden(format!(
                        "only owners of community {community_id} may make owners"
                    )));
                }
                if current.role == role {
                    return Ok(MembershipChange {
                        membership: current,
                        community,
                    });
                }
                if current.role == Role::Owner {
                    keep_an_owner(txn, community_id, target.as_str(), "be demoted").await?;
                }
                let from = current.role;
                let mut am = current.into_active_model();
                am.role = Set(role);
                let membership = am.update(txn).await?;
                record(
                    txn,
                    actor.as_str(),
                    vec![changes::role_changed(&membership, from)],
                )
                .await?;
                Ok(MembershipChange {
                    membership,
                    community,
                })
            })
        })
        .await
}

/// Removes `target` from a community: owners remove anyone but the last owner,
/// moderators remove `member`s; removing oneself is leaving. Answers the community.
pub async fn remove_member(
    store: &Store,
    actor: &Did,
    community_id: i64,
    target: &Did,
) -> ApiResult<communities::Model> {
    if actor == target {
        return leave(store, actor, community_id).await;
    }
    let (actor, target) = (actor.clone(), target.clone());
    store
        .transaction(|txn| {
            Box::pin(async move {
                lock_community(txn, community_id).await?;
                let manager = require_steward(txn, community_id, &actor).await?;
                let current = membership(txn, community_id, target.as_str())
                    .await?
                    .ok_or_else(|| not_a_member(community_id, target.as_str()))?;
                may_manage(community_id, manager, current.role)?;
                if current.role == Role::Owner {
                    keep_an_owner(txn, community_id, target.as_str(), "be removed").await?;
                }
                remove(txn, &current, actor.as_str()).await
            })
        })
        .await
}
