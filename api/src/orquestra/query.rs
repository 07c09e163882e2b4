//! Orquestra's root query fields. Lists hold only what the viewer may see; a lookup of
//! something hidden answers `FORBIDDEN` (see [`super::access`]).

use async_graphql::{Context, ErrorExtensions, ID, MergedObject, Object};
use entity::orquestra::{api_keys, idl_versions, known_addresses, project_socials, users};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::access;
use super::loaders::{OrquestraLoader, ProjectId, SocialsOfProject, UserId};
use super::types::*;
use crate::batch::Node;
use crate::connection::Conn;
use crate::context::{databases, list_request, loader, root_connection};
use crate::error::{ApiError, ResultExt};
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::projection::Columns;
use crate::root_list;
use crate::scalars::BigInt;

type Result<T> = async_graphql::Result<T>;

/// Exactly one of the lookup arguments must be given.
pub(crate) fn exactly_one(given: &[(&str, bool)]) -> std::result::Result<(), ApiError> {
    let n = given.iter().filter(|(_, g)| *g).count();
    if n == 1 {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    Err(ApiError::bad_input(
        names.join("|"),
        format!("give exactly one of: {}", names.join(", ")),
    ))
}

/// What a lookup needs of the project a row belongs to.
#[derive(Clone, Copy)]
enum Need {
    /// That the viewer may see it.
    See,
    /// That the viewer owns it (API keys).
    Own,
}

/// `row` if the viewer may read it, judged by its project (`project_of`); `FORBIDDEN`
/// otherwise. A row without a project (impossible with the foreign keys) reads as none.
async fn guarded<T>(
    ctx: &Context<'_>,
    row: Option<T>,
    project_of: impl Fn(&T) -> String,
    need: Need,
) -> Result<Option<T>> {
    let Some(row) = row else {
        return Ok(None);
    };
    let project = loader::<OrquestraLoader>(ctx)?
        .load_one(ProjectId(project_of(&row)))
        .await
        .extend()?;
    let Some(project) = project else {
        return Ok(None);
    };
    let viewer = access::viewer(ctx);
    match need {
        Need::See if !access::sees_project(viewer, &project) => {
            Err(access::private_project().extend())
        }
        Need::Own if !access::owns_project(viewer, &project) => {
            Err(access::keys_of_others().extend())
        }
        _ => Ok(Some(row)),
    }
}

/// Orquestra's part of the root query.
#[derive(MergedObject, Default)]
pub struct OrquestraQuery(OrquestraLookups, OrquestraLists);

/// Orquestra's plural root connections.
#[derive(MergedObject, Default)]
pub struct OrquestraLists(
    OrquestraUsersList,
    OrquestraProjectsList,
    OrquestraIdlVersionsList,
    OrquestraApiKeysList,
    OrquestraAllProjectSocialsList,
    OrquestraKnownAddressesList,
);

/// Orquestra's single-object lookups and other root fields.
#[derive(Default)]
pub struct OrquestraLookups;

#[Object]
impl OrquestraLookups {
    /// One user, by exactly one of `id`, `username` or `githubId`; null if none matches.
    async fn orquestra_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: Option<ID>,
        #[graphql(desc = "The GitHub username.")] username: Option<String>,
        #[graphql(desc = "The GitHub user id.")] github_id: Option<BigInt>,
    ) -> Result<Option<OrquestraUser>> {
        exactly_one(&[
            ("id", id.is_some()),
            ("username", username.is_some()),
            ("githubId", github_id.is_some()),
        ])
        .extend()?;
        if let Some(id) = id {
            let m = loader::<OrquestraLoader>(ctx)?
                .load_one(UserId(id.0))
                .await
                .extend()?;
            return Ok(m.map(|m| OrquestraUser(Node::single(m))));
        }
        let db = databases(ctx)?.orquestra();
        let cond = match (username, github_id) {
            (Some(u), _) => users::Column::Username.eq(u),
            (_, Some(g)) => users::Column::GithubId.eq(g.0),
            _ => return Ok(None),
        };
        let m = Columns::<users::Entity>::of_object(ctx)
            .select(users::Entity::find())
            .filter(cond)
            .one(db)
            .await
            .extend()?;
        Ok(m.map(|m| OrquestraUser(Node::single(m))))
    }

    /// One project by id; null if none matches, `FORBIDDEN` if it is private and the
    /// viewer is neither its owner nor holding one of its API keys.
    async fn orquestra_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] id: ID,
    ) -> Option<Result<OrquestraProject>> {
        async {
            let m = loader::<OrquestraLoader>(ctx)?
                .load_one(ProjectId(id.0))
                .await
                .extend()?;
            match m {
                Some(p) if !access::sees_project(access::viewer(ctx), &p) => {
                    Err(access::private_project().extend())
                }
                m => Ok(m.map(|m| OrquestraProject(Node::single(m)))),
            }
        }
        .await
        .transpose()
    }

    /// Public projects, newest first: the seed's project directory (the viewer's own
    /// private projects are not in it). Each project's
    /// `versionCount` and `user { username avatarUrl }` are batched (no N+1).
    async fn orquestra_public_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only projects matching this filter.")] filter: Option<
            Box<OrquestraProjectFilter>,
        >,
        #[graphql(desc = "Sort order (default: newest first).")] order_by: Option<
            OrquestraProjectOrder,
        >,
    ) -> Result<Conn<OrquestraProject>> {
        let order = order_by.or(Some(OrquestraProjectOrder {
            field: OrquestraProjectOrderField::CreatedAt,
            direction: OrderDirection::Desc,
        }));
        let req = list_request(
            filter.as_deref(),
            access::public_projects(),
            OrquestraProjectOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        root_connection(ctx, databases(ctx)?.orquestra(), req).await
    }

    /// One IDL version by id; null if none matches, `FORBIDDEN` if its project is
    /// private to the viewer.
    async fn orquestra_idl_version(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version's id.")] id: ID,
    ) -> Option<Result<OrquestraIdlVersion>> {
        async {
            let db = databases(ctx)?.orquestra();
            let columns = Columns::<idl_versions::Entity>::of_object(ctx);
            let m = columns
                .select(idl_versions::Entity::find_by_id(id.0))
                .one(db)
                .await
                .extend()?;
            let m = guarded(ctx, m, |v| v.project_id.clone(), Need::See).await?;
            Ok(m.map(|m| OrquestraIdlVersion(Node::single(m))))
        }
        .await
        .transpose()
    }

    /// One API key's metadata by id; null if none matches, `FORBIDDEN` unless the
    /// viewer owns its project.
    async fn orquestra_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's id.")] id: ID,
    ) -> Option<Result<OrquestraApiKey>> {
        async {
            let db = databases(ctx)?.orquestra();
            let m = api_keys::Entity::find_by_id(id.0).one(db).await.extend()?;
            let m = guarded(ctx, m, |k| k.project_id.clone(), Need::Own).await?;
            Ok(m.map(|m| OrquestraApiKey(Node::single(m))))
        }
        .await
        .transpose()
    }

    /// One project's social links, by exactly one of `id` or `projectId`; null if none
    /// match, `FORBIDDEN` if the project is private to the viewer.
    async fn orquestra_project_socials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The row's id.")] id: Option<ID>,
        #[graphql(desc = "The project's id.")] project_id: Option<ID>,
    ) -> Option<Result<OrquestraProjectSocials>> {
        async {
            exactly_one(&[("id", id.is_some()), ("projectId", project_id.is_some())]).extend()?;
            if let Some(p) = project_id {
                let m = loader::<OrquestraLoader>(ctx)?
                    .load_one(SocialsOfProject(p.0))
                    .await
                    .extend()?;
                let m = guarded(ctx, m, |s| s.project_id.clone(), Need::See).await?;
                return Ok(m.map(|m| OrquestraProjectSocials(Node::single(m))));
            }
            let db = databases(ctx)?.orquestra();
            let m = project_socials::Entity::find_by_id(id.map(|i| i.0).unwrap_or_default())
                .one(db)
                .await
                .extend()?;
            let m = guarded(ctx, m, |s| s.project_id.clone(), Need::See).await?;
            Ok(m.map(|m| OrquestraProjectSocials(Node::single(m))))
        }
        .await
        .transpose()
    }

    /// One known address by id; null if none matches, `FORBIDDEN` if its project is
    /// private to the viewer.
    async fn orquestra_known_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The row's id.")] id: ID,
    ) -> Option<Result<OrquestraKnownAddress>> {
        async {
            let db = databases(ctx)?.orquestra();
            let m = known_addresses::Entity::find_by_id(id.0)
                .one(db)
                .await
                .extend()?;
            let m = guarded(ctx, m, |a| a.project_id.clone(), Need::See).await?;
            Ok(m.map(|m| OrquestraKnownAddress(Node::single(m))))
        }
        .await
        .transpose()
    }
}

root_list! {
    /// All users.
    OrquestraUsersList.orquestra_users -> OrquestraUser,
    db: orquestra,
    filter: OrquestraUserFilter => "Only users matching this filter.",
    order: OrquestraUserOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All projects the viewer may see: public ones, the viewer's own, and the project
    /// of the request's `X-API-Key`.
    OrquestraProjectsList.orquestra_projects -> OrquestraProject,
    db: orquestra,
    filter: OrquestraProjectFilter => "Only projects matching this filter.",
    order: OrquestraProjectOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| access::projects(access::viewer(ctx)),
}

root_list! {
    /// The IDL versions of every project the viewer may see.
    OrquestraIdlVersionsList.orquestra_idl_versions -> OrquestraIdlVersion,
    db: orquestra,
    filter: OrquestraIdlVersionFilter => "Only versions matching this filter.",
    order: OrquestraIdlVersionOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| access::of_visible_project(access::viewer(ctx), idl_versions::Column::ProjectId),
}

root_list! {
    /// The API keys (metadata only) of the viewer's own projects; empty when anonymous.
    OrquestraApiKeysList.orquestra_api_keys -> OrquestraApiKey,
    db: orquestra,
    filter: OrquestraApiKeyFilter => "Only keys matching this filter.",
    order: OrquestraApiKeyOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| access::of_owned_project(access::viewer(ctx), api_keys::Column::ProjectId),
}

root_list! {
    /// The social links of every project the viewer may see.
    OrquestraAllProjectSocialsList.orquestra_all_project_socials -> OrquestraProjectSocials,
    db: orquestra,
    filter: OrquestraProjectSocialsFilter => "Only rows matching this filter.",
    order: OrquestraProjectSocialsOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| access::of_visible_project(access::viewer(ctx), project_socials::Column::ProjectId),
}

root_list! {
    /// The known addresses of every project the viewer may see.
    OrquestraKnownAddressesList.orquestra_known_addresses -> OrquestraKnownAddress,
    db: orquestra,
    filter: OrquestraKnownAddressFilter => "Only addresses matching this filter.",
    order: OrquestraKnownAddressOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| access::of_visible_project(access::viewer(ctx), known_addresses::Column::ProjectId),
}
