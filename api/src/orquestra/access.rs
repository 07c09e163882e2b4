//! Orquestra's access rules, in one place.
//!
//! - A project is visible when it is public (`is_public` true, or unset: the seed's
//!   default is `TRUE`), to its owner (`viewer.subject(Orquestra) == project.user_id`) and
//!   to a request carrying a valid `X-API-Key` of that project. Its IDL versions, social
//!   links and known addresses are visible exactly when it is.
//! - API key rows (credential metadata) are visible to the project's owner only, even for
//!   public projects; an `X-API-Key` does not show them.
//! - A user's email address is visible to that user only.
//!
//! Lists take the conditions below (SQL, so pages and counts stay exact and nothing hidden
//! is fetched); a direct lookup of something hidden answers `FORBIDDEN` with the message
//! of the matching error function.
//!
//! Writes: only a project's owner changes it or what hangs off it
//! ([`may_change_project`]).

use async_graphql::Context;
use entity::Domain;
use entity::orquestra::projects;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Viewer;
use crate::error::ApiError;

static ANONYMOUS: Viewer = Viewer {
    principal: None,
    api_key_project: None,
    inactive: None,
};

/// The request's viewer (anonymous when none was attached).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

/// The signed-in Orquestra user, if any.
fn user(viewer: &Viewer) -> Option<&str> {
    viewer.subject(Domain::Orquestra)
}

/// A condition no row satisfies.
fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// Whether the viewer is the user `user_id`.
pub fn is_user(viewer: &Viewer, user_id: &str) -> bool {
    user(viewer) == Some(user_id)
}

/// Whether the viewer owns `project`.
pub fn owns_project(viewer: &Viewer, project: &projects::Model) -> bool {
    is_user(viewer, &project.user_id)
}

/// Whether the viewer may see `project` (and its versions, socials and addresses).
pub fn sees_project(viewer: &Viewer, project: &projects::Model) -> bool {
    project.is_public != Some(false)
        || owns_project(viewer, project)
        || viewer.api_key_project.as_deref() == Some(project.id.as_str())
}

fn public_any() -> Condition {
    Condition::any()
        .add(projects::Column::IsPublic.eq(true))
        .add(projects::Column::IsPublic.is_null())
}

/// Public projects: `is_public` true or unset. (Conditions handed out are conjunctions,
/// so that the client's filter added to them narrows them.)
pub fn public_projects() -> Condition {
    Condition::all().add(public_any())
}

/// The projects the viewer may see, as a condition on `projects`.
pub fn projects(viewer: &Viewer) -> Condition {
    let mut any = public_any();
    if let Some(u) = user(viewer) {
        any = any.add(projects::Column::UserId.eq(u));
    }
    if let Some(p) = &viewer.api_key_project {
        any = any.add(projects::Column::Id.eq(p.clone()));
    }
    Condition::all().add(any)
}

/// The projects the viewer owns, as a condition on `projects`.
fn owned_projects(viewer: &Viewer) -> Condition {
    match user(viewer) {
        Some(u) => Condition::all().add(projects::Column::UserId.eq(u)),
        None => nothing(),
    }
}

/// `column IN (SELECT id FROM projects WHERE cond)`.
fn project_in(column: impl ColumnTrait, cond: Condition) -> Condition {
    let ids = Query::select()
        .column((projects::Entity, projects::Column::Id))
        .from(projects::Entity)
        .cond_where(cond)
        .to_owned();
    Condition::all().add(column.in_subquery(ids))
}

/// Rows whose project (`column` holds its id) the viewer may see: versions, socials,
/// known addresses.
pub fn of_visible_project(viewer: &Viewer, column: impl ColumnTrait) -> Condition {
    project_in(column, projects(viewer))
}

/// Rows whose project (`column` holds its id) the viewer owns: API keys.
pub fn of_owned_project(viewer: &Viewer, column: impl ColumnTrait) -> Condition {
    match user(viewer) {
        Some(_) => project_in(column, owned_projects(viewer)),
        None => nothing(),
    }
}

/// Reading a private project (or what hangs off it) without being allowed to.
pub fn private_project() -> ApiError {
    ApiError::Forbidden("this project is private".into())
}

/// `FORBIDDEN` unless the user `user` owns `project`: only a project's owner writes to
/// it (for a private project of someone else, the message of [`private_project`]).
pub fn may_change_project(user: &str, project: &projects::Model) -> Result<(), ApiError> {
    if project.user_id != user {
        if project.is_public == Some(false) {
            return Err(private_project());
        }
        return Err(ApiError::Forbidden(
            "only the project's owner may change it".into(),
        ));
    }
    Ok(())
}

/// Reading API keys without owning their project.
pub fn keys_of_others() -> ApiError {
    ApiError::Forbidden("API keys are visible only to their project's owner".into())
}

/// Reading another user's email address.
pub fn email_of_another() -> ApiError {
    ApiError::Forbidden("an email address is visible only to its user".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(user_id: &str, public: Option<bool>) -> projects::Model {
        projects::Model {
            id: "p1".into(),
            user_id: user_id.into(),
            name: "P".into(),
            description: None,
            program_id: "Prog".into(),
            is_public: public,
            custom_docs: None,
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn private_projects_show_to_their_owner_and_their_api_key_only() {
        let anon = Viewer::anonymous();
        let owner = Viewer {
            principal: Some((Domain::Orquestra, "u1".into())),
            api_key_project: None,
            inactive: None,
        };
        let other = Viewer {
            principal: Some((Domain::Orquestra, "u2".into())),
            api_key_project: None,
            inactive: None,
        };
        let key = Viewer {
            principal: None,
            api_key_project: Some("p1".into()),
            inactive: None,
        };
        // A PDS session with the same subject is not the Orquestra user.
        let foreign = Viewer {
            principal: Some((Domain::Pds, "u1".into())),
            api_key_project: None,
            inactive: None,
        };
        let private = project("u1", Some(false));
        assert!(sees_project(&owner, &private));
        assert!(sees_project(&key, &private));
        for v in [&anon, &other, &foreign] {
            assert!(!sees_project(v, &private), "{v:?}");
        }
        for public in [Some(true), None] {
            assert!(sees_project(&anon, &project("u1", public)));
        }
        assert!(owns_project(&owner, &private));
        assert!(!owns_project(&key, &private));
    }
}
