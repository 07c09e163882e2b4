//! Bellamy Book: a social network (seed 002). The seed's PostgreSQL tables (users, posts,
//! comments, reactions), the tables it names in its relationships (friend requests,
//! friendships, follows, hashtags, media) and its MongoDB collections (stories with their
//! viewers, notifications, conversations and messages), all as relational tables.

pub mod comments;
pub mod conversation_participants;
pub mod conversations;
pub mod enums;
pub mod follows;
pub mod friend_requests;
pub mod friendships;
pub mod hashtags;
pub mod media;
pub mod messages;
pub mod notifications;
pub mod post_hashtags;
pub mod posts;
pub mod reactions;
pub mod stories;
pub mod story_viewers;
pub mod users;
