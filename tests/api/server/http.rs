//! Hostile and malformed HTTP requests: each gets a clear error with a stable code, runs
//! no SQL, and the server keeps serving.

use std::io::Write;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, code};

async fn still_serving(app: &TestApp) {
    let res = app.graphql("{ apiVersion }", json!({})).await;
    assert_eq!(
        res["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION"),
        "{res}"
    );
}

async fn post_raw(app: &TestApp, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn queries_run_over_get_but_mutations_do_not() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/graphql?query=%7B%20apiVersion%20%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));

    let before = app.db.dbs.metrics().total();
    let res = app
        .client
        .get(app.url("/graphql?query=mutation%20%7B%20anything%20%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "POST");
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "METHOD_NOT_ALLOWED");
    assert_eq!(app.db.dbs.metrics().total(), before);
    still_serving(&app).await;
}

#[tokio::test]
async fn post_needs_json_unless_a_csrf_safe_header_is_present() {
    let app = TestApp::spawn().await;
    let body = br#"{"query":"{ apiVersion }"}"#.to_vec();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let (status, res) = post_raw(&app, ct, body.clone()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        assert_eq!(code(&res), "BAD_REQUEST");
    }
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .header("x-mosaic-csrf", "1")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, res) = post_raw(&app, "application/json; charset=utf-8", body).await;
    assert_eq!(status, 200);
    assert_eq!(res["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn malformed_bodies_are_refused() {
    let app = TestApp::spawn().await;
    for body in [
        b"{\"query\": ".to_vec(),
        b"not json at all".to_vec(),
        vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}'],
        b"[]".to_vec(),
        br#"["{ apiVersion }"]"#.to_vec(),
        b"42".to_vec(),
    ] {
        let (status, res) = post_raw(&app, "application/json", body.clone()).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(code(&res), "BAD_REQUEST");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn oversize_bodies_and_gzip_bombs_are_cut_off() {
    let app = TestApp::spawn().await;
    let big = format!(
        r#"{{"query":"{{ apiVersion }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(3 << 20)
    );
    let (status, _) = post_raw(&app, "application/json", big.into_bytes()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // 64 MiB of spaces compress to ~64 KiB: the limit applies after decompression.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(br#"{"query":"{ apiVersion }","pad":""#)
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(br#""}"#).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "the bomb itself is small");
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A small gzipped request is fine.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"query":"{ apiVersion }"}"#).unwrap();
    let res = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    still_serving(&app).await;
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::spawn().await;
    let op = json!({ "query": "{ apiVersion }" });
    let ok = app
        .client
        .post(app.url("/graphql"))
        .json(&vec![op.clone(); 10])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body.as_array().map(Vec::len), Some(10));
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&vec![op; 11])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn alias_directive_and_fragment_floods_are_refused_before_execution() {
    let app = TestApp::spawn().await;
    let aliases: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
    let directives = "@skip(if: false) ".repeat(10_000);
    let mut fan_out = String::from("{ ...f0 }\n");
    for i in 0..30 {
        fan_out.push_str(&format!(
            "fragment f{i} on Query {{ ...f{} ...f{} }}\n",
            i + 1,
            i + 1
        ));
    }
    fan_out.push_str("fragment f30 on Query { __typename }");
    let cycle = "{ ...a } fragment a on Query { ...b } fragment b on Query { ...a }".to_owned();
    let deep = format!(
        "{}{}",
        "{ orquestraUsers { nodes { projects { nodes { user { ".repeat(30),
        "} } } } }".repeat(30)
    );
    for q in [
        format!("{{ {aliases} }}"),
        format!("{{ __typename {directives} }}"),
        fan_out,
        cycle,
        deep,
    ] {
        let res = app.graphql(&q, json!({})).await;
        assert_eq!(
            code(&res),
            "GRAPHQL_VALIDATION_FAILED",
            "{}",
            &q[..40.min(q.len())]
        );
        assert!(res["data"].is_null(), "{res}");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn huge_page_sizes_are_bad_input() {
    let app = TestApp::spawn().await;
    let res = app
        .graphql(
            "{ orquestraUsers(first: 1000000000) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&res), "BAD_USER_INPUT");
    assert_eq!(res["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_turned_off() {
    let app = TestApp::spawn_with(api::http::HttpOptions {
        introspection: false,
        ..Default::default()
    })
    .await;
    // async-graphql answers introspection with null when it is off.
    let res = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await;
    assert_eq!(res["data"]["__schema"], Value::Null, "{res}");
    let res = app
        .graphql("{ orquestraUser { usernam } }", json!({}))
        .await;
    let msg = res["errors"][0]["message"].as_str().unwrap();
    assert!(!msg.contains("Did you mean"), "{msg}");
    assert_eq!(code(&res), "GRAPHQL_VALIDATION_FAILED");

    // On by default.
    let open = TestApp::spawn().await;
    let res = open
        .graphql("{ orquestraUser { usernam } }", json!({}))
        .await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{res}"
    );
}

async fn read_to_end(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut out),
    )
    .await;
    out
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_full(
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts {
            header_read: std::time::Duration::from_secs(1),
            idle: std::time::Duration::from_secs(1),
            shutdown_grace: std::time::Duration::from_secs(1),
        },
    )
    .await;
    // Slowloris: headers that never end.
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let got = read_to_end(&mut slow).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "closed by the server"
    );
    assert!(
        !String::from_utf8_lossy(&got).contains("200 OK"),
        "no response to half a request"
    );

    // Idle keep-alive: one request, then silence.
    let mut idle = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let got = read_to_end(&mut idle).await;
    assert!(
        String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"),
        "answered first"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "then closed when idle"
    );
    still_serving(&app).await;
}

async fn preflight(app: &TestApp, origin: &str) -> Option<String> {
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap();
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn cors_is_same_origin_unless_origins_are_configured() {
    let closed = TestApp::spawn().await;
    assert_eq!(preflight(&closed, "https://app.example").await, None);
    let open = TestApp::spawn_with(api::http::HttpOptions {
        cors_origins: vec!["https://app.example".into()],
        ..Default::default()
    })
    .await;
    assert_eq!(
        preflight(&open, "https://app.example").await.as_deref(),
        Some("https://app.example")
    );
    assert_eq!(preflight(&open, "https://evil.example").await, None);
    let res = open
        .client
        .post(open.url("/graphql"))
        .header("origin", "https://app.example")
        .json(&json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://app.example"
    );
}

#[tokio::test]
async fn malformed_custom_scalars_are_bad_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    for (query, variables, argument, scalar) in [
        (
            "{ bellamyPost(id: \"nope\") { id } }",
            json!({}),
            "id",
            "UUID",
        ),
        (
            "query($id: UUID!) { bellamyPost(id: $id) { id } }",
            json!({ "id": "nope" }),
            "id",
            "UUID",
        ),
        (
            "{ universeEvents(filter: {timestamp: {gt: \"yesterday\"}}) { nodes { eventId } } }",
            json!({}),
            "filter",
            "DateTime",
        ),
        (
            "{ bellamyPosts(filter: {createdAt: {gt: \"yesterday\"}}) { nodes { id } } }",
            json!({}),
            "filter",
            "DateTime",
        ),
        (
            "mutation { bellamyMarkNotificationRead(id: \"not-a-uuid\") { notification { id } } }",
            json!({}),
            "id",
            "UUID",
        ),
    ] {
        let res = app.graphql(query, variables).await;
        let err = &res["errors"][0];
        assert_eq!(code(&res), "BAD_USER_INPUT", "{query}: {res}");
        assert_eq!(err["extensions"]["field"], argument, "{query}: {res}");
        let message = err["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "argument `{argument}`: Failed to parse \"{scalar}\""
            )),
            "{query}: {message}"
        );
    }
    still_serving(&app).await;
}
