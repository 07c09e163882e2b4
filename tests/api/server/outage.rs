//! Database outages: a request the database cannot serve fails fast with the retryable
//! `SERVICE_UNAVAILABLE` (HTTP 503 when nothing was answered), never `INTERNAL`;
//! `/healthz` says within a second which domains are down; and the first request after
//! the database is back works.
//!
//! PostgreSQL is shared with other tests, so it is never stopped: the app reaches it
//! through a TCP proxy owned by the test, and an outage is the proxy refusing new
//! connections and cutting every open one. On SQLite an outage is the database file
//! locked by another process past the busy timeout.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::auth::TokenKind;
use entity::Domain;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

use crate::atrarium::ALICE;
use crate::helpers::{TestApp, TestDb, postgres_url};
use crate::ws_client::{Protocol, WsClient};

/// The acquire timeout (and SQLite busy timeout) of the apps under test.
const ACQUIRE: Duration = Duration::from_secs(1);
/// Generous bound on a request's answer during an outage (the acquire timeout plus a
/// loaded machine's slack).
const FAST: Duration = Duration::from_secs(5);
/// Generous bound on `/healthz` (its budget is 1 s).
const HEALTH_FAST: Duration = Duration::from_secs(3);

const READ: &str = "{ atrariumCommunities(first: 10) { nodes { id name parent { id } } } }";
const CREATE: &str = "mutation($input: AtrariumCreateCommunityInput!) { \
     atrariumCreateCommunity(input: $input) { community { id name } } }";

// ------------------------------------------------------------------------------ the proxy

/// A TCP forwarder to the database that the test can take down and bring back on the
/// same port.
struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    accept: Mutex<Option<JoinHandle<()>>>,
    conns: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    /// A proxy on a free port forwarding to `upstream`.
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Self {
            addr: listener.local_addr().unwrap(),
            upstream,
            accept: Mutex::new(None),
            conns: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let conns = Arc::clone(&self.conns);
        let upstream = self.upstream;
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let conn = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                conns.lock().unwrap().push(conn.abort_handle());
            }
        });
        *self.accept.lock().unwrap() = Some(task);
    }

    /// The database goes away: connecting is refused, every open connection is cut.
    async fn outage(&self) {
        let accept = self.accept.lock().unwrap().take();
        if let Some(accept) = accept {
            accept.abort();
            let _ = accept.await;
        }
        for conn in self.conns.lock().unwrap().drain(..) {
            conn.abort();
        }
    }

    /// The database is back, on the same port.
    fn recover(&self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(self.addr).unwrap();
        self.serve(socket.listen(128).unwrap());
    }

    /// `url` with its host and port replaced by the proxy's.
    fn route(&self, url: &str) -> String {
        let mut u = url::Url::parse(url).unwrap();
        u.set_host(Some(&self.addr.ip().to_string())).unwrap();
        u.set_port(Some(self.addr.port())).unwrap();
        u.to_string()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.lock().unwrap().take() {
            accept.abort();
        }
        for conn in self.conns.lock().unwrap().drain(..) {
            conn.abort();
        }
    }
}

/// The PostgreSQL server the tests run on, when they do.
async fn postgres_server() -> Option<SocketAddr> {
    let url = url::Url::parse(&postgres_url()?).unwrap();
    let host = url.host_str().unwrap_or("127.0.0.1").to_owned();
    let port = url.port().unwrap_or(5432);
    tokio::net::lookup_host((host, port)).await.unwrap().next()
}

/// An app over fresh PostgreSQL storage reached through a proxy: every domain, or only
/// `only`. Also the scratch database's direct URL.
async fn behind_proxy(only: Option<Domain>) -> Option<(TestApp, Proxy, String)> {
    let proxy = Proxy::start(postgres_server().await?).await;
    let mut direct = String::new();
    let db = TestDb::migrated_with(|c| {
        direct = c.database_url.clone().unwrap();
        let routed = proxy.route(&direct);
        match only {
            None => c.database_url = Some(routed),
            Some(domain) => {
                c.overrides.insert(domain, routed);
            }
        }
        c.acquire_timeout = ACQUIRE;
    })
    .await;
    let app = TestApp::spawn_on(
        db,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
    )
    .await;
    Some((app, proxy, direct))
}

// ------------------------------------------------------------------------------ requests

/// An answer and how long it took.
struct Answer {
    status: u16,
    body: Value,
    took: Duration,
}

impl Answer {
    /// Asserts the operation failed as a whole, retryably: 503, no data, every error
    /// `SERVICE_UNAVAILABLE`, within [`FAST`].
    fn assert_unavailable(&self) {
        assert_eq!(self.status, 503, "{}", self.body);
        assert!(self.body["data"].is_null(), "{}", self.body);
        let errors = self.body["errors"].as_array().expect("errors");
        assert!(!errors.is_empty());
        for e in errors {
            assert_eq!(
                e["extensions"]["code"], "SERVICE_UNAVAILABLE",
                "{}",
                self.body
            );
            assert_eq!(e["message"], "the database is unavailable; retry");
        }
        assert!(self.took < FAST, "answered after {:?}", self.took);
    }

    /// Asserts success: 200, no errors; `data`.
    fn data(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(self.body.get("errors").is_none(), "{}", self.body);
        &self.body["data"]
    }
}

async fn post(app: &TestApp, as_alice: bool, query: &str, variables: Value) -> Answer {
    let started = Instant::now();
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if as_alice {
        let token = app
            .tokens
            .issue(
                Domain::Atrarium,
                ALICE,
                TokenKind::Access,
                Duration::from_secs(300),
            )
            .unwrap()
            .token;
        req = req.bearer_auth(token);
    }
    answer(req.send().await.unwrap(), started).await
}

/// `res` as an [`Answer`], timed from `started`.
async fn answer(res: reqwest::Response, started: Instant) -> Answer {
    let status = res.status().as_u16();
    let body = res.json().await.unwrap();
    Answer {
        status,
        body,
        took: started.elapsed(),
    }
}

async fn read(app: &TestApp) -> Answer {
    post(app, false, READ, json!({})).await
}

async fn create(app: &TestApp, name: &str) -> Answer {
    post(app, true, CREATE, json!({ "input": { "name": name } })).await
}

/// The names of the communities a successful read lists.
fn names(answer: &Answer) -> Vec<String> {
    answer.data()["atrariumCommunities"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

/// `GET path` and how long it took.
async fn get_timed(app: &TestApp, path: &str) -> Answer {
    let started = Instant::now();
    answer(app.client.get(app.url(path)).send().await.unwrap(), started).await
}

async fn readyz(app: &TestApp) -> Answer {
    get_timed(app, "/readyz").await
}

async fn healthz(app: &TestApp) -> Answer {
    get_timed(app, "/healthz").await
}

fn all_ok() -> Value {
    let domains: serde_json::Map<String, Value> = Domain::ALL
        .iter()
        .map(|d| (d.name().to_owned(), json!("ok")))
        .collect();
    json!({ "status": "ok", "domains": domains })
}

// ------------------------------------------------------------------------------ PostgreSQL

#[tokio::test]
async fn postgres_down_answers_service_unavailable_fast_and_recovers_at_once() {
    let Some((app, proxy, _)) = behind_proxy(None).await else {
        return; // The SQLite outage is a locked file: see below.
    };
    create(&app, "before").await.data();
    assert_eq!(names(&read(&app).await), ["before"]);
    let ready = readyz(&app).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["status"], "ready");

    proxy.outage().await;
    // Unready within the health budget: a load balancer sends traffic elsewhere.
    let ready = readyz(&app).await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert!(ready.took < HEALTH_FAST, "readyz took {:?}", ready.took);
    assert_eq!(ready.body["status"], "unready");
    for domain in Domain::ALL {
        let state = ready.body["domains"][domain.name()].as_str().unwrap();
        assert!(state.starts_with("unavailable: "), "{domain}: {state}");
    }
    read(&app).await.assert_unavailable();
    create(&app, "during").await.assert_unavailable();
    // GET and batches too.
    let started = Instant::now();
    let res = app
        .client
        .get(format!(
            "{}?query={}",
            app.url("/graphql"),
            url::form_urlencoded::byte_serialize(READ.as_bytes()).collect::<String>()
        ))
        .send()
        .await
        .unwrap();
    Answer {
        status: res.status().as_u16(),
        body: res.json().await.unwrap(),
        took: started.elapsed(),
    }
    .assert_unavailable();
    let started = Instant::now();
    let res = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": READ }, { "query": READ }]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let batch: Value = res.json().await.unwrap();
    for item in batch.as_array().unwrap() {
        assert_eq!(
            item["errors"][0]["extensions"]["code"],
            "SERVICE_UNAVAILABLE"
        );
    }
    assert!(started.elapsed() < FAST * 2);
    // A WebSocket operation gets the same code.
    let mut ws = WsClient::connect(&app, Protocol::TransportWs, json!({})).await;
    ws.subscribe("q", READ, json!({})).await;
    assert_eq!(ws.error_code("q").await, "SERVICE_UNAVAILABLE");
    ws.close().await;
    // Credentials that cannot be checked now: `1013 Try Again Later`, which clients retry,
    // not `4403` (bad credentials).
    let token = app.token(Domain::Atrarium, ALICE).await;
    let closed = WsClient::refused(
        &app,
        Protocol::TransportWs,
        json!({ "authorization": format!("Bearer {token}") }),
    )
    .await;
    assert_eq!(closed["close"], 1013, "{closed}");
    // Health answers within its budget and names every domain.
    let health = healthz(&app).await;
    assert_eq!(health.status, 503, "{}", health.body);
    assert!(health.took < HEALTH_FAST, "healthz took {:?}", health.took);
    assert_eq!(health.body["status"], "unavailable");
    for domain in Domain::ALL {
        let state = health.body["domains"][domain.name()].as_str().unwrap();
        assert!(state.starts_with("unavailable: "), "{domain}: {state}");
    }

    proxy.recover();
    let first = read(&app).await;
    assert_eq!(names(&first), ["before"]);
    assert!(
        first.took < FAST,
        "first read after recovery: {:?}",
        first.took
    );
    create(&app, "after").await.data();
    assert_eq!(names(&read(&app).await), ["before", "after"]);
    let health = healthz(&app).await;
    assert_eq!((health.status, &health.body), (200, &all_ok()));
    // Ready again, with no restart.
    let ready = readyz(&app).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["status"], "ready");
}

#[tokio::test]
async fn postgres_a_query_cut_mid_statement_answers_service_unavailable() {
    let Some((app, proxy, direct)) = behind_proxy(None).await else {
        return;
    };
    create(&app, "before").await.data();
    // A lock taken directly (not through the proxy) holds the app's next read inside
    // its statement, on an open connection.
    let direct = Database::connect(ConnectOptions::new(direct).sqlx_logging(false).to_owned())
        .await
        .unwrap();
    let lock = direct.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE atrarium.communities IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let reading = {
        let client = app.client.clone();
        let url = app.url("/graphql");
        tokio::spawn(async move {
            let res = client
                .post(url)
                .json(&json!({ "query": READ }))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        })
    };
    wait_for_lock_waiter(&direct).await;
    assert!(!reading.is_finished(), "the read waits for the lock");

    let cut = Instant::now();
    proxy.outage().await;
    let (status, body) = tokio::time::timeout(FAST, reading)
        .await
        .expect("the cut read answers at once")
        .unwrap();
    Answer {
        status,
        body,
        took: cut.elapsed(),
    }
    .assert_unavailable();
    lock.rollback().await.unwrap();

    proxy.recover();
    assert_eq!(names(&read(&app).await), ["before"]);
    direct.close().await.unwrap();
}

/// Waits (up to 10 s) until a session of `db`'s database waits for a lock.
async fn wait_for_lock_waiter(db: &DatabaseConnection) {
    let sql = "SELECT COUNT(*) FROM pg_stat_activity \
               WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        if row.try_get_by_index::<i64>(0).unwrap() > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "no session waits for the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn postgres_health_names_the_domain_that_is_down_and_the_others_serve_on() {
    let Some((app, proxy, _)) = behind_proxy(Some(Domain::Pds)).await else {
        return;
    };
    let health = healthz(&app).await;
    assert_eq!((health.status, &health.body), (200, &all_ok()));
    create(&app, "before").await.data();

    proxy.outage().await;
    let health = healthz(&app).await;
    assert!(health.took < HEALTH_FAST, "healthz took {:?}", health.took);
    assert_eq!(health.status, 503, "{}", health.body);
    assert_eq!(health.body["status"], "unavailable");
    for domain in Domain::ALL {
        let state = health.body["domains"][domain.name()].as_str().unwrap();
        if domain == Domain::Pds {
            assert!(state.starts_with("unavailable: "), "{state}");
        } else {
            assert_eq!(state, "ok", "{domain}");
        }
    }
    // Atrarium's data does not depend on the PDS's database: it reads on.
    assert_eq!(names(&read(&app).await), ["before"]);
    // A write does: whether its signed-in DID is an active account is the PDS's to say
    // (`api::identity`), and an identity that cannot be checked is not trusted.
    create(&app, "during").await.assert_unavailable();
    // Domains whose writers need nothing of the PDS write on.
    let res = app
        .graphql("mutation { universeConnect { identity } }", json!({}))
        .await;
    assert!(res.get("errors").is_none(), "{res}");

    proxy.recover();
    let health = healthz(&app).await;
    assert_eq!((health.status, &health.body), (200, &all_ok()));
    create(&app, "after").await.data();
    assert_eq!(names(&read(&app).await), ["before", "after"]);
}

// ------------------------------------------------------------------------------ SQLite

#[tokio::test]
async fn sqlite_a_file_locked_past_the_busy_timeout_answers_service_unavailable() {
    if postgres_url().is_some() {
        return; // PostgreSQL has no file lock; its outages are tested above.
    }
    let db = TestDb::migrated_files_with(|c| c.acquire_timeout = ACQUIRE).await;
    let file = db.config.data_dir.join("atrarium.db");
    let app = TestApp::spawn_on(
        db,
        api::http::HttpOptions::default(),
        api::server::ServerTimeouts::default(),
    )
    .await;
    create(&app, "before").await.data();

    // Another process (here: another pool) writes to the file and does not let go.
    let mut opts = ConnectOptions::new(format!("sqlite://{}", file.display()));
    opts.max_connections(1).sqlx_logging(false);
    let other = Database::connect(opts).await.unwrap();
    let held = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();

    let write = create(&app, "during").await;
    write.assert_unavailable();
    assert!(
        write.took >= ACQUIRE / 2,
        "waited the busy timeout: {:?}",
        write.took
    );
    // Readers are not blocked by a writer (WAL): reads, and so health, go on.
    assert_eq!(names(&read(&app).await), ["before"]);
    let health = healthz(&app).await;
    assert_eq!((health.status, &health.body), (200, &all_ok()));

    held.rollback().await.unwrap();
    create(&app, "after").await.data();
    assert_eq!(names(&read(&app).await), ["before", "after"]);
    other.close().await.unwrap();
}
