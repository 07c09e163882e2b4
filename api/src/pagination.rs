//! Relay-style cursor pagination, in SQL.
//!
//! Every list has an [`Ordering`]: the client's sort column(s) followed by the primary
//! key, so the order is total. The primary key follows the direction of the sort column
//! ([`Ordering::with_tie_break`]): newest first breaks ties on equal times by the highest
//! (latest) key first, and a descending list is exactly its ascending list reversed. A
//! column of named stages can sort by rank instead of by name ([`Ordering::ranked`]). A cursor is the opaque, base64 encoding of the list's
//! identity and the sort-key values of one row; the next page is the rows strictly after
//! those values (keyset pagination), so pages stay correct while rows are inserted.
//!
//! NULLs sort as the smallest value on both backends (`ASC NULLS FIRST`,
//! `DESC NULLS LAST`), so SQLite and PostgreSQL return the same order.
//!
//! Top-level lists run one `SELECT ... LIMIT n+1`. Nested lists (a page of children for
//! many parents at once) run one windowed statement for all parents:
//! `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY ...)`, keeping `n+1` rows per parent.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, NullOrdering, Order, Query, SelectStatement,
    SimpleExpr, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic,
    ModelTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Value,
};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest `first` / `last` a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// One sort-key value of a row, as carried in a cursor.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Key {
    /// SQL NULL.
    #[serde(rename = "n")]
    Null,
    /// Text (also string-backed enums).
    #[serde(rename = "s")]
    Str(String),
    /// Any integer column.
    #[serde(rename = "i")]
    Int(i64),
    /// Boolean.
    #[serde(rename = "b")]
    Bool(bool),
    /// A UTC timestamp, RFC 3339 with full precision.
    #[serde(rename = "t")]
    Time(DateTime<Utc>),
    /// A UUID.
    #[serde(rename = "u")]
    Uuid(uuid::Uuid),
}

impl Key {
    /// The key of a column value; `None` for types lists are never ordered by.
    pub fn from_value(value: Value) -> Option<Key> {
        Some(match value {
            Value::String(Some(s)) => Key::Str(s),
            Value::TinyInt(Some(i)) => Key::Int(i.into()),
            Value::SmallInt(Some(i)) => Key::Int(i.into()),
            Value::Int(Some(i)) => Key::Int(i.into()),
            Value::BigInt(Some(i)) => Key::Int(i),
            Value::Bool(Some(b)) => Key::Bool(b),
            Value::ChronoDateTimeUtc(Some(t)) => Key::Time(t),
            Value::Uuid(Some(u)) => Key::Uuid(u),
            Value::String(None)
            | Value::TinyInt(None)
            | Value::SmallInt(None)
            | Value::Int(None)
            | Value::BigInt(None)
            | Value::Bool(None)
            | Value::ChronoDateTimeUtc(None)
            | Value::Uuid(None) => Key::Null,
            _ => return None,
        })
    }

    /// The value to bind for a comparison; `None` for NULL.
    pub fn value(&self) -> Option<Value> {
        match self {
            Key::Null => None,
            Key::Str(s) => Some(s.clone().into()),
            Key::Int(i) => Some((*i).into()),
            Key::Bool(b) => Some((*b).into()),
            Key::Time(t) => Some((*t).into()),
            Key::Uuid(u) => Some((*u).into()),
        }
    }
}

/// One column of a list's order.
pub struct SortKey<E: EntityTrait> {
    /// The column.
    pub column: E::Column,
    /// Descending?
    pub descending: bool,
    /// Whether the column may hold NULL (adds an explicit NULLS placement).
    pub nullable: bool,
}

/// The total order of one list: the requested sort column(s), then the primary key.
pub struct Ordering<E: EntityTrait> {
    /// Identifies the list (and its order) inside cursors.
    list: String,
    keys: Vec<SortKey<E>>,
    /// Per key, the values of a ranked column in their order ([`Ordering::ranked`]).
    ranks: Vec<Option<Vec<Value>>>,
}

impl<E: EntityTrait> Ordering<E> {
    /// An order over `keys`, which must end with the primary key column(s). `list` names
    /// the list (e.g. `orquestra.projects`); cursors of another list or order are refused.
    pub fn new(list: &str, keys: Vec<SortKey<E>>) -> Self {
        let mut id = String::from(list);
        for k in &keys {
            id.push(':');
            id.push_str(k.column.as_str());
            id.push_str(if k.descending { "-" } else { "+" });
        }
        let ranks = keys.iter().map(|_| None).collect();
        Self {
            list: id,
            keys,
            ranks,
        }
    }

    /// An order over `keys`, then the primary key column(s) `tie_break` in the direction
    /// of the last of `keys` (`descending` when there is none): among rows equal on
    /// `keys`, a descending (e.g. newest-first) list puts the highest key first.
    pub fn with_tie_break(
        list: &str,
        mut keys: Vec<SortKey<E>>,
        tie_break: &[E::Column],
        descending: bool,
    ) -> Self {
        let descending = keys.last().map_or(descending, |k| k.descending);
        keys.extend(tie_break.iter().map(|&column| SortKey {
            column,
            descending,
            nullable: false,
        }));
        Self::new(list, keys)
    }

    /// The order of a list sorted by one column (`(column, nullable)`), or by its primary
    /// key alone when `None`, `descending` or not; the primary key `tie_break` breaks
    /// ties in the same direction. What an `orderBy: {field, direction}` asks for.
    pub fn by(
        list: &str,
        column: Option<(E::Column, bool)>,
        descending: bool,
        tie_break: &[E::Column],
    ) -> Self {
        let keys = column
            .map(|(column, nullable)| SortKey {
                column,
                descending,
                nullable,
            })
            .into_iter()
            .collect();
        Self::with_tie_break(list, keys, tie_break, descending)
    }

    /// Sorts `column` by the position of its value in `values` (e.g. a lifecycle:
    /// `theme`, `community`, `graduated`) instead of by the value itself; values not
    /// listed come after every listed one. Cursors carry the rank.
    pub fn ranked(mut self, column: E::Column, values: Vec<Value>) -> Self {
        if let Some(i) = self
            .keys
            .iter()
            .position(|k| k.column.as_str() == column.as_str())
        {
            self.list.push_str(&format!("/{}#rank", column.as_str()));
            self.ranks[i] = Some(values);
        }
        self
    }

    /// The SQL expression the `i`th key sorts by: the column, or for a ranked column
    /// `CASE WHEN col = v0 THEN 0 WHEN col = v1 THEN 1 ... ELSE n END`.
    fn expr(&self, i: usize) -> SimpleExpr {
        let col = self.keys[i].column;
        match &self.ranks[i] {
            Some(values) if !values.is_empty() => {
                let mut case = Expr::case(Expr::col(col).eq(values[0].clone()), 0i64);
                for (rank, v) in values.iter().enumerate().skip(1) {
                    case = case.case(Expr::col(col).eq(v.clone()), rank as i64);
                }
                case.finally(values.len() as i64).into()
            }
            _ => Expr::col(col),
        }
    }

    /// The cursor key of `value` in the `i`th key: the value, or its rank.
    fn key_of(&self, i: usize, value: Value) -> Key {
        match &self.ranks[i] {
            Some(values) => {
                let rank = values
                    .iter()
                    .position(|v| *v == value)
                    .unwrap_or(values.len());
                Key::Int(rank as i64)
            }
            None => Key::from_value(value).unwrap_or(Key::Null),
        }
    }

    /// The columns the order reads.
    pub fn columns(&self) -> impl Iterator<Item = E::Column> + '_ {
        self.keys.iter().map(|k| k.column)
    }

    /// The list's identity (name and order), as carried in cursors.
    pub fn id(&self) -> &str {
        &self.list
    }

    /// `ORDER BY` clauses, reversed for backward pages.
    fn order_exprs(&self, backward: bool) -> Vec<(SimpleExpr, Order, Option<NullOrdering>)> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let descending = k.descending != backward;
                let order = if descending { Order::Desc } else { Order::Asc };
                let nulls = k.nullable.then_some(if descending {
                    NullOrdering::Last
                } else {
                    NullOrdering::First
                });
                (self.expr(i), order, nulls)
            })
            .collect()
    }

    /// Rows strictly after `cursor` in this order (reversed for backward pages).
    fn after(&self, cursor: &[Key], backward: bool) -> Condition {
        let mut any = Condition::any();
        for i in 0..self.keys.len() {
            let mut all = Condition::all();
            for (j, v) in cursor[..i].iter().enumerate() {
                all = all.add(match v.value() {
                    None => self.expr(j).is_null(),
                    Some(v) => self.expr(j).eq(v),
                });
            }
            let k = &self.keys[i];
            let descending = k.descending != backward;
            let col = self.expr(i);
            // NULL is the smallest value.
            let step: Condition = match (cursor[i].value(), descending) {
                (None, false) => Condition::all().add(col.is_not_null()),
                (None, true) => Condition::any(), // nothing is below NULL
                (Some(v), false) => Condition::all().add(col.gt(v)),
                (Some(v), true) => {
                    let mut c = Condition::any().add(col.clone().lt(v));
                    if k.nullable {
                        c = c.add(col.is_null());
                    }
                    c
                }
            };
            any = any.add(all.add(step));
        }
        any
    }

    /// The cursor of `model` in this list.
    pub fn cursor(&self, model: &E::Model) -> String
    where
        E::Model: ModelTrait<Entity = E>,
    {
        let keys: Vec<Key> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| self.key_of(i, model.get(k.column)))
            .collect();
        encode_cursor(&self.list, &keys)
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    l: String,
    k: Vec<Key>,
}

/// [`CursorBody`], borrowed: what a cursor is made of, without copying it first.
#[derive(Serialize)]
struct CursorBodyRef<'a> {
    l: &'a str,
    k: &'a [Key],
}

fn encode_cursor(list: &str, keys: &[Key]) -> String {
    let body = CursorBodyRef { l: list, k: keys };
    // Serialising plain data to JSON cannot fail; an empty cursor would be refused later.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

fn decode_cursor(
    list: &str,
    arity: usize,
    field: &str,
    cursor: &str,
) -> Result<Vec<Key>, ApiError> {
    let bad = || ApiError::bad_input(field, format!("`{field}` is not a cursor of this list"));
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if body.l != list || body.k.len() != arity {
        return Err(bad());
    }
    Ok(body.k)
}

/// The Relay arguments of a connection field, as the client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Forward page size.
    pub first: Option<i32>,
    /// Forward cursor.
    pub after: Option<String>,
    /// Backward page size.
    pub last: Option<i32>,
    /// Backward cursor.
    pub before: Option<String>,
}

impl PageArgs {
    /// Collects the four arguments.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    /// Validates the arguments against `ordering`.
    pub fn resolve<E: EntityTrait>(&self, ordering: &Ordering<E>) -> Result<Page, ApiError> {
        if self.first.is_some() && self.last.is_some() {
            return Err(ApiError::bad_input(
                "last",
                "`first` and `last` cannot be combined",
            ));
        }
        if self.after.is_some() && self.before.is_some() {
            return Err(ApiError::bad_input(
                "before",
                "`after` and `before` cannot be combined",
            ));
        }
        if self.first.is_some() && self.before.is_some() {
            return Err(ApiError::bad_input("before", "use `before` with `last`"));
        }
        if self.last.is_some() && self.after.is_some() {
            return Err(ApiError::bad_input("after", "use `after` with `first`"));
        }
        let backward = self.last.is_some() || self.before.is_some();
        let (field, size) = if backward {
            ("last", self.last)
        } else {
            ("first", self.first)
        };
        let limit = match size {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n >= 0 && (n as u64) <= MAX_PAGE_SIZE => n as u64,
            Some(_) => {
                return Err(ApiError::bad_input(
                    field,
                    format!("`{field}` must be between 0 and {MAX_PAGE_SIZE}"),
                ));
            }
        };
        let arity = ordering.keys.len();
        let cursor = match (&self.after, &self.before) {
            (Some(c), _) => Some(decode_cursor(&ordering.list, arity, "after", c)?),
            (_, Some(c)) => Some(decode_cursor(&ordering.list, arity, "before", c)?),
            _ => None,
        };
        Ok(Page {
            backward,
            limit,
            cursor,
        })
    }
}

/// A validated page request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Page {
    backward: bool,
    limit: u64,
    cursor: Option<Vec<Key>>,
}

impl Page {
    /// Rows to fetch: one more than the page, to learn whether another page follows.
    fn fetch(&self) -> u64 {
        self.limit + 1
    }
}

/// One page of rows with their cursors.
#[derive(Clone, Debug)]
pub struct PageOf<M> {
    /// `(cursor, row)` in list order.
    pub edges: Vec<(String, M)>,
    /// Whether rows follow the last edge.
    pub has_next_page: bool,
    /// Whether rows precede the first edge.
    pub has_previous_page: bool,
    /// The cursors are left empty, to be encoded from the list's ordering if a client
    /// reads them ([`crate::batch::PageNodes::bind`]).
    pub lazy: bool,
}

impl<M> PageOf<M> {
    /// An empty page (a parent without children).
    pub fn empty() -> Self {
        Self {
            edges: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
            lazy: false,
        }
    }
}

/// Whether a fetched page encodes its rows' cursors now or leaves them to be encoded
/// when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursors {
    /// Encoded with the page (for callers that use them themselves).
    Now,
    /// Left empty: the page's connection encodes a cursor only if a client selects it.
    Lazy,
}

fn finish<E>(
    mut rows: Vec<E::Model>,
    ordering: &Ordering<E>,
    page: &Page,
    cursors: Cursors,
) -> PageOf<E::Model>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E>,
{
    let more = rows.len() as u64 > page.limit;
    rows.truncate(page.limit as usize);
    if page.backward {
        rows.reverse();
    }
    let edges = match cursors {
        Cursors::Now => rows.into_iter().map(|m| (ordering.cursor(&m), m)).collect(),
        Cursors::Lazy => rows.into_iter().map(|m| (String::new(), m)).collect(),
    };
    let (has_next_page, has_previous_page) = if page.backward {
        (page.cursor.is_some(), more)
    } else {
        (more, page.cursor.is_some())
    };
    PageOf {
        edges,
        has_next_page,
        has_previous_page,
        lazy: cursors == Cursors::Lazy,
    }
}

/// Orders and filters `select` for `page` (the bound is added by the caller, as a
/// literal: see [`fetch_page`]).
fn apply<E: EntityTrait>(mut select: Select<E>, ordering: &Ordering<E>, page: &Page) -> Select<E> {
    if let Some(cursor) = &page.cursor {
        select = select.filter(ordering.after(cursor, page.backward));
    }
    for (expr, order, nulls) in ordering.order_exprs(page.backward) {
        select = match nulls {
            Some(n) => select.order_by_with_nulls(expr, order, n),
            None => select.order_by(expr, order),
        };
    }
    select
}

/// One page of a top-level list: a single `SELECT ... LIMIT n+1`.
///
/// The bound is written into the statement, not bound as a parameter (it is a validated
/// page size, at most [`MAX_PAGE_SIZE`] + 1). With `LIMIT $n`, PostgreSQL cannot tell how
/// many rows a generic plan returns, so it plans the statement again on every call; with
/// a literal, it settles on one plan per connection, as for a hand-written query. Each
/// page size is then its own prepared statement, and clients use few.
pub async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    ordering: &Ordering<E>,
    page: &Page,
    cursors: Cursors,
) -> Result<PageOf<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let mut statement = apply(select, ordering, page).build(db.get_database_backend());
    statement.sql.push_str(" LIMIT ");
    statement.sql.push_str(&page.fetch().to_string());
    let rows = db
        .query_all_raw(statement)
        .await?
        .iter()
        .map(|row| E::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, ordering, page, cursors))
}

/// A page of children for each of many parents, in one windowed statement.
///
/// `base` selects the children (with the client's filter); `parent` is the child column
/// holding the parent's key; `parents` are the keys to load. Parents without children are
/// absent from the map.
pub async fn fetch_pages_by_parent<E, C>(
    db: &C,
    base: Select<E>,
    parent: E::Column,
    parents: &[Key],
    ordering: &Ordering<E>,
    page: &Page,
    cursors: Cursors,
) -> Result<HashMap<Key, PageOf<E::Model>>, DbErr>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let values: Vec<Value> = parents.iter().filter_map(Key::value).collect();
    if values.is_empty() {
        return Ok(HashMap::new());
    }
    let mut inner = base.filter(parent.is_in(values));
    if let Some(cursor) = &page.cursor {
        inner = inner.filter(ordering.after(cursor, page.backward));
    }
    let mut window = WindowStatement::partition_by(parent);
    for (expr, order, nulls) in ordering.order_exprs(page.backward) {
        match nulls {
            Some(n) => window.order_by_expr_with_nulls(expr, order, n),
            None => window.order_by_expr(expr, order),
        };
    }
    let mut inner: SelectStatement = inner.into_query();
    inner.expr_window_as(Func::cust("ROW_NUMBER"), window, "__rn");
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, "__page")
        // A literal, as `fetch_page`'s `LIMIT` is (the page size is validated).
        .and_where(Expr::col("__rn").lte(Expr::cust(page.fetch().to_string())))
        .order_by(Alias::new("__rn"), Order::Asc)
        .take();
    let rows = db.query_all(&outer).await?;
    let mut grouped: HashMap<Key, Vec<E::Model>> = HashMap::new();
    for row in rows {
        let model = E::Model::from_query_result(&row, "")?;
        if let Some(key) = Key::from_value(model.get(parent)) {
            grouped.entry(key).or_default().push(model);
        }
    }
    Ok(grouped
        .into_iter()
        .map(|(k, rows)| (k, finish(rows, ordering, page, cursors)))
        .collect())
}

/// `COUNT(*)` of `select`, for `totalCount`.
pub async fn count<E, C>(db: &C, select: Select<E>) -> Result<u64, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    use sea_orm::PaginatorTrait;
    select.count(db).await
}

/// `COUNT(*)` per parent of `base` restricted to `parents`, in one `GROUP BY` statement.
pub async fn count_by_parent<E, C>(
    db: &C,
    base: Select<E>,
    parent: E::Column,
    parents: &[Key],
) -> Result<HashMap<Key, u64>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let values: Vec<Value> = parents.iter().filter_map(Key::value).collect();
    if values.is_empty() {
        return Ok(HashMap::new());
    }
    let stmt = base
        .filter(parent.is_in(values))
        .select_only()
        .column_as(parent, "parent")
        .column_as(Expr::col(parent).count(), "n")
        .group_by(parent)
        .into_query();
    let rows = db.query_all(&stmt).await?;
    let mut out = HashMap::new();
    for row in rows {
        let n: i64 = row.try_get("", "n")?;
        let key = [
            row.try_get::<String>("", "parent").map(Key::Str),
            row.try_get::<i64>("", "parent").map(Key::Int),
            row.try_get::<uuid::Uuid>("", "parent").map(Key::Uuid),
        ]
        .into_iter()
        .find_map(Result::ok);
        if let Some(key) = key {
            out.insert(key, Ord::max(n, 0) as u64);
        }
    }
    Ok(out)
}
