//! Pds's request-scoped loaders.

use sea_orm::DatabaseConnection;

/// Loads Pds rows in batches, for one request.
pub struct PdsLoader {
    #[allow(dead_code)]
    db: DatabaseConnection,
}

impl PdsLoader {
    /// A loader over Pds's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}
