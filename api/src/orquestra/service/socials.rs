//! A project's social links (one row per project).

use chrono::Utc;
use entity::orquestra::project_socials;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{changes, new_id, owned_project, record};
use crate::error::ApiResult;
use crate::validate::HttpUrl;
use crate::write::Store;

/// A project's social links, each an http(s) URL or absent.
#[derive(Clone, Debug, Default)]
pub struct Socials {
    /// Twitter / X.
    pub twitter: Option<HttpUrl>,
    /// Discord.
    pub discord: Option<HttpUrl>,
    /// Telegram.
    pub telegram: Option<HttpUrl>,
    /// GitHub.
    pub github: Option<HttpUrl>,
    /// Website.
    pub website: Option<HttpUrl>,
}

/// Sets the social links of a project of `user` (its one row, created when missing):
/// every link is replaced, an absent one cleared.
pub async fn upsert_socials(
    store: &Store,
    user: &str,
    project_id: &str,
    socials: Socials,
) -> ApiResult<project_socials::Model> {
    let (user, project_id) = (user.to_owned(), project_id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                owned_project(txn, &user, &project_id).await?;
                let now = Utc::now();
                let existing = project_socials::Entity::find()
                    .filter(project_socials::Column::ProjectId.eq(project_id.clone()))
                    .one(txn)
                    .await?;
                let s = |v: Option<HttpUrl>| v.map(HttpUrl::into_inner);
                let created = existing.is_none();
                let row = match existing {
                    Some(row) => {
                        let mut row = row.into_active_model();
                        row.twitter = Set(s(socials.twitter));
                        row.discord = Set(s(socials.discord));
                        row.telegram = Set(s(socials.telegram));
                        row.github = Set(s(socials.github));
                        row.website = Set(s(socials.website));
                        row.updated_at = Set(Some(now));
                        row.update(txn).await?
                    }
                    None => {
                        project_socials::Model {
                            id: new_id(),
                            project_id,
                            twitter: s(socials.twitter),
                            discord: s(socials.discord),
                            telegram: s(socials.telegram),
                            github: s(socials.github),
                            website: s(socials.website),
                            created_at: Some(now),
                            updated_at: Some(now),
                        }
                        .into_active_model()
                        .insert(txn)
                        .await?
                    }
                };
                record(txn, &user, vec![changes::socials_updated(&row, created)]).await?;
                Ok(row)
            })
        })
        .await
}
