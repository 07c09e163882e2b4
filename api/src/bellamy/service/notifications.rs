//! Notifications: marking one, or all, read.

use entity::bellamy::{notifications, users};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
};

use super::{Hidden, acting_user, changes, record};
use crate::error::{ApiError, ApiResult};
use crate::write::Store;

/// Marks one of the actor's notifications read (already read: unchanged).
pub async fn mark_read(store: &Store, actor: Uuid, id: Uuid) -> ApiResult<notifications::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let n = notifications::Entity::find_by_id(id)
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("notification".into()))?;
                if n.user_id != actor {
                    return Err(Hidden::Notification.error());
                }
                if n.read {
                    return Ok(n);
                }
                let mut row = n.into_active_model();
                row.read = Set(true);
                let n = row.update(txn).await?;
                record(txn, actor, vec![changes::notification_read(&n)]).await?;
                Ok(n)
            })
        })
        .await
}

/// Marks all the actor's notifications read. Returns how many were unread, and the actor.
pub async fn mark_all_read(store: &Store, actor: Uuid) -> ApiResult<(u64, users::Model)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let me = acting_user(txn, actor).await?;
                let done = notifications::Entity::update_many()
                    .col_expr(notifications::Column::Read, Expr::value(true))
                    .filter(notifications::Column::UserId.eq(actor))
                    .filter(notifications::Column::Read.eq(false))
                    .exec(txn)
                    .await?;
                if done.rows_affected > 0 {
                    let all = changes::notifications_read_all(actor, done.rows_affected);
                    record(txn, actor, vec![all]).await?;
                }
                Ok((done.rows_affected, me))
            })
        })
        .await
}
