//! Orquestra: GitHub users, their Solana IDL projects and everything hanging off them.

pub mod access;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod service;
pub mod subscription;
pub mod types;

pub use mutation::OrquestraMutation;
pub use query::OrquestraQuery;
pub use subscription::OrquestraSubscription;
