//! Mosaic's own addition: `change_log`, the domain's append-only change log. Every
//! mutation records its changes there in its own transaction; subscriptions replay from it
//! and are woken when it grows (see `api::events`).

use crate::common::{create_change_log, drop_change_log};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_change_log(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_change_log(manager).await
    }
}
