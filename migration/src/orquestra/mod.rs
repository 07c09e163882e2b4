//! Orquestra's history, as in its seed: `001_initial_schema.sql`, `002_indexes.sql`,
//! `003_custom_docs_and_known_addresses.sql`; then Mosaic's own `m004` (one row per
//! project and version number).

use sea_orm_migration::prelude::*;

mod m001_initial_schema;
mod m002_indexes;
mod m003_custom_docs_and_known_addresses;
mod m004_unique_idl_versions;
mod m005_change_log;

/// Orquestra's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_initial_schema::Migration),
            Box::new(m002_indexes::Migration),
            Box::new(m003_custom_docs_and_known_addresses::Migration),
            Box::new(m004_unique_idl_versions::Migration),
            Box::new(m005_change_log::Migration),
        ]
    }
}
