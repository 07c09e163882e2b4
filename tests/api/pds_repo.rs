//! The PDS's repository writes through HTTP (`pdsPutRepoBlocks`): blocks must be strict
//! DAG-CBOR, and the new root a real AT Protocol commit (v3) of the repository, signed
//! by the account's current signing key, with a newer rev and its MST root at hand.
//! Every refusal is `BAD_USER_INPUT` naming the field and writes nothing.
//!
//! Commits are built here with the DAG-CBOR and ECDSA crates, independently of the
//! server's code, signed with the account's private key as the server stores it.

use std::collections::BTreeMap;

use entity::Domain;
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{accounts, repo_blocks, repo_seq, repos};
use ipld_core::cid::Cid as Link;
use ipld_core::ipld::Ipld;
use k256::ecdsa::signature::{Signer, Verifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, Set};
use serde_json::{Value, json};

use crate::helpers::{TestApp, count};
use crate::pds_mutations::{CREATE, PASSWORD, account, b64, cid, code, field, gql, key_pair, ok};

const ALICE: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
const BOB: &str = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb";
/// The rev `account` gives a repository.
const GENESIS_REV: &str = "3jzfcijpj2z2a";

pub(crate) const PUT: &str = "mutation($i: PdsPutRepoBlocksInput!) { pdsPutRepoBlocks(input: $i) { repo { did rootCid rev } blocks { cid size bytes } } }";

/// Blocks as `PdsRepoBlockInput`s, each with its own CID.
pub(crate) fn blocks(items: &[&[u8]]) -> Value {
    items
        .iter()
        .map(|b| json!({ "cid": cid(b), "bytes": b64(b) }))
        .collect()
}

fn dag_cbor(value: &Ipld) -> Vec<u8> {
    serde_ipld_dagcbor::to_vec(value).unwrap()
}

fn map(entries: impl IntoIterator<Item = (&'static str, Ipld)>) -> BTreeMap<String, Ipld> {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// The link (tag 42) to a DAG-CBOR block.
pub(crate) fn link(bytes: &[u8]) -> Link {
    Link::try_from(cid(bytes).as_str()).unwrap()
}

/// An empty MST node.
pub(crate) fn empty_mst() -> Vec<u8> {
    dag_cbor(&Ipld::Map(map([
        ("e", Ipld::List(vec![])),
        ("l", Ipld::Null),
    ])))
}

/// A post record and an MST node holding it under `rkey`.
pub(crate) fn record_and_mst(rkey: &str, text: &str) -> (Vec<u8>, Vec<u8>) {
    let record = dag_cbor(&Ipld::Map(map([
        ("$type", Ipld::String("app.bsky.feed.post".into())),
        ("text", Ipld::String(text.into())),
        ("createdAt", Ipld::String("2025-11-03T09:00:00.000Z".into())),
    ])));
    let entry = Ipld::Map(map([
        (
            "k",
            Ipld::Bytes(format!("app.bsky.feed.post/{rkey}").into_bytes()),
        ),
        ("p", Ipld::Integer(0)),
        ("t", Ipld::Null),
        ("v", Ipld::Link(link(&record))),
    ]));
    let mst = dag_cbor(&Ipld::Map(map([
        ("e", Ipld::List(vec![entry])),
        ("l", Ipld::Null),
    ])));
    (record, mst)
}

/// The account's signing key, read from its row as the server stores it (hex).
pub(crate) async fn signing_key(app: &TestApp, did: &str) -> SigningKey {
    let row = accounts::Entity::find_by_id(did)
        .one(app.db.get(Domain::Pds))
        .await
        .unwrap()
        .unwrap();
    key_from_hex(&row.signing_key_priv)
}

fn key_from_hex(hex: &str) -> SigningKey {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    SigningKey::from_slice(&bytes).unwrap()
}

/// The fields of an unsigned v3 commit.
fn unsigned(did: &str, rev: &str, data: &[u8], prev: Option<&[u8]>) -> BTreeMap<String, Ipld> {
    map([
        ("did", Ipld::String(did.into())),
        ("version", Ipld::Integer(3)),
        ("data", Ipld::Link(link(data))),
        ("rev", Ipld::String(rev.into())),
        ("prev", prev.map_or(Ipld::Null, |p| Ipld::Link(link(p)))),
    ])
}

/// A low-S ECDSA (SHA-256) signature.
fn low_s(key: &SigningKey, message: &[u8]) -> Signature {
    let sig: Signature = key.sign(message);
    sig.normalize_s().unwrap_or(sig)
}

/// `fields` with `sig` added: `key`'s signature of their DAG-CBOR.
fn signed(mut fields: BTreeMap<String, Ipld>, key: &SigningKey) -> Vec<u8> {
    let sig = low_s(key, &dag_cbor(&Ipld::Map(fields.clone())));
    fields.insert("sig".into(), Ipld::Bytes(sig.to_bytes().to_vec()));
    dag_cbor(&Ipld::Map(fields))
}

/// A v3 commit of `did` at `rev` over the MST root `data`, signed by `key`.
pub(crate) fn commit(did: &str, rev: &str, data: &[u8], key: &SigningKey) -> Vec<u8> {
    signed(unsigned(did, rev, data, None), key)
}

/// A TID `secs` seconds from now (the clock id 0).
pub(crate) fn tid_in(secs: i64) -> String {
    const S32: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    let at = chrono::Utc::now() + chrono::Duration::seconds(secs);
    let n = (at.timestamp_micros() as u64) << 10;
    (0..13)
        .rev()
        .map(|i| char::from(S32[((n >> (i * 5)) & 31) as usize]))
        .collect()
}

/// Decodes a commit block and checks its signature with the Multikey `signing_key_pub`;
/// returns its fields.
pub(crate) fn verified_commit(bytes: &[u8], signing_key_pub: &str) -> BTreeMap<String, Ipld> {
    let Ipld::Map(mut fields) = serde_ipld_dagcbor::from_slice::<Ipld>(bytes).unwrap() else {
        panic!("not a map");
    };
    let Some(Ipld::Bytes(sig)) = fields.remove("sig") else {
        panic!("no sig");
    };
    let (_, public) = multibase::decode(signing_key_pub).unwrap();
    assert_eq!(public[..2], [0xe7, 0x01]);
    let key = VerifyingKey::from_sec1_bytes(&public[2..]).unwrap();
    let sig = Signature::from_slice(&sig).unwrap();
    assert!(sig.normalize_s().is_none(), "high S");
    key.verify(&dag_cbor(&Ipld::Map(fields.clone())), &sig)
        .unwrap();
    fields
}

fn message(res: &Value) -> &str {
    res["errors"][0]["message"].as_str().unwrap_or("")
}

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
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);
    let key = signing_key(&app, ALICE).await;
    let genesis_root = cid(b"genesis");

    let (record, mst) = record_and_mst("3l2aaaaaaaaa2", "hello");
    let rev1 = tid_in(0);
    let c1 = commit(ALICE, &rev1, &mst, &key);
    let input = json!({ "did": ALICE, "blocks": blocks(&[&record, &mst, &c1]),
        "root": cid(&c1), "swapCommit": genesis_root });
    let res = gql(&app, PUT, json!({ "i": input }), Some(ALICE)).await;
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
    let res = gql(&app, PUT, put(ALICE, &[&record, &c2], &c2), Some(ALICE)).await;
    assert_eq!(ok(&res)["pdsPutRepoBlocks"]["repo"]["rev"], rev2.as_str());
    assert_eq!(state(&app, ALICE).await, (cid(&c2), rev2.clone(), 4, 2));

    // A commit already stored cannot come back: its rev is not newer.
    let res = gql(&app, PUT, put(ALICE, &[], &c1), Some(ALICE)).await;
    refused(
        &res,
        "input.root",
        &format!("input.root: rev {rev1} is not newer than {rev2}"),
    );

    // A stale swapCommit conflicts.
    let c3 = commit(ALICE, &tid_in(2), &mst, &key);
    let mut input = put(ALICE, &[&c3], &c3);
    input["i"]["swapCommit"] = json!(cid(&c1));
    let res = gql(&app, PUT, input, Some(ALICE)).await;
    assert_eq!(code(&res), "CONFLICT");

    // Bad input: a CID that is not the bytes', a malformed CID, a CID twice.
    let mut bad = put(ALICE, &[&c3, &mst], &c3)["i"].clone();
    bad["blocks"][1]["cid"] = json!(cid(b"y"));
    let res = gql(&app, PUT, json!({ "i": bad.clone() }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );
    bad["blocks"][1]["cid"] = json!("Qmnotacid");
    let res = gql(&app, PUT, json!({ "i": bad.clone() }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );
    bad["blocks"][1] = bad["blocks"][0].clone();
    let res = gql(&app, PUT, json!({ "i": bad }), Some(ALICE)).await;
    assert_eq!(
        (code(&res), field(&res)),
        ("BAD_USER_INPUT", "input.blocks[1].cid")
    );

    // Who.
    let res = gql(&app, PUT, put(ALICE, &[&c3], &c3), None).await;
    assert_eq!(code(&res), "UNAUTHENTICATED");
    let res = gql(&app, PUT, put(ALICE, &[&c3], &c3), Some(BOB)).await;
    assert_eq!(code(&res), "FORBIDDEN");

    assert_eq!(state(&app, ALICE).await, (cid(&c2), rev2, 4, 2));
}

#[tokio::test]
async fn blocks_that_are_not_strict_dag_cbor_are_refused() {
    let app = TestApp::spawn().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let key = signing_key(&app, ALICE).await;
    let before = state(&app, ALICE).await;
    let mst = empty_mst();
    let good = commit(ALICE, &tid_in(0), &mst, &key);

    // Not CBOR at all, with its own CID, as block and root (it became the root once).
    let junk: &[u8] = b"\xff\xff";
    let res = gql(&app, PUT, put(ALICE, &[junk], junk), Some(ALICE)).await;
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
        let res = gql(
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
    let res = gql(&app, PUT, put(ALICE, &[&mst], junk), Some(ALICE)).await;
    refused(&res, "input.root", "input.root: not DAG-CBOR (");

    let (root, rev, blocks, events) = before;
    assert_eq!(state(&app, ALICE).await, (root, rev, blocks + 1, events));
}

#[tokio::test]
async fn the_root_must_be_a_commit_of_the_repository_signed_by_its_current_key() {
    let app = TestApp::spawn().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    account(&app, BOB, "bob.test", AccountStatus::Active).await;
    let db = app.db.get(Domain::Pds);
    let (alice, bob) = (signing_key(&app, ALICE).await, signing_key(&app, BOB).await);
    let before = state(&app, ALICE).await;
    let mst = empty_mst();
    let rev = tid_in(0);
    let alice_commit = format!("input.root: not a commit for {ALICE}");
    let bad_sig = "input.root: signature does not verify with the account's signing key";

    // DAG-CBOR, but not a commit: the MST node itself, a commit without a field.
    let res = gql(&app, PUT, put(ALICE, &[&mst], &mst), Some(ALICE)).await;
    refused(&res, "input.root", &alice_commit);
    let mut fields = unsigned(ALICE, &rev, &mst, None);
    fields.remove("prev");
    let no_prev = signed(fields, &alice);
    let res = gql(
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
    let res = gql(&app, PUT, put(ALICE, &[&mst, &v2], &v2), Some(ALICE)).await;
    refused(&res, "input.root", &alice_commit);

    // Bob's own, valid commit, put into Alice's repository.
    let bobs = commit(BOB, &rev, &mst, &bob);
    let res = gql(&app, PUT, put(ALICE, &[&mst, &bobs], &bobs), Some(ALICE)).await;
    refused(
        &res,
        "input.root",
        &format!("{alice_commit} (it is for {BOB})"),
    );

    // A commit of Alice's repository signed by another key.
    let forged = commit(ALICE, &rev, &mst, &bob);
    let res = gql(
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
    let res = gql(
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
    let res = gql(
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
        let res = gql(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
        refused(
            &res,
            "input.root",
            &format!("input.root: rev {old} is not newer than {GENESIS_REV}"),
        );
    }

    // The MST root neither given nor stored.
    let c = commit(ALICE, &rev, &mst, &alice);
    let res = gql(&app, PUT, put(ALICE, &[&c], &c), Some(ALICE)).await;
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
    let res = gql(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
    refused(&res, "input.root", bad_sig);
    let c = commit(ALICE, &rev, &mst, &key_from_hex(&new_priv));
    let res = gql(&app, PUT, put(ALICE, &[&mst, &c], &c), Some(ALICE)).await;
    assert_eq!(
        ok(&res)["pdsPutRepoBlocks"]["repo"]["rootCid"],
        cid(&c).as_str()
    );
}

#[tokio::test]
async fn a_root_neither_given_nor_stored_writes_nothing() {
    let app = TestApp::spawn().await;
    account(&app, ALICE, "alice.test", AccountStatus::Active).await;
    let before = state(&app, ALICE).await;
    // Good blocks, but the root is not among them nor stored: nothing is written.
    let (record, mst) = record_and_mst("3l2aaaaaaaaa2", "hello");
    let res = gql(
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
    let res = gql(&app, CREATE, json!({ "i": input }), None).await;
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
    let res = gql(&app, PUT, input, Some(&did)).await;
    assert_eq!(
        ok(&res)["pdsPutRepoBlocks"]["repo"],
        json!({ "did": did, "rootCid": cid(&c), "rev": rev1 })
    );
    assert!(rev1 > rev0);
    assert_eq!(state(&app, &did).await, (cid(&c), rev1, 3, 4));
}
