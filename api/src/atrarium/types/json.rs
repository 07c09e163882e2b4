//! The GraphQL shapes of Atrarium's JSON columns (feed mix, health metrics, filter
//! config).

use async_graphql::SimpleObject;
use entity::atrarium::{FeedMix, FilterConfig, HealthMetrics};

/// How a community's feed is composed, in integer percentages.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtrariumFeedMix {
    /// Percentage of posts from the community's own feeds.
    pub own: i32,
    /// Percentage of posts from the parent community.
    pub parent: i32,
    /// Percentage of posts from the global feed.
    pub global: i32,
}

impl From<FeedMix> for AtrariumFeedMix {
    fn from(m: FeedMix) -> Self {
        Self {
            own: m.own,
            parent: m.parent,
            global: m.global,
        }
    }
}

/// Health metrics of a community or theme feed; each metric is null until computed.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq)]
pub struct AtrariumHealthMetrics {
    /// Recent activity; the health check flags themes below 0.3.
    pub activity_score: Option<f64>,
    /// Growth rate of members or posts.
    pub growth_rate: Option<f64>,
    /// Engagement ratio.
    pub engagement: Option<f64>,
}

impl From<HealthMetrics> for AtrariumHealthMetrics {
    fn from(m: HealthMetrics) -> Self {
        Self {
            activity_score: m.activity_score,
            growth_rate: m.growth_rate,
            engagement: m.engagement,
        }
    }
}

/// The rules that pick posts into a theme feed.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct AtrariumFilterConfig {
    /// Hashtags to match, e.g. `#TypeScript`.
    pub hashtags: Vec<String>,
    /// Keywords to match in the post text.
    pub keywords: Vec<String>,
    /// Author DIDs whose posts are included.
    pub authors: Vec<String>,
}

impl From<FilterConfig> for AtrariumFilterConfig {
    fn from(c: FilterConfig) -> Self {
        Self {
            hashtags: c.hashtags,
            keywords: c.keywords,
            authors: c.authors,
        }
    }
}
