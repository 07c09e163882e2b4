//! Versioned state: state versions and their delta records.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::universe::{delta_record, state_version};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::universe::loaders::*;
use crate::universe::service::{self};

type Result<T> = async_graphql::Result<T>;

/// One version of the system state; versions form a history tree through their parent.
pub struct UniverseStateVersion(pub Node<state_version::Model>);

impl From<Node<state_version::Model>> for UniverseStateVersion {
    fn from(m: Node<state_version::Model>) -> Self {
        Self(m)
    }
}

/// One version of the system state; versions form a history tree through their parent.
#[Object]
impl UniverseStateVersion {
    /// The version's id.
    async fn version_id(&self) -> ID {
        ID(self.0.version_id.clone())
    }
    /// The id of the version this one was derived from; null for a root.
    async fn parent_version_id(&self) -> Option<ID> {
        self.0.parent_version_id.clone().map(ID)
    }
    /// When the version was made.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// What the version is.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Hash of the state's content at this version.
    async fn data_hash(&self) -> &str {
        &self.0.data_hash
    }
    /// The creator's identity (hex).
    async fn owner(&self) -> &str {
        &self.0.owner
    }

    /// The version this one was derived from; null for a root.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<UniverseStateVersion>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |v| {
            ParentOf(v.parent_version_id.clone())
        })
        .await?;
        Ok(n.map(UniverseStateVersion))
    }

    /// The versions derived directly from this one (default order: oldest first).
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only versions matching this filter.")] filter: Option<
            Box<UniverseStateVersionFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: timestamp).")] order_by: Option<
            UniverseStateVersionOrder,
        >,
    ) -> Result<Conn<UniverseStateVersion>> {
        let order = order_by.or(Some(UniverseStateVersionOrder {
            field: UniverseStateVersionOrderField::Timestamp,
            direction: OrderDirection::Asc,
        }));
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            UniverseStateVersionOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |v, l: &ListRef<_>| ChildrenOf(v.version_id.clone(), l.clone()),
            |v, c: &CountRef| ChildCountOf(v.version_id.clone(), c.clone()),
        )
        .await
    }

    /// The delta records that produced this version (default order: timestamp).
    async fn deltas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only deltas matching this filter.")] filter: Option<
            Box<UniverseDeltaFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: timestamp).")] order_by: Option<
            UniverseDeltaOrder,
        >,
    ) -> Result<Conn<UniverseDelta>> {
        let order = order_by.or(Some(UniverseDeltaOrder {
            field: UniverseDeltaOrderField::Timestamp,
            direction: OrderDirection::Asc,
        }));
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            UniverseDeltaOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |v, l: &ListRef<_>| DeltasOf(v.version_id.clone(), l.clone()),
            |v, c: &CountRef| DeltaCountOf(v.version_id.clone(), c.clone()),
        )
        .await
    }

    /// The versions this one descends from, nearest (the parent) first, up to the root
    /// or `maxDepth` steps. Cycle-safe: a cycle in the data lists each version once.
    async fn ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 100,
            desc = "How many parent steps to walk at most (1 to 10000, default 100)."
        )]
        max_depth: i32,
    ) -> Result<Vec<UniverseStateVersion>> {
        let depth = service::check_depth(max_depth).extend()?;
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let page = batch::page(
            &cache,
            &loader,
            &self.0,
            &format!("ancestors:{depth}"),
            |v| AncestorsOf(v.version_id.clone(), depth),
        )
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseStateVersion(n))
            .collect())
    }

    /// The versions derived from this one, directly or not, level by level (then by
    /// timestamp and id), at most `maxDepth` levels down. Cycle-safe: a cycle in the data
    /// lists each version once.
    async fn descendants(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 100,
            desc = "How many levels to descend at most (1 to 10000, default 100)."
        )]
        max_depth: i32,
    ) -> Result<Vec<UniverseStateVersion>> {
        let depth = service::check_depth(max_depth).extend()?;
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let page = batch::page(
            &cache,
            &loader,
            &self.0,
            &format!("descendants:{depth}"),
            |v| DescendantsOf(v.version_id.clone(), depth),
        )
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseStateVersion(n))
            .collect())
    }
}

/// The detailed changes of one state transition.
pub struct UniverseDelta(pub Node<delta_record::Model>);

impl From<Node<delta_record::Model>> for UniverseDelta {
    fn from(m: Node<delta_record::Model>) -> Self {
        Self(m)
    }
}

/// The detailed changes of one state transition.
#[Object]
impl UniverseDelta {
    /// The delta's id.
    async fn delta_id(&self) -> ID {
        ID(self.0.delta_id.clone())
    }
    /// The id of the version these changes produced.
    async fn state_version_id(&self) -> ID {
        ID(self.0.state_version_id.clone())
    }
    /// The ordered operations.
    async fn operations(&self) -> Vec<UniverseDeltaOperation> {
        self.0.operations.0.iter().map(Into::into).collect()
    }
    /// When the delta was recorded.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.0.timestamp
    }
    /// Author, reason and free properties.
    async fn metadata(&self) -> UniverseDeltaMetadata {
        (&self.0.metadata).into()
    }
    /// The version these changes produced.
    async fn version(&self, ctx: &Context<'_>) -> Result<Option<UniverseStateVersion>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |d| {
            VersionId(d.state_version_id.clone())
        })
        .await?;
        Ok(n.map(UniverseStateVersion))
    }
}
