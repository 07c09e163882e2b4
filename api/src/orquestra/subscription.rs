//! Orquestra's subscriptions, over its `change_log` (see [`crate::events`]).

use async_graphql::futures_util::Stream;
use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use entity::change_log;
use entity::orquestra::{idl_versions, projects};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::access;
use super::service::changes;
use super::types::OrquestraIdlVersion;
use crate::auth::Viewer;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::events::{Topic, cursor_of, deliver};

/// Orquestra's subscription fields.
#[derive(Default)]
pub struct OrquestraSubscription;

/// An IDL version, delivered as it is uploaded.
#[derive(SimpleObject)]
pub struct OrquestraIdlVersionEvent {
    /// This event's place in Orquestra's change log: pass it as `after` to resume after it.
    pub cursor: String,
    /// The new version (select its fields and relations as in a query).
    pub idl_version: OrquestraIdlVersion,
}

/// The project `id` if the viewer may see it: `NOT_FOUND` when there is none,
/// `FORBIDDEN` when it is private to someone else.
async fn visible_project(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: &str,
) -> ApiResult<projects::Model> {
    let project = projects::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("project {id}")))?;
    if !access::sees_project(viewer, &project) {
        return Err(access::private_project());
    }
    Ok(project)
}

#[Subscription]
impl OrquestraSubscription {
    /// New IDL versions of a project, as they are uploaded. The project must be visible
    /// to the subscriber (public, or its owner, or with the project's `X-API-Key`), when
    /// subscribing and at every delivery: a project made private ends the stream of
    /// those who may no longer see it with `FORBIDDEN`. With `after`, the versions
    /// uploaded since that cursor come first.
    async fn orquestra_idl_version_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] project_id: ID,
        #[graphql(
            desc = "Resume after this event's `cursor` (replays what came since); omit to \
                    receive only new versions."
        )]
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<OrquestraIdlVersionEvent>> + use<>> {
        let dbs = databases(ctx)?.clone();
        let viewer = access::viewer(ctx).clone();
        let after = cursor_of(ctx, "after", after.as_deref()).extend()?;
        let project = project_id.to_string();
        visible_project(dbs.orquestra(), &viewer, &project)
            .await
            .extend()?;
        let topic = Topic::changes(changes::project(&project), &[changes::IDL_VERSION_CREATED]);
        let events = dbs
            .feeds()
            .orquestra
            .follow(topic, after, "after")
            .await
            .extend()?;
        Ok(deliver(
            ctx,
            events,
            move |row: std::sync::Arc<change_log::Model>| {
                let (dbs, viewer, project) = (dbs.clone(), viewer.clone(), project.clone());
                async move {
                    let db = dbs.orquestra();
                    visible_project(db, &viewer, &project).await?;
                    let version = idl_versions::Entity::find_by_id(row.subject.clone())
                        .one(db)
                        .await?;
                    Ok(version.map(|v| OrquestraIdlVersionEvent {
                        cursor: row.seq.to_string(),
                        idl_version: Node::single(v).into(),
                    }))
                }
            },
        ))
    }
}
