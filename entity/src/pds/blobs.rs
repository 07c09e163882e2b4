//! `blobs`: metadata of uploaded blobs (seed chapter 15; shaped like the reference PDS's
//! `blob`). The bytes themselves live in a blob store, not in the database.

use sea_orm::entity::prelude::*;

/// A row of `blobs`: metadata of one blob an account uploaded; primary key (`did`, `cid`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blobs")]
pub struct Model {
    /// The owning account's DID (cascade: deleted with the account).
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// The blob's CID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub cid: String,
    /// The blob's MIME type as uploaded, e.g. `image/jpeg`.
    pub mime_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Key of the upload in temporary storage (indexed); `None` once a record references
    /// the blob and it is made permanent.
    pub temp_key: Option<String>,
    /// Pixel width, for images; `None` otherwise.
    pub width: Option<i32>,
    /// Pixel height, for images; `None` otherwise.
    pub height: Option<i32>,
    /// When the blob was uploaded, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// Reference of a moderation takedown; `None` while the blob is served.
    pub takedown_ref: Option<String>,
    /// The account owning the blob, through `did`.
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
