//! Bellamy Book's mutations: login.

use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::Domain;
use entity::bellamy::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::{TokenKind, Tokens};
use crate::context::databases;
use crate::error::{ApiError, ApiResult};

type Result<T> = async_graphql::Result<T>;

/// Lifetime of a Bellamy session token.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// A Bellamy session.
#[derive(SimpleObject)]
pub struct BellamySession {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// The username.
    pub username: String,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// Verifies an email and password and issues a session token.
pub async fn login(
    db: &sea_orm::DatabaseConnection,
    tokens: &Tokens,
    email: &str,
    password: &str,
) -> ApiResult<BellamySession> {
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
        .await?
        .ok_or_else(denied)?;
    let (pw, hash) = (password.to_owned(), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || crate::pds::auth::verify_password(&pw, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(denied());
    }
    let issued = tokens.issue(
        Domain::Bellamy,
        &user.id.to_string(),
        TokenKind::Access,
        SESSION_TTL,
    )?;
    Ok(BellamySession {
        user_id: user.id,
        username: user.username,
        token: issued.token,
        expires_at: DateTime::from_timestamp(issued.claims.exp, 0).unwrap_or_default(),
    })
}

/// Bellamy Book's part of the root mutation.
#[derive(Default)]
pub struct BellamyMutation;

#[Object]
impl BellamyMutation {
    /// Logs in with an email address and password (scrypt PHC hashes).
    async fn bellamy_login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's email address.")] email: String,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<BellamySession> {
        let db = databases(ctx)?.bellamy();
        let tokens = ctx.data::<Tokens>()?;
        login(db, tokens, &email, &password)
            .await
            .map_err(|e| e.extend())
    }
}
