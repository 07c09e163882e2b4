//! The inputs of Atrarium's mutations, and their parsing into the service's types.
//!
//! Everything is checked here, before any SQL runs; a refusal is `BAD_USER_INPUT` whose
//! `field` is the input path as the client spelled it (`input.feedMix`,
//! `input.filterConfig.authors[1]`).

use std::collections::HashSet;

use async_graphql::{InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use entity::atrarium::{FeedMix, FilterConfig, HealthMetrics};

use super::service::communities::{CommunityChanges, NewCommunity};
use super::service::feeds::{NewThemeFeed, ThemeFeedChanges};
use super::service::posts::NewPost;
use super::types::{AtrariumRole, AtrariumStage};
use crate::error::{ApiError, ApiResult};
use crate::scalars::BigInt;
use crate::validate::{AtUri, Did, Name};

/// Longest community or theme feed name, in characters.
pub const MAX_NAME_LEN: usize = 100;
/// Most entries in each `filterConfig` list.
pub const MAX_FILTER_ITEMS: usize = 50;
/// Longest hashtag, `#` excluded, in characters.
pub const MAX_HASHTAG_LEN: usize = 64;
/// Longest keyword, in characters.
pub const MAX_KEYWORD_LEN: usize = 100;
/// How far in the future a post's `createdAt` may lie (clock skew), in seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// The collection of a feed generator record.
pub const FEED_GENERATOR_COLLECTION: &str = "app.bsky.feed.generator";
/// The collection of a post record.
pub const POST_COLLECTION: &str = "app.bsky.feed.post";

fn nothing_to_change() -> ApiError {
    ApiError::bad_input("input", "give at least one field to change")
}

// ------------------------------------------------------------------------- JSON shapes

/// How a community's feed is composed, in integer percentages that sum to 100.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct AtrariumFeedMixInput {
    /// Percentage of posts from the community's own feeds (0 to 100).
    pub own: i32,
    /// Percentage of posts from the parent community (0 to 100).
    pub parent: i32,
    /// Percentage of posts from the global feed (0 to 100).
    pub global: i32,
}

impl AtrariumFeedMixInput {
    /// Checks each share is 0 to 100 and that they sum to 100.
    pub fn parse(self, field: &str) -> ApiResult<FeedMix> {
        for (name, value) in [
            ("own", self.own),
            ("parent", self.parent),
            ("global", self.global),
        ] {
            if !(0..=100).contains(&value) {
                return Err(ApiError::bad_input(
                    format!("{field}.{name}"),
                    format!("{field}.{name} must be a percentage from 0 to 100"),
                ));
            }
        }
        let sum = self.own + self.parent + self.global;
        if sum != 100 {
            return Err(ApiError::bad_input(
                field,
                format!("the percentages of {field} must sum to 100, not {sum}"),
            ));
        }
        Ok(FeedMix {
            own: self.own,
            parent: self.parent,
            global: self.global,
        })
    }
}

/// Health metrics of a community or theme feed; an omitted (or null) metric is not
/// recorded.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct AtrariumHealthMetricsInput {
    /// Recent activity, from 0 to 1 (the health check flags themes below 0.3).
    pub activity_score: Option<f64>,
    /// Growth rate of members or posts (negative when shrinking).
    pub growth_rate: Option<f64>,
    /// Engagement ratio, 0 or more.
    pub engagement: Option<f64>,
}

impl AtrariumHealthMetricsInput {
    /// Checks every metric is a finite number in its range.
    pub fn parse(self, field: &str) -> ApiResult<HealthMetrics> {
        let check = |name: &str, v: Option<f64>, min: f64, max: f64| -> ApiResult<Option<f64>> {
            match v {
                Some(x) if !x.is_finite() || x < min || x > max => {
                    let range = match (min.is_finite(), max.is_finite()) {
                        (true, true) => format!("from {min} to {max}"),
                        (true, false) => format!("of {min} or more"),
                        _ => "that is finite".to_owned(),
                    };
                    Err(ApiError::bad_input(
                        format!("{field}.{name}"),
                        format!("{field}.{name} must be a number {range}"),
                    ))
                }
                v => Ok(v),
            }
        };
        Ok(HealthMetrics {
            activity_score: check("activityScore", self.activity_score, 0.0, 1.0)?,
            growth_rate: check(
                "growthRate",
                self.growth_rate,
                f64::NEG_INFINITY,
                f64::INFINITY,
            )?,
            engagement: check("engagement", self.engagement, 0.0, f64::INFINITY)?,
        })
    }
}

/// The rules that pick posts into a theme feed. Each list holds at most 50 distinct
/// entries; an omitted list is empty.
#[derive(InputObject, Clone, Debug, Default)]
pub struct AtrariumFilterConfigInput {
    /// Hashtags to match: `#` then 1 to 64 letters, digits or underscores (`#TypeScript`).
    #[graphql(default)]
    pub hashtags: Vec<String>,
    /// Keywords to match in the post text (1 to 100 characters each, trimmed).
    #[graphql(default)]
    pub keywords: Vec<String>,
    /// Author DIDs whose posts are included (`did:plc:...` or `did:web:...`).
    #[graphql(default)]
    pub authors: Vec<String>,
}

/// Parses every entry of a list, refusing more than [`MAX_FILTER_ITEMS`] and duplicates
/// (compared by `key`).
fn parse_list(
    field: &str,
    raw: Vec<String>,
    parse: impl Fn(&str, &str) -> ApiResult<String>,
    key: impl Fn(&str) -> String,
) -> ApiResult<Vec<String>> {
    if raw.len() > MAX_FILTER_ITEMS {
        return Err(ApiError::bad_input(
            field,
            format!("{field} holds at most {MAX_FILTER_ITEMS} entries"),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let value = parse(&at, entry)?;
        if !seen.insert(key(&value)) {
            return Err(ApiError::bad_input(
                at.as_str(),
                format!("{at} repeats an earlier entry of {field}"),
            ));
        }
        out.push(value);
    }
    Ok(out)
}

fn parse_hashtag(field: &str, raw: &str) -> ApiResult<String> {
    let tag = raw.trim();
    let body = tag.strip_prefix('#').unwrap_or_default();
    let len = body.chars().count();
    if !tag.starts_with('#')
        || len == 0
        || len > MAX_HASHTAG_LEN
        || !body.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return Err(ApiError::bad_input(
            field,
            format!(
                "{field} must be a hashtag: # then 1 to {MAX_HASHTAG_LEN} letters, digits or \
                 underscores"
            ),
        ));
    }
    Ok(tag.to_owned())
}

impl AtrariumFilterConfigInput {
    /// Checks each list's entries.
    pub fn parse(self, field: &str) -> ApiResult<FilterConfig> {
        Ok(FilterConfig {
            hashtags: parse_list(
                &format!("{field}.hashtags"),
                self.hashtags,
                parse_hashtag,
                str::to_lowercase,
            )?,
            keywords: parse_list(
                &format!("{field}.keywords"),
                self.keywords,
                |f, raw| Ok(Name::parse(f, raw, MAX_KEYWORD_LEN)?.into_inner()),
                str::to_lowercase,
            )?,
            authors: parse_list(
                &format!("{field}.authors"),
                self.authors,
                |f, raw| Ok(Did::parse(f, raw)?.into_inner()),
                str::to_owned,
            )?,
        })
    }
}

/// An AT URI of a record in `collection`.
fn parse_record_uri(field: &str, raw: &str, collection: &str) -> ApiResult<AtUri> {
    let uri = AtUri::parse(field, raw)?;
    if uri.collection.as_str() != collection {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be an at://<did>/{collection}/<rkey> URI"),
        ));
    }
    Ok(uri)
}

// --------------------------------------------------------------------------- communities

/// A community to create: a theme, owned by whoever creates it.
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumCreateCommunityInput {
    /// Display name (1 to 100 characters, trimmed).
    pub name: String,
    /// The community to nest it under; you must be an owner or moderator there.
    pub parent_id: Option<BigInt>,
    /// How its feed is composed (default 80 own, 15 parent, 5 global).
    pub feed_mix: Option<AtrariumFeedMixInput>,
    /// Initial health metrics (default: none recorded).
    pub health_metrics: Option<AtrariumHealthMetricsInput>,
}

impl AtrariumCreateCommunityInput {
    /// Checks and converts the input.
    pub fn parse(self) -> ApiResult<NewCommunity> {
        Ok(NewCommunity {
            name: Name::parse("input.name", &self.name, MAX_NAME_LEN)?,
            parent_id: self.parent_id.map(i64::from),
            feed_mix: self
                .feed_mix
                .map(|m| m.parse("input.feedMix"))
                .transpose()?
                .unwrap_or_default(),
            health_metrics: self
                .health_metrics
                .map(|m| m.parse("input.healthMetrics"))
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Changes to a community's settings (owners only); omitted fields stay as they are.
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumUpdateCommunityInput {
    /// The community's id.
    pub id: BigInt,
    /// A new display name (1 to 100 characters, trimmed).
    pub name: Option<String>,
    /// A new parent (you must be an owner or moderator there; not the community itself
    /// nor one of its descendants), or null to make the community a root.
    pub parent_id: MaybeUndefined<BigInt>,
    /// A new feed composition.
    pub feed_mix: Option<AtrariumFeedMixInput>,
    /// New health metrics, replacing the recorded ones as a whole.
    pub health_metrics: Option<AtrariumHealthMetricsInput>,
}

impl AtrariumUpdateCommunityInput {
    /// Checks and converts the input: the community's id and the changes.
    pub fn parse(self) -> ApiResult<(i64, CommunityChanges)> {
        let parent_id = crate::inputs::change(self.parent_id, |p| Ok(p.0))?;
        let changes = CommunityChanges {
            name: self
                .name
                .map(|n| Name::parse("input.name", &n, MAX_NAME_LEN))
                .transpose()?,
            parent_id,
            feed_mix: self
                .feed_mix
                .map(|m| m.parse("input.feedMix"))
                .transpose()?,
            health_metrics: self
                .health_metrics
                .map(|m| m.parse("input.healthMetrics"))
                .transpose()?,
        };
        if changes.is_empty() {
            return Err(nothing_to_change());
        }
        Ok((self.id.0, changes))
    }
}

/// Moves a community to the next stage of its lifecycle (owners only).
#[derive(InputObject, Clone, Copy, Debug)]
pub struct AtrariumAdvanceCommunityStageInput {
    /// The community's id.
    pub id: BigInt,
    /// The stage to move to: the one after the current (theme → community → graduated).
    pub stage: AtrariumStage,
}

impl AtrariumAdvanceCommunityStageInput {
    /// Refuses `THEME`, which no community can move to.
    pub fn parse(self) -> ApiResult<(i64, entity::atrarium::Stage)> {
        if self.stage == AtrariumStage::Theme {
            return Err(ApiError::bad_input(
                "input.stage",
                "every community starts as a theme; a stage can only advance \
                 (theme → community → graduated)",
            ));
        }
        Ok((self.id.0, self.stage.into()))
    }
}

// --------------------------------------------------------------------------- theme feeds

/// A theme feed to create in a community (owners and moderators).
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumCreateThemeFeedInput {
    /// The community's id.
    pub community_id: BigInt,
    /// Display name (1 to 100 characters, trimmed).
    pub name: String,
    /// The feed generator's URI, `at://<did>/app.bsky.feed.generator/<rkey>`; unique.
    pub feed_uri: String,
    /// The rules that pick posts into the feed.
    pub filter_config: AtrariumFilterConfigInput,
    /// Initial health metrics (default: none recorded).
    pub health_metrics: Option<AtrariumHealthMetricsInput>,
}

impl AtrariumCreateThemeFeedInput {
    /// Checks and converts the input.
    pub fn parse(self) -> ApiResult<NewThemeFeed> {
        Ok(NewThemeFeed {
            community_id: self.community_id.0,
            name: Name::parse("input.name", &self.name, MAX_NAME_LEN)?,
            feed_uri: parse_record_uri("input.feedUri", &self.feed_uri, FEED_GENERATOR_COLLECTION)?,
            filter_config: self.filter_config.parse("input.filterConfig")?,
            health_metrics: self
                .health_metrics
                .map(|m| m.parse("input.healthMetrics"))
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Changes to a theme feed (owners and moderators); omitted fields stay as they are.
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumUpdateThemeFeedInput {
    /// The feed's id.
    pub id: BigInt,
    /// A new display name (1 to 100 characters, trimmed).
    pub name: Option<String>,
    /// New filter rules, replacing the old ones as a whole.
    pub filter_config: Option<AtrariumFilterConfigInput>,
    /// New health metrics, replacing the recorded ones as a whole.
    pub health_metrics: Option<AtrariumHealthMetricsInput>,
}

impl AtrariumUpdateThemeFeedInput {
    /// Checks and converts the input: the feed's id and the changes.
    pub fn parse(self) -> ApiResult<(i64, ThemeFeedChanges)> {
        let changes = ThemeFeedChanges {
            name: self
                .name
                .map(|n| Name::parse("input.name", &n, MAX_NAME_LEN))
                .transpose()?,
            filter_config: self
                .filter_config
                .map(|c| c.parse("input.filterConfig"))
                .transpose()?,
            health_metrics: self
                .health_metrics
                .map(|m| m.parse("input.healthMetrics"))
                .transpose()?,
        };
        if changes.is_empty() {
            return Err(nothing_to_change());
        }
        Ok((self.id.0, changes))
    }
}

// --------------------------------------------------------------------------- memberships

/// A new role for a member (owners manage everyone; moderators manage members).
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumChangeMemberRoleInput {
    /// The community's id.
    pub community_id: BigInt,
    /// The member's DID.
    pub user_did: String,
    /// The role to give.
    pub role: AtrariumRole,
}

impl AtrariumChangeMemberRoleInput {
    /// Checks and converts the input: community, member, role.
    pub fn parse(self) -> ApiResult<(i64, Did, entity::atrarium::Role)> {
        Ok((
            self.community_id.0,
            Did::parse("input.userDid", &self.user_did)?,
            self.role.into(),
        ))
    }
}

/// A member to remove from a community (owners remove anyone but the last owner;
/// moderators remove members).
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumRemoveMemberInput {
    /// The community's id.
    pub community_id: BigInt,
    /// The member's DID.
    pub user_did: String,
}

impl AtrariumRemoveMemberInput {
    /// Checks and converts the input: community, member.
    pub fn parse(self) -> ApiResult<(i64, Did)> {
        Ok((
            self.community_id.0,
            Did::parse("input.userDid", &self.user_did)?,
        ))
    }
}

// --------------------------------------------------------------------------------- posts

/// A post to index into a theme feed (owners and moderators of its community).
#[derive(InputObject, Clone, Debug)]
pub struct AtrariumIndexPostInput {
    /// The theme feed's id.
    pub feed_id: BigInt,
    /// The post's URI, `at://<did>/app.bsky.feed.post/<rkey>`; its DID is the author.
    pub uri: String,
    /// When the post was created (at most five minutes in the future).
    pub created_at: DateTime<Utc>,
    /// Whether the post carries images or video.
    #[graphql(default)]
    pub has_media: bool,
}

impl AtrariumIndexPostInput {
    /// Checks and converts the input.
    pub fn parse(self) -> ApiResult<NewPost> {
        let uri = parse_record_uri("input.uri", &self.uri, POST_COLLECTION)?;
        let created_at = self.created_at.timestamp();
        if created_at < 0 {
            return Err(ApiError::bad_input(
                "input.createdAt",
                "input.createdAt must not be before 1970",
            ));
        }
        if created_at > Utc::now().timestamp() + MAX_CLOCK_SKEW_SECS {
            return Err(ApiError::bad_input(
                "input.createdAt",
                "input.createdAt must not lie in the future",
            ));
        }
        Ok(NewPost {
            feed_id: self.feed_id.0,
            uri,
            created_at,
            has_media: self.has_media,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn field_of<T: std::fmt::Debug>(r: ApiResult<T>) -> String {
        match r.unwrap_err() {
            ApiError::BadUserInput { field, .. } => field.unwrap_or_default(),
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    #[test]
    fn feed_mix_shares_are_percentages_summing_to_100() {
        let mix = |own, parent, global| AtrariumFeedMixInput {
            own,
            parent,
            global,
        };
        assert_eq!(
            mix(100, 0, 0).parse("input.feedMix").unwrap(),
            FeedMix {
                own: 100,
                parent: 0,
                global: 0
            }
        );
        assert_eq!(
            field_of(mix(80, 15, 4).parse("input.feedMix")),
            "input.feedMix"
        );
        assert_eq!(
            field_of(mix(50, 60, -10).parse("input.feedMix")),
            "input.feedMix.global"
        );
        assert_eq!(
            field_of(mix(i32::MAX, 1, 0).parse("input.feedMix")),
            "input.feedMix.own"
        );
    }

    #[test]
    fn health_metrics_are_finite_and_in_range() {
        let m = AtrariumHealthMetricsInput {
            activity_score: Some(0.0),
            growth_rate: Some(-3.5),
            engagement: None,
        };
        assert_eq!(
            m.parse("h").unwrap(),
            HealthMetrics {
                activity_score: Some(0.0),
                growth_rate: Some(-3.5),
                engagement: None
            }
        );
        let bad = AtrariumHealthMetricsInput {
            growth_rate: Some(f64::NAN),
            ..Default::default()
        };
        assert_eq!(field_of(bad.parse("h")), "h.growthRate");
    }

    #[test]
    fn filter_lists_are_checked_entry_by_entry() {
        let config = AtrariumFilterConfigInput {
            hashtags: vec![" #Rust ".into(), "#日本語".into(), "#a_b1".into()],
            keywords: vec![" web dev ".into()],
            authors: vec!["did:web:example.com".into()],
        };
        assert_eq!(
            config.parse("f").unwrap(),
            FilterConfig {
                hashtags: vec!["#Rust".into(), "#日本語".into(), "#a_b1".into()],
                keywords: vec!["web dev".into()],
                authors: vec!["did:web:example.com".into()],
            }
        );
        for (hashtags, field) in [
            (vec!["#"], "f.hashtags[0]"),
            (vec!["#ok", "##"], "f.hashtags[1]"),
            (vec!["#ok", "#OK"], "f.hashtags[1]"),
        ] {
            let config = AtrariumFilterConfigInput {
                hashtags: hashtags.into_iter().map(String::from).collect(),
                ..Default::default()
            };
            assert_eq!(field_of(config.parse("f")), field);
        }
        let long = AtrariumFilterConfigInput {
            hashtags: vec![format!("#{}", "a".repeat(MAX_HASHTAG_LEN + 1))],
            ..Default::default()
        };
        assert_eq!(field_of(long.parse("f")), "f.hashtags[0]");
    }

    #[test]
    fn no_community_moves_to_theme_and_posts_are_not_from_the_future() {
        let to_theme = AtrariumAdvanceCommunityStageInput {
            id: BigInt(1),
            stage: AtrariumStage::Theme,
        };
        assert_eq!(field_of(to_theme.parse()), "input.stage");
        let post = |created_at| AtrariumIndexPostInput {
            feed_id: BigInt(1),
            uri: "at://did:plc:ragtjsm2j2vknwkz3zp4oxrd/app.bsky.feed.post/3k".into(),
            created_at,
            has_media: false,
        };
        assert!(post(Utc::now()).parse().is_ok());
        let later = Utc::now() + chrono::Duration::seconds(MAX_CLOCK_SKEW_SECS + 60);
        assert_eq!(field_of(post(later).parse()), "input.createdAt");
    }
}
