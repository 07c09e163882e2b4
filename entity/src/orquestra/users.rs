//! `users`: GitHub-authenticated accounts.

use sea_orm::entity::prelude::*;

/// A row of `users`: one GitHub-authenticated account, owner of projects.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// GitHub's numeric user id (unique, indexed); the login's identity.
    #[sea_orm(unique)]
    pub github_id: i64,
    /// GitHub login name (unique, indexed).
    #[sea_orm(unique)]
    pub username: String,
    /// Email address from GitHub (unique).
    #[sea_orm(unique)]
    pub email: String,
    /// GitHub avatar image URL; `None` if GitHub gave none.
    pub avatar_url: Option<String>,
    /// When the account was created. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// When the account was last changed. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub updated_at: Option<DateTimeUtc>,
    /// The projects this user owns (`projects.user_id`); deleted with the user.
    #[sea_orm(has_many)]
    pub projects: HasMany<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
