//! Bellamy Book's history: the seed's PostgreSQL core tables with their indexes, then the
//! social graph, hashtags and media, and finally the seed's MongoDB collections (stories,
//! notifications, messaging) as tables with the seed's MongoDB indexes.

use sea_orm_migration::prelude::*;

mod cols;
mod m001_core_tables;
mod m002_social_graph;
mod m003_hashtags_and_media;
mod m004_stories_notifications_messaging;
mod m005_change_log;

/// Bellamy Book's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_core_tables::Migration),
            Box::new(m002_social_graph::Migration),
            Box::new(m003_hashtags_and_media::Migration),
            Box::new(m004_stories_notifications_messaging::Migration),
            Box::new(m005_change_log::Migration),
        ]
    }
}
