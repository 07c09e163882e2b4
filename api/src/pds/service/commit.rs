//! Repository commits (AT Protocol repo format v3): the PDS signs an account's first one,
//! and reads and checks the one a client sends as its repository's new root. No GraphQL
//! and no storage in here.
//!
//! A commit is a DAG-CBOR map of exactly `did` (the repository's DID), `version` (3),
//! `data` (link to the MST root), `rev` (a TID), `prev` (link to the previous commit, or
//! null) and `sig` (bytes): the signing key's ECDSA signature of the DAG-CBOR of the map
//! without `sig`.

use super::keys::{self, KeyPair, PublicKey};
use crate::codec::dag_cbor::{self, Ipld, Link};
use crate::codec::tid;
use crate::error::{ApiError, ApiResult};

/// The repository format version written and accepted.
pub const VERSION: i128 = 3;

/// The fields of a commit.
const FIELDS: [&str; 6] = ["did", "version", "data", "rev", "prev", "sig"];

/// The DAG-CBOR of an empty MST node (`{"e": [], "l": null}`): the tree of a repository
/// with no records.
pub fn empty_mst() -> ApiResult<Vec<u8>> {
    dag_cbor::encode(&dag_cbor::map([
        ("e", Ipld::List(Vec::new())),
        ("l", Ipld::Null),
    ]))
}

/// The DAG-CBOR of a commit signed by `key`.
pub fn sign(
    did: &str,
    rev: &str,
    data: Link,
    prev: Option<Link>,
    key: &KeyPair,
) -> ApiResult<Vec<u8>> {
    let unsigned = vec![
        ("did", dag_cbor::text(did)),
        ("version", Ipld::Integer(VERSION)),
        ("data", Ipld::Link(data)),
        ("rev", dag_cbor::text(rev)),
        ("prev", prev.map_or(Ipld::Null, Ipld::Link)),
    ];
    dag_cbor::encode(&keys::signed(unsigned, key, Ipld::Bytes)?)
}

/// A commit read from a block.
#[derive(Debug)]
pub struct Commit {
    /// The repository's DID.
    pub did: String,
    /// Its rev, a TID.
    pub rev: String,
    /// The MST root.
    pub data: Link,
    /// The previous commit, if linked.
    pub prev: Option<Link>,
    sig: Vec<u8>,
    /// The DAG-CBOR of the commit without `sig`: what was signed.
    unsigned: Vec<u8>,
}

impl Commit {
    /// Reads `bytes` (a block) as a commit of `did`'s repository; errors are
    /// `BAD_USER_INPUT` naming `field`.
    pub fn read(field: &str, did: &str, bytes: &[u8]) -> ApiResult<Self> {
        let not_commit = |why: String| {
            ApiError::bad_input(field, format!("{field}: not a commit for {did} ({why})"))
        };
        let Ipld::Map(mut map) = dag_cbor::decode_field(field, bytes)? else {
            return Err(not_commit("not a map".into()));
        };
        if let Some(extra) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(not_commit(format!("unexpected field `{extra}`")));
        }
        let mut take = |name: &str| {
            map.remove(name)
                .ok_or_else(|| not_commit(format!("no `{name}`")))
        };
        let (author, version, data, rev, prev, sig) = (
            take("did")?,
            take("version")?,
            take("data")?,
            take("rev")?,
            take("prev")?,
            take("sig")?,
        );
        if version != Ipld::Integer(VERSION) {
            return Err(not_commit(format!("`version` must be {VERSION}")));
        }
        let Ipld::String(author) = author else {
            return Err(not_commit("`did` must be text".into()));
        };
        if author != did {
            return Err(not_commit(format!("it is for {author}")));
        }
        let Ipld::Link(data) = data else {
            return Err(not_commit("`data` must be a CID link".into()));
        };
        let Ipld::String(rev) = rev else {
            return Err(not_commit("`rev` must be text".into()));
        };
        if !tid::is_tid(&rev) {
            return Err(not_commit(format!("`rev` {rev:?} is not a TID")));
        }
        let prev = match prev {
            Ipld::Null => None,
            Ipld::Link(l) => Some(l),
            _ => return Err(not_commit("`prev` must be a CID link or null".into())),
        };
        let Ipld::Bytes(sig) = sig else {
            return Err(not_commit("`sig` must be bytes".into()));
        };
        let unsigned = dag_cbor::encode(&dag_cbor::map([
            ("did", dag_cbor::text(author.clone())),
            ("version", Ipld::Integer(VERSION)),
            ("data", Ipld::Link(data)),
            ("rev", dag_cbor::text(rev.clone())),
            ("prev", prev.map_or(Ipld::Null, Ipld::Link)),
        ]))?;
        Ok(Self {
            did: author,
            rev,
            data,
            prev,
            sig,
            unsigned,
        })
    }

    /// Checks the signature against `signing_key` (the account's current signing key, a
    /// Multikey); `BAD_USER_INPUT` naming `field` if it does not verify.
    pub fn verify(&self, field: &str, signing_key: &str) -> ApiResult<()> {
        let Some(key) = PublicKey::from_multikey(signing_key) else {
            // Only seeded or hand-made accounts hold a key the PDS did not generate.
            tracing::warn!(did = %self.did, "the account's signing key is not a usable Multikey");
            return Err(ApiError::bad_input(
                field,
                format!(
                    "{field}: signature does not verify: the account has no usable signing key"
                ),
            ));
        };
        if !key.verifies(&self.unsigned, &self.sig) {
            return Err(ApiError::bad_input(
                field,
                format!(
                    "{field}: signature does not verify with the account's signing key \
                     (ECDSA over SHA-256 of the commit's DAG-CBOR without `sig`, 64 bytes, low S)"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DID: &str = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
    const REV: &str = "3jzfcijpj2z2a";

    fn message(e: ApiError) -> String {
        match e {
            ApiError::BadUserInput { message, field } => {
                assert_eq!(field.as_deref(), Some("root"));
                message
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_signed_commit_reads_back_and_verifies() {
        let key = KeyPair::generate().unwrap();
        let data = dag_cbor::link_of(&empty_mst().unwrap()).unwrap();
        let bytes = sign(DID, REV, data, None, &key).unwrap();
        let c = Commit::read("root", DID, &bytes).unwrap();
        assert_eq!(
            (c.did.as_str(), c.rev.as_str(), c.data, c.prev),
            (DID, REV, data, None)
        );
        c.verify("root", &key.multikey()).unwrap();
        let other = KeyPair::generate().unwrap().multikey();
        assert!(message(c.verify("root", &other).unwrap_err()).contains("does not verify"));
        assert!(message(c.verify("root", "zQ3shSigning").unwrap_err()).contains("no usable"));
        let with_prev = sign(DID, REV, data, Some(data), &key).unwrap();
        assert_eq!(
            Commit::read("root", DID, &with_prev).unwrap().prev,
            Some(data)
        );
    }

    #[test]
    fn what_is_not_a_commit_of_the_did_is_refused() {
        let key = KeyPair::generate().unwrap();
        let data = dag_cbor::link_of(&empty_mst().unwrap()).unwrap();
        let other = sign("did:plc:bbbbbbbbbbbbbbbbbbbbbbbb", REV, data, None, &key).unwrap();
        let m = message(Commit::read("root", DID, &other).unwrap_err());
        assert!(
            m.starts_with(&format!("root: not a commit for {DID}")),
            "{m}"
        );
        let base = || {
            vec![
                ("did", dag_cbor::text(DID)),
                ("version", Ipld::Integer(3)),
                ("data", Ipld::Link(data)),
                ("rev", dag_cbor::text(REV)),
                ("prev", Ipld::Null),
                ("sig", Ipld::Bytes(vec![0; 64])),
            ]
        };
        let with = |name: &str, value: Option<Ipld>| {
            let mut m = base();
            m.retain(|(k, _)| *k != name);
            if let Some(v) = value {
                m.push((name, v));
            }
            dag_cbor::encode(&dag_cbor::map(m)).unwrap()
        };
        let cases = [
            with("version", Some(Ipld::Integer(2))),
            with("data", Some(Ipld::Null)),
            with("rev", Some(dag_cbor::text("not a tid"))),
            with("prev", None),
            with("sig", Some(dag_cbor::text("sig"))),
            with("extra", Some(Ipld::Null)),
            dag_cbor::encode(&Ipld::List(vec![])).unwrap(),
        ];
        for bytes in cases {
            let m = message(Commit::read("root", DID, &bytes).unwrap_err());
            assert!(m.starts_with("root: not a commit for"), "{m}");
        }
        assert!(Commit::read("root", DID, &with("extra", None)).is_ok());
        let m = message(Commit::read("root", DID, b"\xff\xff").unwrap_err());
        assert!(m.starts_with("root: not DAG-CBOR ("), "{m}");
    }
}
