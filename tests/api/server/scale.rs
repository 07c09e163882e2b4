//! `mosaic seed --scale N`: scale data at N = 0.002 — row counts by the documented
//! formula, the invariants the API relies on, determinism, refusal of non-empty domains,
//! and GraphQL queries over the data.

use entity::Domain;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestDb, count};

const N: f64 = 0.002;

fn options(seed: u64) -> api::scale::Options {
    api::scale::Options {
        scale: N,
        seed,
        domains: Domain::ALL.to_vec(),
        force: false,
    }
}

/// The counts at N = 0.002 by the formula in BENCHMARKS.md (top-level counts
/// `max(min, round(base × N))`, the rest fixed multiples), worked out by hand.
const EXPECTED: [(Domain, &[(&str, i64)]); 5] = [
    (
        Domain::Orquestra,
        &[
            ("users", 20),
            ("projects", 100),
            ("idl_versions", 500),
            ("project_socials", 100),
            ("known_addresses", 200),
            ("api_keys", 100),
            ("change_log", 0),
        ],
    ),
    (
        Domain::Atrarium,
        &[
            ("communities", 2),
            ("memberships", 100),
            ("theme_feeds", 10),
            ("post_index", 1_900),
            ("change_log", 0),
        ],
    ),
    (
        Domain::Pds,
        &[
            ("accounts", 50),
            ("repos", 50),
            ("repo_blocks", 1_100),
            ("records", 1_000),
            ("plc_operations", 50),
            ("refresh_tokens", 50),
            ("repo_seq", 150),
        ],
    ),
    (
        Domain::Bellamy,
        &[
            ("users", 20),
            ("hashtags", 2),
            ("posts", 200),
            ("post_hashtags", 400),
            ("comments", 600),
            ("reactions", 1_000),
            ("friend_requests", 100),
            ("friendships", 200),
            ("follows", 200),
            ("notifications", 100),
            ("conversations", 4),
            ("conversation_participants", 8),
            ("messages", 80),
            ("change_log", 0),
        ],
    ),
    (
        Domain::Universe,
        &[
            ("entity", 40),
            ("relation", 120),
            ("state_version", 200),
            ("delta_record", 400),
            ("event_log", 2_000),
            ("client_connection", 1),
            ("subscription", 2),
        ],
    ),
];

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

/// A digest of a few tables' rows, in primary-key order.
async fn digest(db: &TestDb) -> String {
    let mut h = Sha256::new();
    let rows = entity::orquestra::idl_versions::Entity::find()
        .order_by_asc(entity::orquestra::idl_versions::Column::Id)
        .all(db.get(Domain::Orquestra))
        .await
        .unwrap();
    h.update(format!("{rows:?}"));
    let rows = entity::atrarium::post_index::Entity::find()
        .order_by_asc(entity::atrarium::post_index::Column::Id)
        .all(db.get(Domain::Atrarium))
        .await
        .unwrap();
    h.update(format!("{rows:?}"));
    let rows = entity::bellamy::comments::Entity::find()
        .order_by_asc(entity::bellamy::comments::Column::Id)
        .all(db.get(Domain::Bellamy))
        .await
        .unwrap();
    h.update(format!("{rows:?}"));
    let rows = entity::pds::repo_seq::Entity::find()
        .order_by_asc(entity::pds::repo_seq::Column::Seq)
        .all(db.get(Domain::Pds))
        .await
        .unwrap();
    h.update(format!("{rows:?}"));
    let rows = entity::universe::event_log::Entity::find()
        .order_by_asc(entity::universe::event_log::Column::Seq)
        .all(db.get(Domain::Universe))
        .await
        .unwrap();
    h.update(format!("{rows:?}"));
    format!("{:x}", h.finalize())
}

#[tokio::test]
async fn scale_data_has_the_documented_counts_and_keeps_the_invariants() {
    let db = TestDb::migrated().await;
    let reports = api::scale::seed(&db.dbs, &options(7)).await.unwrap();
    assert_eq!(reports.len(), 5);
    for (domain, tables) in EXPECTED {
        for (table, expected) in tables {
            assert_eq!(
                count(db.get(domain), table).await,
                *expected,
                "{domain}.{table}"
            );
        }
        let report = reports.iter().find(|r| r.domain == domain).unwrap();
        let reported: i64 = tables.iter().map(|(_, n)| n).sum();
        assert_eq!(report.rows() as i64, reported, "{domain} report");
    }

    // The logs are gap-free from 1.
    let universe = db.get(Domain::Universe);
    assert_eq!(scalar(universe, "SELECT MIN(seq) FROM event_log").await, 1);
    assert_eq!(
        scalar(universe, "SELECT MAX(seq) FROM event_log").await,
        2_000
    );
    assert_eq!(
        scalar(universe, "SELECT COUNT(DISTINCT seq) FROM event_log").await,
        2_000
    );
    let pds = db.get(Domain::Pds);
    assert_eq!(scalar(pds, "SELECT MAX(seq) FROM repo_seq").await, 150);
    assert_eq!(
        scalar(pds, "SELECT COUNT(DISTINCT seq) FROM repo_seq").await,
        150
    );
    // Every repository's root is a stored block, and its rev is its records' rev.
    assert_eq!(
        scalar(
            pds,
            "SELECT COUNT(*) FROM repos r JOIN repo_blocks b \
             ON b.repo_did = r.did AND b.cid = r.root_cid",
        )
        .await,
        50
    );
    assert_eq!(
        scalar(
            pds,
            "SELECT COUNT(*) FROM records c JOIN repos r ON r.did = c.did WHERE c.repo_rev <> r.rev",
        )
        .await,
        0
    );
    // Cached counts are true.
    let atrarium = db.get(Domain::Atrarium);
    assert_eq!(
        scalar(
            atrarium,
            "SELECT COUNT(*) FROM communities c WHERE c.member_count <> \
             (SELECT COUNT(*) FROM memberships m WHERE m.community_id = c.id) \
             OR c.post_count <> (SELECT COUNT(*) FROM post_index p JOIN theme_feeds f \
             ON f.id = p.feed_id WHERE f.community_id = c.id)",
        )
        .await,
        0
    );
    // Atrarium's members are the PDS's accounts.
    let dids: Vec<String> = entity::pds::accounts::Entity::find()
        .all(pds)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.did)
        .collect();
    let members = entity::atrarium::memberships::Entity::find()
        .all(atrarium)
        .await
        .unwrap();
    assert!(members.iter().all(|m| dids.contains(&m.user_did)));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let (a, b, c) = (
        TestDb::migrated().await,
        TestDb::migrated().await,
        TestDb::migrated().await,
    );
    api::scale::seed(&a.dbs, &options(42)).await.unwrap();
    api::scale::seed(&b.dbs, &options(42)).await.unwrap();
    api::scale::seed(&c.dbs, &options(43)).await.unwrap();
    let (da, db_, dc) = (digest(&a).await, digest(&b).await, digest(&c).await);
    assert_eq!(da, db_);
    assert_ne!(da, dc);
}

#[tokio::test]
async fn domains_holding_data_are_refused_unless_forced() {
    let db = TestDb::migrated().await;
    let mut only_orquestra = options(1);
    only_orquestra.domains = vec![Domain::Orquestra, Domain::Universe];
    api::scale::seed(&db.dbs, &only_orquestra).await.unwrap();
    // Bellamy is empty, Orquestra and Universe are not: nothing is written anywhere.
    let err = api::scale::seed(&db.dbs, &options(1)).await.unwrap_err();
    assert!(
        matches!(&err, api::scale::ScaleError::NotEmpty(d) if *d == vec![Domain::Orquestra, Domain::Universe]),
        "{err}"
    );
    assert_eq!(count(db.get(Domain::Bellamy), "users").await, 0);
    let mut forced = options(1);
    forced.force = true;
    api::scale::seed(&db.dbs, &forced).await.unwrap();
    assert_eq!(count(db.get(Domain::Orquestra), "users").await, 20);
    assert_eq!(count(db.get(Domain::Universe), "event_log").await, 2_000);
    assert_eq!(count(db.get(Domain::Bellamy), "users").await, 20);

    let mut bad = options(1);
    bad.scale = 0.0;
    assert!(matches!(
        api::scale::seed(&db.dbs, &bad).await,
        Err(api::scale::ScaleError::BadScale(_))
    ));
}

#[tokio::test]
async fn graphql_reads_the_scale_data() {
    let app = TestApp::spawn().await;
    api::scale::seed(&app.db.dbs, &options(3)).await.unwrap();

    // Orquestra: a user's projects and their IDL histories (as the user).
    let user = entity::orquestra::users::Entity::find()
        .order_by_asc(entity::orquestra::users::Column::Username)
        .one(app.db.get(Domain::Orquestra))
        .await
        .unwrap()
        .unwrap();
    let token = app.token(Domain::Orquestra, &user.id).await;
    let res = app
        .graphql_as(
            Some(&token),
            "query($u: String) { orquestraUser(username: $u) { projectCount projects(first: 10) { \
             nodes { name idlVersions(first: 10) { nodes { version idl } } } } } }",
            json!({ "u": user.username }),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let projects = res["data"]["orquestraUser"]["projects"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(projects.len(), 5);
    for p in projects {
        let versions = p["idlVersions"]["nodes"].as_array().unwrap();
        assert_eq!(versions.len(), 5, "{p}");
        assert!(versions.iter().all(|v| v["idl"]["instructions"].is_array()));
    }

    // Atrarium: a page of a theme feed.
    let res = app
        .graphql(
            "{ atrariumThemeFeed(id: 1) { postCount posts(first: 20) { totalCount nodes { uri } } } }",
            json!({}),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let feed = &res["data"]["atrariumThemeFeed"];
    assert_eq!(feed["postCount"], 1_000);
    assert_eq!(feed["posts"]["totalCount"], 1_000);
    assert_eq!(feed["posts"]["nodes"].as_array().unwrap().len(), 20);

    // Atrarium: the long feed's skeleton, paged through 100 posts at a time (the benchmark's
    // `feed` workload): 1,000 distinct posts, newest first, then no cursor.
    let uri = entity::atrarium::theme_feeds::Entity::find_by_id(1)
        .one(app.db.get(Domain::Atrarium))
        .await
        .unwrap()
        .unwrap()
        .feed_uri;
    let mut seen = Vec::new();
    let mut after = serde_json::Value::Null;
    for page in 0.. {
        assert!(page < 10, "more than 10 pages of 100");
        let res = app
            .graphql(
                "query($f: String!, $a: String) { atrariumFeedSkeleton(feedUri: $f, first: 100, after: $a) { cursor feed { post } } }",
                json!({ "f": uri, "a": after }),
            )
            .await;
        assert!(res.get("errors").is_none(), "{res}");
        let skeleton = &res["data"]["atrariumFeedSkeleton"];
        let posts = skeleton["feed"].as_array().unwrap();
        assert_eq!(posts.len(), 100, "page {page}");
        seen.extend(posts.iter().map(|p| p["post"].as_str().unwrap().to_owned()));
        after = skeleton["cursor"].clone();
        if after.is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), 1_000);
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 1_000);
    // Newest first: the rkeys are TIDs of the posts' times, which grow with the post id.
    let rkeys: Vec<&str> = seen.iter().map(|u| u.rsplit('/').next().unwrap()).collect();
    assert!(rkeys.windows(2).all(|w| w[0] > w[1]), "not newest first");

    // Inner Universe: the history of the chain's last version (the whole chain here).
    let last = entity::universe::state_version::Entity::find()
        .order_by_desc(entity::universe::state_version::Column::Timestamp)
        .one(app.db.get(Domain::Universe))
        .await
        .unwrap()
        .unwrap();
    let res = app
        .graphql(
            "query($v: ID!) { universeVersionHistory(versionId: $v, maxDepth: 500) { versionId parentVersionId } }",
            json!({ "v": last.version_id }),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let history = res["data"]["universeVersionHistory"].as_array().unwrap();
    assert_eq!(
        history.len(),
        200,
        "at N = 0.002 every version is on the chain"
    );
    assert!(history.iter().any(|v| v["parentVersionId"].is_null()));

    // Bellamy: a user's posts, as that user (all 10, whatever their privacy).
    let res = app
        .graphql(
            "{ bellamyUser(username: \"user_00003\") { id } }",
            json!({}),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let id = res["data"]["bellamyUser"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = app.token(Domain::Bellamy, &id).await;
    let res = app
        .graphql_as(
            Some(&token),
            "{ bellamyUser(username: \"user_00003\") { posts(first: 20) { nodes { content comments(first: 5) { nodes { content } } } } } }",
            json!({}),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let posts = res["data"]["bellamyUser"]["posts"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(posts.len(), 10);
    // Top-level comments only: each post has one or two (the others are replies).
    assert!(posts.iter().all(|p| {
        let n = p["comments"]["nodes"].as_array().unwrap().len();
        (1..=2).contains(&n)
    }));
}
