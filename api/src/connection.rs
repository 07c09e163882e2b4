//! Relay connection output: async-graphql's `Connection` with `edges`, `nodes`,
//! `pageInfo`, and a lazily computed `totalCount` (its SQL runs only when asked for).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::{Object, OutputType};

use crate::batch::{Node, PageNodes};
use crate::error::{ApiError, ResultExt};

/// The future computing a list's total.
pub type CountFuture = Pin<Box<dyn Future<Output = Result<u64, ApiError>> + Send>>;

/// The `totalCount` field of every connection.
pub struct TotalCount(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl TotalCount {
    /// A total computed by `f` when (and only when) the client selects `totalCount`.
    pub fn lazy<F, Fut>(f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64, ApiError>> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(f())))
    }
}

#[Object]
impl TotalCount {
    /// How many items the whole list holds (every page), after the filter (at most
    /// 2147483647: larger totals read as that).
    async fn total_count(&self) -> async_graphql::Result<i32> {
        let n = (self.0)().await.extend()?;
        Ok(crate::scalars::int(n))
    }
}

/// Encodes the cursors of a set of rows (see [`crate::batch::PageNodes::bind`]).
pub trait EncodeCursor: Send + Sync {
    /// The cursor of row `index`.
    fn encode(&self, index: usize) -> String;
}

/// An edge's cursor: encoded already, or encoded from its row when a client reads it
/// (`edges { cursor }`, `pageInfo { startCursor endCursor }`), so that pages whose
/// cursors nobody selects never build them.
#[derive(Clone)]
pub enum Cursor {
    /// Encoded.
    Ready(String),
    /// Row `1` of the rows `0` encodes.
    Lazy(Arc<dyn EncodeCursor>, usize),
    /// Not bound to its list yet (a page between its loader and its connection).
    Unbound,
}

impl CursorType for Cursor {
    type Error = std::convert::Infallible;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        Ok(Cursor::Ready(s.to_owned()))
    }

    fn encode_cursor(&self) -> String {
        match self {
            Cursor::Ready(s) => s.clone(),
            Cursor::Lazy(rows, index) => rows.encode(*index),
            Cursor::Unbound => String::new(),
        }
    }
}

/// A Relay connection of `T`.
pub type Conn<T> = Connection<Cursor, T, TotalCount, EmptyFields>;

/// Turns a page of nodes into a connection of their GraphQL type.
pub fn connection<M, T>(page: PageNodes<M>, total: TotalCount) -> Conn<T>
where
    T: OutputType + From<Node<M>>,
{
    let mut conn =
        Connection::with_additional_fields(page.has_previous_page, page.has_next_page, total);
    conn.edges.extend(
        page.edges
            .into_iter()
            .map(|(cursor, node)| Edge::new(cursor, T::from(node))),
    );
    conn
}

/// Declares a plural root connection `$field` over one table, in an object of its own
/// (`$root`, merged into the domain's query root): the one way to write a root list.
/// Its arguments are the Relay page (`first`/`after`/`last`/`before`), the table's
/// `filter` and `orderBy` (`default_order` when the client gives none, else the table's
/// key); `access` computes the condition that keeps the list to what
/// the viewer may see (it may read the context and use `?`).
///
/// ```ignore
/// root_list! {
///     /// All users.
///     UsersList.orquestra_users -> OrquestraUser,
///     db: orquestra,
///     filter: OrquestraUserFilter => "Only users matching this filter.",
///     order: OrquestraUserOrder => "Sort order (the id breaks ties; default: id).",
///     access: |ctx| Condition::all(),
/// }
/// ```
#[macro_export]
macro_rules! root_list {
    (
        $(#[$m:meta])*
        $root:ident . $field:ident -> $ty:ty,
        db: $db:ident,
        filter: $filter:ty => $what:tt,
        order: $order:ident => $order_desc:tt,
        $(default_order: $default:expr,)?
        access: |$ctx:ident| $access:expr $(,)?
    ) => {
        /// Holds one plural root connection.
        #[derive(Default)]
        pub struct $root;

        #[async_graphql::Object]
        impl $root {
            $(#[$m])*
            async fn $field(
                &self,
                $ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Page size, counting forward (default 20, at most 100).")]
                first: Option<i32>,
                #[graphql(desc = "Start after this cursor.")] after: Option<String>,
                #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
                #[graphql(desc = "End before this cursor.")] before: Option<String>,
                #[graphql(desc = $what)] filter: Option<Box<$filter>>,
                #[graphql(desc = $order_desc)] order_by: Option<$order>,
            ) -> async_graphql::Result<$crate::connection::Conn<$ty>> {
                use $crate::error::ResultExt as _;
                $(let order_by = order_by.or(Some($default));)?
                let req = $crate::context::list_request(
                    filter.as_deref(),
                    $access,
                    $order::ordering(order_by),
                    $crate::pagination::PageArgs::new(first, after, last, before),
                )
                .extend()?;
                $crate::context::root_connection(
                    $ctx,
                    $crate::context::databases($ctx)?.$db(),
                    req,
                )
                .await
            }
        }
    };
}
