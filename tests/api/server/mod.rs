//! Tests that cut across the domains: the HTTP and WebSocket transports, the binary and
//! its CLI, authentication, query cost and persisted queries, operations endpoints,
//! outages, scalars, scale data and storage wiring. One file per topic.

mod auth;
mod cli;
mod cost;
mod cross_domain;
mod graphiql;
mod graphql_over_http;
mod http;
mod identity;
mod js_clients;
mod login;
mod operations;
mod outage;
mod persisted;
mod scalars;
mod scale;
mod serve;
mod storage;
mod ws;
