//! `blobs`: metadata of uploaded blobs (seed chapter 15; shaped like the reference PDS's
//! `blob`). The bytes themselves live in a blob store, not in the database.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blobs")]
pub struct Model {
    /// The owning account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// The blob's CID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub cid: String,
    pub mime_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Key of the upload in temporary storage, until a record references the blob.
    pub temp_key: Option<String>,
    /// Pixel width, for images.
    pub width: Option<i32>,
    /// Pixel height, for images.
    pub height: Option<i32>,
    pub created_at: DateTimeUtc,
    /// Reference of a moderation takedown, when the blob is taken down.
    pub takedown_ref: Option<String>,
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
