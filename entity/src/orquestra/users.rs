//! `users`: GitHub-authenticated accounts.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// GitHub user id (unique).
    #[sea_orm(unique)]
    pub github_id: i64,
    /// GitHub username (unique).
    #[sea_orm(unique)]
    pub username: String,
    /// Email address (unique).
    #[sea_orm(unique)]
    pub email: String,
    pub avatar_url: Option<String>,
    pub created_at: Option<DateTimeUtc>,
    pub updated_at: Option<DateTimeUtc>,
    #[sea_orm(has_many)]
    pub projects: HasMany<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
