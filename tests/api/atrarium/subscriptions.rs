//! Atrarium's subscriptions end to end (feed posts and membership changes of a
//! community) and its change log (every write records its change, in order).

use std::time::Duration;

use entity::Domain;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{QUIET, TestApp, Who, gql_by, ok_field};
use crate::ws_client::{Protocol, WsClient};

#[tokio::test]
async fn feed_posts_and_membership_changes_of_a_community_are_delivered() {
    use super::{ALICE, BOB, CAROL, T0, feed, id_of, index, post_uri, remove, staffed, unindex};
    let app = TestApp::spawn().await;
    let community = staffed(&app).await;
    let (f1, f2) = (
        feed(&app, community, "one").await,
        feed(&app, community, "two").await,
    );
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe(
        "m",
        "subscription($c: BigInt!) { atrariumMembershipChanged(communityId: $c, after: \"0\") {
            kind userDid role membership { role }
        } }",
        json!({ "c": community }),
    )
    .await;
    // Replayed: Alice created it, Bob and Carol joined, Bob became a moderator.
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(ws.data("m").await["atrariumMembershipChanged"].clone());
    }
    assert_eq!(
        seen,
        [
            json!({ "kind": "JOINED", "userDid": ALICE, "role": "OWNER", "membership": { "role": "OWNER" } }),
            json!({ "kind": "JOINED", "userDid": BOB, "role": "MEMBER", "membership": { "role": "MODERATOR" } }),
            json!({ "kind": "JOINED", "userDid": CAROL, "role": "MEMBER", "membership": { "role": "MEMBER" } }),
            json!({ "kind": "ROLE_CHANGED", "userDid": BOB, "role": "MODERATOR", "membership": { "role": "MODERATOR" } }),
        ]
    );
    ws.subscribe(
        "p",
        "subscription($f: BigInt!) { atrariumPostIndexed(feedId: $f) { post { uri authorDid } } }",
        json!({ "f": f1 }),
    )
    .await;
    ws.nothing_within(Duration::from_millis(100)).await;
    // Live: Alice removes Carol; a post goes into each feed; one comes out again.
    ok_field(
        remove(&app, Who::Atrarium(ALICE), community, CAROL).await,
        "atrariumRemoveMember",
    );
    assert_eq!(
        ws.data("m").await["atrariumMembershipChanged"],
        json!({ "kind": "LEFT", "userDid": CAROL, "role": "MEMBER", "membership": null })
    );
    let other = post_uri(BOB, "3kother");
    let mine = post_uri(BOB, "3kmine");
    ok_field(
        index(&app, Who::Atrarium(ALICE), f2, &other, T0).await,
        "atrariumIndexPost",
    );
    let posted = ok_field(
        index(&app, Who::Atrarium(ALICE), f1, &mine, T0).await,
        "atrariumIndexPost",
    );
    assert_eq!(
        ws.data("p").await["atrariumPostIndexed"]["post"],
        json!({ "uri": mine, "authorDid": BOB })
    );
    let id = id_of(&posted["post"]["id"]);
    ok_field(
        unindex(&app, Who::Atrarium(ALICE), id).await,
        "atrariumUnindexPost",
    );
    ws.nothing_within(QUIET).await;
    ws.subscribe(
        "missing",
        "subscription { atrariumPostIndexed(feedId: 999) { cursor } }",
        json!({}),
    )
    .await;
    assert_eq!(ws.error_code("missing").await, "NOT_FOUND");
}

#[tokio::test]
async fn every_atrarium_write_records_its_change_in_order_and_refusals_record_nothing() {
    use super::{ALICE, BOB, advance, community, feed, join};
    use entity::change_log;
    use sea_orm::QueryOrder;
    let app = TestApp::spawn().await;
    let c = community(&app, ALICE, "Logged", None).await;
    let f = feed(&app, c, "logged").await;
    ok_field(
        join(&app, Who::Atrarium(BOB), c).await,
        "atrariumJoinCommunity",
    );
    // Refused: Bob may not advance the stage, nor join twice.
    assert!(advance(&app, Who::Atrarium(BOB), c, "COMMUNITY").await["errors"].is_array());
    assert!(join(&app, Who::Atrarium(BOB), c).await["errors"].is_array());
    ok_field(
        advance(&app, Who::Atrarium(ALICE), c, "COMMUNITY").await,
        "atrariumAdvanceCommunityStage",
    );
    ok_field(
        gql_by(
            &app,
            Who::Atrarium(ALICE),
            "mutation($id: BigInt!) { atrariumDeleteThemeFeed(id: $id) { deletedId } }",
            json!({ "id": f }),
        )
        .await,
        "atrariumDeleteThemeFeed",
    );
    ok_field(
        gql_by(
            &app,
            Who::Atrarium(ALICE),
            "mutation($id: BigInt!) { atrariumDeleteCommunity(id: $id) { deletedId } }",
            json!({ "id": c }),
        )
        .await,
        "atrariumDeleteCommunity",
    );
    let rows = change_log::Entity::find()
        .order_by_asc(change_log::Column::Seq)
        .all(app.db.get(Domain::Atrarium))
        .await
        .unwrap();
    let got: Vec<(i64, String, String, String, Option<String>)> = rows
        .into_iter()
        .map(|r| (r.seq, r.kind, r.topic, r.subject, r.actor))
        .collect();
    let topic = format!("community:{c}");
    let row = |seq: i64, kind: &str, subject: &str, actor: &str| {
        (
            seq,
            kind.to_owned(),
            topic.clone(),
            subject.to_owned(),
            Some(actor.to_owned()),
        )
    };
    assert_eq!(
        got,
        [
            row(1, "community.created", &c.to_string(), ALICE),
            row(2, "membership.joined", ALICE, ALICE),
            row(3, "feed.created", &f.to_string(), ALICE),
            row(4, "membership.joined", BOB, BOB),
            row(5, "community.stage_advanced", &c.to_string(), ALICE),
            row(6, "feed.deleted", &f.to_string(), ALICE),
            row(7, "community.deleted", &c.to_string(), ALICE),
        ]
    );
}
