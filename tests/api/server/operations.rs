//! What an operator sees: `/readyz` (migrations applied, every domain reachable),
//! Prometheus `/metrics`, and graceful shutdown of the binary with a request in flight.
//! (`/readyz` during a database outage is in `outage.rs`; request ids and JSON logs in
//! `cli.rs`.)

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb};
use crate::ws_client::{Protocol, WsClient};

async fn readyz(app: &TestApp) -> (u16, Value) {
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn readyz_waits_for_every_domains_migrations() {
    let app = TestApp::spawn_on(
        TestDb::empty().await,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
    )
    .await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unready");
    for domain in entity::Domain::ALL {
        let state = body["domains"][domain.name()].as_str().unwrap();
        assert!(state.ends_with("migrations pending"), "{domain}: {state}");
    }
    // Alive all the same: liveness is not readiness.
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    app.db.dbs.migrate_up().await.unwrap();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["domains"]["pds"], "ready");
}

/// The value of the series `name` (with its labels, as written) in a scrape.
fn sample(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in:\n{scrape}"))
        .parse()
        .unwrap()
}

async fn scrape(app: &TestApp) -> String {
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    res.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_errors_sql_pools_websockets_and_subscriptions() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        let res = app.graphql("{ apiVersion }", json!({})).await;
        assert!(res["errors"].is_null(), "{res}");
    }
    let res = app
        .graphql("mutation { universeConnect { identity } }", json!({}))
        .await;
    assert!(res["errors"].is_null(), "{res}");
    // A query that does not validate is still a query; one that does not parse has no
    // operation type.
    for bad in ["{ noSuchField }", "{ apiVersion"] {
        let res = app.graphql(bad, json!({})).await;
        assert_eq!(
            res["errors"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
    let res = app
        .graphql(
            "{ bellamyPosts(first: 1) { nodes { id } } orquestraProject(id: \"x\") { id } }",
            json!({}),
        )
        .await;
    assert!(res["errors"].is_null(), "{res}");

    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe(
        "1",
        "subscription { universeEventLogged(after: \"0\") { eventType } }",
        json!({}),
    )
    .await;
    // The subscription is running once its first (replayed) event arrives.
    let first = ws.data("1").await;
    assert_eq!(
        first["universeEventLogged"]["eventType"],
        "client.connected"
    );

    let m = scrape(&app).await;
    assert_eq!(
        sample(&m, "mosaic_graphql_requests_total{operation=\"query\"}"),
        5.0
    );
    assert_eq!(
        sample(&m, "mosaic_graphql_requests_total{operation=\"mutation\"}"),
        1.0
    );
    assert_eq!(
        sample(&m, "mosaic_graphql_requests_total{operation=\"none\"}"),
        1.0
    );
    assert_eq!(
        sample(
            &m,
            "mosaic_graphql_request_duration_seconds_count{operation=\"query\"}"
        ),
        5.0
    );
    assert_eq!(
        sample(
            &m,
            "mosaic_graphql_request_duration_seconds_bucket{operation=\"query\",le=\"+Inf\"}"
        ),
        5.0
    );
    assert_eq!(
        sample(
            &m,
            "mosaic_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(
            &m,
            "mosaic_websocket_operations_total{operation=\"subscription\"}"
        ),
        1.0
    );
    assert_eq!(sample(&m, "mosaic_websockets_open"), 1.0);
    assert_eq!(sample(&m, "mosaic_subscriptions_running"), 1.0);
    let statements = sample(&m, "mosaic_sql_statements_total{domain=\"bellamy\"}");
    assert!(statements >= 1.0, "{m}");
    assert_eq!(
        sample(
            &m,
            "mosaic_sql_statement_duration_seconds_count{domain=\"bellamy\"}"
        ),
        statements
    );
    let in_use = sample(
        &m,
        "mosaic_db_pool_connections{domain=\"universe\",state=\"in_use\"}",
    );
    let idle = sample(
        &m,
        "mosaic_db_pool_connections{domain=\"universe\",state=\"idle\"}",
    );
    assert!(in_use + idle >= 1.0, "{m}");

    ws.close().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let m = scrape(&app).await;
        if sample(&m, "mosaic_websockets_open") == 0.0
            && sample(&m, "mosaic_subscriptions_running") == 0.0
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{m}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// SIGTERM with a request in flight (its body half sent): the request still gets its
/// answer, the process exits 0, and the pools are closed (SQLite checkpoints and removes
/// each write-ahead log when its last connection closes).
#[tokio::test]
async fn the_binary_finishes_a_request_in_flight_and_closes_its_pools_on_sigterm() {
    let mut served = crate::helpers::Served::start(&["--shutdown-grace", "20"]);
    let body = br#"{"query":"{ bellamyPosts(first: 2) { nodes { content } } }"}"#;
    let mut stream = std::net::TcpStream::connect(&served.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        served.addr,
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        served.child.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );
    stream.write_all(&body[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let json: Value = serde_json::from_str(json).unwrap();
    assert!(json["errors"].is_null(), "{json}");
    assert_eq!(
        json["data"]["bellamyPosts"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let status = served
        .exited_within(Duration::from_secs(10))
        .expect("exits once the request is answered");
    assert!(status.success(), "{status}");
    let log = served.log.lock().unwrap().join("\n");
    assert!(log.contains("Mosaic stopped"), "{log}");
    for domain in entity::Domain::ALL {
        let db = served.dir.join(format!("{}.db", domain.name()));
        assert!(db.exists());
        let wal = served.dir.join(format!("{}.db-wal", domain.name()));
        assert!(!wal.exists(), "{} left open", wal.display());
    }
}
