//! Bellamy Book's mutation inputs, and the parsing of inputs into the service's validated
//! types (`BAD_USER_INPUT` naming `input.<field>` before any SQL). The payloads are in
//! [`super::types::payloads`].

use async_graphql::{InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::Uuid;

use super::service::chat::NewMessage;
use super::service::posts::{
    COMMENT_MAX, MEDIA_MAX, MEDIA_URL_MAX, NewComment, NewMedia, NewPost, POST_MAX, PostChanges,
};
use super::service::stories::{self, NewStory};
use super::service::users::{BIO_MAX, FULL_NAME_MAX, ProfileChanges, URL_MAX, Username};
use super::types::{
    BellamyMediaType, BellamyMessageType, BellamyPrivacy, BellamyReactionTargetType,
    BellamyReactionType, BellamyStoryType,
};
use crate::error::{ApiError, ApiResult};
use crate::inputs::change;
use crate::validate::{Email, HttpUrl, Name, Text};

/// An http(s) URL of at most `max` characters (the column's width).
fn url_max(field: &str, raw: &str, max: usize) -> ApiResult<HttpUrl> {
    let url = HttpUrl::parse(field, raw)?;
    if url.as_str().chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(url)
}

// ----------------------------------------------------------------------------- inputs

/// A new account.
#[derive(InputObject)]
pub struct BellamyRegisterInput {
    /// Email address (unique; stored lowercased; only its owner ever reads it).
    pub email: String,
    /// Username: 3-30 characters of letters, digits, `_` and `.`, stored lowercased
    /// (unique).
    pub username: String,
    /// Full name (1-255 characters).
    pub full_name: String,
    /// Password (8-1024 characters; stored as a scrypt hash, never readable).
    #[graphql(secret)]
    pub password: String,
    /// Bio (at most 2000 characters).
    pub bio: Option<String>,
    /// Profile picture URL (http/https, at most 500 characters).
    pub profile_picture_url: Option<String>,
    /// Cover photo URL (http/https, at most 500 characters).
    pub cover_photo_url: Option<String>,
}

/// Changes to the signed-in user's profile: absent fields stay, `null` clears a
/// clearable one.
#[derive(InputObject)]
pub struct BellamyUpdateProfileInput {
    /// New username (not null; unique).
    pub username: Option<String>,
    /// New full name (not null).
    pub full_name: Option<String>,
    /// New bio (`null` clears).
    pub bio: MaybeUndefined<String>,
    /// New profile picture URL (`null` clears).
    pub profile_picture_url: MaybeUndefined<String>,
    /// New cover photo URL (`null` clears).
    pub cover_photo_url: MaybeUndefined<String>,
}

/// A media item of a new post.
#[derive(InputObject)]
pub struct BellamyMediaInput {
    /// Where the file is (http/https, at most 500 characters).
    pub url: String,
    /// Image or video.
    #[graphql(name = "type")]
    pub media_type: BellamyMediaType,
}

/// A new post. `#hashtags` in the content are linked to the post.
#[derive(InputObject)]
pub struct BellamyCreatePostInput {
    /// The text (1-10000 characters).
    pub content: String,
    /// Who may see it (default `PUBLIC`).
    pub privacy: Option<BellamyPrivacy>,
    /// Images and videos, in order (at most 10).
    pub media: Option<Vec<BellamyMediaInput>>,
}

/// Changes to a post of the signed-in user: absent fields stay.
#[derive(InputObject)]
pub struct BellamyUpdatePostInput {
    /// The post.
    pub id: Uuid,
    /// New text (1-10000 characters; its hashtags replace the post's).
    pub content: Option<String>,
    /// New audience.
    pub privacy: Option<BellamyPrivacy>,
}

/// A comment on a post, or a reply to a comment.
#[derive(InputObject)]
pub struct BellamyCreateCommentInput {
    /// The post (one the signed-in user may see).
    pub post_id: Uuid,
    /// The comment replied to (a comment on the same post).
    pub parent_comment_id: Option<Uuid>,
    /// The text (1-5000 characters).
    pub content: String,
}

/// A reaction to a post or a comment.
#[derive(InputObject)]
pub struct BellamyReactInput {
    /// The post's or comment's id.
    pub target_id: Uuid,
    /// Whether `targetId` is a post or a comment.
    pub target_type: BellamyReactionTargetType,
    /// The reaction (replaces an earlier one of the user to the same target).
    #[graphql(name = "type")]
    pub reaction_type: BellamyReactionType,
}

/// The target of a reaction to remove.
#[derive(InputObject)]
pub struct BellamyUnreactInput {
    /// The post's or comment's id.
    pub target_id: Uuid,
    /// Whether `targetId` is a post or a comment.
    pub target_type: BellamyReactionTargetType,
}

/// A friend request.
#[derive(InputObject)]
pub struct BellamySendFriendRequestInput {
    /// The user asked.
    pub receiver_id: Uuid,
}

/// A new story.
#[derive(InputObject)]
pub struct BellamyPostStoryInput {
    /// The image or video (http/https, at most 500 characters).
    pub media_url: String,
    /// Image or video.
    #[graphql(name = "type")]
    pub story_type: BellamyStoryType,
    /// When it expires: in the future, at most 7 days away (default: in 24 hours).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A message body.
#[derive(InputObject)]
pub struct BellamyMessageInput {
    /// Text (1-10000 characters), or for an image or a video its http(s) URL.
    pub content: String,
    /// Text (the default), image or video.
    #[graphql(name = "type")]
    pub message_type: Option<BellamyMessageType>,
}

/// A new conversation.
#[derive(InputObject)]
pub struct BellamyStartConversationInput {
    /// The other participants (1-49 users; the signed-in user is always one and need not
    /// be listed).
    pub participant_ids: Vec<Uuid>,
    /// A first message.
    pub message: Option<BellamyMessageInput>,
}

/// A message to a conversation.
#[derive(InputObject)]
pub struct BellamySendMessageInput {
    /// The conversation (one the signed-in user is in).
    pub conversation_id: Uuid,
    /// Text (1-10000 characters), or for an image or a video its http(s) URL.
    pub content: String,
    /// Text (the default), image or video.
    #[graphql(name = "type")]
    pub message_type: Option<BellamyMessageType>,
}

// ----------------------------------------------------------------------------- parsing

impl BellamyRegisterInput {
    /// The checked fields and the password (hashed by the caller, off the async runtime).
    pub fn parse(self) -> ApiResult<(NewUserFields, String)> {
        let fields = NewUserFields {
            email: Email::parse("input.email", &self.email)?,
            username: Username::parse("input.username", &self.username)?,
            full_name: Name::parse("input.fullName", &self.full_name, FULL_NAME_MAX)?,
            bio: self
                .bio
                .map(|b| Text::parse("input.bio", &b, BIO_MAX))
                .transpose()?,
            profile_picture_url: self
                .profile_picture_url
                .map(|u| url_max("input.profilePictureUrl", &u, URL_MAX))
                .transpose()?,
            cover_photo_url: self
                .cover_photo_url
                .map(|u| url_max("input.coverPhotoUrl", &u, URL_MAX))
                .transpose()?,
        };
        crate::auth::password::check_new("input.password", &self.password)?;
        Ok((fields, self.password))
    }
}

/// A registration's fields but the password.
pub struct NewUserFields {
    /// Email address.
    pub email: Email,
    /// Username.
    pub username: Username,
    /// Full name.
    pub full_name: Name,
    /// Bio.
    pub bio: Option<Text>,
    /// Profile picture.
    pub profile_picture_url: Option<HttpUrl>,
    /// Cover photo.
    pub cover_photo_url: Option<HttpUrl>,
}

impl BellamyUpdateProfileInput {
    /// The checked changes.
    pub fn parse(self) -> ApiResult<ProfileChanges> {
        Ok(ProfileChanges {
            username: self
                .username
                .map(|u| Username::parse("input.username", &u))
                .transpose()?,
            full_name: self
                .full_name
                .map(|n| Name::parse("input.fullName", &n, FULL_NAME_MAX))
                .transpose()?,
            bio: change(self.bio, |b| Text::parse("input.bio", &b, BIO_MAX))?,
            profile_picture_url: change(self.profile_picture_url, |u| {
                url_max("input.profilePictureUrl", &u, URL_MAX)
            })?,
            cover_photo_url: change(self.cover_photo_url, |u| {
                url_max("input.coverPhotoUrl", &u, URL_MAX)
            })?,
        })
    }
}

fn post_content(raw: &str) -> ApiResult<Text> {
    Text::parse_non_empty("input.content", raw, POST_MAX)
}

impl BellamyCreatePostInput {
    /// The checked post.
    pub fn parse(self) -> ApiResult<NewPost> {
        let media = self.media.unwrap_or_default();
        if media.len() > MEDIA_MAX {
            return Err(ApiError::bad_input(
                "input.media",
                format!("input.media may hold at most {MEDIA_MAX} items"),
            ));
        }
        Ok(NewPost {
            content: post_content(&self.content)?,
            privacy: self.privacy.unwrap_or(BellamyPrivacy::Public).into(),
            media: media
                .into_iter()
                .enumerate()
                .map(|(i, m)| {
                    Ok(NewMedia {
                        url: url_max(&format!("input.media[{i}].url"), &m.url, MEDIA_URL_MAX)?,
                        kind: m.media_type.into(),
                    })
                })
                .collect::<ApiResult<_>>()?,
        })
    }
}

impl BellamyUpdatePostInput {
    /// The post and its checked changes.
    pub fn parse(self) -> ApiResult<(Uuid, PostChanges)> {
        Ok((
            self.id,
            PostChanges {
                content: self.content.map(|c| post_content(&c)).transpose()?,
                privacy: self.privacy.map(Into::into),
            },
        ))
    }
}

impl BellamyCreateCommentInput {
    /// The checked comment.
    pub fn parse(self) -> ApiResult<NewComment> {
        Ok(NewComment {
            post_id: self.post_id,
            parent_comment_id: self.parent_comment_id,
            content: Text::parse_non_empty("input.content", &self.content, COMMENT_MAX)?,
        })
    }
}

impl BellamyPostStoryInput {
    /// The checked story (its expiry is checked against the clock by the service).
    pub fn parse(self) -> ApiResult<NewStory> {
        Ok(NewStory {
            media_url: url_max("input.mediaUrl", &self.media_url, stories::MEDIA_URL_MAX)?,
            kind: self.story_type.into(),
            expires_at: self.expires_at,
        })
    }
}

/// A message body from its input fields (`prefix` is where they sit in the input).
pub fn message(
    prefix: &str,
    content: &str,
    kind: Option<BellamyMessageType>,
) -> ApiResult<NewMessage> {
    NewMessage::parse(
        &format!("{prefix}content"),
        content,
        kind.unwrap_or(BellamyMessageType::Text).into(),
    )
}
