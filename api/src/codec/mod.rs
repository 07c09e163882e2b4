//! Codecs: one implementation of each binary or text format Mosaic reads and writes.
//! No GraphQL and no storage in here.
//!
//! - [`base32`]: lowercase RFC 4648 base32 without padding (multibase `b`, `did:plc` ids);
//! - [`base58`]: base58 in the Bitcoin alphabet (multibase `z`, Multikeys, Solana);
//! - [`tid`]: AT Protocol timestamp identifiers (record keys, repository revs);
//! - [`cid`]: content identifiers as the AT Protocol uses them (CIDv1, SHA-256, base32);
//! - [`dag_cbor`]: DAG-CBOR values (`serde_ipld_dagcbor` over `ipld-core`).
//!
//! [`crate::validate`] keeps the text types that clients send and parses them with these.

pub mod base32;
pub mod base58;
pub mod cid;
pub mod dag_cbor;
pub mod tid;
