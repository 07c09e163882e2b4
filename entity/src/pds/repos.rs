//! `repos`: one row per repository (one per account), updated atomically with every commit.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repos")]
pub struct Model {
    /// The owning account's DID; also the primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// CID of the current signed commit.
    pub root_cid: String,
    /// The current commit's TID-shaped rev.
    pub rev: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
