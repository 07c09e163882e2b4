//! Bellamy Book's subscriptions, over its `change_log` (see [`crate::events`]): comments
//! on a post, messages of a conversation, the viewer's notifications.

use std::sync::Arc;

use async_graphql::futures_util::Stream;
use async_graphql::{Context, Result, SimpleObject, Subscription};
use chrono::Utc;
use entity::Domain;
use entity::bellamy::{comments, conversation_participants, conversations, notifications, posts};
use entity::change_log;
use sea_orm::entity::prelude::Uuid;
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};

use super::access::{self, Access, Hidden};
use super::service::changes;
use super::types::{BellamyComment, BellamyMessage, BellamyNotification};
use crate::auth::Viewer;
use crate::batch::Node;
use crate::context::databases;
use crate::db::Databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::events::{Topic, cursor_of, deliver};

/// Bellamy Book's subscription fields.
#[derive(Default)]
pub struct BellamySubscription;

/// A comment, delivered as it is written.
#[derive(SimpleObject)]
pub struct BellamyCommentEvent {
    /// This event's place in Bellamy's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// The new comment (select its fields and relations as in a query).
    pub comment: BellamyComment,
}

/// A message, delivered as it is sent.
#[derive(SimpleObject)]
pub struct BellamyMessageEvent {
    /// This event's place in Bellamy's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// The new message.
    pub message: BellamyMessage,
}

/// A notification, delivered as it is created.
#[derive(SimpleObject)]
pub struct BellamyNotificationEvent {
    /// This event's place in Bellamy's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// The new notification.
    pub notification: BellamyNotification,
}

/// The signed-in Bellamy user, or `UNAUTHENTICATED`.
fn signed_in(viewer: &Viewer) -> ApiResult<Uuid> {
    let subject = viewer.require(Domain::Bellamy)?;
    Uuid::parse_str(subject).map_err(|_| {
        ApiError::Unauthenticated("the token does not name a Bellamy Book user".into())
    })
}

/// The viewer's access now.
fn access_now(viewer: Option<Uuid>) -> Access {
    Access {
        viewer,
        now: Utc::now(),
    }
}

/// `NOT_FOUND` unless post `id` exists, `FORBIDDEN` (with the read rule's reason) unless
/// `viewer` may see it now.
async fn check_post(db: &DatabaseConnection, viewer: Option<Uuid>, id: Uuid) -> ApiResult<()> {
    let rule = access::posts(&access_now(viewer));
    if posts::Entity::find_by_id(id)
        .filter(rule)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    match posts::Entity::find_by_id(id).one(db).await? {
        None => Err(ApiError::NotFound("post".into())),
        Some(hidden) => Err(Hidden::post(&hidden).error()),
    }
}

/// `NOT_FOUND` unless conversation `id` exists, `FORBIDDEN` unless `user` takes part.
async fn check_participant(db: &DatabaseConnection, user: Uuid, id: Uuid) -> ApiResult<()> {
    if conversation_participants::Entity::find_by_id((id, user))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    match conversations::Entity::find_by_id(id).one(db).await? {
        None => Err(ApiError::NotFound("conversation".into())),
        Some(_) => Err(Hidden::Conversation.error()),
    }
}

/// The events of `topic` with `kind` in Bellamy's log, after `after`.
async fn follow(
    dbs: &Databases,
    topic: String,
    kinds: &'static [&'static str],
    after: Option<i64>,
) -> Result<impl Stream<Item = ApiResult<Arc<change_log::Model>>> + Send + 'static + use<>> {
    dbs.feeds()
        .bellamy
        .follow(Topic::changes(topic, kinds), after, "after")
        .await
        .extend()
}

/// The row keyed by an event's subject (a UUID), if it still exists.
async fn subject<E>(db: &DatabaseConnection, row: &change_log::Model) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let Ok(id) = Uuid::parse_str(&row.subject) else {
        return Ok(None);
    };
    Ok(E::find_by_id(id).one(db).await?)
}

#[Subscription]
impl BellamySubscription {
    /// New comments (and replies) on a post, as they are written. The post must be
    /// visible to the subscriber when subscribing and at every delivery (a post made
    /// private ends the stream with `FORBIDDEN`). With `after`, the comments written since
    /// that cursor come first.
    async fn bellamy_comment_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's id.")] post_id: Uuid,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new comments only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<BellamyCommentEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let viewer = Access::of(ctx).viewer;
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        check_post(dbs.bellamy(), viewer, post_id).await.extend()?;
        let events = follow(
            &dbs,
            changes::post(post_id),
            &[changes::COMMENT_CREATED],
            after,
        )
        .await?;
        Ok(deliver(ctx, events, move |row: Arc<change_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let db = dbs.bellamy();
                check_post(db, viewer, post_id).await?;
                let comment = subject::<comments::Entity>(db, &row).await?;
                Ok(comment.map(|c| BellamyCommentEvent {
                    cursor: row.seq.to_string(),
                    comment: Node::single(c).into(),
                }))
            }
        }))
    }

    /// New messages of a conversation, as they are sent. Participants only (signed in):
    /// anyone else gets `FORBIDDEN`, and a participant who leaves the conversation stops
    /// receiving (`FORBIDDEN` ends the stream). With `after`, the messages sent since
    /// that cursor come first.
    async fn bellamy_message_sent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] conversation_id: Uuid,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new messages only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<BellamyMessageEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let me = signed_in(ctx.data::<Viewer>()?).extend()?;
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        check_participant(dbs.bellamy(), me, conversation_id)
            .await
            .extend()?;
        let events = follow(
            &dbs,
            changes::conversation(conversation_id),
            &[changes::MESSAGE_CREATED],
            after,
        )
        .await?;
        Ok(deliver(ctx, events, move |row: Arc<change_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let db = dbs.bellamy();
                check_participant(db, me, conversation_id).await?;
                let message = subject::<entity::bellamy::messages::Entity>(db, &row).await?;
                Ok(message.map(|m| BellamyMessageEvent {
                    cursor: row.seq.to_string(),
                    message: Node::single(m).into(),
                }))
            }
        }))
    }

    /// The signed-in user's new notifications, as they are created. With `after`, the
    /// notifications created since that cursor come first.
    async fn bellamy_notification_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Resume after this event's `cursor`; omit for new notifications only.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<BellamyNotificationEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let me = signed_in(ctx.data::<Viewer>()?).extend()?;
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        let events = follow(
            &dbs,
            changes::user(me),
            &[changes::NOTIFICATION_CREATED],
            after,
        )
        .await?;
        Ok(deliver(ctx, events, move |row: Arc<change_log::Model>| {
            let dbs = dbs.clone();
            async move {
                let n = subject::<notifications::Entity>(dbs.bellamy(), &row).await?;
                // The topic is the recipient; the row says so too.
                Ok(n.filter(|n| n.user_id == me)
                    .map(|n| BellamyNotificationEvent {
                        cursor: row.seq.to_string(),
                        notification: Node::single(n).into(),
                    }))
            }
        }))
    }
}
