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

    /// A place for one more running subscription (one served by a shared stream counts
    /// too), or `TOO_MANY_SUBSCRIPTIONS`.
    pub fn reserve(&self) -> ApiResult<feed::Slot> {
        self.slots.take()
    }

    /// Subscriptions running now, over all domains.
    pub fn running(&self) -> usize {
        self.slots.running()
    }
}

/// An event of a log, with its place in it.
pub trait Sequenced {
    /// The event's sequence number (`None`: not part of the stream).
    fn seq(&self) -> Option<i64>;
}

impl Sequenced for entity::change_log::Model {
    fn seq(&self) -> Option<i64> {
        Some(self.seq)
    }
}

impl Sequenced for entity::pds::repo_seq::Model {
    fn seq(&self) -> Option<i64> {
        Some(self.seq)
    }
}

impl Sequenced for entity::universe::event_log::Model {
    fn seq(&self) -> Option<i64> {
        self.seq
    }
}

/// Request data: where a subscription stands in its log. [`deliver`] stores the sequence
/// number of each event before it yields the event's payload, so whoever runs the stream
/// (the WebSocket's shared fan-out) knows the cursor of every result.
#[derive(Clone, Debug, Default)]
pub struct SeqProbe(pub Arc<std::sync::atomic::AtomicI64>);

impl SeqProbe {
    /// No event delivered yet.
    pub const NONE: i64 = i64::MIN;

    /// A probe that has seen nothing.
    pub fn new() -> Self {
        Self(Arc::new(std::sync::atomic::AtomicI64::new(Self::NONE)))
    }

    /// The sequence number of the last event delivered, if any.
    pub fn get(&self) -> Option<i64> {
        let seq = self.0.load(std::sync::atomic::Ordering::Acquire);
        (seq != Self::NONE).then_some(seq)
    }

    fn set(&self, seq: i64) {
        self.0.store(seq, std::sync::atomic::Ordering::Release);
    }
}

/// Request data: resume the subscription after this sequence number, whatever its cursor
/// argument says (a subscriber that fell behind the shared fan-out continues on its own).
#[derive(Clone, Copy, Debug)]
pub struct ResumeAfter(pub i64);

/// A subscription's cursor argument `field`, or the [`ResumeAfter`] of the request.
pub fn cursor_of(
    ctx: &async_graphql::Context<'_>,
    field: &str,
    cursor: Option<&str>,
) -> crate::error::ApiResult<Option<i64>> {
    match ctx.data_opt::<ResumeAfter>() {
        Some(ResumeAfter(seq)) => Ok(Some(*seq)),
        None => parse_cursor(field, cursor),
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
///
/// Each event is resolved as a request of its own: the request's batch cache
/// ([`crate::batch::BatchCache`]) is emptied before the next event is read, so a
/// long-lived subscription neither grows it nor reads an earlier event's rows from it.
/// (async-graphql resolves an event's fields before it asks the stream for the next.)
pub fn deliver<R, T, S, F, Fut>(
    ctx: &async_graphql::Context<'_>,
    events: S,
    deliver: F,
) -> impl Stream<Item = async_graphql::Result<T>> + Send + 'static + use<R, T, S, F, Fut>
where
    S: Stream<Item = ApiResult<Arc<R>>> + Send + 'static,
    R: Sequenced + Send + Sync + 'static,
    T: Send + 'static,
    F: Fn(Arc<R>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Option<T>>> + Send + 'static,
{
    let events = Box::pin(events);
    let cache = ctx.data::<Arc<crate::batch::BatchCache>>().ok().cloned();
    let probe = ctx.data_opt::<SeqProbe>().cloned();
    async_graphql::futures_util::stream::unfold(
        (events, false, deliver),
        move |(mut events, ended, deliver)| {
            let (cache, probe) = (cache.clone(), probe.clone());
            async move {
                if ended {
                    return None;
                }
                if let Some(cache) = &cache {
                    cache.clear();
                }
                loop {
                    let out = match events.next().await? {
                        Ok(row) => {
                            if let (Some(probe), Some(seq)) = (&probe, row.seq()) {
                                probe.set(seq);
                            }
                            deliver(row).await
                        }
                        Err(e) => Err(e),
                    };
                    match out {
                        Ok(None) => continue,
                        Ok(Some(payload)) => return Some((Ok(payload), (events, false, deliver))),
                        Err(e) => return Some((Err(e.extend()), (events, true, deliver))),
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::BatchCache;
    use async_graphql::{Context, EmptyMutation, Object, Request, Schema, Subscription};

    struct Query;

    #[Object]
    impl Query {
        async fn ok(&self) -> bool {
            true
        }
    }

    struct Event(u64);

    struct Row(u64);

    impl Sequenced for Row {
        fn seq(&self) -> Option<i64> {
            i64::try_from(self.0).ok()
        }
    }

    #[Object]
    impl Event {
        /// The results the request's batch cache holds while this event resolves.
        async fn cached(&self, ctx: &Context<'_>) -> usize {
            let cache = ctx.data_unchecked::<Arc<BatchCache>>();
            cache.touch(self.0);
            cache.len()
        }
    }

    struct Sub;

    #[Subscription]
    impl Sub {
        async fn events(
            &self,
            ctx: &Context<'_>,
        ) -> impl Stream<Item = async_graphql::Result<Event>> + use<> {
            let rows = async_graphql::futures_util::stream::iter(
                (1..=3u64).map(|n| Ok::<_, crate::error::ApiError>(Arc::new(Row(n)))),
            );
            deliver(ctx, rows, |n: Arc<Row>| async move { Ok(Some(Event(n.0))) })
        }
    }

    #[tokio::test]
    async fn each_event_resolves_with_an_empty_batch_cache() {
        let schema = Schema::new(Query, EmptyMutation, Sub);
        let request = Request::new("subscription { events { cached } }")
            .data(Arc::new(BatchCache::default()));
        let cached: Vec<serde_json::Value> = schema
            .execute_stream(request)
            .map(|r| {
                let data = r.data.into_json().unwrap_or_default();
                data["events"]["cached"].clone()
            })
            .collect()
            .await;
        assert_eq!(
            cached,
            [
                serde_json::json!(1),
                serde_json::json!(1),
                serde_json::json!(1)
            ]
        );
    }
}
