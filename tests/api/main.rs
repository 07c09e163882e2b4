//! Integration tests of the whole server, on SQLite (default) or PostgreSQL (when
//! `DATABASE_URL` points at one). Every test gets fresh databases.
//!
//! Layout: one folder per domain, the same file names in each (a file only where there
//! are tests for it), and one folder for what cuts across the domains:
//!
//! ```text
//! helpers.rs        shared assertions and tools: TestApp, code/field/ok, gql, statement
//!                   counting, signing in as each kind of user, the PDS account fixture,
//!                   the change-log reader, the mosaic binary and the JS tool runners
//! ws_client.rs      the WebSocket client (graphql-transport-ws and graphql-ws)
//! <domain>/         atrarium, bellamy, orquestra, pds, universe
//!   mod.rs          the domain's fixtures (no tests)
//!   storage.rs      migrations, catalog, constraints, entity round trips
//!   queries.rs      the read API through HTTP: lookups, lists, filters, batching
//!   mutations.rs    the write API through HTTP (split by concern only when too long,
//!                   e.g. bellamy/mutations_social.rs)
//!   access.rs       who may see and do what; signing in
//!   subscriptions.rs subscriptions over WebSocket and the domain's change log
//! server/           cross-cutting tests, one file per topic (http, ws, cli, cost, ...)
//! ```
//!
//! Test modules never import each other: only `helpers`, `ws_client` and a domain's
//! `mod.rs` (its fixtures) are imported.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod atrarium;
mod bellamy;
mod helpers;
mod orquestra;
mod pds;
mod server;
mod universe;
mod ws_client;
