//! `plc_operations`: the local copy of each account's PLC operation log (authoritative in
//! local-PLC dev mode).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plc_operations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub did: String,
    /// Position in the account's log: 0 = genesis, then one per rotation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// CID of the signed operation (indexed, `plc_operations_cid_idx`).
    pub cid: String,
    /// DAG-CBOR of the signed operation.
    pub operation: Vec<u8>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
