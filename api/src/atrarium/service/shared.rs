//! What every Atrarium write shares: locking a community, the `NOT_FOUND` errors, the
//! last-owner rule, and moving the cached counters. (Reading the actor's role is in
//! [`crate::atrarium::access`].)
//!
//! Lock order: a write that touches a community and one of its feeds locks the community
//! row first, then the feed row, so two writes never wait on each other in a circle.

use entity::atrarium::{Role, communities, memberships, theme_feeds};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Statement,
};

use crate::error::{ApiError, ApiResult};

/// Now, in the seed's unix-epoch seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `NOT_FOUND` for community `id`.
pub fn community_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("community {id}"))
}

/// `NOT_FOUND` for theme feed `id`.
pub fn feed_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("theme feed {id}"))
}

/// Community `id`, locked for the rest of the transaction (`SELECT ... FOR UPDATE` on
/// PostgreSQL; SQLite's single writer already serialises), or `NOT_FOUND`.
pub async fn lock_community(txn: &DatabaseTransaction, id: i64) -> ApiResult<communities::Model> {
    communities::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| community_not_found(id))
}

/// Community `id` as stored now (after this transaction's own writes).
pub async fn reload_community(txn: &DatabaseTransaction, id: i64) -> ApiResult<communities::Model> {
    communities::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| community_not_found(id))
}

/// Theme feed `id` and its community, both locked (community first), or `NOT_FOUND`.
pub async fn lock_feed(
    txn: &DatabaseTransaction,
    id: i64,
) -> ApiResult<(communities::Model, theme_feeds::Model)> {
    // A feed never moves to another community, so its community id read without a lock
    // is still right once both rows are locked.
    let community_id = theme_feeds::Entity::find_by_id(id)
        .select_only()
        .column(theme_feeds::Column::CommunityId)
        .into_tuple::<i64>()
        .one(txn)
        .await?
        .ok_or_else(|| feed_not_found(id))?;
    let community = lock_community(txn, community_id).await?;
    let feed = theme_feeds::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| feed_not_found(id))?;
    Ok((community, feed))
}

/// How many owners `community_id` has.
pub async fn owner_count(txn: &DatabaseTransaction, community_id: i64) -> ApiResult<u64> {
    Ok(memberships::Entity::find()
        .filter(memberships::Column::CommunityId.eq(community_id))
        .filter(memberships::Column::Role.eq(Role::Owner.into_value()))
        .count(txn)
        .await?)
}

/// `CONFLICT` unless `community_id` keeps an owner when `did` (an owner) stops being
/// one. Call with the community locked.
pub async fn keep_an_owner(
    txn: &DatabaseTransaction,
    community_id: i64,
    did: &str,
    doing: &str,
) -> ApiResult<()> {
    if owner_count(txn, community_id).await? <= 1 {
        return Err(ApiError::Conflict(format!(
            "{did} is the last owner of community {community_id} and cannot {doing}; \
             make another member an owner first"
        )));
    }
    Ok(())
}

/// `member_count = member_count + delta` on community `id`, in one statement.
pub async fn add_members(txn: &DatabaseTransaction, id: i64, delta: i32) -> ApiResult<()> {
    bump(txn, id, communities::Column::MemberCount, delta).await
}

/// `post_count = post_count + delta` on community `id`, in one statement.
pub async fn add_posts(txn: &DatabaseTransaction, id: i64, delta: i32) -> ApiResult<()> {
    bump(txn, id, communities::Column::PostCount, delta).await
}

async fn bump(
    txn: &DatabaseTransaction,
    id: i64,
    column: communities::Column,
    delta: i32,
) -> ApiResult<()> {
    if delta == 0 {
        return Ok(());
    }
    let res = communities::Entity::update_many()
        .col_expr(column, Expr::col(column).add(delta))
        .filter(communities::Column::Id.eq(id))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(community_not_found(id));
    }
    Ok(())
}

/// Serialises changes of the community tree (re-parenting) for the rest of the
/// transaction, so two concurrent moves cannot together close a cycle that each alone
/// would not. PostgreSQL: a transaction-scoped advisory lock; SQLite: nothing to do (one
/// writer at a time).
pub async fn lock_tree(txn: &DatabaseTransaction) -> ApiResult<()> {
    /// An arbitrary, fixed advisory lock key: "atrarium tree" in ASCII.
    const TREE_LOCK_KEY: i64 = 0x0061_7472_7472_6565;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [TREE_LOCK_KEY.into()],
        ))
        .await?;
    }
    Ok(())
}
