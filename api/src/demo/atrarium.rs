//! A small, linked Atrarium data set for GraphiQL: a few community trees across all three
//! stages, their theme feeds with indexed posts, and memberships of the shared demo
//! identities (alice, bob, carol and dave `.mosaic.test`).

use entity::atrarium::{
    FeedMix, FilterConfig, HealthMetrics, Role, Stage, communities, memberships, post_index,
    theme_feeds,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    Set, TransactionTrait,
};

use crate::codec::tid;

/// alice.mosaic.test
const ALICE: &str = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";
/// bob.mosaic.test
const BOB: &str = "did:plc:44ybard66vv44zksje25o7dz";
/// carol.mosaic.test
const CAROL: &str = "did:plc:z72i7hdynmk6r22z27h6tvur";
/// dave.mosaic.test
const DAVE: &str = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
const DIDS: [&str; 4] = [ALICE, BOB, CAROL, DAVE];

/// 2025-09-01T00:00:00Z: the demo's first community.
const START: i64 = 1_756_684_800;
const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

/// One demo community: name, stage, parent (index into the list), health metrics
/// (activity, growth, engagement), feed mix, owner and other members.
struct CommunitySpec {
    name: &'static str,
    stage: Stage,
    parent: Option<usize>,
    health: Option<(f64, f64, f64)>,
    mix: (i32, i32, i32),
    owner: &'static str,
    members: &'static [(&'static str, Role)],
    feeds: &'static [FeedSpec],
}

/// One demo theme feed: name, rkey of the feed generator, hashtags, keywords.
struct FeedSpec {
    name: &'static str,
    rkey: &'static str,
    hashtags: &'static [&'static str],
    keywords: &'static [&'static str],
}

const COMMUNITIES: [CommunitySpec; 8] = [
    CommunitySpec {
        name: "Rust",
        stage: Stage::Graduated,
        parent: None,
        health: Some((0.86, 0.14, 0.47)),
        mix: (80, 15, 5),
        owner: ALICE,
        members: &[
            (BOB, Role::Moderator),
            (CAROL, Role::Member),
            (DAVE, Role::Member),
        ],
        feeds: &[
            FeedSpec {
                name: "Rust News",
                rkey: "rust-news",
                hashtags: &["#rustlang", "#rust"],
                keywords: &["rustc", "crates.io", "release"],
            },
            FeedSpec {
                name: "Rust Help",
                rkey: "rust-help",
                hashtags: &["#rusthelp"],
                keywords: &["borrow checker", "lifetime", "trait bound"],
            },
        ],
    },
    CommunitySpec {
        name: "Rust Async",
        stage: Stage::Community,
        parent: Some(0),
        health: Some((0.58, 0.09, 0.36)),
        mix: (70, 25, 5),
        owner: BOB,
        members: &[(ALICE, Role::Member), (DAVE, Role::Moderator)],
        feeds: &[FeedSpec {
            name: "Tokio & Friends",
            rkey: "rust-async",
            hashtags: &["#tokio", "#asyncrust"],
            keywords: &["async fn", "futures", "executor"],
        }],
    },
    CommunitySpec {
        name: "Rust Embedded",
        stage: Stage::Theme,
        parent: Some(0),
        health: Some((0.21, 0.04, 0.17)),
        mix: (60, 35, 5),
        owner: DAVE,
        members: &[(CAROL, Role::Member)],
        feeds: &[FeedSpec {
            name: "Embedded Rust",
            rkey: "rust-embedded",
            hashtags: &["#embeddedrust", "#nostd"],
            keywords: &["embassy", "probe-rs", "RP2040"],
        }],
    },
    CommunitySpec {
        name: "Photography",
        stage: Stage::Graduated,
        parent: None,
        health: Some((0.79, 0.11, 0.52)),
        mix: (80, 15, 5),
        owner: CAROL,
        members: &[(ALICE, Role::Moderator), (BOB, Role::Member)],
        feeds: &[
            FeedSpec {
                name: "Photo of the Day",
                rkey: "photo-daily",
                hashtags: &["#photography", "#photooftheday"],
                keywords: &["golden hour", "composition"],
            },
            FeedSpec {
                name: "Gear Talk",
                rkey: "photo-gear",
                hashtags: &["#cameragear"],
                keywords: &["lens", "mirrorless", "tripod"],
            },
        ],
    },
    CommunitySpec {
        name: "Film Photography",
        stage: Stage::Community,
        parent: Some(3),
        health: Some((0.44, 0.06, 0.39)),
        mix: (75, 20, 5),
        owner: ALICE,
        members: &[(CAROL, Role::Moderator), (DAVE, Role::Member)],
        feeds: &[
            FeedSpec {
                name: "Film Shooters",
                rkey: "film-photo",
                hashtags: &["#filmphotography", "#believeinfilm"],
                keywords: &["35mm", "medium format", "Portra"],
            },
            FeedSpec {
                name: "Darkroom",
                rkey: "darkroom",
                hashtags: &["#darkroom"],
                keywords: &["developing", "enlarger", "fixer"],
            },
        ],
    },
    CommunitySpec {
        name: "Street Photography",
        stage: Stage::Theme,
        parent: Some(3),
        health: Some((0.27, 0.03, 0.22)),
        mix: (60, 30, 10),
        owner: BOB,
        members: &[],
        feeds: &[FeedSpec {
            name: "Street Frames",
            rkey: "street-photo",
            hashtags: &["#streetphotography"],
            keywords: &["candid", "urban"],
        }],
    },
    CommunitySpec {
        name: "Urban Gardening",
        stage: Stage::Theme,
        parent: None,
        health: Some((0.12, 0.02, 0.08)),
        mix: (85, 0, 15),
        owner: CAROL,
        members: &[(DAVE, Role::Member)],
        feeds: &[FeedSpec {
            name: "City Gardens",
            rkey: "urban-gardening",
            hashtags: &["#urbangardening", "#gardening"],
            keywords: &["raised bed", "compost", "community garden"],
        }],
    },
    CommunitySpec {
        name: "Balcony Tomatoes",
        stage: Stage::Theme,
        parent: Some(6),
        health: None,
        mix: (70, 25, 5),
        owner: DAVE,
        members: &[(ALICE, Role::Member)],
        feeds: &[FeedSpec {
            name: "Tomato Watch",
            rkey: "balcony-tomatoes",
            hashtags: &["#tomatoes", "#balconygarden"],
            keywords: &["cherry tomato", "container"],
        }],
    },
];

/// Inserts the demo data set into Atrarium's pool, in one transaction. Does nothing if
/// any community exists already.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    if communities::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let txn = db.begin().await?;
    let mut ids: Vec<i64> = Vec::with_capacity(COMMUNITIES.len());
    let mut post_n: i64 = 0;
    for (ci, spec) in COMMUNITIES.iter().enumerate() {
        let created = START + (ci as i64) * 9 * DAY;
        let community = communities::ActiveModel {
            id: NotSet,
            name: Set(spec.name.to_owned()),
            stage: Set(spec.stage),
            parent_id: Set(spec.parent.and_then(|p| ids.get(p).copied())),
            feed_mix: Set(FeedMix {
                own: spec.mix.0,
                parent: spec.mix.1,
                global: spec.mix.2,
            }),
            health_metrics: Set(spec
                .health
                .map(|(a, g, e)| HealthMetrics {
                    activity_score: Some(a),
                    growth_rate: Some(g),
                    engagement: Some(e),
                })
                .unwrap_or_default()),
            member_count: Set(0),
            post_count: Set(0),
            created_at: Set(created),
            updated_at: Set(created),
        }
        .insert(&txn)
        .await?;
        ids.push(community.id);

        // Memberships: the owner first, then the others a few days apart.
        let mut joined = created;
        let mut members = 0;
        for (did, role) in
            std::iter::once((spec.owner, Role::Owner)).chain(spec.members.iter().copied())
        {
            memberships::ActiveModel {
                community_id: Set(community.id),
                user_did: Set(did.to_owned()),
                role: Set(role),
                joined_at: Set(joined),
            }
            .insert(&txn)
            .await?;
            joined += 2 * DAY + (members + 1) * 5 * HOUR;
            members += 1;
        }

        // Theme feeds owned by the community's owner, each with 5 to 15 posts.
        let mut community_posts = 0;
        let mut last_activity = created;
        for (fi, feed) in spec.feeds.iter().enumerate() {
            let feed_created = created + (fi as i64) * DAY + HOUR;
            let n_posts = 5 + ((ci * 7 + fi * 4) % 11) as i64;
            let first_post = feed_created + 3 * HOUR;
            let last_post = first_post + (n_posts - 1) * 7 * HOUR;
            let authors: Vec<String> = std::iter::once(spec.owner)
                .chain(spec.members.iter().map(|(d, _)| *d))
                .map(str::to_owned)
                .collect();
            let f = theme_feeds::ActiveModel {
                id: NotSet,
                community_id: Set(community.id),
                name: Set(feed.name.to_owned()),
                feed_uri: Set(format!(
                    "at://{}/app.bsky.feed.generator/{}",
                    spec.owner, feed.rkey
                )),
                filter_config: Set(FilterConfig {
                    hashtags: feed.hashtags.iter().map(|s| (*s).to_owned()).collect(),
                    keywords: feed.keywords.iter().map(|s| (*s).to_owned()).collect(),
                    authors,
                }),
                health_metrics: Set(spec
                    .health
                    .map(|(a, g, e)| HealthMetrics {
                        activity_score: Some((a * (1.0 - 0.1 * fi as f64) * 100.0).round() / 100.0),
                        growth_rate: Some(g),
                        engagement: Some(e),
                    })
                    .unwrap_or_default()),
                post_count: Set(n_posts as i32),
                last_post_at: Set(Some(last_post)),
                created_at: Set(feed_created),
            }
            .insert(&txn)
            .await?;
            for k in 0..n_posts {
                let at = first_post + k * 7 * HOUR;
                let author = DIDS[((post_n + k) % 4) as usize];
                post_index::ActiveModel {
                    id: NotSet,
                    feed_id: Set(f.id),
                    uri: Set(format!(
                        "at://{author}/app.bsky.feed.post/{}",
                        tid::of_micros(at * 1_000_000 + k * 1_000, (post_n + k) as u64)
                    )),
                    author_did: Set(author.to_owned()),
                    created_at: Set(at),
                    has_media: Set((post_n + k) % 3 == 0),
                }
                .insert(&txn)
                .await?;
            }
            post_n += n_posts;
            community_posts += n_posts;
            last_activity = last_activity.max(last_post);
        }

        let mut c: communities::ActiveModel = community.into();
        c.member_count = Set(members as i32);
        c.post_count = Set(community_posts as i32);
        c.updated_at = Set(last_activity);
        c.update(&txn).await?;
    }
    txn.commit().await
}
