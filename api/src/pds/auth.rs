//! PDS sessions: log in with a handle or email and password, rotate refresh tokens, log
//! out one session or everywhere. No GraphQL in here.
//!
//! Refresh tokens are JWTs whose `jti` is stored in `refresh_tokens`; a refresh consumes
//! its row (so the old token stops working) and stores the new one, in one transaction.
//! Passwords are verified against the account's versioned scrypt (PHC) hash, off the
//! async runtime. A login for an unknown identifier (or an account without a usable hash)
//! verifies against a dummy hash of the same cost, so how long the answer takes does not
//! tell which identifiers have accounts ([`check_password`]).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::Domain;
use entity::pds::enums::AccountStatus;
use entity::pds::{accounts, refresh_tokens};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};

use crate::auth::{Claims, TokenKind, Tokens};
use crate::error::{ApiError, ApiResult};

/// Lifetime of an access token.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
/// Lifetime of a refresh token.
pub const REFRESH_TTL: Duration = Duration::from_secs(90 * 24 * 3600);

/// A new session's tokens.
#[derive(Clone, Debug)]
pub struct Session {
    /// The account's DID.
    pub did: String,
    /// The account's handle.
    pub handle: String,
    /// Short-lived token for `Authorization: Bearer`.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// Long-lived token that only opens the next session.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

fn denied() -> ApiError {
    ApiError::Unauthenticated("invalid identifier or password".into())
}

/// How many password hashes (or verifications) run at once: one per core. Each scrypt
/// hash at the recommended cost holds 128 MiB and a core for a fraction of a second, so a
/// burst of logins or sign-ups queues here instead of exhausting memory.
static HASHING: LazyLock<Arc<tokio::sync::Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
    Arc::new(tokio::sync::Semaphore::new(cores))
});

/// Runs a password hash or verification on the blocking pool, at most [`HASHING`] at
/// once (the permit is held until the work ends, even if the request goes away).
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let permit = Arc::clone(&HASHING)
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(ApiError::internal)
}

/// [`hash_password`] off the async runtime, bounded by [`HASHING`].
pub async fn hash_password_bounded(password: String) -> ApiResult<String> {
    hashing(move || hash_password(&password)).await?
}

/// A PHC scrypt string at the cost new passwords are hashed with
/// ([`scrypt::Params::recommended`]), with an all-zero salt and output: verifying any
/// password against it runs one full scrypt, like a real account's hash, and fails.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let p = scrypt::Params::recommended();
    format!(
        "$scrypt$ln={},r={},p={}${}${}",
        p.log_n(),
        p.r(),
        p.p(),
        "A".repeat(22), // 16 zero bytes, unpadded base64
        "A".repeat(43), // 32 zero bytes
    )
});

static AGAINST_ACCOUNTS: AtomicU64 = AtomicU64::new(0);
static AGAINST_DUMMY: AtomicU64 = AtomicU64::new(0);

/// How many password checks have run scrypt in this process, by what they were checked
/// against: an account's hash or the dummy hash (an unknown identifier, an unusable
/// hash). Every login pays for exactly one; tests read this to see the unknown path does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verifications {
    /// Checks against an account's own hash.
    pub against_accounts: u64,
    /// Checks against the dummy hash.
    pub against_dummy: u64,
}

/// The process-wide [`Verifications`] so far.
pub fn verifications() -> Verifications {
    Verifications {
        against_accounts: AGAINST_ACCOUNTS.load(Ordering::Relaxed),
        against_dummy: AGAINST_DUMMY.load(Ordering::Relaxed),
    }
}

/// Whether `hash` is a PHC scrypt string that verification really runs scrypt on (an
/// unreadable one fails at once, which would time differently).
fn usable(hash: &str) -> bool {
    use scrypt::password_hash::PasswordHash;
    PasswordHash::new(hash).is_ok_and(|h| {
        h.algorithm.as_str() == "scrypt"
            && h.salt.is_some()
            && h.hash.is_some()
            && scrypt::Params::try_from(&h).is_ok()
    })
}

/// Checks `password` against an account's stored hash, off the async runtime and bounded
/// by [`HASHING`]. With no account (`None`), or a hash that is not a usable scrypt string,
/// it verifies against [`DUMMY_HASH`] instead and answers `false`: every login runs one
/// scrypt at the cost of new hashes, whether or not the identifier has an account.
pub async fn check_password(password: String, stored: Option<String>) -> ApiResult<bool> {
    match stored.filter(|h| usable(h)) {
        Some(hash) => {
            hashing(move || {
                AGAINST_ACCOUNTS.fetch_add(1, Ordering::Relaxed);
                verify_password(&password, &hash)
            })
            .await
        }
        None => {
            hashing(move || {
                AGAINST_DUMMY.fetch_add(1, Ordering::Relaxed);
                std::hint::black_box(verify_password(&password, &DUMMY_HASH));
                false
            })
            .await
        }
    }
}

/// Hashes `password` as a PHC scrypt string with the recommended cost.
pub fn hash_password(password: &str) -> ApiResult<String> {
    hash_password_with(password, scrypt::Params::recommended())
}

/// Hashes `password` with explicit scrypt parameters (tests use cheap ones; the stored
/// string carries them, so verification needs nothing else).
pub fn hash_password_with(password: &str, params: scrypt::Params) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    hash_password_salted(password, params, &salt)
}

/// Hashes `password` with explicit parameters and salt (deterministic data only).
pub fn hash_password_salted(
    password: &str,
    params: scrypt::Params,
    salt: &[u8; 16],
) -> ApiResult<String> {
    use scrypt::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(salt).map_err(ApiError::internal)?;
    scrypt::Scrypt
        .hash_password_customized(password.as_bytes(), None, None, params, &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored PHC `hash` (false for an unreadable hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    use scrypt::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|parsed| {
            scrypt::Scrypt
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn to_time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

async fn open(
    db: &impl sea_orm::ConnectionTrait,
    tokens: &Tokens,
    account: &accounts::Model,
) -> ApiResult<Session> {
    let refresh = tokens.issue(Domain::Pds, &account.did, TokenKind::Refresh, REFRESH_TTL)?;
    // The access token names its session: it stops working when the session ends.
    let access = tokens.issue_in(
        Domain::Pds,
        &account.did,
        TokenKind::Access,
        ACCESS_TTL,
        Some(&refresh.claims.jti),
    )?;
    refresh_tokens::Model {
        jti: refresh.claims.jti.clone(),
        did: account.did.clone(),
        expires_at: to_time(refresh.claims.exp),
        app_password_name: None,
        created_at: Utc::now(),
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(Session {
        did: account.did.clone(),
        handle: account.handle.clone(),
        access_token: access.token,
        access_expires_at: to_time(access.claims.exp),
        refresh_token: refresh.token,
        refresh_expires_at: to_time(refresh.claims.exp),
    })
}

/// Logs in with a handle or an email address.
pub async fn create_session(
    db: &DatabaseConnection,
    tokens: &Tokens,
    identifier: &str,
    password: &str,
) -> ApiResult<Session> {
    let identifier = identifier.trim();
    if identifier.is_empty() || identifier.len() > 320 {
        return Err(ApiError::bad_input(
            "identifier",
            "give a handle or an email address",
        ));
    }
    if password.is_empty() || password.len() > 1024 {
        return Err(ApiError::bad_input(
            "password",
            "give the account's password",
        ));
    }
    let column = if identifier.contains('@') {
        accounts::Column::Email
    } else {
        accounts::Column::Handle
    };
    let account = accounts::Entity::find()
        .filter(column.eq(identifier.to_lowercase()))
        .one(db)
        .await?;
    // Unknown identifiers cost one scrypt too.
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let ok = check_password(password.to_owned(), stored).await?;
    let account = match account {
        Some(account) if ok => account,
        _ => return Err(denied()),
    };
    if account.status != AccountStatus::Active {
        return Err(ApiError::Forbidden(format!(
            "the account is {}: it cannot open sessions",
            sea_orm::ActiveEnum::to_value(&account.status)
        )));
    }
    open(db, tokens, &account).await
}

/// Exchanges a refresh token for a new session; the old refresh token stops working.
pub async fn refresh_session(
    db: &DatabaseConnection,
    tokens: &Tokens,
    refresh_token: &str,
) -> ApiResult<Session> {
    let claims: Claims = tokens.verify(refresh_token, Domain::Pds, TokenKind::Refresh)?;
    let txn = db.begin().await?;
    let gone = refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::Jti.eq(claims.jti.clone()))
        .filter(refresh_tokens::Column::Did.eq(claims.sub.clone()))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(ApiError::Unauthenticated("the session has ended".into()));
    }
    let account = accounts::Entity::find_by_id(claims.sub.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("the session has ended".into()))?;
    if account.status != AccountStatus::Active {
        return Err(ApiError::Forbidden(
            "the account cannot open sessions".into(),
        ));
    }
    let session = open(&txn, tokens, &account).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the session of `refresh_token`; `false` if it had already ended.
pub async fn delete_session(
    db: &DatabaseConnection,
    tokens: &Tokens,
    refresh_token: &str,
) -> ApiResult<bool> {
    let claims = tokens.verify(refresh_token, Domain::Pds, TokenKind::Refresh)?;
    let res = refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::Jti.eq(claims.jti))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Ends every session of `did`; returns how many there were.
pub async fn delete_all_sessions(db: &DatabaseConnection, did: &str) -> ApiResult<u64> {
    let res = refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::Did.eq(did))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
mod tests {
    use scrypt::password_hash::PasswordHash;

    use super::*;

    #[test]
    fn the_dummy_hash_costs_what_a_new_hash_costs() {
        let dummy = PasswordHash::new(&DUMMY_HASH).unwrap();
        let p = scrypt::Params::try_from(&dummy).unwrap();
        let r = scrypt::Params::recommended();
        assert_eq!((p.log_n(), p.r(), p.p()), (r.log_n(), r.r(), r.p()));
        assert_eq!(
            dummy.hash.map(|h| h.len()),
            Some(scrypt::Params::RECOMMENDED_LEN)
        );
        assert!(usable(&DUMMY_HASH));
        let real = hash_password("pw").unwrap();
        assert_eq!(
            PasswordHash::new(&real).unwrap().params,
            dummy.params,
            "same parameters as a stored hash"
        );
    }

    #[test]
    fn unreadable_hashes_are_not_usable() {
        let cheap = hash_password_with("pw", scrypt::Params::new(4, 8, 1, 32).unwrap()).unwrap();
        assert!(usable(&cheap));
        for bad in [
            "",
            "$argon2id$placeholder",
            "$scrypt$N=16384,r=8,p=1$c2FsdA$DEMO-PLACEHOLDER",
            "$scrypt$ln=17,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!usable(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn every_check_runs_one_verification() {
        let cheap = hash_password_with("pw", scrypt::Params::new(4, 8, 1, 32).unwrap()).unwrap();
        let before = verifications();
        assert!(
            check_password("pw".into(), Some(cheap.clone()))
                .await
                .unwrap()
        );
        assert!(!check_password("no".into(), Some(cheap)).await.unwrap());
        assert!(!check_password("pw".into(), None).await.unwrap());
        assert!(
            !check_password("pw".into(), Some("$argon2id$x".into()))
                .await
                .unwrap()
        );
        let after = verifications();
        assert!(after.against_accounts >= before.against_accounts + 2);
        assert!(after.against_dummy >= before.against_dummy + 2);
    }
}
