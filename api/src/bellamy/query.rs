//! Bellamy's root query fields.

use async_graphql::Object;

/// Bellamy's part of the root query.
#[derive(Default)]
pub struct BellamyQuery;

#[Object]
impl BellamyQuery {
    /// Placeholder until Bellamy's read API lands.
    async fn bellamy_ready(&self) -> bool {
        false
    }
}
