//! Users: deleting an account.

use entity::orquestra::{projects, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{changes, record};
use crate::error::{ApiError, ApiResult};
use crate::events::Change;
use crate::write::Store;

/// Deletes the account `user`; its projects and all that hangs off them cascade (each
/// project is logged as deleted, before the account).
pub async fn delete_user(store: &Store, user: &str) -> ApiResult<String> {
    let user = user.to_owned();
    store
        .transaction(|txn| {
            Box::pin(async move {
                users::Entity::find_by_id(user.clone())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound("user".into()))?;
                let owned = projects::Entity::find()
                    .filter(projects::Column::UserId.eq(user.clone()))
                    .order_by_asc(projects::Column::Id)
                    .all(txn)
                    .await?;
                users::Entity::delete_many()
                    .filter(users::Column::Id.eq(user.clone()))
                    .exec(txn)
                    .await?;
                let mut log: Vec<Change> = owned.iter().map(changes::project_deleted).collect();
                log.push(changes::user_deleted(&user));
                record(txn, &user, log).await?;
                Ok(user)
            })
        })
        .await
}
