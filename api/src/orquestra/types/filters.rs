//! Orquestra's table filters and orders. Secrets (API key hashes) are neither filters nor
//! orders.

use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};

use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::{filter_input, order_input};

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
