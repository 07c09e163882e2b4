//! DAG-CBOR, Mosaic's one codec for it: `serde_ipld_dagcbor` over `ipld-core` values.
//!
//! - [`encode`] writes the PDS's own objects (PLC operations, commits, MST nodes,
//!   firehose events) canonically: map keys by length then bytewise, minimal integers.
//! - [`decode`] reads a block a client sent under DAG-CBOR's strict rules as the crate
//!   enforces them (canonical key order and no duplicate keys, minimal lengths and
//!   integers, no indefinite lengths, only tag 42 for CIDs, 64-bit floats only, no
//!   trailing bytes), and then requires the block to re-encode to exactly its own bytes,
//!   so one value has one encoding and one CID.
//!
//! CIDs inside values are the crate's ([`Link`]); CIDs as text are
//! [`super::cid::Cid`]; [`cid_text`] reads the one as the other.

use std::collections::BTreeMap;

use ipld_core::cid::multihash::Multihash;
pub use ipld_core::ipld::Ipld;
use serde_ipld_dagcbor::DecodeError;
use sha2::{Digest, Sha256};

use super::cid::{Cid, Codec, SHA2_256};
use crate::error::{ApiError, ApiResult};

/// A CID inside a DAG-CBOR value (tag 42).
pub type Link = ipld_core::cid::Cid;

const DAG_CBOR: u64 = 0x71;

/// The canonical DAG-CBOR encoding of `value`.
pub fn encode(value: &Ipld) -> ApiResult<Vec<u8>> {
    serde_ipld_dagcbor::to_vec(value).map_err(ApiError::internal)
}

/// Decodes `bytes` as strict DAG-CBOR; the error says what is wrong, for a message.
pub fn decode(bytes: &[u8]) -> Result<Ipld, String> {
    let value: Ipld = serde_ipld_dagcbor::from_slice(bytes).map_err(|e| why(&e))?;
    let again = serde_ipld_dagcbor::to_vec(&value).map_err(|e| e.to_string())?;
    if again != bytes {
        return Err("not in canonical form".into());
    }
    Ok(value)
}

/// The decoder's error in words (its `Display` is its `Debug`).
fn why<E: std::fmt::Debug>(e: &DecodeError<E>) -> String {
    match e {
        DecodeError::IndefiniteSize => "an indefinite length or a stray break byte".into(),
        DecodeError::UnorderedKey => {
            "map keys not in DAG-CBOR order (by length, then bytewise) or repeated".into()
        }
        DecodeError::NonMinimal { .. } => "an integer or length not in its shortest form".into(),
        DecodeError::TrailingData => "bytes after the value".into(),
        DecodeError::Eof { .. } => "it ends early".into(),
        DecodeError::RequireUtf8 { .. } => "text that is not UTF-8".into(),
        DecodeError::DepthOverflow { .. } => "nested too deeply".into(),
        DecodeError::Mismatch { name, found } | DecodeError::Unsupported { name, found } => {
            format!("unexpected byte 0x{found:02x} reading {name}")
        }
        DecodeError::Msg(m) => m.clone(),
        other => format!("{other:?}"),
    }
}

/// Decodes `bytes` as strict DAG-CBOR; `BAD_USER_INPUT` naming `field` if they are not.
pub fn decode_field(field: &str, bytes: &[u8]) -> ApiResult<Ipld> {
    decode(bytes)
        .map_err(|why| ApiError::bad_input(field, format!("{field}: not DAG-CBOR ({why})")))
}

/// A map value from its entries (their order does not matter: [`encode`] sorts keys).
pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Ipld)>) -> Ipld {
    Ipld::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A text value.
pub fn text(s: impl Into<String>) -> Ipld {
    Ipld::String(s.into())
}

/// The link (CIDv1, dag-cbor, sha2-256) of a DAG-CBOR block.
pub fn link_of(bytes: &[u8]) -> ApiResult<Link> {
    let digest = Sha256::digest(bytes);
    let hash = Multihash::wrap(SHA2_256, &digest).map_err(ApiError::internal)?;
    Ok(Link::new_v1(DAG_CBOR, hash))
}

/// A link as CID text, if it is one the PDS addresses blocks by (CIDv1, dag-cbor or raw,
/// sha2-256).
pub fn cid_text(link: &Link) -> Option<Cid> {
    Cid::parse("link", &link.to_string())
        .ok()
        .filter(|c| c.codec() == Codec::DagCbor || c.codec() == Codec::Raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_encode_canonically() {
        let m = map([
            ("bb", Ipld::Integer(1)),
            ("a", Ipld::Null),
            ("ab", Ipld::Bytes(vec![1])),
        ]);
        assert_eq!(
            encode(&m).unwrap(),
            vec![
                0xa3, 0x61, b'a', 0xf6, 0x62, b'a', b'b', 0x41, 1, 0x62, b'b', b'b', 1
            ]
        );
        assert_eq!(encode(&Ipld::Integer(500)).unwrap(), vec![0x19, 0x01, 0xf4]);
    }

    #[test]
    fn decoding_is_strict() {
        let good = encode(&map([("a", Ipld::Integer(1)), ("bb", Ipld::Null)])).unwrap();
        assert!(decode(&good).is_ok());
        let bad: [&[u8]; 9] = [
            b"\xff\xff",
            b"",
            // Keys out of order, and a key twice.
            b"\xa2\x61b\x01\x61a\x02",
            b"\xa2\x61a\x01\x61a\x02",
            // A non-minimal integer, an indefinite-length array.
            b"\x18\x01",
            b"\x9f\x01\xff",
            // A tag other than 42, a 32-bit float, trailing bytes.
            b"\xc1\x01",
            b"\xfa\x3f\x80\x00\x00",
            b"\x01\x01",
        ];
        for b in bad {
            assert!(decode(b).is_err(), "{b:x?}");
        }
    }

    #[test]
    fn links_round_trip_through_cid_text() {
        let bytes = encode(&map([("e", Ipld::List(vec![])), ("l", Ipld::Null)])).unwrap();
        let l = link_of(&bytes).unwrap();
        let text = cid_text(&l).unwrap();
        assert_eq!(text, Cid::of(Codec::DagCbor, &bytes));
        assert_eq!(Link::try_from(text.as_str()).unwrap(), l);
    }
}
