//! Stories and their views.

use chrono::{DateTime, Duration, Utc};
use entity::bellamy::enums::StoryType;
use entity::bellamy::{stories, story_viewers};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{
    ActiveModelTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, TryInsertResult,
};
use serde_json::json;

use super::{Hidden, access, access_of, acting_user, changes, kind, notify, now, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::HttpUrl;
use crate::write::Store;

/// How long a story lives unless told otherwise.
pub const DEFAULT_LIFETIME: Duration = Duration::hours(24);
/// The longest a story may live.
pub const MAX_LIFETIME: Duration = Duration::days(7);
/// Longest media URL (the column holds 500).
pub const MEDIA_URL_MAX: usize = 500;

/// A validated new story.
#[derive(Clone, Debug)]
pub struct NewStory {
    /// The image or video.
    pub media_url: HttpUrl,
    /// Image or video.
    pub kind: StoryType,
    /// When it expires (`None`: [`DEFAULT_LIFETIME`] from now).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Checks a requested expiry against `now`: in the future, at most [`MAX_LIFETIME`] away.
pub fn check_expiry(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> ApiResult<()> {
    if at <= now {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be in the future"),
        ));
    }
    if at > now + MAX_LIFETIME {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be at most 7 days away"),
        ));
    }
    Ok(())
}

/// Posts a story of the actor, expiring after 24 hours unless `expires_at` says when.
pub async fn post_story(store: &Store, actor: Uuid, new: NewStory) -> ApiResult<stories::Model> {
    let t = now();
    if let Some(at) = new.expires_at {
        check_expiry("input.expiresAt", at, t)?;
    }
    store
        .transaction(|txn| {
            Box::pin(async move {
                acting_user(txn, actor).await?;
                let story = stories::Model {
                    id: Uuid::new_v4(),
                    user_id: actor,
                    media_url: new.media_url.into_inner(),
                    r#type: new.kind,
                    created_at: t,
                    expires_at: new.expires_at.unwrap_or(t + DEFAULT_LIFETIME),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, actor, vec![changes::story_posted(&story)]).await?;
                Ok(story)
            })
        })
        .await
}

/// Deletes a story of the actor (its views go with it).
pub async fn delete_story(store: &Store, actor: Uuid, id: Uuid) -> ApiResult<Uuid> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let story = stories::Entity::find_by_id(id)
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("story".into()))?;
                if story.user_id != actor {
                    return Err(ApiError::Forbidden(
                        "only the story's author may delete it".into(),
                    ));
                }
                stories::Entity::delete_by_id(id).exec(txn).await?;
                record(txn, actor, vec![changes::story_deleted(&story)]).await?;
                Ok(id)
            })
        })
        .await
}

/// Records that the actor viewed a story they may see (a friend's live story), once per
/// viewer: viewing again keeps the first view. The first view notifies the author
/// (`story_view`). The author's own views are not recorded (`None`).
pub async fn view_story(
    store: &Store,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<(stories::Model, Option<story_viewers::Model>)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let me = acting_user(txn, actor).await?;
                // The read rule: the author's own stories, friends' live ones.
                let a = access_of(actor);
                let visible = stories::Entity::find_by_id(id)
                    .filter(access::stories(&a))
                    .lock_shared()
                    .one(txn)
                    .await?;
                let story = match visible {
                    Some(story) => story,
                    None => {
                        return Err(match stories::Entity::find_by_id(id).one(txn).await? {
                            None => ApiError::NotFound("story".into()),
                            Some(hidden) => Hidden::story(&a, &hidden).error(),
                        });
                    }
                };
                if story.user_id == actor {
                    return Ok((story, None));
                }
                let t = a.now;
                let inserted = story_viewers::Entity::insert(
                    story_viewers::Model {
                        story_id: id,
                        user_id: actor,
                        viewed_at: t,
                    }
                    .into_active_model(),
                )
                .on_conflict_do_nothing_on([
                    story_viewers::Column::StoryId,
                    story_viewers::Column::UserId,
                ])
                .exec_without_returning(txn)
                .await?;
                let view = story_viewers::Entity::find_by_id((id, actor))
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::internal("story view missing after insert"))?;
                if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
                    let name = &me.full_name;
                    let n = notify(
                        txn,
                        story.user_id,
                        kind::STORY_VIEW,
                        format!("{name} viewed your story"),
                        format!("{name} viewed your story."),
                        json!({ "storyId": id, "userId": actor }),
                    )
                    .await?;
                    let log = vec![changes::story_viewed(&view), changes::notification(&n)];
                    record(txn, actor, log).await?;
                }
                Ok((story, Some(view)))
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_are_future_and_within_a_week() {
        let t = Utc::now();
        assert!(check_expiry("e", t + Duration::hours(1), t).is_ok());
        assert!(check_expiry("e", t + Duration::days(7), t).is_ok());
        for bad in [t, t - Duration::seconds(1), t + Duration::days(8)] {
            assert_eq!(
                check_expiry("e", bad, t).unwrap_err().code(),
                "BAD_USER_INPUT"
            );
        }
    }
}
