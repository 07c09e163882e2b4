//! `config`: system configuration parameters, one row per key.

use sea_orm::entity::prelude::*;

/// A row of `config`: one system configuration parameter.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "config")]
pub struct Model {
    /// The parameter's name; primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// The parameter's value, as text (the reader parses it).
    pub value: String,
    /// What the parameter controls; `None` if undocumented.
    pub description: Option<String>,
    /// When the value was last changed, UTC (defaults to now).
    pub updated_at: DateTimeUtc,
    /// The SpacetimeDB identity (hex) of whoever last changed the value.
    pub updated_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
