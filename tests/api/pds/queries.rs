//! PDS's read API through HTTP: lookups, the seed's queries (an account with its repo,
//! blocks, PLC log and sessions), pagination, filters, batching, hidden secrets.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::Domain;
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{TestApp, as_account, code, errors, ok, query_ok, statements, statements_as};

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard padded base64, as the `Base64` scalar prints bytes.
fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes unpadded URL-safe base64 (cursors).
fn b64url_decode(s: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let c = match c {
            b'-' => b'+',
            b'_' => b'/',
            c => c,
        };
        let v = B64.iter().position(|x| *x == c).expect("base64 character") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push(((bits >> n) & 0xff) as u8);
        }
    }
    out
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// RFC 3339 as the `DateTime` scalar prints it.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

fn did(n: i64) -> String {
    format!("did:plc:test{n:04}")
}

/// Inserts PDS fixtures straight through the entities.
struct Fixture<'a> {
    app: &'a TestApp,
}

impl Fixture<'_> {
    fn db(&self) -> &sea_orm::DatabaseConnection {
        self.app.db.get(Domain::Pds)
    }

    async fn account(&self, n: i64, status: AccountStatus) -> accounts::Model {
        let m = accounts::Model {
            did: did(n),
            handle: format!("user{n:04}.test"),
            email: format!("user{n:04}@example.com"),
            password_hash: format!("$scrypt$N=16384,r=8,p=1$salt{n}$SECRET-HASH-{n}"),
            signing_key_priv: format!("SECRET-SIGNING-{n}"),
            signing_key_pub: format!("zQ3shSign{n}"),
            rotation_key_priv: format!("SECRET-ROTATION-{n}"),
            rotation_key_pub: format!("zQ3shRot{n}"),
            status,
            created_at: t0() + Duration::minutes(n),
        };
        m.clone()
            .into_active_model()
            .insert(self.db())
            .await
            .unwrap();
        m
    }

    async fn repo(&self, n: i64, root_cid: &str) {
        repos::Model {
            did: did(n),
            root_cid: root_cid.to_owned(),
            rev: format!("3lrev{n:08}"),
            created_at: t0() + Duration::minutes(n),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn block(&self, n: i64, cid: &str, bytes: &[u8]) {
        repo_blocks::Model {
            repo_did: did(n),
            cid: cid.to_owned(),
            bytes: bytes.to_vec(),
            size: bytes.len() as i32,
            created_at: t0() + Duration::hours(1),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn plc_op(&self, n: i64, seq: i64) {
        plc_operations::Model {
            did: did(n),
            seq,
            cid: format!("bafyreiop{n}x{seq}"),
            operation: vec![0xa1, seq as u8],
            created_at: t0() + Duration::days(seq),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn session(&self, n: i64, jti: &str, minutes: i64, app: Option<&str>) {
        refresh_tokens::Model {
            jti: jti.to_owned(),
            did: did(n),
            expires_at: t0() + Duration::days(90) + Duration::minutes(minutes),
            app_password_name: app.map(str::to_owned),
            created_at: t0() + Duration::minutes(minutes),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn record(&self, n: i64, collection: &str, rkey: &str) -> String {
        let uri = format!("at://{}/{collection}/{rkey}", did(n));
        records::Model {
            uri: uri.clone(),
            cid: format!("bafyreirec{rkey}"),
            did: did(n),
            collection: collection.to_owned(),
            rkey: rkey.to_owned(),
            repo_rev: Some(format!("rev-{rkey}")),
            indexed_at: t0(),
            takedown_ref: None,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
        uri
    }

    async fn blob(&self, n: i64, cid: &str, mime: &str) {
        blobs::Model {
            did: did(n),
            cid: cid.to_owned(),
            mime_type: mime.to_owned(),
            size: 1000,
            temp_key: None,
            width: Some(640),
            height: Some(480),
            created_at: t0(),
            takedown_ref: None,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn record_blob(&self, n: i64, cid: &str, uri: &str) {
        record_blobs::Model {
            blob_cid: cid.to_owned(),
            record_uri: uri.to_owned(),
            did: did(n),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn event(&self, seq: i64, did: &str, kind: RepoSeqEventType, minutes: i64) {
        repo_seq::Model {
            seq,
            did: did.to_owned(),
            event_type: kind,
            event: vec![seq as u8],
            invalidated: false,
            sequenced_at: t0() + Duration::minutes(minutes),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn app_password(&self, n: i64, name: &str) {
        app_passwords::Model {
            did: did(n),
            name: name.to_owned(),
            password_scrypt: "SECRET-APP-PASSWORD-HASH".to_owned(),
            privileged: true,
            created_at: t0(),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }
}

/// `query`'s data, signed in as the account `did`; errors fail the test.
async fn ok_as(app: &TestApp, did: &str, query: &str) -> Value {
    let res = as_account(app, did, query).await;
    ok(&res);
    res["data"].clone()
}

#[tokio::test]
async fn account_by_handle_with_repo_blocks_plc_log_and_sessions_in_one_batched_query() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    for n in 1..=3 {
        f.account(n, AccountStatus::Active).await;
    }
    f.repo(2, "bafyreiroot2").await;
    f.block(2, "bafyreiroot2", b"commit").await;
    f.block(2, "bafyreiaaa", &[0, 159, 255]).await;
    // The log is inserted out of order; it is read back in seq order.
    for seq in [2, 0, 1] {
        f.plc_op(2, seq).await;
    }
    f.plc_op(1, 0).await;
    f.app_password(2, "phone").await;
    f.session(2, "jti-old", 10, None).await;
    f.session(2, "jti-new", 20, Some("phone")).await;
    f.session(1, "jti-other", 30, None).await;

    let query = r#"{ pdsAccount(handle: "user0002.test") {
        did handle email status signingKeyPub rotationKeyPub createdAt
        repo { did rootCid rev rootBlock { cid } account { handle } }
        blocks { totalCount nodes { repoDid cid bytes size } }
        plcOperations { nodes { seq cid operation } }
        sessions { totalCount nodes { did createdAt expiresAt appPasswordName
                                      appPassword { name privileged } } }
    } }"#;
    // Signed in as the account: its email and sessions are its own to read.
    let data = ok_as(&app, &did(2), query).await;
    assert_eq!(
        data["pdsAccount"],
        json!({
            "did": "did:plc:test0002", "handle": "user0002.test",
            "email": "user0002@example.com", "status": "ACTIVE",
            "signingKeyPub": "zQ3shSign2", "rotationKeyPub": "zQ3shRot2",
            "createdAt": ts(t0() + Duration::minutes(2)),
            "repo": { "did": "did:plc:test0002", "rootCid": "bafyreiroot2",
                      "rev": "3lrev00000002", "rootBlock": { "cid": "bafyreiroot2" },
                      "account": { "handle": "user0002.test" } },
            "blocks": { "totalCount": 2, "nodes": [
                { "repoDid": "did:plc:test0002", "cid": "bafyreiaaa",
                  "bytes": b64(&[0u8, 159, 255]), "size": 3 },
                { "repoDid": "did:plc:test0002", "cid": "bafyreiroot2",
                  "bytes": b64(b"commit"), "size": 6 },
            ] },
            "plcOperations": { "nodes": [
                { "seq": "0", "cid": "bafyreiop2x0", "operation": b64(&[0xa1u8, 0]) },
                { "seq": "1", "cid": "bafyreiop2x1", "operation": b64(&[0xa1u8, 1]) },
                { "seq": "2", "cid": "bafyreiop2x2", "operation": b64(&[0xa1u8, 2]) },
            ] },
            "sessions": { "totalCount": 2, "nodes": [
                { "did": "did:plc:test0002", "createdAt": ts(t0() + Duration::minutes(20)),
                  "expiresAt": ts(t0() + Duration::days(90) + Duration::minutes(20)),
                  "appPasswordName": "phone",
                  "appPassword": { "name": "phone", "privileged": true } },
                { "did": "did:plc:test0002", "createdAt": ts(t0() + Duration::minutes(10)),
                  "expiresAt": ts(t0() + Duration::days(90) + Duration::minutes(10)),
                  "appPasswordName": null, "appPassword": null },
            ] },
        })
    );

    // Over every account at once, each level stays one statement (+1 per totalCount);
    // the viewer's own sessions come in that one statement, the others' are forbidden.
    let all = "{ pdsAccounts { nodes { handle repo { rootCid } blocks { nodes { cid } } \
               plcOperations { nodes { seq } } sessions { nodes { createdAt } } } } }";
    let (res, n) = statements_as(
        &app,
        Domain::Pds,
        &app.token(Domain::Pds, &did(2)).await,
        all,
    )
    .await;
    assert_eq!(
        n,
        1 + 5,
        "the session's check, then one statement per level"
    );
    assert_eq!(
        errors(&res),
        [
            (
                "pdsAccounts.nodes.0.sessions".to_owned(),
                "FORBIDDEN".to_owned()
            ),
            (
                "pdsAccounts.nodes.2.sessions".to_owned(),
                "FORBIDDEN".to_owned()
            ),
        ]
    );
    let data = &res["data"];
    let sessions: Vec<Value> = data["pdsAccounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sessions"].clone())
        .collect();
    assert_eq!(
        sessions,
        [
            Value::Null,
            json!({ "nodes": [
                { "createdAt": ts(t0() + Duration::minutes(20)) },
                { "createdAt": ts(t0() + Duration::minutes(10)) },
            ] }),
            Value::Null,
        ]
    );
    let seqs: Vec<Value> = data["pdsAccounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["plcOperations"]["nodes"].clone())
        .collect();
    assert_eq!(
        seqs,
        [
            json!([{ "seq": "0" }]),
            json!([{ "seq": "0" }, { "seq": "1" }, { "seq": "2" }]),
            json!([])
        ]
    );
    // Account, repo, root block, repo.account, blocks (+count), PLC log, sessions
    // (+count), session.appPassword.
    let (res, n) = statements_as(
        &app,
        Domain::Pds,
        &app.token(Domain::Pds, &did(2)).await,
        query,
    )
    .await;
    ok(&res);
    assert_eq!(n, 1 + 10, "the session's check, then the levels");
}

#[tokio::test]
async fn lookups_by_every_key_and_exactly_one_of_errors() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.account(1, AccountStatus::Active).await;
    f.account(2, AccountStatus::Takendown).await;
    f.repo(2, "bafyreiroot").await;
    f.block(2, "bafyreiroot", b"x").await;
    f.plc_op(2, 0).await;
    let uri = f.record(2, "app.bsky.feed.post", "3kpost1").await;
    f.blob(2, "bafkreiimg", "image/png").await;
    f.record_blob(2, "bafkreiimg", &uri).await;
    f.event(7, &did(2), RepoSeqEventType::Identity, 1).await;
    f.app_password(2, "laptop").await;

    for args in [
        r#"did: "did:plc:test0002""#,
        r#"handle: "user0002.test""#,
        r#"email: "user0002@example.com""#,
    ] {
        // An email address finds the viewer's own account only: sign in as it.
        let data = ok_as(
            &app,
            &did(2),
            &format!("{{ pdsAccount({args}) {{ did status }} }}"),
        )
        .await;
        assert_eq!(
            data["pdsAccount"],
            json!({ "did": "did:plc:test0002", "status": "TAKENDOWN" }),
            "{args}"
        );
    }
    let data = query_ok(&app, r#"{ pdsAccount(handle: "nobody.test") { did } }"#).await;
    assert_eq!(data["pdsAccount"], Value::Null);

    for args in [
        format!(r#"uri: "{uri}""#),
        r#"did: "did:plc:test0002", collection: "app.bsky.feed.post", rkey: "3kpost1""#.into(),
    ] {
        let data = query_ok(&app, &format!("{{ pdsRecord({args}) {{ uri rkey cid }} }}")).await;
        assert_eq!(
            data["pdsRecord"],
            json!({ "uri": uri, "rkey": "3kpost1", "cid": "bafyreirec3kpost1" }),
            "{args}"
        );
    }

    // Signed in as the account, whose app password this is.
    let data = ok_as(
        &app,
        &did(2),
        &format!(
            r#"{{
            repo: pdsRepo(did: "did:plc:test0002") {{ rootCid }}
            block: pdsRepoBlock(repoDid: "did:plc:test0002", cid: "bafyreiroot") {{ size }}
            op: pdsPlcOperation(did: "did:plc:test0002", seq: 0) {{ cid }}
            noOp: pdsPlcOperation(did: "did:plc:test0002", seq: 1) {{ cid }}
            blob: pdsBlob(did: "did:plc:test0002", cid: "bafkreiimg") {{ mimeType }}
            ref: pdsRecordBlob(blobCid: "bafkreiimg", recordUri: "{uri}") {{ did }}
            event: pdsRepoSeqEvent(seq: 7) {{ eventType did }}
            appPassword: pdsAppPassword(did: "did:plc:test0002", name: "laptop") {{ privileged }}
        }}"#
        ),
    )
    .await;
    assert_eq!(
        data,
        json!({
            "repo": { "rootCid": "bafyreiroot" },
            "block": { "size": 1 },
            "op": { "cid": "bafyreiop2x0" },
            "noOp": null,
            "blob": { "mimeType": "image/png" },
            "ref": { "did": "did:plc:test0002" },
            "event": { "eventType": "IDENTITY", "did": "did:plc:test0002" },
            "appPassword": { "privileged": true },
        })
    );

    for bad in [
        "{ pdsAccount { did } }",
        r#"{ pdsAccount(did: "did:plc:test0001", handle: "user0001.test") { did } }"#,
        r#"{ pdsAccount(handle: "a", email: "b") { did } }"#,
        "{ pdsRecord { uri } }",
        r#"{ pdsRecord(uri: "at://x/y/z", did: "did:plc:x", collection: "y", rkey: "z") { uri } }"#,
        r#"{ pdsRecord(did: "did:plc:test0002", collection: "app.bsky.feed.post") { uri } }"#,
    ] {
        let res = app.graphql(bad, json!({})).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{bad}: {res}");
    }
}

fn handles(conn: &Value) -> Vec<String> {
    conn["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["handle"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn plural_connections_filter_by_enums_and_order_by_indexed_columns() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.account(1, AccountStatus::Active).await;
    f.account(2, AccountStatus::Deactivated).await;
    f.account(3, AccountStatus::Active).await;
    f.account(4, AccountStatus::Deactivated).await;
    f.account(5, AccountStatus::Deleted).await;

    let data = query_ok(
        &app,
        "{ pdsAccounts(filter: {status: {eq: DEACTIVATED}}, orderBy: {field: HANDLE, direction: DESC}) \
         { totalCount nodes { handle status } } }",
    )
    .await;
    assert_eq!(
        data["pdsAccounts"],
        json!({ "totalCount": 2, "nodes": [
            { "handle": "user0004.test", "status": "DEACTIVATED" },
            { "handle": "user0002.test", "status": "DEACTIVATED" },
        ] })
    );
    let data = query_ok(
        &app,
        r#"{ pdsAccounts(filter: {status: {notIn: [ACTIVE]}, handle: {startsWith: "user000"}},
                         orderBy: {field: HANDLE}) { nodes { handle } } }"#,
    )
    .await;
    assert_eq!(
        handles(&data["pdsAccounts"]),
        ["user0002.test", "user0004.test", "user0005.test"]
    );
    let data = query_ok(
        &app,
        r#"{ pdsAccounts(filter: {or: [{status: {eq: DELETED}}, {handle: {eq: "user0001.test"}}]})
             { nodes { handle } } }"#,
    )
    .await;
    assert_eq!(
        handles(&data["pdsAccounts"]),
        ["user0001.test", "user0005.test"]
    );

    // The sequencer's log: by event type, newest first; `account` is null for a DID
    // the PDS no longer hosts.
    f.event(1, &did(1), RepoSeqEventType::Identity, 1).await;
    f.event(2, &did(1), RepoSeqEventType::Append, 2).await;
    f.event(3, "did:plc:gone", RepoSeqEventType::Account, 3)
        .await;
    f.event(4, &did(3), RepoSeqEventType::Identity, 4).await;
    let data = query_ok(
        &app,
        "{ pdsRepoSeqEvents(filter: {eventType: {in: [IDENTITY, ACCOUNT]}}, \
           orderBy: {field: SEQUENCED_AT, direction: DESC}) \
           { totalCount nodes { seq eventType event account { handle } } } }",
    )
    .await;
    assert_eq!(
        data["pdsRepoSeqEvents"],
        json!({ "totalCount": 3, "nodes": [
            { "seq": "4", "eventType": "IDENTITY", "event": b64(&[4u8]), "account": { "handle": "user0003.test" } },
            { "seq": "3", "eventType": "ACCOUNT", "event": b64(&[3u8]), "account": null },
            { "seq": "1", "eventType": "IDENTITY", "event": b64(&[1u8]), "account": { "handle": "user0001.test" } },
        ] })
    );
    let data = query_ok(
        &app,
        r#"{ pdsAccount(did: "did:plc:test0001") { seqEvents { nodes { seq eventType } } } }"#,
    )
    .await;
    assert_eq!(
        data["pdsAccount"]["seqEvents"]["nodes"],
        json!([{ "seq": "1", "eventType": "IDENTITY" }, { "seq": "2", "eventType": "APPEND" }])
    );
}

#[tokio::test]
async fn records_blobs_and_their_references_resolve_both_ways() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.account(1, AccountStatus::Active).await;
    f.account(2, AccountStatus::Active).await;
    let profile = f.record(1, "app.bsky.actor.profile", "self").await;
    let post_a = f.record(1, "app.bsky.feed.post", "3kaaa").await;
    let post_b = f.record(1, "app.bsky.feed.post", "3kbbb").await;
    let other = f.record(2, "app.bsky.feed.post", "3kccc").await;
    f.blob(1, "bafkreiavatar", "image/jpeg").await;
    f.blob(1, "bafkreiphoto", "image/png").await;
    // The same CID uploaded by another account is another blob.
    f.blob(2, "bafkreiphoto", "image/png").await;
    f.record_blob(1, "bafkreiavatar", &profile).await;
    f.record_blob(1, "bafkreiphoto", &post_a).await;
    f.record_blob(1, "bafkreiavatar", &post_a).await;
    // A reference to a blob not uploaded (yet): a reference, but no blob.
    f.record_blob(1, "bafkreimissing", &post_b).await;
    f.record_blob(2, "bafkreiphoto", &other).await;

    let data = query_ok(
        &app,
        r#"{ pdsAccount(did: "did:plc:test0001") {
            posts: records(collection: "app.bsky.feed.post", first: 10) { totalCount nodes {
                rkey
                blobs(first: 10) { totalCount nodes { cid mimeType account { handle }
                        records(first: 10) { totalCount nodes { rkey } } } }
                recordBlobs(first: 10) { nodes { blobCid blob { cid } record { rkey } } }
            } }
            all: records { nodes { collection rkey } }
            pngs: blobs(filter: {mimeType: {eq: "image/png"}}) { nodes { did cid } }
            recordBlobs(orderBy: {field: RECORD_URI}) { totalCount }
        } }"#,
    )
    .await;
    assert_eq!(
        data["pdsAccount"],
        json!({
            "posts": { "totalCount": 2, "nodes": [
                { "rkey": "3kaaa",
                  "blobs": { "totalCount": 2, "nodes": [
                      { "cid": "bafkreiavatar", "mimeType": "image/jpeg",
                        "account": { "handle": "user0001.test" },
                        "records": { "totalCount": 2, "nodes": [{ "rkey": "self" }, { "rkey": "3kaaa" }] } },
                      { "cid": "bafkreiphoto", "mimeType": "image/png",
                        "account": { "handle": "user0001.test" },
                        "records": { "totalCount": 1, "nodes": [{ "rkey": "3kaaa" }] } },
                  ] },
                  "recordBlobs": { "nodes": [
                      { "blobCid": "bafkreiavatar", "blob": { "cid": "bafkreiavatar" }, "record": { "rkey": "3kaaa" } },
                      { "blobCid": "bafkreiphoto", "blob": { "cid": "bafkreiphoto" }, "record": { "rkey": "3kaaa" } },
                  ] } },
                { "rkey": "3kbbb",
                  "blobs": { "totalCount": 0, "nodes": [] },
                  "recordBlobs": { "nodes": [
                      { "blobCid": "bafkreimissing", "blob": null, "record": { "rkey": "3kbbb" } },
                  ] } },
            ] },
            "all": { "nodes": [
                { "collection": "app.bsky.actor.profile", "rkey": "self" },
                { "collection": "app.bsky.feed.post", "rkey": "3kaaa" },
                { "collection": "app.bsky.feed.post", "rkey": "3kbbb" },
            ] },
            "pngs": { "nodes": [{ "did": "did:plc:test0001", "cid": "bafkreiphoto" }] },
            "recordBlobs": { "totalCount": 4 },
        })
    );

    // record.blobs takes the blob filter and order, and pages with blob cursors.
    let data = query_ok(
        &app,
        &format!(
            r#"{{ pdsRecord(uri: "{post_a}") {{
                png: blobs(filter: {{mimeType: {{eq: "image/png"}}}}) {{ nodes {{ cid }} }}
                desc: blobs(first: 1, orderBy: {{field: CID, direction: DESC}}) {{
                    nodes {{ cid }} pageInfo {{ hasNextPage endCursor }} }}
            }} }}"#
        ),
    )
    .await;
    assert_eq!(
        data["pdsRecord"]["png"]["nodes"],
        json!([{ "cid": "bafkreiphoto" }])
    );
    assert_eq!(
        data["pdsRecord"]["desc"]["nodes"],
        json!([{ "cid": "bafkreiphoto" }])
    );
    let after = data["pdsRecord"]["desc"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap();
    let data = query_ok(
        &app,
        &format!(
            r#"{{ pdsRecord(uri: "{post_a}") {{ blobs(first: 1, after: "{after}",
                orderBy: {{field: CID, direction: DESC}}) {{ nodes {{ cid }} pageInfo {{ hasNextPage }} }} }} }}"#
        ),
    )
    .await;
    assert_eq!(
        data["pdsRecord"]["blobs"],
        json!({ "nodes": [{ "cid": "bafkreiavatar" }], "pageInfo": { "hasNextPage": false } })
    );

    // The other account's blob with the same CID only knows its own record.
    let data = query_ok(
        &app,
        r#"{ pdsBlob(did: "did:plc:test0002", cid: "bafkreiphoto") { records { nodes { uri } } } }"#,
    )
    .await;
    assert_eq!(
        data["pdsBlob"]["records"]["nodes"],
        json!([{ "uri": other }])
    );
}

fn cursors_and_values(conn: &Value, field: &str) -> (Vec<Value>, Option<String>, bool) {
    (
        conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"][field].clone())
            .collect(),
        conn["pageInfo"]["endCursor"].as_str().map(str::to_owned),
        conn["pageInfo"]["hasNextPage"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn nested_connections_page_to_the_end_and_session_cursors_hide_token_ids() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    f.account(1, AccountStatus::Active).await;
    for r in ["3k01", "3k02", "3k03", "3k04", "3k05"] {
        f.record(1, "app.bsky.feed.post", r).await;
    }
    // Records: forward, two at a time, to the end.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let args = match &after {
            Some(c) => format!(r#"first: 2, after: "{c}""#),
            None => "first: 2".to_owned(),
        };
        let data = query_ok(
            &app,
            &format!(
                r#"{{ pdsAccount(did: "did:plc:test0001") {{ records({args}, orderBy: {{field: RKEY, direction: DESC}}) {{
                    totalCount edges {{ cursor node {{ rkey }} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"#
            ),
        )
        .await;
        let conn = &data["pdsAccount"]["records"];
        assert_eq!(conn["totalCount"], 5);
        let (values, end, more) = cursors_and_values(conn, "rkey");
        seen.extend(values);
        pages += 1;
        if !more {
            break;
        }
        after = end;
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["3k05", "3k04", "3k03", "3k02", "3k01"].map(|s| json!(s))
    );

    // Sessions, with three created in the same instant: the tie is broken by the token
    // id, which the cursors never show.
    let jtis = [
        "jti-secret-a",
        "jti-secret-b",
        "jti-secret-c",
        "jti-secret-d",
    ];
    f.session(1, jtis[0], 5, None).await;
    f.session(1, jtis[1], 9, None).await;
    f.session(1, jtis[2], 9, None).await;
    f.session(1, jtis[3], 9, None).await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut cursors = Vec::new();
    loop {
        let args = match &after {
            Some(c) => format!(r#"first: 1, after: "{c}""#),
            None => "first: 1".to_owned(),
        };
        let data = ok_as(
            &app,
            &did(1),
            &format!(
                r#"{{ pdsAccount(did: "did:plc:test0001") {{ sessions({args}) {{
                    edges {{ cursor node {{ createdAt }} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"#
            ),
        )
        .await;
        let conn = &data["pdsAccount"]["sessions"];
        cursors.extend(
            conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["cursor"].as_str().unwrap().to_owned()),
        );
        let (values, end, more) = cursors_and_values(conn, "createdAt");
        seen.extend(values);
        if !more {
            break;
        }
        after = end;
    }
    let t9 = json!(ts(t0() + Duration::minutes(9)));
    assert_eq!(
        seen,
        [
            t9.clone(),
            t9.clone(),
            t9,
            json!(ts(t0() + Duration::minutes(5)))
        ]
    );
    assert_eq!(cursors.len(), 4);
    for c in &cursors {
        let raw = String::from_utf8(b64url_decode(c)).unwrap();
        assert!(!raw.contains("jti"), "a cursor shows a token id: {raw}");
    }
    // Backward from the last cursor.
    let data = ok_as(
        &app,
        &did(1),
        &format!(
            r#"{{ pdsAccount(did: "did:plc:test0001") {{ sessions(last: 5, before: "{}") {{
                edges {{ cursor }} pageInfo {{ hasPreviousPage }} }} }} }}"#,
            cursors[3]
        ),
    )
    .await;
    let back: Vec<&str> = data["pdsAccount"]["sessions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cursor"].as_str().unwrap())
        .collect();
    assert_eq!(
        back,
        cursors[..3].iter().map(String::as_str).collect::<Vec<_>>()
    );

    // Page sizes and cursors are validated on nested connections too.
    for (args, field) in [
        ("first: 1000".to_owned(), "first"),
        (r#"after: "not-a-cursor""#.to_owned(), "after"),
        (format!(r#"after: "{}""#, cursors[0]), "after"),
    ] {
        let res = app
            .graphql(
                &format!(
                    r#"{{ pdsAccount(did: "did:plc:test0001") {{ records({args}) {{ nodes {{ rkey }} }} }} }}"#
                ),
                json!({}),
            )
            .await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{args}: {res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], field, "{res}");
    }
    let res = as_account(
        &app,
        &did(1),
        r#"{ pdsAccount(did: "did:plc:test0001") { sessions(after: "e30") { nodes { createdAt } } } }"#,
    )
    .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
    let res = as_account(
        &app,
        &did(1),
        "{ pdsAccounts { nodes { sessions(first: 1000) { nodes { createdAt } } } } }",
    )
    .await;
    assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
}

#[tokio::test]
async fn accounts_records_blobs_cost_the_same_for_5_and_50_accounts() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let queries = [
        "{ pdsAccounts(first: 100) { nodes { handle records(first: 5) { nodes { rkey \
         blobs(first: 5) { nodes { cid } } } } } } }",
        "{ pdsAccounts(first: 100) { totalCount nodes { handle records(first: 5) { totalCount \
         nodes { rkey blobs(first: 5) { totalCount nodes { cid } } } } } } }",
        "{ pdsAccounts(first: 100) { nodes { handle plcOperations(first: 5) { nodes { seq \
         account { handle } } } } } }",
    ];
    let mut costs = Vec::new();
    for n in 1..=50 {
        f.account(n, AccountStatus::Active).await;
        f.plc_op(n, 0).await;
        f.plc_op(n, 1).await;
        for r in 0..2 {
            let uri = f
                .record(n, "app.bsky.feed.post", &format!("3k{n}r{r}"))
                .await;
            let cid = format!("bafkrei{n}x{r}");
            f.blob(n, &cid, "image/png").await;
            f.record_blob(n, &cid, &uri).await;
        }
        if n == 5 || n == 50 {
            let mut c = Vec::new();
            for q in queries {
                c.push(statements(&app, Domain::Pds, q).await);
            }
            costs.push(c);
        }
    }
    assert_eq!(costs[0], costs[1], "statements for 5 vs 50 accounts");
    assert_eq!(
        costs[0],
        [3, 6, 3],
        "one statement per level, +1 per totalCount"
    );
    // And the data is all there: 50 accounts, 2 records each, 1 blob per record.
    let data = query_ok(&app, queries[0]).await;
    let nodes = data["pdsAccounts"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 50);
    assert!(nodes.iter().all(|a| {
        let recs = a["records"]["nodes"].as_array().unwrap();
        recs.len() == 2
            && recs
                .iter()
                .all(|r| r["blobs"]["nodes"].as_array().unwrap().len() == 1)
    }));
}

async fn field_names(app: &TestApp, ty: &str) -> Vec<String> {
    let data = query_ok(
        app,
        &format!(r#"{{ __type(name: "{ty}") {{ fields {{ name }} }} }}"#),
    )
    .await;
    data["__type"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no type {ty}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn secrets_are_not_fields() {
    let app = TestApp::spawn().await;
    let account = field_names(&app, "PdsAccount").await;
    for secret in ["passwordHash", "signingKeyPriv", "rotationKeyPriv"] {
        assert!(!account.contains(&secret.to_owned()), "{secret}");
    }
    for public in [
        "did",
        "email",
        "signingKeyPub",
        "rotationKeyPub",
        "sessions",
    ] {
        assert!(account.contains(&public.to_owned()), "{public}");
    }
    assert_eq!(
        field_names(&app, "PdsSession").await,
        [
            "did",
            "expiresAt",
            "appPasswordName",
            "createdAt",
            "account",
            "appPassword"
        ]
    );
    assert_eq!(
        field_names(&app, "PdsAppPassword").await,
        ["did", "name", "privileged", "createdAt", "account"]
    );
    // Sessions have no root field, and no filter on a secret column exists.
    let roots = field_names(&app, "Query").await;
    assert!(roots.contains(&"pdsAccounts".to_owned()));
    assert!(
        !roots.iter().any(|r| r.starts_with("pdsSession")),
        "{roots:?}"
    );
    for (input, secrets) in [
        (
            "PdsAccountFilter",
            &["passwordHash", "signingKeyPriv", "rotationKeyPriv"][..],
        ),
        ("PdsSessionFilter", &["jti"][..]),
        ("PdsAppPasswordFilter", &["passwordScrypt"][..]),
    ] {
        let data = query_ok(
            &app,
            &format!(r#"{{ __type(name: "{input}") {{ inputFields {{ name }} }} }}"#),
        )
        .await;
        let names = data["__type"]["inputFields"].to_string();
        for s in secrets {
            assert!(!names.contains(s), "{input}.{s}");
        }
    }
}

#[tokio::test]
async fn demo_seed_inserts_once() {
    let app = TestApp::spawn().await;
    let db = app.db.get(Domain::Pds);
    api::demo::pds::seed(db).await.unwrap();
    let counts = || async {
        (
            accounts::Entity::find().count(db).await.unwrap(),
            repos::Entity::find().count(db).await.unwrap(),
            plc_operations::Entity::find().count(db).await.unwrap(),
            records::Entity::find().count(db).await.unwrap(),
            repo_seq::Entity::find().count(db).await.unwrap(),
            app_passwords::Entity::find().count(db).await.unwrap(),
        )
    };
    let first = counts().await;
    assert_eq!(first, (4, 4, 12, 14, 23, 1));
    api::demo::pds::seed(db).await.unwrap();
    assert_eq!(counts().await, first, "a second run inserts nothing");

    // Signed in as Alice: her email, app passwords and sessions are hers to read.
    let data = ok_as(
        &app,
        "did:plc:ragtjsm2j2vknwkz3zp4oxrd",
        r#"{ pdsAccount(handle: "alice.mosaic.test") {
            did email status repo { rootBlock { cid } }
            plcOperations { nodes { seq } }
            appPasswords { nodes { name } }
            sessions { totalCount }
        }
        carol: pdsAccount(did: "did:plc:z72i7hdynmk6r22z27h6tvur") { status }
        pdsRepoSeqEvents(last: 1) { nodes { eventType account { handle } } } }"#,
    )
    .await;
    let alice = &data["pdsAccount"];
    assert_eq!(alice["did"], "did:plc:ragtjsm2j2vknwkz3zp4oxrd");
    assert_eq!(alice["email"], "alice@mosaic.test");
    assert_eq!(alice["status"], "ACTIVE");
    assert!(
        alice["repo"]["rootBlock"]["cid"]
            .as_str()
            .unwrap()
            .starts_with("bafyrei")
    );
    assert_eq!(
        alice["plcOperations"]["nodes"],
        json!([{ "seq": "0" }, { "seq": "1" }, { "seq": "2" }])
    );
    assert_eq!(
        alice["appPasswords"]["nodes"],
        json!([{ "name": "Graysky on phone" }])
    );
    assert_eq!(alice["sessions"]["totalCount"], 2);
    assert_eq!(data["carol"]["status"], "DEACTIVATED");
    assert_eq!(
        data["pdsRepoSeqEvents"]["nodes"],
        json!([{ "eventType": "ACCOUNT", "account": { "handle": "carol.mosaic.test" } }])
    );
}
