//! Atrarium's business rules, knowing nothing of GraphQL: the seed's queries as plain
//! functions over the pool (here), and the writes, one transaction each, in submodules.

pub mod changes;
pub mod communities;
pub mod feeds;
pub mod members;
pub mod posts;
mod shared;

use entity::atrarium::{self as rows, Stage, post_index, theme_feeds};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ActiveEnum, ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::{ApiError, ApiResult};
use crate::pagination::{self, MAX_PAGE_SIZE, Ordering, PageArgs, SortKey};

/// Default page size of a feed skeleton (the seed's `LIMIT 50`).
pub const DEFAULT_SKELETON_SIZE: i32 = 50;
/// Default threshold of the health check (the seed's `< 0.3`).
pub const DEFAULT_MAX_ACTIVITY_SCORE: f64 = 0.3;

/// One page of a feed skeleton: post URIs, newest first, and the cursor of the next page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skeleton {
    /// The posts' `at://` URIs.
    pub posts: Vec<String>,
    /// The cursor after the last post, when more posts follow.
    pub cursor: Option<String>,
}

/// The order of a feed's skeleton: newest first, the higher id first among equal times.
/// The list name carries the feed's id, so a cursor of one feed is refused by another.
fn skeleton_ordering(feed_id: i64) -> Ordering<post_index::Entity> {
    Ordering::with_tie_break(
        &format!("atrarium.feed_skeleton.{feed_id}"),
        vec![SortKey {
            column: post_index::Column::CreatedAt,
            descending: true,
            nullable: false,
        }],
        &[post_index::Column::Id],
        true,
    )
}

/// The seed's "Get Feed Skeleton": the URIs of the posts indexed by the feed `feed_uri`,
/// `created_at DESC, id DESC`, `first` (1 to 100) at a time, keyset-paginated after
/// `after`. `NOT_FOUND` if no feed has that URI.
pub async fn feed_skeleton(
    db: &DatabaseConnection,
    feed_uri: &str,
    first: i32,
    after: Option<String>,
) -> ApiResult<Skeleton> {
    if !(1..=MAX_PAGE_SIZE as i32).contains(&first) {
        return Err(ApiError::bad_input(
            "first",
            format!("`first` must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    let feed = theme_feeds::Entity::find()
        .filter(theme_feeds::Column::FeedUri.eq(feed_uri))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("feed {feed_uri}")))?;
    let ordering = skeleton_ordering(feed.id);
    let page = PageArgs::new(Some(first), after, None, None).resolve(&ordering)?;
    let select = post_index::Entity::find().filter(post_index::Column::FeedId.eq(feed.id));
    let page =
        pagination::fetch_page(db, select, &ordering, &page, pagination::Cursors::Now).await?;
    let cursor = if page.has_next_page {
        page.edges.last().map(|(c, _)| c.clone())
    } else {
        None
    };
    Ok(Skeleton {
        posts: page.edges.into_iter().map(|(_, p)| p.uri).collect(),
        cursor,
    })
}

/// `health_metrics.activity_score` as a SQL number (NULL when absent), per backend:
/// `health_metrics` is `jsonb` on PostgreSQL and JSON text on SQLite.
fn activity_score(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust("(\"health_metrics\"->>'activity_score')::float8"),
        _ => Expr::cust("json_extract(\"health_metrics\", '$.activity_score')"),
    }
}

/// The seed's "Community Health Check": communities of `stage` whose activity score is
/// below `max_activity_score` (communities without a score are left out), lowest score
/// first, then by id.
pub async fn community_health(
    db: &DatabaseConnection,
    stage: Stage,
    max_activity_score: f64,
) -> ApiResult<Vec<rows::communities::Model>> {
    let score = activity_score(db.get_database_backend());
    Ok(rows::communities::Entity::find()
        .filter(rows::communities::Column::Stage.eq(stage.into_value()))
        .filter(score.clone().lt(max_activity_score))
        .order_by(score, Order::Asc)
        .order_by(rows::communities::Column::Id, Order::Asc)
        .all(db)
        .await?)
}

/// The order of a DID's memberships: newest join first; joins in the same second by the
/// highest community id first (memberships have no insertion-order key of their own).
pub fn user_communities_ordering() -> Ordering<entity::atrarium::memberships::Entity> {
    use entity::atrarium::memberships::Column;
    Ordering::with_tie_break(
        "atrarium.user_communities",
        vec![SortKey {
            column: Column::JoinedAt,
            descending: true,
            nullable: false,
        }],
        &[Column::CommunityId, Column::UserDid],
        true,
    )
}
