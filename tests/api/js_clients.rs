//! Unmodified npm GraphQL clients against a running Mosaic: the `graphql-ws` library
//! (Apollo Client's, urql's and GraphiQL's WebSocket transport) and Apollo's legacy
//! `subscriptions-transport-ws`, driven by `tests/js/subscribe.mjs` under Node.js.
//!
//! The packages are pinned by `tests/js/package-lock.json` and installed with `npm ci`
//! the first time (again whenever the lockfile changes). Node.js 20+ and npm must be on
//! the PATH. `graphiql.rs` drives GraphiQL in Chromium the same way.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

use crate::helpers::TestApp;

pub fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// Runs `npm ci` in `dir` unless its `node_modules` is newer than its lockfile (once per
/// directory per test run).
pub fn npm_ci(dir: &Path) {
    static INSTALLED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if installed.iter().any(|d| d == dir) {
        return;
    }
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (
        modified(dir.join("node_modules/.package-lock.json")),
        modified(dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if !fresh {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir)
            .status()
            .expect("npm (Node.js 20+) on the PATH: the JS client tests need it");
        assert!(status.success(), "npm ci in {} failed", dir.display());
    }
    installed.push(dir.to_owned());
}

/// Runs `node <script> <args>` in `tests/js` and returns the JSON it printed; fails the
/// test with node's stderr if it fails.
pub async fn node(script: &str, args: Vec<String>) -> Value {
    let script = script.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .args(&args)
            .current_dir(js_dir())
            .output()
            .expect("node (Node.js 20+) on the PATH")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn graphql_ws_and_subscriptions_transport_ws_receive_an_event_caused_by_a_mutation() {
    tokio::task::spawn_blocking(|| npm_ci(&js_dir()))
        .await
        .unwrap();
    let app = TestApp::spawn().await;
    for library in ["graphql-ws", "subscriptions-transport-ws"] {
        let out = node(
            "subscribe.mjs",
            vec![app.addr.to_string(), library.to_owned()],
        )
        .await;
        let me = out["identity"].as_str().unwrap();
        assert_eq!(
            out["result"]["data"]["universeEventLogged"],
            serde_json::json!({ "eventType": "entity.created", "source": me }),
            "{library}: {out}"
        );
        assert!(out["result"]["errors"].is_null(), "{library}: {out}");
    }
}
