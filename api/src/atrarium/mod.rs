//! Atrarium's read API (being built).

pub mod loaders;
pub mod query;

pub use query::AtrariumQuery;
