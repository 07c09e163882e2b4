//! PDS sessions: log in with a handle or email and password, rotate refresh tokens, log
//! out one session or everywhere. No GraphQL in here.
//!
//! Refresh tokens are JWTs whose `jti` is stored in `refresh_tokens`; a refresh consumes
//! its row (so the old token stops working) and stores the new one, in one transaction.
//! Passwords are verified through the server's [`Passwords`] (scrypt, off the async
//! runtime; an unknown identifier costs one scrypt too).

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::Domain;
use entity::pds::enums::AccountStatus;
use entity::pds::{accounts, refresh_tokens};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};

use crate::auth::password::Passwords;
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
    passwords: &Passwords,
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
    let ok = passwords.check(password.to_owned(), stored).await?;
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
