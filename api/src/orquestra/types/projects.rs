//! Orquestra's projects.

use async_graphql::{Context, ErrorExtensions, ID, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::{api_keys, projects};
use sea_orm::Condition;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::orquestra::access;
use crate::orquestra::loaders::*;
use crate::pagination::PageArgs;
use crate::scalars::int;

type Result<T> = async_graphql::Result<T>;

/// An IDL project: one Solana program of one user.
pub struct OrquestraProject(pub Node<projects::Model>);

impl From<Node<projects::Model>> for OrquestraProject {
    fn from(m: Node<projects::Model>) -> Self {
        Self(m)
    }
}

/// An IDL project: one Solana program of one user.
#[Object]
impl OrquestraProject {
    /// The project's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The owner's id.
    async fn user_id(&self) -> ID {
        ID(self.0.user_id.clone())
    }
    /// The display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The Solana program address.
    async fn program_id(&self) -> &str {
        &self.0.program_id
    }
    /// Whether anyone may see the project.
    async fn is_public(&self) -> bool {
        self.0.is_public.unwrap_or(true)
    }
    /// Owner-written documentation (Markdown).
    async fn custom_docs(&self) -> Option<&str> {
        self.0.custom_docs.as_deref()
    }
    /// When the project was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the project was last updated.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }

    /// The owner.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<OrquestraUser>> {
        let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |p| UserId(p.user_id.clone()))
            .await?;
        Ok(n.map(OrquestraUser))
    }

    /// The project's IDL versions (default order: newest version first).
    async fn idl_versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only versions matching this filter.")] filter: Option<
            Box<OrquestraIdlVersionFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            OrquestraIdlVersionOrder,
        >,
    ) -> Result<Conn<OrquestraIdlVersion>> {
        let order = order_by.or(Some(OrquestraIdlVersionOrder {
            field: OrquestraIdlVersionOrderField::Version,
            direction: crate::order::OrderDirection::Desc,
        }));
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            OrquestraIdlVersionOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<OrquestraLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |p, l: &ListRef<_>| VersionsOfProject(p.id.clone(), l.clone()),
            |p, c: &CountRef| VersionCountOfProject(p.id.clone(), c.clone()),
        )
        .await
    }

    /// The newest IDL version (highest version number), if any was uploaded.
    async fn latest_idl(&self, ctx: &Context<'_>) -> Result<Option<OrquestraIdlVersion>> {
        let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |p| {
            LatestIdlOfProject(p.id.clone())
        })
        .await?;
        Ok(n.map(OrquestraIdlVersion))
    }

    /// How many IDL versions the project has.
    async fn version_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let all = CountRef::new(Condition::all());
        let n = batch::value::<OrquestraLoader, _, _>(ctx, &self.0, "all", |p| {
            VersionCountOfProject(p.id.clone(), all.clone())
        })
        .await?;
        Ok(int(n.unwrap_or(0)))
    }

    /// The project's API keys (metadata only; the key itself is never readable). Visible
    /// to the project's owner only (`FORBIDDEN` for anyone else, an `X-API-Key` included).
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only keys matching this filter.")] filter: Option<
            Box<OrquestraApiKeyFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            OrquestraApiKeyOrder,
        >,
    ) -> Option<Result<Conn<OrquestraApiKey>>> {
        async {
            let viewer = access::viewer(ctx);
            if !access::owns_project(viewer, &self.0) {
                return Err(access::keys_of_others().extend());
            }
            // Sibling projects are loaded in the same statement: only owned ones' keys.
            let req = list_request(
                filter.as_deref(),
                access::of_owned_project(viewer, api_keys::Column::ProjectId),
                OrquestraApiKeyOrder::ordering(order_by),
                PageArgs::new(first, after, last, before),
            )
            .extend()?;
            nested_connection::<OrquestraLoader, _, _, _, _, _>(
                ctx,
                &self.0,
                req,
                |p, l: &ListRef<_>| ApiKeysOfProject(p.id.clone(), l.clone()),
                |p, c: &CountRef| ApiKeyCountOfProject(p.id.clone(), c.clone()),
            )
            .await
            .map(Some)
        }
        .await
        .transpose()
    }

    /// The project's social links, if set.
    async fn socials(&self, ctx: &Context<'_>) -> Result<Option<OrquestraProjectSocials>> {
        let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |p| {
            SocialsOfProject(p.id.clone())
        })
        .await?;
        Ok(n.map(OrquestraProjectSocials))
    }

    /// The project's labelled addresses.
    async fn known_addresses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only addresses matching this filter.")] filter: Option<
            Box<OrquestraKnownAddressFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            OrquestraKnownAddressOrder,
        >,
    ) -> Result<Conn<OrquestraKnownAddress>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            OrquestraKnownAddressOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<OrquestraLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |p, l: &ListRef<_>| AddressesOfProject(p.id.clone(), l.clone()),
            |p, c: &CountRef| AddressCountOfProject(p.id.clone(), c.clone()),
        )
        .await
    }
}

/// A project reached through a relation, if the viewer may see it (else `FORBIDDEN`).
pub fn visible_project(
    ctx: &Context<'_>,
    node: Option<Node<projects::Model>>,
) -> Result<Option<OrquestraProject>> {
    match node {
        Some(p) if !access::sees_project(access::viewer(ctx), &p) => {
            Err(access::private_project().extend())
        }
        n => Ok(n.map(OrquestraProject)),
    }
}
