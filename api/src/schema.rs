//! The GraphQL schema. [`build`] does no I/O, so the SDL can be printed and tested
//! without a running server or a database.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

use crate::db::Databases;

/// The root query type. Each domain contributes its fields here as it lands.
#[derive(Default)]
pub struct Query;

#[Object]
impl Query {
    /// The version of the Mosaic server answering this request.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

/// Mosaic's executable schema.
pub type MosaicSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema; `databases` is attached as request data when given.
pub fn build(databases: Option<Databases>) -> MosaicSchema {
    let builder = Schema::build(Query, EmptyMutation, EmptySubscription);
    match databases {
        Some(dbs) => builder.data(dbs).finish(),
        None => builder.finish(),
    }
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build(None).sdl()
}
