//! `project_socials`: a project's social links (one row per project).

use sea_orm::entity::prelude::*;

/// A row of `project_socials`: a project's social media links and website (one row per
/// project).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_socials")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The project's `projects.id`; unique, making the relation one-to-one (cascade:
    /// deleted with the project).
    #[sea_orm(unique)]
    pub project_id: String,
    /// Twitter/X profile URL; `None` when not set.
    pub twitter: Option<String>,
    /// Discord server invite link; `None` when not set.
    pub discord: Option<String>,
    /// Telegram group or channel link; `None` when not set.
    pub telegram: Option<String>,
    /// GitHub repository URL; `None` when not set.
    pub github: Option<String>,
    /// Project website URL; `None` when not set.
    pub website: Option<String>,
    /// When the links were first saved. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// When the links were last changed. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub updated_at: Option<DateTimeUtc>,
    /// The project these links belong to, through `project_id`.
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
