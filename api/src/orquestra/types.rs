//! Orquestra's GraphQL types, filters and orders. Secrets (API key hashes) are not fields,
//! filters or orders; what a viewer may read is decided in [`super::access`].

use crate::error::ResultExt;
use async_graphql::ErrorExtensions;
use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::Condition;

use super::access;
use super::loaders::{
    AddressCountOfProject, AddressesOfProject, ApiKeyCountOfProject, ApiKeysOfProject,
    LatestIdlOfProject, OrquestraLoader, ProjectCountOfUser, ProjectId, ProjectsOfUser,
    SocialsOfProject, UserId, VersionCountOfProject, VersionCountOfUser, VersionsOfProject,
};
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::loader::CountRef;
use crate::loader::ListRef;
use crate::pagination::PageArgs;
use crate::scalars::{BigInt, int};
use crate::{filter_input, order_input};

type Result<T> = async_graphql::Result<T>;

// ----------------------------------------------------------------------------- filters

filter_input! {
    /// Filters Orquestra users. There is no email filter: it would reveal other users'
    /// addresses, which only their user may read.
    pub struct OrquestraUserFilter for users::Column {
        /// The user id.
        id: StringFilter => Id,
        /// The GitHub user id.
        github_id: BigIntFilter => GithubId,
        /// The GitHub username.
        username: StringFilter => Username,
        /// The avatar URL.
        avatar_url: StringFilter => AvatarUrl,
        /// When the account was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the account was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Orquestra projects.
    pub struct OrquestraProjectFilter for projects::Column {
        /// The project id.
        id: StringFilter => Id,
        /// The owner's id.
        user_id: StringFilter => UserId,
        /// The display name.
        name: StringFilter => Name,
        /// The description.
        description: StringFilter => Description,
        /// The Solana program address.
        program_id: StringFilter => ProgramId,
        /// Public or private.
        is_public: BooleanFilter => IsPublic,
        /// When the project was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the project was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters IDL versions.
    pub struct OrquestraIdlVersionFilter for idl_versions::Column {
        /// The version's id.
        id: StringFilter => Id,
        /// The project's id.
        project_id: StringFilter => ProjectId,
        /// The version number.
        version: IntFilter => Version,
        /// When the version was uploaded.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters API keys.
    pub struct OrquestraApiKeyFilter for api_keys::Column {
        /// The key's id.
        id: StringFilter => Id,
        /// The project's id.
        project_id: StringFilter => ProjectId,
        /// When the key was last used.
        last_used: DateTimeFilter => LastUsed,
        /// When the key was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the key expires.
        expires_at: DateTimeFilter => ExpiresAt,
    }
}

filter_input! {
    /// Filters project social links.
    pub struct OrquestraProjectSocialsFilter for project_socials::Column {
        /// The row's id.
        id: StringFilter => Id,
        /// The project's id.
        project_id: StringFilter => ProjectId,
        /// Twitter/X URL.
        twitter: StringFilter => Twitter,
        /// Discord invite.
        discord: StringFilter => Discord,
        /// Telegram link.
        telegram: StringFilter => Telegram,
        /// GitHub URL.
        github: StringFilter => Github,
        /// Website URL.
        website: StringFilter => Website,
        /// When the row was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters known addresses.
    pub struct OrquestraKnownAddressFilter for known_addresses::Column {
        /// The row's id.
        id: StringFilter => Id,
        /// The project's id.
        project_id: StringFilter => ProjectId,
        /// The label.
        label: StringFilter => Label,
        /// The Solana address.
        address: StringFilter => Address,
        /// The description.
        description: StringFilter => Description,
        /// When the row was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders Orquestra users.
    pub struct OrquestraUserOrder;
    /// Sortable columns of Orquestra users.
    pub enum OrquestraUserOrderField for users in "orquestra.users", tie-break [Id] {
        /// GitHub user id.
        GithubId => GithubId (false),
        /// GitHub username.
        Username => Username (false),
        /// Creation time.
        CreatedAt => CreatedAt (true),
    }
}

order_input! {
    /// Orders Orquestra projects.
    pub struct OrquestraProjectOrder;
    /// Sortable columns of Orquestra projects.
    pub enum OrquestraProjectOrderField for projects in "orquestra.projects", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (true),
        /// Solana program address.
        ProgramId => ProgramId (false),
        /// Display name.
        Name => Name (false),
    }
}

order_input! {
    /// Orders IDL versions.
    pub struct OrquestraIdlVersionOrder;
    /// Sortable columns of IDL versions.
    pub enum OrquestraIdlVersionOrderField for idl_versions in "orquestra.idl_versions", tie-break [Id] {
        /// Version number.
        Version => Version (false),
        /// Upload time.
        CreatedAt => CreatedAt (true),
    }
}

order_input! {
    /// Orders API keys.
    pub struct OrquestraApiKeyOrder;
    /// Sortable columns of API keys.
    pub enum OrquestraApiKeyOrderField for api_keys in "orquestra.api_keys", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (true),
        /// Expiry time.
        ExpiresAt => ExpiresAt (true),
    }
}

order_input! {
    /// Orders project social links.
    pub struct OrquestraProjectSocialsOrder;
    /// Sortable columns of project social links.
    pub enum OrquestraProjectSocialsOrderField for project_socials in "orquestra.project_socials", tie-break [Id] {
        /// The project's id.
        ProjectId => ProjectId (false),
        /// Creation time.
        CreatedAt => CreatedAt (true),
    }
}

order_input! {
    /// Orders known addresses.
    pub struct OrquestraKnownAddressOrder;
    /// Sortable columns of known addresses.
    pub enum OrquestraKnownAddressOrderField for known_addresses in "orquestra.known_addresses", tie-break [Id] {
        /// The label.
        Label => Label (false),
        /// Creation time.
        CreatedAt => CreatedAt (true),
    }
}

// ------------------------------------------------------------------------------- types

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
            OrquestraProjectFilter,
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
            filter.as_ref(),
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
            OrquestraIdlVersionFilter,
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
            filter.as_ref(),
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
        #[graphql(desc = "Only keys matching this filter.")] filter: Option<OrquestraApiKeyFilter>,
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
                filter.as_ref(),
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
            OrquestraKnownAddressFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            OrquestraKnownAddressOrder,
        >,
    ) -> Result<Conn<OrquestraKnownAddress>> {
        let req = list_request(
            filter.as_ref(),
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

/// One uploaded version of a project's IDL.
pub struct OrquestraIdlVersion(pub Node<idl_versions::Model>);

impl From<Node<idl_versions::Model>> for OrquestraIdlVersion {
    fn from(m: Node<idl_versions::Model>) -> Self {
        Self(m)
    }
}

/// One uploaded version of a project's IDL.
#[Object]
impl OrquestraIdlVersion {
    /// The version's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// The IDL document exactly as uploaded.
    async fn idl_json(&self) -> &str {
        &self.0.idl_json
    }
    /// The IDL document parsed as JSON (null if the stored text is not JSON).
    async fn idl(&self) -> Option<Json<serde_json::Value>> {
        serde_json::from_str(&self.0.idl_json).ok().map(Json)
    }
    /// Generated CPI documentation (Markdown).
    async fn cpi_md(&self) -> Option<&str> {
        self.0.cpi_md.as_deref()
    }
    /// The version number: 1, 2, 3, ... per project.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the version was uploaded.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}

/// An API key of a project. Only metadata: the key (and its hash) is never readable.
pub struct OrquestraApiKey(pub Node<api_keys::Model>);

impl From<Node<api_keys::Model>> for OrquestraApiKey {
    fn from(m: Node<api_keys::Model>) -> Self {
        Self(m)
    }
}

/// An API key of a project. Only metadata: the key (and its hash) is never readable.
#[Object]
impl OrquestraApiKey {
    /// The key's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// How the key starts: `oq_<key id>_`, cut after 12 characters of a longer id. Not a
    /// secret (the secret part follows it), it tells keys apart.
    async fn prefix(&self) -> String {
        super::api_keys::display_prefix(&self.0.id)
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// When the key was last used.
    async fn last_used(&self) -> Option<DateTime<Utc>> {
        self.0.last_used
    }
    /// When the key was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the key expires (never when null).
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}

/// A project's social links (one set per project).
pub struct OrquestraProjectSocials(pub Node<project_socials::Model>);

impl From<Node<project_socials::Model>> for OrquestraProjectSocials {
    fn from(m: Node<project_socials::Model>) -> Self {
        Self(m)
    }
}

/// A project's social links (one set per project).
#[Object]
impl OrquestraProjectSocials {
    /// The row's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// Twitter/X profile URL.
    async fn twitter(&self) -> Option<&str> {
        self.0.twitter.as_deref()
    }
    /// Discord server invite.
    async fn discord(&self) -> Option<&str> {
        self.0.discord.as_deref()
    }
    /// Telegram group or channel.
    async fn telegram(&self) -> Option<&str> {
        self.0.telegram.as_deref()
    }
    /// GitHub repository URL.
    async fn github(&self) -> Option<&str> {
        self.0.github.as_deref()
    }
    /// Project website URL.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// When the links were first set.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the links were last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}

/// A labelled Solana address of a project (a treasury, an authority, ...).
pub struct OrquestraKnownAddress(pub Node<known_addresses::Model>);

impl From<Node<known_addresses::Model>> for OrquestraKnownAddress {
    fn from(m: Node<known_addresses::Model>) -> Self {
        Self(m)
    }
}

/// A labelled Solana address of a project (a treasury, an authority, ...).
#[Object]
impl OrquestraKnownAddress {
    /// The row's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The project's id.
    async fn project_id(&self) -> ID {
        ID(self.0.project_id.clone())
    }
    /// Human-readable label, e.g. "Treasury".
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The Solana public key.
    async fn address(&self) -> &str {
        &self.0.address
    }
    /// What the address is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When the row was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.created_at
    }
    /// When the row was last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// The project (`FORBIDDEN` if the viewer may not see it).
    async fn project(&self, ctx: &Context<'_>) -> Option<Result<OrquestraProject>> {
        async {
            let n = batch::one::<OrquestraLoader, _, _, _>(ctx, &self.0, |m| {
                ProjectId(m.project_id.clone())
            })
            .await?;
            visible_project(ctx, n)
        }
        .await
        .transpose()
    }
}

/// A project reached through a relation, if the viewer may see it (else `FORBIDDEN`).
fn visible_project(
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
