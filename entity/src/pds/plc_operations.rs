//! `plc_operations`: the local copy of each account's PLC operation log (authoritative in
//! local-PLC dev mode).

use sea_orm::entity::prelude::*;

/// A row of `plc_operations`: one signed operation of an account's PLC log; primary key
/// (`did`, `seq`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plc_operations")]
pub struct Model {
    /// The account's DID (`did:plc:...`) the operation is for (cascade: deleted with the
    /// account).
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// Position in the account's log: 0 = genesis, then one per rotation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// CID of the signed operation (indexed, `plc_operations_cid_idx`).
    pub cid: String,
    /// The signed operation, DAG-CBOR-encoded bytes.
    pub operation: Vec<u8>,
    /// When the operation was stored, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The account the operation belongs to, through `did`.
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
