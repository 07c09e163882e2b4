//! Content identifiers as the AT Protocol uses them: CIDv1, `raw` or `dag-cbor`, a
//! SHA-256 multihash, base32 multibase (`b...`). CIDs inside DAG-CBOR values are the
//! `ipld-core` crate's ([`super::dag_cbor::Link`]); this is the text form clients send
//! and the tables store.

use sha2::{Digest, Sha256};

use super::base32;
use crate::error::{ApiError, ApiResult};

/// The multicodec of a block's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codec {
    /// `raw` (0x55): opaque bytes (blobs).
    Raw,
    /// `dag-cbor` (0x71): AT Protocol records and repository nodes.
    DagCbor,
}

impl Codec {
    fn code(self) -> u64 {
        match self {
            Codec::Raw => 0x55,
            Codec::DagCbor => 0x71,
        }
    }

    fn from_code(code: u64) -> Option<Self> {
        match code {
            0x55 => Some(Codec::Raw),
            0x71 => Some(Codec::DagCbor),
            _ => None,
        }
    }
}

/// The multihash code of SHA-256.
pub(crate) const SHA2_256: u64 = 0x12;

/// A content identifier as the AT Protocol uses them: CIDv1, `raw` or `dag-cbor`, a
/// SHA-256 multihash, base32 multibase (`b...`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cid {
    text: String,
    codec: Codec,
    digest: [u8; 32],
}

impl Cid {
    /// The CID of `bytes` with `codec`.
    pub fn of(codec: Codec, bytes: &[u8]) -> Self {
        Self::from_parts(codec, Sha256::digest(bytes).into())
    }

    /// Parses a CID string; `BAD_USER_INPUT` naming `field` if it is not one.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let invalid =
            |why: &str| ApiError::bad_input(field, format!("{field} is not a valid CID: {why}"));
        let body = raw
            .strip_prefix('b')
            .ok_or_else(|| invalid("expected a base32 CIDv1 (b...)"))?;
        let bytes = base32::decode(body).ok_or_else(|| invalid("bad base32"))?;
        let mut rest = bytes.as_slice();
        let mut next = || read_varint(&mut rest);
        if next() != Some(1) {
            return Err(invalid("only CIDv1 is supported"));
        }
        let codec = next()
            .and_then(Codec::from_code)
            .ok_or_else(|| invalid("the codec must be raw or dag-cbor"))?;
        if next() != Some(SHA2_256) || next() != Some(32) {
            return Err(invalid("the hash must be sha2-256"));
        }
        let digest: [u8; 32] = rest
            .try_into()
            .map_err(|_| invalid("the digest must be 32 bytes"))?;
        let cid = Self::from_parts(codec, digest);
        if cid.text != raw {
            return Err(invalid("not in canonical form"));
        }
        Ok(cid)
    }

    fn from_parts(codec: Codec, digest: [u8; 32]) -> Self {
        let mut raw = Vec::with_capacity(36);
        write_varint(&mut raw, 1);
        write_varint(&mut raw, codec.code());
        write_varint(&mut raw, SHA2_256);
        write_varint(&mut raw, 32);
        raw.extend_from_slice(&digest);
        Self {
            text: format!("b{}", base32::encode(&raw)),
            codec,
            digest,
        }
    }

    /// Whether this CID addresses exactly `bytes`.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        digest == self.digest
    }

    /// The codec.
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Cid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_varint(input: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..63).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cids_round_trip_and_match_their_bytes() {
        // The well-known CIDv1 (dag-cbor, sha2-256) of the empty CBOR map `a0`.
        let cid = Cid::of(Codec::DagCbor, &[0xa0]);
        assert!(cid.as_str().starts_with("bafyrei"), "{cid}");
        let parsed = Cid::parse("cid", cid.as_str()).unwrap();
        assert_eq!(parsed, cid);
        assert!(parsed.matches(&[0xa0]));
        assert!(!parsed.matches(&[0xa1]));
        assert_eq!(Cid::of(Codec::Raw, b"x").codec(), Codec::Raw);
        assert!(Cid::of(Codec::Raw, b"x").as_str().starts_with("bafkrei"));
        for bad in ["", "Qm", "bafyrei!", "zb2rh", &cid.as_str()[..20]] {
            assert!(Cid::parse("cid", bad).is_err(), "{bad}");
        }
    }
}
