//! The tables the seed lists as "coming in future chapters": records (ch. 14), blobs and
//! record_blobs (ch. 15), repo_seq (ch. 16) and app_passwords (ch. 13). Shaped like the
//! reference AT Protocol PDS's actor store, plus a `did` column because every account
//! lives in this one database.

use crate::common::{drop_table, fk_cascade, index, one_of, ts_now, unique_index};
use sea_orm_migration::prelude::*;

/// `repo_seq.event_type` values.
const EVENT_TYPES: [&str; 6] = ["append", "rev", "sync", "identity", "account", "tombstone"];

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
                    .table("records")
                    .col(ColumnDef::new("uri").text().not_null().primary_key())
                    .col(ColumnDef::new("cid").text().not_null())
                    .col(ColumnDef::new("did").text().not_null())
                    .col(ColumnDef::new("collection").text().not_null())
                    .col(ColumnDef::new("rkey").text().not_null())
                    .col(ColumnDef::new("repo_rev").text().null())
                    .col(ts_now(manager, "indexed_at"))
                    .col(ColumnDef::new("takedown_ref").text().null())
                    .foreign_key(&mut fk_cascade("records", "did", "accounts", "did"))
                    .take(),
            )
            .await?;
        unique_index(
            manager,
            "records_did_collection_rkey_idx",
            "records",
            &["did", "collection", "rkey"],
        )
        .await?;
        index(manager, "records_cid_idx", "records", ["cid"]).await?;
        index(manager, "records_repo_rev_idx", "records", ["repo_rev"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("blobs")
                    .col(ColumnDef::new("did").text().not_null())
                    .col(ColumnDef::new("cid").text().not_null())
                    .col(ColumnDef::new("mime_type").text().not_null())
                    .col(ColumnDef::new("size").big_integer().not_null())
                    .col(ColumnDef::new("temp_key").text().null())
                    .col(ColumnDef::new("width").integer().null())
                    .col(ColumnDef::new("height").integer().null())
                    .col(ts_now(manager, "created_at"))
                    .col(ColumnDef::new("takedown_ref").text().null())
                    .primary_key(Index::create().col("did").col("cid"))
                    .foreign_key(&mut fk_cascade("blobs", "did", "accounts", "did"))
                    .take(),
            )
            .await?;
        index(manager, "blobs_temp_key_idx", "blobs", ["temp_key"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("record_blobs")
                    .col(ColumnDef::new("blob_cid").text().not_null())
                    .col(ColumnDef::new("record_uri").text().not_null())
                    .col(ColumnDef::new("did").text().not_null())
                    .primary_key(Index::create().col("blob_cid").col("record_uri"))
                    .foreign_key(&mut fk_cascade(
                        "record_blobs",
                        "record_uri",
                        "records",
                        "uri",
                    ))
                    .foreign_key(&mut fk_cascade("record_blobs", "did", "accounts", "did"))
                    .take(),
            )
            .await?;
        index(manager, "record_blobs_did_idx", "record_blobs", ["did"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("repo_seq")
                    .col(
                        ColumnDef::new("seq")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    // No foreign key: the sequencer's log outlives the accounts it mentions.
                    .col(ColumnDef::new("did").text().not_null())
                    .col(
                        ColumnDef::new("event_type")
                            .text()
                            .not_null()
                            .check(one_of("event_type", &EVENT_TYPES)),
                    )
                    .col(ColumnDef::new("event").blob().not_null())
                    .col(
                        ColumnDef::new("invalidated")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ts_now(manager, "sequenced_at"))
                    .take(),
            )
            .await?;
        index(manager, "repo_seq_did_idx", "repo_seq", ["did"]).await?;
        index(
            manager,
            "repo_seq_event_type_idx",
            "repo_seq",
            ["event_type"],
        )
        .await?;
        index(
            manager,
            "repo_seq_sequenced_at_idx",
            "repo_seq",
            ["sequenced_at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("app_passwords")
                    .col(ColumnDef::new("did").text().not_null())
                    .col(ColumnDef::new("name").text().not_null())
                    .col(ColumnDef::new("password_scrypt").text().not_null())
                    .col(
                        ColumnDef::new("privileged")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ts_now(manager, "created_at"))
                    .primary_key(Index::create().col("did").col("name"))
                    .foreign_key(&mut fk_cascade("app_passwords", "did", "accounts", "did"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse dependency order; dropping a table drops its indexes with it.
        for table in [
            "app_passwords",
            "repo_seq",
            "record_blobs",
            "blobs",
            "records",
        ] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
