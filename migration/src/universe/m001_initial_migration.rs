//! The seed's `initial_migration`: entity, relation, state_version, event_log,
//! delta_record, config and client_connection, with their indexes.
//!
//! The seed names three indexes `timestamp_idx` (on state_version, event_log and
//! delta_record); index names share one namespace per schema/database, so they are
//! prefixed with their table here.

use crate::common::{drop_table, fk, fk_cascade, index, one_of, ts_now};
use sea_orm_migration::prelude::*;

/// `(index, table, column)` created after the tables.
const INDEXES: [(&str, &str, &str); 14] = [
    ("entity_type_idx", "entity", "entity_type"),
    ("entity_created_idx", "entity", "created_at"),
    ("from_entity_idx", "relation", "from_entity"),
    ("to_entity_idx", "relation", "to_entity"),
    ("relation_type_idx", "relation", "relation_type"),
    ("parent_version_idx", "state_version", "parent_version_id"),
    ("state_version_timestamp_idx", "state_version", "timestamp"),
    ("owner_idx", "state_version", "owner"),
    ("event_type_idx", "event_log", "event_type"),
    ("event_log_timestamp_idx", "event_log", "timestamp"),
    ("source_idx", "event_log", "source"),
    ("state_version_idx", "delta_record", "state_version_id"),
    ("delta_record_timestamp_idx", "delta_record", "timestamp"),
    (
        "client_connection_status_idx",
        "client_connection",
        "status",
    ),
];

/// Tables in dependency order (parents first).
const TABLES: [&str; 7] = [
    "entity",
    "relation",
    "state_version",
    "event_log",
    "delta_record",
    "config",
    "client_connection",
];

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
                    .table("entity")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("entity_type").text().not_null())
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .col(ColumnDef::new("metadata").json_binary().not_null())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("relation")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("from_entity").text().not_null())
                    .col(ColumnDef::new("to_entity").text().not_null())
                    .col(ColumnDef::new("relation_type").text().not_null())
                    .col(ts_now(manager, "created_at"))
                    .col(ColumnDef::new("metadata").json_binary().not_null())
                    .foreign_key(&mut fk_cascade("relation", "from_entity", "entity", "id"))
                    .foreign_key(&mut fk_cascade("relation", "to_entity", "entity", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("state_version")
                    .col(ColumnDef::new("version_id").text().not_null().primary_key())
                    .col(ColumnDef::new("parent_version_id").text().null())
                    .col(ts_now(manager, "timestamp"))
                    .col(ColumnDef::new("description").text().not_null())
                    .col(ColumnDef::new("data_hash").text().not_null())
                    .col(ColumnDef::new("owner").text().not_null())
                    // No cascade: a version with descendants cannot be deleted.
                    .foreign_key(&mut fk(
                        "state_version",
                        "parent_version_id",
                        "state_version",
                        "version_id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_log")
                    .col(ColumnDef::new("event_id").text().not_null().primary_key())
                    .col(ColumnDef::new("event_type").text().not_null())
                    .col(ColumnDef::new("source").text().null())
                    .col(ts_now(manager, "timestamp"))
                    .col(ColumnDef::new("data").json_binary().not_null())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("delta_record")
                    .col(ColumnDef::new("delta_id").text().not_null().primary_key())
                    .col(ColumnDef::new("state_version_id").text().not_null())
                    .col(ColumnDef::new("operations").json_binary().not_null())
                    .col(ts_now(manager, "timestamp"))
                    .col(ColumnDef::new("metadata").json_binary().not_null())
                    .foreign_key(&mut fk_cascade(
                        "delta_record",
                        "state_version_id",
                        "state_version",
                        "version_id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("config")
                    .col(ColumnDef::new("key").text().not_null().primary_key())
                    .col(ColumnDef::new("value").text().not_null())
                    .col(ColumnDef::new("description").text().null())
                    .col(ts_now(manager, "updated_at"))
                    .col(ColumnDef::new("updated_by").text().not_null())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("client_connection")
                    .col(ColumnDef::new("identity").text().not_null().primary_key())
                    .col(ColumnDef::new("connection_id").text().not_null())
                    .col(ts_now(manager, "connected_at"))
                    .col(ts_now(manager, "last_active_at"))
                    .col(ColumnDef::new("client_info").text().null())
                    .col(
                        ColumnDef::new("status")
                            .text()
                            .not_null()
                            .default("connected")
                            .check(one_of(
                                "status",
                                &["connected", "idle", "disconnecting", "disconnected"],
                            )),
                    )
                    .take(),
            )
            .await?;
        for (name, table, col) in INDEXES {
            index(manager, name, table, [col]).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping a table drops its indexes.
        for table in TABLES.into_iter().rev() {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
