//! Orquestra's tests and their fixtures: users inserted through the entities, projects
//! made through the API, and the mutations the tests share.

mod access;
mod mutations;
mod queries;
mod storage;
mod subscriptions;

use chrono::Utc;
use entity::Domain;
use entity::orquestra::users;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, ok};

pub const PROG_A: &str = "So11111111111111111111111111111111111111112";

pub const PROG_B: &str = "Stake11111111111111111111111111111111111111";

pub const ADDR_A: &str = "Vote111111111111111111111111111111111111111";

/// Inserts the users `ids`.
pub async fn users(app: &TestApp, ids: &[&str]) {
    let db = app.db.get(Domain::Orquestra);
    for (n, id) in ids.iter().enumerate() {
        users::Model {
            id: (*id).to_owned(),
            github_id: n as i64 + 1,
            username: format!("user-{id}"),
            email: format!("{id}@example.com"),
            avatar_url: None,
            created_at: Some(Utc::now()),
            updated_at: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
}

/// Runs `query` with `vars`, as `user` (anonymous when `None`), optionally with an
/// `X-API-Key`.
pub async fn call(
    app: &TestApp,
    user: Option<&str>,
    api_key: Option<&str>,
    query: &str,
    vars: Value,
) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(u) = user {
        req = req.bearer_auth(app.token(Domain::Orquestra, u).await);
    }
    if let Some(k) = api_key {
        req = req.header("x-api-key", k);
    }
    req.send().await.unwrap().json().await.unwrap()
}

pub const CREATE: &str = "mutation($input: OrquestraCreateProjectInput!) {
    orquestraCreateProject(input: $input) {
        project { id userId name description programId isPublic customDocs }
    }
}";

pub const UPDATE: &str = "mutation($input: OrquestraUpdateProjectInput!) {
    orquestraUpdateProject(input: $input) {
        project { id name description programId isPublic customDocs }
    }
}";

pub const DELETE: &str = "mutation($id: ID!) { orquestraDeleteProject(id: $id) { deletedId } }";

pub const CREATE_KEY: &str = "mutation($input: OrquestraCreateApiKeyInput!) {
    orquestraCreateApiKey(input: $input) {
        apiKey { id prefix projectId expiresAt lastUsed }
        key
    }
}";

pub const REVOKE_KEY: &str =
    "mutation($id: ID!) { orquestraRevokeApiKey(id: $id) { deletedId project { id } } }";

pub const VERIFY_KEY: &str = "mutation($key: String!) {
    orquestraVerifyApiKey(key: $key) { projectId project { name } }
}";

pub const SOCIALS: &str = "mutation($input: OrquestraUpsertProjectSocialsInput!) {
    orquestraUpsertProjectSocials(input: $input) {
        socials { projectId twitter discord telegram github website }
    }
}";

pub const CREATE_ADDR: &str = "mutation($input: OrquestraCreateKnownAddressInput!) {
    orquestraCreateKnownAddress(input: $input) {
        knownAddress { id projectId label address description }
    }
}";

pub const UPDATE_ADDR: &str = "mutation($input: OrquestraUpdateKnownAddressInput!) {
    orquestraUpdateKnownAddress(input: $input) {
        knownAddress { id label address description }
    }
}";

pub const DELETE_ADDR: &str =
    "mutation($id: ID!) { orquestraDeleteKnownAddress(id: $id) { deletedId project { id } } }";

pub const DELETE_USER: &str = "mutation { orquestraDeleteUser { deletedId } }";

/// Creates a project of `user` for `program` and returns its id.
pub async fn project(app: &TestApp, user: &str, program: &str, public: bool) -> String {
    let res = call(
        app,
        Some(user),
        None,
        CREATE,
        json!({ "input": { "name": format!("P {program}"), "programId": program, "isPublic": public } }),
    )
    .await;
    ok(&res)["orquestraCreateProject"]["project"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The smallest Anchor IDL: a (legacy) program name and no instructions.
pub fn idl(name: &str) -> Value {
    json!({ "name": name, "instructions": [] })
}
