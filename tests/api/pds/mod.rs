//! The PDS's tests and their fixtures: the mutations the tests share and AT Protocol
//! repository building blocks (DAG-CBOR blocks, MST nodes, signed commits), made with the
//! DAG-CBOR and ECDSA crates independently of the server's code.

mod access;
mod mutations;
mod queries;
mod storage;
mod subscriptions;

use std::collections::BTreeMap;

use api::validate::{Cid, Codec};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entity::Domain;
use entity::pds::accounts;
use ipld_core::cid::Cid as Link;
use ipld_core::ipld::Ipld;
use k256::ecdsa::signature::{Signer, Verifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const CREATE: &str = "mutation($i: PdsCreateAccountInput!) { pdsCreateAccount(input: $i) {
    account { did handle signingKeyPub rotationKeyPub status }
    repo { did rootCid rev }
    plcOperation { did seq cid operation } } }";

pub const HANDLE: &str =
    "mutation($i: PdsUpdateHandleInput!) { pdsUpdateHandle(input: $i) { account { did handle } } }";

pub const STATUS: &str = "mutation($i: PdsUpdateAccountStatusInput!) { pdsUpdateAccountStatus(input: $i) { account { did status } } }";

pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub fn cid(bytes: &[u8]) -> String {
    Cid::of(Codec::DagCbor, bytes).to_string()
}

/// POSTs `query` with `vars`, signed in to the PDS as `as_did` (anonymous for `None`).
pub async fn gql_as(app: &TestApp, query: &str, vars: Value, as_did: Option<&str>) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": vars }));
    if let Some(did) = as_did {
        req = req.bearer_auth(app.token(Domain::Pds, did).await);
    }
    req.send().await.unwrap().json().await.unwrap()
}

pub const PUT: &str = "mutation($i: PdsPutRepoBlocksInput!) { pdsPutRepoBlocks(input: $i) { repo { did rootCid rev } blocks { cid size bytes } } }";

/// Blocks as `PdsRepoBlockInput`s, each with its own CID.
pub fn blocks(items: &[&[u8]]) -> Value {
    items
        .iter()
        .map(|b| json!({ "cid": cid(b), "bytes": b64(b) }))
        .collect()
}

/// The link (tag 42) to a DAG-CBOR block.
pub fn link(bytes: &[u8]) -> Link {
    Link::try_from(cid(bytes).as_str()).unwrap()
}

/// An empty MST node.
pub fn empty_mst() -> Vec<u8> {
    dag_cbor(&Ipld::Map(map([
        ("e", Ipld::List(vec![])),
        ("l", Ipld::Null),
    ])))
}

/// A post record and an MST node holding it under `rkey`.
pub fn record_and_mst(rkey: &str, text: &str) -> (Vec<u8>, Vec<u8>) {
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
pub async fn signing_key(app: &TestApp, did: &str) -> SigningKey {
    let row = accounts::Entity::find_by_id(did)
        .one(app.db.get(Domain::Pds))
        .await
        .unwrap()
        .unwrap();
    key_from_hex(&row.signing_key_priv)
}

/// A v3 commit of `did` at `rev` over the MST root `data`, signed by `key`.
pub fn commit(did: &str, rev: &str, data: &[u8], key: &SigningKey) -> Vec<u8> {
    signed(unsigned(did, rev, data, None), key)
}

/// A TID `secs` seconds from now (the clock id 0).
pub fn tid_in(secs: i64) -> String {
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
pub fn verified_commit(bytes: &[u8], signing_key_pub: &str) -> BTreeMap<String, Ipld> {
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

fn dag_cbor(value: &Ipld) -> Vec<u8> {
    serde_ipld_dagcbor::to_vec(value).unwrap()
}

fn map(entries: impl IntoIterator<Item = (&'static str, Ipld)>) -> BTreeMap<String, Ipld> {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn key_from_hex(hex: &str) -> SigningKey {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    SigningKey::from_slice(&bytes).unwrap()
}

/// `fields` with `sig` added: `key`'s signature of their DAG-CBOR.
fn signed(mut fields: BTreeMap<String, Ipld>, key: &SigningKey) -> Vec<u8> {
    let sig = low_s(key, &dag_cbor(&Ipld::Map(fields.clone())));
    fields.insert("sig".into(), Ipld::Bytes(sig.to_bytes().to_vec()));
    dag_cbor(&Ipld::Map(fields))
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
