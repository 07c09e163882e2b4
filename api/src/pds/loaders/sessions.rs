//! Sealed cursors of `account.sessions`.
//!
//! A session is a `refresh_tokens` row whose only unique column, `jti`, is a secret: the
//! shared keyset cursors carry the sort-key values of a row, primary key included, so
//! a plain cursor over sessions would hand out refresh token ids. Session pages are
//! therefore ordered internally by `(created_at DESC, jti)`, but the cursors clients
//! see carry only the account, the creation time and a keyed one-way 64-bit digest of
//! the `jti` ([`crate::auth::Digests`]: HMAC-SHA-256 under the server's secret); a cursor coming back is matched to its row again (one batched statement per
//! level) and turned into the internal cursor there ([`SessionAt`], loaded by
//! [`PdsLoader`]).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::pds::refresh_tokens;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::PdsLoader;
use crate::auth::Digests;
use crate::error::ApiError;
use crate::pagination::{Ordering, SortKey};

/// Names session cursors (and the internal order).
const LIST: &str = "pds.sessions";

/// The session a client's (sealed) session cursor points at: the account, the creation
/// time and a digest of the refresh token id, which itself is never sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionAt {
    /// The session's account.
    pub did: String,
    /// When the session was created.
    pub created_at: DateTime<Utc>,
    /// [`session_digest`] of the refresh token id.
    pub digest: u64,
}

impl Loader<SessionAt> for PdsLoader {
    type Value = refresh_tokens::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[SessionAt],
    ) -> Result<HashMap<SessionAt, Self::Value>, Self::Error> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let mut any = Condition::any();
        for k in keys {
            any = any.add(
                Condition::all()
                    .add(refresh_tokens::Column::Did.eq(k.did.clone()))
                    .add(refresh_tokens::Column::CreatedAt.eq(k.created_at)),
            );
        }
        let rows = refresh_tokens::Entity::find()
            .filter(any)
            .all(&self.db)
            .await?;
        let mut out = HashMap::new();
        for m in rows {
            let k = SessionAt {
                did: m.did.clone(),
                created_at: m.created_at,
                digest: session_digest(&self.digests, &m.jti),
            };
            if keys.contains(&k) {
                out.insert(k, m);
            }
        }
        Ok(out)
    }
}

/// The internal order of sessions: newest first, the refresh token id breaking ties.
pub fn session_ordering() -> Ordering<refresh_tokens::Entity> {
    Ordering::new(
        LIST,
        vec![
            SortKey {
                column: refresh_tokens::Column::CreatedAt,
                descending: true,
                nullable: false,
            },
            SortKey {
                column: refresh_tokens::Column::Jti,
                descending: false,
                nullable: false,
            },
        ],
    )
}

/// The keyed one-way digest of a refresh token id: it cannot be inverted, nor computed
/// without the server's secret, and stays the same across restarts and upgrades.
pub fn session_digest(digests: &Digests, jti: &str) -> u64 {
    digests.of(LIST, jti)
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    l: String,
    d: String,
    t: DateTime<Utc>,
    h: String,
}

/// The cursor a client sees for `session`.
pub fn seal(digests: &Digests, session: &refresh_tokens::Model) -> String {
    let body = Sealed {
        l: LIST.to_owned(),
        d: session.did.clone(),
        t: session.created_at,
        h: format!("{:016x}", session_digest(digests, &session.jti)),
    };
    // Serialising plain data cannot fail; an empty cursor would be refused later.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

/// The session a client's cursor points at; `field` names the argument it came in.
pub fn unseal(cursor: &str, field: &str) -> Result<SessionAt, ApiError> {
    let bad = || ApiError::bad_input(field, format!("`{field}` is not a cursor of this list"));
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    let body: Sealed = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if body.l != LIST {
        return Err(bad());
    }
    let digest = u64::from_str_radix(&body.h, 16).map_err(|_| bad())?;
    Ok(SessionAt {
        did: body.d,
        created_at: body.t,
        digest,
    })
}

/// The internal cursor of the session `at` points at, `row` when it still exists. A
/// session deleted since keeps its place in time: the page resumes at its creation
/// time (sessions created in that very instant may then be repeated, never skipped).
pub fn internal_cursor(at: &SessionAt, row: Option<refresh_tokens::Model>, field: &str) -> String {
    let ordering = session_ordering();
    match row {
        Some(m) => ordering.cursor(&m),
        None => ordering.cursor(&refresh_tokens::Model {
            // After: all of that instant follow (`jti > ""`); before: none precede.
            jti: if field == "after" {
                String::new()
            } else {
                char::MAX.to_string()
            },
            did: at.did.clone(),
            expires_at: at.created_at,
            app_password_name: None,
            created_at: at.created_at,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_cursors_hide_the_token_id_and_round_trip() {
        let m = refresh_tokens::Model {
            jti: "secret-jti-123".into(),
            did: "did:plc:abc".into(),
            expires_at: DateTime::from_timestamp(2_000, 0).unwrap_or_default(),
            app_password_name: None,
            created_at: DateTime::from_timestamp(1_000, 0).unwrap_or_default(),
        };
        let digests = Digests::new(
            &crate::auth::Secret::from_config("0123456789abcdef0123456789abcdef").unwrap(),
        );
        let c = seal(&digests, &m);
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(c.as_bytes()).unwrap()).unwrap();
        assert!(!raw.contains("secret-jti-123"), "{raw}");
        let at = unseal(&c, "after").unwrap();
        assert_eq!(at.did, "did:plc:abc");
        assert_eq!(at.created_at, m.created_at);
        assert_eq!(at.digest, session_digest(&digests, "secret-jti-123"));
        // Another secret, another digest: a cursor cannot be forged without the secret.
        let other = Digests::new(
            &crate::auth::Secret::from_config("fedcba9876543210fedcba9876543210").unwrap(),
        );
        assert_ne!(at.digest, session_digest(&other, "secret-jti-123"));
        assert_eq!(
            unseal("e30", "before").unwrap_err().code(),
            "BAD_USER_INPUT"
        );
    }
}
