//! Who may do what in Inner Universe. Its data is readable by everyone; every mutation
//! but `universeConnect` acts as the identity of the request's Universe token
//! ([`actor`], `UNAUTHENTICATED` without one) whose connection must be live
//! ([`require_live`], `FORBIDDEN` otherwise), and only a subscription's subscriber
//! changes it ([`may_change_subscription`]).

use async_graphql::Context;
use entity::Domain;
use entity::universe::enums::ConnectionStatus;
use entity::universe::{client_connection, subscription};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

use super::service::connection_name;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// The acting identity: the subject of the request's Universe token.
pub fn actor(ctx: &Context<'_>) -> ApiResult<String> {
    let anonymous = Viewer::anonymous();
    let viewer = ctx.data_opt::<Viewer>().unwrap_or(&anonymous);
    viewer.require(Domain::Universe).map(str::to_owned)
}

/// Refuses a write by `actor` unless its connection is live (`connected` or `idle`):
/// `FORBIDDEN` otherwise. Takes a shared lock on the connection row (PostgreSQL), so a
/// concurrent disconnect waits for the write, or the write sees the disconnect.
pub async fn require_live<C: ConnectionTrait>(txn: &C, actor: &str) -> ApiResult<()> {
    let conn = client_connection::Entity::find_by_id(actor.to_owned())
        .lock_shared()
        .one(txn)
        .await?;
    match conn.map(|c| c.status) {
        Some(ConnectionStatus::Connected | ConnectionStatus::Idle) => Ok(()),
        Some(status) => Err(ApiError::Forbidden(format!(
            "this identity's connection is {}: set its status to CONNECTED before writing",
            connection_name(status)
        ))),
        None => Err(ApiError::Forbidden(
            "this identity has no client connection (universeConnect creates one)".into(),
        )),
    }
}

/// `FORBIDDEN` unless `actor` is the subscriber of `subscription`: only the subscribing
/// identity changes a subscription.
pub fn may_change_subscription(actor: &str, subscription: &subscription::Model) -> ApiResult<()> {
    if subscription.identity != actor {
        return Err(ApiError::Forbidden(
            "only the subscribing identity can change a subscription".into(),
        ));
    }
    Ok(())
}
