//! `accounts`: one row per registered user; the DID is the primary key.

use super::enums::AccountStatus;
use sea_orm::entity::prelude::*;

/// A row of `accounts`: one registered user of the PDS, keyed by DID.
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
    /// The account's email address, used for login and recovery. Unique
    /// (`accounts_email_idx`).
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
    /// When the account was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account's repository head (`repos.did`, one row); deleted with the account.
    #[sea_orm(has_one)]
    pub repo: HasOne<super::repos::Entity>,
    /// The account's repository blocks (`repo_blocks.repo_did`); deleted with the account.
    #[sea_orm(has_many)]
    pub repo_blocks: HasMany<super::repo_blocks::Entity>,
    /// The account's outstanding refresh tokens (`refresh_tokens.did`); deleted with the
    /// account.
    #[sea_orm(has_many)]
    pub refresh_tokens: HasMany<super::refresh_tokens::Entity>,
    /// The account's PLC operation log (`plc_operations.did`), genesis first; deleted with
    /// the account.
    #[sea_orm(has_many)]
    pub plc_operations: HasMany<super::plc_operations::Entity>,
    /// The account's record listing (`records.did`); deleted with the account.
    #[sea_orm(has_many)]
    pub records: HasMany<super::records::Entity>,
    /// Metadata of the account's uploaded blobs (`blobs.did`); deleted with the account.
    #[sea_orm(has_many)]
    pub blobs: HasMany<super::blobs::Entity>,
    /// The account's record-to-blob references (`record_blobs.did`); deleted with the
    /// account.
    #[sea_orm(has_many)]
    pub record_blobs: HasMany<super::record_blobs::Entity>,
    /// The account's app passwords (`app_passwords.did`); deleted with the account.
    #[sea_orm(has_many)]
    pub app_passwords: HasMany<super::app_passwords::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
