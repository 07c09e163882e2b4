//! How long the logs keep their events for subscribers: Atrarium's, Orquestra's and
//! Bellamy's `change_log` and the PDS sequencer (`repo_seq`) drop events older than the
//! retention period (the newest event always stays: it holds the head of the log), as the
//! AT Protocol firehose keeps a window of its history. Inner Universe's `event_log` is the
//! seed's audit trail and is never pruned.
//!
//! A subscriber resuming from a cursor older than what is left gets `OUTDATED_CURSOR`: it
//! reads the current state with queries and subscribes again.

use std::time::Duration;

use entity::Domain;

use super::log::{self, ChangeLog, RepoSeq};
use crate::db::Databases;
use crate::error::{ApiError, ApiResult};

/// Default retention of the subscription logs: seven days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Longest pause between two prunings.
const MAX_PERIOD: Duration = Duration::from_secs(3600);

/// Events pruned, per domain, in [`Domain::ALL`] order.
pub type Pruned = [u64; 5];

/// Drops the events older than `retention` from every pruned log (see the module docs).
pub async fn prune(dbs: &Databases, retention: Duration) -> ApiResult<Pruned> {
    let age = chrono::Duration::from_std(retention)
        .map_err(|_| ApiError::bad_input("retention", "the retention period is too long"))?;
    let before = chrono::Utc::now() - age;
    let mut pruned = [0; 5];
    for domain in Domain::ALL {
        let store = dbs.store(domain);
        pruned[domain.index()] = match domain {
            Domain::Atrarium | Domain::Orquestra | Domain::Bellamy => {
                log::prune::<ChangeLog>(&store, before).await?
            }
            Domain::Pds => log::prune::<RepoSeq>(&store, before).await?,
            Domain::Universe => 0,
        };
    }
    Ok(pruned)
}

/// Prunes every `retention / 4` (at most hourly) for as long as the process runs.
pub fn spawn(dbs: Databases, retention: Duration) -> tokio::task::JoinHandle<()> {
    let period = (retention / 4).clamp(Duration::from_secs(1), MAX_PERIOD);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match prune(&dbs, retention).await {
                Ok(pruned) if pruned.iter().any(|n| *n > 0) => {
                    tracing::info!(?pruned, "pruned subscription logs");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not prune the subscription logs"),
            }
        }
    })
}
