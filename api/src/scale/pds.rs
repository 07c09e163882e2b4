//! PDS scale data (see [`crate::scale`]). Per account: a real signed PLC genesis
//! operation (the DID is its hash, as the PDS makes them), one session, a repository of a
//! profile and 19 posts written in one signed v3 commit (record blocks are DAG-CBOR with
//! their real CIDs; the tree is one flat MST node listing every record, not split by key
//! depth), and the sequencer's `#identity`, `#account` and `#commit` events, numbered
//! gap-free from 1 in time order. Accounts are 30 minutes apart, so each account's events
//! precede the next account's.
//!
//! Generating a key pair and an scrypt hash per account would dominate the run: four key
//! pairs derived from the seed are shared round-robin, and every account's password is
//! `mosaic-scale` under one precomputed cheap scrypt hash (log N = 10).

use chrono::{DateTime, Duration, Utc};
use entity::pds::enums::AccountStatus;
use entity::pds::{
    accounts, plc_operations, records, refresh_tokens, repo_blocks, repo_seq, repos,
};
use ipld_core::ipld::Ipld;
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::codec::{dag_cbor, tid};
use crate::pds::service::keys::{self, KeyPair};
use crate::scale::{Batch, CHUNK, Plan, Rng, flush_all};
use crate::validate::{Cid, Codec};

/// The data tables, checked for emptiness before seeding.
pub const TABLES: &[&str] = &[
    "accounts",
    "repos",
    "repo_blocks",
    "records",
    "plc_operations",
    "refresh_tokens",
    "repo_seq",
    "blobs",
    "app_passwords",
];

/// Every scale account's password.
pub const PASSWORD: &str = "mosaic-scale";
/// Records per account: a profile and 19 posts.
pub const RECORDS_PER_ACCOUNT: u64 = 20;
/// Seconds between two accounts' creation.
const SPACING: u64 = 1_800;

const POST_TEXTS: [&str; 8] = [
    "Shipping a new feed generator today.",
    "Morning run done, coffee next.",
    "Anyone else reading about Merkle search trees?",
    "Photos from the weekend hike",
    "Rewrote the indexer in Rust; 4x faster.",
    "Quiet day. Good day.",
    "Hot take: tabs are fine.",
    "New post on my blog about repo sync.",
];

/// The shared key pairs of a seed.
fn key_pairs(seed: u64) -> Vec<KeyPair> {
    let mut rng = Rng::new(seed, 40);
    let mut out = Vec::new();
    while out.len() < 4 {
        if let Some(k) = KeyPair::from_secret(&rng.bytes::<32>()) {
            out.push(k);
        }
    }
    out
}

/// Account `i`'s handle.
fn handle(i: u64) -> String {
    format!("user-{i:05}.scale.mosaic.test")
}

/// The genesis operation and DID of every account.
fn genesis(plan: &Plan, keys: &[KeyPair]) -> Vec<(Vec<u8>, String)> {
    (0..plan.pds_accounts)
        .map(|i| {
            let signing = &keys[(i % 4) as usize];
            let rotation = &keys[((i + 1) % 4) as usize];
            keys::genesis_operation(&handle(i), signing, rotation)
                .unwrap_or_else(|_| (Vec::new(), format!("did:plc:scale{i:019}")))
        })
        .collect()
}

/// The DIDs of the scale accounts (Atrarium's members are these).
pub fn dids(plan: &Plan, seed: u64) -> Vec<String> {
    genesis(plan, &key_pairs(seed))
        .into_iter()
        .map(|(_, did)| did)
        .collect()
}

fn block(did: &str, bytes: Vec<u8>, at: DateTime<Utc>) -> repo_blocks::Model {
    repo_blocks::Model {
        repo_did: did.to_owned(),
        cid: Cid::of(Codec::DagCbor, &bytes).to_string(),
        size: i32::try_from(bytes.len()).unwrap_or(i32::MAX),
        bytes,
        created_at: at,
    }
}

fn encoded(value: &Ipld) -> Result<Vec<u8>, DbErr> {
    dag_cbor::encode(value).map_err(|e| DbErr::Custom(format!("DAG-CBOR: {e:?}")))
}

/// Writes the PDS's scale data in one transaction; the rows per table.
pub async fn seed(
    db: &DatabaseConnection,
    plan: &Plan,
    seed: u64,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let keys = key_pairs(seed);
    let mut rng = Rng::new(seed, 4);
    let params = scrypt::Params::new(10, 8, 1, 32).map_err(|e| DbErr::Custom(e.to_string()))?;
    let password_hash =
        crate::auth::password::hash_password_salted(PASSWORD, params, &rng.bytes::<16>())
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    let txn = db.begin().await?;
    let mut accounts_out = Batch::<_, accounts::ActiveModel>::new(&txn);
    let mut repos_out = Batch::<_, repos::ActiveModel>::new(&txn);
    let mut blocks_out = Batch::<_, repo_blocks::ActiveModel>::new(&txn);
    let mut records_out = Batch::<_, records::ActiveModel>::new(&txn);
    let mut plc_out = Batch::<_, plc_operations::ActiveModel>::new(&txn);
    let mut sessions_out = Batch::<_, refresh_tokens::ActiveModel>::new(&txn);
    let mut seq_out = Batch::<_, repo_seq::ActiveModel>::new(&txn);
    let mut seq: i64 = 1;
    let failed = |e: crate::error::ApiError| DbErr::Custom(e.to_string());
    for (i, (operation, did)) in genesis(plan, &keys).into_iter().enumerate() {
        let i = i as u64;
        let signing = &keys[(i % 4) as usize];
        let rotation = &keys[((i + 1) % 4) as usize];
        let created = crate::scale::at(i * SPACING);
        let account = accounts::Model {
            did: did.clone(),
            handle: handle(i),
            email: format!("user-{i:05}@scale.mosaic.test"),
            password_hash: password_hash.clone(),
            signing_key_priv: signing.private_hex(),
            signing_key_pub: signing.multikey(),
            rotation_key_priv: rotation.private_hex(),
            rotation_key_pub: rotation.multikey(),
            status: if i % 50 == 49 {
                AccountStatus::Deactivated
            } else {
                AccountStatus::Active
            },
            created_at: created,
        };
        plc_out.push(plc_operations::Model {
            did: did.clone(),
            seq: 0,
            cid: Cid::of(Codec::DagCbor, &operation).to_string(),
            operation,
            created_at: created,
        });
        sessions_out.push(refresh_tokens::Model {
            jti: format!("scale-{}", rng.hex(32)),
            did: did.clone(),
            expires_at: created + Duration::days(3650),
            app_password_name: None,
            created_at: created + Duration::minutes(1),
        });
        for row in crate::pds::service::sequencer::numbered(
            seq,
            created,
            vec![
                crate::pds::service::sequencer::identity(&account),
                crate::pds::service::sequencer::account(&account),
            ],
        )
        .map_err(failed)?
        {
            seq_out.push(row);
        }
        seq += 2;

        // The records, each its own block, then one flat MST node and the commit.
        let commit_at =
            created + Duration::minutes(i64::try_from(RECORDS_PER_ACCOUNT).unwrap_or(0) + 1);
        let rev = tid::of_time(commit_at, 0);
        let mut entries = Vec::new();
        let mut cids = Vec::new();
        for r in 0..RECORDS_PER_ACCOUNT {
            let at = created + Duration::minutes(i64::try_from(r).unwrap_or(0) + 1);
            let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let (collection, rkey, value) = if r == 0 {
                (
                    "app.bsky.actor.profile",
                    "self".to_owned(),
                    dag_cbor::map([
                        ("$type", dag_cbor::text("app.bsky.actor.profile")),
                        ("displayName", dag_cbor::text(format!("User {i}"))),
                        ("description", dag_cbor::text("Generated for benchmarks.")),
                    ]),
                )
            } else {
                (
                    "app.bsky.feed.post",
                    tid::of_time(at, 0),
                    dag_cbor::map([
                        ("$type", dag_cbor::text("app.bsky.feed.post")),
                        ("text", dag_cbor::text(*rng.pick(&POST_TEXTS))),
                        ("createdAt", dag_cbor::text(stamp)),
                    ]),
                )
            };
            let bytes = encoded(&value)?;
            let link = dag_cbor::link_of(&bytes).map_err(failed)?;
            let row = block(&did, bytes, at);
            let key = format!("{collection}/{rkey}");
            entries.push(dag_cbor::map([
                ("k", Ipld::Bytes(key.into_bytes())),
                ("p", Ipld::Integer(0)),
                ("t", Ipld::Null),
                ("v", Ipld::Link(link)),
            ]));
            records_out.push(records::Model {
                uri: format!("at://{did}/{collection}/{rkey}"),
                cid: row.cid.clone(),
                did: did.clone(),
                collection: collection.to_owned(),
                rkey,
                repo_rev: Some(rev.clone()),
                indexed_at: commit_at,
                takedown_ref: None,
            });
            cids.push(row.cid.clone());
            blocks_out.push(row);
        }
        let mst = encoded(&dag_cbor::map([
            ("e", Ipld::List(entries)),
            ("l", Ipld::Null),
        ]))?;
        let data = dag_cbor::link_of(&mst).map_err(failed)?;
        let commit =
            crate::pds::service::commit::sign(&did, &rev, data, None, signing).map_err(failed)?;
        let mst = block(&did, mst, commit_at);
        let commit = block(&did, commit, commit_at);
        cids.push(mst.cid.clone());
        cids.push(commit.cid.clone());
        let root = commit.cid.clone();
        blocks_out.push(mst);
        blocks_out.push(commit);
        for row in crate::pds::service::sequencer::numbered(
            seq,
            commit_at,
            vec![crate::pds::service::sequencer::commit(
                &did, &root, &rev, None, &cids,
            )],
        )
        .map_err(failed)?
        {
            seq_out.push(row);
        }
        seq += 1;
        repos_out.push(repos::Model {
            did: did.clone(),
            root_cid: root,
            rev,
            created_at: created,
        });
        accounts_out.push(account);
        if blocks_out.pending() as u64 >= CHUNK {
            flush_all!(
                accounts_out,
                repos_out,
                blocks_out,
                records_out,
                plc_out,
                sessions_out,
                seq_out
            );
        }
    }
    let tables = vec![
        accounts_out.finish().await?,
        repos_out.finish().await?,
        blocks_out.finish().await?,
        records_out.finish().await?,
        plc_out.finish().await?,
        sessions_out.finish().await?,
        seq_out.finish().await?,
    ];
    crate::scale::sync_sequence(&txn, "repo_seq", "seq").await?;
    txn.commit().await?;
    Ok(tables)
}
