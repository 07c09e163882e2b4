//! Atrarium's storage: migrations, catalog, constraints, JSON defaults, cascades, the
//! community tree, round trips.

use entity::Domain;
use entity::atrarium::{
    FeedMix, FilterConfig, HealthMetrics, Role, Stage, communities, memberships, post_index,
    theme_feeds,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel,
    ModelTrait, QueryOrder, Statement,
};

use crate::helpers::{
    CHANGE_LOG, TableSpec, TestDb, assert_catalog, assert_migrations_reversible, count,
    expect_rejected,
};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    assert_migrations_reversible(Domain::Atrarium).await;
}

#[tokio::test]
async fn catalog_matches_the_seed() {
    let db = TestDb::migrated().await;
    let spec = [
        TableSpec {
            name: "communities",
            columns: &[
                ("id", false),
                ("name", false),
                ("stage", false),
                ("parent_id", true),
                ("feed_mix", false),
                ("health_metrics", false),
                ("member_count", false),
                ("post_count", false),
                ("created_at", false),
                ("updated_at", false),
            ],
            indexes: &["idx_communities_stage", "idx_communities_parent"],
        },
        TableSpec {
            name: "theme_feeds",
            columns: &[
                ("id", false),
                ("community_id", false),
                ("name", false),
                ("feed_uri", false),
                ("filter_config", false),
                ("health_metrics", false),
                ("post_count", false),
                ("last_post_at", true),
                ("created_at", false),
            ],
            indexes: &["idx_theme_feeds_community", "idx_theme_feeds_uri"],
        },
        TableSpec {
            name: "memberships",
            columns: &[
                ("community_id", false),
                ("user_did", false),
                ("role", false),
                ("joined_at", false),
            ],
            indexes: &["idx_memberships_user", "idx_memberships_role"],
        },
        TableSpec {
            name: "post_index",
            columns: &[
                ("id", false),
                ("feed_id", false),
                ("uri", false),
                ("author_did", false),
                ("created_at", false),
                ("has_media", false),
            ],
            indexes: &[
                "idx_post_index_feed",
                "idx_post_index_uri",
                "idx_post_index_author",
            ],
        },
        CHANGE_LOG,
    ];
    assert_catalog(db.get(Domain::Atrarium), &spec).await;
}

const COMMUNITY_1: &str =
    "INSERT INTO communities (id, name, stage) VALUES (1, 'Rustaceans', 'community')";
const COMMUNITY_2: &str =
    "INSERT INTO communities (id, name, stage, parent_id) VALUES (2, 'Async Rust', 'theme', 1)";
const FEED_1: &str = "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
     VALUES (10, 1, 'Rust', 'at://did:plc:atr/app.bsky.feed.generator/rust', '{\"hashtags\":[\"#rust\"]}')";
const MEMBER_1: &str = "INSERT INTO memberships (community_id, user_did, role) \
     VALUES (1, 'did:plc:ada', 'owner')";

async fn run_all(conn: &DatabaseConnection, sqls: &[&str]) {
    for sql in sqls {
        conn.execute_unprepared(sql).await.unwrap();
    }
}

/// A JSON column as the database stores it, as text.
async fn json_text(conn: &DatabaseConnection, table: &str, col: &str, id: i64) -> String {
    let sql = format!("SELECT CAST({col} AS TEXT) FROM {table} WHERE id = {id}");
    conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap()
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn enum_checks_reject_unknown_values() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(conn, &[COMMUNITY_1, MEMBER_1]).await;
    expect_rejected(
        conn,
        "INSERT INTO communities (id, name, stage) VALUES (3, 'Bad', 'incubating')",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO communities (id, name, stage) VALUES (3, 'Bad', 'Theme')",
    )
    .await;
    expect_rejected(
        conn,
        "UPDATE communities SET stage = 'archived' WHERE id = 1",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO memberships (community_id, user_did, role) VALUES (1, 'did:plc:bob', 'admin')",
    )
    .await;
    expect_rejected(
        conn,
        "UPDATE memberships SET role = 'guest' WHERE user_did = 'did:plc:ada'",
    )
    .await;
    // Every declared value is accepted.
    for (i, stage) in ["theme", "community", "graduated"].iter().enumerate() {
        conn.execute_unprepared(&format!(
            "INSERT INTO communities (id, name, stage) VALUES ({}, 'ok', '{stage}')",
            100 + i
        ))
        .await
        .unwrap();
    }
    for role in ["moderator", "member"] {
        conn.execute_unprepared(&format!(
            "INSERT INTO memberships (community_id, user_did, role) VALUES (1, 'did:plc:{role}', '{role}')"
        ))
        .await
        .unwrap();
    }
    assert_eq!(count(conn, "communities").await, 4);
    assert_eq!(count(conn, "memberships").await, 3);
    let c = communities::Entity::find_by_id(1)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.stage, Stage::Community);
}

#[tokio::test]
async fn unique_and_primary_keys_reject_duplicates() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(conn, &[COMMUNITY_1, COMMUNITY_2, FEED_1, MEMBER_1]).await;
    // feed_uri is unique, across communities too.
    expect_rejected(
        conn,
        "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
         VALUES (11, 2, 'Again', 'at://did:plc:atr/app.bsky.feed.generator/rust', '{}')",
    )
    .await;
    // One membership per (community, user), whatever the role ...
    expect_rejected(
        conn,
        "INSERT INTO memberships (community_id, user_did, role) VALUES (1, 'did:plc:ada', 'member')",
    )
    .await;
    // ... but the same user may join another community.
    conn.execute_unprepared(
        "INSERT INTO memberships (community_id, user_did, role) VALUES (2, 'did:plc:ada', 'member')",
    )
    .await
    .unwrap();
    // Primary keys of the auto-increment tables.
    expect_rejected(
        conn,
        "INSERT INTO communities (id, name, stage) VALUES (1, 'Twin', 'theme')",
    )
    .await;
    // NOT NULL without default: filter_config.
    expect_rejected(
        conn,
        "INSERT INTO theme_feeds (id, community_id, name, feed_uri) \
         VALUES (12, 1, 'No filter', 'at://did:plc:atr/app.bsky.feed.generator/nofilter')",
    )
    .await;
    assert_eq!(count(conn, "communities").await, 2);
    assert_eq!(count(conn, "theme_feeds").await, 1);
    assert_eq!(count(conn, "memberships").await, 2);
}

#[tokio::test]
async fn foreign_keys_reject_dangling_references() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(conn, &[COMMUNITY_1, FEED_1]).await;
    expect_rejected(
        conn,
        "INSERT INTO communities (id, name, stage, parent_id) VALUES (2, 'Orphan', 'theme', 99)",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
         VALUES (11, 99, 'Ghost', 'at://did:plc:atr/app.bsky.feed.generator/ghost', '{}')",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO memberships (community_id, user_did, role) VALUES (99, 'did:plc:ada', 'owner')",
    )
    .await;
    expect_rejected(
        conn,
        "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
         VALUES (99, 'at://did:plc:ada/app.bsky.feed.post/1', 'did:plc:ada', 1700000000)",
    )
    .await;
    assert_eq!(count(conn, "communities").await, 1);
    assert_eq!(count(conn, "theme_feeds").await, 1);
    assert_eq!(count(conn, "memberships").await, 0);
    assert_eq!(count(conn, "post_index").await, 0);
}

#[tokio::test]
async fn seed_defaults_decode_into_typed_values() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(
        conn,
        &[
            COMMUNITY_1,
            "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
             VALUES (10, 1, 'Empty', 'at://did:plc:atr/app.bsky.feed.generator/empty', '{}')",
            MEMBER_1,
            "INSERT INTO post_index (id, feed_id, uri, author_did, created_at) \
             VALUES (1, 10, 'at://did:plc:ada/app.bsky.feed.post/1', 'did:plc:ada', 1700000000)",
        ],
    )
    .await;
    let now = now_secs();

    let c = communities::Entity::find_by_id(1)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        c.feed_mix,
        FeedMix {
            own: 80,
            parent: 15,
            global: 5
        }
    );
    assert_eq!(c.feed_mix, FeedMix::default());
    assert_eq!(c.health_metrics, HealthMetrics::default());
    assert_eq!((c.member_count, c.post_count), (0, 0));
    assert_eq!(c.parent_id, None);
    assert!(
        (now - c.created_at).abs() < 120,
        "created_at {}",
        c.created_at
    );
    assert!(
        (now - c.updated_at).abs() < 120,
        "updated_at {}",
        c.updated_at
    );

    let f = theme_feeds::Entity::find_by_id(10)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        f.filter_config,
        FilterConfig::default(),
        "missing lists read as empty"
    );
    assert_eq!(f.health_metrics, HealthMetrics::default());
    assert_eq!(f.post_count, 0);
    assert_eq!(f.last_post_at, None);
    assert!(
        (now - f.created_at).abs() < 120,
        "created_at {}",
        f.created_at
    );

    let m = memberships::Entity::find_by_id((1, "did:plc:ada".to_owned()))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.role, Role::Owner);
    assert!((now - m.joined_at).abs() < 120, "joined_at {}", m.joined_at);

    let p = post_index::Entity::find_by_id(1)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!(!p.has_media);
    assert_eq!(p.created_at, 1_700_000_000);

    // A partial filter_config written by hand decodes with the missing lists empty.
    let rust = FilterConfig {
        hashtags: vec!["#rust".into()],
        ..FilterConfig::default()
    };
    conn.execute_unprepared(
        FEED_1
            .replace("(10,", "(11,")
            .replace("/rust'", "/rust2'")
            .as_str(),
    )
    .await
    .unwrap();
    let f = theme_feeds::Entity::find_by_id(11)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.filter_config, rust);
}

#[tokio::test]
async fn absent_health_metrics_are_not_written() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    let metrics = HealthMetrics {
        activity_score: Some(0.25),
        growth_rate: None,
        engagement: Some(0.125),
    };
    let c = communities::Model {
        id: 1,
        name: "Rustaceans".into(),
        stage: Stage::Theme,
        parent_id: None,
        feed_mix: FeedMix {
            own: 100,
            parent: 0,
            global: 0,
        },
        health_metrics: metrics,
        member_count: 0,
        post_count: 0,
        created_at: 1_700_000_000,
        updated_at: 1_700_000_000,
    };
    c.clone().into_active_model().insert(conn).await.unwrap();
    let stored: serde_json::Value =
        serde_json::from_str(&json_text(conn, "communities", "health_metrics", 1).await).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({ "activity_score": 0.25, "engagement": 0.125 })
    );
    let stored: serde_json::Value =
        serde_json::from_str(&json_text(conn, "communities", "feed_mix", 1).await).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({ "own": 100, "parent": 0, "global": 0 })
    );
    assert_eq!(
        communities::Entity::find_by_id(1).one(conn).await.unwrap(),
        Some(c)
    );
}

#[tokio::test]
async fn deleting_a_community_cascades_to_its_feeds_posts_and_memberships() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(
        conn,
        &[
            COMMUNITY_1,
            "INSERT INTO communities (id, name, stage) VALUES (2, 'Gardeners', 'graduated')",
            FEED_1,
            "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
             VALUES (11, 1, 'Async', 'at://did:plc:atr/app.bsky.feed.generator/async', '{}')",
            "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
             VALUES (20, 2, 'Plants', 'at://did:plc:atr/app.bsky.feed.generator/plants', '{}')",
            "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
             VALUES (10, 'at://did:plc:ada/app.bsky.feed.post/1', 'did:plc:ada', 1700000001)",
            "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
             VALUES (10, 'at://did:plc:ada/app.bsky.feed.post/2', 'did:plc:ada', 1700000002)",
            "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
             VALUES (11, 'at://did:plc:bob/app.bsky.feed.post/3', 'did:plc:bob', 1700000003)",
            "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
             VALUES (20, 'at://did:plc:eve/app.bsky.feed.post/4', 'did:plc:eve', 1700000004)",
            MEMBER_1,
            "INSERT INTO memberships (community_id, user_did, role) VALUES (1, 'did:plc:bob', 'member')",
            "INSERT INTO memberships (community_id, user_did, role) VALUES (2, 'did:plc:ada', 'moderator')",
        ],
    )
    .await;
    let rustaceans = communities::Entity::find_by_id(1)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    rustaceans.delete(conn).await.unwrap();

    assert_eq!(
        count(conn, "communities").await,
        1,
        "the other community stays"
    );
    let feeds = theme_feeds::Entity::find().all(conn).await.unwrap();
    assert_eq!(feeds.iter().map(|f| f.id).collect::<Vec<_>>(), [20]);
    let posts = post_index::Entity::find().all(conn).await.unwrap();
    assert_eq!(posts.iter().map(|p| p.feed_id).collect::<Vec<_>>(), [20]);
    let members = memberships::Entity::find().all(conn).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.community_id, m.user_did.as_str()))
            .collect::<Vec<_>>(),
        [(2, "did:plc:ada")]
    );

    // Deleting a feed removes only its own posts.
    conn.execute_unprepared(
        "INSERT INTO theme_feeds (id, community_id, name, feed_uri, filter_config) \
         VALUES (21, 2, 'Trees', 'at://did:plc:atr/app.bsky.feed.generator/trees', '{}')",
    )
    .await
    .unwrap();
    conn.execute_unprepared(
        "INSERT INTO post_index (feed_id, uri, author_did, created_at) \
         VALUES (21, 'at://did:plc:eve/app.bsky.feed.post/5', 'did:plc:eve', 1700000005)",
    )
    .await
    .unwrap();
    theme_feeds::Entity::delete_by_id(20)
        .exec(conn)
        .await
        .unwrap();
    let posts = post_index::Entity::find().all(conn).await.unwrap();
    assert_eq!(posts.iter().map(|p| p.feed_id).collect::<Vec<_>>(), [21]);
    assert_eq!(count(conn, "memberships").await, 1);
}

#[tokio::test]
async fn the_community_tree_does_not_cascade_and_loads_both_ways() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    run_all(
        conn,
        &[
            COMMUNITY_1,
            COMMUNITY_2,
            "INSERT INTO communities (id, name, stage, parent_id) VALUES (3, 'Embedded Rust', 'theme', 1)",
            "INSERT INTO communities (id, name, stage, parent_id) VALUES (4, 'Tokio', 'theme', 2)",
            FEED_1,
            MEMBER_1,
        ],
    )
    .await;

    // parent / children, loaded through the self reference.
    let tree = communities::Entity::load()
        .with(communities::Relation::Parent)
        .with(communities::Relation::Children)
        .order_by_asc(communities::Column::Id)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(tree.len(), 4);
    assert!(tree[0].parent.is_unloaded_or_not_found());
    let mut children: Vec<i64> = tree[0].children.iter().map(|c| c.id).collect();
    children.sort_unstable();
    assert_eq!(children, [2, 3]);
    assert_eq!(tree[1].parent.as_ref().map(|p| p.id), Some(1));
    assert_eq!(
        tree[1].children.iter().map(|c| c.id).collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(
        tree[3].parent.as_ref().map(|p| p.name.as_str()),
        Some("Async Rust")
    );
    assert!(tree[3].children.is_empty());

    // The other relations, both directions.
    let root = communities::Entity::find_by_id(1)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let feeds = root
        .find_related(theme_feeds::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(feeds.iter().map(|f| f.id).collect::<Vec<_>>(), [10]);
    let owner = feeds[0]
        .find_related(communities::Entity)
        .one(conn)
        .await
        .unwrap();
    assert_eq!(owner.map(|c| c.id), Some(1));
    let members = root
        .find_related(memberships::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    let of = members[0]
        .find_related(communities::Entity)
        .one(conn)
        .await
        .unwrap();
    assert_eq!(of.map(|c| c.id), Some(1));
    conn.execute_unprepared(
        "INSERT INTO post_index (id, feed_id, uri, author_did, created_at) \
         VALUES (1, 10, 'at://did:plc:ada/app.bsky.feed.post/1', 'did:plc:ada', 1700000000)",
    )
    .await
    .unwrap();
    let posts = feeds[0]
        .find_related(post_index::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
    let feed = posts[0]
        .find_related(theme_feeds::Entity)
        .one(conn)
        .await
        .unwrap();
    assert_eq!(feed.map(|f| f.id), Some(10));

    // parent_id does not cascade: a parent with children cannot be deleted.
    expect_rejected(conn, "DELETE FROM communities WHERE id = 2").await;
    expect_rejected(conn, "DELETE FROM communities WHERE id = 1").await;
    assert_eq!(count(conn, "communities").await, 4);
    // A leaf can; then its parent can.
    conn.execute_unprepared("DELETE FROM communities WHERE id = 4")
        .await
        .unwrap();
    conn.execute_unprepared("DELETE FROM communities WHERE id = 2")
        .await
        .unwrap();
    assert_eq!(count(conn, "communities").await, 2);
    assert_eq!(count(conn, "theme_feeds").await, 1, "the root's feed stays");
}

#[tokio::test]
async fn every_table_round_trips_through_its_entity() {
    let db = TestDb::migrated().await;
    let conn = db.get(Domain::Atrarium);
    let t = 1_767_225_600_i64; // 2026-01-01T00:00:00Z

    let parent = communities::Model {
        id: 1,
        name: "Rustaceans".into(),
        stage: Stage::Graduated,
        parent_id: None,
        feed_mix: FeedMix::default(),
        health_metrics: HealthMetrics::default(),
        member_count: 1,
        post_count: 0,
        created_at: t,
        updated_at: t,
    };
    parent
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        communities::Entity::find_by_id(1).one(conn).await.unwrap(),
        Some(parent)
    );

    let community = communities::Model {
        id: 2,
        name: "Async Rust".into(),
        stage: Stage::Community,
        parent_id: Some(1),
        feed_mix: FeedMix {
            own: 70,
            parent: 20,
            global: 10,
        },
        health_metrics: HealthMetrics {
            activity_score: Some(0.82),
            growth_rate: Some(-0.015),
            engagement: Some(0.4375),
        },
        member_count: 42,
        post_count: 1234,
        created_at: t,
        updated_at: t + 3600,
    };
    community
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        communities::Entity::find_by_id(2).one(conn).await.unwrap(),
        Some(community)
    );

    let feed = theme_feeds::Model {
        id: 10,
        community_id: 2,
        name: "Tokio & friends".into(),
        feed_uri: "at://did:plc:atr/app.bsky.feed.generator/async-rust".into(),
        filter_config: FilterConfig {
            hashtags: vec!["#tokio".into(), "#async".into()],
            keywords: vec!["futures".into(), "executor \"runtime\"".into()],
            authors: vec!["did:plc:xxx".into(), "did:plc:yyy".into()],
        },
        health_metrics: HealthMetrics {
            activity_score: Some(0.5),
            growth_rate: None,
            engagement: Some(1.0),
        },
        post_count: 2,
        last_post_at: Some(t + 60),
        created_at: t,
    };
    feed.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        theme_feeds::Entity::find_by_id(10).one(conn).await.unwrap(),
        Some(feed)
    );

    let membership = memberships::Model {
        community_id: 2,
        user_did: "did:plc:ada".into(),
        role: Role::Moderator,
        joined_at: t + 5,
    };
    membership
        .clone()
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
    assert_eq!(
        memberships::Entity::find_by_id((2, "did:plc:ada".to_owned()))
            .one(conn)
            .await
            .unwrap(),
        Some(membership)
    );

    let post = post_index::Model {
        id: 100,
        feed_id: 10,
        uri: "at://did:plc:ada/app.bsky.feed.post/3kabc".into(),
        author_did: "did:plc:ada".into(),
        created_at: t + 60,
        has_media: true,
    };
    post.clone().into_active_model().insert(conn).await.unwrap();
    assert_eq!(
        post_index::Entity::find_by_id(100).one(conn).await.unwrap(),
        Some(post)
    );

    // Auto-increment ids are assigned when not given (PostgreSQL's sequence starts at 1).
    let posted = post_index::ActiveModel {
        feed_id: sea_orm::Set(10),
        uri: sea_orm::Set("at://did:plc:bob/app.bsky.feed.post/3kdef".into()),
        author_did: sea_orm::Set("did:plc:bob".into()),
        created_at: sea_orm::Set(t + 61),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    assert!(posted.id > 0);
    assert!(!posted.has_media, "has_media defaults to false");
    if db.backend() == DbBackend::Sqlite {
        assert_eq!(posted.id, 101, "SQLite continues after the largest id");
    }
}
