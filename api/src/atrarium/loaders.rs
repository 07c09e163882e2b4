//! Atrarium's request-scoped loaders: one typed key per relation.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::atrarium::{communities, memberships, post_index, theme_feeds};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};

use crate::error::ApiError;
use crate::pagination::{Key, PageOf};
use crate::{by_key, count_key, page_key};

/// Loads Atrarium rows in batches, for one request.
pub struct AtrariumLoader {
    db: DatabaseConnection,
}

impl AtrariumLoader {
    /// A loader over Atrarium's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

by_key!(
    /// A community by id.
    AtrariumLoader: CommunityId(i64) => communities.Id
);
by_key!(
    /// A theme feed by id.
    AtrariumLoader: ThemeFeedId(i64) => theme_feeds.Id
);
by_key!(
    /// An indexed post by id.
    AtrariumLoader: PostId(i64) => post_index.Id
);
page_key!(
    /// A page of a community's child communities.
    AtrariumLoader: ChildrenOfCommunity(i64) => communities.ParentId
);
count_key!(
    /// How many child communities a community has (under a filter).
    AtrariumLoader: ChildCountOfCommunity(i64) => communities.ParentId
);
page_key!(
    /// A page of a community's theme feeds.
    AtrariumLoader: FeedsOfCommunity(i64) => theme_feeds.CommunityId
);
count_key!(
    /// How many theme feeds a community has (under a filter).
    AtrariumLoader: FeedCountOfCommunity(i64) => theme_feeds.CommunityId
);
page_key!(
    /// A page of a community's memberships.
    AtrariumLoader: MembershipsOfCommunity(i64) => memberships.CommunityId
);
count_key!(
    /// How many memberships a community has (under a filter).
    AtrariumLoader: MembershipCountOfCommunity(i64) => memberships.CommunityId
);
page_key!(
    /// A page of a theme feed's indexed posts.
    AtrariumLoader: PostsOfFeed(i64) => post_index.FeedId
);
count_key!(
    /// How many posts a theme feed has indexed (under a filter).
    AtrariumLoader: PostCountOfFeed(i64) => post_index.FeedId
);

/// The parent of a community, by the community's (nullable) `parent_id`. Roots (`None`)
/// never match a row and are left out of the `IN (...)` list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParentCommunity(pub Option<i64>);

impl Loader<ParentCommunity> for AtrariumLoader {
    type Value = communities::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ParentCommunity],
    ) -> Result<HashMap<ParentCommunity, Self::Value>, Self::Error> {
        crate::loader::by_keys::<communities::Entity, _, _>(
            &self.db,
            communities::Column::Id,
            keys,
            |k| k.0.map_or(Key::Null, Key::Int),
        )
        .await
    }
}

/// The chain of ancestors of a community (nearest parent first), at most `.1` levels up.
///
/// The value is a [`PageOf`] (with empty cursors) so that the ancestors of all siblings
/// form one sibling set through [`crate::batch::page`], keeping the next level batched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AncestorsOf(pub i64, pub i32);

/// `WITH RECURSIVE` over `parent_id` for many start communities at once: bounded by the
/// depth and cycle-safe (a `/id/` path of visited ids; a community already on the path is
/// not visited again).
fn ancestors_sql(backend: DbBackend, n: usize) -> String {
    let (placeholders, depth, contains): (Vec<String>, String, &str) = match backend {
        DbBackend::Postgres => (
            (1..=n).map(|i| format!("${i}")).collect(),
            format!("${}", n + 1),
            "strpos",
        ),
        _ => (vec!["?".to_owned(); n], "?".to_owned(), "instr"),
    };
    format!(
        "WITH RECURSIVE chain (start_id, id, parent_id, depth, path) AS ( \
           SELECT c.id, p.id, p.parent_id, 1, \
                  '/' || CAST(c.id AS TEXT) || '/' || CAST(p.id AS TEXT) || '/' \
           FROM communities c JOIN communities p ON p.id = c.parent_id \
           WHERE c.id IN ({ids}) AND p.id <> c.id \
           UNION ALL \
           SELECT ch.start_id, p.id, p.parent_id, ch.depth + 1, \
                  ch.path || CAST(p.id AS TEXT) || '/' \
           FROM chain ch JOIN communities p ON p.id = ch.parent_id \
           WHERE ch.depth < {depth} \
             AND {contains}(ch.path, '/' || CAST(p.id AS TEXT) || '/') = 0 \
         ) \
         SELECT chain.start_id AS __start, chain.depth AS __depth, c.* \
         FROM chain JOIN communities c ON c.id = chain.id \
         ORDER BY chain.start_id, chain.depth",
        ids = placeholders.join(", "),
    )
}

impl Loader<AncestorsOf> for AtrariumLoader {
    type Value = PageOf<communities::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AncestorsOf],
    ) -> Result<HashMap<AncestorsOf, Self::Value>, Self::Error> {
        // Siblings share one depth; a batch mixing depths runs one statement per depth.
        let mut by_depth: HashMap<i32, Vec<i64>> = HashMap::new();
        for k in keys {
            by_depth.entry(k.1).or_default().push(k.0);
        }
        let backend = self.db.get_database_backend();
        let mut out = HashMap::with_capacity(keys.len());
        for (depth, mut ids) in by_depth {
            ids.sort_unstable();
            ids.dedup();
            let mut values: Vec<Value> = ids.iter().map(|&i| i.into()).collect();
            values.push(depth.into());
            let stmt =
                Statement::from_sql_and_values(backend, ancestors_sql(backend, ids.len()), values);
            let rows = self.db.query_all_raw(stmt).await?;
            let mut chains: HashMap<i64, Vec<(String, communities::Model)>> = HashMap::new();
            for row in rows {
                let start: i64 = row.try_get("", "__start")?;
                let model = communities::Model::from_query_result(&row, "")?;
                chains
                    .entry(start)
                    .or_default()
                    .push((String::new(), model));
            }
            for id in ids {
                let edges = chains.remove(&id).unwrap_or_default();
                out.insert(
                    AncestorsOf(id, depth),
                    PageOf {
                        edges,
                        has_next_page: false,
                        has_previous_page: false,
                        lazy: false,
                    },
                );
            }
        }
        Ok(out)
    }
}

crate::narrow!(
    communities::Entity,
    memberships::Entity,
    post_index::Entity,
    theme_feeds::Entity,
);
