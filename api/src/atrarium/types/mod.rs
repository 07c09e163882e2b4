//! Atrarium's GraphQL types, enums, filters and orders. Integer ids are exposed as `Int`
//! (64-bit), in fields and arguments alike; epoch-second columns as `DateTime`.
//!
//! One file per object or close group; everything is re-exported here, so
//! `super::types::*` names every type.

pub mod communities;
pub mod enums;
pub mod events;
pub mod feeds;
pub mod filters;
pub mod json;
pub mod memberships;
pub mod payloads;
pub mod posts;

pub use communities::*;
pub use enums::*;
pub use events::*;
pub use feeds::*;
pub use filters::*;
pub use json::*;
pub use memberships::*;
pub use payloads::*;
pub use posts::*;
