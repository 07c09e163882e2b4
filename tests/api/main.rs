//! Integration tests of the whole server, on SQLite (default) or PostgreSQL (when
//! `DATABASE_URL` points at one). Every test gets fresh databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_bellamy;
mod access_orquestra;
mod access_pds;
mod atrarium;
mod atrarium_graphql;
mod atrarium_mutations;
mod auth;
mod bellamy;
mod bellamy_graphql;
mod bellamy_mutations;
mod bellamy_social_mutations;
mod change_log;
mod cli;
mod cost;
mod cross_domain;
mod graphiql;
mod graphql_over_http;
mod helpers;
mod http;
mod identity;
mod js_clients;
mod login;
mod operations;
mod orquestra;
mod orquestra_graphql;
mod orquestra_mutations;
mod outage;
mod pds;
mod pds_auth;
mod pds_graphql;
mod pds_mutations;
mod pds_repo;
mod persisted;
mod scalars;
mod scale;
mod server;
mod storage;
mod subscriptions;
mod universe;
mod universe_graphql;
mod universe_mutations;
mod ws;
mod ws_client;
