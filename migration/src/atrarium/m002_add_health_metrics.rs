//! `health_metrics` JSON on communities and theme feeds (`002_add_health_metrics.sql`).

use sea_orm_migration::prelude::*;

/// The tables that gain the column.
const TABLES: [&str; 2] = ["communities", "theme_feeds"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per table: SQLite takes a single change per statement.
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            ColumnDef::new("health_metrics")
                                .json_binary()
                                .not_null()
                                .default("{}"),
                        )
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(*table)
                        .drop_column("health_metrics")
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
