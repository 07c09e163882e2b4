//! PDS: an AT Protocol personal data server. Accounts (keys and passwords never
//! readable), their repositories and blocks, sessions, the PLC operation log, records,
//! blobs, the sequencer's log and app passwords.

pub mod access;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod service;
pub mod subscription;
pub mod types;

pub use mutation::PdsMutation;
pub use query::PdsQuery;
pub use subscription::PdsSubscription;
