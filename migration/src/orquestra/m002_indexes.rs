//! Performance indexes (`002_indexes.sql`).

use crate::common::{drop_index, index};
use sea_orm_migration::prelude::*;

const INDEXES: [(&str, &str, &str); 10] = [
    ("idx_users_github_id", "users", "github_id"),
    ("idx_users_username", "users", "username"),
    ("idx_projects_user_id", "projects", "user_id"),
    ("idx_projects_program_id", "projects", "program_id"),
    ("idx_projects_is_public", "projects", "is_public"),
    ("idx_idl_versions_project_id", "idl_versions", "project_id"),
    ("idx_idl_versions_created_at", "idl_versions", "created_at"),
    ("idx_api_keys_project_id", "api_keys", "project_id"),
    ("idx_api_keys_key", "api_keys", "key"),
    (
        "idx_project_socials_project_id",
        "project_socials",
        "project_id",
    ),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, col) in INDEXES {
            index(manager, name, table, [col]).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES.iter().rev() {
            drop_index(manager, name, table).await?;
        }
        Ok(())
    }
}
