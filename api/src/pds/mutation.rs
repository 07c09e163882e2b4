//! The PDS's mutations: sessions ([`PdsSessionMutation`]) and the write API
//! ([`PdsWriteMutation`]: accounts, handles, status, the PLC log, repository blocks).
//! Resolvers parse their input ([`super::inputs`]), then call [`super::service`].

use async_graphql::{Context, MergedObject, Object};
use entity::Domain;

use super::inputs::{
    PdsAppendPlcOperationInput, PdsCreateAccountInput, PdsPutRepoBlocksInput,
    PdsUpdateAccountStatusInput, PdsUpdateHandleInput, PutRepoBlocks,
};
use super::types::{
    PdsAccount, PdsAppendPlcOperationPayload, PdsCreateAccountPayload, PdsPlcOperation,
    PdsPutRepoBlocksPayload, PdsRepo, PdsRepoBlock, PdsSessionTokens,
    PdsUpdateAccountStatusPayload, PdsUpdateHandlePayload,
};
use super::{access, service};
use crate::auth::password::Passwords;
use crate::auth::{Tokens, Viewer};
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiResult, ResultExt};
use crate::validate::Handle;
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

/// The PDS's part of the root mutation: sessions and the write API.
#[derive(MergedObject, Default)]
pub struct PdsMutation(PdsSessionMutation, PdsWriteMutation);

/// The PDS's session operations.
#[derive(Default)]
pub struct PdsSessionMutation;

/// The PDS's session operations.
#[Object]
impl PdsSessionMutation {
    /// Logs in with a handle or email and the account's password. Accounts that are
    /// taken down, deactivated or deleted cannot open sessions (`FORBIDDEN`).
    async fn pds_create_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's handle or email address.")] identifier: String,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<PdsSessionTokens> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        let passwords = ctx.data::<Passwords>()?;
        service::create_session(db, tokens, passwords, &identifier, &password)
            .await
            .map(Into::into)
            .extend()
    }

    /// Opens a new session with a refresh token; that refresh token stops working.
    async fn pds_refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current session's refresh token.", secret)] refresh_token: String,
    ) -> Result<PdsSessionTokens> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        let session = service::refresh_session(db, tokens, &refresh_token)
            .await
            .extend()?;
        crate::context::revoked(ctx);
        Ok(session.into())
    }

    /// Ends the session of a refresh token. `false` if it had already ended.
    async fn pds_delete_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's refresh token.", secret)] refresh_token: String,
    ) -> Result<bool> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        let ended = service::delete_session(db, tokens, &refresh_token)
            .await
            .extend()?;
        crate::context::revoked(ctx);
        Ok(ended)
    }

    /// Logs the signed-in account out everywhere; returns how many sessions ended.
    async fn pds_delete_all_sessions(&self, ctx: &Context<'_>) -> Result<i32> {
        let viewer = ctx.data::<Viewer>()?;
        let did = viewer.require(Domain::Pds).extend()?;
        let db = databases(ctx)?.pds();
        let n = service::delete_all_sessions(db, did).await.extend()?;
        crate::context::revoked(ctx);
        Ok(crate::scalars::int(n))
    }
}

// ------------------------------------------------------------------------ write API

fn acting(ctx: &Context<'_>) -> ApiResult<String> {
    access::viewer(ctx).require(Domain::Pds).map(str::to_owned)
}

fn store(ctx: &Context<'_>) -> Result<Store> {
    Ok(databases(ctx)?.store(Domain::Pds))
}

/// The PDS's write operations.
#[derive(Default)]
pub struct PdsWriteMutation;

/// The PDS's write operations.
#[Object]
impl PdsWriteMutation {
    /// Creates an account (open to anyone): checks the handle and email are free, hashes
    /// the password (scrypt), generates the signing and rotation key pairs, and stores the
    /// account, its repository with a first commit and its genesis PLC operation (seq 0)
    /// in one transaction. The DID is derived from the signed genesis operation.
    /// `CONFLICT` for a taken handle or email.
    async fn pds_create_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: PdsCreateAccountInput,
    ) -> Result<PdsCreateAccountPayload> {
        let new = input.parse().extend()?;
        let passwords = ctx.data::<Passwords>()?;
        let c = service::create_account(&store(ctx)?, passwords, new)
            .await
            .extend()?;
        Ok(PdsCreateAccountPayload {
            account: PdsAccount(Node::single(c.account)),
            repo: PdsRepo(Node::single(c.repo)),
            plc_operation: PdsPlcOperation(Node::single(c.operation)),
        })
    }

    /// Changes the signed-in account's handle. `CONFLICT` if another account has it.
    async fn pds_update_handle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its new handle.")] input: PdsUpdateHandleInput,
    ) -> Result<PdsUpdateHandlePayload> {
        let handle = Handle::parse("input.handle", &input.handle).extend()?;
        let actor = acting(ctx).extend()?;
        let account = service::update_handle(&store(ctx)?, &actor, &input.did, handle)
            .await
            .extend()?;
        Ok(PdsUpdateHandlePayload {
            account: PdsAccount(Node::single(account)),
        })
    }

    /// Changes the signed-in account's status: deactivate, reactivate or delete (final;
    /// ends all its sessions). Taking down and restoring are the moderators' (`FORBIDDEN`);
    /// a move out of `DELETED` or to the current status is `BAD_USER_INPUT`.
    async fn pds_update_account_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its new status.")] input: PdsUpdateAccountStatusInput,
    ) -> Result<PdsUpdateAccountStatusPayload> {
        let actor = acting(ctx).extend()?;
        let account = service::update_status(&store(ctx)?, &actor, &input.did, input.status.into())
            .await
            .extend()?;
        crate::context::revoked(ctx);
        Ok(PdsUpdateAccountStatusPayload {
            account: PdsAccount(Node::single(account)),
        })
    }

    /// Appends a signed PLC operation to the signed-in account's log at seq = previous + 1
    /// (gap-free under concurrent appends). The CID must be the bytes' CID.
    async fn pds_append_plc_operation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and the operation.")] input: PdsAppendPlcOperationInput,
    ) -> Result<PdsAppendPlcOperationPayload> {
        let (cid, prev) = input.parse().extend()?;
        let actor = acting(ctx).extend()?;
        let op = service::append_operation(
            &store(ctx)?,
            &actor,
            &input.did,
            cid,
            input.operation.0,
            prev,
        )
        .await
        .extend()?;
        Ok(PdsAppendPlcOperationPayload {
            plc_operation: PdsPlcOperation(Node::single(op)),
        })
    }

    /// Stores blocks in the signed-in account's repository and moves its root to a new
    /// commit. Every block must be strict DAG-CBOR and every CID its bytes' CID. The root
    /// must be an AT Protocol repo commit (v3: `did`, `version` 3, `data`, `rev`, `prev`,
    /// `sig`) of this repository, signed by the account's current signing key (ECDSA over
    /// SHA-256 of the commit's DAG-CBOR without `sig`, low S), whose `rev` is newer than
    /// the repository's (it becomes the repository's rev) and whose `data` (the MST root)
    /// is one of the blocks or already stored. Any refusal (`BAD_USER_INPUT` naming the
    /// field) writes nothing.
    async fn pds_put_repo_blocks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository, its blocks and new root.")] input: PdsPutRepoBlocksInput,
    ) -> Result<PdsPutRepoBlocksPayload> {
        let PutRepoBlocks {
            did,
            blocks,
            root,
            swap_commit,
        } = input.parse().extend()?;
        let actor = acting(ctx).extend()?;
        let (repo, blocks) =
            service::put_blocks(&store(ctx)?, &actor, &did, blocks, root, swap_commit)
                .await
                .extend()?;
        Ok(PdsPutRepoBlocksPayload {
            repo: PdsRepo(Node::single(repo)),
            blocks: blocks
                .into_iter()
                .map(|b| PdsRepoBlock(Node::single(b)))
                .collect(),
        })
    }
}
