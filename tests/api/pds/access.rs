//! The PDS's read access rules through HTTP: what only an account itself may read (its
//! email address, sessions, app passwords and uploads still in temporary storage), from
//! the account, from another signed-in account and anonymously; repository data stays
//! public. Lists and counts leave hidden rows out; direct reads answer `FORBIDDEN`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::Domain;
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, PDS_LOGIN as LOGIN, TestApp, as_account, code, count, errors, forbidden, gql,
    message, pds_account, pds_login, request,
};

const ALICE: &str = "did:plc:alice";
const BOB: &str = "did:plc:bob";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// Inserts PDS fixtures straight through the entities.
struct Fixture<'a> {
    app: &'a TestApp,
}

impl Fixture<'_> {
    fn db(&self) -> &sea_orm::DatabaseConnection {
        self.app.db.get(Domain::Pds)
    }

    async fn account(&self, did: &str, name: &str) {
        accounts::Model {
            did: did.to_owned(),
            handle: format!("{name}.test"),
            email: format!("{name}@example.com"),
            password_hash: "$scrypt$SECRET".to_owned(),
            signing_key_priv: "SECRET-SIGNING".to_owned(),
            signing_key_pub: format!("zQ3shSign{name}"),
            rotation_key_priv: "SECRET-ROTATION".to_owned(),
            rotation_key_pub: format!("zQ3shRot{name}"),
            status: AccountStatus::Active,
            created_at: t0(),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn session(&self, did: &str, jti: &str, minutes: i64, app: Option<&str>) {
        refresh_tokens::Model {
            jti: jti.to_owned(),
            did: did.to_owned(),
            expires_at: t0() + Duration::days(90),
            app_password_name: app.map(str::to_owned),
            created_at: t0() + Duration::minutes(minutes),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn app_password(&self, did: &str, name: &str) {
        app_passwords::Model {
            did: did.to_owned(),
            name: name.to_owned(),
            password_scrypt: "$scrypt$SECRET-APP".to_owned(),
            privileged: false,
            created_at: t0(),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn blob(&self, did: &str, cid: &str, temp_key: Option<&str>) {
        blobs::Model {
            did: did.to_owned(),
            cid: cid.to_owned(),
            mime_type: "image/png".to_owned(),
            size: 100,
            temp_key: temp_key.map(str::to_owned),
            width: None,
            height: None,
            created_at: t0(),
            takedown_ref: None,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    async fn record(&self, did: &str, rkey: &str) -> String {
        let uri = format!("at://{did}/app.bsky.feed.post/{rkey}");
        records::Model {
            uri: uri.clone(),
            cid: format!("bafyreirec{rkey}"),
            did: did.to_owned(),
            collection: "app.bsky.feed.post".to_owned(),
            rkey: rkey.to_owned(),
            repo_rev: None,
            indexed_at: t0(),
            takedown_ref: None,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
        uri
    }

    async fn record_blob(&self, did: &str, cid: &str, uri: &str) {
        record_blobs::Model {
            blob_cid: cid.to_owned(),
            record_uri: uri.to_owned(),
            did: did.to_owned(),
        }
        .into_active_model()
        .insert(self.db())
        .await
        .unwrap();
    }

    /// Alice and Bob, each with sessions, an app password, a committed blob and an
    /// upload still in temporary storage; Alice's post references her committed blob and
    /// (mid-commit) her temporary one.
    async fn two_accounts(&self) -> String {
        self.account(ALICE, "alice").await;
        self.account(BOB, "bob").await;
        self.app_password(ALICE, "phone").await;
        self.app_password(BOB, "laptop").await;
        self.session(ALICE, "jti-alice-1", 10, None).await;
        self.session(ALICE, "jti-alice-2", 20, Some("phone")).await;
        self.session(BOB, "jti-bob-1", 30, None).await;
        self.blob(ALICE, "bafkreialice", None).await;
        self.blob(ALICE, "bafkreialicetmp", Some("tmp-alice")).await;
        self.blob(BOB, "bafkreibob", None).await;
        self.blob(BOB, "bafkreibobtmp", Some("tmp-bob")).await;
        let post = self.record(ALICE, "3kpost").await;
        self.record_blob(ALICE, "bafkreialice", &post).await;
        self.record_blob(ALICE, "bafkreialicetmp", &post).await;
        post
    }
}

#[tokio::test]
async fn emails_show_only_to_their_own_account() {
    let app = TestApp::spawn().await;
    Fixture { app: &app }.two_accounts().await;
    let q = "{ pdsAccounts { nodes { did handle email } } }";

    let res = as_account(&app, ALICE, q).await;
    assert_eq!(
        res["data"]["pdsAccounts"]["nodes"],
        json!([
            { "did": ALICE, "handle": "alice.test", "email": "alice@example.com" },
            { "did": BOB, "handle": "bob.test", "email": null },
        ])
    );
    assert_eq!(errors(&res), forbidden(&["pdsAccounts.nodes.1.email"]));
    assert_eq!(
        message(&res),
        "an email address is visible only to its own account"
    );

    let res = as_account(&app, BOB, q).await;
    assert_eq!(res["data"]["pdsAccounts"]["nodes"][0]["email"], Value::Null);
    assert_eq!(
        res["data"]["pdsAccounts"]["nodes"][1]["email"],
        "bob@example.com"
    );
    assert_eq!(errors(&res), forbidden(&["pdsAccounts.nodes.0.email"]));

    // Signed in to another domain under the same subject: no such user there, refused.
    let res = request(
        &app,
        Some(&app.token(Domain::Bellamy, ALICE).await),
        None,
        q,
    )
    .await;
    assert_eq!(
        errors(&res),
        vec![(String::new(), "UNAUTHENTICATED".to_owned())]
    );
    // Anonymous: nobody's.
    for bearer in [None::<String>] {
        let res = request(&app, bearer.as_deref(), None, q).await;
        assert_eq!(
            res["data"]["pdsAccounts"]["nodes"],
            json!([
                { "did": ALICE, "handle": "alice.test", "email": null },
                { "did": BOB, "handle": "bob.test", "email": null },
            ])
        );
        assert_eq!(
            errors(&res),
            forbidden(&["pdsAccounts.nodes.0.email", "pdsAccounts.nodes.1.email"])
        );
    }
}

#[tokio::test]
async fn email_lookups_find_only_the_viewers_own_account() {
    let app = TestApp::spawn().await;
    Fixture { app: &app }.two_accounts().await;
    let lookup = |email: &str| format!(r#"{{ pdsAccount(email: "{email}") {{ did email }} }}"#);

    let res = as_account(&app, ALICE, &lookup("alice@example.com")).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(
        res["data"]["pdsAccount"],
        json!({ "did": ALICE, "email": "alice@example.com" })
    );

    // Another account's address and an address nobody has read exactly the same.
    let taken = as_account(&app, BOB, &lookup("alice@example.com")).await;
    let free = as_account(&app, BOB, &lookup("nobody@example.com")).await;
    assert_eq!(taken, free);
    assert_eq!(taken["data"]["pdsAccount"], Value::Null);
    assert_eq!(errors(&taken), forbidden(&["pdsAccount"]));
    assert_eq!(
        message(&taken),
        "an email address is visible only to its own account"
    );

    // Anonymous lookups by email are refused before any SQL runs.
    let before = app.db.dbs.metrics().statements(Domain::Pds);
    let anon = request(&app, None, None, &lookup("alice@example.com")).await;
    assert_eq!(anon["data"]["pdsAccount"], Value::Null);
    assert_eq!(errors(&anon), forbidden(&["pdsAccount"]));
    assert_eq!(app.db.dbs.metrics().statements(Domain::Pds), before);
}

#[tokio::test]
async fn emails_cannot_be_filtered_or_ordered_on() {
    let app = TestApp::spawn().await;
    Fixture { app: &app }.two_accounts().await;
    for q in [
        r#"{ pdsAccounts(filter: {email: {startsWith: "a"}}) { nodes { did } } }"#,
        r#"{ pdsAccounts(filter: {not: {email: {eq: "alice@example.com"}}}) { nodes { did } } }"#,
        "{ pdsAccounts(orderBy: {field: EMAIL}) { nodes { did } } }",
    ] {
        let res = as_account(&app, ALICE, q).await;
        assert_eq!(
            res["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{q}: {res}"
        );
        assert_eq!(res["data"], Value::Null, "{q}");
    }
    let res = request(
        &app,
        None,
        None,
        r#"{ filter: __type(name: "PdsAccountFilter") { inputFields { name } }
             order: __type(name: "PdsAccountOrderField") { enumValues { name } } }"#,
    )
    .await;
    let names = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&res["data"]["filter"], "inputFields"),
        [
            "did",
            "handle",
            "signingKeyPub",
            "rotationKeyPub",
            "status",
            "createdAt",
            "and",
            "or",
            "not"
        ]
    );
    assert_eq!(
        names(&res["data"]["order"], "enumValues"),
        ["PRIMARY_KEY", "DID", "HANDLE"]
    );
}

#[tokio::test]
async fn sessions_show_only_to_their_own_account() {
    let app = TestApp::spawn().await;
    Fixture { app: &app }.two_accounts().await;
    let q = format!(
        r#"{{ pdsAccount(did: "{ALICE}") {{ handle
            sessions {{ totalCount nodes {{ createdAt appPasswordName appPassword {{ name }} }} }} }} }}"#
    );
    let res = as_account(&app, ALICE, &q).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(
        res["data"]["pdsAccount"],
        json!({ "handle": "alice.test", "sessions": { "totalCount": 2, "nodes": [
            { "createdAt": ts(t0() + Duration::minutes(20)), "appPasswordName": "phone",
              "appPassword": { "name": "phone" } },
            { "createdAt": ts(t0() + Duration::minutes(10)), "appPasswordName": null,
              "appPassword": null },
        ] } })
    );

    for bearer in [Some(app.token(Domain::Pds, BOB).await), None] {
        let before = app.db.dbs.metrics().statements(Domain::Pds);
        let res = request(&app, bearer.as_deref(), None, &q).await;
        assert_eq!(
            res["data"]["pdsAccount"],
            json!({ "handle": "alice.test", "sessions": null })
        );
        assert_eq!(errors(&res), forbidden(&["pdsAccount.sessions"]));
        assert_eq!(
            message(&res),
            "sessions are visible only to their own account"
        );
        // Only the account itself was read (after the check of Bob's session).
        assert_eq!(
            app.db.dbs.metrics().statements(Domain::Pds) - before,
            1 + u64::from(bearer.is_some())
        );
    }

    // Over every account: the viewer's own sessions only, the others are forbidden.
    let all = "{ pdsAccounts { nodes { did sessions { totalCount nodes { createdAt } } } } }";
    let res = as_account(&app, BOB, all).await;
    assert_eq!(
        res["data"]["pdsAccounts"]["nodes"],
        json!([
            { "did": ALICE, "sessions": null },
            { "did": BOB, "sessions": { "totalCount": 1, "nodes": [
                { "createdAt": ts(t0() + Duration::minutes(30)) } ] } },
        ])
    );
    assert_eq!(errors(&res), forbidden(&["pdsAccounts.nodes.0.sessions"]));

    // A session cursor of another account is not a cursor of the viewer's list.
    let bobs = as_account(
        &app,
        BOB,
        &format!(r#"{{ pdsAccount(did: "{BOB}") {{ sessions {{ edges {{ cursor }} }} }} }}"#),
    )
    .await;
    let cursor = bobs["data"]["pdsAccount"]["sessions"]["edges"][0]["cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = as_account(
        &app,
        ALICE,
        &format!(
            r#"{{ pdsAccount(did: "{ALICE}") {{ sessions(after: "{cursor}") {{ nodes {{ createdAt }} }} }} }}"#
        ),
    )
    .await;
    assert_eq!(
        errors(&res),
        [(
            "pdsAccount.sessions".to_owned(),
            "BAD_USER_INPUT".to_owned()
        )]
    );
    // And Bob's own cursor on Alice's sessions is still forbidden, not looked up.
    let res = as_account(
        &app,
        BOB,
        &format!(
            r#"{{ pdsAccount(did: "{ALICE}") {{ sessions(after: "{cursor}") {{ nodes {{ createdAt }} }} }} }}"#
        ),
    )
    .await;
    assert_eq!(errors(&res), forbidden(&["pdsAccount.sessions"]));
}

#[tokio::test]
async fn app_passwords_show_only_to_their_own_account() {
    let app = TestApp::spawn().await;
    Fixture { app: &app }.two_accounts().await;
    let list = format!(
        r#"{{ pdsAppPasswords {{ totalCount nodes {{ did name }} }}
             byFilter: pdsAppPasswords(filter: {{did: {{eq: "{ALICE}"}}}}) {{ totalCount }}
             pdsAccount(did: "{ALICE}") {{ appPasswords {{ totalCount nodes {{ name }} }} }} }}"#
    );
    let res = as_account(&app, ALICE, &list).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(
        res["data"],
        json!({
            "pdsAppPasswords": { "totalCount": 1, "nodes": [{ "did": ALICE, "name": "phone" }] },
            "byFilter": { "totalCount": 1 },
            "pdsAccount": { "appPasswords": { "totalCount": 1, "nodes": [{ "name": "phone" }] } },
        })
    );
    let res = as_account(&app, BOB, &list).await;
    assert_eq!(
        res["data"],
        json!({
            "pdsAppPasswords": { "totalCount": 1, "nodes": [{ "did": BOB, "name": "laptop" }] },
            "byFilter": { "totalCount": 0 },
            "pdsAccount": { "appPasswords": null },
        })
    );
    assert_eq!(errors(&res), forbidden(&["pdsAccount.appPasswords"]));
    assert_eq!(
        message(&res),
        "app passwords are visible only to their own account"
    );
    let res = request(&app, None, None, &list).await;
    assert_eq!(
        res["data"],
        json!({
            "pdsAppPasswords": { "totalCount": 0, "nodes": [] },
            "byFilter": { "totalCount": 0 },
            "pdsAccount": { "appPasswords": null },
        })
    );
    assert_eq!(errors(&res), forbidden(&["pdsAccount.appPasswords"]));

    // Lookups: the owner reads it (null when it does not exist); anyone else is
    // refused, whether it exists or not.
    let lookup = |name: &str| {
        format!(r#"{{ pdsAppPassword(did: "{ALICE}", name: "{name}") {{ name privileged }} }}"#)
    };
    let res = as_account(&app, ALICE, &lookup("phone")).await;
    assert_eq!(
        res,
        json!({ "data": { "pdsAppPassword": { "name": "phone", "privileged": false } } })
    );
    let res = as_account(&app, ALICE, &lookup("tablet")).await;
    assert_eq!(res, json!({ "data": { "pdsAppPassword": null } }));
    let exists = as_account(&app, BOB, &lookup("phone")).await;
    let missing = as_account(&app, BOB, &lookup("tablet")).await;
    assert_eq!(exists, missing);
    assert_eq!(exists["data"]["pdsAppPassword"], Value::Null);
    assert_eq!(errors(&exists), forbidden(&["pdsAppPassword"]));
    let anon = request(&app, None, None, &lookup("phone")).await;
    assert_eq!(errors(&anon), forbidden(&["pdsAppPassword"]));
}

#[tokio::test]
async fn temporary_uploads_show_only_to_their_own_account() {
    let app = TestApp::spawn().await;
    let post = Fixture { app: &app }.two_accounts().await;
    let q = format!(
        r#"{{ pdsBlobs {{ totalCount nodes {{ did cid tempKey }} }}
             temp: pdsBlobs(filter: {{tempKey: {{isNull: false}}}}) {{ totalCount }}
             pdsAccount(did: "{ALICE}") {{ blobs {{ totalCount nodes {{ cid }} }} }}
             pdsRecord(uri: "{post}") {{
                 blobs {{ totalCount nodes {{ cid }} }}
                 recordBlobs {{ nodes {{ blobCid blob {{ cid }} }} }} }} }}"#
    );
    let committed = json!([
        { "did": ALICE, "cid": "bafkreialice", "tempKey": null },
        { "did": BOB, "cid": "bafkreibob", "tempKey": null },
    ]);

    let res = as_account(&app, ALICE, &q).await;
    assert_eq!(res.get("errors"), None, "{res}");
    assert_eq!(
        res["data"],
        json!({
            "pdsBlobs": { "totalCount": 3, "nodes": [
                { "did": ALICE, "cid": "bafkreialice", "tempKey": null },
                { "did": ALICE, "cid": "bafkreialicetmp", "tempKey": "tmp-alice" },
                { "did": BOB, "cid": "bafkreibob", "tempKey": null },
            ] },
            "temp": { "totalCount": 1 },
            "pdsAccount": { "blobs": { "totalCount": 2, "nodes": [
                { "cid": "bafkreialice" }, { "cid": "bafkreialicetmp" } ] } },
            "pdsRecord": {
                "blobs": { "totalCount": 2, "nodes": [
                    { "cid": "bafkreialice" }, { "cid": "bafkreialicetmp" } ] },
                "recordBlobs": { "nodes": [
                    { "blobCid": "bafkreialice", "blob": { "cid": "bafkreialice" } },
                    { "blobCid": "bafkreialicetmp", "blob": { "cid": "bafkreialicetmp" } },
                ] },
            },
        })
    );

    for bearer in [Some(app.token(Domain::Pds, BOB).await), None] {
        let res = request(&app, bearer.as_deref(), None, &q).await;
        let mut blobs = committed.clone();
        if bearer.is_some() {
            blobs
                .as_array_mut()
                .unwrap()
                .push(json!({ "did": BOB, "cid": "bafkreibobtmp", "tempKey": "tmp-bob" }));
        }
        assert_eq!(
            res["data"],
            json!({
                "pdsBlobs": { "totalCount": blobs.as_array().unwrap().len(), "nodes": blobs },
                "temp": { "totalCount": if bearer.is_some() { 1 } else { 0 } },
                "pdsAccount": { "blobs": { "totalCount": 1, "nodes": [{ "cid": "bafkreialice" }] } },
                "pdsRecord": {
                    "blobs": { "totalCount": 1, "nodes": [{ "cid": "bafkreialice" }] },
                    "recordBlobs": { "nodes": [
                        { "blobCid": "bafkreialice", "blob": { "cid": "bafkreialice" } },
                        { "blobCid": "bafkreialicetmp", "blob": null },
                    ] },
                },
            })
        );
        assert_eq!(
            errors(&res),
            forbidden(&["pdsRecord.recordBlobs.nodes.1.blob"])
        );
        let lookup = request(
            &app,
            bearer.as_deref(),
            None,
            &format!(r#"{{ pdsBlob(did: "{ALICE}", cid: "bafkreialicetmp") {{ cid }} }}"#),
        )
        .await;
        assert_eq!(lookup["data"]["pdsBlob"], Value::Null);
        assert_eq!(errors(&lookup), forbidden(&["pdsBlob"]));
    }
    let own = as_account(
        &app,
        ALICE,
        &format!(r#"{{ pdsBlob(did: "{ALICE}", cid: "bafkreialicetmp") {{ cid tempKey }} }}"#),
    )
    .await;
    assert_eq!(
        own,
        json!({ "data": { "pdsBlob": { "cid": "bafkreialicetmp", "tempKey": "tmp-alice" } } })
    );
}

#[tokio::test]
async fn repository_data_stays_public() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let post = f.two_accounts().await;
    repos::Model {
        did: ALICE.to_owned(),
        root_cid: "bafyreiroot".to_owned(),
        rev: "3lrev".to_owned(),
        created_at: t0(),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    repo_blocks::Model {
        repo_did: ALICE.to_owned(),
        cid: "bafyreiroot".to_owned(),
        bytes: vec![1, 2, 3],
        size: 3,
        created_at: t0(),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    plc_operations::Model {
        did: ALICE.to_owned(),
        seq: 0,
        cid: "bafyreiop".to_owned(),
        operation: vec![0xa1],
        created_at: t0(),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    repo_seq::Model {
        seq: 1,
        did: ALICE.to_owned(),
        event_type: RepoSeqEventType::Append,
        event: vec![1],
        invalidated: false,
        sequenced_at: t0(),
    }
    .into_active_model()
    .insert(f.db())
    .await
    .unwrap();
    let q = format!(
        r#"{{ pdsAccount(did: "{ALICE}") {{ handle status signingKeyPub rotationKeyPub
                repo {{ rootCid rootBlock {{ size }} }}
                blocks {{ totalCount }} plcOperations {{ nodes {{ cid }} }}
                records {{ nodes {{ uri }} }} recordBlobs {{ totalCount }}
                seqEvents {{ nodes {{ seq eventType }} }} }}
             pdsRecord(uri: "{post}") {{ cid }}
             pdsRepoSeqEvents {{ totalCount }} }}"#
    );
    let expected = json!({
        "pdsAccount": {
            "handle": "alice.test", "status": "ACTIVE",
            "signingKeyPub": "zQ3shSignalice", "rotationKeyPub": "zQ3shRotalice",
            "repo": { "rootCid": "bafyreiroot", "rootBlock": { "size": 3 } },
            "blocks": { "totalCount": 1 },
            "plcOperations": { "nodes": [{ "cid": "bafyreiop" }] },
            "records": { "nodes": [{ "uri": post }] },
            "recordBlobs": { "totalCount": 2 },
            "seqEvents": { "nodes": [{ "seq": "1", "eventType": "APPEND" }] },
        },
        "pdsRecord": { "cid": "bafyreirec3kpost" },
        "pdsRepoSeqEvents": { "totalCount": 1 },
    });
    for bearer in [None, Some(app.token(Domain::Pds, BOB).await)] {
        let res = request(&app, bearer.as_deref(), None, &q).await;
        assert_eq!(res, json!({ "data": expected }));
    }
}

#[tokio::test]
async fn private_lists_stay_batched_whatever_the_number_of_accounts() {
    let app = TestApp::spawn().await;
    let f = Fixture { app: &app };
    let q = "{ pdsAccounts(first: 100) { nodes { did \
             sessions { totalCount nodes { createdAt } } \
             appPasswords { totalCount nodes { name } } \
             blobs { totalCount nodes { cid } } } } }";
    let mut costs = Vec::new();
    for n in 1..=30 {
        let did = format!("did:plc:n{n:03}");
        f.account(&did, &format!("n{n:03}")).await;
        f.session(&did, &format!("jti-{n}"), n, None).await;
        f.app_password(&did, "phone").await;
        f.blob(&did, &format!("bafkrei{n}"), None).await;
        f.blob(&did, &format!("bafkreitmp{n}"), Some("tmp")).await;
        if n == 5 || n == 30 {
            let token = app.token(Domain::Pds, "did:plc:n003").await;
            let before = app.db.dbs.metrics().statements(Domain::Pds);
            let res = request(&app, Some(&token), None, q).await;
            costs.push(app.db.dbs.metrics().statements(Domain::Pds) - before);
            let nodes = res["data"]["pdsAccounts"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len() as i64, n);
            for (i, a) in nodes.iter().enumerate() {
                let mine = a["did"] == "did:plc:n003";
                assert_eq!(a["sessions"].is_null(), !mine, "{a}");
                assert_eq!(a["appPasswords"].is_null(), !mine, "{a}");
                assert_eq!(
                    a["blobs"]["totalCount"],
                    if mine { 2 } else { 1 },
                    "{i}: {a}"
                );
            }
            assert_eq!(
                res["data"]["pdsAccounts"]["nodes"][2]["sessions"],
                json!({ "totalCount": 1, "nodes": [{ "createdAt": ts(t0() + Duration::minutes(3)) }] })
            );
            // Two forbidden fields per other account.
            assert_eq!(errors(&res).len() as i64, 2 * (n - 1));
        }
    }
    assert_eq!(costs[0], costs[1], "statements for 5 vs 30 accounts");
    assert_eq!(
        costs[0],
        1 + 7,
        "the session's check, accounts, then a page and a count per private list"
    );
}

// ----------------------------------------------------------------------------- Sessions
// PDS sessions through HTTP: login, refresh rotation, logout, logout everywhere.

const REFRESH: &str = "mutation($t: String!) { pdsRefreshSession(refreshToken: $t) { did accessToken refreshToken } }";
const LOGOUT: &str = "mutation($t: String!) { pdsDeleteSession(refreshToken: $t) }";

#[tokio::test]
async fn login_by_handle_or_email_opens_a_session() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    for identifier in ["alice.test", "alice.test@example.com", "ALICE.test"] {
        let s = pds_login(&app, identifier).await;
        assert_eq!(s["did"], "did:plc:alice");
        assert_eq!(s["handle"], "alice.test");
        let me = gql(
            &app,
            "{ viewer { domain subject } }",
            json!({}),
            s["accessToken"].as_str(),
        )
        .await;
        assert_eq!(
            me["data"]["viewer"],
            json!({ "domain": "pds", "subject": "did:plc:alice" })
        );
    }
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 3);
}

#[tokio::test]
async fn wrong_passwords_unknown_accounts_and_disabled_accounts_are_refused() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    pds_account(
        &app,
        "did:plc:gone",
        "gone.test",
        AccountStatus::Deactivated,
    )
    .await;
    pds_account(
        &app,
        "did:plc:banned",
        "banned.test",
        AccountStatus::Takendown,
    )
    .await;
    for (i, p) in [("alice.test", "wrong"), ("nobody.test", PASSWORD)] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": p }), None).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
        assert_eq!(
            res["errors"][0]["message"],
            "invalid identifier or password"
        );
    }
    for i in ["gone.test", "banned.test"] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": PASSWORD }), None).await;
        assert_eq!(code(&res), "FORBIDDEN", "{res}");
    }
    let res = gql(&app, LOGIN, json!({ "i": "", "p": PASSWORD }), None).await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    assert_eq!(
        count(app.db.get(Domain::Pds), "refresh_tokens").await,
        0,
        "no session opened"
    );
}

#[tokio::test]
async fn unknown_identifiers_cost_one_scrypt_like_known_ones() {
    let app = TestApp::spawn().await;
    let verifications = || app.passwords.verifications();
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    // An account whose stored hash is not a usable scrypt string (like the demo data's).
    pds_account(&app, "did:plc:odd", "odd.test", AccountStatus::Active).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db.get(Domain::Pds),
        "UPDATE accounts SET password_hash = '$scrypt$N=16384,r=8,p=1$x$PLACEHOLDER' \
         WHERE did = 'did:plc:odd'",
    )
    .await
    .unwrap();

    // Counters are process-wide (other tests log in too): they can only grow, so each
    // check is "at least what this test caused".
    let before = verifications();
    let res = gql(
        &app,
        LOGIN,
        json!({ "i": "alice.test", "p": "wrong" }),
        None,
    )
    .await;
    assert_eq!(code(&res), "UNAUTHENTICATED", "{res}");
    assert!(verifications().against_accounts > before.against_accounts);

    let before = verifications();
    for i in ["nobody.test", "nobody@example.com", "odd.test"] {
        let res = gql(&app, LOGIN, json!({ "i": i, "p": PASSWORD }), None).await;
        assert_eq!(code(&res), "UNAUTHENTICATED", "{i}: {res}");
        assert_eq!(
            res["errors"][0]["message"],
            "invalid identifier or password"
        );
    }
    assert!(
        verifications().against_dummy >= before.against_dummy + 3,
        "each unknown identifier ran a dummy verification: {before:?} -> {:?}",
        verifications()
    );
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 0);
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_stops_working() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    let first = pds_login(&app, "alice.test").await;
    let old = first["refreshToken"].as_str().unwrap();
    let res = gql(&app, REFRESH, json!({ "t": old }), None).await;
    assert_eq!(res.get("errors"), None, "{res}");
    let second = res["data"]["pdsRefreshSession"].clone();
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    let again = gql(&app, REFRESH, json!({ "t": old }), None).await;
    assert_eq!(code(&again), "UNAUTHENTICATED");
    assert_eq!(again["errors"][0]["message"], "the session has ended");
    // An access token is not a refresh token.
    let wrong_kind = gql(&app, REFRESH, json!({ "t": second["accessToken"] }), None).await;
    assert_eq!(code(&wrong_kind), "UNAUTHENTICATED");
    let ok = gql(&app, REFRESH, json!({ "t": second["refreshToken"] }), None).await;
    assert_eq!(ok.get("errors"), None, "{ok}");
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 1);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_open_one_session() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    let s = pds_login(&app, "alice.test").await;
    let t = s["refreshToken"].as_str().unwrap().to_owned();
    let runs = (0..8).map(|_| gql(&app, REFRESH, json!({ "t": t }), None));
    let results = futures::future::join_all(runs).await;
    let ok = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(ok, 1, "{results:?}");
    for r in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(code(r), "UNAUTHENTICATED", "{r}");
    }
    assert_eq!(count(app.db.get(Domain::Pds), "refresh_tokens").await, 1);
}

#[tokio::test]
async fn logout_and_logout_everywhere() {
    let app = TestApp::spawn().await;
    pds_account(&app, "did:plc:alice", "alice.test", AccountStatus::Active).await;
    pds_account(&app, "did:plc:bob", "bob.test", AccountStatus::Active).await;
    let a1 = pds_login(&app, "alice.test").await;
    let a2 = pds_login(&app, "alice.test").await;
    let a3 = pds_login(&app, "alice.test").await;
    let b1 = pds_login(&app, "bob.test").await;

    let res = gql(&app, LOGOUT, json!({ "t": a1["refreshToken"] }), None).await;
    assert_eq!(res["data"]["pdsDeleteSession"], true, "{res}");
    let res = gql(&app, LOGOUT, json!({ "t": a1["refreshToken"] }), None).await;
    assert_eq!(res["data"]["pdsDeleteSession"], false, "{res}");

    let everywhere = "mutation { pdsDeleteAllSessions }";
    let anon = gql(&app, everywhere, json!({}), None).await;
    assert_eq!(code(&anon), "UNAUTHENTICATED");
    let res = gql(&app, everywhere, json!({}), a2["accessToken"].as_str()).await;
    assert_eq!(res["data"]["pdsDeleteAllSessions"], 2, "{res}");
    for s in [&a2, &a3] {
        let r = gql(&app, REFRESH, json!({ "t": s["refreshToken"] }), None).await;
        assert_eq!(code(&r), "UNAUTHENTICATED");
    }
    // Bob is still signed in.
    let r = gql(&app, REFRESH, json!({ "t": b1["refreshToken"] }), None).await;
    assert_eq!(r.get("errors"), None, "{r}");
}
