//! Pds's root query fields.

use async_graphql::Object;

/// Pds's part of the root query.
#[derive(Default)]
pub struct PdsQuery;

#[Object]
impl PdsQuery {
    /// Placeholder until Pds's read API lands.
    async fn pds_ready(&self) -> bool {
        false
    }
}
