//! Comment threads: every reply below a comment, down to a depth, in thread order; one
//! `WITH RECURSIVE` statement per batch.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::dataloader::Loader;
use entity::bellamy::comments;
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};

use super::BellamyLoader;
use crate::batch::{Node, Rows};
use crate::bellamy::access::{self, Access};
use crate::error::ApiError;

/// Deepest `maxDepth` a comment thread may be asked for.
pub const MAX_THREAD_DEPTH: i32 = 20;

/// All descendants of a comment down to a depth (the `i32`) that the viewer may see, in
/// depth-first order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThreadOf(pub Uuid, pub i32, pub Access);

/// One comment of a thread and its depth below the thread's root (direct replies: 1).
pub type ThreadEntry = (Node<comments::Model>, i32);

/// A `comments` row found by the recursive query, with its root and depth.
struct ThreadRow {
    root: Uuid,
    depth: i32,
    comment: comments::Model,
}

/// The text form of a UUID column inside SQL, for cycle-checking paths.
fn uuid_text(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{col}::text"),
        _ => format!("hex({col})"),
    }
}

/// Every descendant of each of `roots` down to `max_depth` levels that the viewer may see
/// (the walk stops at a hidden comment), with its root and depth: one `WITH RECURSIVE`
/// statement. Each row carries the path of ids from its root; a comment already on the
/// path is not visited again, so a cycle in `parent_comment_id` ends the walk instead of
/// looping (and the depth bound ends it in any case).
async fn thread_rows(
    db: &DatabaseConnection,
    roots: &[Uuid],
    max_depth: i32,
    access: &Access,
) -> Result<Vec<ThreadRow>, ApiError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    // The visible comments come first in the statement, so their parameters are the
    // first ones; the thread's own are numbered after them.
    let visible = Query::select()
        .column(comments::Column::Id)
        .from(comments::Entity)
        .cond_where(access::comments(access))
        .to_owned();
    let (visible_sql, visible_values) = match backend {
        DbBackend::Postgres => visible.build(PostgresQueryBuilder),
        _ => visible.build(SqliteQueryBuilder),
    };
    let mut n = visible_values.0.len();
    let mut param = || {
        n += 1;
        match backend {
            DbBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    };
    let root_params: Vec<String> = roots.iter().map(|_| param()).collect();
    let depth_param = param();
    let position = match backend {
        DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    let (parent_text, id_text, child_text) = (
        uuid_text(backend, "c.parent_comment_id"),
        uuid_text(backend, "c.id"),
        uuid_text(backend, "c.id"),
    );
    let sql = format!(
        "WITH RECURSIVE visible (id) AS ({visible_sql}), \
         thread (id, root, depth, path) AS ( \
           SELECT c.id, c.parent_comment_id, 1, '/' || {parent_text} || '/' || {id_text} || '/' \
           FROM comments c WHERE c.parent_comment_id IN ({roots}) \
             AND c.id IN (SELECT id FROM visible) \
           UNION ALL \
           SELECT c.id, t.root, t.depth + 1, t.path || {child_text} || '/' \
           FROM comments c JOIN thread t ON c.parent_comment_id = t.id \
           WHERE t.depth < {depth_param} AND {position}(t.path, '/' || {child_text} || '/') = 0 \
             AND c.id IN (SELECT id FROM visible) \
         ) \
         SELECT c.*, t.root AS thread_root, t.depth AS thread_depth \
         FROM thread t JOIN comments c ON c.id = t.id",
        roots = root_params.join(", "),
    );
    let mut values: Vec<Value> = visible_values.0;
    values.extend(roots.iter().map(|r| Value::from(*r)));
    values.push(Value::from(max_depth));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ThreadRow {
                root: row.try_get::<Uuid>("", "thread_root")?,
                depth: row.try_get::<i32>("", "thread_depth")?,
                comment: comments::Model::from_query_result(row, "")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(ApiError::from)
}

/// Orders one root's descendants depth-first: each comment is followed by its replies
/// (oldest first, the id breaking ties) before its next sibling.
fn depth_first(root: Uuid, rows: Vec<(usize, i32, &comments::Model)>) -> Vec<(usize, i32)> {
    let mut children: HashMap<Uuid, BTreeMap<(chrono::DateTime<chrono::Utc>, Uuid), usize>> =
        HashMap::new();
    let mut depth_of: HashMap<usize, i32> = HashMap::new();
    let mut id_of: HashMap<usize, Uuid> = HashMap::new();
    for (slot, depth, c) in rows {
        if let Some(parent) = c.parent_comment_id {
            children
                .entry(parent)
                .or_default()
                .insert((c.created_at, c.id), slot);
        }
        depth_of.insert(slot, depth);
        id_of.insert(slot, c.id);
    }
    let mut out = Vec::new();
    let mut seen = HashSet::from([root]);
    // A stack of child iterators: the walk never recurses on the Rust stack.
    let mut stack: Vec<std::vec::IntoIter<usize>> = vec![
        children
            .get(&root)
            .map(|m| m.values().copied().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter(),
    ];
    while let Some(top) = stack.last_mut() {
        let Some(slot) = top.next() else {
            stack.pop();
            continue;
        };
        let Some(&id) = id_of.get(&slot) else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        out.push((slot, depth_of.get(&slot).copied().unwrap_or(0)));
        let next: Vec<usize> = children
            .get(&id)
            .map(|m| m.values().copied().collect())
            .unwrap_or_default();
        stack.push(next.into_iter());
    }
    out
}

impl Loader<ThreadOf> for BellamyLoader {
    type Value = Vec<ThreadEntry>;
    type Error = ApiError;

    async fn load(&self, keys: &[ThreadOf]) -> Result<HashMap<ThreadOf, Self::Value>, Self::Error> {
        // One statement per distinct depth and viewer (in practice: one per field).
        let mut by_depth: HashMap<(i32, &Access), Vec<Uuid>> = HashMap::new();
        for k in keys {
            by_depth.entry((k.1, &k.2)).or_default().push(k.0);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((max_depth, access), mut roots) in by_depth {
            roots.sort();
            roots.dedup();
            let rows = thread_rows(&self.db, &roots, max_depth, access).await?;
            // All threads of the batch form one sibling set, so the next level (authors,
            // reactions, ...) stays one statement.
            let mut per_root: HashMap<Uuid, Vec<(usize, i32)>> = HashMap::new();
            let mut models = Vec::with_capacity(rows.len());
            for (slot, r) in rows.into_iter().enumerate() {
                per_root.entry(r.root).or_default().push((slot, r.depth));
                models.push(r.comment);
            }
            let set = Rows::new(models.clone());
            let nodes: Vec<Node<comments::Model>> = set.nodes().collect();
            for root in roots {
                let members = per_root.remove(&root).unwrap_or_default();
                let ordered = depth_first(
                    root,
                    members
                        .into_iter()
                        .map(|(slot, depth)| (slot, depth, &models[slot]))
                        .collect(),
                );
                let entries = ordered
                    .into_iter()
                    .map(|(slot, depth)| (nodes[slot].clone(), depth))
                    .collect();
                out.insert(ThreadOf(root, max_depth, access.clone()), entries);
            }
        }
        Ok(out)
    }
}
