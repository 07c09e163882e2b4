//! `refresh_tokens`: one row per outstanding refresh JWT.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    /// The JWT's `jti` claim.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// The session's account.
    pub did: String,
    pub expires_at: DateTimeUtc,
    /// Set when the session was opened with an app password (its name).
    pub app_password_name: Option<String>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
