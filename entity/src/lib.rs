//! SeaORM entities of Mosaic's five domains, one module per domain.
//!
//! Table and column names are the seeds' own. This crate knows nothing of GraphQL:
//! the `api` crate wraps these models in GraphQL types.

pub mod atrarium;
pub mod bellamy;
pub mod change_log;
mod domain;
pub mod orquestra;
pub mod pds;
pub mod universe;

pub use domain::{Domain, UnknownDomain};
