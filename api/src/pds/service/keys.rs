//! Key pairs, signatures and PLC identifiers for accounts and commits (TIDs are
//! [`crate::codec::tid`]'s). No GraphQL and no storage in here.
//!
//! - The PDS generates secp256k1 (k256) pairs: the private half as 64 hex characters (the
//!   seed stores it so), the public half as a multibase (base58btc) Multikey of the
//!   compressed point (`zQ3s...`), and as a `did:key:` in PLC operations.
//! - [`PublicKey`] reads a Multikey to verify signatures: secp256k1 (`zQ3s...`, what the
//!   PDS generates) or P-256 (`zDn...`, which atproto also allows).
//! - A `did:plc:` is the first 24 base32 characters of the SHA-256 of the signed genesis
//!   operation, as the PLC method specifies.
//! - Signatures are ECDSA over SHA-256, 64 bytes `r ‖ s` with a low S (atproto refuses
//!   high-S signatures); base64url without padding in PLC operations.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use k256::ecdsa::signature::{Signer, Verifier};
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::codec::dag_cbor::{self, Ipld};
use crate::codec::{base32, base58};
use crate::error::{ApiError, ApiResult};

/// The multicodec prefix of a secp256k1 public key (`secp256k1-pub`, 0xe7).
const SECP256K1_PUB: [u8; 2] = [0xe7, 0x01];
/// The multicodec prefix of a P-256 public key (`p256-pub`, 0x1200).
const P256_PUB: [u8; 2] = [0x80, 0x24];

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

    /// The key pair of a given 32-byte secret (`None` for the rare value that is no
    /// valid scalar); for deterministic data such as `mosaic seed --scale`.
    pub fn from_secret(raw: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(raw).ok().map(|key| Self { key })
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
        let mut bytes = SECP256K1_PUB.to_vec();
        bytes.extend_from_slice(point.as_bytes());
        format!("z{}", base58::encode(&bytes))
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

/// A public key read from a Multikey, to verify signatures with.
#[derive(Debug)]
pub enum PublicKey {
    /// secp256k1 (`zQ3s...`).
    K256(k256::ecdsa::VerifyingKey),
    /// NIST P-256 (`zDn...`).
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Reads a multibase (base58btc) Multikey of a compressed secp256k1 or P-256 point;
    /// `None` if `multikey` is not one.
    pub fn from_multikey(multikey: &str) -> Option<Self> {
        let bytes = base58::decode(multikey.strip_prefix('z')?)?;
        if bytes.len() != 35 {
            return None;
        }
        let (prefix, point) = bytes.split_at(2);
        if prefix == SECP256K1_PUB {
            k256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .map(Self::K256)
        } else if prefix == P256_PUB {
            p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .map(Self::P256)
        } else {
            None
        }
    }

    /// Whether `sig` (64 bytes `r ‖ s`, low S) is this key's ECDSA signature (SHA-256)
    /// of `message`. A high-S signature is refused even where the math would hold.
    pub fn verifies(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            Self::K256(key) => Signature::from_slice(sig)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
            Self::P256(key) => p256::ecdsa::Signature::from_slice(sig)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
        }
    }
}

/// Adds `sig` (signed by `key` over the map's DAG-CBOR without it) to a map.
pub fn signed(
    unsigned: Vec<(&str, Ipld)>,
    key: &KeyPair,
    sig: impl Fn(Vec<u8>) -> Ipld,
) -> ApiResult<Ipld> {
    let mut map = dag_cbor::map(unsigned);
    let bytes = dag_cbor::encode(&map)?;
    if let Ipld::Map(entries) = &mut map {
        entries.insert("sig".into(), sig(key.sign(&bytes)));
    }
    Ok(map)
}

/// The service endpoint written into genesis PLC operations (the atproto dev PDS port).
pub const SERVICE_ENDPOINT: &str = "http://localhost:2583";

/// A signed genesis PLC operation: its DAG-CBOR bytes and the DID they define.
pub fn genesis_operation(
    handle: &str,
    signing: &KeyPair,
    rotation: &KeyPair,
) -> ApiResult<(Vec<u8>, String)> {
    let op = vec![
        ("type", dag_cbor::text("plc_operation")),
        (
            "rotationKeys",
            Ipld::List(vec![dag_cbor::text(rotation.did_key())]),
        ),
        (
            "verificationMethods",
            dag_cbor::map([("atproto", dag_cbor::text(signing.did_key()))]),
        ),
        (
            "alsoKnownAs",
            Ipld::List(vec![dag_cbor::text(format!("at://{handle}"))]),
        ),
        (
            "services",
            dag_cbor::map([(
                "atproto_pds",
                dag_cbor::map([
                    ("type", dag_cbor::text("AtprotoPersonalDataServer")),
                    ("endpoint", dag_cbor::text(SERVICE_ENDPOINT)),
                ]),
            )]),
        ),
        ("prev", Ipld::Null),
    ];
    let signed = signed(op, rotation, |s| Ipld::String(URL_SAFE_NO_PAD.encode(s)))?;
    let bytes = dag_cbor::encode(&signed)?;
    let digest = Sha256::digest(&bytes);
    let did = format!("did:plc:{}", &base32::encode(&digest)[..24]);
    Ok((bytes, did))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multikeys_have_their_known_shapes() {
        let k = KeyPair::generate().unwrap();
        // secp256k1 Multikeys start with zQ3s.
        assert!(k.multikey().starts_with("zQ3s"), "{}", k.multikey());
        assert_eq!(k.private_hex().len(), 64);
        assert_eq!(k.sign(b"x").len(), 64);
    }

    #[test]
    fn signatures_verify_with_the_multikey_and_only_low_s() {
        let k = KeyPair::generate().unwrap();
        let key = PublicKey::from_multikey(&k.multikey()).unwrap();
        let sig = k.sign(b"message");
        assert!(key.verifies(b"message", &sig));
        assert!(!key.verifies(b"other message", &sig));
        let other = PublicKey::from_multikey(&KeyPair::generate().unwrap().multikey()).unwrap();
        assert!(!other.verifies(b"message", &sig));
        // The same signature with S flipped to the high half: valid ECDSA, refused.
        let low = Signature::from_slice(&sig).unwrap();
        let (r, s) = low.split_scalars();
        let high = Signature::from_scalars(r, -s).unwrap();
        assert!(high.normalize_s().is_some());
        assert!(!key.verifies(b"message", &high.to_bytes()));
        assert!(!key.verifies(b"message", &sig[..63]));
        for bad in ["zQ3shSigning", "", "Qm", "z", &k.multikey()[1..]] {
            assert!(PublicKey::from_multikey(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn p256_multikeys_verify_too() {
        let signing = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let mut bytes = P256_PUB.to_vec();
        bytes.extend_from_slice(signing.verifying_key().to_encoded_point(true).as_bytes());
        let multikey = format!("z{}", base58::encode(&bytes));
        assert!(multikey.starts_with("zDn"), "{multikey}");
        let key = PublicKey::from_multikey(&multikey).unwrap();
        let sig: p256::ecdsa::Signature = signing.sign(b"message");
        let low = sig.normalize_s().unwrap_or(sig);
        assert!(key.verifies(b"message", &low.to_bytes()));
        let (r, s) = low.split_scalars();
        let high = p256::ecdsa::Signature::from_scalars(r, -s).unwrap();
        assert!(!key.verifies(b"message", &high.to_bytes()));
    }

    #[test]
    fn genesis_dids_are_plc_shaped() {
        let (s, r) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (bytes, did) = genesis_operation("alice.test", &s, &r).unwrap();
        assert!(crate::validate::Did::parse("did", &did).is_ok(), "{did}");
        assert!(dag_cbor::decode(&bytes).is_ok());
    }
}
