//! Mosaic's own addition: `event_log.seq`, a gap-free order over the audit trail for
//! subscribers. Writers assign it under the log's lock (see `api::events`), so it follows
//! commit order; events already logged are numbered by `(timestamp, event_id)`. Rows
//! inserted outside the API (no `seq`) stay in the audit trail but are not streamed.

use crate::common::{drop_index, unique_index};
use sea_orm_migration::prelude::*;

const NAME: &str = "idx_event_log_seq";

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
                    .table("event_log")
                    .add_column(ColumnDef::new("seq").big_integer().null())
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE event_log SET seq = (SELECT n FROM (SELECT event_id, \
                 ROW_NUMBER() OVER (ORDER BY timestamp, event_id) AS n FROM event_log) AS o \
                 WHERE o.event_id = event_log.event_id)",
            )
            .await?;
        unique_index(manager, NAME, "event_log", &["seq"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, NAME, "event_log").await?;
        manager
            .alter_table(Table::alter().table("event_log").drop_column("seq").take())
            .await
    }
}
