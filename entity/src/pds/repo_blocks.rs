//! `repo_blocks`: content-addressed block storage, scoped per repository. Every encoded
//! MST node and every signed commit lives here.

use sea_orm::entity::prelude::*;

/// A row of `repo_blocks`: one content-addressed block (MST node or signed commit) of one
/// repository; primary key (`repo_did`, `cid`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repo_blocks")]
pub struct Model {
    /// The repository (account DID) the block belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub repo_did: String,
    /// The block's CID (also indexed alone, `repo_blocks_cid_idx`, for cross-repo lookups).
    #[sea_orm(primary_key, auto_increment = false)]
    pub cid: String,
    /// The DAG-CBOR-encoded block (`bytea` on PostgreSQL, `blob` on SQLite).
    pub bytes: Vec<u8>,
    /// `bytes.len()`, denormalised for cheap aggregation.
    pub size: i32,
    /// When the block was stored, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account whose repository holds the block, through `repo_did` (cascade).
    #[sea_orm(belongs_to, from = "repo_did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
