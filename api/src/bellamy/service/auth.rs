//! Sign-in: checking an email and password, and issuing a session token for an account.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::Domain;
use entity::bellamy::users;
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::users::{NewUser, register as insert_user};
use crate::auth::password::Passwords;
use crate::auth::{TokenKind, Tokens};
use crate::error::{ApiError, ApiResult};
use crate::write::Store;

/// Lifetime of a Bellamy session token.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// A Bellamy session: an access token for one user.
#[derive(Clone, Debug)]
pub struct Session {
    /// The user's id.
    pub user_id: Uuid,
    /// The username.
    pub username: String,
    /// The access token (sent as `Authorization: Bearer <token>`).
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// Verifies an email and password and issues a session token.
pub async fn login(
    db: &sea_orm::DatabaseConnection,
    tokens: &Tokens,
    passwords: &Passwords,
    email: &str,
    password: &str,
) -> ApiResult<Session> {
    let email = email.trim().to_lowercase();
    if email.is_empty() || email.len() > 255 || !email.contains('@') {
        return Err(ApiError::bad_input(
            "email",
            "give the account's email address",
        ));
    }
    if password.is_empty() || password.len() > 1024 {
        return Err(ApiError::bad_input(
            "password",
            "give the account's password",
        ));
    }
    let denied = || ApiError::Unauthenticated("invalid email or password".into());
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?;
    // An unknown email costs one scrypt too (against a dummy hash).
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = passwords.check(password.to_owned(), stored).await?;
    match user {
        Some(user) if ok => session(tokens, &user),
        _ => Err(denied()),
    }
}

/// Creates an account (see [`super::users::register`]; its password is hashed already)
/// and issues a session token for it.
pub async fn register(
    store: &Store,
    tokens: &Tokens,
    new: NewUser,
) -> ApiResult<(users::Model, Session)> {
    let user = insert_user(store, new).await?;
    let session = session(tokens, &user)?;
    Ok((user, session))
}

/// A session token for `user`.
pub fn session(tokens: &Tokens, user: &users::Model) -> ApiResult<Session> {
    let issued = tokens.issue(
        Domain::Bellamy,
        &user.id.to_string(),
        TokenKind::Access,
        SESSION_TTL,
    )?;
    Ok(Session {
        user_id: user.id,
        username: user.username.clone(),
        token: issued.token,
        expires_at: DateTime::from_timestamp(issued.claims.exp, 0).unwrap_or_default(),
    })
}
