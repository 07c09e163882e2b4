//! Mosaic's own addition to Orquestra's history: `UNIQUE (project_id, version)` on
//! `idl_versions`. The write API makes versions gap-free by locking the project row before
//! taking the next number; this index is the last line of defence, so that no path (a
//! script, a second writer, a bug) can ever store two versions with the same number.
//! Fails, naming the index, if the table already holds duplicates.

use crate::common::{drop_index, unique_index};
use sea_orm_migration::prelude::*;

const NAME: &str = "idx_idl_versions_project_version";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        unique_index(manager, NAME, "idl_versions", &["project_id", "version"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, NAME, "idl_versions").await
    }
}
