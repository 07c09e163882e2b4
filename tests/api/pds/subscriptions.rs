//! The PDS's subscriptions end to end: account writes append firehose events that a real
//! WebSocket client receives and replays from a cursor.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{QUIET, TestApp, ok};
use crate::ws_client::{Protocol, WsClient};

const REPO_EVENTS: &str = "subscription($c: String) {
    pdsRepoEvents(cursor: $c) { seq did eventType event }
}";

/// `(seq, eventType)` of the next `n` repo events of `id`, checking each event's DAG-CBOR
/// carries its own `seq`; and the events' bytes.
async fn repo_events(ws: &mut WsClient, id: &str, n: usize) -> (Vec<(i64, String)>, Vec<Vec<u8>>) {
    use base64::Engine;
    let mut seen = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..n {
        let d = ws.data(id).await;
        let e = &d["pdsRepoEvents"];
        let raw = base64::engine::general_purpose::STANDARD
            .decode(e["event"].as_str().unwrap())
            .unwrap();
        seen.push((
            e["seq"].as_str().unwrap().parse::<i64>().unwrap(),
            e["eventType"].as_str().unwrap().to_owned(),
        ));
        bytes.push(raw);
    }
    (seen, bytes)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn account_writes_append_firehose_events_that_replay_from_seq_zero() {
    // One protocol: creating an account hashes a password with scrypt, slow in debug
    // builds; both protocols are covered by the other streams.
    account_writes_append_firehose_events_that_replay_from_seq_zero_over(Protocol::Legacy).await;
}

async fn account_writes_append_firehose_events_that_replay_from_seq_zero_over(protocol: Protocol) {
    use super::{CREATE, HANDLE, STATUS, cid, gql_as};
    use super::{PUT, blocks, commit, empty_mst, signing_key, tid_in};
    use crate::helpers::PASSWORD;
    let app = TestApp::spawn().await;
    let mut live = WsClient::connect(&app, protocol, json!({})).await;
    live.subscribe("f", REPO_EVENTS, json!({})).await;
    live.nothing_within(Duration::from_millis(100)).await;

    let res = gql_as(
        &app,
        CREATE,
        json!({ "i": { "handle": "ada.test", "email": "ada@example.com", "password": PASSWORD } }),
        None,
    )
    .await;
    let did = ok(&res)["pdsCreateAccount"]["account"]["did"]
        .as_str()
        .unwrap()
        .to_owned();
    let (seen, raw) = repo_events(&mut live, "f", 3).await;
    assert_eq!(
        seen,
        [
            (1, "IDENTITY".into()),
            (2, "ACCOUNT".into()),
            (3, "APPEND".into())
        ]
    );
    assert!(contains(&raw[0], "ada.test") && contains(&raw[0], &did));
    assert!(contains(&raw[1], "active"));
    assert!(contains(&raw[2], "commit") && contains(&raw[2], "rev"));

    let res = gql_as(
        &app,
        HANDLE,
        json!({ "i": { "did": did, "handle": "ada2.test" } }),
        Some(&did),
    )
    .await;
    ok(&res);
    let mst = empty_mst();
    let commit_1 = commit(&did, &tid_in(1), &mst, &signing_key(&app, &did).await);
    let res = gql_as(
        &app,
        PUT,
        json!({ "i": { "did": did, "blocks": blocks(&[&mst, &commit_1]), "root": cid(&commit_1) } }),
        Some(&did),
    )
    .await;
    ok(&res);
    let res = gql_as(
        &app,
        STATUS,
        json!({ "i": { "did": did, "status": "DEACTIVATED" } }),
        Some(&did),
    )
    .await;
    ok(&res);
    let (seen, raw) = repo_events(&mut live, "f", 3).await;
    assert_eq!(
        seen,
        [
            (4, "IDENTITY".into()),
            (5, "APPEND".into()),
            (6, "ACCOUNT".into())
        ]
    );
    assert!(contains(&raw[0], "ada2.test"));
    assert!(contains(&raw[1], &cid(&commit_1)));
    assert!(contains(&raw[2], "deactivated"));
    live.nothing_within(QUIET).await;

    // The whole stream again from seq 0, and from the middle.
    let mut ws = WsClient::connect(&app, protocol, json!({})).await;
    ws.subscribe("all", REPO_EVENTS, json!({ "c": "0" })).await;
    let (seen, _) = repo_events(&mut ws, "all", 6).await;
    assert_eq!(
        seen.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    ws.subscribe("mid", REPO_EVENTS, json!({ "c": "4" })).await;
    let (seen, _) = repo_events(&mut ws, "mid", 2).await;
    assert_eq!(seen.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [5, 6]);
    ws.subscribe("future", REPO_EVENTS, json!({ "c": "7" }))
        .await;
    assert_eq!(ws.error_code("future").await, "BAD_USER_INPUT");
}
