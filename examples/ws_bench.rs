//! Subscription fan-out benchmark: N WebSocket subscribers on one Mosaic instance, one
//! publisher making mutations; prints event-to-client latency (p50/p99/max), events lost,
//! and the server's RSS per connection.
//!
//! Run a release server, then this (see BENCHMARKS.md):
//!
//! ```text
//! ulimit -n 65536
//! target/release/mosaic --data-dir /tmp/bench serve --ws-max-connections 20000 &
//! cargo run --release --example ws_bench -- --subscribers 10000 --events 50 \
//!     --server-pid $(pgrep -n mosaic)
//! ```
//!
//! Every subscriber follows `universeEventLogged(eventType: "entity.created")` over
//! `graphql-transport-ws`; the publisher creates one entity at a time (`--interval-ms`
//! apart). Latency is the client's receive time minus the event's `timestamp` (written by
//! the server just before its commit, on the same machine's clock). An event is lost when
//! a subscriber has not received it within `--drain-secs` after the last write.
//!
//! Identical subscribers share one stream on the server (same document, variables and
//! viewer). `--distinct` gives each subscriber its own operation name, so that the server
//! resolves and serialises every delivery separately (the case of subscribers who all
//! differ, e.g. signed in as different users).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

struct Args {
    url: String,
    subscribers: usize,
    events: usize,
    interval: Duration,
    drain: Duration,
    server_pid: Option<u32>,
    distinct: bool,
}

fn args() -> Args {
    let mut a = Args {
        url: "127.0.0.1:8000".into(),
        subscribers: 1000,
        events: 50,
        interval: Duration::from_millis(100),
        drain: Duration::from_secs(10),
        server_pid: None,
        distinct: false,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    a.distinct = argv.iter().any(|arg| arg == "--distinct");
    let mut it = argv.into_iter().filter(|arg| arg != "--distinct");
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--addr" => a.url = value,
            "--subscribers" => a.subscribers = value.parse().expect("--subscribers N"),
            "--events" => a.events = value.parse().expect("--events N"),
            "--interval-ms" => a.interval = Duration::from_millis(value.parse().expect("ms")),
            "--drain-secs" => a.drain = Duration::from_secs(value.parse().expect("secs")),
            "--server-pid" => a.server_pid = Some(value.parse().expect("--server-pid PID")),
            other => panic!("unknown option {other}"),
        }
    }
    a
}

/// The string value that follows `prefix` (which ends with the value's opening quote).
fn field<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.find(prefix)? + prefix.len();
    let len = text[start..].find('"')?;
    Some(&text[start..start + len])
}

/// The resident set size of `pid`, in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A subscribed socket (acknowledged, and its subscription answered by a first `ping`).
async fn subscriber(addr: &str, n: Option<usize>) -> Socket {
    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    // tungstenite zero-fills its read buffer (128 KiB by default) before every read:
    // with 10,000 sockets that made the load generator, not the server, the bottleneck.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false)
        .await
        .unwrap();
    let send = |v: Value| Message::text(v.to_string());
    ws.send(send(json!({ "type": "connection_init" })))
        .await
        .unwrap();
    loop {
        if let Some(Ok(Message::Text(t))) = ws.next().await
            && t.contains("connection_ack")
        {
            break;
        }
    }
    ws.send(send(json!({ "id": "1", "type": "subscribe", "payload": {
        "query": format!(
            "subscription {} {{ universeEventLogged(eventType: \"entity.created\") {{ timestamp data }} }}",
            n.map(|n| format!("S{n}")).unwrap_or_default()
        )
    } })))
    .await
    .unwrap();
    ws
}

#[tokio::main]
async fn main() {
    let a = args();
    let client = reqwest::Client::new();
    let graphql = format!("http://{}/graphql", a.url);
    let before = a.server_pid.and_then(rss_kib);

    // Subscribers, 200 connecting at a time.
    let started = Instant::now();
    let mut sockets = Vec::with_capacity(a.subscribers);
    for chunk in (0..a.subscribers).collect::<Vec<_>>().chunks(200) {
        let batch = futures::future::join_all(
            chunk
                .iter()
                .map(|n| subscriber(&a.url, a.distinct.then_some(*n))),
        )
        .await;
        sockets.extend(batch);
    }
    println!(
        "{} subscribers connected in {:.1} s",
        sockets.len(),
        started.elapsed().as_secs_f64()
    );
    // Let every subscription start before the first write.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = a.server_pid.and_then(rss_kib);

    let latencies = Arc::new(Mutex::new(Vec::with_capacity(a.subscribers * a.events)));
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut readers = Vec::new();
    for mut ws in sockets {
        let (latencies, received) = (Arc::clone(&latencies), Arc::clone(&received));
        readers.push(tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                let Message::Text(t) = m else { continue };
                let now = Utc::now();
                // The load generator must not be the bottleneck: read the one field it
                // needs without parsing the whole message.
                let t = t.as_str();
                if !t.starts_with(r#"{"type":"next""#) {
                    continue;
                }
                let Some(at) =
                    field(t, r#""timestamp":""#).and_then(|s| s.parse::<DateTime<Utc>>().ok())
                else {
                    continue;
                };
                if let Ok(mut l) = latencies.lock() {
                    l.push((now - at).num_microseconds().unwrap_or_default());
                }
                received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }

    // The publisher: a session, then one entity at a time.
    let session: Value = client
        .post(&graphql)
        .json(
            &json!({ "query": "mutation { universeConnect(clientInfo: \"ws_bench\") { token } }" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["data"]["universeConnect"]["token"]
        .as_str()
        .expect("a session token")
        .to_owned();
    for n in 0..a.events {
        let res: Value = client
            .post(&graphql)
            .bearer_auth(&token)
            .json(&json!({ "query": format!(
                "mutation {{ universeCreateEntity(input: {{ entityType: \"bench\", id: \"bench-{}-{n}\" }}) {{ entity {{ id }} }} }}",
                std::process::id()
            ) }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(res.get("errors").is_none(), "{res}");
        tokio::time::sleep(a.interval).await;
    }
    let expected = a.subscribers * a.events;
    let deadline = Instant::now() + a.drain;
    while received.load(std::sync::atomic::Ordering::Relaxed) < expected
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = received.load(std::sync::atomic::Ordering::Relaxed);
    for r in &readers {
        r.abort();
    }
    for r in readers {
        let _ = r.await;
    }
    let mut l = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    l.sort_unstable();
    let pct = |p: f64| -> f64 {
        if l.is_empty() {
            return f64::NAN;
        }
        let i = ((l.len() as f64 - 1.0) * p).round() as usize;
        l[i] as f64 / 1000.0
    };
    println!(
        "events {} x subscribers {} = {expected} expected, {got} delivered, {} lost",
        a.events,
        a.subscribers,
        expected.saturating_sub(got)
    );
    println!(
        "event-to-client latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    if let (Some(b), Some(a2)) = (before, after) {
        println!(
            "server RSS: {:.1} MiB before, {:.1} MiB with the subscribers: {:.1} KiB per connection",
            b as f64 / 1024.0,
            a2 as f64 / 1024.0,
            (a2.saturating_sub(b)) as f64 / a.subscribers.max(1) as f64
        );
    }
}
