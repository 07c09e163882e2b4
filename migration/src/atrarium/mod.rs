//! Atrarium's history, as in its seed: `001_initial_schema.sql`,
//! `002_add_health_metrics.sql`, `003_add_post_index.sql`.

use sea_orm_migration::prelude::*;

mod m001_initial_schema;
mod m002_add_health_metrics;
mod m003_add_post_index;
mod m004_change_log;

/// Atrarium's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_initial_schema::Migration),
            Box::new(m002_add_health_metrics::Migration),
            Box::new(m003_add_post_index::Migration),
            Box::new(m004_change_log::Migration),
        ]
    }
}
