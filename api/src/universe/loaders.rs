//! Universe's request-scoped loaders.

use sea_orm::DatabaseConnection;

/// Loads Universe rows in batches, for one request.
pub struct UniverseLoader {
    #[allow(dead_code)]
    db: DatabaseConnection,
}

impl UniverseLoader {
    /// A loader over Universe's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}
