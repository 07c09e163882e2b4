//! The sequencer: every repository write and identity or account change appends its
//! firehose event to `repo_seq`, in the write's own transaction, numbered in the log's
//! gap-free commit order (see [`crate::events::log`]). The event is the DAG-CBOR map of
//! the AT Protocol firehose message (`com.atproto.sync.subscribeRepos`):
//!
//! - `#commit` (`append`): `seq`, `repo`, `commit` (the new root CID, as a string),
//!   `rev`, `since` (the previous rev, or null), `blocks` (the CIDs written, as strings),
//!   `time`;
//! - `#identity` (`identity`): `seq`, `did`, `handle`, `time`;
//! - `#account` (`account`): `seq`, `did`, `active`, `status` (absent when active),
//!   `time`.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::pds::enums::{AccountStatus, RepoSeqEventType};
use entity::pds::{accounts, repo_seq};
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel};

use crate::codec::dag_cbor::{self, Ipld};
use crate::error::ApiResult;
use crate::events::{RepoSeq, log};

/// One event to sequence: its type and its fields (without `seq` and `time`).
pub struct Event {
    did: String,
    kind: RepoSeqEventType,
    fields: Vec<(&'static str, Ipld)>,
}

/// `#commit`: `did`'s repository moved from `since` to `rev` at `commit`, writing `blocks`.
pub fn commit(did: &str, commit: &str, rev: &str, since: Option<&str>, blocks: &[String]) -> Event {
    Event {
        did: did.to_owned(),
        kind: RepoSeqEventType::Append,
        fields: vec![
            ("repo", dag_cbor::text(did)),
            ("commit", dag_cbor::text(commit)),
            ("rev", dag_cbor::text(rev)),
            ("since", since.map_or(Ipld::Null, dag_cbor::text)),
            (
                "blocks",
                Ipld::List(blocks.iter().map(dag_cbor::text).collect()),
            ),
        ],
    }
}

/// `#identity`: `account`'s handle (or DID document) is now as stored.
pub fn identity(account: &accounts::Model) -> Event {
    Event {
        did: account.did.clone(),
        kind: RepoSeqEventType::Identity,
        fields: vec![
            ("did", dag_cbor::text(&account.did)),
            ("handle", dag_cbor::text(&account.handle)),
        ],
    }
}

/// `#account`: `account`'s status is now as stored.
pub fn account(account: &accounts::Model) -> Event {
    let active = account.status == AccountStatus::Active;
    let mut fields = vec![
        ("did", dag_cbor::text(&account.did)),
        ("active", Ipld::Bool(active)),
    ];
    if !active {
        use sea_orm::ActiveEnum;
        fields.push(("status", dag_cbor::text(account.status.to_value())));
    }
    Event {
        did: account.did.clone(),
        kind: RepoSeqEventType::Account,
        fields,
    }
}

/// The `repo_seq` rows of `events` at `at`, numbered from `first`.
pub fn numbered(
    first: i64,
    at: DateTime<Utc>,
    events: Vec<Event>,
) -> ApiResult<Vec<repo_seq::Model>> {
    let time = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    events
        .into_iter()
        .zip(first..)
        .map(|(e, seq)| {
            let mut fields = e.fields;
            fields.push(("seq", Ipld::Integer(i128::from(seq))));
            fields.push(("time", dag_cbor::text(time.clone())));
            Ok(repo_seq::Model {
                seq,
                did: e.did,
                event_type: e.kind,
                event: dag_cbor::encode(&dag_cbor::map(fields))?,
                invalidated: false,
                sequenced_at: at,
            })
        })
        .collect()
}

/// Appends `events` to `repo_seq` in `txn`, in order: the last step of a write.
pub async fn sequence<C: ConnectionTrait>(
    txn: &C,
    at: DateTime<Utc>,
    events: Vec<Event>,
) -> ApiResult<Vec<repo_seq::Model>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let first = log::next_seq::<RepoSeq, C>(txn).await?;
    let rows = numbered(first, at, events)?;
    repo_seq::Entity::insert_many(rows.iter().cloned().map(IntoActiveModel::into_active_model))
        .exec_without_returning(txn)
        .await?;
    if let Some(last) = rows.last() {
        log::announce(txn, entity::Domain::Pds, last.seq).await?;
    }
    Ok(rows)
}
