//! The PDS's business rules, one topic per file: accounts (creation, handle, status, the
//! PLC log) and repository blocks, sessions (log in, refresh, log out), key pairs and
//! signatures, commits and the sequencer. No GraphQL in here; inputs arrive parsed.
//!
//! Who may act: creating an account is open to anyone (as `com.atproto.server.createAccount`
//! on an open PDS); everything else needs a PDS session of the account itself. Taking an
//! account down (or restoring it) is the service's moderators' act, which Mosaic has no
//! principal for: no session may do it (`FORBIDDEN`).
//!
//! Only an `active` account writes; a taken-down, deactivated or deleted one gets
//! `FORBIDDEN` (its session may outlive the status change by an access token's life).

pub mod accounts;
pub mod commit;
pub mod keys;
pub mod repos;
pub mod sequencer;
pub mod sessions;

pub use accounts::{
    Created, MAX_OPERATION, NewAccount, append_operation, check_transition, create_account,
    update_handle, update_status,
};
pub use repos::{Block, MAX_BLOCK, MAX_BLOCKS, put_blocks};
pub use sessions::{Session, create_session, delete_all_sessions, delete_session, refresh_session};
