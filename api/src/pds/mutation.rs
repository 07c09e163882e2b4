//! The PDS's mutations: sessions.

use async_graphql::{Context, ErrorExtensions, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::Domain;

use super::auth;
use crate::auth::{Tokens, Viewer};
use crate::context::databases;

type Result<T> = async_graphql::Result<T>;

/// The tokens of a new PDS session.
#[derive(SimpleObject)]
pub struct PdsSessionTokens {
    /// The account's DID.
    pub did: ID,
    /// The account's handle.
    pub handle: String,
    /// Send as `Authorization: Bearer <accessToken>`; short-lived.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// Exchange with `pdsRefreshSession` for a new session; works once.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

impl From<auth::Session> for PdsSessionTokens {
    fn from(s: auth::Session) -> Self {
        Self {
            did: ID(s.did),
            handle: s.handle,
            access_token: s.access_token,
            access_expires_at: s.access_expires_at,
            refresh_token: s.refresh_token,
            refresh_expires_at: s.refresh_expires_at,
        }
    }
}

/// The PDS's part of the root mutation.
#[derive(Default)]
pub struct PdsMutation;

#[Object]
impl PdsMutation {
    /// Logs in with a handle or email and the account's password. Accounts that are
    /// taken down, deactivated or deleted cannot open sessions (`FORBIDDEN`).
    async fn pds_create_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's handle or email address.")] identifier: String,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<PdsSessionTokens> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        auth::create_session(db, tokens, &identifier, &password)
            .await
            .map(Into::into)
            .map_err(|e| e.extend())
    }

    /// Opens a new session with a refresh token; that refresh token stops working.
    async fn pds_refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current session's refresh token.", secret)] refresh_token: String,
    ) -> Result<PdsSessionTokens> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        auth::refresh_session(db, tokens, &refresh_token)
            .await
            .map(Into::into)
            .map_err(|e| e.extend())
    }

    /// Ends the session of a refresh token. `false` if it had already ended.
    async fn pds_delete_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's refresh token.", secret)] refresh_token: String,
    ) -> Result<bool> {
        let db = databases(ctx)?.pds();
        let tokens = ctx.data::<Tokens>()?;
        auth::delete_session(db, tokens, &refresh_token)
            .await
            .map_err(|e| e.extend())
    }

    /// Logs the signed-in account out everywhere; returns how many sessions ended.
    async fn pds_delete_all_sessions(&self, ctx: &Context<'_>) -> Result<i64> {
        let viewer = ctx.data::<Viewer>()?;
        let did = viewer.require(Domain::Pds).map_err(|e| e.extend())?;
        let db = databases(ctx)?.pds();
        let n = auth::delete_all_sessions(db, did)
            .await
            .map_err(|e| e.extend())?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
