//! How Bellamy's object types resolve their relations, batched per level: nested
//! connections ([`nested`]), many-to-many connections through a link table ([`linked`]),
//! and to-one rows under the viewer's access rule ([`visible_one`]).

use std::hash::Hash;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, OutputType, Result};
use sea_orm::{Condition, EntityTrait};

use crate::batch::{self, Node, PageNodes};
use crate::bellamy::access::Hidden;
use crate::bellamy::loaders::BellamyLoader;
use crate::connection::{Conn, TotalCount, connection};
use crate::context::{list_request, nested_connection};
use crate::error::{ApiError, ResultExt};
use crate::filter::TableFilter;
use crate::loader::{CountRef, ListRef};
use crate::pagination::{Ordering, PageArgs, PageOf};

/// A nested connection of `node` (one windowed statement per level, one `GROUP BY` per
/// level for `totalCount`).
pub(super) async fn nested<P, E, F, T, PK, CK>(
    ctx: &Context<'_>,
    node: &Node<P>,
    filter: Option<&F>,
    extra: Condition,
    ordering: Ordering<E>,
    args: PageArgs,
    page_key: impl Fn(&P, &ListRef<E>) -> PK,
    count_key: impl Fn(&P, &CountRef) -> CK + Send + Sync + 'static,
) -> Result<Conn<T>>
where
    BellamyLoader: Loader<PK, Value = PageOf<E::Model>, Error = ApiError>
        + Loader<CK, Value = u64, Error = ApiError>,
    P: Send + Sync + 'static,
    E: crate::projection::Projected,
    E::Model: Send + Sync + Clone + 'static,
    F: TableFilter,
    PK: Send + Sync + Hash + Eq + Clone + 'static,
    CK: Send + Sync + Hash + Eq + Clone + 'static,
    T: OutputType + From<Node<E::Model>>,
{
    let req = list_request(filter, extra, ordering, args).extend()?;
    nested_connection::<BellamyLoader, _, _, _, _, _>(ctx, node, req, page_key, count_key).await
}

/// A many-to-many connection of `node` through a link table: one windowed statement
/// for the page of link rows (of all siblings), then one `IN (...)` lookup of the rows
/// they point at (`target_key`). Order, cursors, filter and `totalCount` are the link
/// table's; `extra` is the link rows' access rule (which makes the targets visible).
pub(super) async fn linked<P, E, F, V, T, PK, CK, TK>(
    ctx: &Context<'_>,
    node: &Node<P>,
    filter: Option<&F>,
    extra: Condition,
    ordering: Ordering<E>,
    args: PageArgs,
    page_key: impl Fn(&P, &ListRef<E>) -> PK,
    count_key: impl Fn(&P, &CountRef) -> CK + Send + Sync + 'static,
    target_key: impl Fn(&E::Model) -> TK,
) -> Result<Conn<T>>
where
    BellamyLoader: Loader<PK, Value = PageOf<E::Model>, Error = ApiError>
        + Loader<CK, Value = u64, Error = ApiError>
        + Loader<TK, Value = V, Error = ApiError>,
    P: Send + Sync + 'static,
    E: EntityTrait,
    E::Model: Send + Sync + Clone + 'static,
    F: TableFilter,
    V: Send + Sync + Clone + 'static,
    PK: Send + Sync + Hash + Eq + Clone + 'static,
    CK: Send + Sync + Hash + Eq + Clone + 'static,
    TK: Send + Sync + Hash + Eq + Clone + 'static,
    T: OutputType + From<Node<V>>,
{
    let req = list_request(filter, extra, ordering, args).extend()?;
    let (cache, loader) = batch::parts::<BellamyLoader>(ctx)?;
    let tag = req.list.id().to_owned();
    let list = req.list;
    let links = batch::page(&cache, &loader, node, &tag, |p| page_key(p, &list))
        .await
        .extend()?
        .bind(&list);
    let mut edges = Vec::with_capacity(links.edges.len());
    for (cursor, link) in links.edges {
        // The first link resolves the targets of every link of the batch at once.
        if let Some(target) = batch::one::<BellamyLoader, _, _, _>(ctx, &link, &target_key).await? {
            edges.push((cursor, target));
        }
    }
    let page = PageNodes {
        edges,
        has_next_page: links.has_next_page,
        has_previous_page: links.has_previous_page,
    };
    let node = node.clone();
    let count = std::sync::Arc::new((req.count, count_key));
    let total = TotalCount::lazy(move || {
        let (cache, loader, node, tag, count) = (
            cache.clone(),
            loader.clone(),
            node.clone(),
            tag.clone(),
            count.clone(),
        );
        async move {
            let n =
                batch::value_with(&cache, &loader, &node, &tag, |p| (count.1)(p, &count.0)).await?;
            Ok(n.unwrap_or(0))
        }
    });
    Ok(connection(page, total))
}

/// The row a to-one relation of `node` points at, loaded with the viewer's access rule
/// (batched with its siblings). The relation's foreign key guarantees the row exists, so
/// an absent row is a hidden one: null, with a `FORBIDDEN` error saying why.
pub(super) async fn visible_one<K, M, V>(
    ctx: &Context<'_>,
    node: &Node<M>,
    key_of: impl Fn(&M) -> K,
    hidden: Hidden,
) -> Result<Option<Node<V>>>
where
    BellamyLoader: Loader<K, Value = V, Error = ApiError>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    Ok(
        match batch::one::<BellamyLoader, _, _, _>(ctx, node, key_of).await? {
            Some(n) => Some(n),
            None => hidden.refuse(ctx),
        },
    )
}
