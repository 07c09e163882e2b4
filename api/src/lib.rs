//! Mosaic's API layer: storage wiring ([`db`]), the GraphQL schema ([`schema`]) and the
//! HTTP router ([`http`]) with its WebSocket endpoint ([`ws`]).

pub mod atrarium;
pub mod auth;
pub mod batch;
pub mod bellamy;
pub mod clock;
pub mod codec;
pub mod connection;
pub mod context;
pub mod cost;
pub mod db;
pub mod demo;
pub mod enums;
pub mod error;
pub mod events;
#[cfg(test)]
mod field_futures;
pub mod filter;
pub mod graphiql;
pub mod guard;
pub mod http;
pub mod identity;
pub mod inputs;
pub mod loader;
pub mod metrics;
pub mod order;
pub mod orquestra;
pub mod pagination;
pub mod parsed;
pub mod pds;
pub mod persisted;
pub mod pipeline;
pub mod projection;
pub mod scalars;
pub mod scale;
pub mod schema;
pub mod server;
pub mod universe;
pub mod validate;
pub mod write;
pub mod ws;

pub use db::{Databases, DbConfig, DbError};
