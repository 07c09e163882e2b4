//! The `mosaic` binary: `migrate` subcommands and `serve` on a fresh data directory.

use std::path::PathBuf;
use std::process::Command;

use entity::Domain;

use crate::helpers::{Served, TestDb, postgres_url, tables};

/// The storage URL the binary should use: the test's PostgreSQL database, or a fresh
/// SQLite directory.
struct Target {
    url: String,
    dir: Option<PathBuf>,
    _db: Option<TestDb>,
}

impl Target {
    async fn new() -> Self {
        if postgres_url().is_some() {
            let db = TestDb::empty().await;
            let url = db.config.database_url.clone().unwrap();
            Self {
                url,
                dir: None,
                _db: Some(db),
            }
        } else {
            let dir = std::env::temp_dir().join(format!("mosaic-cli-{}", uuid::Uuid::new_v4()));
            Self {
                url: format!("sqlite://{}", dir.display()),
                dir: Some(dir),
                _db: None,
            }
        }
    }

    fn mosaic(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_mosaic"))
            .args(args)
            .env("DATABASE_URL", &self.url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn status_lines(stdout: &str, domain: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            (parts.len() == 3 && parts[0] == domain)
                .then(|| (parts[1].to_owned(), parts[2].to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn migrate_status_up_down_through_the_binary() {
    let target = Target::new().await;
    let (ok, out, err) = target.mosaic(&["migrate", "status", "--domain", "orquestra"]);
    assert!(ok, "{err}");
    assert_eq!(
        status_lines(&out, "orquestra"),
        vec![
            ("m001_initial_schema".into(), "pending".into()),
            ("m002_indexes".into(), "pending".into()),
            (
                "m003_custom_docs_and_known_addresses".into(),
                "pending".into()
            ),
            ("m004_unique_idl_versions".into(), "pending".into()),
            ("m005_change_log".into(), "pending".into()),
        ]
    );

    let (ok, _, err) = target.mosaic(&["migrate", "up", "--domain", "orquestra", "--steps", "2"]);
    assert!(ok, "{err}");
    let (_, out, _) = target.mosaic(&["migrate", "status", "--domain", "orquestra"]);
    let states: Vec<String> = status_lines(&out, "orquestra")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        states,
        ["applied", "applied", "pending", "pending", "pending"]
    );

    // Everything up, then everything down again.
    let (ok, _, err) = target.mosaic(&["migrate", "up"]);
    assert!(ok, "{err}");
    let (_, out, _) = target.mosaic(&["migrate", "status"]);
    for domain in Domain::ALL {
        let lines = status_lines(&out, domain.name());
        assert!(!lines.is_empty(), "{domain} listed");
        assert!(lines.iter().all(|(_, s)| s == "applied"), "{out}");
    }
    let (ok, _, err) = target.mosaic(&["migrate", "down", "--all"]);
    assert!(ok, "{err}");
    let (_, out, _) = target.mosaic(&["migrate", "status"]);
    assert!(!out.contains("applied"), "{out}");

    // `fresh` recreates a domain.
    let (ok, _, err) = target.mosaic(&["migrate", "fresh", "--domain", "orquestra"]);
    assert!(ok, "{err}");
    let (_, out, _) = target.mosaic(&["migrate", "status", "--domain", "orquestra"]);
    assert!(
        status_lines(&out, "orquestra")
            .iter()
            .all(|(_, s)| s == "applied")
    );
}

#[test]
fn unknown_domain_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_mosaic"))
        .args(["migrate", "status", "--domain", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown domain `nope`"), "{err}");
}

#[test]
fn help_documents_every_option_with_its_env_var() {
    let out = Command::new(env!("CARGO_BIN_EXE_mosaic"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    // Help text wraps at the terminal width: compare with whitespace normalised.
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "--host",
        "[env: HOST=",
        "--port",
        "[env: PORT=",
        "--database-url",
        "[env: DATABASE_URL]",
        "--data-dir",
        "[env: MOSAIC_DATA_DIR=",
        "--pds-database-url",
        "[env: PDS_DATABASE_URL]",
        "--no-migrate",
        "--no-demo",
        "[env: MOSAIC_NO_DEMO=",
        "--log-format",
        "[env: MOSAIC_LOG_FORMAT=",
        "--apq-cache-size",
        "[env: MOSAIC_APQ_CACHE_SIZE=",
        "--persisted-only",
        "[env: MOSAIC_PERSISTED_ONLY=",
        "--persisted-manifest",
        "[env: MOSAIC_PERSISTED_MANIFEST",
        "--shutdown-grace",
    ] {
        assert!(help.contains(needle), "`{needle}` in:\n{help}");
    }
}

#[tokio::test]
async fn serve_on_a_fresh_data_dir_creates_the_files_and_answers_healthz() {
    let served = Served::start(&[]);
    let res = reqwest::get(format!("http://{}/healthz", served.addr))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for domain in Domain::ALL {
        assert!(
            served.dir.join(format!("{}.db", domain.name())).exists(),
            "{domain}.db"
        );
    }
    // Migrated on start.
    let dbs = api::Databases::connect(&api::DbConfig::sqlite_dir(&served.dir))
        .await
        .unwrap();
    assert!(tables(dbs.orquestra()).await.contains("projects"));
    dbs.close().await;
}

/// `THP_enabled` of a process's `/proc/<pid>/status`: 0 once it turned transparent huge
/// pages off for itself.
#[cfg(target_os = "linux")]
fn thp_enabled(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no THP_enabled in {status}"))
}

#[cfg(target_os = "linux")]
#[test]
fn the_server_turns_transparent_huge_pages_off_unless_the_allocator_is_told() {
    let served = Served::start(&[]);
    assert_eq!(thp_enabled(served.child.id()), "0");
    // The flag is inherited: a runner started with them off cannot show them left on.
    if thp_enabled(std::process::id()) != "1" {
        eprintln!("this test runs with transparent huge pages off: the opt-out is not checked");
        return;
    }
    // MIMALLOC_ALLOW_THP decides when it is set: 1 leaves them on, 0 has mimalloc
    // turn them off itself.
    let allowed = Served::start_with(&[], "info", &[("MIMALLOC_ALLOW_THP", "1")]);
    assert_eq!(thp_enabled(allowed.child.id()), "1");
    let refused = Served::start_with(&[], "info", &[("MIMALLOC_ALLOW_THP", "0")]);
    assert_eq!(thp_enabled(refused.child.id()), "0");
}

#[tokio::test]
async fn seed_migrates_and_fills_empty_domains_once() {
    let target = Target::new().await;
    for _ in 0..2 {
        let (ok, out, err) = target.mosaic(&["seed"]);
        assert!(ok, "{err}");
        assert!(out.contains("demo data in place"), "{out}");
    }
    let dbs = api::Databases::connect(&api::DbConfig::url(target.url.clone()))
        .await
        .unwrap();
    assert_eq!(crate::helpers::count(dbs.orquestra(), "users").await, 3);
    assert_eq!(crate::helpers::count(dbs.orquestra(), "projects").await, 5);
    dbs.close().await;
}

#[tokio::test]
async fn token_orquestra_mints_a_token_for_an_existing_user_only() {
    let target = Target::new().await;
    let (ok, _, err) = target.mosaic(&["seed"]);
    assert!(ok, "{err}");
    let secret = "0123456789abcdef0123456789abcdef-test";
    let user = "0b7f6a52-5f0e-4c8e-9a55-6c2f1b3a9d01";
    let (ok, out, err) = target.mosaic(&[
        "token",
        "orquestra",
        "--user",
        user,
        "--token-secret",
        secret,
    ]);
    assert!(ok, "{err}");
    let tokens = api::auth::Tokens::new(&api::auth::Secret::from_config(secret).unwrap());
    let claims = tokens
        .verify(out.trim(), Domain::Orquestra, api::auth::TokenKind::Access)
        .unwrap();
    assert_eq!(claims.sub, user);
    assert!(claims.exp - claims.iat == 24 * 3600);
    let (ok, _, err) = target.mosaic(&[
        "token",
        "orquestra",
        "--user",
        "nobody",
        "--token-secret",
        secret,
    ]);
    assert!(!ok);
    assert!(err.contains("no Orquestra user with id `nobody`"), "{err}");
}

#[test]
fn the_token_secret_is_generated_privately_into_the_data_dir() {
    let dir = std::env::temp_dir().join(format!("mosaic-secret-{}", uuid::Uuid::new_v4()));
    let out = Command::new(env!("CARGO_BIN_EXE_mosaic"))
        .args(["token", "orquestra", "--user", "x", "--data-dir"])
        .arg(&dir)
        .env_remove("DATABASE_URL")
        .env_remove("MOSAIC_TOKEN_SECRET")
        .output()
        .unwrap();
    // No such user, but the secret exists now, readable by its owner only.
    assert!(!out.status.success());
    let meta = std::fs::metadata(dir.join("token-secret")).unwrap();
    assert_eq!(meta.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// POSTs `query` to the served binary; its JSON answer.
async fn post_query(served: &Served, query: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("http://{}/graphql", served.addr))
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The README's run command on a fresh data directory: demo data to explore, and the log
/// names the playground with a first query that finds it.
#[tokio::test]
async fn serve_on_a_fresh_data_dir_seeds_demo_data_and_offers_a_first_query() {
    let served = Served::start(&[]);
    let playground = format!("http://{}/graphql", served.addr);
    let log = served.wait_for_log("{ bellamyPosts");
    assert!(log.contains(&playground), "{log}");
    assert!(log.contains("demo data in place"), "{log}");
    // The query the log offers, as pasted.
    let first = log
        .lines()
        .find(|l| l.trim_start().starts_with("{ bellamyPosts"))
        .unwrap_or_else(|| panic!("a first query in {log}"))
        .trim()
        .to_owned();
    let res = post_query(&served, &first).await;
    assert!(res["errors"].is_null(), "{res}");
    let posts = res["data"]["bellamyPosts"]["nodes"].as_array().unwrap();
    assert!(!posts.is_empty(), "{res}");
    assert!(posts[0]["author"]["username"].is_string(), "{res}");

    // --no-demo starts empty.
    let empty = Served::start(&["--no-demo"]);
    let res = post_query(&empty, &first).await;
    assert_eq!(
        res["data"]["bellamyPosts"]["nodes"],
        serde_json::json!([]),
        "{res}"
    );
}

/// `--log-format json`: one JSON object a line, a request's lines carrying its id, which
/// the response echoes (the client's when it is sensible, a fresh one otherwise).
#[tokio::test]
async fn json_logs_carry_the_request_id_echoed_in_the_response() {
    let served = Served::start_logging(&["--log-format", "json", "--no-demo"], "info,api=debug");
    let client = reqwest::Client::new();
    let url = format!("http://{}/graphql", served.addr);
    let res = client
        .post(&url)
        .header("x-request-id", "trace-42.a:b")
        .json(&serde_json::json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-42.a:b");
    for bad in ["has space", &"x".repeat(200)] {
        let res = client
            .post(&url)
            .header("x-request-id", bad)
            .json(&serde_json::json!({ "query": "{ apiVersion }" }))
            .send()
            .await
            .unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(id, bad);
        assert_eq!(id.len(), 32, "{id}");
    }
    let res = client
        .get(format!("http://{}/healthz", served.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"].len(), 32);

    let log = served.wait_for_log("trace-42.a:b");
    let line = log.lines().find(|l| l.contains("trace-42.a:b")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["span"]["id"], "trace-42.a:b", "{entry}");
    assert_eq!(entry["span"]["path"], "/graphql", "{entry}");
    assert_eq!(entry["fields"]["status"], 200, "{entry}");
    for line in served.log.lock().unwrap().iter() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }
}
