//! The time, passed in rather than read from a global: the server runs on the system
//! clock, and a test may hold a manual clock it sets and moves, so that what depends on
//! time (token expiry, time-ordered ids) is tested without sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Where the current time comes from. Cloning shares the clock.
#[derive(Clone, Debug, Default)]
pub struct Clock(Source);

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
        Self(Source::System)
    }

    /// A clock that reads `start` until it is moved ([`Clock::set`], [`Clock::advance`]).
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Source::Manual(Arc::new(Mutex::new(start))))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => Utc::now(),
            Source::Manual(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
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
}
