//! `project_socials`: a project's social links (one row per project).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_socials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub project_id: String,
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
    pub created_at: Option<DateTimeUtc>,
    pub updated_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
