//! Inner Universe: the knowledge graph (entities, relations), versioned state (versions,
//! deltas), the event log, configuration and client sessions with their subscriptions.

pub mod access;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod service;
pub mod subscription;
pub mod types;

pub use mutation::UniverseMutation;
pub use query::UniverseQuery;
pub use subscription::UniverseSubscriptionRoot;
