//! A small, linked PDS data set for GraphiQL: the four shared accounts (alice, bob,
//! carol, dave of `mosaic.test`; carol deactivated), one repository each with a few
//! blocks, a three-operation PLC log each, sessions, profile and post records with
//! image blobs, the sequencer's log and an app password.
//!
//! Every secret is a recognisable placeholder: no real password, key or token.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, TransactionTrait,
};

use crate::codec::tid;

/// The shared identities: DID, handle, display name, status.
const ACCOUNTS: [(&str, &str, &str, AccountStatus); 4] = [
    (
        "did:plc:ragtjsm2j2vknwkz3zp4oxrd",
        "alice.mosaic.test",
        "Alice",
        AccountStatus::Active,
    ),
    (
        "did:plc:44ybard66vv44zksje25o7dz",
        "bob.mosaic.test",
        "Bob",
        AccountStatus::Active,
    ),
    (
        "did:plc:z72i7hdynmk6r22z27h6tvur",
        "carol.mosaic.test",
        "Carol",
        AccountStatus::Deactivated,
    ),
    (
        "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
        "dave.mosaic.test",
        "Dave",
        AccountStatus::Active,
    ),
];

/// Post texts per account (the record bytes themselves live in blocks).
const POSTS: [&[&str]; 4] = [
    &[
        "Just moved my repo to a self-hosted PDS. Smooth!",
        "Sunset over the harbour tonight",
        "Reading up on Merkle search trees again.",
    ],
    &[
        "bob here, testing the firehose",
        "New bike day",
        "Does anyone else rotate their PLC keys for fun?",
        "Coffee first, commits later.",
    ],
    &["Taking a break from social media for a while."],
    &["hello world", "Mountains this weekend"],
];

/// A deterministic byte stream (xorshift), for placeholder bytes, keys and CIDs.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() & 0xff) as u8).collect()
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[(self.next() % alphabet.len() as u64) as usize]))
            .collect()
    }

    fn hex(&mut self, n: usize) -> String {
        self.chars(b"0123456789abcdef", n)
    }

    /// A CIDv1 in base32 with the given multibase/codec prefix (`bafyrei`: dag-cbor,
    /// `bafkrei`: raw), 59 characters like a real sha-256 CID.
    fn cid(&mut self, prefix: &str) -> String {
        format!(
            "{prefix}{}",
            self.chars(b"abcdefghijklmnopqrstuvwxyz234567", 59 - prefix.len())
        )
    }

    /// A multibase (base58btc) Multikey-looking public key.
    fn multikey(&mut self) -> String {
        format!(
            "zQ3sh{}",
            self.chars(
                b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
                44
            )
        )
    }
}

/// Inserts the demo data, in one transaction; does nothing if the PDS holds any
/// account already.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    if accounts::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let t0 = Utc
        .with_ymd_and_hms(2025, 11, 3, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut events: Vec<(DateTime<Utc>, repo_seq::Model)> = Vec::new();
    let event = |did: &str, kind: RepoSeqEventType, at: DateTime<Utc>, noise: &mut Noise| {
        (
            at,
            repo_seq::Model {
                seq: 0,
                did: did.to_owned(),
                event_type: kind,
                event: noise.bytes(48),
                invalidated: false,
                sequenced_at: at,
            },
        )
    };

    for (i, (did, handle, name, status)) in ACCOUNTS.iter().enumerate() {
        let joined = t0 + Duration::days(i as i64 * 3);
        let local = handle.split('.').next().unwrap_or(name).to_owned();
        accounts::Model {
            did: (*did).to_owned(),
            handle: (*handle).to_owned(),
            email: format!("{local}@mosaic.test"),
            password_hash: format!(
                "$scrypt$N=16384,r=8,p=1${}${}",
                noise.hex(32),
                "DEMO-PLACEHOLDER-NOT-A-REAL-HASH"
            ),
            signing_key_priv: noise.hex(64),
            signing_key_pub: noise.multikey(),
            rotation_key_priv: noise.hex(64),
            rotation_key_pub: noise.multikey(),
            status: *status,
            created_at: joined,
        }
        .into_active_model()
        .insert(&txn)
        .await?;
        events.push(event(did, RepoSeqEventType::Identity, joined, &mut noise));
        events.push(event(
            did,
            RepoSeqEventType::Account,
            joined + Duration::seconds(1),
            &mut noise,
        ));

        // PLC log: genesis, a handle update, a key rotation.
        for seq in 0..3 {
            plc_operations::Model {
                did: (*did).to_owned(),
                seq,
                cid: noise.cid("bafyrei"),
                operation: noise.bytes(96 + seq as usize * 8),
                created_at: joined + Duration::days(seq * 20),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }

        // Records: a profile, then posts an hour apart.
        let posts = POSTS[i];
        let mut rev = tid::of_time(joined, i as u64); // replaced by each record's commit
        let mut record_rows = Vec::new();
        let profile_at = joined + Duration::minutes(5);
        record_rows.push((
            "app.bsky.actor.profile".to_owned(),
            "self".to_owned(),
            profile_at,
        ));
        for (p, _text) in posts.iter().enumerate() {
            let at = joined + Duration::hours(p as i64 + 1);
            record_rows.push((
                "app.bsky.feed.post".to_owned(),
                tid::of_time(at, i as u64),
                at,
            ));
        }
        for (collection, rkey, at) in &record_rows {
            rev = tid::of_time(*at, i as u64);
            let cid = noise.cid("bafyrei");
            // The record's own block.
            repo_blocks::Model {
                repo_did: (*did).to_owned(),
                cid: cid.clone(),
                bytes: noise.bytes(64),
                size: 64,
                created_at: *at,
            }
            .into_active_model()
            .insert(&txn)
            .await?;
            records::Model {
                uri: format!("at://{did}/{collection}/{rkey}"),
                cid,
                did: (*did).to_owned(),
                collection: collection.clone(),
                rkey: rkey.clone(),
                repo_rev: Some(rev.clone()),
                indexed_at: *at + Duration::milliseconds(250),
                takedown_ref: None,
            }
            .into_active_model()
            .insert(&txn)
            .await?;
            events.push(event(did, RepoSeqEventType::Append, *at, &mut noise));
        }

        // An MST node and the signed commit that is the repository's root.
        let last_at = record_rows.last().map_or(joined, |r| r.2);
        let mst = noise.cid("bafyrei");
        let root = noise.cid("bafyrei");
        for (cid, len) in [(&mst, 120), (&root, 180)] {
            repo_blocks::Model {
                repo_did: (*did).to_owned(),
                cid: cid.clone(),
                bytes: noise.bytes(len),
                size: len as i32,
                created_at: last_at,
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
        repos::Model {
            did: (*did).to_owned(),
            root_cid: root,
            rev,
            created_at: joined,
        }
        .into_active_model()
        .insert(&txn)
        .await?;

        // Images: an avatar for the profile, a photo for the second post.
        let images = [
            (0usize, "image/jpeg", 400, 400, 48_213),
            (2usize, "image/png", 1600, 900, 812_004),
        ];
        for (record_index, mime, w, h, size) in images {
            let Some((collection, rkey, at)) = record_rows.get(record_index) else {
                continue;
            };
            let cid = noise.cid("bafkrei");
            blobs::Model {
                did: (*did).to_owned(),
                cid: cid.clone(),
                mime_type: mime.to_owned(),
                size,
                temp_key: None,
                width: Some(w),
                height: Some(h),
                created_at: *at - Duration::seconds(30),
                takedown_ref: None,
            }
            .into_active_model()
            .insert(&txn)
            .await?;
            record_blobs::Model {
                blob_cid: cid,
                record_uri: format!("at://{did}/{collection}/{rkey}"),
                did: (*did).to_owned(),
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }

        // Sessions: one from the account password, one more for alice and bob.
        let sessions: &[(i64, Option<&str>)] = match i {
            0 => &[(2, None), (30, Some("Graysky on phone"))],
            1 => &[(1, None), (12, None)],
            2 => &[],
            _ => &[(4, None)],
        };
        for (days, app) in sessions {
            let created = joined + Duration::days(*days);
            refresh_tokens::Model {
                jti: format!("demo-{}", noise.hex(32)),
                did: (*did).to_owned(),
                expires_at: created + Duration::days(90),
                app_password_name: app.map(str::to_owned),
                created_at: created,
            }
            .into_active_model()
            .insert(&txn)
            .await?;
        }
    }

    // An upload no record references yet (still in temporary storage).
    blobs::Model {
        did: ACCOUNTS[1].0.to_owned(),
        cid: noise.cid("bafkrei"),
        mime_type: "video/mp4".to_owned(),
        size: 5_302_118,
        temp_key: Some(format!("tmp-{}", noise.hex(16))),
        width: Some(1280),
        height: Some(720),
        created_at: t0 + Duration::days(6),
        takedown_ref: None,
    }
    .into_active_model()
    .insert(&txn)
    .await?;

    app_passwords::Model {
        did: ACCOUNTS[0].0.to_owned(),
        name: "Graysky on phone".to_owned(),
        password_scrypt: format!("$scrypt$N=16384,r=8,p=1${}$DEMO-PLACEHOLDER", noise.hex(32)),
        privileged: false,
        created_at: t0 + Duration::days(29),
    }
    .into_active_model()
    .insert(&txn)
    .await?;

    // Carol deactivated her account: the sequencer logs the status change.
    let carol_off = t0 + Duration::days(6 + 40);
    events.push(event(
        ACCOUNTS[2].0,
        RepoSeqEventType::Account,
        carol_off,
        &mut noise,
    ));

    // The sequencer assigns numbers in time order.
    events.sort_by_key(|(at, _)| *at);
    let first = crate::events::log::next_seq::<crate::events::RepoSeq, _>(&txn).await?;
    for ((_, mut m), seq) in events.into_iter().zip(first..) {
        m.seq = seq;
        m.into_active_model().insert(&txn).await?;
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_cids_look_like_cids() {
        let mut n = Noise(1);
        let c = n.cid("bafyrei");
        assert_eq!(c.len(), 59);
        assert!(c.starts_with("bafyrei"));
    }
}
