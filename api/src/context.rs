//! Per-request context: the storage handle and fresh DataLoaders for every domain.

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Request};
use sea_orm::{Condition, DatabaseConnection, EntityTrait, FromQueryResult, ModelTrait};

use std::hash::Hash;

use crate::batch::{self, Node, PageNodes};
use crate::connection::{Conn, TotalCount, connection};
use crate::db::Databases;
use crate::error::{ApiError, ResultExt};
use crate::filter::{FilterIfAny, TableFilter};
use crate::loader::{CountRef, ListRef};
use crate::pagination::{self, Ordering, PageArgs, PageOf};
use crate::projection::{Columns, Projected};

/// Attaches fresh per-request loaders to `request`.
///
/// The loaders dispatch at once, without DataLoader's default 1 ms wait for more keys:
/// every relation field asks for the keys of all its siblings in one call ([`batch`]), so
/// the wait would add latency (a millisecond per level) and batch nothing more.
pub fn with_loaders(request: Request, dbs: &Databases, digests: &crate::auth::Digests) -> Request {
    fn loader<L: Send + Sync + 'static>(l: L) -> Arc<DataLoader<L>> {
        Arc::new(DataLoader::new(l, tokio::spawn).delay(std::time::Duration::ZERO))
    }
    request
        .data(Arc::new(crate::batch::BatchCache::default()))
        .data(loader(crate::atrarium::loaders::AtrariumLoader::new(
            dbs.atrarium().clone(),
        )))
        .data(loader(crate::orquestra::loaders::OrquestraLoader::new(
            dbs.orquestra().clone(),
        )))
        .data(loader(crate::bellamy::loaders::BellamyLoader::new(
            dbs.bellamy().clone(),
        )))
        .data(loader(crate::pds::loaders::PdsLoader::new(
            dbs.pds().clone(),
            digests.clone(),
        )))
        .data(loader(crate::universe::loaders::UniverseLoader::new(
            dbs.universe().clone(),
        )))
}

/// The storage handle of the request.
pub fn databases<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Databases> {
    ctx.data::<Databases>()
}

/// Tells this process's open WebSockets that a credential was revoked, so they check
/// theirs now (see [`crate::identity`]).
pub fn revoked(ctx: &Context<'_>) {
    if let Some(databases) = ctx.data_opt::<Databases>() {
        databases.revocations().revoked();
    }
}

/// The request's loader of type `L`.
pub fn loader<L: Send + Sync + 'static>(
    ctx: &Context<'_>,
) -> async_graphql::Result<Arc<DataLoader<L>>> {
    ctx.data::<Arc<DataLoader<L>>>().cloned()
}

/// A validated list request: what to fetch and what `totalCount` counts.
pub struct ListRequest<E: EntityTrait> {
    /// Filter, order and page, shared by sibling parents.
    pub list: ListRef<E>,
    /// The filter alone, for `totalCount`.
    pub count: CountRef,
}

/// Validates a connection field's arguments: the filter (plus `extra` access or
/// relation conditions), the order and the page.
pub fn list_request<E: EntityTrait, F: TableFilter>(
    filter: Option<&F>,
    extra: Condition,
    ordering: Ordering<E>,
    args: PageArgs,
) -> Result<ListRequest<E>, ApiError> {
    let condition = crate::filter::and(extra, F::to_condition(filter)?);
    let page = args.resolve(&ordering)?;
    let (list, count) = crate::loader::list_and_count(condition, ordering, page);
    Ok(ListRequest { list, count })
}

/// A top-level connection: one `SELECT ... LIMIT n+1`, and a `COUNT(*)` if asked.
pub async fn root_connection<E, T>(
    ctx: &Context<'_>,
    db: &DatabaseConnection,
    request: ListRequest<E>,
) -> async_graphql::Result<Conn<T>>
where
    E: Projected,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync,
    T: async_graphql::OutputType + From<Node<E::Model>>,
{
    let list = request.list.project(Columns::of_connection(ctx));
    let q = &list.0;
    let page = pagination::fetch_page(
        db,
        q.columns
            .select(E::find())
            .filter_if_any(q.condition.clone()),
        &q.ordering,
        &q.page,
        pagination::Cursors::Lazy,
    )
    .await
    .extend()?;
    let db = db.clone();
    let count = request.count;
    let total = TotalCount::lazy(move || {
        let db = db.clone();
        let cond = count.condition().clone();
        async move { Ok(pagination::count(&db, E::find().filter_if_any(cond)).await?) }
    });
    Ok(connection(PageNodes::from_page(page).bind(&list), total))
}

/// A nested connection of `node`, batched with its siblings: one windowed statement per
/// level for the pages, one `GROUP BY` per level for `totalCount` if asked.
pub async fn nested_connection<L, P, E, T, PK, CK>(
    ctx: &Context<'_>,
    node: &Node<P>,
    request: ListRequest<E>,
    page_key: impl Fn(&P, &ListRef<E>) -> PK,
    count_key: impl Fn(&P, &CountRef) -> CK + Send + Sync + 'static,
) -> async_graphql::Result<Conn<T>>
where
    L: Loader<PK, Value = PageOf<E::Model>, Error = ApiError>
        + Loader<CK, Value = u64, Error = ApiError>,
    P: Send + Sync + 'static,
    E: Projected,
    E::Model: Send + Sync + Clone + 'static,
    PK: Send + Sync + Hash + Eq + Clone + 'static,
    CK: Send + Sync + Hash + Eq + Clone + 'static,
    T: async_graphql::OutputType + From<Node<E::Model>>,
{
    let (cache, loader) = batch::parts::<L>(ctx)?;
    // Every sibling resolves this same field of the document, with the same arguments and
    // viewer, so the field's place names the batch: no sibling formats its list request.
    let tag = batch::place_tag(ctx);
    let list = request.list.project(Columns::of_connection(ctx));
    let page = batch::page(&cache, &loader, node, &tag, |p| page_key(p, &list))
        .await
        .extend()?
        .bind(&list);
    let node = node.clone();
    let count = Arc::new((request.count, count_key));
    let total = TotalCount::lazy(move || {
        let (cache, loader, node, tag, count) = (
            Arc::clone(&cache),
            Arc::clone(&loader),
            node.clone(),
            tag.clone(),
            Arc::clone(&count),
        );
        async move {
            let n =
                batch::value_with(&cache, &loader, &node, &tag, |p| (count.1)(p, &count.0)).await?;
            Ok(n.unwrap_or(0))
        }
    });
    Ok(connection(page, total))
}
