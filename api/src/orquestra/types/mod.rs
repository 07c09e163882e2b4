//! Orquestra's GraphQL types, filters and orders. Secrets (API key hashes) are not fields,
//! filters or orders; what a viewer may read is decided in [`super::access`].
//!
//! One file per object; everything is re-exported here, so `super::types::*` names every
//! type.

pub mod addresses;
pub mod api_keys;
pub mod filters;
pub mod idl_versions;
pub mod payloads;
pub mod projects;
pub mod socials;
pub mod users;

pub use addresses::*;
pub use api_keys::*;
pub use filters::*;
pub use idl_versions::*;
pub use payloads::*;
pub use projects::*;
pub use socials::*;
pub use users::*;
