//! PDS's history, as in its seed: the tables that exist now (`accounts`, `repos`,
//! `repo_blocks`, `refresh_tokens`, `plc_operations`), then the tables the seed lists as
//! "coming in future chapters" (`records`, `blobs`, `record_blobs`, `repo_seq`,
//! `app_passwords`).

use sea_orm_migration::prelude::*;

mod m001_initial_schema;
mod m002_future_chapter_tables;

/// PDS's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_initial_schema::Migration),
            Box::new(m002_future_chapter_tables::Migration),
        ]
    }
}
