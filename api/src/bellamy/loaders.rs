//! Bellamy's request-scoped loaders.

use sea_orm::DatabaseConnection;

/// Loads Bellamy rows in batches, for one request.
pub struct BellamyLoader {
    #[allow(dead_code)]
    db: DatabaseConnection,
}

impl BellamyLoader {
    /// A loader over Bellamy's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}
