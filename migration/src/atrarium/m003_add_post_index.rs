//! `post_index`: indexed post URIs for feed skeletons, and its indexes
//! (`003_add_post_index.sql`).

use crate::common::{drop_index, drop_table, fk_cascade, index};
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
                    .table("post_index")
                    .col(
                        ColumnDef::new("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("feed_id").big_integer().not_null())
                    .col(ColumnDef::new("uri").text().not_null())
                    .col(ColumnDef::new("author_did").text().not_null())
                    .col(ColumnDef::new("created_at").big_integer().not_null())
                    .col(
                        ColumnDef::new("has_media")
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .foreign_key(&mut fk_cascade(
                        "post_index",
                        "feed_id",
                        "theme_feeds",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        // Feed skeleton: newest first within a feed.
        index(
            manager,
            "idx_post_index_feed",
            "post_index",
            [
                ("feed_id", IndexOrder::Asc),
                ("created_at", IndexOrder::Desc),
            ],
        )
        .await?;
        index(manager, "idx_post_index_uri", "post_index", ["uri"]).await?;
        index(
            manager,
            "idx_post_index_author",
            "post_index",
            ["author_did"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_post_index_author",
            "idx_post_index_uri",
            "idx_post_index_feed",
        ] {
            drop_index(manager, name, "post_index").await?;
        }
        drop_table(manager, "post_index").await
    }
}
