//! `post_index`: the URIs of posts a theme feed has picked (migration 003). Only
//! references are stored; content is fetched from the author's PDS.

use sea_orm::entity::prelude::*;

/// A row of `post_index`: one post a theme feed has picked, by reference only.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_index")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The theme feed's `id` (cascade: deleted with the feed); indexed with `created_at
    /// DESC` for feed skeletons.
    pub feed_id: i64,
    /// The post's AT URI (`at://did/app.bsky.feed.post/rkey`); indexed, not unique (a post
    /// may sit in several feeds).
    pub uri: String,
    /// The post author's DID (`did:plc:...`); indexed.
    pub author_did: String,
    /// When the post was created, unix epoch seconds (no default: it is the post's time).
    pub created_at: i64,
    /// Whether the post carries images or video (stored as 0/1; defaults to false).
    pub has_media: bool,
    /// The theme feed that picked this post, through `feed_id`.
    #[sea_orm(belongs_to, from = "feed_id", to = "id", on_delete = "Cascade")]
    pub feed: BelongsTo<super::theme_feeds::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
