//! Atrarium: AT Protocol community feeds. Communities form a tree (a theme grows into a
//! community, then graduates), each with theme feeds that index posts, and members with
//! roles.

pub mod access;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod service;
pub mod subscription;
pub mod types;

pub use mutation::AtrariumMutation;
pub use query::AtrariumQuery;
pub use subscription::AtrariumSubscription;
