//! `repo_blocks`: content-addressed block storage, scoped per repository. Every encoded
//! MST node and every signed commit lives here.

use sea_orm::entity::prelude::*;

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
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "repo_did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
