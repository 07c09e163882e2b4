//! Counts and timings of SQL statements, by domain.

use std::sync::atomic::{AtomicU64, Ordering};

use entity::Domain;

/// Counts of SQL statements executed, per domain, since the pools were opened. Tests and
/// `/metrics` read them to make batching observable from outside.
#[derive(Debug, Default)]
pub struct SqlMetrics {
    statements: [AtomicU64; 5],
    failed: [AtomicU64; 5],
    latency: [crate::metrics::Histogram; 5],
    /// While true, the text of every statement is kept in `log` (tests read it).
    logging: std::sync::atomic::AtomicBool,
    log: std::sync::Mutex<Vec<String>>,
}

impl SqlMetrics {
    /// Statements executed on `domain`'s pool (failed ones included).
    pub fn statements(&self, domain: Domain) -> u64 {
        self.statements[domain.index()].load(Ordering::Relaxed)
    }

    /// Statements on `domain`'s pool that returned an error.
    pub fn failed(&self, domain: Domain) -> u64 {
        self.failed[domain.index()].load(Ordering::Relaxed)
    }

    /// How long `domain`'s statements took.
    pub fn latency(&self, domain: Domain) -> &crate::metrics::Histogram {
        &self.latency[domain.index()]
    }

    /// Statements executed on every pool together.
    pub fn total(&self) -> u64 {
        Domain::ALL.into_iter().map(|d| self.statements(d)).sum()
    }

    /// Starts keeping the SQL text of every statement (for tests: what a request reads).
    pub fn start_log(&self) {
        if let Ok(mut log) = self.log.lock() {
            log.clear();
        }
        self.logging.store(true, Ordering::SeqCst);
    }

    /// Stops keeping statements and returns those kept since [`SqlMetrics::start_log`].
    pub fn take_log(&self) -> Vec<String> {
        self.logging.store(false, Ordering::SeqCst);
        self.log
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }

    pub(super) fn record(&self, domain: Domain, info: &sea_orm::metric::Info<'_>) {
        self.statements[domain.index()].fetch_add(1, Ordering::Relaxed);
        self.latency[domain.index()].observe(info.elapsed);
        if info.failed {
            self.failed[domain.index()].fetch_add(1, Ordering::Relaxed);
        }
        if self.logging.load(Ordering::Relaxed)
            && let Ok(mut log) = self.log.lock()
        {
            log.push(info.statement.sql.clone());
        }
    }
}
