//! Orquestra's users.

use async_graphql::{Context, ErrorExtensions, ID, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::users;

use super::*;
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::orquestra::access;
use crate::orquestra::loaders::*;
use crate::pagination::PageArgs;
use crate::scalars::{BigInt, int};

type Result<T> = async_graphql::Result<T>;

/// A GitHub-authenticated Orquestra user.
pub struct OrquestraUser(pub Node<users::Model>);

impl From<Node<users::Model>> for OrquestraUser {
    fn from(m: Node<users::Model>) -> Self {
        Self(m)
    }
}

/// A GitHub-authenticated Orquestra user.
#[Object]
impl OrquestraUser {
    /// The user's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The GitHub user id.
    async fn github_id(&self) -> BigInt {
        BigInt(self.0.github_id)
    }
    /// The GitHub username.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// The email address: visible to the user only (`FORBIDDEN` for anyone else).
    async fn email(&self, ctx: &Context<'_>) -> Option<Result<&str>> {
        if !access::is_user(access::viewer(ctx), &self.0.id) {
            return Some(Err(access::email_of_another().extend()));
        }
        Some(Ok(&self.0.email))
    }
    /// The GitHub avatar URL.
    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }
    /// When the account was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the account was last updated.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }

    /// The user's projects that the viewer may see (default order: newest first).
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward from the end or from `before`.")]
        last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only projects matching this filter.")] filter: Option<
            Box<OrquestraProjectFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            OrquestraProjectOrder,
        >,
    ) -> Result<Conn<OrquestraProject>> {
        let order = order_by.or(Some(OrquestraProjectOrder {
            field: OrquestraProjectOrderField::CreatedAt,
            direction: crate::order::OrderDirection::Desc,
        }));
        let req = list_request(
            filter.as_deref(),
            access::projects(access::viewer(ctx)),
            OrquestraProjectOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<OrquestraLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |p, l: &ListRef<_>| ProjectsOfUser(p.id.clone(), l.clone()),
            |p, c: &CountRef| ProjectCountOfUser(p.id.clone(), c.clone()),
        )
        .await
    }

    /// How many of the user's projects the viewer may see.
    async fn project_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let all = CountRef::new(access::projects(access::viewer(ctx)));
        let n = batch::value::<OrquestraLoader, _, _>(ctx, &self.0, "all", |u| {
            ProjectCountOfUser(u.id.clone(), all.clone())
        })
        .await?;
        Ok(int(n.unwrap_or(0)))
    }

    /// How many IDL versions the user's projects that the viewer may see hold together.
    async fn version_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let visible = CountRef::new(access::projects(access::viewer(ctx)));
        let n = batch::value::<OrquestraLoader, _, _>(ctx, &self.0, "", |u| {
            VersionCountOfUser(u.id.clone(), visible.clone())
        })
        .await?;
        Ok(int(n.unwrap_or(0)))
    }
}
