//! Atrarium: AT Protocol community feeds (seed 000). Communities form a tree (a theme
//! grows into a community, then graduates), each with theme feeds whose filter rules pick
//! posts into `post_index`, and members with roles.
//!
//! Timestamps are the seed's unix-epoch integers (seconds), kept as `i64`.

pub mod communities;
pub mod enums;
pub mod json;
pub mod memberships;
pub mod post_index;
pub mod theme_feeds;

pub use enums::{Role, Stage};
pub use json::{FeedMix, FilterConfig, HealthMetrics};
