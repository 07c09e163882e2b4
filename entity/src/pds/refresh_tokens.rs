//! `refresh_tokens`: one row per outstanding refresh JWT.

use sea_orm::entity::prelude::*;

/// A row of `refresh_tokens`: one outstanding refresh JWT; deleting the row revokes it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    /// The JWT's `jti` claim.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// The session's account DID (cascade: deleted with the account); indexed
    /// (`refresh_tokens_did_idx`) for logging a user out everywhere.
    pub did: String,
    /// When the refresh JWT expires (its `exp` claim), UTC.
    pub expires_at: DateTimeUtc,
    /// The app password's name when the session was opened with one; `None` for a session
    /// opened with the main password.
    pub app_password_name: Option<String>,
    /// When the refresh token was issued, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account the session belongs to, through `did`.
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
