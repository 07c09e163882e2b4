//! Mosaic's API layer: storage wiring ([`db`]), the GraphQL schema ([`schema`]) and the
//! HTTP router ([`http`]).

pub mod batch;
pub mod connection;
pub mod context;
pub mod db;
pub mod error;
pub mod filter;
pub mod http;
pub mod loader;
pub mod order;
pub mod orquestra;
pub mod pagination;
pub mod schema;

pub use db::{Databases, DbConfig, DbError};
