//! `record_blobs`: which records reference which blobs, for blob GC (seed chapter 15;
//! the reference PDS's `record_blob`).

use sea_orm::entity::prelude::*;

/// A row of `record_blobs`: one record referencing one blob; primary key (`blob_cid`,
/// `record_uri`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_blobs")]
pub struct Model {
    /// CID of the referenced blob (of the same account's `blobs`; not a foreign key, as in
    /// the reference PDS, so a record may name a blob before it is uploaded).
    #[sea_orm(primary_key, auto_increment = false)]
    pub blob_cid: String,
    /// AT URI of the referencing record (`records.uri`; cascade: deleted with the record).
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_uri: String,
    /// The owning account's DID (cascade: deleted with the account); indexed.
    pub did: String,
    /// The referencing record, through `record_uri`.
    #[sea_orm(belongs_to, from = "record_uri", to = "uri", on_delete = "Cascade")]
    pub record: BelongsTo<super::records::Entity>,
    /// The account owning the record and the blob, through `did`.
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
