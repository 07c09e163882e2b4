//! The tables that exist now: accounts, repos, repo_blocks, refresh_tokens,
//! plc_operations, with the seed's named indexes.

use crate::common::{drop_table, fk_cascade, index, one_of, ts, ts_now, unique_index};
use sea_orm_migration::prelude::*;

/// `accounts.status` values.
const ACCOUNT_STATUSES: [&str; 4] = ["active", "takendown", "deactivated", "deleted"];

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
                    .table("accounts")
                    .col(ColumnDef::new("did").text().not_null().primary_key())
                    .col(ColumnDef::new("handle").text().not_null())
                    .col(ColumnDef::new("email").text().not_null())
                    .col(ColumnDef::new("password_hash").text().not_null())
                    .col(ColumnDef::new("signing_key_priv").text().not_null())
                    .col(ColumnDef::new("signing_key_pub").text().not_null())
                    .col(ColumnDef::new("rotation_key_priv").text().not_null())
                    .col(ColumnDef::new("rotation_key_pub").text().not_null())
                    .col(
                        ColumnDef::new("status")
                            .text()
                            .not_null()
                            .default("active")
                            .check(one_of("status", &ACCOUNT_STATUSES)),
                    )
                    .col(ts_now(manager, "created_at"))
                    .take(),
            )
            .await?;
        unique_index(manager, "accounts_handle_idx", "accounts", &["handle"]).await?;
        unique_index(manager, "accounts_email_idx", "accounts", &["email"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("repos")
                    .col(ColumnDef::new("did").text().not_null().primary_key())
                    .col(ColumnDef::new("root_cid").text().not_null())
                    .col(ColumnDef::new("rev").text().not_null())
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade("repos", "did", "accounts", "did"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("repo_blocks")
                    .col(ColumnDef::new("repo_did").text().not_null())
                    .col(ColumnDef::new("cid").text().not_null())
                    .col(ColumnDef::new("bytes").blob().not_null())
                    .col(ColumnDef::new("size").integer().not_null())
                    .col(ts_now(manager, "created_at"))
                    .primary_key(Index::create().col("repo_did").col("cid"))
                    .foreign_key(&mut fk_cascade(
                        "repo_blocks",
                        "repo_did",
                        "accounts",
                        "did",
                    ))
                    .take(),
            )
            .await?;
        index(manager, "repo_blocks_cid_idx", "repo_blocks", ["cid"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(ColumnDef::new("jti").text().not_null().primary_key())
                    .col(ColumnDef::new("did").text().not_null())
                    .col(ts("expires_at"))
                    .col(ColumnDef::new("app_password_name").text().null())
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade("refresh_tokens", "did", "accounts", "did"))
                    .take(),
            )
            .await?;
        index(manager, "refresh_tokens_did_idx", "refresh_tokens", ["did"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("plc_operations")
                    .col(ColumnDef::new("did").text().not_null())
                    .col(ColumnDef::new("cid").text().not_null())
                    .col(ColumnDef::new("operation").blob().not_null())
                    .col(ColumnDef::new("seq").big_integer().not_null())
                    .col(ts_now(manager, "created_at"))
                    .primary_key(Index::create().col("did").col("seq"))
                    .foreign_key(&mut fk_cascade("plc_operations", "did", "accounts", "did"))
                    .take(),
            )
            .await?;
        index(manager, "plc_operations_cid_idx", "plc_operations", ["cid"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping a table drops its indexes with it.
        for table in [
            "plc_operations",
            "refresh_tokens",
            "repo_blocks",
            "repos",
            "accounts",
        ] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
