//! Links across domains, resolved in the API layer through loaders (never a SQL join).

use entity::Domain;
use entity::atrarium::{
    communities, enums::Role, enums::Stage, json, memberships, post_index, theme_feeds,
};
use entity::pds::enums::AccountStatus;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{TestApp, pds_account};

async fn community_with_members(app: &TestApp, dids: &[String]) {
    let db = app.db.get(Domain::Atrarium);
    communities::Model {
        id: 1,
        name: "Rust".into(),
        stage: Stage::Community,
        parent_id: None,
        feed_mix: json::FeedMix::default(),
        health_metrics: json::HealthMetrics::default(),
        member_count: dids.len() as i32,
        post_count: 0,
        created_at: 1_700_000_000,
        updated_at: 1_700_000_000,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    theme_feeds::Model {
        id: 1,
        community_id: 1,
        name: "Rust feed".into(),
        feed_uri: "at://did:plc:owner/app.bsky.feed.generator/rust".into(),
        filter_config: json::FilterConfig::default(),
        health_metrics: json::HealthMetrics::default(),
        post_count: 0,
        last_post_at: None,
        created_at: 1_700_000_000,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    for (i, did) in dids.iter().enumerate() {
        memberships::Model {
            community_id: 1,
            user_did: did.clone(),
            role: if i == 0 { Role::Owner } else { Role::Member },
            joined_at: 1_700_000_000 + i as i64,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        post_index::Model {
            id: i as i64 + 1,
            feed_id: 1,
            uri: format!("at://{did}/app.bsky.feed.post/{i}"),
            author_did: did.clone(),
            created_at: 1_700_000_000 + i as i64,
            has_media: false,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn memberships_and_posts_resolve_their_did_to_the_pds_account() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    community_with_members(&app, &["did:plc:alice".into(), "did:plc:elsewhere".into()]).await;
    let res = app
        .graphql(
            r#"{ atrariumCommunity(id: 1) {
                memberships(orderBy: {field: JOINED_AT}) { nodes { userDid pdsAccount { did handle status } } }
                themeFeeds { nodes { posts(orderBy: {field: CREATED_AT}) { nodes { authorDid pdsAccount { handle } } } } }
            } }"#,
            json!({}),
        )
        .await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(
        res["data"]["atrariumCommunity"],
        json!({
            "memberships": { "nodes": [
                { "userDid": "did:plc:alice", "pdsAccount": { "did": "did:plc:alice", "handle": "alice.test", "status": "ACTIVE" } },
                { "userDid": "did:plc:elsewhere", "pdsAccount": null },
            ] },
            "themeFeeds": { "nodes": [ { "posts": { "nodes": [
                { "authorDid": "did:plc:alice", "pdsAccount": { "handle": "alice.test" } },
                { "authorDid": "did:plc:elsewhere", "pdsAccount": null },
            ] } } ] }
        })
    );
}

#[tokio::test]
async fn the_cross_domain_lookup_is_one_statement_for_any_number_of_members() {
    let app = TestApp::spawn().await;
    let dids: Vec<String> = (0..40).map(|i| format!("did:plc:member{i:02}")).collect();
    for (i, did) in dids.iter().enumerate().step_by(2) {
        pds_account(
            &app,
            did,
            &format!("member{i:02}.test"),
            AccountStatus::Active,
        )
        .await;
    }
    community_with_members(&app, &dids).await;
    let pds = app.db.dbs.metrics().statements(Domain::Pds);
    let res = app
        .graphql(
            "{ atrariumCommunity(id: 1) { memberships(first: 100) { nodes { pdsAccount { handle } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(res.get("errors"), None, "{res}");
    let nodes = res["data"]["atrariumCommunity"]["memberships"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes.len(), 40);
    let found = nodes
        .iter()
        .filter(|n| n["pdsAccount"] != Value::Null)
        .count();
    assert_eq!(found, 20);
    assert_eq!(app.db.dbs.metrics().statements(Domain::Pds) - pds, 1);
}
