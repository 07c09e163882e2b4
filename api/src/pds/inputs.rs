//! The PDS's mutation inputs, and their parsing into what [`super::service`] takes.
//! Parsing runs before anything else (authentication included), as the resolvers did.

use async_graphql::{ID, InputObject};

use super::service::{self, Block, NewAccount};
use super::types::PdsAccountStatus;
use crate::auth::password;
use crate::codec::dag_cbor;
use crate::error::{ApiError, ApiResult};
use crate::scalars::Base64;
use crate::validate::{Cid, Codec, Email, Handle};

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

impl PdsCreateAccountInput {
    /// The password's length, then the handle and the email address.
    pub fn parse(self) -> ApiResult<NewAccount> {
        password::check_new("input.password", &self.password)?;
        Ok(NewAccount {
            handle: Handle::parse("input.handle", &self.handle)?,
            email: Email::parse("input.email", &self.email)?,
            password: self.password,
        })
    }
}

/// A handle change.
#[derive(InputObject)]
pub struct PdsUpdateHandleInput {
    /// The account's DID (the signed-in account's own).
    pub did: ID,
    /// The new handle, a domain name (unique, case-insensitive).
    pub handle: String,
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

impl PdsAppendPlcOperationInput {
    /// The operation's CID (checked against its bytes) and the `prev` CID, if given.
    pub fn parse(&self) -> ApiResult<(Cid, Option<Cid>)> {
        let cid = content(
            "input.operation",
            "input.cid",
            &self.cid,
            &self.operation.0,
            service::MAX_OPERATION,
        )?;
        let prev = self
            .prev
            .as_deref()
            .map(|p| dag_cbor_cid("input.prev", p))
            .transpose()?;
        Ok((cid, prev))
    }
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

/// A parsed [`PdsPutRepoBlocksInput`].
pub struct PutRepoBlocks {
    /// The repository's DID.
    pub did: String,
    /// The blocks, each CID checked against its bytes and each block strict DAG-CBOR.
    pub blocks: Vec<Block>,
    /// The new root.
    pub root: Cid,
    /// The expected current root, if given.
    pub swap_commit: Option<Cid>,
}

impl PdsPutRepoBlocksInput {
    /// The blocks (count, sizes, CIDs, DAG-CBOR, no CID twice), then the root and the
    /// expected current root.
    pub fn parse(self) -> ApiResult<PutRepoBlocks> {
        if self.blocks.len() > service::MAX_BLOCKS {
            return Err(ApiError::bad_input(
                "input.blocks",
                format!("at most {} blocks per call", service::MAX_BLOCKS),
            ));
        }
        let mut blocks: Vec<Block> = Vec::with_capacity(self.blocks.len());
        for (i, b) in self.blocks.into_iter().enumerate() {
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
            blocks.push(Block {
                cid,
                bytes: b.bytes.0,
            });
        }
        let root = dag_cbor_cid("input.root", &self.root)?;
        let swap_commit = self
            .swap_commit
            .as_deref()
            .map(|s| dag_cbor_cid("input.swapCommit", s))
            .transpose()?;
        Ok(PutRepoBlocks {
            did: self.did.0,
            blocks,
            root,
            swap_commit,
        })
    }
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
