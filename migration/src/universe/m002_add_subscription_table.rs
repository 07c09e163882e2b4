//! The seed's `add_subscription_table`: client subscriptions to data changes.

use crate::common::{drop_table, fk_cascade, index, one_of, ts_now};
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
            .create_table(
                Table::create()
                    .table("subscription")
                    .col(
                        ColumnDef::new("subscription_id")
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("identity").text().not_null())
                    .col(ColumnDef::new("query").text().not_null())
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .col(
                        ColumnDef::new("status")
                            .text()
                            .not_null()
                            .default("active")
                            .check(one_of("status", &["active", "paused", "cancelled"])),
                    )
                    .foreign_key(&mut fk_cascade(
                        "subscription",
                        "identity",
                        "client_connection",
                        "identity",
                    ))
                    .take(),
            )
            .await?;
        index(
            manager,
            "subscription_identity_idx",
            "subscription",
            ["identity"],
        )
        .await?;
        index(
            manager,
            "subscription_status_idx",
            "subscription",
            ["status"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping the table drops its indexes.
        drop_table(manager, "subscription").await
    }
}
