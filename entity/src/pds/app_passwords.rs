//! `app_passwords`: an account's named, scoped app passwords (seed chapter 13; the
//! reference PDS's `app_password`).

use sea_orm::entity::prelude::*;

/// A row of `app_passwords`: one named app password of an account; primary key (`did`,
/// `name`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_passwords")]
pub struct Model {
    /// The account's DID (cascade: deleted with the account).
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// The app password's name, unique per account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// Versioned scrypt hash of the app password.
    pub password_scrypt: String,
    /// Whether the app password may perform privileged actions (e.g. DMs); defaults to
    /// false.
    pub privileged: bool,
    /// When the app password was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account the app password belongs to, through `did`.
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
