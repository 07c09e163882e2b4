//! Atrarium's root query fields.

use async_graphql::Object;

/// Atrarium's part of the root query.
#[derive(Default)]
pub struct AtrariumQuery;

#[Object]
impl AtrariumQuery {
    /// Placeholder until Atrarium's read API lands.
    async fn atrarium_ready(&self) -> bool {
        false
    }
}
