//! Key pairs, DAG-CBOR, PLC identifiers and TIDs for new accounts and commits. No GraphQL
//! and no storage in here.
//!
//! - Keys are secp256k1 (k256) pairs: the private half as 64 hex characters (the seed
//!   stores it so), the public half as a multibase (base58btc) Multikey of the compressed
//!   point (`zQ3s...`), and as a `did:key:` in PLC operations.
//! - A `did:plc:` is the first 24 base32 characters of the SHA-256 of the signed genesis
//!   operation, as the PLC method specifies.
//! - Signatures are ECDSA over SHA-256 (low-S), base64url without padding in PLC
//!   operations.

use crate::validate::{base32_encode, base58_encode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// A generated secp256k1 key pair.
pub struct KeyPair {
    key: SigningKey,
}

impl KeyPair {
    /// A new random key pair.
    pub fn generate() -> ApiResult<Self> {
        loop {
            let mut raw = [0u8; 32];
            getrandom::fill(&mut raw).map_err(ApiError::internal)?;
            // Zero or a scalar ≥ the group order (probability ~2^-128) is refused: retry.
            if let Ok(key) = SigningKey::from_slice(&raw) {
                return Ok(Self { key });
            }
        }
    }

    /// The private scalar as 64 hex characters.
    pub fn private_hex(&self) -> String {
        self.key
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The public key as a multibase (base58btc) Multikey: `z` + base58(0xe7 0x01 ‖ the
    /// 33-byte compressed point).
    pub fn multikey(&self) -> String {
        let point = self.key.verifying_key().to_encoded_point(true);
        let mut bytes = vec![0xe7, 0x01];
        bytes.extend_from_slice(point.as_bytes());
        format!("z{}", base58_encode(&bytes))
    }

    /// The public key as a `did:key:`.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.multikey())
    }

    /// An ECDSA (SHA-256, low-S) signature of `message`, 64 bytes `r ‖ s`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: Signature = self.key.sign(message);
        let sig = sig.normalize_s().unwrap_or(sig);
        sig.to_bytes().to_vec()
    }
}

/// A DAG-CBOR value (the subset PLC operations and commits need).
#[derive(Clone, Debug)]
pub enum Cbor {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An unsigned integer.
    Int(u64),
    /// A UTF-8 string.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Cbor>),
    /// A map with string keys (encoded in DAG-CBOR's canonical key order).
    Map(Vec<(String, Cbor)>),
}

impl Cbor {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The canonical DAG-CBOR encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Self::Null => out.push(0xf6),
            Self::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
            Self::Int(n) => head(out, 0, *n),
            Self::Bytes(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            Self::Text(s) => {
                head(out, 3, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
            Self::Array(items) => {
                head(out, 4, items.len() as u64);
                for item in items {
                    item.write(out);
                }
            }
            Self::Map(entries) => {
                let mut sorted: Vec<&(String, Cbor)> = entries.iter().collect();
                // DAG-CBOR: shorter keys first, then bytewise.
                sorted
                    .sort_by(|a, b| (a.0.len(), a.0.as_bytes()).cmp(&(b.0.len(), b.0.as_bytes())));
                head(out, 5, sorted.len() as u64);
                for (k, v) in sorted {
                    Self::Text(k.clone()).write(out);
                    v.write(out);
                }
            }
        }
    }
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// Adds `sig` (signed by `key` over the map's encoding without it) to a map.
pub fn signed(unsigned: Vec<(String, Cbor)>, key: &KeyPair, sig: impl Fn(Vec<u8>) -> Cbor) -> Cbor {
    let bytes = Cbor::Map(unsigned.clone()).encode();
    let mut entries = unsigned;
    entries.push(("sig".into(), sig(key.sign(&bytes))));
    Cbor::Map(entries)
}

/// The service endpoint written into genesis PLC operations (the atproto dev PDS port).
pub const SERVICE_ENDPOINT: &str = "http://localhost:2583";

/// A signed genesis PLC operation: its DAG-CBOR bytes and the DID they define.
pub fn genesis_operation(handle: &str, signing: &KeyPair, rotation: &KeyPair) -> (Vec<u8>, String) {
    let op = vec![
        ("type".into(), Cbor::text("plc_operation")),
        (
            "rotationKeys".into(),
            Cbor::Array(vec![Cbor::Text(rotation.did_key())]),
        ),
        (
            "verificationMethods".into(),
            Cbor::Map(vec![("atproto".into(), Cbor::Text(signing.did_key()))]),
        ),
        (
            "alsoKnownAs".into(),
            Cbor::Array(vec![Cbor::Text(format!("at://{handle}"))]),
        ),
        (
            "services".into(),
            Cbor::Map(vec![(
                "atproto_pds".into(),
                Cbor::Map(vec![
                    ("type".into(), Cbor::text("AtprotoPersonalDataServer")),
                    ("endpoint".into(), Cbor::text(SERVICE_ENDPOINT)),
                ]),
            )]),
        ),
        ("prev".into(), Cbor::Null),
    ];
    let bytes = signed(op, rotation, |s| Cbor::Text(URL_SAFE_NO_PAD.encode(s))).encode();
    let digest = Sha256::digest(&bytes);
    let did = format!("did:plc:{}", &base32_encode(&digest)[..24]);
    (bytes, did)
}

/// The first commit of a new repository, signed with the signing key. Simplified: its
/// `data` (the MST root) is null since the tree is empty, where atproto links an empty
/// MST node.
pub fn genesis_commit(did: &str, rev: &str, signing: &KeyPair) -> Vec<u8> {
    let commit = vec![
        ("did".into(), Cbor::text(did)),
        ("version".into(), Cbor::Int(3)),
        ("rev".into(), Cbor::text(rev)),
        ("data".into(), Cbor::Null),
        ("prev".into(), Cbor::Null),
    ];
    signed(commit, signing, Cbor::Bytes).encode()
}

const S32: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The TID of a 63-bit value: 13 base32-sortable characters.
pub fn tid_of(n: u64) -> String {
    (0..13)
        .rev()
        .map(|i| char::from(S32[((n >> (i * 5)) & 31) as usize]))
        .collect()
}

/// The value of a TID (`None` if `s` is not one).
pub fn tid_value(s: &str) -> Option<u64> {
    if s.len() != 13 {
        return None;
    }
    s.bytes().try_fold(0u64, |n, c| {
        let d = S32.iter().position(|&x| x == c)? as u64;
        Some((n << 5) | d)
    })
}

/// The TID of `at` (microseconds since the epoch, shifted past a zero clock id).
pub fn tid(at: DateTime<Utc>) -> String {
    let micros = u64::try_from(at.timestamp_micros()).unwrap_or(0);
    tid_of((micros << 10) & 0x7fff_ffff_ffff_ffff)
}

/// The next rev after `current`: the TID of now, or one past `current` if the clock is
/// not ahead of it (revs strictly increase).
pub fn next_rev(current: &str, now: DateTime<Utc>) -> String {
    let fresh = tid(now);
    match tid_value(current) {
        Some(cur) if tid_value(&fresh).is_some_and(|f| f <= cur) => tid_of(cur + 1),
        _ => fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_and_multikeys_have_their_known_shapes() {
        assert_eq!(base58_encode(b"hello world"), "StV1DL6CwTryKyV");
        assert_eq!(base58_encode(&[0, 0, 1]), "112");
        let k = KeyPair::generate().unwrap();
        // secp256k1 Multikeys start with zQ3s.
        assert!(k.multikey().starts_with("zQ3s"), "{}", k.multikey());
        assert_eq!(k.private_hex().len(), 64);
        assert_eq!(k.sign(b"x").len(), 64);
    }

    #[test]
    fn cbor_maps_are_canonical() {
        let m = Cbor::Map(vec![
            ("bb".into(), Cbor::Int(1)),
            ("a".into(), Cbor::Null),
            ("ab".into(), Cbor::Bytes(vec![1])),
        ]);
        assert_eq!(
            m.encode(),
            vec![
                0xa3, 0x61, b'a', 0xf6, 0x62, b'a', b'b', 0x41, 1, 0x62, b'b', b'b', 1
            ]
        );
        assert_eq!(Cbor::Int(500).encode(), vec![0x19, 0x01, 0xf4]);
    }

    #[test]
    fn genesis_dids_are_plc_shaped_and_revs_increase() {
        let (s, r) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (bytes, did) = genesis_operation("alice.test", &s, &r);
        assert!(crate::validate::Did::parse("did", &did).is_ok(), "{did}");
        assert!(!bytes.is_empty());
        let now = Utc::now();
        let rev = tid(now);
        assert_eq!(tid_value(&rev).map(tid_of), Some(rev.clone()));
        let next = next_rev(&rev, now);
        assert!(next > rev);
        let ahead = tid_value(&rev).unwrap() + 1_000_000;
        assert_eq!(next_rev(&tid_of(ahead), now), tid_of(ahead + 1));
    }
}
