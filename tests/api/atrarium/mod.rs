//! Atrarium's tests and their fixtures: the actors, communities, feeds, memberships and
//! indexed posts made through the API that the tests share.

mod mutations;
mod queries;
mod storage;
mod subscriptions;

use serde_json::{Value, json};

use crate::helpers::{TestApp, Who, gql_by, ok_field};

/// Owner of the communities the tests build.
pub const ALICE: &str = "did:plc:ragtjsm2j2vknwkz3zp4oxrd";

/// Moderator.
pub const BOB: &str = "did:plc:44ybard66vv44zksje25o7dz";

/// Plain member.
pub const CAROL: &str = "did:plc:z72i7hdynmk6r22z27h6tvur";

/// 2026-01-01T00:00:00Z.
pub const T0: i64 = 1_767_225_600;

/// An Atrarium id, a `BigInt`: it travels as a decimal string, in results and (here) in
/// variables too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Id(pub i64);

/// The `BigInt` id in `v`, which must be a decimal string.
pub fn id_of(v: &Value) -> Id {
    Id(v.as_str()
        .unwrap_or_else(|| panic!("a BigInt is a string: {v}"))
        .parse()
        .unwrap())
}

/// A community owned by `owner`; its id.
pub async fn community(app: &TestApp, owner: &str, name: &str, parent: Option<Id>) -> Id {
    let body = create(
        app,
        Who::Atrarium(owner),
        json!({ "name": name, "parentId": parent }),
    )
    .await;
    id_of(&ok_field(body, "atrariumCreateCommunity")["community"]["id"])
}

pub async fn join(app: &TestApp, who: Who<'_>, community_id: Id) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($id: BigInt!) {{ atrariumJoinCommunity(communityId: $id) \
             {{ membership {{ communityId userDid role }} community {{ {COMMUNITY} }} }} }}"
        ),
        json!({ "id": community_id }),
    )
    .await
}

pub async fn remove(app: &TestApp, who: Who<'_>, community_id: Id, did: &str) -> Value {
    gql_by(
        app,
        who,
        "mutation($input: AtrariumRemoveMemberInput!) { atrariumRemoveMember(input: $input) \
         { userDid community { id memberCount } } }",
        json!({ "input": { "communityId": community_id, "userDid": did } }),
    )
    .await
}

/// A community owned by ALICE, moderated by BOB, with CAROL as a member; its id.
pub async fn staffed(app: &TestApp) -> Id {
    let id = community(app, ALICE, "Rustaceans", None).await;
    ok_field(
        join(app, Who::Atrarium(BOB), id).await,
        "atrariumJoinCommunity",
    );
    ok_field(
        join(app, Who::Atrarium(CAROL), id).await,
        "atrariumJoinCommunity",
    );
    ok_field(
        set_role(app, Who::Atrarium(ALICE), id, BOB, "MODERATOR").await,
        "atrariumChangeMemberRole",
    );
    id
}

/// A theme feed of `community_id` created by ALICE; its id.
pub async fn feed(app: &TestApp, community_id: Id, rkey: &str) -> Id {
    let body = create_feed(
        app,
        Who::Atrarium(ALICE),
        json!({
            "communityId": community_id,
            "name": format!("Feed {rkey}"),
            "feedUri": feed_uri(rkey),
            "filterConfig": { "hashtags": ["#rust"] },
        }),
    )
    .await;
    id_of(&ok_field(body, "atrariumCreateThemeFeed")["themeFeed"]["id"])
}

pub fn post_uri(author: &str, rkey: &str) -> String {
    format!("at://{author}/app.bsky.feed.post/{rkey}")
}

pub async fn index(app: &TestApp, who: Who<'_>, feed_id: Id, uri: &str, created_at: i64) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($input: AtrariumIndexPostInput!) {{ atrariumIndexPost(input: $input) \
             {{ post {{ id feedId uri authorDid createdAt hasMedia }} \
                themeFeed {{ {FEED} }} community {{ {COMMUNITY} }} }} }}"
        ),
        json!({ "input": {
            "feedId": feed_id, "uri": uri, "createdAt": rfc3339(created_at), "hasMedia": true
        } }),
    )
    .await
}

pub async fn unindex(app: &TestApp, who: Who<'_>, post_id: Id) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($id: BigInt!) {{ atrariumUnindexPost(id: $id) \
             {{ deletedId themeFeed {{ {FEED} }} community {{ {COMMUNITY} }} }} }}"
        ),
        json!({ "id": post_id }),
    )
    .await
}

pub async fn advance(app: &TestApp, who: Who<'_>, id: Id, stage: &str) -> Value {
    gql_by(
        app,
        who,
        "mutation($input: AtrariumAdvanceCommunityStageInput!) { \
         atrariumAdvanceCommunityStage(input: $input) { community { id stage } } }",
        json!({ "input": { "id": id, "stage": stage } }),
    )
    .await
}

const COMMUNITY: &str = "id name stage parentId memberCount postCount \
     feedMix { own parent global } healthMetrics { activityScore growthRate engagement }";

const FEED: &str = "id communityId name feedUri postCount lastPostAt \
     filterConfig { hashtags keywords authors } healthMetrics { activityScore }";

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc3339()
}

fn create_query() -> String {
    format!(
        "mutation($input: AtrariumCreateCommunityInput!) {{ atrariumCreateCommunity(input: $input) \
         {{ community {{ {COMMUNITY} }} membership {{ communityId userDid role }} }} }}"
    )
}

async fn create(app: &TestApp, who: Who<'_>, input: Value) -> Value {
    gql_by(app, who, &create_query(), json!({ "input": input })).await
}

async fn set_role(app: &TestApp, who: Who<'_>, community_id: Id, did: &str, role: &str) -> Value {
    gql_by(
        app,
        who,
        "mutation($input: AtrariumChangeMemberRoleInput!) { atrariumChangeMemberRole(input: $input) \
         { membership { communityId userDid role community { memberCount } } } }",
        json!({ "input": { "communityId": community_id, "userDid": did, "role": role } }),
    )
    .await
}

fn feed_uri(rkey: &str) -> String {
    format!("at://{ALICE}/app.bsky.feed.generator/{rkey}")
}

async fn create_feed(app: &TestApp, who: Who<'_>, input: Value) -> Value {
    gql_by(
        app,
        who,
        &format!(
            "mutation($input: AtrariumCreateThemeFeedInput!) {{ atrariumCreateThemeFeed(input: $input) \
             {{ themeFeed {{ {FEED} community {{ id name }} }} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}
