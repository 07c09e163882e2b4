//! The social graph the seed names in its relationships (User 1───N FriendRequest) and
//! keeps in Neo4j: friend requests, symmetric friendships and one-way follows.

use super::cols::{asc, not_self, pk, uuid, uuid_pk, varchar};
use crate::common::{drop_index, drop_table, fk_cascade, index, one_of, ts_now, ts_null};
use sea_orm_migration::prelude::*;

const STATUS: [&str; 4] = ["pending", "accepted", "declined", "cancelled"];

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
                    .table("friend_requests")
                    .col(uuid_pk("id"))
                    .col(uuid("sender_id"))
                    .col(uuid("receiver_id"))
                    .col(
                        varchar("status", 20)
                            .default("pending")
                            .check(one_of("status", &STATUS)),
                    )
                    .col(ts_now(manager, "created_at"))
                    .col(ts_now(manager, "updated_at"))
                    .col(ts_null("responded_at"))
                    .check(not_self(
                        "friend_requests_not_self",
                        "sender_id",
                        "receiver_id",
                    ))
                    .foreign_key(&mut fk_cascade(
                        "friend_requests",
                        "sender_id",
                        "users",
                        "id",
                    ))
                    .foreign_key(&mut fk_cascade(
                        "friend_requests",
                        "receiver_id",
                        "users",
                        "id",
                    ))
                    .index(
                        Index::create()
                            .name("friend_requests_sender_id_receiver_id_key")
                            .unique()
                            .col("sender_id")
                            .col("receiver_id"),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("friendships")
                    .col(uuid("user_id"))
                    .col(uuid("friend_id"))
                    .col(ts_now(manager, "created_at"))
                    .primary_key(&mut pk("user_id", "friend_id"))
                    .check(not_self("friendships_not_self", "user_id", "friend_id"))
                    .foreign_key(&mut fk_cascade("friendships", "user_id", "users", "id"))
                    .foreign_key(&mut fk_cascade("friendships", "friend_id", "users", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("follows")
                    .col(uuid("follower_id"))
                    .col(uuid("followee_id"))
                    .col(ts_now(manager, "created_at"))
                    .primary_key(&mut pk("follower_id", "followee_id"))
                    .check(not_self("follows_not_self", "follower_id", "followee_id"))
                    .foreign_key(&mut fk_cascade("follows", "follower_id", "users", "id"))
                    .foreign_key(&mut fk_cascade("follows", "followee_id", "users", "id"))
                    .take(),
            )
            .await?;

        index(
            manager,
            "idx_friend_requests_receiver_status",
            "friend_requests",
            [asc("receiver_id"), asc("status")],
        )
        .await?;
        index(
            manager,
            "idx_friendships_friend_id",
            "friendships",
            [asc("friend_id")],
        )
        .await?;
        index(
            manager,
            "idx_follows_followee_id",
            "follows",
            [asc("followee_id")],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_follows_followee_id", "follows"),
            ("idx_friendships_friend_id", "friendships"),
            ("idx_friend_requests_receiver_status", "friend_requests"),
        ] {
            drop_index(manager, name, table).await?;
        }
        for table in ["follows", "friendships", "friend_requests"] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
