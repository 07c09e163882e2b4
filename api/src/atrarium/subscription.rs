//! Atrarium's subscriptions, over its `change_log` (see [`crate::events`]): new posts in a
//! theme feed, membership changes of a community. Atrarium's data is public.

use std::sync::Arc;

use async_graphql::futures_util::Stream;
use async_graphql::{Context, ErrorExtensions, Result, Subscription};
use entity::atrarium::{Role, communities, memberships, post_index, theme_feeds};
use entity::change_log;
use sea_orm::{ActiveEnum, EntityTrait};

use super::service::changes;
use super::types::{AtrariumFeedPostEvent, AtrariumMembershipChangeKind, AtrariumMembershipEvent};
use crate::batch::Node;
use crate::context::databases;
use crate::db::Databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::events::{Topic, cursor_of, deliver};
use crate::scalars::BigInt;

/// Atrarium's subscription fields.
#[derive(Default)]
pub struct AtrariumSubscription;

/// The events of `topic` with one of `kinds` in Atrarium's log, after `after`.
async fn follow(
    dbs: &Databases,
    topic: String,
    kinds: &'static [&'static str],
    after: Option<i64>,
) -> Result<impl Stream<Item = ApiResult<Arc<change_log::Model>>> + Send + 'static + use<>> {
    dbs.feeds()
        .atrarium
        .follow(Topic::changes(topic, kinds), after, "after")
        .await
        .extend()
}

#[Subscription]
impl AtrariumSubscription {
    /// Posts as they are indexed into a theme feed. With `after`, the posts indexed
    /// since that cursor come first (those taken out again since are skipped).
    async fn atrarium_post_indexed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The theme feed's id.")] feed_id: BigInt,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new posts only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<AtrariumFeedPostEvent>> + use<>> {
        let feed_id = feed_id.0;
        let dbs = databases(ctx)?.clone();
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        theme_feeds::Entity::find_by_id(feed_id)
            .one(dbs.atrarium())
            .await
            .extend()?
            .ok_or_else(|| ApiError::NotFound(format!("theme feed {feed_id}")).extend())?;
        let events = follow(
            &dbs,
            changes::feed(feed_id),
            &[changes::POST_INDEXED],
            after,
        )
        .await?;
        Ok(deliver(ctx, events, move |row: Arc<change_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let Ok(id) = row.subject.parse::<i64>() else {
                    return Ok(None);
                };
                let post = post_index::Entity::find_by_id(id)
                    .one(dbs.atrarium())
                    .await?;
                Ok(post.map(|p| AtrariumFeedPostEvent {
                    cursor: row.seq.to_string(),
                    post: Node::single(p).into(),
                }))
            }
        }))
    }

    /// Membership changes of a community (joins, role changes, departures), in order.
    /// With `after`, the changes made since that cursor come first.
    async fn atrarium_membership_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] community_id: BigInt,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new changes only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<AtrariumMembershipEvent>> + use<>> {
        let community_id = community_id.0;
        let dbs = databases(ctx)?.clone();
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        communities::Entity::find_by_id(community_id)
            .one(dbs.atrarium())
            .await
            .extend()?
            .ok_or_else(|| ApiError::NotFound(format!("community {community_id}")).extend())?;
        const KINDS: &[&str] = &[
            changes::MEMBERSHIP_JOINED,
            changes::MEMBERSHIP_ROLE_CHANGED,
            changes::MEMBERSHIP_LEFT,
        ];
        let events = follow(&dbs, changes::community(community_id), KINDS, after).await?;
        Ok(deliver(ctx, events, move |row: Arc<change_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let kind = match row.kind.as_str() {
                    changes::MEMBERSHIP_JOINED => AtrariumMembershipChangeKind::Joined,
                    changes::MEMBERSHIP_ROLE_CHANGED => AtrariumMembershipChangeKind::RoleChanged,
                    _ => AtrariumMembershipChangeKind::Left,
                };
                let membership =
                    memberships::Entity::find_by_id((community_id, row.subject.clone()))
                        .one(dbs.atrarium())
                        .await?;
                let logged_role = ["to", "role"]
                    .iter()
                    .find_map(|k| row.data.get(*k).and_then(|v| v.as_str()))
                    .and_then(|r| Role::try_from_value(&r.to_owned()).ok());
                let role = match kind {
                    AtrariumMembershipChangeKind::Left => logged_role,
                    _ => logged_role.or(membership.as_ref().map(|m| m.role)),
                };
                Ok(Some(AtrariumMembershipEvent {
                    cursor: row.seq.to_string(),
                    kind,
                    user_did: row.subject.clone(),
                    role: role.map(Into::into),
                    membership: membership.map(|m| Node::single(m).into()),
                }))
            }
        }))
    }
}
