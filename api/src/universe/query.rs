//! Universe's root query fields.

use async_graphql::Object;

/// Universe's part of the root query.
#[derive(Default)]
pub struct UniverseQuery;

#[Object]
impl UniverseQuery {
    /// Placeholder until Universe's read API lands.
    async fn universe_ready(&self) -> bool {
        false
    }
}
