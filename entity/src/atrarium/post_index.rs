//! `post_index`: the URIs of posts a theme feed has picked (migration 003). Only
//! references are stored; content is fetched from the author's PDS.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_index")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub feed_id: i64,
    /// The post's `at://` URI.
    pub uri: String,
    /// The author's DID.
    pub author_did: String,
    /// When the post was created, unix epoch seconds (no default: it is the post's time).
    pub created_at: i64,
    /// Whether the post carries images or video.
    pub has_media: bool,
    #[sea_orm(belongs_to, from = "feed_id", to = "id", on_delete = "Cascade")]
    pub feed: BelongsTo<super::theme_feeds::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
