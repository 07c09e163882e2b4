//! `repos`: one row per repository (one per account), updated atomically with every commit.

use sea_orm::entity::prelude::*;

/// A row of `repos`: the head of one account's repository (its current signed commit).
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
    /// When the repository was created (at account creation), UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account owning the repository, through `did` (cascade).
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
