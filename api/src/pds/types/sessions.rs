//! Sessions and app passwords: what only the account itself may read.

use async_graphql::{Context, ErrorExtensions, ID, Object};
use chrono::{DateTime, Utc};
use entity::pds::{app_passwords, refresh_tokens};

use super::*;
use crate::batch::{self, Node};
use crate::pds::access;
use crate::pds::loaders::*;

type Result<T> = async_graphql::Result<T>;

/// A session: one outstanding refresh token of an account. Its id (the token's `jti`)
/// is never readable; sessions are reached only through their account.
pub struct PdsSession(pub Node<refresh_tokens::Model>);

impl From<Node<refresh_tokens::Model>> for PdsSession {
    fn from(m: Node<refresh_tokens::Model>) -> Self {
        Self(m)
    }
}

/// A session: one outstanding refresh token of an account. Its id (the token's `jti`)
/// is never readable; sessions are reached only through their account.
#[Object]
impl PdsSession {
    /// The session's account DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// When the refresh token expires.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// The app password the session was opened with; null for the account password.
    async fn app_password_name(&self) -> Option<&str> {
        self.0.app_password_name.as_deref()
    }
    /// When the session was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The session's account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |s| AccountDid(s.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }

    /// The app password the session was opened with, if any (and not revoked since).
    async fn app_password(&self, ctx: &Context<'_>) -> Option<Result<PdsAppPassword>> {
        async {
            if self.0.app_password_name.is_none() {
                return Ok(None);
            }
            if !access::is_me(access::viewer(ctx), &self.0.did) {
                return Err(access::app_passwords_of_another().extend());
            }
            let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |s| {
                AppPasswordKey(
                    s.did.clone(),
                    s.app_password_name.clone().unwrap_or_default(),
                )
            })
            .await?;
            Ok(n.map(PdsAppPassword))
        }
        .await
        .transpose()
    }
}

/// A named app password of an account (metadata only: the password hash is never
/// readable).
pub struct PdsAppPassword(pub Node<app_passwords::Model>);

impl From<Node<app_passwords::Model>> for PdsAppPassword {
    fn from(m: Node<app_passwords::Model>) -> Self {
        Self(m)
    }
}

/// A named app password of an account (metadata only: the password hash is never
/// readable).
#[Object]
impl PdsAppPassword {
    /// The owning account's DID.
    async fn did(&self) -> ID {
        ID(self.0.did.clone())
    }
    /// The app password's name, unique per account.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether it may perform privileged actions (e.g. direct messages).
    async fn privileged(&self) -> bool {
        self.0.privileged
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The owning account.
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |p| AccountDid(p.did.clone())).await?;
        Ok(n.map(PdsAccount))
    }
}
