//! Orquestra API keys: creating and revoking a project's keys, and `X-API-Key`
//! authentication for a project.
//!
//! A key reads `oq_<key id>_<secret>`. The id finds the row; the secret's SHA-256 is
//! compared with the stored hash in constant time (so the lookup's timing says nothing
//! about the secret); expiry is enforced and `last_used` updated. Only the hash is
//! stored, never the key.

use chrono::{DateTime, Utc};
use entity::orquestra::{api_keys, projects};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::Expr,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{changes, new_id, owned_project, project_not_found, record};
use crate::error::{ApiError, ApiResult};
use crate::write::Store;

/// Prefix of every Orquestra API key.
pub const PREFIX: &str = "oq_";

/// The stored form of a key's secret: `sha256:<hex>`.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A new key for the row `id`: `(plaintext key, stored hash)`.
pub fn new_key(id: &str) -> ApiResult<(String, String)> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(ApiError::internal)?;
    let secret: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    Ok((format!("{PREFIX}{id}_{secret}"), hash_secret(&secret)))
}

/// Longest part of a key id shown in [`display_prefix`].
const PREFIX_ID_CHARS: usize = 12;

/// The non-secret start of the key of row `id`: `oq_<id>_`, or `oq_` and the first 12
/// characters of a longer id. Derived from the id alone: the secret is never stored.
pub fn display_prefix(id: &str) -> String {
    match id.char_indices().nth(PREFIX_ID_CHARS) {
        Some((cut, _)) => format!("{PREFIX}{}", &id[..cut]),
        None => format!("{PREFIX}{id}_"),
    }
}

fn invalid() -> ApiError {
    ApiError::Unauthenticated("the API key is not valid".into())
}

/// The project an API key authenticates, after checking hash and expiry; records the use.
pub async fn authenticate(db: &DatabaseConnection, presented: &str) -> ApiResult<String> {
    let rest = presented.trim().strip_prefix(PREFIX).ok_or_else(invalid)?;
    let (id, secret) = rest.rsplit_once('_').ok_or_else(invalid)?;
    if id.is_empty() || id.len() > 64 || secret.len() != 64 {
        return Err(invalid());
    }
    let row = api_keys::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let presented_hash = hash_secret(secret);
    if !bool::from(presented_hash.as_bytes().ct_eq(row.key.as_bytes())) {
        return Err(invalid());
    }
    if row.expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(ApiError::Unauthenticated("the API key has expired".into()));
    }
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsed, Expr::value(Utc::now()))
        .filter(api_keys::Column::Id.eq(row.id.clone()))
        .exec(db)
        .await?;
    Ok(row.project_id)
}

/// Creates an API key of a project of `user`: the row (holding the hash only) and the
/// plaintext key, which is never stored nor shown again.
pub async fn create_api_key(
    store: &Store,
    user: &str,
    project_id: &str,
    expires_at: Option<DateTime<Utc>>,
) -> ApiResult<(api_keys::Model, String)> {
    let (user, project_id) = (user.to_owned(), project_id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                owned_project(txn, &user, &project_id).await?;
                let id = new_id();
                let (plaintext, hash) = new_key(&id)?;
                let row = api_keys::Model {
                    id,
                    project_id,
                    key: hash,
                    last_used: None,
                    created_at: Some(Utc::now()),
                    expires_at,
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, &user, vec![changes::api_key_created(&row)]).await?;
                Ok((row, plaintext))
            })
        })
        .await
}

/// Revokes (deletes) an API key of a project of `user`; answers the key's project.
pub async fn revoke_api_key(
    store: &Store,
    user: &str,
    id: &str,
) -> ApiResult<(String, projects::Model)> {
    let (user, id) = (user.to_owned(), id.to_owned());
    store
        .transaction(|txn| {
            Box::pin(async move {
                let key = api_keys::Entity::find_by_id(id.clone())
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("API key".into()))?;
                let project = owned_project(txn, &user, &key.project_id).await?;
                api_keys::Entity::delete_by_id(id.clone()).exec(txn).await?;
                record(txn, &user, vec![changes::api_key_revoked(&key)]).await?;
                Ok((id, project))
            })
        })
        .await
}

/// Checks a presented API key (hash, expiry) and records its use: the project it
/// authenticates.
pub async fn verify_api_key(store: &Store, key: &str) -> ApiResult<projects::Model> {
    if key.len() > 256 {
        return Err(ApiError::bad_input("key", "key is too long"));
    }
    let project_id = authenticate(store.db(), key).await?;
    projects::Entity::find_by_id(project_id)
        .one(store.db())
        .await?
        .ok_or_else(project_not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_their_id_and_only_the_hash_is_kept() {
        let (key, hash) = new_key("k1").unwrap();
        let secret = key.strip_prefix("oq_k1_").unwrap();
        assert_eq!(secret.len(), 64);
        assert_eq!(hash, hash_secret(secret));
        assert!(!hash.contains(secret));
    }

    #[test]
    fn display_prefixes_start_the_key_and_stop_before_the_secret() {
        for id in [
            "k1",
            "123456789012",
            "0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d01-key",
        ] {
            let (key, _) = new_key(id).unwrap();
            let prefix = display_prefix(id);
            assert!(key.starts_with(&prefix), "{key} / {prefix}");
            assert!(prefix.len() <= PREFIX.len() + PREFIX_ID_CHARS + 1);
        }
        assert_eq!(display_prefix("k1"), "oq_k1_");
        assert_eq!(display_prefix("123456789012"), "oq_123456789012_");
        assert_eq!(
            display_prefix("0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d01-key"),
            "oq_0b7f6a52-5f0"
        );
    }
}
