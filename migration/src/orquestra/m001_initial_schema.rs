//! Core tables: users, projects, idl_versions, api_keys, project_socials.

use crate::common::{drop_table, fk_cascade, ts_null_now};
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
                    .table("users")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(
                        ColumnDef::new("github_id")
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new("username").text().not_null().unique_key())
                    .col(ColumnDef::new("email").text().not_null().unique_key())
                    .col(ColumnDef::new("avatar_url").text().null())
                    .col(ts_null_now(manager, "created_at"))
                    .col(ts_null_now(manager, "updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("projects")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("user_id").text().not_null())
                    .col(ColumnDef::new("name").text().not_null())
                    .col(ColumnDef::new("description").text().null())
                    .col(ColumnDef::new("program_id").text().not_null())
                    .col(ColumnDef::new("is_public").boolean().null().default(true))
                    .col(ts_null_now(manager, "created_at"))
                    .col(ts_null_now(manager, "updated_at"))
                    .foreign_key(&mut fk_cascade("projects", "user_id", "users", "id"))
                    .index(
                        Index::create()
                            .name("projects_user_id_program_id_key")
                            .unique()
                            .col("user_id")
                            .col("program_id"),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("idl_versions")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("project_id").text().not_null())
                    .col(ColumnDef::new("idl_json").text().not_null())
                    .col(ColumnDef::new("cpi_md").text().null())
                    .col(ColumnDef::new("version").integer().not_null())
                    .col(ts_null_now(manager, "created_at"))
                    .foreign_key(&mut fk_cascade(
                        "idl_versions",
                        "project_id",
                        "projects",
                        "id",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_keys")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("project_id").text().not_null())
                    .col(ColumnDef::new("key").text().not_null().unique_key())
                    .col(
                        ColumnDef::new("last_used")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ts_null_now(manager, "created_at"))
                    .col(
                        ColumnDef::new("expires_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut fk_cascade("api_keys", "project_id", "projects", "id"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("project_socials")
                    .col(ColumnDef::new("id").text().not_null().primary_key())
                    .col(ColumnDef::new("project_id").text().not_null().unique_key())
                    .col(ColumnDef::new("twitter").text().null())
                    .col(ColumnDef::new("discord").text().null())
                    .col(ColumnDef::new("telegram").text().null())
                    .col(ColumnDef::new("github").text().null())
                    .col(ColumnDef::new("website").text().null())
                    .col(ts_null_now(manager, "created_at"))
                    .col(ts_null_now(manager, "updated_at"))
                    .foreign_key(&mut fk_cascade(
                        "project_socials",
                        "project_id",
                        "projects",
                        "id",
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "project_socials",
            "api_keys",
            "idl_versions",
            "projects",
            "users",
        ] {
            drop_table(manager, table).await?;
        }
        Ok(())
    }
}
