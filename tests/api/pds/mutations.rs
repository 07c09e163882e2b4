//! The PDS's write API through HTTP: account creation, handle and status changes, PLC
//! operation appends and repository blocks, with their validation, authorization,
//! concurrency and rollback.

use api::validate::{Cid, Codec};
use entity::Domain;
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{accounts, plc_operations, refresh_tokens, repo_blocks, repo_seq, repos};
use ipld_core::ipld::Ipld;
use k256::ecdsa::Signature;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

use super::*;
use crate::helpers::{PASSWORD, TestApp, code, count, field, key_pair, message, ok, pds_account};

const ALICE: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
const BOB: &str = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb";
async fn rows(app: &TestApp) -> [i64; 4] {
    let db = app.db.get(Domain::Pds);
    [
        count(db, "accounts").await,
        count(db, "repos").await,
        count(db, "repo_blocks").await,
        count(db, "plc_operations").await,
    ]
}

#[tokio::test]
async fn creating_an_account_stores_keys_repo_and_genesis_operation_in_one_go() {
    let app = TestApp::spawn().await;
    let input = json!({ "handle": "Alice.Example.com", "email": "Alice@Example.com", "password": PASSWORD });
    // Anonymous: creation is open.
    let res = gql_as(&app, CREATE, json!({ "i": input }), None).await;
    let p = &ok(&res)["pdsCreateAccount"];
    let did = p["account"]["did"].as_str().unwrap().to_owned();
    assert!(api::validate::Did::parse("did", &did).is_ok() && did.starts_with("did:plc:"));
    assert_eq!(p["account"]["handle"], "alice.example.com");
    assert_eq!(p["account"]["status"], "ACTIVE");
    let signing = p["account"]["signingKeyPub"].as_str().unwrap();
    let rotation = p["account"]["rotationKeyPub"].as_str().unwrap();
    assert!(signing.starts_with("zQ3s") && rotation.starts_with("zQ3s"));
    assert_ne!(signing, rotation);
    assert_eq!(p["repo"]["did"], did.as_str());
    assert_eq!(p["repo"]["rev"].as_str().unwrap().len(), 13);
    assert_eq!(p["plcOperation"]["seq"], "0");
    // The operation's CID is its bytes' CID, and the DID is the hash of those bytes.
    let op = STANDARD
        .decode(p["plcOperation"]["operation"].as_str().unwrap())
        .unwrap();
    assert_eq!(p["plcOperation"]["cid"], cid(&op).as_str());
    assert_eq!(rows(&app).await, [1, 1, 2, 1]);

    // Stored: a scrypt hash, 32-byte hex private keys, the first commit and the empty
    // tree it points at as blocks.
    let db = app.db.get(Domain::Pds);
    let row = accounts::Entity::find_by_id(did.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.email, "alice@example.com");
    assert!(
        row.password_hash.starts_with("$scrypt$"),
        "{}",
        row.password_hash
    );
    for k in [&row.signing_key_priv, &row.rotation_key_priv] {
        assert_eq!(k.len(), 64);
        assert!(k.chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_ne!(row.signing_key_priv, row.rotation_key_priv);
    let blocks = entity::pds::repo_blocks::Entity::find()
        .all(db)
        .await
        .unwrap();
    for b in &blocks {
        assert_eq!(b.cid, cid(&b.bytes));
    }
    let root = p["repo"]["rootCid"].as_str().unwrap();
    let commit = blocks.iter().find(|b| b.cid == root).unwrap();
    let mst = blocks.iter().find(|b| b.cid != root).unwrap();
    // A v3 commit of the DID at the repository's rev, signed by the account's signing
    // key, whose data is the empty MST node.
    let c = super::verified_commit(&commit.bytes, signing);
    assert_eq!(c["did"], Ipld::String(did.clone()));
    assert_eq!(c["version"], Ipld::Integer(3));
    assert_eq!(
        c["rev"],
        Ipld::String(p["repo"]["rev"].as_str().unwrap().into())
    );
    assert_eq!(c["prev"], Ipld::Null);
    assert_eq!(c["data"], Ipld::Link(super::link(&mst.bytes)));
    assert_eq!(mst.bytes, super::empty_mst());

    // Private halves are not fields.
    let res = gql_as(
        &app,
        "{ pdsAccount(did: \"x\") { signingKeyPriv } }",
        json!({}),
        None,
    )
    .await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signingKeyPriv")
    );

    // The password works.
    let res = gql_as(
        &app,
        "mutation($i: String!, $p: String!) { pdsCreateSession(identifier: $i, password: $p) { did } }",
        json!({ "i": "alice.example.com", "p": PASSWORD }),
        None,
    )
    .await;
    assert_eq!(ok(&res)["pdsCreateSession"]["did"], did.as_str());
}

#[tokio::test]
async fn account_creation_refuses_bad_input_before_writing() {
    let app = TestApp::spawn().await;
    let good =
        json!({ "handle": "carol.test", "email": "carol@example.com", "password": PASSWORD });
    for (key, value, path) in [
        ("handle", "not a handle", "input.handle"),
        ("handle", "nodots", "input.handle"),
        ("email", "carol-at-example.com", "input.email"),
        ("password", "short", "input.password"),
    ] {
        let mut input = good.clone();
        input[key] = json!(value);
        let res = gql_as(&app, CREATE, json!({ "i": input }), None).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(field(&res), path);
    }
    assert_eq!(rows(&app).await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn a_taken_handle_or_email_conflicts_and_writes_nothing() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let before = rows(&app).await;
    for input in [
        json!({ "handle": "ALICE.test", "email": "new@example.com", "password": PASSWORD }),
        json!({ "handle": "new.test", "email": "Alice.Test@example.com", "password": PASSWORD }),
    ] {
        let res = gql_as(&app, CREATE, json!({ "i": input }), None).await;
        assert_eq!(code(&res), "CONFLICT", "{res}");
    }
    assert_eq!(rows(&app).await, before);
}

#[tokio::test]
async fn an_account_changes_its_own_handle_only() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    pds_account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let vars = |did: &str, handle: &str| json!({ "i": { "did": did, "handle": handle } });

    let res = gql_as(&app, HANDLE, vars(ALICE, "Alice2.test"), Some(ALICE)).await;
    assert_eq!(
        ok(&res)["pdsUpdateHandle"]["account"],
        json!({ "did": ALICE, "handle": "alice2.test" })
    );
    let res = gql_as(&app, HANDLE, vars(ALICE, "x.test"), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql_as(&app, HANDLE, vars(ALICE, "x.test"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    let res = gql_as(&app, HANDLE, vars(ALICE, "BOB.test"), Some(ALICE)).await;
    assert_eq!(code(&res), "CONFLICT");
    let res = gql_as(&app, HANDLE, vars(ALICE, "bad handle"), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.handle")
    );

    let db = app.db.get(Domain::Pds);
    let handles: Vec<String> = accounts::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.handle)
        .collect();
    assert_eq!(handles.len(), 2);
    assert!(
        handles.contains(&"alice2.test".to_owned()) && handles.contains(&"bob.test".to_owned())
    );

    // A taken-down account cannot write.
    pds_account(
        &app,
        "did:plc:cccccccccccccccccccccccc",
        "carol.test",
        AccountStatus::Takendown,
    )
    .await;
    let res = gql_as(
        &app,
        HANDLE,
        vars("did:plc:cccccccccccccccccccccccc", "carol2.test"),
        Some("did:plc:cccccccccccccccccccccccc"),
    )
    .await;
    assert_eq!(code(&res), "FORBIDDEN");
}

async fn status_of(app: &TestApp, did: &str) -> AccountStatus {
    accounts::Entity::find_by_id(did)
        .one(app.db.get(Domain::Pds))
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn status_moves_as_a_pds_allows_and_deleted_is_final() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    pds_account(&app, BOB, "bob.test", AccountStatus::Takendown).await;
    let vars = |did: &str, s: &str| json!({ "i": { "did": did, "status": s } });

    // Authorization first.
    let res = gql_as(&app, STATUS, vars(ALICE, "DEACTIVATED"), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql_as(&app, STATUS, vars(ALICE, "DEACTIVATED"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(status_of(&app, ALICE).await, AccountStatus::Active);

    // Illegal moves.
    let res = gql_as(&app, STATUS, vars(ALICE, "ACTIVE"), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.status")
    );
    let res = gql_as(&app, STATUS, vars(ALICE, "TAKENDOWN"), Some(ALICE)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    let res = gql_as(&app, STATUS, vars(BOB, "ACTIVE"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(status_of(&app, BOB).await, AccountStatus::Takendown);

    // Deactivate, reactivate, delete.
    for s in ["DEACTIVATED", "ACTIVE", "DEACTIVATED"] {
        let res = gql_as(&app, STATUS, vars(ALICE, s), Some(ALICE)).await;
        assert_eq!(ok(&res)["pdsUpdateAccountStatus"]["account"]["status"], s);
    }
    // Deleting ends the account's sessions.
    refresh_tokens::Model {
        jti: "j1".into(),
        did: ALICE.into(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
        app_password_name: None,
        created_at: chrono::Utc::now(),
    }
    .into_active_model()
    .insert(app.db.get(Domain::Pds))
    .await
    .unwrap();
    let res = gql_as(&app, STATUS, vars(ALICE, "DELETED"), Some(ALICE)).await;
    assert_eq!(
        ok(&res)["pdsUpdateAccountStatus"]["account"]["status"],
        "DELETED"
    );
    let alices = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::Did.eq(ALICE))
        .all(app.db.get(Domain::Pds))
        .await
        .unwrap();
    assert!(alices.is_empty(), "{alices:?}");
    for s in ["ACTIVE", "DEACTIVATED"] {
        let res = gql_as(&app, STATUS, vars(ALICE, s), Some(ALICE)).await;
        assert_eq!(
            (code(&res), field(&res)),
            ("BAD_USER_INPUT", "input.status")
        );
    }
    assert_eq!(status_of(&app, ALICE).await, AccountStatus::Deleted);
    // A deleted account writes nothing else either.
    let res = gql_as(
        &app,
        HANDLE,
        json!({ "i": { "did": ALICE, "handle": "a.test" } }),
        Some(ALICE),
    )
    .await;
    assert_eq!(code(&res), "FORBIDDEN");
}

const APPEND: &str = "mutation($i: PdsAppendPlcOperationInput!) { pdsAppendPlcOperation(input: $i) { plcOperation { did seq cid operation } } }";

fn op_vars(did: &str, bytes: &[u8], prev: Option<&str>) -> Value {
    json!({ "i": { "did": did, "cid": cid(bytes), "operation": b64(bytes), "prev": prev } })
}

#[tokio::test]
async fn plc_operations_append_at_the_next_seq_with_a_matching_cid() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    pds_account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);

    let res = gql_as(&app, APPEND, op_vars(ALICE, b"op one", None), Some(ALICE)).await;
    let op = &ok(&res)["pdsAppendPlcOperation"]["plcOperation"];
    assert_eq!(op["seq"], "1");
    assert_eq!(op["cid"], cid(b"op one").as_str());
    assert_eq!(op["operation"], b64(b"op one").as_str());
    // With prev = the last operation's CID.
    let res = gql_as(
        &app,
        APPEND,
        op_vars(ALICE, b"op two", Some(&cid(b"op one"))),
        Some(ALICE),
    )
    .await;
    assert_eq!(
        ok(&res)["pdsAppendPlcOperation"]["plcOperation"]["seq"],
        "2"
    );
    assert_eq!(count(db, "plc_operations").await, 4);

    // A stale prev conflicts.
    let res = gql_as(
        &app,
        APPEND,
        op_vars(ALICE, b"op three", Some(&cid(b"op one"))),
        Some(ALICE),
    )
    .await;
    assert_eq!(code(&res), "CONFLICT");
    // Bad CIDs.
    let mut v = op_vars(ALICE, b"op three", None);
    v["i"]["cid"] = json!(cid(b"something else"));
    let res = gql_as(&app, APPEND, v.clone(), Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    v["i"]["cid"] = json!("bafyNOTACID");
    let res = gql_as(&app, APPEND, v.clone(), Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    v["i"]["cid"] = json!(Cid::of(Codec::Raw, b"op three").to_string());
    let res = gql_as(&app, APPEND, v, Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    let res = gql_as(&app, APPEND, op_vars(ALICE, b"", None), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.operation")
    );
    // Who.
    let res = gql_as(&app, APPEND, op_vars(ALICE, b"op three", None), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql_as(&app, APPEND, op_vars(ALICE, b"op three", None), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(count(db, "plc_operations").await, 4);
}

#[tokio::test]
async fn concurrent_plc_appends_get_gap_free_seqs() {
    let app = TestApp::spawn_on_files().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let n = 30;
    let token = app.token(Domain::Pds, ALICE).await;
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let body = json!({ "query": APPEND, "variables": op_vars(ALICE, format!("op {i}").as_bytes(), None) });
            let req = app
                .client
                .post(app.url("/graphql"))
                .bearer_auth(&token)
                .json(&body);
            tokio::spawn(async move { req.send().await.unwrap().json::<Value>().await.unwrap() })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        let res = t.await.unwrap();
        seqs.push(
            ok(&res)["pdsAppendPlcOperation"]["plcOperation"]["seq"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=n).collect::<Vec<i64>>());
    let mut stored: Vec<i64> = plc_operations::Entity::find()
        .all(app.db.get(Domain::Pds))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.seq)
        .collect();
    stored.sort_unstable();
    assert_eq!(stored, (0..=n).collect::<Vec<i64>>());
}

// ----------------------------------------------------------------------------- Repository writes
// The PDS's repository writes through HTTP (`pdsPutRepoBlocks`): blocks must be strict
// DAG-CBOR, and the new root a real AT Protocol commit (v3) of the repository, signed
// by the account's current signing key, with a newer rev and its MST root at hand.
// Every refusal is `BAD_USER_INPUT` naming the field and writes nothing.
//
// Commits are built here with the DAG-CBOR and ECDSA crates, independently of the
// server's code, signed with the account's private key as the server stores it.
/// The rev [`pds_account`] gives a repository.
const GENESIS_REV: &str = "3jzfcijpj2z2a";

/// Asserts `res` is `BAD_USER_INPUT` on `at` with a message containing `says`.
#[track_caller]
fn refused(res: &Value, at: &str, says: &str) {
    assert_eq!((code(res), field(res)), ("BAD_USER_INPUT", at), "{res}");
    assert!(message(res).contains(says), "{says:?} in {res}");
}

/// The repository's root and rev, and the rows of blocks and events.
async fn state(app: &TestApp, did: &str) -> (String, String, i64, i64) {
    let db = app.db.get(Domain::Pds);
    let repo = repos::Entity::find_by_id(did)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (
        repo.root_cid,
        repo.rev,
        count(db, "repo_blocks").await,
        count(db, "repo_seq").await,
    )
}

fn put(did: &str, items: &[&[u8]], root: &[u8]) -> Value {
    json!({ "i": { "did": did, "blocks": blocks(items), "root": cid(root) } })
}

#[tokio::test]
async fn a_signed_commit_lands_its_blocks_and_moves_root_and_rev() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    pds_account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);
    let key = signing_key(&app, ALICE).await;
    let genesis_root = cid(b"genesis");

    let (record, mst) = record_and_mst("3l2aaaaaaaaa2", "hello");
    let rev1 = tid_in(0);
    let c1 = commit(ALICE, &rev1, &mst, &key);
    let input = json!({ "did": ALICE, "blocks": blocks(&[&record, &mst, &c1]),
        "root": cid(&c1), "swapCommit": genesis_root });
    let res = gql_as(&app, PUT, json!({ "i": input }), Some(ALICE)).await;
    let p = &ok(&res)["pdsPutRepoBlocks"];
    // The root is the commit, the rev is the commit's own.
    assert_eq!(
        p["repo"],
        json!({ "did": ALICE, "rootCid": cid(&c1), "rev": rev1 })
    );
    assert_eq!(
        p["blocks"],
        json!([
            { "cid": cid(&record), "size": record.len(), "bytes": b64(&record) },
            { "cid": cid(&mst), "size": mst.len(), "bytes": b64(&mst) },
            { "cid": cid(&c1), "size": c1.len(), "bytes": b64(&c1) },
        ])
    );
    assert_eq!(state(&app, ALICE).await, (cid(&c1), rev1.clone(), 3, 1));
    // The #commit event, as before.
    let event = repo_seq::Entity::find()
        .order_by_desc(repo_seq::Column::Seq)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (event.did.as_str(), event.event_type),
        (ALICE, RepoSeqEventType::Append)
    );
    let Ipld::Map(e) = serde_ipld_dagcbor::from_slice::<Ipld>(&event.event).unwrap() else {
        panic!("not a map");
    };
    let text = |s: &str| Ipld::String(s.to_owned());
    assert_eq!(e["repo"], text(ALICE));
    assert_eq!(e["commit"], text(&cid(&c1)));
    assert_eq!(e["rev"], text(&rev1));
    assert_eq!(e["since"], text(GENESIS_REV));
    assert_eq!(
        e["blocks"],
        Ipld::List(vec![text(&cid(&record)), text(&cid(&mst)), text(&cid(&c1))])
    );
    assert_eq!(e["seq"], Ipld::Integer(event.seq.into()));

    // Again with a known block, a new commit linking the last and the MST root already
    // stored: the known block is kept, the rev is the new commit's.
    let rev2 = tid_in(1);
    let c2 = signed(unsigned(ALICE, &rev2, &mst, Some(&c1)), &key);
    let res = gql_as(&app, PUT, put(ALICE, &[&record, &c2], &c2), Some(ALICE)).await;
    assert_eq!(ok(&res)["pdsPutRepoBlocks"]["repo"]["rev"], rev2.as_str());
    assert_eq!(state(&app, ALICE).await, (cid(&c2), rev2.clone(), 4, 2));

    // A commit already stored cannot come back: its rev is not newer.
    let res = gql_as(&app, PUT, put(ALICE, &[], &c1), Some(ALICE)).await;
    refused(
        &res,
        "input.root",
        &format!("input.root: rev {rev1} is not newer than {rev2}"),
    );

    // A stale swapCommit conflicts.
    let c3 = commit(ALICE, &tid_in(2), &mst, &key);
    let mut input = put(ALICE, &[&c3], &c3);
    input["i"]["swapCommit"] = json!(cid(&c1));
    let res = gql_as(&app, PUT, input, Some(ALICE)).await;
    assert_eq!(code(&res), "CONFLICT");

    // Bad input: a CID that is not the bytes', a malformed CID, a CID twice.
    let mut bad = put(ALICE, &[&c3, &mst], &c3)["i"].clone();
    bad["blocks"][1]["cid"] = json!(cid(b"y"));
    let res = gql_as(&app, PUT, json!({ "i": bad.clone() }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );
    bad["blocks"][1]["cid"] = json!("Qmnotacid");
    let res = gql_as(&app, PUT, json!({ "i": bad.clone() }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );
    bad["blocks"][1] = bad["blocks"][0].clone();
    let res = gql_as(&app, PUT, json!({ "i": bad }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );

    // Who.
    let res = gql_as(&app, PUT, put(ALICE, &[&c3], &c3), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql_as(&app, PUT, put(ALICE, &[&c3], &c3), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");

    assert_eq!(state(&app, ALICE).await, (cid(&c2), rev2, 4, 2));
}

#[tokio::test]
async fn blocks_that_are_not_strict_dag_cbor_are_refused() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let key = signing_key(&app, ALICE).await;
    let before = state(&app, ALICE).await;
    let mst = empty_mst();
    let good = commit(ALICE, &tid_in(0), &mst, &key);

    // Not CBOR at all, with its own CID, as block and root (it became the root once).
    let junk: &[u8] = b"\xff\xff";
    let res = gql_as(&app, PUT, put(ALICE, &[junk], junk), Some(ALICE)).await;
    refused(
        &res,
        "input.blocks[0].bytes",
        "input.blocks[0].bytes: not DAG-CBOR (",
    );

    // CBOR, but not DAG-CBOR's canonical form, beside good blocks: map keys out of order,
    // a key twice, an indefinite length, a non-minimal integer, a tag other than 42, a
    // 32-bit float, a second item after the first.
    let not_canonical: [&[u8]; 7] = [
        b"\xa2\x61b\x01\x61a\x02",
        b"\xa2\x61a\x01\x61a\x02",
        b"\x9f\x01\xff",
        b"\x18\x01",
        b"\xc1\x01",
        b"\xfa\x3f\x80\x00\x00",
        b"\xa0\xa0",
    ];
    for bytes in not_canonical {
        let res = gql_as(
            &app,
            PUT,
            put(ALICE, &[&mst, bytes, &good], &good),
            Some(ALICE),
        )
        .await;
        refused(
            &res,
            "input.blocks[1].bytes",
            "input.blocks[1].bytes: not DAG-CBOR (",
        );
    }

    // A block stored before DAG-CBOR was checked, named as the root.
    repo_blocks::Model {
        repo_did: ALICE.into(),
        cid: cid(junk),
        bytes: junk.to_vec(),
        size: 2,
        created_at: chrono::Utc::now(),
    }
    .into_active_model()
    .insert(app.db.get(Domain::Pds))
    .await
    .unwrap();
    let res = gql_as(&app, PUT, put(ALICE, &[&mst], junk), Some(ALICE)).await;
    refused(&res, "input.root", "input.root: not DAG-CBOR (");

    let (root, rev, blocks, events) = before;
    assert_eq!(state(&app, ALICE).await, (root, rev, blocks + 1, events));
}

#[tokio::test]
async fn the_root_must_be_a_commit_of_the_repository_signed_by_its_current_key() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    pds_account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);
    let (alice, bob) = (signing_key(&app, ALICE).await, signing_key(&app, BOB).await);
    let before = state(&app, ALICE).await;
    let mst = empty_mst();
    let rev = tid_in(0);
    let alice_commit = format!("input.root: not a commit for {ALICE}");
    let bad_sig = "input.root: signature does not verify with the account's signing key";

    // DAG-CBOR, but not a commit: the MST node itself, a commit without a field.
    let res = gql_as(&app, PUT, put(ALICE, &[&mst], &mst), Some(ALICE)).await;
    refused(&res, "input.root", &alice_commit);
    let mut fields = unsigned(ALICE, &rev, &mst, None);
    fields.remove("prev");
    let no_prev = signed(fields, &alice);
    let res = gql_as(
        &app,
        PUT,
        put(ALICE, &[&mst, &no_prev], &no_prev),
        Some(ALICE),
    )
    .await;
    refused(&res, "input.root", &format!("{alice_commit} (no `prev`)"));
    let mut fields = unsigned(ALICE, &rev, &mst, None);
    fields.insert("version".into(), Ipld::Integer(2));
    let v2 = signed(fields, &alice);
    let res = gql_as(&app, PUT, put(ALICE, &[&mst, &v2], &v2), Some(ALICE)).await;
    refused(&res, "input.root", &alice_commit);

    // Bob's own, valid commit, put into Alice's repository.
    let bobs = commit(BOB, &rev, &mst, &bob);
    let res = gql_as(&app, PUT, put(ALICE, &[&mst, &bobs], &bobs), Some(ALICE)).await;
    refused(
        &res,
        "input.root",
        &format!("{alice_commit} (it is for {BOB})"),
    );

    // A commit of Alice's repository signed by another key.
    let forged = commit(ALICE, &rev, &mst, &bob);
    let res = gql_as(
        &app,
        PUT,
        put(ALICE, &[&mst, &forged], &forged),
        Some(ALICE),
    )
    .await;
    refused(&res, "input.root", bad_sig);

    // Signed by Alice's key, but with S in the high half (valid ECDSA, not atproto's).
    let fields = unsigned(ALICE, &rev, &mst, None);
    let (r, s) = low_s(&alice, &dag_cbor(&Ipld::Map(fields.clone()))).split_scalars();
    let high = Signature::from_scalars(r, -s).unwrap();
    let mut with_high = fields.clone();
    with_high.insert("sig".into(), Ipld::Bytes(high.to_bytes().to_vec()));
    let high_s = dag_cbor(&Ipld::Map(with_high));
    let res = gql_as(
        &app,
        PUT,
        put(ALICE, &[&mst, &high_s], &high_s),
        Some(ALICE),
    )
    .await;
    refused(&res, "input.root", bad_sig);

    // Signed, then changed: the signature no longer covers the rev.
    let Ipld::Map(mut tampered) =
        serde_ipld_dagcbor::from_slice::<Ipld>(&commit(ALICE, &rev, &mst, &alice)).unwrap()
    else {
        panic!("not a map");
    };
    tampered.insert("rev".into(), Ipld::String(tid_in(60)));
    let tampered = dag_cbor(&Ipld::Map(tampered));
    let res = gql_as(
        &app,
        PUT,
        put(ALICE, &[&mst, &tampered], &tampered),
        Some(ALICE),
    )
    .await;
    refused(&res, "input.root", bad_sig);

    // Old revs: the current one, and one before it.
    for old in [GENESIS_REV, "3jzfcijpj2z22"] {
        let c = commit(ALICE, old, &mst, &alice);
        let res = gql_as(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
        refused(
            &res,
            "input.root",
            &format!("input.root: rev {old} is not newer than {GENESIS_REV}"),
        );
    }

    // The MST root neither given nor stored.
    let c = commit(ALICE, &rev, &mst, &alice);
    let res = gql_as(&app, PUT, put(ALICE, &[&c], &c), Some(ALICE)).await;
    refused(
        &res,
        "input.root",
        "is not one of input.blocks or a block already stored",
    );

    assert_eq!(state(&app, ALICE).await, before);

    // The key is the account's current one: after a change, the old key's commits stop
    // verifying and the new key's land.
    let (new_priv, new_pub) = key_pair("a new key");
    let mut row = accounts::Entity::find_by_id(ALICE)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.signing_key_priv = Set(new_priv.clone());
    row.signing_key_pub = Set(new_pub);
    row.update(db).await.unwrap();
    let res = gql_as(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
    refused(&res, "input.root", bad_sig);
    let c = commit(ALICE, &rev, &mst, &key_from_hex(&new_priv));
    let res = gql_as(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
    assert_eq!(
        ok(&res)["pdsPutRepoBlocks"]["repo"]["rootCid"],
        cid(&c).as_str()
    );
}

#[tokio::test]
async fn a_root_neither_given_nor_stored_writes_nothing() {
    let app = TestApp::spawn().await;
    pds_account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let before = state(&app, ALICE).await;
    // Good blocks, but the root is not among them nor stored: nothing is written.
    let (record, mst) = record_and_mst("3l2aaaaaaaaa2", "hello");
    let res = gql_as(
        &app,
        PUT,
        put(ALICE, &[&record, &mst], b"\xa0"),
        Some(ALICE),
    )
    .await;
    refused(&res, "input.root", "input.root must be one of input.blocks");
    assert_eq!(state(&app, ALICE).await, before);
    assert_eq!(before, (cid(b"genesis"), GENESIS_REV.to_owned(), 0, 0));
}

#[tokio::test]
async fn an_account_made_through_the_api_commits_on_its_genesis() {
    let app = TestApp::spawn().await;
    let input = json!({ "handle": "ada.test", "email": "ada@example.com", "password": PASSWORD });
    let res = gql_as(&app, CREATE, json!({ "i": input }), None).await;
    let p = &ok(&res)["pdsCreateAccount"];
    let did = p["account"]["did"].as_str().unwrap().to_owned();
    let genesis = p["repo"]["rootCid"].as_str().unwrap().to_owned();
    let rev0 = p["repo"]["rev"].as_str().unwrap().to_owned();

    // The next commit links the genesis commit and reuses its (stored) empty tree: only
    // the new commit is sent, signed with the key the server generated and stored.
    let key = signing_key(&app, &did).await;
    let stored = repo_blocks::Entity::find_by_id((did.clone(), genesis.clone()))
        .one(app.db.get(Domain::Pds))
        .await
        .unwrap()
        .unwrap();
    let rev1 = tid_in(1);
    let c = signed(
        unsigned(&did, &rev1, &empty_mst(), Some(&stored.bytes)),
        &key,
    );
    let mut input = put(&did, &[&c], &c);
    input["i"]["swapCommit"] = json!(genesis);
    let res = gql_as(&app, PUT, input, Some(&did)).await;
    assert_eq!(
        ok(&res)["pdsPutRepoBlocks"]["repo"],
        json!({ "did": did, "rootCid": cid(&c), "rev": rev1 })
    );
    assert!(rev1 > rev0);
    assert_eq!(state(&app, &did).await, (cid(&c), rev1, 3, 4));
}
