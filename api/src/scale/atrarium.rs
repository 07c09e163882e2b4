//! Atrarium scale data (see [`crate::scale`]): communities (three in ten themes, half
//! graduated or growing, two in three with a parent created before them), each with 50
//! members drawn from the PDS's accounts (an owner, two moderators) and 5 theme feeds of
//! 100 indexed posts by those members; the first feed holds 1,000 (a feed to page through).
//! Member and post counts are kept true.

use entity::atrarium::{
    FeedMix, FilterConfig, HealthMetrics, Role, Stage, communities, memberships, post_index,
    theme_feeds,
};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::scale::{Batch, CHUNK, Plan, Rng, flush_all, sync_sequence};

/// The data tables, checked for emptiness before seeding.
pub const TABLES: &[&str] = &["communities", "memberships", "theme_feeds", "post_index"];

/// Members per community.
pub const MEMBERS_PER_COMMUNITY: u64 = 50;
/// Theme feeds per community.
pub const FEEDS_PER_COMMUNITY: u64 = 5;
/// Indexed posts per feed.
pub const POSTS_PER_FEED: u64 = 100;
/// Indexed posts of the first feed (id 1, the first community's), at every scale: long
/// enough to page through 1,000 posts.
pub const LONG_FEED_POSTS: u64 = 1_000;

const TOPICS: [&str; 16] = [
    "rust",
    "gardening",
    "synths",
    "climbing",
    "film",
    "chess",
    "sourdough",
    "astronomy",
    "cycling",
    "typography",
    "birding",
    "ceramics",
    "jazz",
    "retro-games",
    "poetry",
    "sailing",
];

/// Unix seconds of the scale epoch.
fn base() -> i64 {
    crate::scale::epoch().timestamp()
}

/// Writes Atrarium's scale data in one transaction; the rows per table.
pub async fn seed(
    db: &DatabaseConnection,
    plan: &Plan,
    seed: u64,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let dids = crate::scale::pds_dids(plan, seed);
    let n_dids = dids.len() as u64;
    let mut rng = Rng::new(seed, 1);
    let txn = db.begin().await?;
    let mut communities_out = Batch::<_, communities::ActiveModel>::new(&txn);
    let mut members_out = Batch::<_, memberships::ActiveModel>::new(&txn);
    let mut feeds_out = Batch::<_, theme_feeds::ActiveModel>::new(&txn);
    let mut posts_out = Batch::<_, post_index::ActiveModel>::new(&txn);
    let mut feed_id: i64 = 0;
    let mut post_id: i64 = 0;
    for c in 0..plan.communities {
        let id = i64::try_from(c).unwrap_or(i64::MAX) + 1;
        let created = base() + id * 3_600;
        let stage = match c % 10 {
            0..=2 => Stage::Theme,
            3..=7 => Stage::Community,
            _ => Stage::Graduated,
        };
        let parent_id = (c > 0 && c % 3 != 0).then(|| i64::try_from(rng.below(c)).unwrap_or(0) + 1);
        let topic = rng.pick(&TOPICS);
        let health = HealthMetrics {
            activity_score: Some((rng.below(1000) as f64) / 10.0),
            growth_rate: Some((rng.below(400) as f64) / 1000.0 - 0.1),
            engagement: Some((rng.below(1000) as f64) / 1000.0),
        };
        let first = rng.below(n_dids);
        let members: Vec<&String> = (0..MEMBERS_PER_COMMUNITY)
            .map(|k| &dids[((first + k) % n_dids) as usize])
            .collect();
        for (k, did) in members.iter().enumerate() {
            members_out.push(memberships::Model {
                community_id: id,
                user_did: (*did).clone(),
                role: match k {
                    0 => Role::Owner,
                    1 | 2 => Role::Moderator,
                    _ => Role::Member,
                },
                joined_at: created + i64::try_from(k).unwrap_or(0) * 600,
            });
        }
        let mut last_activity = created;
        let mut community_posts = 0;
        for f in 0..FEEDS_PER_COMMUNITY {
            feed_id += 1;
            let feed_created = created + 60 + i64::try_from(f).unwrap_or(0);
            let mut last_post = feed_created;
            let feed_posts = if feed_id == 1 {
                LONG_FEED_POSTS
            } else {
                POSTS_PER_FEED
            };
            community_posts += feed_posts;
            for _ in 0..feed_posts {
                post_id += 1;
                let author = members[rng.below(MEMBERS_PER_COMMUNITY) as usize];
                // A post a minute after its feed, interleaved over all feeds.
                let at = feed_created + 120 + post_id;
                last_post = last_post.max(at);
                posts_out.push(post_index::Model {
                    id: post_id,
                    feed_id,
                    uri: format!(
                        "at://{author}/app.bsky.feed.post/{}",
                        crate::codec::tid::of_time(
                            crate::scale::epoch()
                                + chrono::Duration::seconds(at - base())
                                + chrono::Duration::microseconds(post_id % 1_000_000),
                            0
                        )
                    ),
                    author_did: author.clone(),
                    created_at: at,
                    has_media: rng.percent(25),
                });
            }
            last_activity = last_activity.max(last_post);
            feeds_out.push(theme_feeds::Model {
                id: feed_id,
                community_id: id,
                name: format!("{topic} #{f}"),
                feed_uri: format!("at://{}/app.bsky.feed.generator/c{id}-f{f}", members[0]),
                filter_config: FilterConfig {
                    hashtags: vec![format!("#{topic}")],
                    keywords: vec![topic.to_string()],
                    authors: Vec::new(),
                },
                health_metrics: health,
                post_count: i32::try_from(feed_posts).unwrap_or(i32::MAX),
                last_post_at: Some(last_post),
                created_at: feed_created,
            });
        }
        communities_out.push(communities::Model {
            id,
            name: format!("{topic} {c}"),
            stage,
            parent_id,
            feed_mix: FeedMix::default(),
            health_metrics: health,
            member_count: i32::try_from(MEMBERS_PER_COMMUNITY).unwrap_or(i32::MAX),
            post_count: i32::try_from(community_posts).unwrap_or(i32::MAX),
            created_at: created,
            updated_at: last_activity,
        });
        if posts_out.pending() as u64 >= CHUNK {
            flush_all!(communities_out, members_out, feeds_out, posts_out);
        }
    }
    let tables = vec![
        communities_out.finish().await?,
        members_out.finish().await?,
        feeds_out.finish().await?,
        posts_out.finish().await?,
    ];
    for table in ["communities", "theme_feeds", "post_index"] {
        sync_sequence(&txn, table, "id").await?;
    }
    txn.commit().await?;
    Ok(tables)
}
