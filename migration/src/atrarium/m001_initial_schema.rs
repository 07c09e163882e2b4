//! Core tables: communities (a self-referencing tree), theme_feeds, memberships, and
//! their indexes (`001_initial_schema.sql`). `health_metrics` arrives in migration 002.

use crate::common::{
    drop_index, drop_table, fk, fk_cascade, index, one_of, unique_index, unix_epoch_now,
};
use sea_orm_migration::prelude::*;

/// The seed's default feed composition: 80% own, 15% parent, 5% global.
const DEFAULT_FEED_MIX: &str = r#"{"own":80,"parent":15,"global":5}"#;

/// `(name, table, columns)` of the plain indexes created here.
const INDEXES: [(&str, &str, &[&str]); 4] = [
    ("idx_communities_stage", "communities", &["stage"]),
    ("idx_communities_parent", "communities", &["parent_id"]),
    (
        "idx_theme_feeds_community",
        "theme_feeds",
        &["community_id"],
    ),
    ("idx_memberships_user", "memberships", &["user_did"]),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table("communities")
                    .col(
                        ColumnDef::new("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("name").text().not_null())
                    .col(
                        ColumnDef::new("stage")
                            .text()
                            .not_null()
                            .check(one_of("stage", &["theme", "community", "graduated"])),
                    )
                    .col(ColumnDef::new("parent_id").big_integer().null())
                    .col(
                        ColumnDef::new("feed_mix")
                            .json_binary()
                            .not_null()
                            .default(DEFAULT_FEED_MIX),
                    )
                    .col(
                        ColumnDef::new("member_count")
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new("post_count").integer().not_null().default(0))
                    .col(
                        ColumnDef::new("created_at")
                            .big_integer()
                            .not_null()
                            .default(unix_epoch_now(backend)),
                    )
                    .col(
                        ColumnDef::new("updated_at")
                            .big_integer()
                            .not_null()
                            .default(unix_epoch_now(backend)),
                    )
                    .foreign_key(&mut fk("communities", "parent_id", "communities", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("theme_feeds")
                    .col(
                        ColumnDef::new("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("community_id").big_integer().not_null())
                    .col(ColumnDef::new("name").text().not_null())
                    .col(ColumnDef::new("feed_uri").text().not_null().unique_key())
                    .col(ColumnDef::new("filter_config").json_binary().not_null())
                    .col(ColumnDef::new("post_count").integer().not_null().default(0))
                    .col(ColumnDef::new("last_post_at").big_integer().null())
                    .col(
                        ColumnDef::new("created_at")
                            .big_integer()
                            .not_null()
                            .default(unix_epoch_now(backend)),
                    )
                    .foreign_key(&mut fk_cascade(
                        "theme_feeds",
                        "community_id",
                        "communities",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("memberships")
                    .col(ColumnDef::new("community_id").big_integer().not_null())
                    .col(ColumnDef::new("user_did").text().not_null())
                    .col(
                        ColumnDef::new("role")
                            .text()
                            .not_null()
                            .check(one_of("role", &["owner", "moderator", "member"])),
                    )
                    .col(
                        ColumnDef::new("joined_at")
                            .big_integer()
                            .not_null()
                            .default(unix_epoch_now(backend)),
                    )
                    .primary_key(Index::create().col("community_id").col("user_did"))
                    .foreign_key(&mut fk_cascade(
                        "memberships",
                        "community_id",
                        "communities",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        for (name, table, cols) in INDEXES {
            index(manager, name, table, cols.iter().copied()).await?;
        }
        unique_index(manager, "idx_theme_feeds_uri", "theme_feeds", &["feed_uri"]).await?;
        index(
            manager,
            "idx_memberships_role",
            "memberships",
            ["community_id", "role"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager, "idx_memberships_role", "memberships").await?;
        drop_index(manager, "idx_theme_feeds_uri", "theme_feeds").await?;
        for (name, table, _) in INDEXES.iter().rev() {
            drop_index(manager, name, table).await?;
        }
        for table in ["memberships", "theme_feeds", "communities"] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
