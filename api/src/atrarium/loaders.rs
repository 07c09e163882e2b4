//! Atrarium's request-scoped loaders.

use sea_orm::DatabaseConnection;

/// Loads Atrarium rows in batches, for one request.
pub struct AtrariumLoader {
    #[allow(dead_code)]
    db: DatabaseConnection,
}

impl AtrariumLoader {
    /// A loader over Atrarium's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}
