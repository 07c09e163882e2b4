//! placeholder until the domain lands.

use sea_orm_migration::prelude::*;

/// Migrations of the domain.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![]
    }
}
