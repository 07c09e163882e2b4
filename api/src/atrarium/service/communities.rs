//! Communities: create (a theme, owned by its creator), update, move in the tree,
//! advance through the lifecycle, delete.

use std::collections::HashSet;

use entity::atrarium::{FeedMix, HealthMetrics, Role, Stage, communities, memberships};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};

use super::shared::{community_not_found, lock_community, lock_tree, now, reload_community};
use crate::atrarium::access::require_role;
use crate::error::{ApiError, ApiResult};
use crate::validate::{Did, Name};
use crate::write::Store;

/// A community to create.
#[derive(Clone, Debug)]
pub struct NewCommunity {
    /// Display name.
    pub name: Name,
    /// The community to nest it under (the actor must own or moderate it).
    pub parent_id: Option<i64>,
    /// Feed composition (already checked to sum to 100).
    pub feed_mix: FeedMix,
    /// Initial health metrics.
    pub health_metrics: HealthMetrics,
}

/// A created community and its creator's owner membership.
#[derive(Clone, Debug)]
pub struct CreatedCommunity {
    /// The community, stage `theme`, one member.
    pub community: communities::Model,
    /// The creator's membership, role `owner`.
    pub membership: memberships::Model,
}

/// Changes to a community's settings; `None` leaves a setting as it is.
#[derive(Clone, Debug, Default)]
pub struct CommunityChanges {
    /// A new display name.
    pub name: Option<Name>,
    /// A new parent: `Some(None)` makes the community a root.
    pub parent_id: Option<Option<i64>>,
    /// A new feed composition.
    pub feed_mix: Option<FeedMix>,
    /// New health metrics (replacing the old ones as a whole).
    pub health_metrics: Option<HealthMetrics>,
}

impl CommunityChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.parent_id.is_none()
            && self.feed_mix.is_none()
            && self.health_metrics.is_none()
    }
}

const STEWARDS: &[Role] = &[Role::Owner, Role::Moderator];
const OWNERS: &[Role] = &[Role::Owner];

/// Creates a community at stage `theme`, with the actor as its owner and only member.
/// Nesting it under `parent_id` needs the actor to be an owner or moderator there.
pub async fn create_community(
    store: &Store,
    actor: &Did,
    new: NewCommunity,
) -> ApiResult<CreatedCommunity> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                if let Some(parent) = new.parent_id {
                    // Locked so the parent cannot be deleted before this child lands.
                    lock_community(txn, parent).await?;
                    require_role(txn, parent, &actor, STEWARDS, "nest communities under it")
                        .await?;
                }
                let t = now();
                let community = communities::ActiveModel {
                    name: Set(new.name.into_inner()),
                    stage: Set(Stage::Theme),
                    parent_id: Set(new.parent_id),
                    feed_mix: Set(new.feed_mix),
                    health_metrics: Set(new.health_metrics),
                    member_count: Set(1),
                    post_count: Set(0),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                let membership = memberships::ActiveModel {
                    community_id: Set(community.id),
                    user_did: Set(actor.into_inner()),
                    role: Set(Role::Owner),
                    joined_at: Set(t),
                }
                .insert(txn)
                .await?;
                let log = vec![
                    super::changes::community_change(
                        super::changes::COMMUNITY_CREATED,
                        community.id,
                    ),
                    super::changes::joined(&membership),
                ];
                super::changes::record(txn, &membership.user_did, log).await?;
                Ok(CreatedCommunity {
                    community,
                    membership,
                })
            })
        })
        .await
}

/// Changes a community's settings (owners only). A new parent must exist, be a place
/// the actor owns or moderates, and not be the community itself or one of its
/// descendants (`BAD_USER_INPUT` on `input.parentId`).
pub async fn update_community(
    store: &Store,
    actor: &Did,
    id: i64,
    changes: CommunityChanges,
) -> ApiResult<communities::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                if changes.parent_id.is_some() {
                    lock_tree(txn).await?;
                }
                let current = lock_community(txn, id).await?;
                require_role(txn, id, &actor, OWNERS, "change its settings").await?;
                if let Some(Some(parent)) = changes.parent_id
                    && Some(parent) != current.parent_id
                {
                    lock_community(txn, parent).await?;
                    require_role(txn, parent, &actor, STEWARDS, "nest communities under it")
                        .await?;
                    refuse_cycle(txn, id, parent).await?;
                }
                let mut am = current.into_active_model();
                if let Some(name) = changes.name {
                    am.name = Set(name.into_inner());
                }
                if let Some(parent) = changes.parent_id {
                    am.parent_id = Set(parent);
                }
                if let Some(mix) = changes.feed_mix {
                    am.feed_mix = Set(mix);
                }
                if let Some(metrics) = changes.health_metrics {
                    am.health_metrics = Set(metrics);
                }
                am.updated_at = Set(now());
                let row = am.update(txn).await?;
                let change =
                    super::changes::community_change(super::changes::COMMUNITY_UPDATED, row.id);
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(row)
            })
        })
        .await
}

/// `BAD_USER_INPUT` if `parent` is `id` itself or lies below it. Walks up from `parent`
/// (one lookup per level; a cycle already in the data stops the walk too).
async fn refuse_cycle(txn: &DatabaseTransaction, id: i64, parent: i64) -> ApiResult<()> {
    let cycle = || {
        ApiError::bad_input(
            "input.parentId",
            format!(
                "community {parent} is community {id} or one of its descendants; \
                 a community cannot be nested under itself"
            ),
        )
    };
    let mut seen = HashSet::new();
    let mut at = Some(parent);
    while let Some(node) = at {
        if node == id {
            return Err(cycle());
        }
        if !seen.insert(node) {
            break;
        }
        at = communities::Entity::find_by_id(node)
            .select_only()
            .column(communities::Column::ParentId)
            .into_tuple::<Option<i64>>()
            .one(txn)
            .await?
            .flatten();
    }
    Ok(())
}

/// The stage that follows `stage`, if any.
pub fn next_stage(stage: Stage) -> Option<Stage> {
    match stage {
        Stage::Theme => Some(Stage::Community),
        Stage::Community => Some(Stage::Graduated),
        Stage::Graduated => None,
    }
}

fn rank(stage: Stage) -> u8 {
    match stage {
        Stage::Theme => 0,
        Stage::Community => 1,
        Stage::Graduated => 2,
    }
}

/// Moves a community one step along its lifecycle, theme → community → graduated
/// (owners only). A target that is not the next stage is `BAD_USER_INPUT` on
/// `input.stage` (stages are never skipped nor undone); a community already at the target
/// is `CONFLICT` (someone advanced it meanwhile).
pub async fn advance_stage(
    store: &Store,
    actor: &Did,
    id: i64,
    to: Stage,
) -> ApiResult<communities::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let current = lock_community(txn, id).await?;
                require_role(txn, id, &actor, OWNERS, "advance its stage").await?;
                let from = current.stage;
                if from == to {
                    return Err(ApiError::Conflict(format!(
                        "community {id} is already at stage {}",
                        stage_name(to)
                    )));
                }
                if next_stage(from) != Some(to) {
                    let why = if rank(to) < rank(from) {
                        "stages are never undone"
                    } else {
                        "stages cannot be skipped"
                    };
                    return Err(ApiError::bad_input(
                        "input.stage",
                        format!(
                            "community {id} is at stage {} and cannot move to {}: {why} \
                             (theme → community → graduated)",
                            stage_name(from),
                            stage_name(to)
                        ),
                    ));
                }
                let from = current.stage;
                let mut am = current.into_active_model();
                am.stage = Set(to);
                am.updated_at = Set(now());
                let row = am.update(txn).await?;
                let change = super::changes::community_change(
                    super::changes::COMMUNITY_STAGE_ADVANCED,
                    row.id,
                )
                .with(serde_json::json!({ "from": stage_name(from), "to": stage_name(to) }));
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(row)
            })
        })
        .await
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Theme => "theme",
        Stage::Community => "community",
        Stage::Graduated => "graduated",
    }
}

/// Deletes a community (owners only) with its feeds, their indexed posts and its
/// memberships. A community with child communities is `CONFLICT`: move or delete them
/// first. Answers the parent, if any.
pub async fn delete_community(
    store: &Store,
    actor: &Did,
    id: i64,
) -> ApiResult<Option<communities::Model>> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let current = lock_community(txn, id).await?;
                require_role(txn, id, &actor, OWNERS, "delete it").await?;
                let children = communities::Entity::find()
                    .filter(communities::Column::ParentId.eq(id))
                    .count(txn)
                    .await?;
                if children > 0 {
                    return Err(ApiError::Conflict(format!(
                        "community {id} has {children} child communities; move or delete them first"
                    )));
                }
                let res = communities::Entity::delete_by_id(id).exec(txn).await?;
                if res.rows_affected != 1 {
                    return Err(community_not_found(id));
                }
                let change =
                    super::changes::community_change(super::changes::COMMUNITY_DELETED, id);
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                match current.parent_id {
                    Some(parent) => Ok(Some(reload_community(txn, parent).await?)),
                    None => Ok(None),
                }
            })
        })
        .await
}
