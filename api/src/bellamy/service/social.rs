//! The social graph: friend requests (send, accept, decline, cancel), friendships and
//! follows.
//!
//! A friendship is stored both ways (`(a, b)` and `(b, a)`), as the read side expects. A
//! request is one row per (sender, receiver): sending again after a decline or a cancel
//! reopens it. Transitions: `pending` → `accepted` (receiver; creates the friendship),
//! `pending` → `declined` (receiver), `pending` → `cancelled` (sender); any other is
//! refused (`BAD_USER_INPUT`).

use entity::bellamy::enums::FriendRequestStatus;
use entity::bellamy::{follows, friend_requests, friendships, users};
use sea_orm::entity::prelude::Uuid;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde_json::json;

use super::{
    Hidden, acting_user, are_friends, changes, kind, lock_pair, notify, now, record, user,
};
use crate::error::{ApiError, ApiResult};
use crate::write::Store;

fn status_name(s: FriendRequestStatus) -> &'static str {
    match s {
        FriendRequestStatus::Pending => "pending",
        FriendRequestStatus::Accepted => "accepted",
        FriendRequestStatus::Declined => "declined",
        FriendRequestStatus::Cancelled => "cancelled",
    }
}

fn not_yourself(field: &str, what: &str) -> ApiError {
    ApiError::bad_input(field, format!("you cannot {what} yourself"))
}

/// The request between `sender` and `receiver`, if any.
async fn request_between<C: ConnectionTrait>(
    txn: &C,
    sender: Uuid,
    receiver: Uuid,
) -> ApiResult<Option<friend_requests::Model>> {
    Ok(friend_requests::Entity::find()
        .filter(friend_requests::Column::SenderId.eq(sender))
        .filter(friend_requests::Column::ReceiverId.eq(receiver))
        .one(txn)
        .await?)
}

/// Asks `receiver` to be the actor's friend and notifies them (`friend_request`).
/// `CONFLICT` when they are already friends or a request between them is pending (either
/// way); a declined or cancelled request of the actor is reopened.
pub async fn send_friend_request(
    store: &Store,
    actor: Uuid,
    receiver: Uuid,
) -> ApiResult<friend_requests::Model> {
    if receiver == actor {
        return Err(not_yourself("input.receiverId", "befriend"));
    }
    store
        .transaction(|txn| {
            Box::pin(async move {
                let (me, them) = lock_pair(txn, actor, receiver).await?;
                if are_friends(txn, actor, receiver).await? {
                    return Err(ApiError::Conflict(format!(
                        "you and {} are already friends",
                        them.username
                    )));
                }
                if let Some(theirs) = request_between(txn, receiver, actor).await?
                    && theirs.status == FriendRequestStatus::Pending
                {
                    return Err(ApiError::Conflict(format!(
                        "{} has already sent you a friend request: accept it instead",
                        them.username
                    )));
                }
                let t = now();
                let request = match request_between(txn, actor, receiver).await? {
                    Some(r) if r.status == FriendRequestStatus::Pending => {
                        return Err(ApiError::Conflict(format!(
                            "you have already sent {} a friend request",
                            them.username
                        )));
                    }
                    Some(r) => {
                        let mut row = r.into_active_model();
                        row.status = Set(FriendRequestStatus::Pending);
                        row.created_at = Set(t);
                        row.updated_at = Set(t);
                        row.responded_at = Set(None);
                        row.update(txn).await?
                    }
                    None => {
                        friend_requests::Model {
                            id: Uuid::new_v4(),
                            sender_id: actor,
                            receiver_id: receiver,
                            status: FriendRequestStatus::Pending,
                            created_at: t,
                            updated_at: t,
                            responded_at: None,
                        }
                        .into_active_model()
                        .insert(txn)
                        .await?
                    }
                };
                let name = &me.full_name;
                let n = notify(
                    txn,
                    receiver,
                    kind::FRIEND_REQUEST,
                    "New friend request".into(),
                    format!("{name} sent you a friend request."),
                    json!({ "requestId": request.id, "senderId": actor }),
                )
                .await?;
                let log = vec![
                    changes::friend_request_sent(&request),
                    changes::notification(&n),
                ];
                record(txn, actor, log).await?;
                Ok(request)
            })
        })
        .await
}

/// Who may move a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Party {
    Sender,
    Receiver,
}

/// The request `id`, locked, checked to be `pending` and `actor` to be its `party`.
async fn pending_request<C: ConnectionTrait>(
    txn: &C,
    actor: Uuid,
    id: Uuid,
    party: Party,
    (verb, done): (&str, &str),
) -> ApiResult<friend_requests::Model> {
    let request = friend_requests::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound("friend request".into()))?;
    if request.sender_id != actor && request.receiver_id != actor {
        return Err(Hidden::FriendRequest.error());
    }
    let allowed = match party {
        Party::Sender => request.sender_id == actor,
        Party::Receiver => request.receiver_id == actor,
    };
    if !allowed {
        let who = match party {
            Party::Sender => "sender",
            Party::Receiver => "receiver",
        };
        return Err(ApiError::Forbidden(format!(
            "only the request's {who} may {verb} it"
        )));
    }
    if request.status != FriendRequestStatus::Pending {
        return Err(ApiError::bad_input(
            "id",
            format!(
                "the friend request is {}: only a pending request can be {done}",
                status_name(request.status)
            ),
        ));
    }
    Ok(request)
}

async fn answer<C: ConnectionTrait>(
    txn: &C,
    request: friend_requests::Model,
    status: FriendRequestStatus,
) -> ApiResult<friend_requests::Model> {
    let t = now();
    let mut row = request.into_active_model();
    row.status = Set(status);
    row.updated_at = Set(t);
    row.responded_at = Set(Some(t));
    Ok(row.update(txn).await?)
}

/// Accepts a pending request sent to the actor: the two become friends (both ways), and
/// the sender is notified (`friend_request_accepted`). Returns the request and the
/// actor's side of the friendship.
pub async fn accept_friend_request(
    store: &Store,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<(friend_requests::Model, friendships::Model)> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let request =
                    pending_request(txn, actor, id, Party::Receiver, ("accept", "accepted"))
                        .await?;
                let sender = request.sender_id;
                let (me, _) = lock_pair(txn, actor, sender).await?;
                let request = answer(txn, request, FriendRequestStatus::Accepted).await?;
                let t = now();
                friendships::Entity::insert_many([(actor, sender), (sender, actor)].map(
                    |(user_id, friend_id)| {
                        friendships::Model {
                            user_id,
                            friend_id,
                            created_at: t,
                        }
                        .into_active_model()
                    },
                ))
                .on_conflict(
                    OnConflict::columns([
                        friendships::Column::UserId,
                        friendships::Column::FriendId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
                let friendship = friendships::Entity::find_by_id((actor, sender))
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::internal("friendship row missing after insert"))?;
                let name = &me.full_name;
                let n = notify(
                    txn,
                    sender,
                    kind::FRIEND_REQUEST_ACCEPTED,
                    format!("{name} accepted your friend request"),
                    format!("You and {name} are now friends."),
                    json!({ "requestId": request.id, "userId": actor }),
                )
                .await?;
                let log = vec![
                    changes::friend_request_accepted(&request),
                    changes::notification(&n),
                ];
                record(txn, actor, log).await?;
                Ok((request, friendship))
            })
        })
        .await
}

/// Declines a pending request sent to the actor.
pub async fn decline_friend_request(
    store: &Store,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<friend_requests::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let request =
                    pending_request(txn, actor, id, Party::Receiver, ("decline", "declined"))
                        .await?;
                let request = answer(txn, request, FriendRequestStatus::Declined).await?;
                record(txn, actor, vec![changes::friend_request_declined(&request)]).await?;
                Ok(request)
            })
        })
        .await
}

/// Cancels a pending request the actor sent.
pub async fn cancel_friend_request(
    store: &Store,
    actor: Uuid,
    id: Uuid,
) -> ApiResult<friend_requests::Model> {
    store
        .transaction(|txn| {
            Box::pin(async move {
                let request =
                    pending_request(txn, actor, id, Party::Sender, ("cancel", "cancelled")).await?;
                let request = answer(txn, request, FriendRequestStatus::Cancelled).await?;
                record(
                    txn,
                    actor,
                    vec![changes::friend_request_cancelled(&request)],
                )
                .await?;
                Ok(request)
            })
        })
        .await
}

/// Ends the actor's friendship with `friend` (both ways). `NOT_FOUND` when they are not
/// friends. Returns the former friend.
pub async fn unfriend(store: &Store, actor: Uuid, friend: Uuid) -> ApiResult<users::Model> {
    if friend == actor {
        return Err(not_yourself("userId", "unfriend"));
    }
    store
        .transaction(|txn| {
            Box::pin(async move {
                let (_, them) = lock_pair(txn, actor, friend).await?;
                let gone = friendships::Entity::delete_many()
                    .filter(
                        sea_orm::Condition::any()
                            .add(
                                sea_orm::Condition::all()
                                    .add(friendships::Column::UserId.eq(actor))
                                    .add(friendships::Column::FriendId.eq(friend)),
                            )
                            .add(
                                sea_orm::Condition::all()
                                    .add(friendships::Column::UserId.eq(friend))
                                    .add(friendships::Column::FriendId.eq(actor)),
                            ),
                    )
                    .exec(txn)
                    .await?;
                if gone.rows_affected == 0 {
                    return Err(ApiError::NotFound("friendship".into()));
                }
                record(txn, actor, vec![changes::friendship_ended(actor, friend)]).await?;
                Ok(them)
            })
        })
        .await
}

/// The actor follows `followee`. `CONFLICT` when already following.
pub async fn follow(store: &Store, actor: Uuid, followee: Uuid) -> ApiResult<follows::Model> {
    if followee == actor {
        return Err(not_yourself("userId", "follow"));
    }
    store
        .transaction(|txn| {
            Box::pin(async move {
                acting_user(txn, actor).await?;
                let them = user(txn, followee).await?;
                if follows::Entity::find_by_id((actor, followee))
                    .one(txn)
                    .await?
                    .is_some()
                {
                    return Err(ApiError::Conflict(format!(
                        "you already follow {}",
                        them.username
                    )));
                }
                let follow = follows::Model {
                    follower_id: actor,
                    followee_id: followee,
                    created_at: now(),
                }
                .into_active_model()
                .insert(txn)
                .await?;
                record(txn, actor, vec![changes::follow_created(&follow)]).await?;
                Ok(follow)
            })
        })
        .await
}

/// The actor stops following `followee` (`NOT_FOUND` when not following). Returns the
/// user no longer followed.
pub async fn unfollow(store: &Store, actor: Uuid, followee: Uuid) -> ApiResult<users::Model> {
    if followee == actor {
        return Err(not_yourself("userId", "unfollow"));
    }
    store
        .transaction(|txn| {
            Box::pin(async move {
                let them = user(txn, followee).await?;
                let gone = follows::Entity::delete_by_id((actor, followee))
                    .exec(txn)
                    .await?;
                if gone.rows_affected == 0 {
                    return Err(ApiError::NotFound("follow".into()));
                }
                record(txn, actor, vec![changes::follow_removed(actor, followee)]).await?;
                Ok(them)
            })
        })
        .await
}
