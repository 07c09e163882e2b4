//! `accounts`: one row per registered user; the DID is the primary key.

use super::enums::AccountStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// The account's DID (`did:plc:...`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// The account's handle. Unique (`accounts_handle_idx`); mutable over its lifetime.
    #[sea_orm(unique)]
    pub handle: String,
    /// Unique (`accounts_email_idx`).
    #[sea_orm(unique)]
    pub email: String,
    /// Versioned scrypt hash of the password.
    pub password_hash: String,
    /// Hex-encoded 32-byte k256 signing scalar (plaintext in the seed; see its chapter 18).
    pub signing_key_priv: String,
    /// Signing public key as a multibase Multikey.
    pub signing_key_pub: String,
    /// Hex-encoded rotation private key.
    pub rotation_key_priv: String,
    /// Rotation public key as a multibase Multikey.
    pub rotation_key_pub: String,
    /// Lifecycle status; defaults to `active`.
    pub status: AccountStatus,
    pub created_at: DateTimeUtc,
    #[sea_orm(has_one)]
    pub repo: HasOne<super::repos::Entity>,
    #[sea_orm(has_many)]
    pub repo_blocks: HasMany<super::repo_blocks::Entity>,
    #[sea_orm(has_many)]
    pub refresh_tokens: HasMany<super::refresh_tokens::Entity>,
    #[sea_orm(has_many)]
    pub plc_operations: HasMany<super::plc_operations::Entity>,
    #[sea_orm(has_many)]
    pub records: HasMany<super::records::Entity>,
    #[sea_orm(has_many)]
    pub blobs: HasMany<super::blobs::Entity>,
    #[sea_orm(has_many)]
    pub record_blobs: HasMany<super::record_blobs::Entity>,
    #[sea_orm(has_many)]
    pub app_passwords: HasMany<super::app_passwords::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
