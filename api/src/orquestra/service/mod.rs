//! Orquestra's write rules, independent of GraphQL: projects, IDL versions, API keys,
//! social links, known addresses and account deletion.
//!
//! Every function takes the acting user's id (the Orquestra principal) and already
//! parsed input, and runs in one transaction. Rules on a project first take its row with
//! `SELECT ... FOR UPDATE` (a no-op on SQLite, whose writer lock already serialises), so
//! that read-then-write rules (one socials row, unique addresses) hold under concurrent
//! requests. An IDL upload takes the row with the update of its `updated_at` instead,
//! and numbers the version in its insert ([`idl_versions::upload_idl`]).
//!
//! Every write records its change events ([`changes`]) as the last step of its
//! transaction: one [`record`] call with all of them, after every other row is written.
//!
//! Authorization: only a project's owner writes to it. A project the actor may not see
//! (private, someone else's) and a public project of someone else both answer
//! `FORBIDDEN`; a project that does not exist answers `NOT_FOUND`.

use entity::orquestra as rows;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

use super::access;
use crate::error::{ApiError, ApiResult};
use crate::events::Change;

pub mod addresses;
pub mod api_keys;
pub mod changes;
pub mod idl;
pub mod idl_versions;
pub mod projects;
pub mod socials;
pub mod users;

pub use addresses::{AddressChanges, NewAddress};
pub use idl_versions::NewIdl;
pub use projects::{NewProject, ProjectChanges};
pub use socials::Socials;

/// Longest project name.
pub const NAME_MAX: usize = 100;
/// Longest project description.
pub const DESCRIPTION_MAX: usize = 2_000;
/// Longest custom documentation (Markdown).
pub const CUSTOM_DOCS_MAX: usize = 100_000;
/// Largest IDL document, in bytes of compact JSON.
pub const IDL_MAX_BYTES: usize = 1_000_000;
/// Longest CPI documentation (Markdown).
pub const CPI_MD_MAX: usize = 500_000;
/// Longest known-address label.
pub const LABEL_MAX: usize = 100;
/// Longest known-address description.
pub const ADDRESS_DESCRIPTION_MAX: usize = 1_000;

/// `NOT_FOUND` for a project.
fn project_not_found() -> ApiError {
    ApiError::NotFound("project".into())
}

/// The project `id`, locked for the rest of the transaction, if `user` owns it.
async fn owned_project<C: ConnectionTrait>(
    txn: &C,
    user: &str,
    id: &str,
) -> ApiResult<rows::projects::Model> {
    let project = rows::projects::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(project_not_found)?;
    access::may_change_project(user, &project)?;
    Ok(project)
}

/// A new row id (a random UUID).
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Appends `changes` by `user` to Orquestra's change log: the last step of a write.
async fn record<C: ConnectionTrait>(txn: &C, user: &str, changes: Vec<Change>) -> ApiResult<()> {
    crate::events::log::record(txn, entity::Domain::Orquestra, Some(user), changes).await?;
    Ok(())
}
