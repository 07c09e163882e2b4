//! Live delivery: one tailer per domain reads each new event from the log once and fans it
//! out in memory; every subscription replays from the log first, then follows the fan-out.
//!
//! - **Wake-ups, not polling.** A write transaction wakes its domain's tailer after it
//!   commits ([`crate::write::Store`]); on PostgreSQL the NOTIFY listener
//!   ([`super::listen`]) wakes it for commits made by other instances. The tailer then
//!   reads everything after the last event it saw, in `seq` order, and broadcasts it.
//! - **Bounded and never blocking.** The fan-out is a bounded broadcast ring: publishing
//!   never waits for a subscriber. A subscriber that falls more than the ring behind is
//!   told so (`Lagged`) and catches up from the log by its own cursor, then rejoins: it is
//!   never skipped ahead.
//! - **No gap, no duplicate at the seam.** A subscription joins the fan-out *before* it
//!   replays, so an event committed during the replay arrives through both; it tracks the
//!   last `seq` it has considered and drops anything at or below it.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use async_graphql::futures_util::Stream;
use sea_orm::{Condition, DatabaseConnection};
use tokio::sync::{Notify, OnceCell, broadcast};

use super::log::{self, Log};
use crate::error::{ApiError, ApiResult};

/// Events buffered in memory per domain for subscribers that are momentarily behind.
const RING: usize = 1024;

/// Events read from the log per statement (tailer and replays).
const PAGE: u64 = 256;

/// Which events of a log a subscription wants: the SQL condition for replays and the same
/// rule in Rust for live events.
pub struct Topic<R> {
    /// Rows of the log the subscription may want (replay): at least every row `matches`
    /// accepts; may be broader.
    pub condition: Condition,
    /// The same rule for an event already read (live).
    pub matches: Arc<dyn Fn(&R) -> bool + Send + Sync>,
}

impl<R> Topic<R> {
    /// Events satisfying both `condition` (SQL) and `matches` (the same rule in Rust).
    pub fn new(condition: Condition, matches: impl Fn(&R) -> bool + Send + Sync + 'static) -> Self {
        Self {
            condition,
            matches: Arc::new(matches),
        }
    }
}

impl Topic<entity::change_log::Model> {
    /// The `change_log` events of `topic` whose kind is one of `kinds`.
    pub fn changes(topic: String, kinds: &'static [&'static str]) -> Self {
        use entity::change_log::Column;
        use sea_orm::ColumnTrait;
        let wanted = topic.clone();
        Self::new(
            Condition::all()
                .add(Column::Topic.eq(topic))
                .add(Column::Kind.is_in(kinds.iter().copied())),
            move |r: &entity::change_log::Model| {
                r.topic == wanted && kinds.contains(&r.kind.as_str())
            },
        )
    }
}

/// A server-wide cap on running subscriptions, shared by every domain's feed.
#[derive(Debug)]
pub struct Slots {
    max: usize,
    running: AtomicUsize,
}

impl Slots {
    /// At most `max` subscriptions at once.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max,
            running: AtomicUsize::new(0),
        })
    }

    /// Subscriptions running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    /// A place for one more subscription, or `TOO_MANY_SUBSCRIPTIONS`.
    pub fn take(self: &Arc<Self>) -> ApiResult<Slot> {
        let taken = self
            .running
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(Slot(Arc::clone(self))),
            Err(_) => Err(ApiError::TooManySubscriptions(format!(
                "the server runs at most {} subscriptions at once; try again later",
                self.max
            ))),
        }
    }
}

/// One running subscription's place; freed when the subscription ends.
#[derive(Debug)]
pub struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One domain's live feed. Cheap to clone.
pub struct Feed<L: Log> {
    inner: Arc<Inner<L>>,
}

impl<L: Log> Clone for Feed<L> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<L: Log> {
    db: DatabaseConnection,
    wake: Arc<Notify>,
    ring: broadcast::Sender<Arc<L::Row>>,
    tailer: OnceCell<()>,
    slots: Arc<Slots>,
    _log: PhantomData<L>,
}

impl<L: Log> Drop for Inner<L> {
    fn drop(&mut self) {
        // Let the tailer see that the feed is gone and end.
        self.wake.notify_one();
    }
}

impl<L: Log> std::fmt::Debug for Feed<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed").field("log", &L::TABLE).finish()
    }
}

impl<L: Log> Feed<L> {
    /// The feed of the log in `db`, counting its subscriptions against `slots`.
    pub fn new(db: DatabaseConnection, slots: Arc<Slots>) -> Self {
        let (ring, _) = broadcast::channel(RING);
        Self {
            inner: Arc::new(Inner {
                db,
                wake: Arc::new(Notify::new()),
                ring,
                tailer: OnceCell::new(),
                slots,
                _log: PhantomData,
            }),
        }
    }

    /// What a writer pokes after committing to this log.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.wake)
    }

    /// Wakes the tailer: the log may have grown.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Events of `topic` after `after`, replayed from the log and then live; from now on
    /// when `after` is `None`. A cursor beyond the log's end is `BAD_USER_INPUT` (on
    /// `field`); one older than the log keeps is `OUTDATED_CURSOR`.
    pub async fn follow(
        &self,
        topic: Topic<L::Row>,
        after: Option<i64>,
        field: &str,
    ) -> ApiResult<impl Stream<Item = ApiResult<Arc<L::Row>>> + Send + 'static + use<L>> {
        let slot = self.inner.slots.take()?;
        self.open(topic, after, field, Some(slot)).await
    }

    /// [`Feed::follow`] for the server's own bookkeeping (e.g. a WebSocket watching the
    /// status of the subscription rows it keeps): not counted against the subscription
    /// cap, since it serves a subscription already counted.
    pub async fn watch(
        &self,
        topic: Topic<L::Row>,
        after: Option<i64>,
    ) -> ApiResult<impl Stream<Item = ApiResult<Arc<L::Row>>> + Send + 'static + use<L>> {
        self.open(topic, after, "after", None).await
    }

    async fn open(
        &self,
        topic: Topic<L::Row>,
        after: Option<i64>,
        field: &str,
        slot: Option<Slot>,
    ) -> ApiResult<impl Stream<Item = ApiResult<Arc<L::Row>>> + Send + 'static + use<L>> {
        self.start_tailer().await?;
        // Join the fan-out before reading the log, so nothing falls between the two.
        let rx = self.inner.ring.subscribe();
        let db = &self.inner.db;
        let head = log::head::<L, _>(db).await?;
        let last = match after {
            None => head,
            Some(c) if c > head => {
                return Err(ApiError::bad_input(
                    field,
                    format!("cursor {c} is ahead of the log, which ends at {head}"),
                ));
            }
            Some(c) if c < 0 => {
                return Err(ApiError::bad_input(field, "a cursor is 0 or more"));
            }
            Some(c) => {
                if let Some(oldest) = log::oldest::<L, _>(db).await?
                    && c + 1 < oldest
                {
                    return Err(ApiError::OutdatedCursor(format!(
                        "cursor {c} is older than the log keeps (it starts at {oldest}); \
                         read the current state and subscribe again"
                    )));
                }
                c
            }
        };
        let tail = Tail::<L> {
            db: db.clone(),
            rx,
            last,
            topic,
            pending: VecDeque::new(),
            replaying: after.is_some(),
            _slot: slot,
        };
        Ok(async_graphql::futures_util::stream::unfold(
            tail,
            |mut tail| async move {
                let item = tail.next().await?;
                Some((item, tail))
            },
        ))
    }

    /// Starts the tailer at the log's current end, once. Every subscription reads its
    /// own starting point after this, so none starts before what the tailer broadcasts.
    async fn start_tailer(&self) -> ApiResult<()> {
        self.inner
            .tailer
            .get_or_try_init(|| async {
                let head = log::head::<L, _>(&self.inner.db).await?;
                let weak = Arc::downgrade(&self.inner);
                let wake = Arc::clone(&self.inner.wake);
                tokio::spawn(tail_log::<L>(weak, wake, head));
                Ok::<(), ApiError>(())
            })
            .await?;
        Ok(())
    }
}

/// The tailer: on every wake-up, reads what follows the last event it broadcast.
async fn tail_log<L: Log>(feed: Weak<Inner<L>>, wake: Arc<Notify>, mut last: i64) {
    loop {
        let Some(inner) = feed.upgrade() else { return };
        match log::read_after::<L, _>(&inner.db, last, Condition::all(), PAGE).await {
            Ok(rows) => {
                let full = rows.len() as u64 == PAGE;
                for row in rows {
                    if let Some(seq) = L::seq(&row) {
                        last = seq;
                    }
                    // No receivers is fine: nobody is listening right now.
                    let _ = inner.ring.send(row);
                }
                if full {
                    continue;
                }
            }
            Err(e) => {
                tracing::warn!(log = L::TABLE, "cannot read the log: {e}");
                drop(inner);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        }
        drop(inner);
        wake.notified().await;
    }
}

/// One subscription's position in a log.
struct Tail<L: Log> {
    db: DatabaseConnection,
    rx: broadcast::Receiver<Arc<L::Row>>,
    /// Every event at or below this has been considered.
    last: i64,
    topic: Topic<L::Row>,
    pending: VecDeque<Arc<L::Row>>,
    /// Reading from the log (start with a cursor, or after falling behind).
    replaying: bool,
    _slot: Option<Slot>,
}

impl<L: Log> Tail<L> {
    async fn next(&mut self) -> Option<ApiResult<Arc<L::Row>>> {
        loop {
            if let Some(row) = self.pending.pop_front() {
                // The SQL condition may be broader than the rule (e.g. JSON fields).
                if (self.topic.matches)(&row) {
                    return Some(Ok(row));
                }
                continue;
            }
            if self.replaying {
                if let Err(e) = self.replay_page().await {
                    return Some(Err(e));
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(row) => {
                    let Some(seq) = L::seq(&row) else { continue };
                    if seq <= self.last {
                        continue;
                    }
                    self.last = seq;
                    if (self.topic.matches)(&row) {
                        return Some(Ok(row));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => self.replaying = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Reads the next page of the log; back to live events once the log is exhausted.
    async fn replay_page(&mut self) -> ApiResult<()> {
        // The head first: every matching event up to it is in the page that follows
        // (unless the page is full), so afterwards everything up to it is considered.
        let head = log::head::<L, _>(&self.db).await?;
        let rows = log::read_after::<L, _>(&self.db, self.last, self.topic.condition.clone(), PAGE)
            .await?;
        let full = rows.len() as u64 == PAGE;
        for row in rows {
            if let Some(seq) = L::seq(&row) {
                self.last = self.last.max(seq);
            }
            self.pending.push_back(row);
        }
        if !full {
            self.last = self.last.max(head);
            self.replaying = false;
        }
        Ok(())
    }
}
