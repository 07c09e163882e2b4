//! IDL versions: uploading the next version of a project's IDL.

use chrono::Utc;
use entity::orquestra::{idl_versions, projects};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
};

use super::{CPI_MD_MAX, IDL_MAX_BYTES, changes, idl, new_id, owned_project, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::Text;
use crate::write::Store;

/// A validated IDL upload.
#[derive(Clone, Debug)]
pub struct NewIdl {
    /// The IDL, as compact JSON text of an object.
    pub idl_json: String,
    /// Generated CPI documentation.
    pub cpi_md: Option<Text>,
}

impl NewIdl {
    /// Checks that `idl` is an Anchor IDL object ([`idl::check`]) of at most
    /// [`IDL_MAX_BYTES`] and `cpi_md` at most [`CPI_MD_MAX`] characters.
    pub fn parse(
        idl_field: &str,
        idl: &serde_json::Value,
        cpi_field: &str,
        cpi_md: Option<&str>,
    ) -> ApiResult<Self> {
        idl::check(idl_field, idl)?;
        let idl_json = serde_json::to_string(idl).map_err(ApiError::internal)?;
        if idl_json.len() > IDL_MAX_BYTES {
            return Err(ApiError::bad_input(
                idl_field,
                format!("{idl_field} must be at most {IDL_MAX_BYTES} bytes of JSON"),
            ));
        }
        let cpi_md = cpi_md
            .map(|c| Text::parse(cpi_field, c, CPI_MD_MAX))
            .transpose()?;
        Ok(Self { idl_json, cpi_md })
    }
}

/// Adds the next IDL version of a project of `user`: previous highest + 1 (1 for the
/// first), gap-free under concurrent uploads (the project row is locked first).
pub async fn upload_idl(
    store: &Store,
    user: &str,
    project_id: &str,
    idl: NewIdl,
) -> ApiResult<(projects::Model, idl_versions::Model)> {
    let (user, project_id) = (user.to_owned(), project_id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let project = owned_project(txn, &user, &project_id).await?;
                let max: Option<Option<i32>> = idl_versions::Entity::find()
                    .select_only()
                    .column_as(idl_versions::Column::Version.max(), "max")
                    .filter(idl_versions::Column::ProjectId.eq(project_id.clone()))
                    .into_tuple()
                    .one(txn)
                    .await?;
                let next = max.flatten().unwrap_or(0) + 1;
                let now = Utc::now();
                let version = idl_versions::Model {
                    id: new_id(),
                    project_id: project_id.clone(),
                    idl_json: idl.idl_json,
                    cpi_md: idl.cpi_md.map(Text::into_inner),
                    version: next,
                    created_at: Some(now),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                let mut p = project.into_active_model();
                p.updated_at = Set(Some(now));
                let project = p.update(txn).await?;
                record(txn, &user, vec![changes::idl_version(&version)]).await?;
                Ok((project, version))
            })
        })
        .await
}
