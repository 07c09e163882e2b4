//! Posts (with their media and hashtags) and comments.

use std::collections::BTreeSet;

use entity::bellamy::enums::{MediaType, Privacy, ReactionTargetType};
use entity::bellamy::{comments, hashtags, media, post_hashtags, posts, reactions};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde_json::json;

use super::{Lock, acting_user, changes, excerpt, kind, notify, now, record, visible_post};
use crate::error::{ApiError, ApiResult};
use crate::validate::{HttpUrl, Text};
use crate::write::Store;

/// Longest post.
pub const POST_MAX: usize = 10_000;
/// Longest comment.
pub const COMMENT_MAX: usize = 5_000;
/// Most media items on one post.
pub const MEDIA_MAX: usize = 10;
/// Longest media URL (the column holds 500).
pub const MEDIA_URL_MAX: usize = 500;
/// Longest hashtag (the column holds 100).
pub const HASHTAG_MAX: usize = 100;
/// Most hashtags linked from one post.
pub const HASHTAGS_MAX: usize = 30;

/// A validated media item of a new post.
#[derive(Clone, Debug)]
pub struct NewMedia {
    /// Where the file is.
    pub url: HttpUrl,
    /// Image or video.
    pub kind: MediaType,
}

/// A validated new post.
#[derive(Clone, Debug)]
pub struct NewPost {
    /// The text (hashtags in it are linked).
    pub content: Text,
    /// Who may see it.
    pub privacy: Privacy,
    /// Its media, in order.
    pub media: Vec<NewMedia>,
}

/// A validated post change; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct PostChanges {
    /// New text (its hashtags replace the post's links).
    pub content: Option<Text>,
    /// New audience.
    pub privacy: Option<Privacy>,
}

impl PostChanges {
    /// The input fields given (as GraphQL names them), for the change log.
    pub fn fields(&self) -> Vec<&'static str> {
        crate::events::log::given(&[
            ("content", self.content.is_some()),
            ("privacy", self.privacy.is_some()),
        ])
    }
}

/// A validated new comment.
#[derive(Clone, Debug)]
pub struct NewComment {
    /// The post commented on.
    pub post_id: Uuid,
    /// The comment replied to (on the same post), if a reply.
    pub parent_comment_id: Option<Uuid>,
    /// The text.
    pub content: Text,
}

/// A hashtag the way it is stored (and matched): without its leading `#`, lowercased.
/// `#Rust`, `rust` and ` #RUST ` all give `rust`. Every tag a client gives (lookups,
/// filters) goes through this, as do the tags [`hashtags_of`] extracts.
pub fn normalize_hashtag(raw: &str) -> String {
    let raw = raw.trim();
    raw.strip_prefix('#').unwrap_or(raw).to_lowercase()
}

/// The hashtags of `text`: `#` followed by letters, digits or `_` (not preceded by a word
/// character), normalised by [`normalize_hashtag`], each once, at most [`HASHTAGS_MAX`]; a
/// tag longer than [`HASHTAG_MAX`] characters is not a tag.
pub fn hashtags_of(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut tags = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '#' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_');
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        let tag: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if tag.is_empty() || tag.chars().count() > HASHTAG_MAX {
            continue;
        }
        let tag = normalize_hashtag(&tag);
        if seen.insert(tag.clone()) {
            tags.push(tag);
            if tags.len() == HASHTAGS_MAX {
                break;
            }
        }
    }
    tags
}

/// Links `post` to the hashtags of `content` (creating missing hashtags), replacing its
/// previous links.
async fn link_hashtags<C: ConnectionTrait>(txn: &C, post: Uuid, content: &str) -> ApiResult<()> {
    post_hashtags::Entity::delete_many()
        .filter(post_hashtags::Column::PostId.eq(post))
        .exec(txn)
        .await?;
    let tags = hashtags_of(content);
    if tags.is_empty() {
        return Ok(());
    }
    let t = now();
    // Atomic on both backends: a tag created concurrently is found by the select below.
    hashtags::Entity::insert_many(tags.iter().map(|tag| {
        hashtags::Model {
            id: Uuid::new_v4(),
            tag: tag.clone(),
            created_at: t,
        }
        .into_active_model()
    }))
    .on_conflict(
        OnConflict::column(hashtags::Column::Tag)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let ids: Vec<Uuid> = hashtags::Entity::find()
        .select_only()
        .column(hashtags::Column::Id)
        .filter(hashtags::Column::Tag.is_in(tags))
        .into_tuple()
        .all(txn)
        .await?;
    post_hashtags::Entity::insert_many(ids.into_iter().map(|hashtag_id| {
        post_hashtags::ActiveModel {
            post_id: Set(post),
            hashtag_id: Set(hashtag_id),
        }
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// The post `id`, locked, if `actor` wrote it: `NOT_FOUND`, `FORBIDDEN` (hidden, or not
/// the author's).
async fn own_post<C: ConnectionTrait>(txn: &C, actor: Uuid, id: Uuid) -> ApiResult<posts::Model> {
    let post = visible_post(txn, actor, id, Lock::Exclusive).await?;
    if post.author_id != actor {
        return Err(ApiError::Forbidden(
            "only the post's author may change or delete it".into(),
        ));
    }
    Ok(post)
}

/// Creates a post of the actor with its media and hashtag links.
pub async fn create_post(store: &Store, actor: Uuid, new: NewPost) -> ApiResult<posts::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                acting_user(txn, actor).await?;
                let t = now();
                let post = posts::Model {
                    id: Uuid::new_v4(),
                    author_id: actor,
                    content: new.content.into_inner(),
                    privacy: new.privacy,
                    created_at: t,
                    updated_at: t,
                }
                .into_active_model()
                .insert(txn)
                .await?;
                if !new.media.is_empty() {
                    media::Entity::insert_many(new.media.into_iter().enumerate().map(|(i, m)| {
                        media::Model {
                            id: Uuid::new_v4(),
                            post_id: post.id,
                            url: m.url.into_inner(),
                            r#type: m.kind,
                            position: i32::try_from(i).unwrap_or(i32::MAX),
                            created_at: t,
                        }
                        .into_active_model()
                    }))
                    .exec_without_returning(txn)
                    .await?;
                }
                link_hashtags(txn, post.id, &post.content).await?;
                record(txn, actor, vec![changes::post_created(&post)]).await?;
                Ok(post)
            })
        })
        .await
}

/// Changes a post of the actor.
pub async fn update_post(
    store: &Store,
    actor: Uuid,
    id: Uuid,
    changes: PostChanges,
) -> ApiResult<posts::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let post = own_post(txn, actor, id).await?;
                let fields = changes.fields();
                let mut row = post.into_active_model();
                let content = changes.content.map(Text::into_inner);
                if let Some(c) = &content {
                    row.content = Set(c.clone());
                }
                if let Some(p) = changes.privacy {
                    row.privacy = Set(p);
                }
                row.updated_at = Set(now());
                let post = row.update(txn).await?;
                if let Some(c) = content {
                    link_hashtags(txn, id, &c).await?;
                }
                record(txn, actor, vec![changes::post_updated(&post, &fields)]).await?;
                Ok(post)
            })
        })
        .await
}

/// Deletes the reactions to the comments `ids`, then the comments (one statement, so a
/// reply and its parent go together).
async fn delete_comments<C: ConnectionTrait>(txn: &C, ids: Vec<Uuid>) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    reactions::Entity::delete_many()
        .filter(reactions::Column::TargetType.eq(ReactionTargetType::Comment))
        .filter(reactions::Column::TargetId.is_in(ids.clone()))
        .exec(txn)
        .await?;
    comments::Entity::delete_many()
        .filter(comments::Column::Id.is_in(ids))
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes a post of the actor with its comments, reactions (to it and to its comments),
/// media and hashtag links. Returns its id.
pub async fn delete_post(store: &Store, actor: Uuid, id: Uuid) -> ApiResult<Uuid> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let post = own_post(txn, actor, id).await?;
                let ids: Vec<Uuid> = comments::Entity::find()
                    .select_only()
                    .column(comments::Column::Id)
                    .filter(comments::Column::PostId.eq(id))
                    .into_tuple()
                    .all(txn)
                    .await?;
                delete_comments(txn, ids).await?;
                reactions::Entity::delete_many()
                    .filter(reactions::Column::TargetType.eq(ReactionTargetType::Post))
                    .filter(reactions::Column::TargetId.eq(id))
                    .exec(txn)
                    .await?;
                posts::Entity::delete_by_id(id).exec(txn).await?;
                record(txn, actor, vec![changes::post_deleted(&post)]).await?;
                Ok(id)
            })
        })
        .await
}

/// Comments on a post the actor may see, or replies to one of its comments. Notifies the
/// post's author (`comment`) and, for a reply, the parent comment's author
/// (`comment_reply`), never the actor. Returns the comment and its post.
pub async fn create_comment(
    store: &Store,
    actor: Uuid,
    new: NewComment,
) -> ApiResult<(comments::Model, posts::Model)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let me = acting_user(txn, actor).await?;
                let post = visible_post(txn, actor, new.post_id, Lock::Shared).await?;
                let parent = match new.parent_comment_id {
                    None => None,
                    Some(pid) => {
                        let parent = comments::Entity::find_by_id(pid)
                            .lock_shared()
                            .one(txn)
                            .await?
                            .filter(|c| c.post_id == post.id)
                            .ok_or_else(|| {
                                ApiError::bad_input(
                                    "input.parentCommentId",
                                    "input.parentCommentId is not a comment on this post",
                                )
                            })?;
                        Some(parent)
                    }
                };
                let comment = comments::Model {
                    id: Uuid::new_v4(),
                    post_id: post.id,
                    author_id: actor,
                    content: new.content.into_inner(),
                    parent_comment_id: parent.as_ref().map(|p| p.id),
                    created_at: now(),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                let name = &me.full_name;
                let replied_to = parent.as_ref().map(|p| p.author_id);
                let mut log = vec![changes::comment(&comment)];
                if let Some(to) = replied_to.filter(|a| *a != actor) {
                    let n = notify(
                        txn,
                        to,
                        kind::COMMENT_REPLY,
                        format!("{name} replied"),
                        format!("{name} replied to your comment."),
                        json!({
                            "postId": post.id,
                            "commentId": comment.id,
                            "parentCommentId": comment.parent_comment_id,
                        }),
                    )
                    .await?;
                    log.push(changes::notification(&n));
                }
                if post.author_id != actor && Some(post.author_id) != replied_to {
                    let n = notify(
                        txn,
                        post.author_id,
                        kind::COMMENT,
                        format!("{name} commented"),
                        format!(
                            "{name} commented on your post \"{}\".",
                            excerpt(&post.content)
                        ),
                        json!({ "postId": post.id, "commentId": comment.id }),
                    )
                    .await?;
                    log.push(changes::notification(&n));
                }
                record(txn, actor, log).await?;
                Ok((comment, post))
            })
        })
        .await
}

/// Deletes a comment with all its replies (and their replies) and the reactions to them.
/// The comment's author and the post's author may. Returns the deleted ids (the comment's
/// first) and the post.
pub async fn delete_comment(
    store: &Store,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<(Vec<Uuid>, posts::Model)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let comment = comments::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("comment".into()))?;
                let post = visible_post(txn, actor, comment.post_id, Lock::Exclusive)
                    .await
                    .map_err(|e| match e {
                        ApiError::Forbidden(_) => super::Hidden::Comment.error(),
                        e => e,
                    })?;
                // Deleted while the post lock was awaited: gone.
                comments::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("comment".into()))?;
                if comment.author_id != actor && post.author_id != actor {
                    return Err(ApiError::Forbidden(
                        "only the comment's author or the post's author may delete it".into(),
                    ));
                }
                // The subtree, level by level (a thread is shallow; each level is one query).
                let mut all = vec![id];
                let mut level = vec![id];
                while !level.is_empty() {
                    level = comments::Entity::find()
                        .select_only()
                        .column(comments::Column::Id)
                        .filter(comments::Column::ParentCommentId.is_in(level))
                        .into_tuple()
                        .all(txn)
                        .await?;
                    all.extend(level.iter().copied());
                }
                delete_comments(txn, all.clone()).await?;
                let log = all
                    .iter()
                    .map(|c| changes::comment_deleted(post.id, *c, id))
                    .collect();
                record(txn, actor, log).await?;
                Ok((all, post))
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_words_after_a_hash_lowercased_once_each() {
        assert_eq!(
            hashtags_of("Shipping #Rust today! #rust #async_io, not a#tag, ## #"),
            vec!["rust", "async_io"]
        );
        assert_eq!(hashtags_of("#Café#crème"), vec!["café"]);
        for raw in ["Rust", "#rust", " #RUST ", "rust"] {
            assert_eq!(normalize_hashtag(raw), "rust", "{raw:?}");
        }
        assert_eq!(
            normalize_hashtag("##rust"),
            "#rust",
            "only one `#` is dropped"
        );
        assert!(hashtags_of(&format!("#{}", "a".repeat(101))).is_empty());
        let many: String = (0..40).map(|i| format!("#t{i} ")).collect();
        assert_eq!(hashtags_of(&many).len(), HASHTAGS_MAX);
    }
}
