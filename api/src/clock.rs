//! The time, passed in rather than read from a global: the server runs on the system
//! clock, and a test may hold a manual clock it sets and moves, so that what depends on
//! time (token expiry, time-ordered ids) is tested without sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Where the current time comes from, and the time-ordered ids handed out from it.
/// Cloning shares the clock (and its id sequence).
#[derive(Clone, Debug, Default)]
pub struct Clock(Source, Arc<Mutex<(u64, u16)>>);

#[derive(Clone, Debug, Default)]
enum Source {
    /// The system clock.
    #[default]
    System,
    /// A time that changes only when told to.
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Source::System, Arc::default())
    }

    /// A clock that reads `start` until it is moved ([`Clock::set`], [`Clock::advance`]).
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Source::Manual(Arc::new(Mutex::new(start))), Arc::default())
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => Utc::now(),
            Source::Manual(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// The current time at the precision both backends store (microseconds), so a row
    /// returned by a write equals the row read back later.
    pub fn now_stored(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        self.now().trunc_subsecs(6)
    }

    /// A new time-ordered id: a UUID in the version 7 layout (48-bit milliseconds, then a
    /// 12-bit counter, then random bits). Every id of this clock (and its clones) sorts
    /// after the previous one, even within one millisecond or if the time goes back.
    pub fn ordered_id(&self) -> String {
        let wall = u64::try_from(self.now().timestamp_millis()).unwrap_or_default();
        let (millis, counter) = {
            let mut last = self.1.lock().unwrap_or_else(|p| p.into_inner());
            let (at, count) = *last;
            *last = if wall > at {
                (wall, 0)
            } else if count < 0x0FFF {
                (at, count + 1)
            } else {
                (at + 1, 0)
            };
            *last
        };
        let mut bytes = [0u8; 10];
        bytes[..2].copy_from_slice(&counter.to_be_bytes());
        // The random tail only separates processes; a failing OS RNG leaves it zero, and
        // the counter still keeps this clock's ids unique.
        let _ = getrandom::fill(&mut bytes[2..]);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes)
            .into_uuid()
            .to_string()
    }

    /// Sets a manual clock to `at` (the system clock cannot be set: no effect).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Manual(t) = &self.0 {
            *t.lock().unwrap_or_else(|p| p.into_inner()) = at;
        }
    }

    /// Moves a manual clock forward by `by` (no effect on the system clock).
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(t) = &self.0 {
            let mut t = t.lock().unwrap_or_else(|p| p.into_inner());
            *t += chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_is_shared_by_its_clones() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = Clock::manual(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), start + chrono::Duration::seconds(90));
        clock.set(start);
        assert_eq!(shared.now(), start);
        let system = Clock::system();
        system.set(start);
        assert!(system.now() > start, "the system clock cannot be set");
    }

    #[test]
    fn ordered_ids_increase_even_when_the_time_stands_still() {
        let clock = Clock::manual(DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default());
        let ids: Vec<String> = (0..10_000).map(|_| clock.ordered_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(clock.now_stored().timestamp_subsec_nanos() % 1000, 0);
    }
}
