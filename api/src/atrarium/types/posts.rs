//! Atrarium's indexed posts.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use entity::atrarium::post_index;

use super::*;
use crate::atrarium::loaders::{AtrariumLoader, ThemeFeedId};
use crate::batch::{self, Node};
use crate::pds::loaders::{AccountDid, PdsLoader};
use crate::pds::types::PdsAccount;
use crate::scalars::{BigInt, from_epoch};

type Result<T> = async_graphql::Result<T>;

/// A post picked by a theme feed: only its `at://` URI is stored; the content lives on
/// the author's PDS.
pub struct AtrariumPost(pub Node<post_index::Model>);

impl From<Node<post_index::Model>> for AtrariumPost {
    fn from(m: Node<post_index::Model>) -> Self {
        Self(m)
    }
}

/// A post picked by a theme feed: only its `at://` URI is stored; the content lives on
/// the author's PDS.
#[Object]
impl AtrariumPost {
    /// The index row's id.
    async fn id(&self) -> BigInt {
        BigInt(self.0.id)
    }
    /// The theme feed's id.
    async fn feed_id(&self) -> BigInt {
        BigInt(self.0.feed_id)
    }
    /// The post's `at://` URI (`at://did:plc:xxx/app.bsky.feed.post/rkey`).
    async fn uri(&self) -> &str {
        &self.0.uri
    }
    /// The author's DID.
    async fn author_did(&self) -> &str {
        &self.0.author_did
    }
    /// When the post was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.created_at)
    }
    /// Whether the post carries images or video.
    async fn has_media(&self) -> bool {
        self.0.has_media
    }

    /// The theme feed that indexed the post.
    async fn feed(&self, ctx: &Context<'_>) -> Result<Option<AtrariumThemeFeed>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |p| ThemeFeedId(p.feed_id)).await?;
        Ok(n.map(AtrariumThemeFeed))
    }

    /// The author's account on this server's PDS, when the DID has one (resolved across
    /// domains through the PDS loader, batched).
    async fn pds_account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |p| AccountDid(p.author_did.clone()))
                .await?;
        Ok(n.map(PdsAccount))
    }
}
