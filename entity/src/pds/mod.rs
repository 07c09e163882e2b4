//! PDS: an AT Protocol personal data server (seed 003). Accounts with their keys, one
//! repository per account stored as content-addressed blocks, refresh tokens, the local
//! PLC operation log, and the tables of the "coming in future chapters" list (records,
//! blobs, record-to-blob references, the event sequencer's log and app passwords),
//! modelled on the reference PDS's actor store with a `did` column, since every account
//! lives in one database.

pub mod accounts;
pub mod app_passwords;
pub mod blobs;
pub mod enums;
pub mod plc_operations;
pub mod record_blobs;
pub mod records;
pub mod refresh_tokens;
pub mod repo_blocks;
pub mod repo_seq;
pub mod repos;

pub use enums::{AccountStatus, RepoSeqEventType};
