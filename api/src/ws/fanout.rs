//! Shared subscriptions: subscribers that run the same document with the same variables as
//! the same viewer, without a cursor, receive the same results — so the server runs that
//! subscription once and sends each result, serialised once, to all of them.
//!
//! - **Who shares.** The key is the document, the variables, the operation name and the
//!   viewer; a subscription with a cursor argument (`after`, `cursor`) replays its own
//!   history and is never shared, nor is one the handler keeps track of
//!   ([`super::Handler::share`]).
//! - **Joining.** A subscriber joining a running hub receives every result the hub
//!   produces from then on, i.e. every event committed after it subscribed.
//! - **Falling behind.** Each subscriber has a bounded queue; the hub never waits for one.
//!   A subscriber whose queue is full is detached with the cursor (log sequence number)
//!   of the last result it was given, and continues on a stream of its own resuming
//!   after that cursor ([`crate::events::ResumeAfter`]): it catches up from the log and
//!   is never skipped ahead.
//! - **Ending.** The hub's stream ending (or being refused) ends every subscriber with
//!   it; the last subscriber leaving stops the hub.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use async_graphql::Response;
use async_graphql::futures_util::StreamExt;
use async_graphql::futures_util::stream::BoxStream;
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::auth::Viewer;
use crate::events::SeqProbe;
use crate::pipeline::with_codes_in;

/// Results queued for one subscriber of a hub before it is detached.
const QUEUE: usize = 256;

/// What makes two subscriptions the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    query: String,
    variables: String,
    operation_name: Option<String>,
    viewer: Viewer,
}

impl Key {
    /// The key of a subscription; `variables` as JSON text.
    pub fn new(
        query: String,
        variables: String,
        operation_name: Option<String>,
        viewer: Viewer,
    ) -> Self {
        Self {
            query,
            variables,
            operation_name,
            viewer,
        }
    }
}

/// What a hub sends its subscribers.
#[derive(Clone, Debug)]
pub enum Shared {
    /// One result: the `Response` as JSON.
    Next(Arc<str>),
    /// The subscription was refused before it ran: the errors as a JSON array.
    Refused(Arc<str>),
    /// The subscription's stream ended.
    End,
}

/// The running shared subscriptions of a server. Cheap to clone.
#[derive(Clone, Default)]
pub struct Fanout {
    hubs: Arc<Mutex<HashMap<Key, Weak<Hub>>>>,
}

impl Fanout {
    /// Joins the hub of `key`, starting it with `start` (given the probe its results'
    /// cursors are read from) when none runs.
    pub fn join(
        &self,
        key: Key,
        start: impl FnOnce(SeqProbe) -> BoxStream<'static, Response>,
    ) -> Member {
        let (tx, rx) = mpsc::channel(QUEUE);
        let detached = Arc::new(Mutex::new(None));
        let seat = Seat {
            tx,
            cursor: None,
            detached: Arc::clone(&detached),
        };
        // Upgraded outside the map's lock: dropping the last reference to a hub takes it.
        let running = lock(&self.hubs).get(&key).and_then(Weak::upgrade);
        let seat = match running {
            Some(hub) => match hub.seat(seat) {
                Ok(()) => return Member { hub, rx, detached },
                Err(seat) => seat,
            },
            None => seat,
        };
        let probe = SeqProbe::new();
        let hub = Arc::new(Hub {
            key: key.clone(),
            hubs: Arc::downgrade(&self.hubs),
            members: Mutex::new(Seats {
                seats: vec![seat],
                over: false,
            }),
            cursor: Mutex::new(None),
            task: OnceLock::new(),
        });
        lock(&self.hubs).insert(key, Arc::downgrade(&hub));
        let stream = start(probe.clone());
        let query: Arc<str> = Arc::from(hub.key.query.as_str());
        let task = tokio::spawn(run(Arc::downgrade(&hub), stream, probe, query));
        let _ = hub.task.set(task.abort_handle());
        Member { hub, rx, detached }
    }

    /// Hubs running now.
    pub fn hubs(&self) -> usize {
        lock(&self.hubs).len()
    }
}

/// One subscriber's place in a hub.
struct Seat {
    tx: mpsc::Sender<Shared>,
    /// The cursor of the last result queued for it.
    cursor: Option<i64>,
    /// Set when it is detached: the cursor to resume after.
    detached: Arc<Mutex<Option<Option<i64>>>>,
}

/// A hub's subscribers.
struct Seats {
    seats: Vec<Seat>,
    /// The subscription is over: nobody joins any more.
    over: bool,
}

/// One shared subscription.
struct Hub {
    key: Key,
    hubs: Weak<Mutex<HashMap<Key, Weak<Hub>>>>,
    members: Mutex<Seats>,
    /// The cursor of the last result sent.
    cursor: Mutex<Option<i64>>,
    task: OnceLock<tokio::task::AbortHandle>,
}

impl Hub {
    /// Seats a new subscriber, unless the subscription is over.
    fn seat(&self, mut seat: Seat) -> Result<(), Seat> {
        let mut members = lock(&self.members);
        if members.over {
            return Err(seat);
        }
        seat.cursor = *lock(&self.cursor);
        members.seats.push(seat);
        Ok(())
    }

    /// Queues `item` for every subscriber; detaches those whose queue is full and drops
    /// those that left.
    fn publish(&self, item: &Shared, cursor: Option<i64>, last: bool) {
        let mut members = lock(&self.members);
        if cursor.is_some() {
            *lock(&self.cursor) = cursor;
        }
        members.over |= last;
        members
            .seats
            .retain_mut(|seat| match seat.tx.try_send(item.clone()) {
                Ok(()) => {
                    if cursor.is_some() {
                        seat.cursor = cursor;
                    }
                    true
                }
                Err(TrySendError::Closed(_)) => false,
                Err(TrySendError::Full(_)) => {
                    *lock(&seat.detached) = Some(seat.cursor);
                    false
                }
            });
        if last {
            members.seats.clear();
        }
    }

    /// Forgets this hub in the server's map (if the map still points at no live hub).
    fn unlist(&self) {
        if let Some(hubs) = self.hubs.upgrade() {
            let mut hubs = lock(&hubs);
            if hubs.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
                hubs.remove(&self.key);
            }
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(task) = self.task.get() {
            task.abort();
        }
        self.unlist();
    }
}

/// Runs a hub's stream, serialising each result once.
async fn run(
    hub: Weak<Hub>,
    mut stream: BoxStream<'static, Response>,
    probe: SeqProbe,
    query: Arc<str>,
) {
    let mut first = true;
    while let Some(response) = stream.next().await {
        let response = with_codes_in(response, &query);
        let refusal = first && super::operation::is_refusal(&response);
        first = false;
        let item = if refusal {
            Shared::Refused(json(&response.errors))
        } else {
            Shared::Next(json(&response))
        };
        let Some(hub) = hub.upgrade() else {
            return;
        };
        hub.publish(&item, probe.get(), refusal);
        if refusal {
            return;
        }
    }
    if let Some(hub) = hub.upgrade() {
        // Nobody joins a finished hub: the next subscriber starts a new one.
        hub.publish(&Shared::End, None, true);
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Arc<str> {
    match serde_json::to_string(value) {
        Ok(text) => text.into(),
        Err(e) => {
            let masked = crate::error::ApiError::internal(e);
            let errors = super::operation::internal_errors(&masked);
            serde_json::to_string(&serde_json::json!({ "data": null, "errors": errors }))
                .unwrap_or_default()
                .into()
        }
    }
}

/// One subscriber of a hub: what it receives, and where to resume if it is detached.
pub struct Member {
    hub: Arc<Hub>,
    rx: mpsc::Receiver<Shared>,
    detached: Arc<Mutex<Option<Option<i64>>>>,
}

/// What a member receives next.
pub enum Received {
    /// A result, an end, or a refusal.
    Item(Shared),
    /// It fell behind: resume after this cursor (`None`: it had none yet).
    Detached(Option<i64>),
    /// The hub stopped without a word (aborted).
    Gone,
}

impl Member {
    /// The next thing to do.
    pub async fn recv(&mut self) -> Received {
        match self.rx.recv().await {
            Some(item) => Received::Item(item),
            None => match *lock(&self.detached) {
                Some(cursor) => Received::Detached(cursor),
                None => Received::Gone,
            },
        }
    }

    /// The document of the subscription.
    pub fn query(&self) -> Arc<str> {
        Arc::from(self.hub.key.query.as_str())
    }

    /// Subscribers of this member's hub, itself included.
    pub fn sharers(&self) -> usize {
        lock(&self.hub.members).seats.len()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Value;
    use entity::Domain;
    use tokio::sync::mpsc::UnboundedSender;

    fn key(query: &str, viewer: Viewer) -> Key {
        Key::new(query.into(), "{}".into(), None, viewer)
    }

    /// A hub stream fed by hand: each `(seq, n)` sent is delivered as `{"n": n}` with
    /// its cursor set on the probe first, as `crate::events::deliver` does.
    fn source(probe: SeqProbe) -> (UnboundedSender<(i64, i64)>, BoxStream<'static, Response>) {
        let (tx, rx) = mpsc::unbounded_channel::<(i64, i64)>();
        let stream = async_graphql::futures_util::stream::unfold(rx, move |mut rx| {
            let probe = probe.clone();
            async move {
                let (seq, n) = rx.recv().await?;
                probe.0.store(seq, std::sync::atomic::Ordering::Release);
                let data = Value::from_json(serde_json::json!({ "n": n })).unwrap_or_default();
                Some((Response::new(data), rx))
            }
        });
        (tx, stream.boxed())
    }

    async fn next(member: &mut Member) -> serde_json::Value {
        match member.recv().await {
            Received::Item(Shared::Next(json)) => serde_json::from_str(&json).unwrap(),
            other => panic!("expected a result, got {}", describe(&other)),
        }
    }

    fn describe(r: &Received) -> String {
        match r {
            Received::Item(Shared::Next(j)) => format!("next {j}"),
            Received::Item(Shared::Refused(j)) => format!("refused {j}"),
            Received::Item(Shared::End) => "end".into(),
            Received::Detached(c) => format!("detached at {c:?}"),
            Received::Gone => "gone".into(),
        }
    }

    #[tokio::test]
    async fn identical_subscribers_share_one_stream_and_others_do_not() {
        let fanout = Fanout::default();
        let mut feed = None;
        let mut a = fanout.join(key("s", Viewer::anonymous()), |probe| {
            let (tx, stream) = source(probe);
            feed = Some(tx);
            stream
        });
        let mut b = fanout.join(key("s", Viewer::anonymous()), |_| panic!("a second stream"));
        assert_eq!((a.sharers(), fanout.hubs()), (2, 1));
        // Another viewer, or another document, runs its own stream.
        let signed_in = Viewer {
            principal: Some((Domain::Bellamy, "u1".into())),
            api_key_project: None,
            inactive: None,
        };
        let mut started = 0;
        let _c = fanout.join(key("s", signed_in), |probe| {
            started += 1;
            source(probe).1
        });
        let _d = fanout.join(key("t", Viewer::anonymous()), |probe| {
            started += 1;
            source(probe).1
        });
        assert_eq!((started, fanout.hubs()), (2, 3));

        let feed = feed.unwrap();
        feed.send((7, 1)).unwrap();
        assert_eq!(next(&mut a).await["data"], serde_json::json!({ "n": 1 }));
        assert_eq!(next(&mut b).await["data"], serde_json::json!({ "n": 1 }));
        // The stream ends: both complete, and the next subscriber starts a new stream.
        drop(feed);
        assert!(matches!(a.recv().await, Received::Item(Shared::End)));
        assert!(matches!(b.recv().await, Received::Item(Shared::End)));
        let mut restarted = false;
        let _e = fanout.join(key("s", Viewer::anonymous()), |probe| {
            restarted = true;
            source(probe).1
        });
        assert!(restarted);
        // The last subscriber leaving stops a hub and forgets it.
        drop((a, b, _c, _d, _e));
        assert_eq!(fanout.hubs(), 0);
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_detached_at_its_last_cursor() {
        let fanout = Fanout::default();
        let mut feed = None;
        let mut reader = fanout.join(key("s", Viewer::anonymous()), |probe| {
            let (tx, stream) = source(probe);
            feed = Some(tx);
            stream
        });
        let mut sleeper = fanout.join(key("s", Viewer::anonymous()), |_| unreachable!());
        let feed = feed.unwrap();
        let total = QUEUE as i64 + 10;
        for n in 1..=total {
            feed.send((100 + n, n)).unwrap();
            // The reader keeps up; the hub never waits for the sleeper.
            assert_eq!(next(&mut reader).await["data"]["n"], n);
        }
        // The sleeper got exactly a queue's worth, in order, then is told where to resume.
        for n in 1..=QUEUE as i64 {
            assert_eq!(next(&mut sleeper).await["data"]["n"], n);
        }
        match sleeper.recv().await {
            Received::Detached(cursor) => assert_eq!(cursor, Some(100 + QUEUE as i64)),
            other => panic!("expected a detach, got {}", describe(&other)),
        }
        assert_eq!(reader.sharers(), 1);
    }
}
