//! `projects`: a user's IDL project for one Solana program.

use sea_orm::entity::prelude::*;

/// A row of `projects`: one user's IDL project for one Solana program.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The owner's `users.id` (cascade: deleted with the user); indexed.
    pub user_id: String,
    /// Project display name (free text).
    pub name: String,
    /// Free-text project description; `None` when not given.
    pub description: Option<String>,
    /// Solana program address (base58 public key); indexed, unique per user (`UNIQUE
    /// (user_id, program_id)`).
    pub program_id: String,
    /// Whether anyone may read the project (defaults to true); `None` only if written as
    /// NULL.
    pub is_public: Option<bool>,
    /// Owner-editable documentation text (migration 003); `None` until written.
    pub custom_docs: Option<String>,
    /// When the project was created. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// When the project was last changed. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub updated_at: Option<DateTimeUtc>,
    /// The user who owns this project, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    /// The IDL versions uploaded to this project (`idl_versions.project_id`); deleted with
    /// it.
    #[sea_orm(has_many)]
    pub idl_versions: HasMany<super::idl_versions::Entity>,
    /// The API keys issued for this project (`api_keys.project_id`); deleted with it.
    #[sea_orm(has_many)]
    pub api_keys: HasMany<super::api_keys::Entity>,
    /// The project's social links, at most one row (`project_socials.project_id` is
    /// unique); deleted with it.
    #[sea_orm(has_one)]
    pub socials: HasOne<super::project_socials::Entity>,
    /// The labelled addresses of this project (`known_addresses.project_id`); deleted with
    /// it.
    #[sea_orm(has_many)]
    pub known_addresses: HasMany<super::known_addresses::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
