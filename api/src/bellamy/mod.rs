//! Bellamy Book: a social network. Users, posts with threaded comments and reactions,
//! friendships and follows, hashtags and media, stories, notifications and chat.

pub mod access;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod service;
pub mod subscription;
pub mod types;

pub use mutation::BellamyMutation;
pub use query::BellamyQuery;
pub use subscription::BellamySubscription;
