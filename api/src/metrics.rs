//! Prometheus metrics, counted where the work happens — the request pipeline, the HTTP
//! and WebSocket layers, the database layer ([`crate::db::SqlMetrics`]) — never in an
//! async-graphql extension (any extension moves every field onto async-graphql's slower
//! instrumented path). `/metrics` writes them in Prometheus' text format
//! ([`render`]); the format is small enough to write by hand.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_graphql::Response;
use async_graphql::parser::types::OperationType;
use entity::Domain;

use crate::db::Databases;
use crate::pipeline::code_of;

/// Upper bounds (seconds) of the latency histograms' buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// A latency histogram with Prometheus' cumulative buckets, lock-free.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// The sum of observations, in microseconds.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes the histogram's series `name{labels,le=...}`, `_sum` and `_count`.
    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
    }
}

/// The operation types requests are counted by; `none` is a request refused before its
/// operation was known (it did not parse, or was not allowed).
const OPERATIONS: [&str; 4] = ["query", "mutation", "subscription", "none"];

fn operation_index(kind: Option<OperationType>) -> usize {
    match kind {
        Some(OperationType::Query) => 0,
        Some(OperationType::Mutation) => 1,
        Some(OperationType::Subscription) => 2,
        None => 3,
    }
}

/// Requests and errors of one server. Shared (behind an `Arc`) by the pipeline and the
/// transports.
#[derive(Debug, Default)]
pub struct Metrics {
    /// GraphQL operations run over HTTP, and their latency, by operation type.
    latency: [Histogram; OPERATIONS.len()],
    /// Operations started over WebSockets, by operation type.
    ws_operations: [AtomicU64; OPERATIONS.len()],
    /// Errors sent to clients, by `extensions.code`.
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    /// One HTTP operation of type `kind` answered `response` after `elapsed`.
    pub fn observe(&self, kind: Option<OperationType>, elapsed: Duration, response: &Response) {
        self.latency[operation_index(kind)].observe(elapsed);
        self.errors_of(response);
    }

    /// One WebSocket operation of type `kind` started (`None`: refused before it did,
    /// with `response`).
    pub fn ws_operation(&self, kind: Option<OperationType>, refusal: Option<&Response>) {
        self.ws_operations[operation_index(kind)].fetch_add(1, Ordering::Relaxed);
        if let Some(refusal) = refusal {
            self.errors_of(refusal);
        }
    }

    /// Counts the errors of `response` by code.
    pub fn errors_of(&self, response: &Response) {
        if response.errors.is_empty() {
            return;
        }
        if let Ok(mut errors) = self.errors.lock() {
            for e in &response.errors {
                let code = code_of(e).unwrap_or("NONE");
                match errors.get_mut(code) {
                    Some(n) => *n += 1,
                    None => {
                        errors.insert(code.to_owned(), 1);
                    }
                }
            }
        }
    }

    /// HTTP operations of type `kind` so far.
    pub fn requests(&self, kind: Option<OperationType>) -> u64 {
        self.latency[operation_index(kind)].count()
    }
}

/// What `/metrics` reports besides [`Metrics`] and the databases' own counters.
#[derive(Clone, Copy, Debug)]
pub struct Gauges {
    /// WebSocket connections open now.
    pub open_websockets: usize,
}

/// Writes a metric family's `# HELP` and `# TYPE` lines.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Writes a counter or gauge family: `name{labels} value` per sample (`name value` for
/// empty labels).
fn family(
    out: &mut String,
    (name, kind, help): (&str, &str, &str),
    samples: impl IntoIterator<Item = (String, u64)>,
) {
    header(out, name, kind, help);
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

/// `(label set, value)` per operation type.
fn per_operation(value: impl Fn(usize) -> u64) -> impl Iterator<Item = (String, u64)> {
    OPERATIONS
        .iter()
        .enumerate()
        .map(move |(i, op)| (format!("operation=\"{op}\""), value(i)))
}

/// `(label set, value)` per domain.
fn per_domain(value: impl Fn(Domain) -> u64) -> impl Iterator<Item = (String, u64)> {
    Domain::ALL
        .into_iter()
        .map(move |d| (format!("domain=\"{d}\""), value(d)))
}

/// The Prometheus text exposition (format 0.0.4) of everything Mosaic measures.
pub fn render(metrics: &Metrics, databases: &Databases, gauges: Gauges) -> String {
    let mut out = String::with_capacity(8192);
    family(
        &mut out,
        (
            "mosaic_graphql_requests_total",
            "counter",
            "GraphQL operations over HTTP, by operation type (none: refused before it was known).",
        ),
        per_operation(|i| metrics.latency[i].count()),
    );
    let name = "mosaic_graphql_request_duration_seconds";
    header(
        &mut out,
        name,
        "histogram",
        "Time to answer a GraphQL operation over HTTP, by operation type.",
    );
    for (i, op) in OPERATIONS.iter().enumerate() {
        metrics.latency[i].write(&mut out, name, &format!("operation=\"{op}\""));
    }
    family(
        &mut out,
        (
            "mosaic_websocket_operations_total",
            "counter",
            "GraphQL operations started over WebSockets, by operation type.",
        ),
        per_operation(|i| metrics.ws_operations[i].load(Ordering::Relaxed)),
    );
    let errors: Vec<(String, u64)> = metrics
        .errors
        .lock()
        .map(|errors| {
            errors
                .iter()
                .map(|(code, n)| {
                    let code = code.replace(['\\', '"', '\n'], "_");
                    (format!("code=\"{code}\""), *n)
                })
                .collect()
        })
        .unwrap_or_default();
    family(
        &mut out,
        (
            "mosaic_graphql_errors_total",
            "counter",
            "Errors sent to clients, by extensions.code.",
        ),
        errors,
    );

    let sql = databases.metrics();
    family(
        &mut out,
        (
            "mosaic_sql_statements_total",
            "counter",
            "SQL statements executed, per domain.",
        ),
        per_domain(|d| sql.statements(d)),
    );
    family(
        &mut out,
        (
            "mosaic_sql_statement_errors_total",
            "counter",
            "SQL statements that failed, per domain.",
        ),
        per_domain(|d| sql.failed(d)),
    );
    let name = "mosaic_sql_statement_duration_seconds";
    header(
        &mut out,
        name,
        "histogram",
        "Time a SQL statement took, per domain.",
    );
    for d in Domain::ALL {
        sql.latency(d)
            .write(&mut out, name, &format!("domain=\"{d}\""));
    }
    let pools = Domain::ALL.into_iter().flat_map(|d| {
        let (in_use, idle) = databases.pool_usage(d);
        [
            (
                format!("domain=\"{d}\",state=\"in_use\""),
                u64::from(in_use),
            ),
            (
                format!("domain=\"{d}\",state=\"idle\""),
                u64::try_from(idle).unwrap_or(u64::MAX),
            ),
        ]
    });
    family(
        &mut out,
        (
            "mosaic_db_pool_connections",
            "gauge",
            "Connections of each domain's pool, in use or idle.",
        ),
        pools,
    );
    family(
        &mut out,
        (
            "mosaic_websockets_open",
            "gauge",
            "WebSocket connections open now.",
        ),
        [(String::new(), gauges.open_websockets as u64)],
    );
    family(
        &mut out,
        (
            "mosaic_subscriptions_running",
            "gauge",
            "GraphQL subscriptions running now, over every connection.",
        ),
        [(String::new(), databases.feeds().running() as u64)],
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        h.write(&mut out, "x", "a=\"b\"");
        assert!(out.contains("x_bucket{a=\"b\",le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"10\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{a=\"b\",le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("x_count{a=\"b\"} 3\n"), "{out}");
    }
}
