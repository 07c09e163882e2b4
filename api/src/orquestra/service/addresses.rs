//! Known addresses: the labelled Solana addresses of a project.

use chrono::Utc;
use entity::orquestra::{known_addresses, projects};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::{changes, new_id, owned_project, project_not_found, record};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Name, SolanaAddress, Text};
use crate::write::Store;

/// A validated new known address.
#[derive(Clone, Debug)]
pub struct NewAddress {
    /// Label.
    pub label: Name,
    /// The Solana address.
    pub address: SolanaAddress,
    /// Description.
    pub description: Option<Text>,
}

/// A validated known-address change; `None` leaves a field as it is, `Some(None)` clears.
#[derive(Clone, Debug, Default)]
pub struct AddressChanges {
    /// New label.
    pub label: Option<Name>,
    /// New address.
    pub address: Option<SolanaAddress>,
    /// New description (or cleared).
    pub description: Option<Option<Text>>,
}

impl AddressChanges {
    /// The input fields given (as GraphQL names them), for the change log.
    pub fn fields(&self) -> Vec<&'static str> {
        crate::events::log::given(&[
            ("label", self.label.is_some()),
            ("address", self.address.is_some()),
            ("description", self.description.is_some()),
        ])
    }
}

/// Refuses a second label of `address` in a project (other than the row `except`).
async fn check_address_free<C: ConnectionTrait>(
    txn: &C,
    project_id: &str,
    address: &SolanaAddress,
    except: Option<&str>,
) -> ApiResult<()> {
    let mut q = known_addresses::Entity::find()
        .filter(known_addresses::Column::ProjectId.eq(project_id))
        .filter(known_addresses::Column::Address.eq(address.as_str()));
    if let Some(id) = except {
        q = q.filter(known_addresses::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "the project already labels address {address}"
        )));
    }
    Ok(())
}

/// Adds a known address to a project of `user` (an address is labelled once per
/// project: `CONFLICT` otherwise).
pub async fn create_address(
    store: &Store,
    user: &str,
    project_id: &str,
    input: NewAddress,
) -> ApiResult<known_addresses::Model> {
    let (user, project_id) = (user.to_owned(), project_id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                owned_project(txn, &user, &project_id).await?;
                check_address_free(txn, &project_id, &input.address, None).await?;
                let now = Utc::now();
                let row = known_addresses::Model {
                    id: new_id(),
                    project_id,
                    label: input.label.into_inner(),
                    address: input.address.into_inner(),
                    description: input.description.map(Text::into_inner),
                    created_at: Some(now),
                    updated_at: Some(now),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, &user, vec![changes::address_created(&row)]).await?;
                Ok(row)
            })
        })
        .await
}

/// The known address `id` and its project, locked, if `user` owns the project.
async fn owned_address<C: ConnectionTrait>(
    txn: &C,
    user: &str,
    id: &str,
) -> ApiResult<known_addresses::Model> {
    let row = known_addresses::Entity::find_by_id(id.to_owned())
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("known address".into()))?;
    owned_project(txn, user, &row.project_id).await?;
    Ok(row)
}

/// Changes a known address of a project of `user`.
pub async fn update_address(
    store: &Store,
    user: &str,
    id: &str,
    changes: AddressChanges,
) -> ApiResult<known_addresses::Model> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let row = owned_address(txn, &user, &id).await?;
                let fields = changes.fields();
                if let Some(a) = &changes.address {
                    check_address_free(txn, &row.project_id, a, Some(&id)).await?;
                }
                let mut row = row.into_active_model();
                if let Some(v) = changes.label {
                    row.label = Set(v.into_inner());
                }
                if let Some(v) = changes.address {
                    row.address = Set(v.into_inner());
                }
                if let Some(v) = changes.description {
                    row.description = Set(v.map(Text::into_inner));
                }
                row.updated_at = Set(Some(Utc::now()));
                let row = row.update(txn).await?;
                record(txn, &user, vec![changes::address_updated(&row, &fields)]).await?;
                Ok(row)
            })
        })
        .await
}

/// Deletes a known address of a project of `user`; answers its project.
pub async fn delete_address(
    store: &Store,
    user: &str,
    id: &str,
) -> ApiResult<(String, projects::Model)> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let row = owned_address(txn, &user, &id).await?;
                let project = projects::Entity::find_by_id(row.project_id.clone())
                    .one(txn)
                    .await?
                    .ok_or_else(project_not_found)?;
                known_addresses::Entity::delete_by_id(id.clone())
                    .exec(txn)
                    .await?;
                record(txn, &user, vec![changes::address_deleted(&row)]).await?;
                Ok((id, project))
            })
        })
        .await
}
