//! Inner Universe's history, as in its seed: `initial_migration`,
//! `add_subscription_table`; then `entity.version` for optimistic concurrency,
//! `event_log.seq` for subscribers, and an index for "entities with tag".

use sea_orm_migration::prelude::*;

mod m001_initial_migration;
mod m002_add_subscription_table;
mod m003_entity_version;
mod m004_event_log_seq;
mod m005_entity_tags;

/// Inner Universe's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_initial_migration::Migration),
            Box::new(m002_add_subscription_table::Migration),
            Box::new(m003_entity_version::Migration),
            Box::new(m004_event_log_seq::Migration),
            Box::new(m005_entity_tags::Migration),
        ]
    }
}
