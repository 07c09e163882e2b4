//! The PDS's write API through HTTP: account creation, handle and status changes, PLC
//! operation appends and repository blocks, with their validation, authorization,
//! concurrency and rollback.

use api::auth::password::hash_password_with;
use api::validate::{Cid, Codec};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entity::Domain;
use entity::pds::{accounts, enums::AccountStatus, plc_operations, refresh_tokens, repos};
use ipld_core::ipld::Ipld;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, count};

const ALICE: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
const BOB: &str = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb";
pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// A deterministic secp256k1 key for `seed`: the private scalar as the PDS stores it
/// (64 hex characters) and the public key as a Multikey (`zQ3s...`).
pub(crate) fn key_pair(seed: &str) -> (String, String) {
    let scalar = Sha256::digest(seed.as_bytes());
    let key = k256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
    let mut public = vec![0xe7, 0x01];
    public.extend_from_slice(key.verifying_key().to_encoded_point(true).as_bytes());
    let hex = scalar.iter().map(|b| format!("{b:02x}")).collect();
    (hex, multibase::encode(multibase::Base::Base58Btc, public))
}

/// An account inserted directly (cheap scrypt, a real signing key pair), with its repo
/// (root `cid(b"genesis")`, rev `3jzfcijpj2z2a`) and genesis operation.
pub(crate) async fn account(app: &TestApp, did: &str, handle: &str, status: AccountStatus) {
    let db = app.db.get(Domain::Pds);
    let cheap = scrypt::Params::new(4, 8, 1, 32).unwrap();
    let now = chrono::Utc::now();
    let (signing_key_priv, signing_key_pub) = key_pair(did);
    accounts::Model {
        did: did.into(),
        handle: handle.into(),
        email: format!("{handle}@example.com"),
        password_hash: hash_password_with(PASSWORD, cheap).unwrap(),
        signing_key_priv,
        signing_key_pub,
        rotation_key_priv: "11".repeat(32),
        rotation_key_pub: "zQ3shRotation".into(),
        status,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    repos::Model {
        did: did.into(),
        root_cid: Cid::of(Codec::DagCbor, b"genesis").to_string(),
        rev: "3jzfcijpj2z2a".into(),
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    let genesis = format!("genesis of {did}").into_bytes();
    plc_operations::Model {
        did: did.into(),
        seq: 0,
        cid: Cid::of(Codec::DagCbor, &genesis).to_string(),
        operation: genesis,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
}

async fn token(app: &TestApp, did: &str) -> String {
    app.token(Domain::Pds, did).await
}

pub(crate) async fn gql(app: &TestApp, query: &str, vars: Value, as_did: Option<&str>) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(did) = as_did {
        req = req.bearer_auth(token(app, did).await);
    }
    req.send().await.unwrap().json().await.unwrap()
}

pub(crate) fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {v}"))
}

pub(crate) fn field(v: &Value) -> &str {
    v["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field: {v}"))
}

pub(crate) fn ok(v: &Value) -> &Value {
    assert_eq!(v.get("errors"), None, "{v}");
    &v["data"]
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub(crate) fn cid(bytes: &[u8]) -> String {
    Cid::of(Codec::DagCbor, bytes).to_string()
}

pub(crate) const CREATE: &str =
    "mutation($i: PdsCreateAccountInput!) { pdsCreateAccount(input: $i) {
    account { did handle signingKeyPub rotationKeyPub status }
    repo { did rootCid rev }
    plcOperation { did seq cid operation } } }";

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
    let res = gql(&app, CREATE, json!({ "i": input }), None).await;
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
    let c = crate::pds_repo::verified_commit(&commit.bytes, signing);
    assert_eq!(c["did"], Ipld::String(did.clone()));
    assert_eq!(c["version"], Ipld::Integer(3));
    assert_eq!(
        c["rev"],
        Ipld::String(p["repo"]["rev"].as_str().unwrap().into())
    );
    assert_eq!(c["prev"], Ipld::Null);
    assert_eq!(c["data"], Ipld::Link(crate::pds_repo::link(&mst.bytes)));
    assert_eq!(mst.bytes, crate::pds_repo::empty_mst());

    // Private halves are not fields.
    let res = gql(
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
    let res = gql(
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
        let res = gql(&app, CREATE, json!({ "i": input }), None).await;
        assert_eq!(code(&res), "BAD_USER_INPUT", "{res}");
        assert_eq!(field(&res), path);
    }
    assert_eq!(rows(&app).await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn a_taken_handle_or_email_conflicts_and_writes_nothing() {
    let app = TestApp::spawn().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let before = rows(&app).await;
    for input in [
        json!({ "handle": "ALICE.test", "email": "new@example.com", "password": PASSWORD }),
        json!({ "handle": "new.test", "email": "Alice.Test@example.com", "password": PASSWORD }),
    ] {
        let res = gql(&app, CREATE, json!({ "i": input }), None).await;
        assert_eq!(code(&res), "CONFLICT", "{res}");
    }
    assert_eq!(rows(&app).await, before);
}

pub(crate) const HANDLE: &str =
    "mutation($i: PdsUpdateHandleInput!) { pdsUpdateHandle(input: $i) { account { did handle } } }";

#[tokio::test]
async fn an_account_changes_its_own_handle_only() {
    let app = TestApp::spawn().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let vars = |did: &str, handle: &str| json!({ "i": { "did": did, "handle": handle } });

    let res = gql(&app, HANDLE, vars(ALICE, "Alice2.test"), Some(ALICE)).await;
    assert_eq!(
        ok(&res)["pdsUpdateHandle"]["account"],
        json!({ "did": ALICE, "handle": "alice2.test" })
    );
    let res = gql(&app, HANDLE, vars(ALICE, "x.test"), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql(&app, HANDLE, vars(ALICE, "x.test"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    let res = gql(&app, HANDLE, vars(ALICE, "BOB.test"), Some(ALICE)).await;
    assert_eq!(code(&res), "CONFLICT");
    let res = gql(&app, HANDLE, vars(ALICE, "bad handle"), Some(ALICE)).await;
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
    account(
        &app,
        "did:plc:cccccccccccccccccccccccc",
        "carol.test",
        AccountStatus::Takendown,
    )
    .await;
    let res = gql(
        &app,
        HANDLE,
        vars("did:plc:cccccccccccccccccccccccc", "carol2.test"),
        Some("did:plc:cccccccccccccccccccccccc"),
    )
    .await;
    assert_eq!(code(&res), "FORBIDDEN");
}

pub(crate) const STATUS: &str = "mutation($i: PdsUpdateAccountStatusInput!) { pdsUpdateAccountStatus(input: $i) { account { did status } } }";

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
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    account(&app, BOB, "bob.test", AccountStatus::Takendown).await;
    let vars = |did: &str, s: &str| json!({ "i": { "did": did, "status": s } });

    // Authorization first.
    let res = gql(&app, STATUS, vars(ALICE, "DEACTIVATED"), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql(&app, STATUS, vars(ALICE, "DEACTIVATED"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(status_of(&app, ALICE).await, AccountStatus::Active);

    // Illegal moves.
    let res = gql(&app, STATUS, vars(ALICE, "ACTIVE"), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.status")
    );
    let res = gql(&app, STATUS, vars(ALICE, "TAKENDOWN"), Some(ALICE)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    let res = gql(&app, STATUS, vars(BOB, "ACTIVE"), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(status_of(&app, BOB).await, AccountStatus::Takendown);

    // Deactivate, reactivate, delete.
    for s in ["DEACTIVATED", "ACTIVE", "DEACTIVATED"] {
        let res = gql(&app, STATUS, vars(ALICE, s), Some(ALICE)).await;
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
    let res = gql(&app, STATUS, vars(ALICE, "DELETED"), Some(ALICE)).await;
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
        let res = gql(&app, STATUS, vars(ALICE, s), Some(ALICE)).await;
        assert_eq!(
            (code(&res), field(&res)),
            ("BAD_USER_INPUT", "input.status")
        );
    }
    assert_eq!(status_of(&app, ALICE).await, AccountStatus::Deleted);
    // A deleted account writes nothing else either.
    let res = gql(
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
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);

    let res = gql(&app, APPEND, op_vars(ALICE, b"op one", None), Some(ALICE)).await;
    let op = &ok(&res)["pdsAppendPlcOperation"]["plcOperation"];
    assert_eq!(op["seq"], "1");
    assert_eq!(op["cid"], cid(b"op one").as_str());
    assert_eq!(op["operation"], b64(b"op one").as_str());
    // With prev = the last operation's CID.
    let res = gql(
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
    let res = gql(
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
    let res = gql(&app, APPEND, v.clone(), Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    v["i"]["cid"] = json!("bafyNOTACID");
    let res = gql(&app, APPEND, v.clone(), Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    v["i"]["cid"] = json!(Cid::of(Codec::Raw, b"op three").to_string());
    let res = gql(&app, APPEND, v, Some(ALICE)).await;
    assert_eq!((code(&res), field(&res)), ("BAD_USER_INPUT", "input.cid"));
    let res = gql(&app, APPEND, op_vars(ALICE, b"", None), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.operation")
    );
    // Who.
    let res = gql(&app, APPEND, op_vars(ALICE, b"op three", None), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql(&app, APPEND, op_vars(ALICE, b"op three", None), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");
    assert_eq!(count(db, "plc_operations").await, 4);
}

#[tokio::test]
async fn concurrent_plc_appends_get_gap_free_seqs() {
    let app = TestApp::spawn_on_files().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let n = 30;
    let token = token(&app, ALICE).await;
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
