//! Bellamy's chat: conversations, their participants and messages.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::{conversation_participants, conversations, messages};
use sea_orm::entity::prelude::Uuid;

use super::relations::{nested, visible_one};
use super::*;
use crate::batch::{self};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

node_type!(
    /// A chat between participants.
    BellamyConversation(conversations::Model)
);

/// A chat between participants.
#[Object]
impl BellamyConversation {
    /// The conversation's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// When it was started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Its last activity.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Who takes part (default order: first to join first).
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only participants matching this filter.")] filter: Option<
            Box<BellamyConversationParticipantFilter>,
        >,
        #[graphql(desc = "Sort order (default: first to join first).")] order_by: Option<
            BellamyConversationParticipantOrder,
        >,
    ) -> Result<Conn<BellamyConversationParticipant>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::participants(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyConversationParticipantOrder,
                BellamyConversationParticipantOrderField::JoinedAt,
                Asc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| ParticipantsOfConversation(c.id, l.clone()),
            |c, count: &CountRef| ParticipantCountOfConversation(c.id, count.clone()),
        )
        .await
    }

    /// The messages (default order: newest first).
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only messages matching this filter.")] filter: Option<
            Box<BellamyMessageFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyMessageOrder>,
    ) -> Result<Conn<BellamyMessage>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::messages(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyMessageOrder,
                BellamyMessageOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |c, l: &ListRef<_>| MessagesOfConversation(c.id, l.clone()),
            |c, count: &CountRef| MessageCountOfConversation(c.id, count.clone()),
        )
        .await
    }
}

node_type!(
    /// A user's membership of a conversation.
    BellamyConversationParticipant(conversation_participants::Model)
);

/// A user's membership of a conversation.
#[Object]
impl BellamyConversationParticipant {
    /// The conversation's id.
    async fn conversation_id(&self) -> Uuid {
        self.0.conversation_id
    }
    /// The participant's id.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// When they joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }
    /// When they last read the conversation; null if never.
    async fn last_read_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_read_at
    }
    /// The conversation.
    async fn conversation(&self, ctx: &Context<'_>) -> Result<Option<BellamyConversation>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |p| ConversationId(p.conversation_id, a.clone()),
            Hidden::Conversation,
        )
        .await?;
        Ok(n.map(BellamyConversation))
    }
    /// The participant.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |p| UserId(p.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A chat message.
    BellamyMessage(messages::Model)
);

/// A chat message.
#[Object]
impl BellamyMessage {
    /// The message's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The conversation's id.
    async fn conversation_id(&self) -> Uuid {
        self.0.conversation_id
    }
    /// The sender's id.
    async fn sender_id(&self) -> Uuid {
        self.0.sender_id
    }
    /// The text (or caption).
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// Text, image or video.
    async fn r#type(&self) -> BellamyMessageType {
        self.0.r#type.into()
    }
    /// Whether the message has been read.
    async fn read(&self) -> bool {
        self.0.read
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The conversation.
    async fn conversation(&self, ctx: &Context<'_>) -> Result<Option<BellamyConversation>> {
        let a = Access::of(ctx);
        let n = visible_one(
            ctx,
            &self.0,
            |m| ConversationId(m.conversation_id, a.clone()),
            Hidden::Conversation,
        )
        .await?;
        Ok(n.map(BellamyConversation))
    }
    /// The sender.
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |m| UserId(m.sender_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}
