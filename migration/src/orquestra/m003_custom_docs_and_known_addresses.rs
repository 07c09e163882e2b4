//! `projects.custom_docs` and the `known_addresses` table
//! (`003_custom_docs_and_known_addresses.sql`).

use crate::common::{drop_index, drop_table, fk_cascade, index, ts_null_now};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .add_column(ColumnDef::new("custom_docs").text().null())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("known_addresses")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("project_id").text().not_null())
                    .col(ColumnDef::new("label").text().not_null())
                    .col(ColumnDef::new("address").text().not_null())
                    .col(ColumnDef::new("description").text().null())
                    .col(ts_null_now(manager, "created_at"))
                    .col(ts_null_now(manager, "updated_at"))
                    .foreign_key(&mut fk_cascade(
                        "known_addresses",
                        "project_id",
                        "projects",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "idx_known_addresses_project_id",
            "known_addresses",
            ["project_id"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, "idx_known_addresses_project_id", "known_addresses").await?;
        drop_table(manager, "known_addresses").await?;
        manager
            .alter_table(
                Table::alter()
                    .table("projects")
                    .drop_column("custom_docs")
                    .take(),
            )
            .await
    }
}
