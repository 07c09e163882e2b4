//! PDS: an AT Protocol personal data server. Accounts (keys and passwords never
//! readable), their repositories and blocks, sessions, the PLC operation log, records,
//! blobs, the sequencer's log and app passwords.

pub mod access;
pub mod auth;
pub mod commit;
pub mod dag_cbor;
pub mod keys;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod sequencer;
pub mod service;
pub mod sessions;
pub mod subscription;
pub mod types;
pub mod views;

pub use mutation::PdsMutation;
pub use query::PdsQuery;
pub use subscription::PdsSubscription;
