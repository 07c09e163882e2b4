//! IDL versions: uploading the next version of a project's IDL.

use chrono::Utc;
use entity::orquestra::{idl_versions, projects};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::{CPI_MD_MAX, IDL_MAX_BYTES, access, changes, idl, new_id, project_not_found, record};
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
/// first), gap-free under concurrent uploads.
///
/// Three statements: the project's `updated_at` is set first, which takes its row (on
/// PostgreSQL the update locks it until the transaction ends; on SQLite the writer lock
/// already serialises), and returns the project for the owner check. The version is then
/// inserted with its number computed in the insert, `(SELECT COALESCE(MAX(version), 0)
/// FROM idl_versions WHERE project_id = ..) + 1`: the statement starts after the row lock
/// is held, so its snapshot (PostgreSQL, READ COMMITTED) sees every upload committed
/// before it. Last, the change log. A refused upload (not the owner) rolls its update
/// back with the transaction.
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
                let now = Utc::now();
                let project = projects::Entity::update_many()
                    .col_expr(projects::Column::UpdatedAt, Expr::val(now))
                    .filter(projects::Column::Id.eq(project_id.as_str()))
                    .exec_with_returning(txn)
                    .await?
                    .pop()
                    .ok_or_else(project_not_found)?;
                access::may_change_project(&user, &project)?;
                let mut version = idl_versions::Model {
                    id: new_id(),
                    project_id,
                    idl_json: idl.idl_json,
                    cpi_md: idl.cpi_md.map(Text::into_inner),
                    version: 0,
                    created_at: Some(now),
                };
                version.version = insert_next(txn, &version).await?;
                record(txn, &user, vec![changes::idl_version(&version)]).await?;
                Ok((project, version))
            })
        })
        .await
}

/// Inserts `v` as its project's next version (`v.version` is ignored) and returns the
/// number it got.
async fn insert_next<C: ConnectionTrait>(txn: &C, v: &idl_versions::Model) -> ApiResult<i32> {
    use idl_versions::Column;
    let highest = Query::select()
        .expr(Func::coalesce([
            Func::max(Expr::col(Column::Version)).into(),
            Expr::val(0i32),
        ]))
        .from(idl_versions::Entity)
        .and_where(Expr::col(Column::ProjectId).eq(v.project_id.as_str()))
        .to_owned();
    let insert = Query::insert()
        .into_table(idl_versions::Entity)
        .columns([
            Column::Id,
            Column::ProjectId,
            Column::IdlJson,
            Column::CpiMd,
            Column::Version,
            Column::CreatedAt,
        ])
        .values([
            Expr::val(v.id.as_str()),
            Expr::val(v.project_id.as_str()),
            Expr::val(v.idl_json.as_str()),
            Expr::val(v.cpi_md.as_deref()),
            Expr::SubQuery(None, Box::new(highest.into())).add(1i32),
            Expr::val(v.created_at),
        ])
        .map_err(ApiError::internal)?
        .returning_col(Column::Version)
        .to_owned();
    let row = txn
        .query_one(&insert)
        .await?
        .ok_or(DbErr::RecordNotInserted)?;
    Ok(row.try_get::<i32>("", "version")?)
}
