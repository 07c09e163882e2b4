//! What Orquestra's writes append to its `change_log`, and what subscriptions follow
//! there: topics, kinds and the [`Change`] of each write.
//!
//! Every change's topic is the project it belongs to (`project:<id>`), except the
//! account's own (`user:<id>`); its subject is the changed row's key; its `data` holds
//! what a subscriber needs once the row may be gone. Kinds, by mutation:
//!
//! | mutation | kind | topic | subject | data |
//! |---|---|---|---|---|
//! | `orquestraCreateProject` | `project.created` | `project:<id>` | project id | `userId`, `programId`, `isPublic` |
//! | `orquestraUpdateProject` | `project.updated` | `project:<id>` | project id | `userId`, `fields` (the input fields given) |
//! | `orquestraDeleteProject` | `project.deleted` | `project:<id>` | project id | `userId`, `programId` |
//! | `orquestraUploadIdl` | `idl_version.created` | `project:<projectId>` | version id | `projectId`, `version` |
//! | `orquestraCreateApiKey` | `api_key.created` | `project:<projectId>` | key id | `projectId`, `expiresAt` |
//! | `orquestraRevokeApiKey` | `api_key.revoked` | `project:<projectId>` | key id | `projectId` |
//! | `orquestraUpsertProjectSocials` | `socials.updated` | `project:<projectId>` | socials row id | `projectId`, `created` |
//! | `orquestraCreateKnownAddress` | `address.created` | `project:<projectId>` | address id | `projectId`, `address` |
//! | `orquestraUpdateKnownAddress` | `address.updated` | `project:<projectId>` | address id | `projectId`, `address`, `fields` |
//! | `orquestraDeleteKnownAddress` | `address.deleted` | `project:<projectId>` | address id | `projectId`, `address` |
//! | `orquestraDeleteUser` | `project.deleted` per project, then `user.deleted` | `project:<id>`, `user:<id>` | project id, user id | `userId`, `programId` / — |
//!
//! What a deletion takes with it by cascade (a project's versions, keys, socials and
//! addresses) is implied by the parent's `*.deleted` and not logged row by row.
//! `orquestraVerifyApiKey` only stamps the key's `lastUsed` (bookkeeping, as every
//! request authenticated by a key does) and logs nothing.

use entity::orquestra::{api_keys, idl_versions, known_addresses, project_socials, projects};
use serde_json::json;

use crate::events::Change;

/// A project was created (topic: the project).
pub const PROJECT_CREATED: &str = "project.created";
/// A project was changed (topic: the project).
pub const PROJECT_UPDATED: &str = "project.updated";
/// A project was deleted, with all that hangs off it (topic: the project).
pub const PROJECT_DELETED: &str = "project.deleted";
/// An IDL version was uploaded (topic: its project).
pub const IDL_VERSION_CREATED: &str = "idl_version.created";
/// An API key was created (topic: its project).
pub const API_KEY_CREATED: &str = "api_key.created";
/// An API key was revoked (topic: its project).
pub const API_KEY_REVOKED: &str = "api_key.revoked";
/// A project's social links were set (topic: the project).
pub const SOCIALS_UPDATED: &str = "socials.updated";
/// A known address was added (topic: its project).
pub const ADDRESS_CREATED: &str = "address.created";
/// A known address was changed (topic: its project).
pub const ADDRESS_UPDATED: &str = "address.updated";
/// A known address was deleted (topic: its project).
pub const ADDRESS_DELETED: &str = "address.deleted";
/// An account was deleted, with its projects (topic: the user).
pub const USER_DELETED: &str = "user.deleted";

/// The topic of a project's changes.
pub fn project(id: &str) -> String {
    format!("project:{id}")
}

/// The topic of an account's changes.
pub fn user(id: &str) -> String {
    format!("user:{id}")
}

/// `p` was created.
pub fn project_created(p: &projects::Model) -> Change {
    Change::new(project(&p.id), PROJECT_CREATED, p.id.clone()).with(json!({
        "userId": p.user_id,
        "programId": p.program_id,
        "isPublic": p.is_public,
    }))
}

/// `p` was changed; `fields` names the input fields given.
pub fn project_updated(p: &projects::Model, fields: &[&str]) -> Change {
    Change::new(project(&p.id), PROJECT_UPDATED, p.id.clone())
        .with(json!({ "userId": p.user_id, "fields": fields }))
}

/// `p` was deleted.
pub fn project_deleted(p: &projects::Model) -> Change {
    Change::new(project(&p.id), PROJECT_DELETED, p.id.clone())
        .with(json!({ "userId": p.user_id, "programId": p.program_id }))
}

/// `v` was uploaded.
pub fn idl_version(v: &idl_versions::Model) -> Change {
    Change::new(project(&v.project_id), IDL_VERSION_CREATED, v.id.clone())
        .with(json!({ "projectId": v.project_id, "version": v.version }))
}

/// `k` was created (its hash is never logged).
pub fn api_key_created(k: &api_keys::Model) -> Change {
    Change::new(project(&k.project_id), API_KEY_CREATED, k.id.clone())
        .with(json!({ "projectId": k.project_id, "expiresAt": k.expires_at }))
}

/// `k` was revoked.
pub fn api_key_revoked(k: &api_keys::Model) -> Change {
    Change::new(project(&k.project_id), API_KEY_REVOKED, k.id.clone())
        .with(json!({ "projectId": k.project_id }))
}

/// `s` was set; `created` when the row is new.
pub fn socials_updated(s: &project_socials::Model, created: bool) -> Change {
    Change::new(project(&s.project_id), SOCIALS_UPDATED, s.id.clone())
        .with(json!({ "projectId": s.project_id, "created": created }))
}

/// `a` was added.
pub fn address_created(a: &known_addresses::Model) -> Change {
    Change::new(project(&a.project_id), ADDRESS_CREATED, a.id.clone())
        .with(json!({ "projectId": a.project_id, "address": a.address }))
}

/// `a` was changed; `fields` names the input fields given.
pub fn address_updated(a: &known_addresses::Model, fields: &[&str]) -> Change {
    Change::new(project(&a.project_id), ADDRESS_UPDATED, a.id.clone()).with(json!({
        "projectId": a.project_id,
        "address": a.address,
        "fields": fields,
    }))
}

/// `a` was deleted.
pub fn address_deleted(a: &known_addresses::Model) -> Change {
    Change::new(project(&a.project_id), ADDRESS_DELETED, a.id.clone())
        .with(json!({ "projectId": a.project_id, "address": a.address }))
}

/// The account `id` was deleted.
pub fn user_deleted(id: &str) -> Change {
    Change::new(user(id), USER_DELETED, id)
}
