//! Orquestra's mutations: projects, IDL versions, API keys, social links, known
//! addresses and account deletion. Resolvers parse the input and call
//! [`super::service`]; only the signed-in user (an Orquestra access token) writes, and
//! only to their own projects.

use async_graphql::{Context, ErrorExtensions, ID, InputObject, Json, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use entity::Domain;

use super::service::{
    self, AddressChanges, CUSTOM_DOCS_MAX, DESCRIPTION_MAX, LABEL_MAX, NAME_MAX, NewAddress,
    NewIdl, NewProject, ProjectChanges, Socials,
};
use super::types::{
    OrquestraApiKey, OrquestraIdlVersion, OrquestraKnownAddress, OrquestraProject,
    OrquestraProjectSocials,
};
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::inputs::{change, payload};
use crate::validate::{HttpUrl, Name, SolanaAddress, Text};
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

/// The acting Orquestra user and the domain's store.
fn actor(ctx: &Context<'_>) -> ApiResult<(String, Store)> {
    let user = super::access::viewer(ctx)
        .require(Domain::Orquestra)?
        .to_owned();
    let store = databases(ctx)
        .map_err(|e| ApiError::internal(e.message))?
        .store(Domain::Orquestra);
    Ok((user, store))
}

fn project(m: entity::orquestra::projects::Model) -> OrquestraProject {
    OrquestraProject(Node::single(m))
}

// ----------------------------------------------------------------------------- inputs

/// A new project.
#[derive(InputObject)]
pub struct OrquestraCreateProjectInput {
    /// Display name (1-100 characters).
    pub name: String,
    /// Description (at most 2000 characters).
    pub description: Option<String>,
    /// The Solana program address (base58); one project per program per user.
    pub program_id: String,
    /// Whether everyone may read the project (default true).
    pub is_public: Option<bool>,
    /// Owner-editable documentation (Markdown, at most 100000 characters).
    pub custom_docs: Option<String>,
}

/// Changes to a project: absent fields stay, `null` clears a clearable one.
#[derive(InputObject)]
pub struct OrquestraUpdateProjectInput {
    /// The project.
    pub id: ID,
    /// New display name (1-100 characters; not null).
    pub name: Option<String>,
    /// New description (`null` clears).
    pub description: MaybeUndefined<String>,
    /// New Solana program address (not null; one project per program per user).
    pub program_id: Option<String>,
    /// New visibility (not null).
    pub is_public: Option<bool>,
    /// New documentation (`null` clears).
    pub custom_docs: MaybeUndefined<String>,
}

/// A new IDL version of a project.
#[derive(InputObject)]
pub struct OrquestraUploadIdlInput {
    /// The project.
    pub project_id: ID,
    /// The IDL document: an Anchor IDL object of at most 1000000 bytes, in the legacy
    /// (`name`) or current (`metadata.name`) format, with `instructions` (each with a
    /// `name`, `accounts` and `args`); `BAD_USER_INPUT` names the first offending path
    /// (e.g. `input.idl.instructions[2].name`).
    pub idl: Json<serde_json::Value>,
    /// Generated CPI documentation (Markdown, at most 500000 characters).
    pub cpi_md: Option<String>,
}

/// A new API key of a project.
#[derive(InputObject)]
pub struct OrquestraCreateApiKeyInput {
    /// The project.
    pub project_id: ID,
    /// When the key stops working (must be in the future; never when absent).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A project's social links: each an absolute http(s) URL. The set replaces the
/// project's links; an absent or null link is cleared.
#[derive(InputObject)]
pub struct OrquestraUpsertProjectSocialsInput {
    /// The project.
    pub project_id: ID,
    /// Twitter / X profile URL.
    pub twitter: Option<String>,
    /// Discord invite URL.
    pub discord: Option<String>,
    /// Telegram URL.
    pub telegram: Option<String>,
    /// GitHub URL.
    pub github: Option<String>,
    /// Website URL.
    pub website: Option<String>,
}

/// A new known address of a project.
#[derive(InputObject)]
pub struct OrquestraCreateKnownAddressInput {
    /// The project.
    pub project_id: ID,
    /// Label (1-100 characters).
    pub label: String,
    /// The Solana address (base58); labelled once per project.
    pub address: String,
    /// Description (at most 1000 characters).
    pub description: Option<String>,
}

/// Changes to a known address: absent fields stay, `null` clears the description.
#[derive(InputObject)]
pub struct OrquestraUpdateKnownAddressInput {
    /// The known address.
    pub id: ID,
    /// New label (not null).
    pub label: Option<String>,
    /// New Solana address (not null).
    pub address: Option<String>,
    /// New description (`null` clears).
    pub description: MaybeUndefined<String>,
}

// ----------------------------------------------------------------------------- payloads

payload!(
    /// The project created.
    OrquestraCreateProjectPayload {
        /// The new project.
        project: OrquestraProject,
    }
);
payload!(
    /// The project changed.
    OrquestraUpdateProjectPayload {
        /// The project as stored.
        project: OrquestraProject,
    }
);
payload!(
    /// The project deleted.
    OrquestraDeleteProjectPayload {
        /// The deleted project's id.
        deleted_id: ID,
    }
);
payload!(
    /// The new IDL version and its project.
    OrquestraUploadIdlPayload {
        /// The new version (`version` = the previous highest + 1).
        idl_version: OrquestraIdlVersion,
        /// The project (its `updatedAt` moved, its version count grew).
        project: OrquestraProject,
    }
);
payload!(
    /// A new API key: its row and, this once, the key itself.
    OrquestraCreateApiKeyPayload {
        /// The key's metadata.
        api_key: OrquestraApiKey,
        /// The key to send as `X-API-Key`. Shown only now: only its hash is stored.
        key: String,
    }
);
payload!(
    /// The API key revoked and its project.
    OrquestraRevokeApiKeyPayload {
        /// The revoked key's id.
        deleted_id: ID,
        /// The key's project (its key count changed).
        project: OrquestraProject,
    }
);
payload!(
    /// The project a valid API key authenticates.
    OrquestraVerifyApiKeyPayload {
        /// The key's project id.
        project_id: ID,
        /// The key's project.
        project: OrquestraProject,
    }
);
payload!(
    /// A project's social links as stored.
    OrquestraUpsertProjectSocialsPayload {
        /// The project's links.
        socials: OrquestraProjectSocials,
    }
);
payload!(
    /// The known address created.
    OrquestraCreateKnownAddressPayload {
        /// The new known address.
        known_address: OrquestraKnownAddress,
    }
);
payload!(
    /// The known address changed.
    OrquestraUpdateKnownAddressPayload {
        /// The known address as stored.
        known_address: OrquestraKnownAddress,
    }
);
payload!(
    /// The known address deleted and its project.
    OrquestraDeleteKnownAddressPayload {
        /// The deleted address's id.
        deleted_id: ID,
        /// Its project (its address count changed).
        project: OrquestraProject,
    }
);
payload!(
    /// The account deleted.
    OrquestraDeleteUserPayload {
        /// The deleted user's id.
        deleted_id: ID,
    }
);

// ----------------------------------------------------------------------------- parsing

impl OrquestraCreateProjectInput {
    fn parse(self) -> ApiResult<NewProject> {
        Ok(NewProject {
            name: Name::parse("input.name", &self.name, NAME_MAX)?,
            description: self
                .description
                .map(|d| Text::parse("input.description", &d, DESCRIPTION_MAX))
                .transpose()?,
            program_id: SolanaAddress::parse("input.programId", &self.program_id)?,
            is_public: self.is_public.unwrap_or(true),
            custom_docs: self
                .custom_docs
                .map(|d| Text::parse("input.customDocs", &d, CUSTOM_DOCS_MAX))
                .transpose()?,
        })
    }
}

impl OrquestraUpdateProjectInput {
    fn parse(self) -> ApiResult<(String, ProjectChanges)> {
        Ok((
            self.id.0,
            ProjectChanges {
                name: self
                    .name
                    .map(|n| Name::parse("input.name", &n, NAME_MAX))
                    .transpose()?,
                description: change(self.description, |d| {
                    Text::parse("input.description", &d, DESCRIPTION_MAX)
                })?,
                program_id: self
                    .program_id
                    .map(|p| SolanaAddress::parse("input.programId", &p))
                    .transpose()?,
                is_public: self.is_public,
                custom_docs: change(self.custom_docs, |d| {
                    Text::parse("input.customDocs", &d, CUSTOM_DOCS_MAX)
                })?,
            },
        ))
    }
}

fn url(field: &str, v: Option<String>) -> ApiResult<Option<HttpUrl>> {
    v.map(|u| HttpUrl::parse(field, &u)).transpose()
}

impl OrquestraUpsertProjectSocialsInput {
    fn parse(self) -> ApiResult<(String, Socials)> {
        Ok((
            self.project_id.0,
            Socials {
                twitter: url("input.twitter", self.twitter)?,
                discord: url("input.discord", self.discord)?,
                telegram: url("input.telegram", self.telegram)?,
                github: url("input.github", self.github)?,
                website: url("input.website", self.website)?,
            },
        ))
    }
}

fn address_description(d: &str) -> ApiResult<Text> {
    Text::parse("input.description", d, service::ADDRESS_DESCRIPTION_MAX)
}

impl OrquestraCreateKnownAddressInput {
    fn parse(self) -> ApiResult<(String, NewAddress)> {
        Ok((
            self.project_id.0,
            NewAddress {
                label: Name::parse("input.label", &self.label, LABEL_MAX)?,
                address: SolanaAddress::parse("input.address", &self.address)?,
                description: self
                    .description
                    .map(|d| address_description(&d))
                    .transpose()?,
            },
        ))
    }
}

impl OrquestraUpdateKnownAddressInput {
    fn parse(self) -> ApiResult<(String, AddressChanges)> {
        Ok((
            self.id.0,
            AddressChanges {
                label: self
                    .label
                    .map(|l| Name::parse("input.label", &l, LABEL_MAX))
                    .transpose()?,
                address: self
                    .address
                    .map(|a| SolanaAddress::parse("input.address", &a))
                    .transpose()?,
                description: change(self.description, |d| address_description(&d))?,
            },
        ))
    }
}

// ----------------------------------------------------------------------------- resolvers

/// Orquestra's part of the root mutation.
#[derive(Default)]
pub struct OrquestraMutation;

/// Orquestra's part of the root mutation. Every operation but `orquestraVerifyApiKey`
/// needs an Orquestra access token (`UNAUTHENTICATED` otherwise) and acts on the signed-in
/// user's own projects only (`FORBIDDEN` for anyone else's, public or private;
/// `NOT_FOUND` when the target does not exist).
#[Object]
impl OrquestraMutation {
    /// Creates a project of the signed-in user (`CONFLICT` if they already have one for
    /// the program).
    async fn orquestra_create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new project.")] input: OrquestraCreateProjectInput,
    ) -> Result<OrquestraCreateProjectPayload> {
        let (user, store) = actor(ctx).extend()?;
        let input = input.parse().extend()?;
        let p = service::create_project(&store, &user, input)
            .await
            .extend()?;
        Ok(OrquestraCreateProjectPayload {
            project: project(p),
        })
    }

    /// Changes a project of the signed-in user.
    async fn orquestra_update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and its changes.")] input: OrquestraUpdateProjectInput,
    ) -> Result<OrquestraUpdateProjectPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (id, changes) = input.parse().extend()?;
        let p = service::update_project(&store, &user, &id, changes)
            .await
            .extend()?;
        Ok(OrquestraUpdateProjectPayload {
            project: project(p),
        })
    }

    /// Deletes a project of the signed-in user, with its IDL versions, API keys, social
    /// links and known addresses.
    async fn orquestra_delete_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project.")] id: ID,
    ) -> Result<OrquestraDeleteProjectPayload> {
        let (user, store) = actor(ctx).extend()?;
        let id = service::delete_project(&store, &user, &id).await.extend()?;
        Ok(OrquestraDeleteProjectPayload { deleted_id: ID(id) })
    }

    /// Uploads the next IDL version of a project of the signed-in user: `version` is the
    /// previous highest + 1 (1 for the first), gap-free under concurrent uploads.
    async fn orquestra_upload_idl(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and its IDL.")] input: OrquestraUploadIdlInput,
    ) -> Result<OrquestraUploadIdlPayload> {
        let (user, store) = actor(ctx).extend()?;
        let idl = NewIdl::parse(
            "input.idl",
            &input.idl.0,
            "input.cpiMd",
            input.cpi_md.as_deref(),
        )
        .extend()?;
        let (p, v) = service::upload_idl(&store, &user, &input.project_id, idl)
            .await
            .extend()?;
        Ok(OrquestraUploadIdlPayload {
            idl_version: OrquestraIdlVersion(Node::single(v)),
            project: project(p),
        })
    }

    /// Creates an API key of a project of the signed-in user. The key is in the payload
    /// this once; only its hash is stored.
    async fn orquestra_create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and the key's expiry.")] input: OrquestraCreateApiKeyInput,
    ) -> Result<OrquestraCreateApiKeyPayload> {
        let (user, store) = actor(ctx).extend()?;
        if input.expires_at.is_some_and(|t| t <= Utc::now()) {
            return Err(ApiError::bad_input(
                "input.expiresAt",
                "input.expiresAt must be in the future",
            )
            .extend());
        }
        let (row, key) =
            service::create_api_key(&store, &user, &input.project_id, input.expires_at)
                .await
                .extend()?;
        Ok(OrquestraCreateApiKeyPayload {
            api_key: OrquestraApiKey(Node::single(row)),
            key,
        })
    }

    /// Revokes (deletes) an API key of a project of the signed-in user: it stops working
    /// at once.
    async fn orquestra_revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The API key's id.")] id: ID,
    ) -> Result<OrquestraRevokeApiKeyPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (id, p) = service::revoke_api_key(&store, &user, &id).await.extend()?;
        crate::context::revoked(ctx);
        Ok(OrquestraRevokeApiKeyPayload {
            deleted_id: ID(id),
            project: project(p),
        })
    }

    /// Checks an API key (hash, expiry) and records its use (`lastUsed`). Needs no
    /// sign-in: the key is the credential. `UNAUTHENTICATED` when it is not valid.
    async fn orquestra_verify_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key, as `X-API-Key` would carry it.")] key: String,
    ) -> Result<OrquestraVerifyApiKeyPayload> {
        let store = databases(ctx)
            .map_err(|e| ApiError::internal(e.message))
            .extend()?
            .store(Domain::Orquestra);
        let p = service::verify_api_key(&store, &key).await.extend()?;
        Ok(OrquestraVerifyApiKeyPayload {
            project_id: ID(p.id.clone()),
            project: project(p),
        })
    }

    /// Sets the social links of a project of the signed-in user (its one row, created
    /// when missing; the links given replace all of them).
    async fn orquestra_upsert_project_socials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and its links.")] input: OrquestraUpsertProjectSocialsInput,
    ) -> Result<OrquestraUpsertProjectSocialsPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (project_id, socials) = input.parse().extend()?;
        let row = service::upsert_socials(&store, &user, &project_id, socials)
            .await
            .extend()?;
        Ok(OrquestraUpsertProjectSocialsPayload {
            socials: OrquestraProjectSocials(Node::single(row)),
        })
    }

    /// Labels a Solana address in a project of the signed-in user (`CONFLICT` if the
    /// project already labels it).
    async fn orquestra_create_known_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and the address.")] input: OrquestraCreateKnownAddressInput,
    ) -> Result<OrquestraCreateKnownAddressPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (project_id, new) = input.parse().extend()?;
        let row = service::create_address(&store, &user, &project_id, new)
            .await
            .extend()?;
        Ok(OrquestraCreateKnownAddressPayload {
            known_address: OrquestraKnownAddress(Node::single(row)),
        })
    }

    /// Changes a known address of a project of the signed-in user.
    async fn orquestra_update_known_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The known address and its changes.")]
        input: OrquestraUpdateKnownAddressInput,
    ) -> Result<OrquestraUpdateKnownAddressPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (id, changes) = input.parse().extend()?;
        let row = service::update_address(&store, &user, &id, changes)
            .await
            .extend()?;
        Ok(OrquestraUpdateKnownAddressPayload {
            known_address: OrquestraKnownAddress(Node::single(row)),
        })
    }

    /// Deletes a known address of a project of the signed-in user.
    async fn orquestra_delete_known_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The known address.")] id: ID,
    ) -> Result<OrquestraDeleteKnownAddressPayload> {
        let (user, store) = actor(ctx).extend()?;
        let (id, p) = service::delete_address(&store, &user, &id).await.extend()?;
        Ok(OrquestraDeleteKnownAddressPayload {
            deleted_id: ID(id),
            project: project(p),
        })
    }

    /// Deletes the signed-in user's account, with all their projects and everything
    /// hanging off them.
    async fn orquestra_delete_user(&self, ctx: &Context<'_>) -> Result<OrquestraDeleteUserPayload> {
        let (user, store) = actor(ctx).extend()?;
        let id = service::delete_user(&store, &user).await.extend()?;
        crate::context::revoked(ctx);
        Ok(OrquestraDeleteUserPayload { deleted_id: ID(id) })
    }
}
