//! Universe's GraphQL types, filters and orders. The domain holds no secrets: every
//! column is a field.
//!
//! One file per object or close group; everything is re-exported here, so
//! `super::types::*` names every type.

pub mod config;
pub mod enums;
pub mod events;
pub mod filters;
pub mod graph;
pub mod json;
pub mod payloads;
pub mod sessions;
pub mod versions;

pub use config::*;
pub use enums::*;
pub use events::*;
pub use filters::*;
pub use graph::*;
pub use json::*;
pub use payloads::*;
pub use sessions::*;
pub use versions::*;
