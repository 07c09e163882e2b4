//! Inner Universe's mutations: anonymous connection, as SpacetimeDB does.

use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::Domain;
use entity::universe::{client_connection, enums::ConnectionStatus};
use sea_orm::{ActiveModelTrait, IntoActiveModel};

use crate::auth::{TokenKind, Tokens};
use crate::context::databases;
use crate::error::{ApiError, ApiResult};

type Result<T> = async_graphql::Result<T>;

/// Lifetime of a Universe identity token.
pub const IDENTITY_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// A new anonymous identity and its token.
#[derive(SimpleObject)]
pub struct UniverseIdentity {
    /// The new identity (hex).
    pub identity: String,
    /// The connection recorded for it.
    pub connection_id: String,
    /// Send as `Authorization: Bearer <token>` to act as this identity.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// Creates an identity and its `client_connection` row, and signs its token.
pub async fn connect(
    db: &sea_orm::DatabaseConnection,
    tokens: &Tokens,
    client_info: Option<String>,
) -> ApiResult<UniverseIdentity> {
    if client_info.as_ref().is_some_and(|c| c.len() > 512) {
        return Err(ApiError::bad_input("clientInfo", "at most 512 bytes"));
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(ApiError::internal)?;
    let identity: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let connection_id = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    client_connection::Model {
        identity: identity.clone(),
        connection_id: connection_id.clone(),
        connected_at: now,
        last_active_at: now,
        client_info,
        status: ConnectionStatus::Connected,
    }
    .into_active_model()
    .insert(db)
    .await?;
    let issued = tokens.issue(Domain::Universe, &identity, TokenKind::Access, IDENTITY_TTL)?;
    Ok(UniverseIdentity {
        identity,
        connection_id,
        token: issued.token,
        expires_at: DateTime::from_timestamp(issued.claims.exp, 0).unwrap_or_default(),
    })
}

/// Inner Universe's part of the root mutation.
#[derive(Default)]
pub struct UniverseMutation;

#[Object]
impl UniverseMutation {
    /// Creates an anonymous identity (and records its client connection); the returned
    /// token acts as that identity.
    async fn universe_connect(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the client is (user agent, SDK version).")] client_info: Option<
            String,
        >,
    ) -> Result<UniverseIdentity> {
        let db = databases(ctx)?.universe();
        let tokens = ctx.data::<Tokens>()?;
        connect(db, tokens, client_info)
            .await
            .map_err(|e| e.extend())
    }
}
