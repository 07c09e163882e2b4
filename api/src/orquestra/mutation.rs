//! Orquestra's mutations: projects, IDL versions, API keys, social links, known
//! addresses and account deletion. Resolvers parse the input ([`super::inputs`]) and call
//! [`super::service`]; only the signed-in user (an Orquestra access token) writes, and
//! only to their own projects.

use async_graphql::{Context, ID, Object};
use entity::Domain;

use super::inputs::*;
use super::service::{addresses, api_keys, idl_versions, projects, socials, users};
use super::types::*;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
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
        let p = projects::create_project(&store, &user, input)
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
        let p = projects::update_project(&store, &user, &id, changes)
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
        let id = projects::delete_project(&store, &user, &id)
            .await
            .extend()?;
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
        let (project_id, idl) = input.parse().extend()?;
        let (p, v) = idl_versions::upload_idl(&store, &user, &project_id, idl)
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
        let (project_id, expires_at) = input.parse().extend()?;
        let (row, key) = api_keys::create_api_key(&store, &user, &project_id, expires_at)
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
        let (id, p) = api_keys::revoke_api_key(&store, &user, &id)
            .await
            .extend()?;
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
        let p = api_keys::verify_api_key(&store, &key).await.extend()?;
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
        let row = socials::upsert_socials(&store, &user, &project_id, socials)
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
        let row = addresses::create_address(&store, &user, &project_id, new)
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
        let row = addresses::update_address(&store, &user, &id, changes)
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
        let (id, p) = addresses::delete_address(&store, &user, &id)
            .await
            .extend()?;
        Ok(OrquestraDeleteKnownAddressPayload {
            deleted_id: ID(id),
            project: project(p),
        })
    }

    /// Deletes the signed-in user's account, with all their projects and everything
    /// hanging off them.
    async fn orquestra_delete_user(&self, ctx: &Context<'_>) -> Result<OrquestraDeleteUserPayload> {
        let (user, store) = actor(ctx).extend()?;
        let id = users::delete_user(&store, &user).await.extend()?;
        crate::context::revoked(ctx);
        Ok(OrquestraDeleteUserPayload { deleted_id: ID(id) })
    }
}
