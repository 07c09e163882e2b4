//! Real-time: a durable log first, notifications second.
//!
//! - **The log is the truth** ([`log`]). A mutation records its change events in its own
//!   transaction, in its domain's append-only, gap-free log: `change_log` (Atrarium,
//!   Orquestra, Bellamy), `repo_seq` (the PDS sequencer) and `event_log` (Inner Universe).
//!   A rolled-back mutation leaves no event.
//! - **Notifications only wake readers** ([`feed`]). After commit, the writer wakes its
//!   domain's tailer, which reads the new events once and fans them out; on PostgreSQL a
//!   `NOTIFY` carrying only the domain and sequence number does the same for other
//!   instances.
//! - **Cursors everywhere.** A subscription may start after a sequence number: it replays
//!   from the log, then continues live, with no gap and no duplicate at the seam.

pub mod feed;
pub mod listen;
pub mod log;
pub mod retention;

use std::future::Future;
use std::sync::Arc;

use async_graphql::ErrorExtensions;
use async_graphql::futures_util::{Stream, StreamExt};
use entity::Domain;
use sea_orm::DatabaseConnection;

use crate::error::ApiResult;

pub use feed::{Feed, Slots, Topic};
pub use log::{Change, ChangeLog, EventLog, RepoSeq};

/// Running subscriptions allowed on one server by default.
pub const DEFAULT_MAX_SUBSCRIPTIONS: usize = 100_000;

/// The five domains' feeds. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Feeds {
    /// Atrarium's `change_log`.
    pub atrarium: Feed<ChangeLog>,
    /// Orquestra's `change_log`.
    pub orquestra: Feed<ChangeLog>,
    /// Bellamy Book's `change_log`.
    pub bellamy: Feed<ChangeLog>,
    /// The PDS sequencer (`repo_seq`).
    pub pds: Feed<RepoSeq>,
    /// Inner Universe's `event_log`.
    pub universe: Feed<EventLog>,
    slots: Arc<Slots>,
}

impl Feeds {
    /// Feeds over the domains' pools (in [`Domain::ALL`] order), with at most
    /// `max_subscriptions` subscriptions running at once.
    pub fn new(pools: &[DatabaseConnection; 5], max_subscriptions: usize) -> Self {
        let slots = Slots::new(max_subscriptions);
        let pool = |d: Domain| pools[d.index()].clone();
        Self {
            atrarium: Feed::new(pool(Domain::Atrarium), Arc::clone(&slots)),
            orquestra: Feed::new(pool(Domain::Orquestra), Arc::clone(&slots)),
            bellamy: Feed::new(pool(Domain::Bellamy), Arc::clone(&slots)),
            pds: Feed::new(pool(Domain::Pds), Arc::clone(&slots)),
            universe: Feed::new(pool(Domain::Universe), Arc::clone(&slots)),
            slots,
        }
    }

    /// What a write to `domain` wakes after it commits.
    pub fn waker(&self, domain: Domain) -> Arc<tokio::sync::Notify> {
        match domain {
            Domain::Atrarium => self.atrarium.waker(),
            Domain::Orquestra => self.orquestra.waker(),
            Domain::Bellamy => self.bellamy.waker(),
            Domain::Pds => self.pds.waker(),
            Domain::Universe => self.universe.waker(),
        }
    }

    /// Wakes every domain's tailer (e.g. after the NOTIFY listener reconnected).
    pub fn wake_all(&self) {
        for d in Domain::ALL {
            self.waker(d).notify_one();
        }
    }

    /// Subscriptions running now, over all domains.
    pub fn running(&self) -> usize {
        self.slots.running()
    }
}

/// A cursor argument: a sequence number in decimal.
pub fn parse_cursor(field: &str, cursor: Option<&str>) -> crate::error::ApiResult<Option<i64>> {
    match cursor {
        None => Ok(None),
        Some(c) => c.trim().parse::<i64>().map(Some).map_err(|_| {
            crate::error::ApiError::bad_input(
                field,
                format!("`{c}` is not a cursor: a cursor is a sequence number, e.g. \"42\""),
            )
        }),
    }
}

/// A subscription's GraphQL stream over `events`: `deliver` turns each event into the
/// payload the subscriber receives, checking the subscriber's access *at delivery time*
/// (`Ok(None)` skips an event, e.g. one whose row is gone). The stream ends after the
/// first error, which the client receives with its code (a subscriber that lost access
/// gets `FORBIDDEN` once and nothing more).
pub fn deliver<R, T, F, Fut>(
    events: impl Stream<Item = ApiResult<Arc<R>>> + Send + 'static,
    deliver: F,
) -> impl Stream<Item = async_graphql::Result<T>> + Send + 'static
where
    R: Send + Sync + 'static,
    T: Send + 'static,
    F: Fn(Arc<R>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Option<T>>> + Send + 'static,
{
    let events = Box::pin(events);
    async_graphql::futures_util::stream::unfold(
        (events, false, deliver),
        |(mut events, ended, deliver)| async move {
            if ended {
                return None;
            }
            loop {
                let out = match events.next().await? {
                    Ok(row) => deliver(row).await,
                    Err(e) => Err(e),
                };
                match out {
                    Ok(None) => continue,
                    Ok(Some(payload)) => return Some((Ok(payload), (events, false, deliver))),
                    Err(e) => return Some((Err(e.extend()), (events, true, deliver))),
                }
            }
        },
    )
}
