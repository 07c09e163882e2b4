//! `projects`: a user's IDL project for one Solana program.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    /// Solana program address; unique per user.
    pub program_id: String,
    pub is_public: Option<bool>,
    /// Owner-editable documentation (migration 003).
    pub custom_docs: Option<String>,
    pub created_at: Option<DateTimeUtc>,
    pub updated_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(has_many)]
    pub idl_versions: HasMany<super::idl_versions::Entity>,
    #[sea_orm(has_many)]
    pub api_keys: HasMany<super::api_keys::Entity>,
    #[sea_orm(has_one)]
    pub socials: HasOne<super::project_socials::Entity>,
    #[sea_orm(has_many)]
    pub known_addresses: HasMany<super::known_addresses::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
