//! The PDS's mutations: sessions ([`PdsSessionMutation`]) and the write API
//! ([`PdsWriteMutation`]: accounts, handles, status, the PLC log, repository blocks).
//! Resolvers parse their input, then call [`super::service`].

use async_graphql::{Context, ID, InputObject, MergedObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::Domain;

use super::types::{PdsAccount, PdsAccountStatus, PdsPlcOperation, PdsRepo, PdsRepoBlock};
use super::{access, auth, dag_cbor, service};
use crate::auth::{Tokens, Viewer};
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::scalars::Base64;
use crate::validate::{Cid, Codec, Email, Handle};
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

/// The tokens of a new PDS session.
#[derive(SimpleObject)]
pub struct PdsSessionTokens {
    /// The account's DID.
    pub did: ID,
    /// The account's handle.
    pub handle: String,
    /// Send as `Authorization: Bearer <accessToken>`; short-lived.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// Exchange with `pdsRefreshSession` for a new session; works once.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

impl From<auth::Session> for PdsSessionTokens {
    fn from(s: auth::Session) -> Self {
        Self {
            did: ID(s.did),
            handle: s.handle,
            access_token: s.access_token,
            access_expires_at: s.access_expires_at,
            refresh_token: s.refresh_token,
            refresh_expires_at: s.refresh_expires_at,
        }
    }
}

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
        auth::create_session(db, tokens, &identifier, &password)
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
        let session = auth::refresh_session(db, tokens, &refresh_token)
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
        let ended = auth::delete_session(db, tokens, &refresh_token)
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
        let n = auth::delete_all_sessions(db, did).await.extend()?;
        crate::context::revoked(ctx);
        Ok(crate::scalars::int(n))
    }
}

// ------------------------------------------------------------------------ write API

/// A new account.
#[derive(InputObject)]
pub struct PdsCreateAccountInput {
    /// The handle, a domain name such as `alice.example.com` (unique, case-insensitive).
    pub handle: String,
    /// The email address (unique, case-insensitive).
    pub email: String,
    /// The password, 8 to 1024 characters; stored only as a scrypt hash.
    #[graphql(secret)]
    pub password: String,
}

/// The created account, its repository and its genesis PLC operation.
#[derive(SimpleObject)]
pub struct PdsCreateAccountPayload {
    /// The new account (its keys were generated; the private halves are never readable).
    pub account: PdsAccount,
    /// Its repository, at its first commit.
    pub repo: PdsRepo,
    /// Its genesis PLC operation (seq 0), which defines the DID.
    pub plc_operation: PdsPlcOperation,
}

/// A handle change.
#[derive(InputObject)]
pub struct PdsUpdateHandleInput {
    /// The account's DID (the signed-in account's own).
    pub did: ID,
    /// The new handle, a domain name (unique, case-insensitive).
    pub handle: String,
}

/// The account after a change.
#[derive(SimpleObject)]
pub struct PdsUpdateHandlePayload {
    /// The account, with its new handle.
    pub account: PdsAccount,
}

/// A status change.
#[derive(InputObject)]
pub struct PdsUpdateAccountStatusInput {
    /// The account's DID (the signed-in account's own).
    pub did: ID,
    /// The new status: `ACTIVE` ⇄ `DEACTIVATED`, or `DELETED` (final). `TAKENDOWN` is the
    /// moderators' (`FORBIDDEN`).
    pub status: PdsAccountStatus,
}

/// The account after a status change.
#[derive(SimpleObject)]
pub struct PdsUpdateAccountStatusPayload {
    /// The account, with its new status.
    pub account: PdsAccount,
}

/// A signed PLC operation to append to an account's log.
#[derive(InputObject)]
pub struct PdsAppendPlcOperationInput {
    /// The account's DID (the signed-in account's own).
    pub did: ID,
    /// The operation's CID: a CIDv1 (dag-cbor, sha2-256, base32) of `operation`.
    pub cid: String,
    /// The DAG-CBOR of the signed operation (at most 8 KiB).
    pub operation: Base64,
    /// If given, the CID of the log's last operation; `CONFLICT` if another came first.
    pub prev: Option<String>,
}

/// The appended operation.
#[derive(SimpleObject)]
pub struct PdsAppendPlcOperationPayload {
    /// The operation, at seq = the previous seq + 1.
    pub plc_operation: PdsPlcOperation,
}

/// One block to store.
#[derive(InputObject)]
pub struct PdsRepoBlockInput {
    /// The block's CID: a CIDv1 (dag-cbor, sha2-256, base32) of `bytes`.
    pub cid: String,
    /// The block, strict DAG-CBOR (canonical: as the codec writes it; 1 byte to 1 MiB).
    pub bytes: Base64,
}

/// Blocks to store in a repository and its new root.
#[derive(InputObject)]
pub struct PdsPutRepoBlocksInput {
    /// The repository's DID (the signed-in account's own).
    pub did: ID,
    /// The blocks (at most 200, no CID twice); blocks already stored are kept as they are.
    pub blocks: Vec<PdsRepoBlockInput>,
    /// CID of the new signed commit: one of `blocks` or a block already stored. Its `rev`
    /// becomes the repository's rev.
    pub root: String,
    /// If given, the repository's current root; `CONFLICT` if it has moved on.
    pub swap_commit: Option<String>,
}

/// The repository after a commit.
#[derive(SimpleObject)]
pub struct PdsPutRepoBlocksPayload {
    /// The repository, with its new root and rev.
    pub repo: PdsRepo,
    /// The blocks of the call, as stored.
    pub blocks: Vec<PdsRepoBlock>,
}

fn dag_cbor_cid(field: &str, raw: &str) -> ApiResult<Cid> {
    let cid = Cid::parse(field, raw)?;
    if cid.codec() != Codec::DagCbor {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be a dag-cbor CID"),
        ));
    }
    Ok(cid)
}

fn content(field: &str, cid_field: &str, raw: &str, bytes: &[u8], max: usize) -> ApiResult<Cid> {
    if bytes.is_empty() || bytes.len() > max {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be 1 to {max} bytes"),
        ));
    }
    let cid = dag_cbor_cid(cid_field, raw)?;
    if !cid.matches(bytes) {
        return Err(ApiError::bad_input(
            cid_field,
            format!("{cid_field} is not the CID of the given bytes"),
        ));
    }
    Ok(cid)
}

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
        let parsed = (|| {
            service::check_password("input.password", &input.password)?;
            Ok::<_, ApiError>(service::NewAccount {
                handle: Handle::parse("input.handle", &input.handle)?,
                email: Email::parse("input.email", &input.email)?,
                password: input.password,
            })
        })();
        let new = parsed.extend()?;
        let c = service::create_account(&store(ctx)?, new).await.extend()?;
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
        let parsed = (|| {
            let cid = content(
                "input.operation",
                "input.cid",
                &input.cid,
                &input.operation.0,
                service::MAX_OPERATION,
            )?;
            let prev = input
                .prev
                .as_deref()
                .map(|p| dag_cbor_cid("input.prev", p))
                .transpose()?;
            Ok::<_, ApiError>((cid, prev))
        })();
        let (cid, prev) = parsed.extend()?;
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
        let parsed = (|| {
            if input.blocks.len() > service::MAX_BLOCKS {
                return Err(ApiError::bad_input(
                    "input.blocks",
                    format!("at most {} blocks per call", service::MAX_BLOCKS),
                ));
            }
            let mut blocks: Vec<service::Block> = Vec::with_capacity(input.blocks.len());
            for (i, b) in input.blocks.into_iter().enumerate() {
                let cid = content(
                    &format!("input.blocks[{i}].bytes"),
                    &format!("input.blocks[{i}].cid"),
                    &b.cid,
                    &b.bytes.0,
                    service::MAX_BLOCK,
                )?;
                dag_cbor::decode_field(&format!("input.blocks[{i}].bytes"), &b.bytes.0)?;
                if blocks.iter().any(|x| x.cid == cid) {
                    return Err(ApiError::bad_input(
                        format!("input.blocks[{i}].cid"),
                        "this CID is given twice",
                    ));
                }
                blocks.push(service::Block {
                    cid,
                    bytes: b.bytes.0,
                });
            }
            let root = dag_cbor_cid("input.root", &input.root)?;
            let swap = input
                .swap_commit
                .as_deref()
                .map(|s| dag_cbor_cid("input.swapCommit", s))
                .transpose()?;
            Ok((blocks, root, swap))
        })();
        let (blocks, root, swap) = parsed.extend()?;
        let actor = acting(ctx).extend()?;
        let (repo, blocks) =
            service::put_blocks(&store(ctx)?, &actor, &input.did, blocks, root, swap)
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
