//! The PDS's mutation payloads.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use super::{PdsAccount, PdsPlcOperation, PdsRepo, PdsRepoBlock};
use crate::pds::service::Session;

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

impl From<Session> for PdsSessionTokens {
    fn from(s: Session) -> Self {
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

/// The account after a change.
#[derive(SimpleObject)]
pub struct PdsUpdateHandlePayload {
    /// The account, with its new handle.
    pub account: PdsAccount,
}

/// The account after a status change.
#[derive(SimpleObject)]
pub struct PdsUpdateAccountStatusPayload {
    /// The account, with its new status.
    pub account: PdsAccount,
}

/// The appended operation.
#[derive(SimpleObject)]
pub struct PdsAppendPlcOperationPayload {
    /// The operation, at seq = the previous seq + 1.
    pub plc_operation: PdsPlcOperation,
}

/// The repository after a commit.
#[derive(SimpleObject)]
pub struct PdsPutRepoBlocksPayload {
    /// The repository, with its new root and rev.
    pub repo: PdsRepo,
    /// The blocks of the call, as stored.
    pub blocks: Vec<PdsRepoBlock>,
}
