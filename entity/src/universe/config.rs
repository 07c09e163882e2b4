//! `config`: system configuration parameters, one row per key.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "config")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub value: String,
    pub description: Option<String>,
    pub updated_at: DateTimeUtc,
    /// The SpacetimeDB identity (hex) of whoever last changed the value.
    pub updated_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
