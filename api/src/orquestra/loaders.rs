//! Orquestra's request-scoped loaders: one typed key per relation.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::orquestra::{
    api_keys, idl_versions, known_addresses, project_socials, projects, users,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

use crate::error::ApiError;
use crate::filter::FilterIfAny;
use crate::loader::{CountRef, ListRef};
use crate::pagination::{Key, Ordering, PageArgs, SortKey};
use crate::projection::{Placeholder, Projected, Wide};
use crate::{by_key, count_key, page_key};

/// Loads Orquestra rows in batches, for one request.
pub struct OrquestraLoader {
    db: DatabaseConnection,
}

impl OrquestraLoader {
    /// A loader over Orquestra's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

by_key!(
    /// A user by id.
    OrquestraLoader: UserId(String) => users.Id
);
by_key!(
    /// A project by id.
    OrquestraLoader: ProjectId(String) => projects.Id
);
by_key!(
    /// The social links of a project (one row per project).
    OrquestraLoader: SocialsOfProject(String) => project_socials.ProjectId
);
page_key!(
    /// A page of a user's projects.
    OrquestraLoader: ProjectsOfUser(String) => projects.UserId
);
count_key!(
    /// How many projects a user has (under a filter).
    OrquestraLoader: ProjectCountOfUser(String) => projects.UserId
);
page_key!(
    /// A page of a project's IDL versions.
    OrquestraLoader: VersionsOfProject(String) => idl_versions.ProjectId
);
count_key!(
    /// How many IDL versions a project has (under a filter).
    OrquestraLoader: VersionCountOfProject(String) => idl_versions.ProjectId
);
page_key!(
    /// A page of a project's API keys.
    OrquestraLoader: ApiKeysOfProject(String) => api_keys.ProjectId
);
count_key!(
    /// How many API keys a project has (under a filter).
    OrquestraLoader: ApiKeyCountOfProject(String) => api_keys.ProjectId
);
page_key!(
    /// A page of a project's known addresses.
    OrquestraLoader: AddressesOfProject(String) => known_addresses.ProjectId
);
count_key!(
    /// How many known addresses a project has (under a filter).
    OrquestraLoader: AddressCountOfProject(String) => known_addresses.ProjectId
);

/// The newest IDL version (highest `version`) of a project.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LatestIdlOfProject(pub String);

impl Loader<LatestIdlOfProject> for OrquestraLoader {
    type Value = idl_versions::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[LatestIdlOfProject],
    ) -> Result<HashMap<LatestIdlOfProject, Self::Value>, Self::Error> {
        // A one-row page per project, newest version first: one windowed statement.
        let ordering = Ordering::with_tie_break(
            "orquestra.latest_idl",
            vec![SortKey {
                column: idl_versions::Column::Version,
                descending: true,
                nullable: false,
            }],
            &[idl_versions::Column::Id],
            true,
        );
        let page = PageArgs::new(Some(1), None, None, None).resolve(&ordering)?;
        let list = ListRef::new(sea_orm::Condition::all(), ordering, page);
        let pairs: Vec<(String, ListRef<idl_versions::Entity>)> =
            keys.iter().map(|k| (k.0.clone(), list.clone())).collect();
        let pages = crate::loader::pages_by_parent(
            &self.db,
            idl_versions::Column::ProjectId,
            &pairs,
            |(id, l)| (Key::Str(id.clone()), l),
        )
        .await?;
        Ok(pages
            .into_iter()
            .filter_map(|((id, _), mut page)| {
                page.edges.pop().map(|(_, m)| (LatestIdlOfProject(id), m))
            })
            .collect())
    }
}

/// How many IDL versions all of a user's projects hold together, counting only the
/// projects matching the condition (a condition on `projects`: the viewer's access rule).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VersionCountOfUser(pub String, pub CountRef);

impl Loader<VersionCountOfUser> for OrquestraLoader {
    type Value = u64;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[VersionCountOfUser],
    ) -> Result<HashMap<VersionCountOfUser, Self::Value>, Self::Error> {
        let mut groups: HashMap<&CountRef, Vec<&VersionCountOfUser>> = HashMap::new();
        for k in keys {
            groups.entry(&k.1).or_default().push(k);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (projects_cond, members) in groups {
            let ids: Vec<String> = members.iter().map(|k| k.0.clone()).collect();
            let rows: Vec<(String, i64)> = idl_versions::Entity::find()
                .select_only()
                .join(JoinType::InnerJoin, idl_versions::Relation::Projects.def())
                .column_as(
                    Expr::col((projects::Entity, projects::Column::UserId)),
                    "user_id",
                )
                .column_as(
                    Expr::col((idl_versions::Entity, idl_versions::Column::Id)).count(),
                    "n",
                )
                .filter(projects::Column::UserId.is_in(ids))
                .filter_if_any(projects_cond.condition().clone())
                .group_by(Expr::col((projects::Entity, projects::Column::UserId)))
                .into_tuple()
                .all(&self.db)
                .await?;
            let counts: HashMap<String, u64> = rows
                .into_iter()
                .map(|(u, n)| (u, Ord::max(n, 0) as u64))
                .collect();
            for k in members {
                out.insert(k.clone(), counts.get(&k.0).copied().unwrap_or(0));
            }
        }
        Ok(out)
    }
}

impl Projected for idl_versions::Entity {
    const WIDE: &'static [Wide<Self>] = &[
        Wide {
            column: idl_versions::Column::IdlJson,
            fields: &["idlJson", "idl"],
            placeholder: Placeholder::Text,
        },
        Wide {
            column: idl_versions::Column::CpiMd,
            fields: &["cpiMd"],
            placeholder: Placeholder::NullText,
        },
    ];
}

/// A user's text columns are read only when shown: a list of users for their projects
/// (the nested query) reads ids and names.
impl Projected for users::Entity {
    const WIDE: &'static [Wide<Self>] = &[
        Wide {
            column: users::Column::Email,
            fields: &["email"],
            placeholder: Placeholder::Text,
        },
        Wide {
            column: users::Column::AvatarUrl,
            fields: &["avatarUrl"],
            placeholder: Placeholder::NullText,
        },
    ];
}

/// A project's free texts are read only when shown.
impl Projected for projects::Entity {
    const WIDE: &'static [Wide<Self>] = &[
        Wide {
            column: projects::Column::Description,
            fields: &["description"],
            placeholder: Placeholder::NullText,
        },
        Wide {
            column: projects::Column::CustomDocs,
            fields: &["customDocs"],
            placeholder: Placeholder::NullText,
        },
    ];
}

crate::narrow!(
    api_keys::Entity,
    project_socials::Entity,
    known_addresses::Entity,
);
