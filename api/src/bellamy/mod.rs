//! Bellamy Book: a social network. Users, posts with threaded comments and reactions,
//! friendships and follows, hashtags and media, stories, notifications and chat.
//!
//! The rooms: [`query`], [`mutation`] and [`subscription`] hold the resolvers; [`inputs`]
//! the mutation inputs and their parsing; [`access`] who may see what; [`loaders`] the
//! batched loads; [`types`] the GraphQL objects, enums, filters, orders and payloads;
//! [`service`] the write rules and sign-in, with no GraphQL.

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
