//! Mosaic's API layer: storage wiring ([`db`]), the GraphQL schema ([`schema`]) and the
//! HTTP router ([`http`]).

pub mod db;
pub mod http;
pub mod schema;

pub use db::{Databases, DbConfig, DbError};
