//! The seed's PostgreSQL core tables (users, posts, comments, reactions) and the indexes
//! of its "Indexing Strategy".

use super::cols::{asc, desc, text, uuid, uuid_null, uuid_pk, varchar, varchar_null};
use crate::common::{drop_index, drop_table, fk, index, one_of, ts_now};
use sea_orm_migration::prelude::*;

const PRIVACY: [&str; 3] = ["public", "friends", "private"];
const TARGET_TYPE: [&str; 2] = ["post", "comment"];
const REACTION_TYPE: [&str; 6] = ["like", "love", "haha", "wow", "sad", "angry"];

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
                    .table("users")
                    .col(uuid_pk("id"))
                    .col(varchar("email", 255).unique_key())
                    .col(varchar("username", 50).unique_key())
                    .col(varchar("full_name", 255))
                    .col(varchar("password_hash", 255))
                    .col(varchar_null("profile_picture_url", 500))
                    .col(varchar_null("cover_photo_url", 500))
                    .col(ColumnDef::new("bio").text().null())
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("posts")
                    .col(uuid_pk("id"))
                    .col(uuid("author_id"))
                    .col(text("content"))
                    .col(varchar("privacy", 20).check(one_of("privacy", &PRIVACY)))
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .foreign_key(&mut fk("posts", "author_id", "users", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("comments")
                    .col(uuid_pk("id"))
                    .col(uuid("post_id"))
                    .col(uuid("author_id"))
                    .col(text("content"))
                    .col(uuid_null("parent_comment_id"))
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk("comments", "post_id", "posts", "id"))
                    .foreign_key(&mut fk("comments", "author_id", "users", "id"))
                    .foreign_key(&mut fk("comments", "parent_comment_id", "comments", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reactions")
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(uuid("target_id"))
                    .col(varchar("target_type", 20).check(one_of("target_type", &TARGET_TYPE)))
                    .col(varchar("type", 20).check(one_of("type", &REACTION_TYPE)))
                    .col(ts_now(manager, "created_at"))
                    .foreign_key(&mut fk("reactions", "user_id", "users", "id"))
                    .index(
                        Index::create()
                            .name("reactions_user_id_target_id_target_type_key")
                            .unique()
                            .col("user_id")
                            .col("target_id")
                            .col("target_type"),
                    )
                    .take(),
            )
            .await?;

        index(manager, "idx_users_email", "users", [asc("email")]).await?;
        index(manager, "idx_users_username", "users", [asc("username")]).await?;
        index(
            manager,
            "idx_posts_author_created",
            "posts",
            [asc("author_id"), desc("created_at")],
        )
        .await?;
        index(
            manager,
            "idx_posts_privacy_created",
            "posts",
            [asc("privacy"), desc("created_at")],
        )
        .await?;
        index(
            manager,
            "idx_comments_post_created",
            "comments",
            [asc("post_id"), desc("created_at")],
        )
        .await?;
        index(
            manager,
            "idx_comments_parent",
            "comments",
            [asc("parent_comment_id")],
        )
        .await?;
        index(
            manager,
            "idx_reactions_target",
            "reactions",
            [asc("target_id"), asc("target_type")],
        )
        .await?;
        index(manager, "idx_reactions_user", "reactions", [asc("user_id")]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_reactions_user", "reactions"),
            ("idx_reactions_target", "reactions"),
            ("idx_comments_parent", "comments"),
            ("idx_comments_post_created", "comments"),
            ("idx_posts_privacy_created", "posts"),
            ("idx_posts_author_created", "posts"),
            ("idx_users_username", "users"),
            ("idx_users_email", "users"),
        ] {
            drop_index(manager, name, table).await?;
        }
        for table in ["reactions", "comments", "posts", "users"] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
