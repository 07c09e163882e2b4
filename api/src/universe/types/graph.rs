//! The knowledge graph: entities and the relations between them.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::universe::{entity as node, relation};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::universe::loaders::*;
use crate::universe::service::Reach;

type Result<T> = async_graphql::Result<T>;

/// A node of the knowledge graph.
pub struct UniverseEntity(pub Node<node::Model>);

impl From<Node<node::Model>> for UniverseEntity {
    fn from(m: Node<node::Model>) -> Self {
        Self(m)
    }
}

/// A node of the knowledge graph.
#[Object]
impl UniverseEntity {
    /// The entity's id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The entity's kind (e.g. `person`, `concept`).
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// When the entity was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the entity was last updated.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Name, description, tags and free properties.
    async fn metadata(&self) -> UniverseEntityMetadata {
        (&self.0.metadata).into()
    }
    /// The optimistic-concurrency counter: 1 when created, bumped by every write.
    async fn version(&self) -> i32 {
        crate::scalars::int(self.0.version)
    }

    /// The relations leaving this entity (default order: id).
    async fn outgoing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only relations matching this filter.")] filter: Option<
            Box<UniverseRelationFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseRelationOrder,
        >,
    ) -> Result<Conn<UniverseRelation>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            UniverseRelationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |e, l: &ListRef<_>| OutgoingOf(e.id.clone(), l.clone()),
            |e, c: &CountRef| OutgoingCountOf(e.id.clone(), c.clone()),
        )
        .await
    }

    /// The relations arriving at this entity (default order: id).
    async fn incoming(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only relations matching this filter.")] filter: Option<
            Box<UniverseRelationFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            UniverseRelationOrder,
        >,
    ) -> Result<Conn<UniverseRelation>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            UniverseRelationOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<UniverseLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |e, l: &ListRef<_>| IncomingOf(e.id.clone(), l.clone()),
            |e, c: &CountRef| IncomingCountOf(e.id.clone(), c.clone()),
        )
        .await
    }

    /// The entities this one is linked to by relations: distinct, ordered by id. Batched
    /// with sibling entities (one statement per level).
    async fn connected(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "`OUTGOING`: targets of relations leaving this entity; `INCOMING`: sources of relations arriving at it; `BOTH` (default): either."
        )]
        direction: UniverseDirection,
        #[graphql(desc = "Only through relations of this type.")] relation_type: Option<String>,
    ) -> Result<Vec<UniverseEntity>> {
        let (cache, loader) = batch::parts::<UniverseLoader>(ctx)?;
        let reach = Reach::from(direction);
        let tag = format!("connected:{reach:?}:{relation_type:?}");
        let page = batch::page(&cache, &loader, &self.0, &tag, |e| {
            ConnectedOf(e.id.clone(), reach, relation_type.clone())
        })
        .await
        .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| UniverseEntity(n))
            .collect())
    }
}

/// A directed, typed edge between two entities.
pub struct UniverseRelation(pub Node<relation::Model>);

impl From<Node<relation::Model>> for UniverseRelation {
    fn from(m: Node<relation::Model>) -> Self {
        Self(m)
    }
}

/// A directed, typed edge between two entities.
#[Object]
impl UniverseRelation {
    /// The relation's id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The id of the entity the relation leaves.
    async fn from_entity(&self) -> ID {
        ID(self.0.from_entity.clone())
    }
    /// The id of the entity the relation reaches.
    async fn to_entity(&self) -> ID {
        ID(self.0.to_entity.clone())
    }
    /// The relation's kind (e.g. `part_of`).
    async fn relation_type(&self) -> &str {
        &self.0.relation_type
    }
    /// When the relation was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Weight, label and free properties.
    async fn metadata(&self) -> UniverseRelationMetadata {
        (&self.0.metadata).into()
    }
    /// The entity the relation leaves.
    async fn from(&self, ctx: &Context<'_>) -> Result<Option<UniverseEntity>> {
        let n = batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |r| {
            EntityId(r.from_entity.clone())
        })
        .await?;
        Ok(n.map(UniverseEntity))
    }
    /// The entity the relation reaches.
    async fn to(&self, ctx: &Context<'_>) -> Result<Option<UniverseEntity>> {
        let n =
            batch::one::<UniverseLoader, _, _, _>(ctx, &self.0, |r| EntityId(r.to_entity.clone()))
                .await?;
        Ok(n.map(UniverseEntity))
    }
}
