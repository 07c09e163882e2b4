//! Typed JSON columns of Atrarium (stored as `jsonb` on PostgreSQL, JSON text on SQLite).

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// `communities.feed_mix`: how a community's feed is composed, in integer percentages of
/// posts from the community itself, its parent and the global firehose.
///
/// The default is the seed's column default, `{"own":80,"parent":15,"global":5}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct FeedMix {
    /// Percentage of posts from the community's own feeds.
    pub own: i32,
    /// Percentage of posts from the parent community.
    pub parent: i32,
    /// Percentage of posts from the global feed.
    pub global: i32,
}

impl Default for FeedMix {
    fn default() -> Self {
        Self {
            own: 80,
            parent: 15,
            global: 5,
        }
    }
}

/// `health_metrics` of communities and theme feeds (migration 002). Every metric is
/// optional: the column defaults to `{}`, and absent metrics are not written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct HealthMetrics {
    /// Recent activity; the seed's health check flags themes below 0.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_score: Option<f64>,
    /// Growth rate of members or posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_rate: Option<f64>,
    /// Engagement ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement: Option<f64>,
}

/// `theme_feeds.filter_config`: the rules that pick posts into a theme feed. A missing
/// list reads as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct FilterConfig {
    /// Hashtags to match, e.g. `#TypeScript`.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Keywords to match in the post text.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Author DIDs whose posts are included, e.g. `did:plc:xxx`.
    #[serde(default)]
    pub authors: Vec<String>,
}
