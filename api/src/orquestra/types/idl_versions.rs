//! The IDL versions of a project.

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::idl_versions;

use super::*;
use crate::batch::{self, Node};
use crate::orquestra::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// One uploaded version of a project's IDL.
pub struct OrquestraIdlVersion(pub Node<idl_versions::Model>);

impl From<Node<idl_versions::Model>> for OrquestraIdlVersion {
    fn from(m: Node<idl_versions::Model>) -> Self {
        Self(m)
    }
}

/// One uploaded version of a project's IDL.
#[Object]
impl OrquestraIdlVersion {
    /// The version's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// The IDL document exactly as uploaded.
    async fn idl_json(&self) -> &str {
        &self.0.idl_json
    }
    /// The IDL document parsed as JSON (null if the stored text is not JSON).
    async fn idl(&self) -> Option<Json<serde_json::Value>> {
        serde_json::from_str(&self.0.idl_json).ok().map(Json)
    }
    /// Generated CPI documentation (Markdown).
    async fn cpi_md(&self) -> Option<&str> {
        self.0.cpi_md.as_deref()
    }
    /// The version number: 1, 2, 3, ... per project.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the version was uploaded.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}
