//! The cost model: a query costs the objects its response can hold (rows, not nesting or
//! fields). The README's examples and natural nested queries written without `first` fit
//! the default limits; deep nesting of large pages is refused with its cost and the limit.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::ws_client::{Event, Protocol, WsClient};

/// The codes of a limit's refusal, and the code no example may ever answer.
fn assert_within_limits(example: &str, errors: &Value) {
    for err in errors.as_array().into_iter().flatten() {
        let code = &err["extensions"]["code"];
        assert!(
            err["extensions"]["measure"].is_null()
                && code != "GRAPHQL_VALIDATION_FAILED"
                && code != "INTERNAL",
            "{example}\n{err}"
        );
    }
}

/// Every example operation of the README: the `graphql` blocks, and the operations of
/// the other fenced blocks that hold GraphQL (the subscriptions).
fn readme_examples() -> (Vec<String>, Vec<String>) {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut queries = Vec::new();
    let mut subscriptions = Vec::new();
    for (i, block) in readme.split("```").enumerate() {
        if i % 2 == 0 {
            continue; // prose between fences
        }
        let (lang, body) = block.split_once('\n').unwrap_or((block, ""));
        if lang == "graphql" {
            queries.push(body.to_owned());
            continue;
        }
        if !lang.is_empty() {
            continue; // sh, ...
        }
        // An untagged block of operations, one starting on each unindented line.
        let starts = |l: &str| {
            ["subscription", "query", "{"]
                .iter()
                .any(|k| l.starts_with(k))
        };
        if !body.lines().next().is_some_and(starts) {
            continue;
        }
        let mut ops: Vec<String> = Vec::new();
        for line in body.lines() {
            match ops.last_mut() {
                Some(op) if !starts(line) => {
                    op.push('\n');
                    op.push_str(line);
                }
                _ => ops.push(line.to_owned()),
            }
        }
        for op in ops {
            if op.starts_with("subscription") {
                subscriptions.push(op);
            } else {
                queries.push(op);
            }
        }
    }
    (queries, subscriptions)
}

#[tokio::test]
async fn every_readme_example_fits_the_default_limits() {
    let (queries, subscriptions) = readme_examples();
    assert!(queries.len() >= 4, "{queries:?}");
    assert!(subscriptions.len() >= 2, "{subscriptions:?}");
    let app = TestApp::spawn().await;
    api::demo::seed(&app.db.dbs).await.unwrap();
    for q in &queries {
        let res = app.graphql(q, json!({})).await;
        assert_within_limits(q, &res["errors"]);
        assert!(res["data"].is_object(), "{q}\n{res}");
    }
    for s in &subscriptions {
        let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
        ws.subscribe("1", s, json!({})).await;
        // A refusal comes at once; an admitted subscription replays or waits for events.
        match tokio::time::timeout(Duration::from_secs(2), ws.event("1")).await {
            Ok(Event::Error(errors)) => assert_within_limits(s, &errors),
            Ok(Event::Next(payload)) => assert_within_limits(s, &payload["errors"]),
            Ok(Event::Complete) | Err(_) => {}
        }
        ws.close().await;
    }
}

/// A user's posts with reaction counts, hashtags, and comments with their replies and
/// authors, written without a single `first`.
const NATURAL: &str = r#"{
  bellamyUser(username: "alice") {
    username
    posts {
      totalCount
      nodes {
        content createdAt
        author { username }
        reactionCounts { type count }
        hashtags { nodes { tag } }
        comments {
          nodes {
            content createdAt
            author { username }
            reactionCounts { type count }
            replies { nodes { content createdAt author { username } } }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}"#;

#[tokio::test]
async fn a_natural_nested_query_without_first_fits_the_default_limits() {
    let app = TestApp::spawn().await;
    api::demo::seed(&app.db.dbs).await.unwrap();
    let res = app.graphql(NATURAL, json!({})).await;
    assert_eq!(res.get("errors"), None, "{res}");
    let posts = res["data"]["bellamyUser"]["posts"]["nodes"]
        .as_array()
        .unwrap();
    assert!(!posts.is_empty(), "{res}");
    assert!(
        posts
            .iter()
            .any(|p| !p["comments"]["nodes"].as_array().unwrap().is_empty()),
        "the demo user's posts have comments: {res}"
    );
    assert_eq!(posts[0]["reactionCounts"].as_array().unwrap().len(), 6);
}

/// The refusal of `query`: its cost and the limit.
async fn refused(app: &TestApp, query: &str, variables: Value) -> (u64, u64) {
    let res = app.graphql(query, variables).await;
    let err = &res["errors"][0];
    assert_eq!(
        err["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{res}"
    );
    assert_eq!(err["extensions"]["measure"], "complexity", "{res}");
    assert!(res["data"].is_null(), "{res}");
    (
        err["extensions"]["cost"].as_u64().unwrap(),
        err["extensions"]["limit"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_query_costs_the_objects_it_can_return_and_deep_large_pages_are_refused() {
    let app = TestApp::spawn().await;
    let before = app.db.dbs.metrics().total();
    let limit = api::schema::Limits::default().complexity as u64;
    // 100 users, 100 projects each, 100 versions each: 1 + 100 + 100 + 10^4 + 10^4 + 10^6
    // objects (the connections and their nodes). Scalar fields cost nothing.
    let three = |fields: &str| {
        format!(
            "{{ orquestraUsers(first: 100) {{ nodes {{ projects(first: 100) {{ nodes {{ \
             idlVersions(first: 100) {{ nodes {{ {fields} }} }} }} }} }} }} }}"
        )
    };
    assert_eq!(
        refused(&app, &three("id"), json!({})).await,
        (1_020_201, limit)
    );
    assert_eq!(
        refused(&app, &three("id version idlJson createdAt"), json!({})).await,
        (1_020_201, limit)
    );
    // A page size in a variable counts as given; `last` as `first`.
    let q = "query($n: Int) { orquestraUsers(last: $n) { nodes { projects(first: $n) { nodes { \
             idlVersions(first: $n) { nodes { id } } } } } } }";
    assert_eq!(
        refused(&app, q, json!({ "n": 100 })).await,
        (1_020_201, limit)
    );
    // Five levels of first: 100 cost over 10^10.
    let five = "{ bellamyUsers(first: 100) { nodes { posts(first: 100) { nodes { \
                comments(first: 100) { nodes { replies(first: 100) { nodes { \
                replies(first: 100) { nodes { id content } } } } } } } } } } }";
    let (cost, _) = refused(&app, five, json!({})).await;
    assert_eq!(cost, 10_202_020_201);
    // Four levels of the default page (20) from a root list: 20^4 replies.
    let four = "{ bellamyUsers { nodes { posts { nodes { comments { nodes { \
                replies { nodes { id } } } } } } } } }";
    let (cost, _) = refused(&app, four, json!({})).await;
    assert_eq!(cost, 1 + 20 + 20 + 400 + 400 + 8_000 + 8_000 + 160_000);
    assert_eq!(app.db.dbs.metrics().total(), before, "nothing ran");
    // Two levels of 100 fit, whatever the fields.
    let res = app
        .graphql(
            "{ orquestraUsers(first: 100) { totalCount nodes { id username githubId \
             avatarUrl createdAt projects(first: 100) { nodes { id name programId isPublic \
             createdAt updatedAt user { id } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(res.get("errors"), None, "{res}");
}
