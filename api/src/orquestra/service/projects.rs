//! Projects: create, change, delete.

use chrono::Utc;
use entity::orquestra::{projects, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::{changes, new_id, owned_project, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Name, SolanaAddress, Text};
use crate::write::Store;

/// A validated new project.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Display name.
    pub name: Name,
    /// Description.
    pub description: Option<Text>,
    /// The Solana program.
    pub program_id: SolanaAddress,
    /// Public (the default) or private.
    pub is_public: bool,
    /// Owner-editable documentation.
    pub custom_docs: Option<Text>,
}

/// A validated project change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct ProjectChanges {
    /// New display name.
    pub name: Option<Name>,
    /// New description (or cleared).
    pub description: Option<Option<Text>>,
    /// New Solana program.
    pub program_id: Option<SolanaAddress>,
    /// New visibility.
    pub is_public: Option<bool>,
    /// New documentation (or cleared).
    pub custom_docs: Option<Option<Text>>,
}

impl ProjectChanges {
    /// The input fields given (as GraphQL names them), for the change log.
    pub fn fields(&self) -> Vec<&'static str> {
        crate::events::log::given(&[
            ("name", self.name.is_some()),
            ("description", self.description.is_some()),
            ("programId", self.program_id.is_some()),
            ("isPublic", self.is_public.is_some()),
            ("customDocs", self.custom_docs.is_some()),
        ])
    }
}

/// Refuses a second project of `user` for `program_id` (other than `except`).
async fn check_program_free<C: ConnectionTrait>(
    txn: &C,
    user: &str,
    program_id: &SolanaAddress,
    except: Option<&str>,
) -> ApiResult<()> {
    let mut q = projects::Entity::find()
        .filter(projects::Column::UserId.eq(user))
        .filter(projects::Column::ProgramId.eq(program_id.as_str()));
    if let Some(id) = except {
        q = q.filter(projects::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "you already have a project for program {program_id}"
        )));
    }
    Ok(())
}

/// Creates a project of `user`; `CONFLICT` when `user` already has one for the program.
pub async fn create_project(
    store: &Store,
    user: &str,
    input: NewProject,
) -> ApiResult<projects::Model> {
    let user = user.to_owned();
    store
        .transaction(|txn| {
            Box::pin(async move {
                users::Entity::find_by_id(user.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| {
                        ApiError::Unauthenticated("the signed-in user does not exist".into())
                    })?;
                check_program_free(txn, &user, &input.program_id, None).await?;
                let now = Utc::now();
                let row = projects::Model {
                    id: new_id(),
                    user_id: user,
                    name: input.name.into_inner(),
                    description: input.description.map(Text::into_inner),
                    program_id: input.program_id.into_inner(),
                    is_public: Some(input.is_public),
                    custom_docs: input.custom_docs.map(Text::into_inner),
                    created_at: Some(now),
                    updated_at: Some(now),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, &row.user_id, vec![changes::project_created(&row)]).await?;
                Ok(row)
            })
        })
        .await
}

/// Changes a project of `user`.
pub async fn update_project(
    store: &Store,
    user: &str,
    id: &str,
    changes: ProjectChanges,
) -> ApiResult<projects::Model> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let project = owned_project(txn, &user, &id).await?;
                let fields = changes.fields();
                if let Some(p) = &changes.program_id {
                    check_program_free(txn, &user, p, Some(&id)).await?;
                }
                let mut row = project.into_active_model();
                if let Some(v) = changes.name {
                    row.name = Set(v.into_inner());
                }
                if let Some(v) = changes.description {
                    row.description = Set(v.map(Text::into_inner));
                }
                if let Some(v) = changes.program_id {
                    row.program_id = Set(v.into_inner());
                }
                if let Some(v) = changes.is_public {
                    row.is_public = Set(Some(v));
                }
                if let Some(v) = changes.custom_docs {
                    row.custom_docs = Set(v.map(Text::into_inner));
                }
                row.updated_at = Set(Some(Utc::now()));
                let project = row.update(txn).await?;
                record(
                    txn,
                    &user,
                    vec![changes::project_updated(&project, &fields)],
                )
                .await?;
                Ok(project)
            })
        })
        .await
}

/// Deletes a project of `user` (its versions, keys, socials and addresses cascade).
pub async fn delete_project(store: &Store, user: &str, id: &str) -> ApiResult<String> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let project = owned_project(txn, &user, &id).await?;
                projects::Entity::delete_by_id(id.clone()).exec(txn).await?;
                record(txn, &user, vec![changes::project_deleted(&project)]).await?;
                Ok(id)
            })
        })
        .await
}
