//! Universe's graph walks in SQL, independent of GraphQL: version ancestry and descendants
//! (`WITH RECURSIVE`, depth-limited and cycle-safe) and the entities connected to
//! entities. Every function takes many start rows at once, so that one level of a query
//! costs one statement whatever the fan-out.

use std::collections::{HashMap, HashSet};

use entity::universe::{entity as node, state_version};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};

use crate::error::ApiError;

/// `maxDepth` when the client gives none.
pub const DEFAULT_MAX_DEPTH: i32 = 100;
/// Largest `maxDepth` accepted.
pub const MAX_DEPTH: i32 = 10_000;

/// Validates a `maxDepth` argument: `1..=10000`, else `BAD_USER_INPUT`.
pub fn check_depth(max_depth: i32) -> Result<i32, ApiError> {
    if (1..=MAX_DEPTH).contains(&max_depth) {
        Ok(max_depth)
    } else {
        Err(ApiError::bad_input(
            "maxDepth",
            format!("`maxDepth` must be between 1 and {MAX_DEPTH}"),
        ))
    }
}

/// Which way a version walk goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Walk {
    /// Towards the root, through `parent_version_id`.
    Up,
    /// Towards the leaves: the versions whose parent is the current one.
    Down,
}

/// Which relations link an entity to the entities connected to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Relations leaving the entity (it is `from_entity`).
    Outgoing,
    /// Relations arriving at the entity (it is `to_entity`).
    Incoming,
    /// Both.
    Both,
}

/// A statement under construction, with placeholders in the backend's syntax.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder bound to `v` (values are bound in text order).
    fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(p1, p2, ...)` bound to `vs`.
    fn list(&mut self, vs: &[String]) -> &mut Self {
        self.push("(");
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone());
        }
        self.push(")")
    }

    /// `haystack` does not contain `needle`: `instr` on SQLite, `strpos` on PostgreSQL.
    fn not_contains(&mut self, haystack: &str, needle: &str) -> &mut Self {
        let f = match self.backend {
            DbBackend::Postgres => "strpos",
            _ => "instr",
        };
        self.push(&format!("{f}({haystack}, {needle}) = 0"))
    }

    fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// The versions reached from each of `starts` by walking `walk` at most `max_depth`
/// steps, keyed by start id. With `include_start`, the start itself comes first (depth
/// 0). Rows come nearest first (then by timestamp and id among equals).
///
/// One `WITH RECURSIVE` statement for all starts, never deeper than `max_depth`, and
/// cycle-safe: a cycle in the data ends the walk with every version listed once.
/// - Up (ancestors) follows one parent per step, so the walk is a chain: the statement
///   carries no path, and the chain is cut at its first repeated version here. A
///   1,000-deep history then costs linear work; with the path check below it cost
///   quadratic string work (90 ms of PostgreSQL CPU per request at scale).
/// - Down (descendants) fans out: each row carries the `,`-delimited path of the ids
///   visited from its start and never steps onto an id already in it (ids containing `,`
///   could only end a walk early, never prolong it).
pub async fn walk_versions<C: ConnectionTrait>(
    db: &C,
    starts: &[String],
    max_depth: i32,
    walk: Walk,
    include_start: bool,
) -> Result<HashMap<String, Vec<state_version::Model>>, DbErr> {
    if starts.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new(db.get_database_backend());
    match walk {
        Walk::Up => {
            q.push(
                "WITH RECURSIVE walk(root, version_id, parent_id, depth) AS (\
                 SELECT version_id, version_id, parent_version_id, 0 \
                 FROM state_version WHERE version_id IN ",
            )
            .list(starts)
            .push(
                " UNION ALL \
                 SELECT w.root, sv.version_id, sv.parent_version_id, w.depth + 1 \
                 FROM walk w JOIN state_version sv ON sv.version_id = w.parent_id \
                 WHERE w.depth < ",
            )
            .bind(max_depth);
        }
        Walk::Down => {
            q.push(
                "WITH RECURSIVE walk(root, version_id, parent_id, depth, path) AS (\
                 SELECT version_id, version_id, parent_version_id, 0, ',' || version_id || ',' \
                 FROM state_version WHERE version_id IN ",
            )
            .list(starts)
            .push(
                " UNION ALL \
                 SELECT w.root, sv.version_id, sv.parent_version_id, w.depth + 1, \
                 w.path || sv.version_id || ',' FROM walk w JOIN state_version sv ON \
                 sv.parent_version_id = w.version_id WHERE w.depth < ",
            )
            .bind(max_depth)
            .push(" AND ")
            .not_contains("w.path", "',' || sv.version_id || ','");
        }
    }
    q.push(
        ") SELECT w.root AS walk_root, w.depth AS walk_depth, sv.* FROM walk w \
         JOIN state_version sv ON sv.version_id = w.version_id WHERE w.depth >= ",
    )
    .bind(if include_start { 0 } else { 1 })
    .push(" ORDER BY w.root, w.depth, sv.timestamp, sv.version_id");
    let rows = db.query_all_raw(q.statement()).await?;
    // The rows come grouped by start (`ORDER BY w.root` first), so each start's rows are
    // gathered apart and moved into `out` at once: a row costs no lookup (nor copy) of
    // its start's id, and the only hashing left is the cycle check of an upward walk.
    let per_start = rows.len() / starts.len() + 1;
    let mut out: HashMap<String, Vec<state_version::Model>> = HashMap::with_capacity(starts.len());
    let mut group: Option<(String, Vec<state_version::Model>)> = None;
    // Up: the versions the current start's chain has passed (the start included), and
    // whether it came back to one of them (a cycle: the rest repeats it).
    let mut seen: HashSet<String> = HashSet::new();
    let mut closed = false;
    for row in rows {
        let root: String = row.try_get("", "walk_root")?;
        if group.as_ref().is_none_or(|(start, _)| *start != root) {
            if let Some((start, models)) = group.take() {
                out.entry(start).or_default().extend(models);
            }
            seen.clear();
            closed = false;
            if walk == Walk::Up {
                seen.reserve(per_start);
                seen.insert(root.clone());
            }
            group = Some((root, Vec::with_capacity(per_start)));
        }
        let depth: i32 = row.try_get("", "walk_depth")?;
        let model = state_version::Model::from_query_result(&row, "")?;
        if walk == Walk::Up && depth > 0 && (closed || !seen.insert(model.version_id.clone())) {
            closed = true;
            continue;
        }
        if let Some((_, models)) = group.as_mut() {
            models.push(model);
        }
    }
    if let Some((start, models)) = group {
        out.entry(start).or_default().extend(models);
    }
    Ok(out)
}

/// The entities linked to each of `ids` by a relation (of `relation_type`, if given) in
/// the `reach` direction(s): distinct, ordered by id, keyed by the start id. One
/// statement for all starts.
pub async fn connected<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
    reach: Reach,
    relation_type: Option<&str>,
) -> Result<HashMap<String, Vec<node::Model>>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new(db.get_database_backend());
    q.push("SELECT c.src AS conn_src, e.* FROM (");
    let branch = |q: &mut Sql, src: &str, dst: &str| {
        q.push(&format!(
            "SELECT DISTINCT {src} AS src, {dst} AS dst FROM relation WHERE {src} IN "
        ))
        .list(ids);
        if let Some(t) = relation_type {
            q.push(" AND relation_type = ").bind(t.to_owned());
        }
    };
    match reach {
        Reach::Outgoing => branch(&mut q, "from_entity", "to_entity"),
        Reach::Incoming => branch(&mut q, "to_entity", "from_entity"),
        Reach::Both => {
            branch(&mut q, "from_entity", "to_entity");
            q.push(" UNION ");
            branch(&mut q, "to_entity", "from_entity");
        }
    }
    q.push(") c JOIN entity e ON e.id = c.dst ORDER BY c.src, e.id");
    let rows = db.query_all_raw(q.statement()).await?;
    let mut out: HashMap<String, Vec<node::Model>> = HashMap::new();
    for row in rows {
        let src: String = row.try_get("", "conn_src")?;
        out.entry(src)
            .or_default()
            .push(node::Model::from_query_result(&row, "")?);
    }
    Ok(out)
}

/// The SQL condition "`entity.metadata.tags` contains `tag`" for `backend`, on an index
/// either way (migration 005): the `jsonb ?` operator on PostgreSQL (a GIN index on
/// `metadata -> 'tags'`), the `entity_tag` list on SQLite.
pub fn has_tag(backend: DbBackend, tag: String) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    match backend {
        DbBackend::Postgres => {
            Expr::cust_with_values(r#"("entity"."metadata" -> 'tags') ? $1"#, [tag])
        }
        // `entity_tag` lists the string tags of every entity (migration 005's triggers).
        _ => Expr::cust_with_values(
            r#""entity"."id" IN (SELECT "entity_id" FROM "entity_tag" WHERE "tag" = ?)"#,
            [tag],
        ),
    }
}
