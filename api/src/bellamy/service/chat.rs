//! Conversations and messages.
//!
//! Only a conversation's participants may write to it or read it (the read rule); anyone
//! else gets `FORBIDDEN`. Starting a one-to-one conversation with a user the actor already
//! has one with returns that conversation instead of a second one.

use std::collections::BTreeSet;

use entity::bellamy::enums::MessageType;
use entity::bellamy::{conversation_participants as participants, conversations, messages, users};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};

use super::{Hidden, acting_user, changes, lock_pair, now, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::{HttpUrl, Text};
use crate::write::Store;

/// Longest text message.
pub const MESSAGE_MAX: usize = 10_000;
/// Most other participants of a new conversation.
pub const PARTICIPANTS_MAX: usize = 49;

/// A validated message body.
#[derive(Clone, Debug)]
pub struct NewMessage {
    /// Text, or the URL of the image or video.
    pub content: String,
    /// Text, image or video.
    pub kind: MessageType,
}

impl NewMessage {
    /// Checks `content` for its `kind`: text is non-empty and at most [`MESSAGE_MAX`]
    /// characters; an image or video is an http(s) URL.
    pub fn parse(field: &str, content: &str, kind: MessageType) -> ApiResult<Self> {
        let content = match kind {
            MessageType::Text => Text::parse_non_empty(field, content, MESSAGE_MAX)?.into_inner(),
            MessageType::Image | MessageType::Video => HttpUrl::parse(field, content)?.into_inner(),
        };
        Ok(Self { content, kind })
    }
}

/// A validated new conversation.
#[derive(Clone, Debug)]
pub struct NewConversation {
    /// The other participants (not the actor), each once.
    pub others: BTreeSet<Uuid>,
    /// A first message, if any.
    pub message: Option<NewMessage>,
}

impl NewConversation {
    /// Checks the participant list: the actor is implied (and dropped if listed),
    /// duplicates collapse, and 1 to [`PARTICIPANTS_MAX`] others remain.
    pub fn parse(
        field: &str,
        actor: Uuid,
        ids: Vec<Uuid>,
        message: Option<NewMessage>,
    ) -> ApiResult<Self> {
        let others: BTreeSet<Uuid> = ids.into_iter().filter(|id| *id != actor).collect();
        if others.is_empty() {
            return Err(ApiError::bad_input(
                field,
                format!("{field} must name at least one other user"),
            ));
        }
        if others.len() > PARTICIPANTS_MAX {
            return Err(ApiError::bad_input(
                field,
                format!("{field} may name at most {PARTICIPANTS_MAX} other users"),
            ));
        }
        Ok(Self { others, message })
    }
}

/// The actor's membership of conversation `id`: `NOT_FOUND` when the conversation does
/// not exist, `FORBIDDEN` when the actor is not in it.
async fn membership<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<participants::Model> {
    conversations::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("conversation".into()))?;
    participants::Entity::find_by_id((id, actor))
        .one(txn)
        .await?
        .ok_or_else(|| Hidden::Conversation.error())
}

/// The conversation whose participants are exactly `a` and `b`, if any.
async fn one_to_one<C: ConnectionTrait>(txn: &C, a: Uuid, b: Uuid) -> ApiResult<Option<Uuid>> {
    let of = |u: Uuid| {
        Query::select()
            .column(participants::Column::ConversationId)
            .from(participants::Entity)
            .and_where(participants::Column::UserId.eq(u))
            .to_owned()
    };
    let candidates: Vec<Uuid> = participants::Entity::find()
        .select_only()
        .column(participants::Column::ConversationId)
        .filter(participants::Column::ConversationId.in_subquery(of(a)))
        .filter(participants::Column::ConversationId.in_subquery(of(b)))
        .group_by(participants::Column::ConversationId)
        .having(Expr::col(participants::Column::UserId).count().eq(2))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(candidates.into_iter().next())
}

/// Adds a message from `sender`, moves the conversation's `updatedAt`, and marks the
/// conversation read for the sender. Locks the conversation first (as every message
/// does), so messages to one conversation are written one at a time. The caller records
/// the message's change (`message.created`), which this returns.
async fn add_message<C: ConnectionTrait>(
    txn: &C,
    conversation: Uuid,
    sender: Uuid,
    body: NewMessage,
) -> ApiResult<(messages::Model, conversations::Model)> {
    conversations::Entity::find_by_id(conversation)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("conversation".into()))?;
    let t = now();
    let message = messages::Model {
        id: Uuid::new_v4(),
        conversation_id: conversation,
        sender_id: sender,
        content: body.content,
        r#type: body.kind,
        read: false,
        created_at: t,
    }
    .into_active_model()
    .insert(txn)
    .await?;
    let conv = conversations::ActiveModel {
        id: Set(conversation),
        updated_at: Set(t),
        ..Default::default()
    }
    .update(txn)
    .await?;
    participants::ActiveModel {
        conversation_id: Set(conversation),
        user_id: Set(sender),
        last_read_at: Set(Some(t)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    Ok((message, conv))
}

/// Starts a conversation of the actor with `others` (who must all exist:
/// `BAD_USER_INPUT` on `field` otherwise), with an optional first message. A one-to-one
/// conversation that already exists is reused. Returns the conversation and the message.
pub async fn start_conversation(
    store: &Store,
    actor: Uuid,
    field: &'static str,
    new: NewConversation,
) -> ApiResult<(conversations::Model, Option<messages::Model>)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let others: Vec<Uuid> = new.others.iter().copied().collect();
                let existing = if let [other] = others[..] {
                    // Serialise with a concurrent start of the same pair.
                    lock_pair(txn, actor, other).await.map_err(|e| match e {
                        ApiError::NotFound(_) => {
                            ApiError::bad_input(field, format!("user {other} does not exist"))
                        }
                        e => e,
                    })?;
                    one_to_one(txn, actor, other).await?
                } else {
                    acting_user(txn, actor).await?;
                    let found = users::Entity::find()
                        .filter(users::Column::Id.is_in(others.clone()))
                        .count(txn)
                        .await?;
                    if found != others.len() as u64 {
                        let known: BTreeSet<Uuid> = users::Entity::find()
                            .select_only()
                            .column(users::Column::Id)
                            .filter(users::Column::Id.is_in(others.clone()))
                            .into_tuple()
                            .all(txn)
                            .await?
                            .into_iter()
                            .collect();
                        let missing: Vec<String> = others
                            .iter()
                            .filter(|id| !known.contains(id))
                            .map(Uuid::to_string)
                            .collect();
                        return Err(ApiError::bad_input(
                            field,
                            format!("no such user: {}", missing.join(", ")),
                        ));
                    }
                    None
                };
                let t = now();
                let mut log = Vec::new();
                let conversation = match existing {
                    Some(id) => conversations::Entity::find_by_id(id)
                        .one(txn)
                        .await?
                        .ok_or_else(|| ApiError::internal("conversation vanished"))?,
                    None => {
                        let c = conversations::Model {
                            id: Uuid::new_v4(),
                            created_at: t,
                            updated_at: t,
                        }
                        .into_active_model()
                        .insert(txn)
                        .await?;
                        participants::Entity::insert_many(
                            std::iter::once(actor)
                                .chain(others.iter().copied())
                                .map(|u| {
                                    participants::Model {
                                        conversation_id: c.id,
                                        user_id: u,
                                        joined_at: t,
                                        last_read_at: (u == actor).then_some(t),
                                    }
                                    .into_active_model()
                                }),
                        )
                        .exec_without_returning(txn)
                        .await?;
                        let everyone: Vec<Uuid> = std::iter::once(actor)
                            .chain(others.iter().copied())
                            .collect();
                        log.push(changes::conversation_started(&c, &everyone));
                        c
                    }
                };
                let (conversation, message) = match new.message {
                    None => (conversation, None),
                    Some(body) => {
                        let (m, c) = add_message(txn, conversation.id, actor, body).await?;
                        log.push(changes::message(&m));
                        (c, Some(m))
                    }
                };
                record(txn, actor, log).await?;
                Ok((conversation, message))
            })
        })
        .await
}

/// Sends a message to a conversation the actor is in.
pub async fn send_message(
    store: &Store,
    actor: Uuid,
    conversation: Uuid,
    body: NewMessage,
) -> ApiResult<(messages::Model, conversations::Model)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                membership(txn, actor, conversation).await?;
                let (m, c) = add_message(txn, conversation, actor, body).await?;
                record(txn, actor, vec![changes::message(&m)]).await?;
                Ok((m, c))
            })
        })
        .await
}

/// Marks a conversation read for the actor: the others' messages in it become `read`,
/// and the actor's `lastReadAt` moves to now. Returns the membership and how many
/// messages changed.
pub async fn mark_conversation_read(
    store: &Store,
    actor: Uuid,
    conversation: Uuid,
) -> ApiResult<(participants::Model, u64)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let me = membership(txn, actor, conversation).await?;
                let done = messages::Entity::update_many()
                    .col_expr(messages::Column::Read, Expr::value(true))
                    .filter(messages::Column::ConversationId.eq(conversation))
                    .filter(messages::Column::SenderId.ne(actor))
                    .filter(messages::Column::Read.eq(false))
                    .exec(txn)
                    .await?;
                let mut row = me.into_active_model();
                row.last_read_at = Set(Some(now()));
                let me = row.update(txn).await?;
                let read = changes::conversation_read(conversation, actor, done.rows_affected);
                record(txn, actor, vec![read]).await?;
                Ok((me, done.rows_affected))
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_bodies_follow_their_type() {
        assert!(NewMessage::parse("c", "hi", MessageType::Text).is_ok());
        assert!(NewMessage::parse("c", "https://x.test/a.png", MessageType::Image).is_ok());
        for (c, k) in [
            ("  ", MessageType::Text),
            ("hello", MessageType::Image),
            ("ftp://x.test/v", MessageType::Video),
        ] {
            let e = NewMessage::parse("input.content", c, k).unwrap_err();
            assert_eq!(e.code(), "BAD_USER_INPUT", "{c}");
        }
    }

    #[test]
    fn participants_drop_the_actor_and_duplicates() {
        let (me, a, b) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let c = NewConversation::parse("p", me, vec![a, me, b, a], None).unwrap();
        assert_eq!(c.others.into_iter().collect::<Vec<_>>(), vec![a, b]);
        assert!(NewConversation::parse("p", me, vec![me], None).is_err());
        let many = (10..60).map(Uuid::from_u128).collect();
        assert!(NewConversation::parse("p", me, many, None).is_err());
    }
}
