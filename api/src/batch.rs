//! Deterministic batching of relation fields.
//!
//! async-graphql's DataLoader collects keys for a short delay and then loads them in one
//! batch. That alone is timing-dependent: a list of more than 32 items is resolved in
//! rounds (the executor yields cooperatively), and a slow round lets the delay expire,
//! splitting one level into several statements.
//!
//! So every object built from a page remembers its siblings ([`Node`] = the page's rows +
//! its index). The first sibling to resolve a relation field hands the keys of *all*
//! siblings at once to the DataLoader's [`Loader`] (called directly: the batch is already
//! whole); the others await that same result through a per-request [`BatchCache`]. One
//! level of a query therefore costs one batch, whatever the fan-out and whatever the
//! timing.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use tokio::sync::OnceCell;

use crate::connection::{Cursor, EncodeCursor};
use crate::error::{ApiError, ResultExt};
use crate::loader::ListRef;
use crate::pagination::PageOf;

static NEXT_SET: AtomicU64 = AtomicU64::new(1);

/// Rows fetched together (one page, one lookup), shared by the objects built from them.
pub struct Rows<M> {
    id: u64,
    rows: Vec<M>,
}

impl<M> Rows<M> {
    /// Wraps rows fetched together.
    pub fn new(rows: Vec<M>) -> Arc<Self> {
        Arc::new(Self {
            id: NEXT_SET.fetch_add(1, Ordering::Relaxed),
            rows,
        })
    }

    /// One object per row.
    pub fn nodes(self: &Arc<Self>) -> impl Iterator<Item = Node<M>> + '_ {
        (0..self.rows.len()).map(|i| Node {
            rows: Arc::clone(self),
            index: i,
        })
    }
}

/// One row, with the rows it was fetched with.
pub struct Node<M> {
    rows: Arc<Rows<M>>,
    index: usize,
}

impl<M> Clone for Node<M> {
    fn clone(&self) -> Self {
        Self {
            rows: Arc::clone(&self.rows),
            index: self.index,
        }
    }
}

impl<M> Node<M> {
    /// A row fetched on its own.
    pub fn single(row: M) -> Self {
        Self {
            rows: Rows::new(vec![row]),
            index: 0,
        }
    }

    /// This object's row.
    pub fn model(&self) -> &M {
        &self.rows.rows[self.index]
    }

    fn siblings(&self) -> &[M] {
        &self.rows.rows
    }
}

impl<M> std::ops::Deref for Node<M> {
    type Target = M;

    fn deref(&self) -> &M {
        self.model()
    }
}

type Shared = Arc<dyn Any + Send + Sync>;

/// Per-request results of sibling batches, keyed by (rows, key type, list request).
#[derive(Default)]
pub struct BatchCache {
    cells: Mutex<HashMap<(u64, TypeId, String), Shared>>,
}

impl BatchCache {
    /// Forgets every result (a subscription's next event is a request of its own).
    pub fn clear(&self) {
        match self.cells.lock() {
            Ok(mut c) => c.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }

    /// Results held.
    pub fn len(&self) -> usize {
        match self.cells.lock() {
            Ok(c) => c.len(),
            Err(poisoned) => poisoned.into_inner().len(),
        }
    }

    /// Makes a result cell for `set` (tests of code that must empty the cache).
    #[cfg(test)]
    pub(crate) fn touch(&self, set: u64) {
        let _ = self.cell::<(), ()>(set, "");
    }

    /// Whether no result is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cell<K: 'static, T: Send + Sync + 'static>(&self, set: u64, tag: &str) -> Arc<OnceCell<T>> {
        let mut cells = match self.cells.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = cells
            .entry((set, TypeId::of::<K>(), tag.to_owned()))
            .or_insert_with(|| Arc::new(OnceCell::<T>::new()) as Shared);
        match Arc::clone(entry).downcast::<OnceCell<T>>() {
            Ok(cell) => cell,
            // One key type is always loaded the same way; a mismatch cannot share a cell.
            Err(_) => Arc::new(OnceCell::new()),
        }
    }
}

/// The keys of all of `node`'s siblings, loaded in one call of the loader, post-processed once
/// by `build` and shared by the siblings. `build` gets what was loaded and each
/// sibling's key, in sibling order, so that a sibling finds its part by its index: no
/// sibling but the first makes (or hashes) a key.
async fn shared<L, K, M, T>(
    cache: &BatchCache,
    loader: &DataLoader<L>,
    node: &Node<M>,
    tag: &str,
    key_of: &impl Fn(&M) -> K,
    build: impl FnOnce(HashMap<K, L::Value>, Vec<K>) -> T,
) -> Result<Arc<T>, ApiError>
where
    L: Loader<K, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    T: Send + Sync + 'static,
{
    let cell = cache.cell::<K, Arc<T>>(node.rows.id, tag);
    // The load is boxed: only the first sibling runs it, yet an unboxed load (sqlx's
    // statement futures are kilobytes) would size this future, and with it every object
    // type's field future that async-graphql boxes and copies for *each* field it resolves
    // (`id` included). Boxed, a type's field future is a few hundred bytes: one
    // allocation per batch instead of kilobytes per field.
    let value = cell
        .get_or_try_init(|| {
            Box::pin(async {
                let siblings: Vec<K> = node.siblings().iter().map(key_of).collect();
                // Each key once (siblings may share a parent). The loader is called
                // directly: the batch is already whole, so DataLoader's queue would only add
                // a task, a channel and a copy of every value it hands back.
                let mut seen = HashSet::with_capacity(siblings.len());
                let keys: Vec<K> = siblings
                    .iter()
                    .filter(|k| seen.insert(*k))
                    .cloned()
                    .collect();
                drop(seen);
                let loaded = loader.loader().load(&keys).await?;
                Ok::<_, ApiError>(Arc::new(build(loaded, siblings)))
            })
        })
        .await?;
    Ok(Arc::clone(value))
}

/// Where each sibling's part is in a batch's results (`None`: nothing was found for it).
fn slots<K: Hash + Eq>(siblings: &[K], index: &HashMap<K, usize>) -> Vec<Option<usize>> {
    siblings.iter().map(|k| index.get(k).copied()).collect()
}

/// What was loaded, as a list, and each sibling's place in it.
fn by_sibling<K: Hash + Eq, V>(
    loaded: HashMap<K, V>,
    siblings: &[K],
) -> (Vec<V>, Vec<Option<usize>>) {
    let mut index = HashMap::with_capacity(loaded.len());
    let mut values = Vec::with_capacity(loaded.len());
    for (k, v) in loaded {
        index.insert(k, values.len());
        values.push(v);
    }
    let slots = slots(siblings, &index);
    (values, slots)
}

/// A plain value (a count, a flag) for `node`, batched with its siblings.
pub async fn value<L, K, M>(
    ctx: &Context<'_>,
    node: &Node<M>,
    tag: &str,
    key_of: impl Fn(&M) -> K,
) -> async_graphql::Result<Option<L::Value>>
where
    L: Loader<K, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let (cache, loader) = parts::<L>(ctx)?;
    let tag = field_tag(ctx, tag);
    value_with(&cache, &loader, node, &tag, key_of)
        .await
        .extend()
}

/// [`value`] with the parts at hand (for lazily computed fields).
pub async fn value_with<L, K, M>(
    cache: &BatchCache,
    loader: &DataLoader<L>,
    node: &Node<M>,
    tag: &str,
    key_of: impl Fn(&M) -> K,
) -> Result<Option<L::Value>, ApiError>
where
    L: Loader<K, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let all = shared(cache, loader, node, tag, &key_of, |loaded, siblings| {
        by_sibling(loaded, &siblings)
    })
    .await?;
    let (values, slots) = &*all;
    Ok(slots
        .get(node.index)
        .copied()
        .flatten()
        .and_then(|i| values.get(i))
        .cloned())
}

/// Rows loaded for a batch of siblings, shared as one sibling set for the next level.
struct RowsBySibling<V> {
    rows: Arc<Rows<V>>,
    /// Per sibling, the index of its row in `rows`.
    slots: Vec<Option<usize>>,
}

/// The row a to-one relation of `node` points at, batched with its siblings. The rows
/// found for all siblings form one sibling set, so the next level stays batched too.
pub async fn one<L, K, M, V>(
    ctx: &Context<'_>,
    node: &Node<M>,
    key_of: impl Fn(&M) -> K,
) -> async_graphql::Result<Option<Node<V>>>
where
    L: Loader<K, Value = V, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    let (cache, loader) = parts::<L>(ctx)?;
    let tag = field_tag(ctx, "");
    let all = shared(&cache, &loader, node, &tag, &key_of, |loaded, siblings| {
        let (rows, slots) = by_sibling(loaded, &siblings);
        RowsBySibling {
            rows: Rows::new(rows),
            slots,
        }
    })
    .await
    .extend()?;
    Ok(all.slots.get(node.index).copied().flatten().map(|i| Node {
        rows: Arc::clone(&all.rows),
        index: i,
    }))
}

/// One parent's page, as nodes of the batch's shared sibling set.
pub struct PageNodes<M> {
    /// `(cursor, node)` in list order.
    pub edges: Vec<(Cursor, Node<M>)>,
    /// Whether rows follow the last edge.
    pub has_next_page: bool,
    /// Whether rows precede the first edge.
    pub has_previous_page: bool,
}

/// An edge's cursor from its loader: `text` when encoded, unbound when left to be
/// encoded (`lazy`).
fn cursor_of(text: String, lazy: bool) -> Cursor {
    if lazy {
        Cursor::Unbound
    } else {
        Cursor::Ready(text)
    }
}

impl<M> PageNodes<M> {
    /// A top-level page: its rows form their own sibling set.
    pub fn from_page(page: PageOf<M>) -> Self {
        let (cursors, models): (Vec<String>, Vec<M>) = page.edges.into_iter().unzip();
        let rows = Rows::new(models);
        Self {
            edges: cursors
                .into_iter()
                .map(|c| cursor_of(c, page.lazy))
                .zip(rows.nodes())
                .collect(),
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
        }
    }

    /// The page with the cursors its loader left to be encoded bound to `list` (whose
    /// ordering fetched the rows): each is encoded from its row if a client reads it.
    pub fn bind<E>(mut self, list: &ListRef<E>) -> Self
    where
        E: sea_orm::EntityTrait<Model = M>,
        M: sea_orm::ModelTrait<Entity = E> + Send + Sync + 'static,
    {
        let mut encoder: Option<Arc<dyn EncodeCursor>> = None;
        for (cursor, node) in &mut self.edges {
            if matches!(cursor, Cursor::Unbound) {
                let rows = encoder
                    .get_or_insert_with(|| {
                        Arc::new(RowCursors {
                            list: list.clone(),
                            rows: Arc::clone(&node.rows),
                        })
                    })
                    .clone();
                *cursor = Cursor::Lazy(rows, node.index);
            }
        }
        self
    }
}

/// Cursors of a list's rows, encoded on demand.
struct RowCursors<E: sea_orm::EntityTrait> {
    list: ListRef<E>,
    rows: Arc<Rows<E::Model>>,
}

impl<E> EncodeCursor for RowCursors<E>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::ModelTrait<Entity = E> + Send + Sync,
{
    fn encode(&self, index: usize) -> String {
        self.rows
            .rows
            .get(index)
            .map(|m| self.list.0.ordering.cursor(m))
            .unwrap_or_default()
    }
}

/// One parent's page inside a batch: `(cursor, row index)` edges, the page flags, and
/// whether the cursors are left to be encoded.
type PageSlots = (Vec<(String, usize)>, bool, bool, bool);

struct PagesBySibling<M> {
    rows: Arc<Rows<M>>,
    pages: Vec<PageSlots>,
    /// Per sibling, the index of its page in `pages`.
    slots: Vec<Option<usize>>,
}

/// A page of a to-many relation of `node`, batched with its siblings. The rows of all
/// siblings' pages form one sibling set, so the next level stays batched too.
pub async fn page<L, K, P, M>(
    cache: &BatchCache,
    loader: &DataLoader<L>,
    node: &Node<P>,
    tag: &str,
    key_of: impl Fn(&P) -> K,
) -> Result<PageNodes<M>, ApiError>
where
    L: Loader<K, Value = PageOf<M>, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
{
    let all = shared(cache, loader, node, tag, &key_of, |loaded, siblings| {
        let mut rows = Vec::new();
        let mut pages = Vec::with_capacity(loaded.len());
        let mut index = HashMap::with_capacity(loaded.len());
        for (k, page) in loaded {
            let edges = page
                .edges
                .into_iter()
                .map(|(cursor, m)| {
                    rows.push(m);
                    (cursor, rows.len() - 1)
                })
                .collect();
            index.insert(k, pages.len());
            pages.push((edges, page.has_next_page, page.has_previous_page, page.lazy));
        }
        PagesBySibling {
            rows: Rows::new(rows),
            pages,
            slots: slots(&siblings, &index),
        }
    })
    .await?;
    let slot = all.slots.get(node.index).copied().flatten();
    Ok(match slot.and_then(|i| all.pages.get(i)) {
        None => PageNodes {
            edges: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        },
        Some((edges, has_next_page, has_previous_page, lazy)) => PageNodes {
            edges: edges
                .iter()
                .map(|(c, i)| {
                    (
                        cursor_of(c.clone(), *lazy),
                        Node {
                            rows: Arc::clone(&all.rows),
                            index: *i,
                        },
                    )
                })
                .collect(),
            has_next_page: *has_next_page,
            has_previous_page: *has_previous_page,
        },
    })
}

/// A batch tag naming the field being resolved: two fields of one object that load the
/// same key type (a message's `sender` and `recipient`, both user ids) must not share a
/// batch, since their keys come from different columns.
pub fn field_tag(ctx: &Context<'_>, tag: &str) -> String {
    format!("{}|{tag}", ctx.field().name())
}

/// A batch tag naming the field being resolved by its place in the document (line and
/// column, unique per field of the operation and its fragments). Siblings resolve the same
/// field with the same arguments, so its list request is the same for all of them: the tag
/// needs no formatted request.
pub fn place_tag(ctx: &Context<'_>) -> String {
    let pos = ctx.item.pos;
    format!("{}@{}:{}", ctx.field().name(), pos.line, pos.column)
}

/// The request's batch cache and loader of type `L`.
pub fn parts<L: Send + Sync + 'static>(
    ctx: &Context<'_>,
) -> async_graphql::Result<(Arc<BatchCache>, Arc<DataLoader<L>>)> {
    let cache = ctx.data::<Arc<BatchCache>>()?.clone();
    let loader = ctx.data::<Arc<DataLoader<L>>>()?.clone();
    Ok((cache, loader))
}
