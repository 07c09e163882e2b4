//! Orquestra's write rules, independent of GraphQL: projects, IDL versions, API keys,
//! social links, known addresses and account deletion.
//!
//! Every function takes the acting user's id (the Orquestra principal) and already
//! parsed input, and runs in one transaction. Rules on a project first take its row with
//! `SELECT ... FOR UPDATE` (a no-op on SQLite, whose writer lock already serialises), so
//! that read-then-write rules (the next IDL version, one socials row, unique addresses)
//! hold under concurrent requests.
//!
//! Every write records its change events ([`changes`]) as the last step of its
//! transaction: one [`record`] call with all of them, after every other row is written.
//!
//! Authorization: only a project's owner writes to it. A project the actor may not see
//! (private, someone else's) and a public project of someone else both answer
//! `FORBIDDEN`; a project that does not exist answers `NOT_FOUND`.

use chrono::{DateTime, Utc};
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::access;
use crate::error::{ApiError, ApiResult};
use crate::events::Change;
use crate::validate::{HttpUrl, Name, SolanaAddress, Text};
use crate::write::Store;

pub mod changes;
pub mod idl;

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

// ----------------------------------------------------------------------------- inputs

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

// ----------------------------------------------------------------------------- helpers

fn project_not_found() -> ApiError {
    ApiError::NotFound("project".into())
}

/// The project `id`, locked for the rest of the transaction, if `user` owns it.
async fn owned_project<C: ConnectionTrait>(
    txn: &C,
    user: &str,
    id: &str,
) -> ApiResult<projects::Model> {
    let project = projects::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(project_not_found)?;
    if project.user_id != user {
        if project.is_public == Some(false) {
            return Err(access::private_project());
        }
        return Err(ApiError::Forbidden(
            "only the project's owner may change it".into(),
        ));
    }
    Ok(project)
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

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Appends `changes` by `user` to Orquestra's change log: the last step of a write.
async fn record<C: ConnectionTrait>(txn: &C, user: &str, changes: Vec<Change>) -> ApiResult<()> {
    crate::events::log::record(txn, entity::Domain::Orquestra, Some(user), changes).await?;
    Ok(())
}

// ----------------------------------------------------------------------------- projects

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

// ----------------------------------------------------------------------------- IDL

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

// ----------------------------------------------------------------------------- API keys

/// Creates an API key of a project of `user`: the row (holding the hash only) and the
/// plaintext key, which is never stored nor shown again.
pub async fn create_api_key(
    store: &Store,
    user: &str,
    project_id: &str,
    expires_at: Option<DateTime<Utc>>,
) -> ApiResult<(api_keys::Model, String)> {
    let (user, project_id) = (user.to_owned(), project_id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                owned_project(txn, &user, &project_id).await?;
                let id = new_id();
                let (plaintext, hash) = super::api_keys::new_key(&id)?;
                let row = api_keys::Model {
                    id,
                    project_id,
                    key: hash,
                    last_used: None,
                    created_at: Some(Utc::now()),
                    expires_at,
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, &user, vec![changes::api_key_created(&row)]).await?;
                Ok((row, plaintext))
            })
        })
        .await
}

/// Revokes (deletes) an API key of a project of `user`; answers the key's project.
pub async fn revoke_api_key(
    store: &Store,
    user: &str,
    id: &str,
) -> ApiResult<(String, projects::Model)> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let key = api_keys::Entity::find_by_id(id.clone())
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("API key".into()))?;
                let project = owned_project(txn, &user, &key.project_id).await?;
                api_keys::Entity::delete_by_id(id.clone()).exec(txn).await?;
                record(txn, &user, vec![changes::api_key_revoked(&key)]).await?;
                Ok((id, project))
            })
        })
        .await
}

/// Checks a presented API key (hash, expiry) and records its use: the project it
/// authenticates.
pub async fn verify_api_key(store: &Store, key: &str) -> ApiResult<projects::Model> {
    if key.len() > 256 {
        return Err(ApiError::bad_input("key", "key is too long"));
    }
    let project_id = super::api_keys::authenticate(store.db(), key).await?;
    projects::Entity::find_by_id(project_id)
        .one(store.db())
        .await?
        .ok_or_else(project_not_found)
}

// ----------------------------------------------------------------------------- socials

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

// ----------------------------------------------------------------------------- addresses

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

// ----------------------------------------------------------------------------- users

/// Deletes the account `user`; its projects and all that hangs off them cascade (each
/// project is logged as deleted, before the account).
pub async fn delete_user(store: &Store, user: &str) -> ApiResult<String> {
    let user = user.to_owned();
    store
        .transaction(|txn| {
            Box::pin(async move {
                users::Entity::find_by_id(user.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("user".into()))?;
                let owned = projects::Entity::find()
                    .filter(projects::Column::UserId.eq(user.clone()))
                    .order_by_asc(projects::Column::Id)
                    .all(txn)
                    .await?;
                users::Entity::delete_many()
                    .filter(users::Column::Id.eq(user.clone()))
                    .exec(txn)
                    .await?;
                let mut log: Vec<Change> = owned.iter().map(changes::project_deleted).collect();
                log.push(changes::user_deleted(&user));
                record(txn, &user, log).await?;
                Ok(user)
            })
        })
        .await
}
