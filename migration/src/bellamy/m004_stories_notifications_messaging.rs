//! The seed's MongoDB collections as tables: stories (with their embedded `viewers` as
//! `story_viewers`), notifications, and messaging (conversations, their participants and
//! messages), with the seed's MongoDB indexes.

use super::cols::{asc, desc, flag, pk, text, uuid, uuid_pk, varchar};
use crate::common::{drop_index, drop_table, fk, fk_cascade, index, one_of, ts, ts_now, ts_null};
use sea_orm_migration::prelude::*;

const STORY_TYPE: [&str; 2] = ["image", "video"];
const MESSAGE_TYPE: [&str; 3] = ["text", "image", "video"];

/// `(name, table, columns)` of this migration's indexes, in creation order.
fn indexes() -> [(&'static str, &'static str, Vec<IndexColumn>); 8] {
    [
        (
            "idx_stories_user_created",
            "stories",
            vec![asc("user_id"), desc("created_at")],
        ),
        ("idx_stories_expires", "stories", vec![asc("expires_at")]),
        (
            "idx_story_viewers_user_id",
            "story_viewers",
            vec![asc("user_id")],
        ),
        (
            "idx_notifications_user_created",
            "notifications",
            vec![asc("user_id"), desc("created_at")],
        ),
        (
            "idx_notifications_user_read",
            "notifications",
            vec![asc("user_id"), asc("read")],
        ),
        (
            "idx_conversation_participants_user_id",
            "conversation_participants",
            vec![asc("user_id")],
        ),
        (
            "idx_messages_conversation_created",
            "messages",
            vec![asc("conversation_id"), desc("created_at")],
        ),
        (
            "idx_messages_sender_created",
            "messages",
            vec![asc("sender_id"), desc("created_at")],
        ),
    ]
}

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
                    .table("stories")
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(varchar("media_url", 500))
                    .col(varchar("type", 20).check(one_of("type", &STORY_TYPE)))
                    .col(ts_now(manager, "created_at"))
                    .col(ts("expires_at"))
                    .foreign_key(&mut fk_cascade("stories", "user_id", "users", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("story_viewers")
                    .col(uuid("story_id"))
                    .col(uuid("user_id"))
                    .col(ts_now(manager, "viewed_at"))
                    .primary_key(&mut pk("story_id", "user_id"))
                    .foreign_key(&mut fk_cascade(
                        "story_viewers",
                        "story_id",
                        "stories",
                        "id",
                    ))
                    .foreign_key(&mut fk_cascade("story_viewers", "user_id", "users", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(varchar("type", 50))
                    .col(varchar("title", 255))
                    .col(text("message"))
                    .col(
                        ColumnDef::new("data")
                            .json_binary()
                            .not_null()
                            .default("{}"),
                    )
                    .col(flag("read"))
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade("notifications", "user_id", "users", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conversations")
                    .col(uuid_pk("id"))
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conversation_participants")
                    .col(uuid("conversation_id"))
                    .col(uuid("user_id"))
                    .col(ts_now(manager, "joined_at"))
                    .col(ts_null("last_read_at"))
                    .primary_key(&mut pk("conversation_id", "user_id"))
                    .foreign_key(&mut fk_cascade(
                        "conversation_participants",
                        "conversation_id",
                        "conversations",
                        "id",
                    ))
                    .foreign_key(&mut fk_cascade(
                        "conversation_participants",
                        "user_id",
                        "users",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("messages")
                    .col(uuid_pk("id"))
                    .col(uuid("conversation_id"))
                    .col(uuid("sender_id"))
                    .col(text("content"))
                    .col(varchar("type", 20).check(one_of("type", &MESSAGE_TYPE)))
                    .col(flag("read"))
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade(
                        "messages",
                        "conversation_id",
                        "conversations",
                        "id",
                    ))
                    .foreign_key(&mut fk("messages", "sender_id", "users", "id"))
                    .take(),
            )
            .await?;

        for (name, table, cols) in indexes() {
            index(manager, name, table, cols).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes().into_iter().rev() {
            drop_index(manager, name, table).await?;
        }
        for table in [
            "messages",
            "conversation_participants",
            "conversations",
            "notifications",
            "story_viewers",
            "stories",
        ] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
