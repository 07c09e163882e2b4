//! Hashtags (tagging posts) and post media (Post 1───N Media in the seed).

use super::cols::{asc, pk, uuid, uuid_pk, varchar};
use crate::common::{drop_index, drop_table, fk_cascade, index, one_of, ts_now};
use sea_orm_migration::prelude::*;

const MEDIA_TYPE: [&str; 2] = ["image", "video"];

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
                    .table("hashtags")
                    .col(uuid_pk("id"))
                    .col(varchar("tag", 100).unique_key())
                    .col(ts_now(manager, "created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("post_hashtags")
                    .col(uuid("post_id"))
                    .col(uuid("hashtag_id"))
                    .primary_key(&mut pk("post_id", "hashtag_id"))
                    .foreign_key(&mut fk_cascade("post_hashtags", "post_id", "posts", "id"))
                    .foreign_key(&mut fk_cascade(
                        "post_hashtags",
                        "hashtag_id",
                        "hashtags",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("media")
                    .col(uuid_pk("id"))
                    .col(uuid("post_id"))
                    .col(varchar("url", 500))
                    .col(varchar("type", 20).check(one_of("type", &MEDIA_TYPE)))
                    .col(ColumnDef::new("position").integer().not_null().default(0))
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade("media", "post_id", "posts", "id"))
                    .take(),
            )
            .await?;

        index(
            manager,
            "idx_post_hashtags_hashtag_id",
            "post_hashtags",
            [asc("hashtag_id")],
        )
        .await?;
        index(
            manager,
            "idx_media_post_position",
            "media",
            [asc("post_id"), asc("position")],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, "idx_media_post_position", "media").await?;
        drop_index(manager, "idx_post_hashtags_hashtag_id", "post_hashtags").await?;
        for table in ["media", "post_hashtags", "hashtags"] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
