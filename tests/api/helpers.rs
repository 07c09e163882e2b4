//! Test harness: fresh databases per test on either backend, the real router on a free
//! port, readers of the database catalog, and the assertions and tools every test file
//! shares: GraphQL requests and their checks (`gql`, `ok`, `code`, `field`), statement
//! counting, signing in as each kind of user, the PDS account fixture, the change-log
//! reader, the `mosaic` binary and the JS tool runners.
//!
//! The backend is chosen by `DATABASE_URL`: unset (or `sqlite:...`) gives every domain a
//! private in-memory SQLite database; `postgres://...` creates a fresh PostgreSQL database
//! `mosaic_test_<uuid>` per test (a schema per domain inside it) and drops it afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use api::{Databases, DbConfig};
use entity::Domain;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};
use serde_json::{Value, json};

/// The PostgreSQL server URL from the environment, if tests run on PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// A PostgreSQL database created for one test and dropped when the test ends.
struct PgScratch {
    admin_url: String,
    name: String,
}

impl PgScratch {
    async fn create(server_url: &str) -> (Self, String) {
        let name = format!("mosaic_test_{}", uuid::Uuid::new_v4().simple());
        let admin_url = with_database(server_url, "postgres");
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = with_database(server_url, &name);
        (Self { admin_url, name }, url)
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside any async context we could block on: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// `url` with its database (path) replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("valid DATABASE_URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// The pools' acquire timeout in tests: the production default (a few seconds) is meant
/// for a server with its machine to itself; tests share a loaded machine and small pools,
/// where a healthy request may wait longer. Outage tests set a short one themselves.
pub const TEST_ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Fresh, private storage for the five domains.
pub struct TestDb {
    /// The pools.
    pub dbs: Databases,
    /// The configuration the pools were opened with (PostgreSQL: the scratch database).
    pub config: DbConfig,
    _scratch: Option<PgScratch>,
    _dir: Option<ScratchDir>,
}

/// A temporary directory removed when the test ends.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    /// Fresh, empty storage (no migrations applied).
    pub async fn empty() -> Self {
        Self::empty_with(|_| {}).await
    }

    /// Fresh, migrated storage opened with the test configuration changed by `adjust`.
    pub async fn migrated_with(adjust: impl FnOnce(&mut DbConfig)) -> Self {
        let db = Self::empty_with(adjust).await;
        db.dbs.migrate_up().await.expect("migrate up");
        db
    }

    /// Fresh, empty storage opened with the test configuration changed by `adjust`.
    pub async fn empty_with(adjust: impl FnOnce(&mut DbConfig)) -> Self {
        let (mut config, scratch) = match postgres_url() {
            Some(server) => {
                let (scratch, url) = PgScratch::create(&server).await;
                let mut config = DbConfig::url(url);
                // Tests run in parallel against one server: keep each one's share small.
                config.max_connections = 2;
                (config, Some(scratch))
            }
            None => (DbConfig::url("sqlite::memory:"), None),
        };
        config.acquire_timeout = TEST_ACQUIRE_TIMEOUT;
        adjust(&mut config);
        let dbs = Databases::connect(&config)
            .await
            .expect("connect test databases");
        Self {
            dbs,
            config,
            _scratch: scratch,
            _dir: None,
        }
    }

    /// Fresh, migrated storage as production has it: on SQLite, one database file per
    /// domain in a temporary directory with a pool of several connections (so concurrent
    /// writers really contend, as they never do on the single in-memory connection); on
    /// PostgreSQL the same as [`TestDb::migrated`].
    pub async fn migrated_files() -> Self {
        Self::migrated_files_with(|_| {}).await
    }

    /// [`TestDb::migrated_files`] opened with the test configuration changed by `adjust`.
    pub async fn migrated_files_with(adjust: impl FnOnce(&mut DbConfig)) -> Self {
        if postgres_url().is_some() {
            return Self::migrated_with(adjust).await;
        }
        let dir = std::env::temp_dir().join(format!("mosaic-test-{}", uuid::Uuid::new_v4()));
        let mut config = DbConfig::sqlite_dir(&dir);
        config.max_connections = 8;
        config.acquire_timeout = TEST_ACQUIRE_TIMEOUT;
        adjust(&mut config);
        let dbs = Databases::connect(&config)
            .await
            .expect("connect test databases");
        dbs.migrate_up().await.expect("migrate up");
        Self {
            dbs,
            config,
            _scratch: None,
            _dir: Some(ScratchDir(dir)),
        }
    }

    /// Fresh storage with every domain migrated up with the real Migrators.
    pub async fn migrated() -> Self {
        let db = Self::empty().await;
        db.dbs.migrate_up().await.expect("migrate up");
        db
    }

    /// A second set of pools on `other`'s storage, as a second server instance has
    /// (`other` keeps owning, and dropping, the storage).
    pub async fn sharing(other: &TestDb) -> Self {
        let dbs = Databases::connect(&other.config)
            .await
            .expect("connect test databases");
        Self {
            dbs,
            config: other.config.clone(),
            _scratch: None,
            _dir: None,
        }
    }

    /// The pool of `domain`.
    pub fn get(&self, domain: Domain) -> &DatabaseConnection {
        self.dbs.get(domain)
    }

    /// The backend under test.
    pub fn backend(&self) -> DbBackend {
        self.dbs.orquestra().get_database_backend()
    }
}

/// The password of accounts made by [`pds_account`].
pub const PASSWORD: &str = "correct horse battery staple";

/// The real router served on a free port over fresh, migrated storage.
pub struct TestApp {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The storage behind it.
    pub db: TestDb,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// Signs tokens the server accepts.
    pub tokens: api::auth::Tokens,
    /// The server's password hasher (its verification counters).
    pub passwords: api::auth::password::Passwords,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// An access token of `domain` for `subject`. A PDS token belongs to a session of
    /// the account `subject`, as `pdsCreateSession` would give: its newest session, or a
    /// new one when it has none (PDS access tokens work only while their session lasts;
    /// with no such account, the token is refused).
    pub async fn token(&self, domain: Domain, subject: &str) -> String {
        use api::auth::TokenKind;
        use entity::pds::refresh_tokens;
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let ttl = std::time::Duration::from_secs(600);
        let mut sid = None;
        if domain == Domain::Pds {
            let db = self.db.get(Domain::Pds);
            let newest = refresh_tokens::Entity::find()
                .filter(refresh_tokens::Column::Did.eq(subject))
                .order_by_desc(refresh_tokens::Column::CreatedAt)
                .one(db)
                .await
                .unwrap();
            sid = match newest {
                Some(session) => Some(session.jti),
                None => {
                    let jti = uuid::Uuid::new_v4().simple().to_string();
                    let now = chrono::Utc::now();
                    let session = refresh_tokens::ActiveModel {
                        jti: sea_orm::Set(jti.clone()),
                        did: sea_orm::Set(subject.to_owned()),
                        expires_at: sea_orm::Set(now + chrono::Duration::hours(1)),
                        app_password_name: sea_orm::Set(None),
                        created_at: sea_orm::Set(now),
                    };
                    session.insert(db).await.ok().map(|_| jti)
                }
            };
        }
        self.tokens
            .issue_in(domain, subject, TokenKind::Access, ttl, sid.as_deref())
            .unwrap()
            .token
    }

    /// Starts the server with default options.
    pub async fn spawn() -> Self {
        Self::spawn_with(api::http::HttpOptions::default()).await
    }

    /// Starts the server with `options`.
    pub async fn spawn_with(options: api::http::HttpOptions) -> Self {
        Self::spawn_full(options, api::server::ServerTimeouts::default()).await
    }

    /// Starts the server with `options` and connection `timeouts`, through the real
    /// accept loop.
    pub async fn spawn_full(
        options: api::http::HttpOptions,
        timeouts: api::server::ServerTimeouts,
    ) -> Self {
        Self::spawn_on(TestDb::migrated().await, options, timeouts).await
    }

    /// Starts the server over file-backed storage ([`TestDb::migrated_files`]): for tests
    /// of concurrent writes.
    pub async fn spawn_on_files() -> Self {
        Self::spawn_on(
            TestDb::migrated_files().await,
            api::http::HttpOptions::default(),
            api::server::ServerTimeouts::default(),
        )
        .await
    }

    /// Starts the server over `db`.
    pub async fn spawn_on(
        db: TestDb,
        options: api::http::HttpOptions,
        timeouts: api::server::ServerTimeouts,
    ) -> Self {
        Self::spawn_until(db, options, timeouts, std::future::pending()).await
    }

    /// Starts the server over `db`; it shuts down gracefully when `shutdown` resolves
    /// ([`TestApp::stopped`] waits for the end).
    pub async fn spawn_until(
        db: TestDb,
        options: api::http::HttpOptions,
        timeouts: api::server::ServerTimeouts,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Self {
        // Internal errors reach clients masked; their detail goes to the test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("error")
            .with_test_writer()
            .try_init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tokens = api::auth::Tokens::new(&api::auth::Secret::generate().unwrap());
        let passwords = api::auth::password::Passwords::default();
        let router =
            api::http::router_with(db.dbs.clone(), tokens.clone(), passwords.clone(), options);
        let server = tokio::spawn(async move {
            let _ = api::server::serve(listener, router, timeouts, shutdown).await;
        });
        Self {
            addr,
            db,
            client: reqwest::Client::new(),
            tokens,
            passwords,
            server,
        }
    }

    /// Whether the server stopped within `limit` (after its shutdown signal).
    pub async fn stopped(&mut self, limit: std::time::Duration) -> bool {
        matches!(
            tokio::time::timeout(limit, &mut self.server).await,
            Ok(Ok(()))
        )
    }

    /// `http://addr{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL request and returns the JSON response.
    pub async fn graphql(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        self.graphql_as(None, query, variables).await
    }

    /// POSTs a GraphQL request with `token` as its bearer (anonymous for `None`) and
    /// returns the JSON response.
    pub async fn graphql_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().json().await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------------------
// Catalog readers: what the database itself says, not what the entities claim.

fn stmt(db: &DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

async fn strings(
    db: &DatabaseConnection,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<String>, DbErr> {
    db.query_all_raw(stmt(db, sql, values))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect()
}

/// The domain's tables (migration bookkeeping excluded).
pub async fn tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    strings(db, sql, vec![])
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t != "seaql_migrations")
        .collect()
}

/// `column name -> nullable` of a table.
pub async fn columns(db: &DatabaseConnection, table: &str) -> BTreeMap<String, bool> {
    match db.get_database_backend() {
        DbBackend::Postgres => db
            .query_all_raw(stmt(
                db,
                "SELECT column_name::text, (is_nullable = 'YES') FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1",
                vec![table.into()],
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index::<String>(0).unwrap(),
                    r.try_get_by_index::<bool>(1).unwrap(),
                )
            })
            .collect(),
        _ => db
            .query_all_raw(stmt(
                db,
                "SELECT name, \"notnull\" FROM pragma_table_info(?)",
                vec![table.into()],
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get_by_index::<String>(0).unwrap(),
                    r.try_get_by_index::<i64>(1).unwrap() == 0,
                )
            })
            .collect(),
    }
}

/// The names of a table's indexes (including those behind UNIQUE and PRIMARY KEY).
pub async fn indexes(db: &DatabaseConnection, table: &str) -> BTreeSet<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT indexname::text FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = $1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
    };
    strings(db, sql, vec![table.into()])
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// One table as a seed specifies it: columns with nullability, and named indexes.
#[derive(Clone, Copy)]
pub struct TableSpec {
    /// Table name.
    pub name: &'static str,
    /// `(column, nullable)`.
    pub columns: &'static [(&'static str, bool)],
    /// Named indexes the seed lists for this table.
    pub indexes: &'static [&'static str],
}

/// `change_log`, Mosaic's own change log in Atrarium, Orquestra and Bellamy.
pub const CHANGE_LOG: TableSpec = TableSpec {
    name: "change_log",
    columns: &[
        ("seq", false),
        ("topic", false),
        ("kind", false),
        ("subject", false),
        ("actor", true),
        ("data", false),
        ("created_at", false),
    ],
    indexes: &["idx_change_log_topic_seq"],
};

/// Asserts that a domain's catalog holds exactly `spec`'s tables, each with exactly its
/// columns and nullability, and at least its named indexes.
pub async fn assert_catalog(db: &DatabaseConnection, spec: &[TableSpec]) {
    let expected: BTreeSet<String> = spec.iter().map(|t| t.name.to_owned()).collect();
    assert_eq!(tables(db).await, expected, "tables");
    for t in spec {
        let want: BTreeMap<String, bool> = t
            .columns
            .iter()
            .map(|(c, n)| ((*c).to_owned(), *n))
            .collect();
        assert_eq!(columns(db, t.name).await, want, "columns of {}", t.name);
        let have = indexes(db, t.name).await;
        for ix in t.indexes {
            assert!(
                have.contains(*ix),
                "index {ix} on {} (have {have:?})",
                t.name
            );
        }
    }
}

/// Runs raw SQL and returns the error, asserting that it failed.
pub async fn expect_rejected(db: &DatabaseConnection, sql: &str) -> DbErr {
    match db.execute_unprepared(sql).await {
        Ok(_) => panic!("the database accepted: {sql}"),
        Err(e) => e,
    }
}

/// Counts the rows of `table`.
pub async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    db.query_one_raw(stmt(db, &format!("SELECT COUNT(*) FROM {table}"), vec![]))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Asserts that every migration of `domain` can go up, all the way down and up again,
/// and that `status` reports each step.
pub async fn assert_migrations_reversible(domain: Domain) {
    let db = TestDb::empty().await;
    let conn = db.get(domain);
    let names: Vec<String> = migration::status(domain, conn)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(!names.is_empty(), "{domain} has migrations");
    let applied = |n: bool| {
        names
            .iter()
            .map(|name| migration::MigrationState {
                name: name.clone(),
                applied: n,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        migration::status(domain, conn).await.unwrap(),
        applied(false)
    );

    migration::up(domain, conn, None).await.unwrap();
    assert_eq!(
        migration::status(domain, conn).await.unwrap(),
        applied(true)
    );
    let full = tables(conn).await;
    assert!(!full.is_empty());

    // Step down one migration at a time: each step must succeed.
    for _ in &names {
        migration::down(domain, conn, Some(1)).await.unwrap();
    }
    assert_eq!(
        migration::status(domain, conn).await.unwrap(),
        applied(false)
    );
    assert_eq!(
        tables(conn).await,
        BTreeSet::new(),
        "down to zero leaves no table"
    );

    migration::up(domain, conn, None).await.unwrap();
    assert_eq!(
        migration::status(domain, conn).await.unwrap(),
        applied(true)
    );
    assert_eq!(tables(conn).await, full, "up again recreates every table");
}

// ---------------------------------------------------------------------------------------
// GraphQL requests and their checks.

/// POSTs `query` with `vars`, with `bearer` as its bearer token (anonymous for `None`).
pub async fn gql(app: &TestApp, query: &str, vars: Value, bearer: Option<&str>) -> Value {
    app.graphql_as(bearer, query, vars).await
}

/// POSTs `query` (no variables) with an optional bearer token and `X-API-Key`.
pub async fn request(
    app: &TestApp,
    bearer: Option<&str>,
    api_key: Option<&str>,
    query: &str,
) -> Value {
    let mut req = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    if let Some(k) = api_key {
        req = req.header("x-api-key", k);
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// The data of a response that must have no errors.
pub fn ok(res: &Value) -> &Value {
    assert!(res.get("errors").is_none(), "unexpected errors: {res}");
    &res["data"]
}

/// `data.<field>` of a response that must have no errors (owned).
pub fn ok_field(res: Value, field: &str) -> Value {
    ok(&res)[field].clone()
}

/// The data of `query` (no variables, anonymous), asserting there are no errors.
pub async fn query_ok(app: &TestApp, query: &str) -> Value {
    ok(&app.graphql(query, json!({})).await).clone()
}

/// The first error's `extensions.code` (empty when there is none).
pub fn code(res: &Value) -> &str {
    res["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// The first error's `extensions.field` (empty when there is none).
pub fn field(res: &Value) -> &str {
    res["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("")
}

/// The first error's message (empty when there is none).
pub fn message(res: &Value) -> &str {
    res["errors"][0]["message"].as_str().unwrap_or("")
}

/// `(extensions.code, extensions.field)` of a response that must have failed with no
/// data (a refused mutation).
pub fn failure(res: &Value) -> (String, Option<String>) {
    let err = &res["errors"][0];
    assert!(err.is_object(), "expected an error: {res}");
    assert!(
        res["data"].is_null(),
        "a failed mutation has no data: {res}"
    );
    (
        err["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        err["extensions"]["field"].as_str().map(str::to_owned),
    )
}

/// The code of a response that must have failed with no data (see [`failure`]).
pub fn refused_code(res: &Value) -> String {
    failure(res).0
}

/// Asserts `res` failed with `expected` (and, when given, `expected_field`) and wrote no
/// data.
pub fn refused(res: &Value, expected: &str, expected_field: Option<&str>) {
    assert_eq!(code(res), expected, "{res}");
    if let Some(f) = expected_field {
        assert_eq!(field(res), f, "{res}");
    }
    assert!(res["data"].is_null(), "{res}");
}

/// The response's errors as `(path joined with dots, code)`, sorted.
pub fn errors(res: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = res["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let path: Vec<String> = e["path"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            (
                path.join("."),
                e["extensions"]["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(path, "FORBIDDEN")` for each path, sorted (to compare with [`errors`]).
pub fn forbidden(paths: &[&str]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = paths
        .iter()
        .map(|p| ((*p).to_owned(), "FORBIDDEN".to_owned()))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------
// Statement counting (SeaORM's metric callback, per domain pool).

/// Runs `query` anonymously, asserting there are no errors, and returns how many SQL
/// statements `domain`'s pool ran for it.
pub async fn statements(app: &TestApp, domain: Domain, query: &str) -> u64 {
    let before = app.db.dbs.metrics().statements(domain);
    ok(&app.graphql(query, json!({})).await);
    app.db.dbs.metrics().statements(domain) - before
}

/// The data of `query` (no variables, anonymous), asserting there are no errors, and the
/// text of every SQL statement it ran, in order.
pub async fn logged_statements(app: &TestApp, query: &str) -> (Value, Vec<String>) {
    app.db.dbs.metrics().start_log();
    let res = app.graphql(query, json!({})).await;
    let log = app.db.dbs.metrics().take_log();
    (ok(&res).clone(), log)
}

/// Runs `query` with the bearer `token`: the response (unchecked) and how many SQL
/// statements `domain`'s pool ran for it.
pub async fn statements_as(
    app: &TestApp,
    domain: Domain,
    token: &str,
    query: &str,
) -> (Value, u64) {
    let before = app.db.dbs.metrics().statements(domain);
    let res = request(app, Some(token), None, query).await;
    (res, app.db.dbs.metrics().statements(domain) - before)
}

// ---------------------------------------------------------------------------------------
// Signing in as each kind of user.

/// A Bellamy access token for the user `Uuid::from_u128(n)` (the Bellamy fixtures' ids).
pub fn bellamy_token(app: &TestApp, n: u128) -> String {
    app.tokens
        .issue(
            Domain::Bellamy,
            &uuid::Uuid::from_u128(n).to_string(),
            api::auth::TokenKind::Access,
            std::time::Duration::from_secs(600),
        )
        .unwrap()
        .token
}

/// Who sends a request (an Atrarium actor signs in with an Atrarium or a PDS token).
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    /// No token.
    Anonymous,
    /// An Atrarium access token for this DID.
    Atrarium(&'a str),
    /// A PDS access token for this DID.
    Pds(&'a str),
    /// A token of another domain.
    Other(Domain, &'a str),
}

/// POSTs `query` with `variables` as `who`.
pub async fn gql_by(app: &TestApp, who: Who<'_>, query: &str, variables: Value) -> Value {
    let bearer = match who {
        Who::Anonymous => None,
        Who::Atrarium(sub) => Some(app.token(Domain::Atrarium, sub).await),
        Who::Pds(sub) => Some(app.token(Domain::Pds, sub).await),
        Who::Other(domain, sub) => Some(app.token(domain, sub).await),
    };
    gql(app, query, variables, bearer.as_deref()).await
}

/// `query` signed in to the PDS as the account `did`.
pub async fn as_account(app: &TestApp, did: &str, query: &str) -> Value {
    request(app, Some(&app.token(Domain::Pds, did).await), None, query).await
}

/// `query` signed in to Orquestra as the user `user_id`.
pub async fn as_user(app: &TestApp, user_id: &str, query: &str) -> Value {
    request(
        app,
        Some(&app.token(Domain::Orquestra, user_id).await),
        None,
        query,
    )
    .await
}

/// `pdsCreateSession` with every field of its payload (`$i` identifier, `$p` password).
pub const PDS_LOGIN: &str = "mutation($i: String!, $p: String!) { pdsCreateSession(identifier: $i, password: $p) { did handle accessToken refreshToken accessExpiresAt refreshExpiresAt } }";

/// Signs in to the PDS by handle or email with [`PASSWORD`]: the `pdsCreateSession`
/// payload (did, handle, tokens and their expiries), asserting it succeeded.
pub async fn pds_login(app: &TestApp, identifier: &str) -> Value {
    let res = gql(
        app,
        PDS_LOGIN,
        json!({ "i": identifier, "p": PASSWORD }),
        None,
    )
    .await;
    assert_eq!(res.get("errors"), None, "{res}");
    res["data"]["pdsCreateSession"].clone()
}

/// Connects a Universe client (`universeConnect` with `client_info`): its identity and
/// session token.
pub async fn universe_connect(app: &TestApp, client_info: &str) -> (String, String) {
    let res = gql(
        app,
        "mutation($c: String) { universeConnect(clientInfo: $c) { identity token } }",
        json!({ "c": client_info }),
        None,
    )
    .await;
    let c = &ok(&res)["universeConnect"];
    (
        c["identity"].as_str().unwrap().to_owned(),
        c["token"].as_str().unwrap().to_owned(),
    )
}

/// A deterministic secp256k1 key for `seed`: the private scalar as the PDS stores it
/// (64 hex characters) and the public key as a Multikey (`zQ3s...`).
pub fn key_pair(seed: &str) -> (String, String) {
    let scalar = <sha2::Sha256 as sha2::Digest>::digest(seed.as_bytes());
    let key = k256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
    let mut public = vec![0xe7, 0x01];
    public.extend_from_slice(key.verifying_key().to_encoded_point(true).as_bytes());
    let hex = scalar.iter().map(|b| format!("{b:02x}")).collect();
    (hex, multibase::encode(multibase::Base::Base58Btc, public))
}

/// The PDS account fixture: an account inserted directly (handle `handle`, email
/// `<handle>@example.com`, password [`PASSWORD`] hashed with cheap scrypt parameters, a
/// real signing key pair, status `status`), with its repo (root `cid(b"genesis")`, rev
/// `3jzfcijpj2z2a`) and genesis operation. Sessions come from [`TestApp::token`] or
/// [`pds_login`].
pub async fn pds_account(
    app: &TestApp,
    did: &str,
    handle: &str,
    status: entity::pds::enums::AccountStatus,
) {
    let db = app.db.get(Domain::Pds);
    let cheap = scrypt::Params::new(4, 8, 1, 32).unwrap();
    let now = chrono::Utc::now();
    let (signing_key_priv, signing_key_pub) = key_pair(did);
    use api::validate::{Cid, Codec};
    use entity::pds::{accounts, plc_operations, repos};
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    accounts::Model {
        did: did.into(),
        handle: handle.into(),
        email: format!("{handle}@example.com"),
        password_hash: api::auth::password::hash_password_with(PASSWORD, cheap).unwrap(),
        signing_key_priv,
        signing_key_pub,
        rotation_key_priv: "11".repeat(32),
        rotation_key_pub: "zQ3shRotation".into(),
        status,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    repos::Model {
        did: did.into(),
        root_cid: Cid::of(Codec::DagCbor, b"genesis").to_string(),
        rev: "3jzfcijpj2z2a".into(),
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
    let genesis = format!("genesis of {did}").into_bytes();
    plc_operations::Model {
        did: did.into(),
        seq: 0,
        cid: Cid::of(Codec::DagCbor, &genesis).to_string(),
        operation: genesis,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
}

/// A short wait in which an unwanted event would have arrived.
pub const QUIET: std::time::Duration = std::time::Duration::from_millis(300);

// ---------------------------------------------------------------------------------------
// The change log of a domain.

/// One expected row: kind, topic, subject.
pub type Row = (&'static str, String, String);

/// Reads a domain's `change_log` as it grows.
pub struct Log<'a> {
    app: &'a TestApp,
    domain: Domain,
    seen: i64,
}

impl<'a> Log<'a> {
    pub fn of(app: &'a TestApp, domain: Domain) -> Self {
        Self {
            app,
            domain,
            seen: 0,
        }
    }

    /// Every row, in `seq` order.
    pub async fn all(&self) -> Vec<entity::change_log::Model> {
        entity::change_log::Entity::find()
            .order_by_asc(entity::change_log::Column::Seq)
            .all(self.app.db.get(self.domain))
            .await
            .unwrap()
    }

    /// Asserts that the rows appended since the last check are exactly `expected`, with
    /// the next sequence numbers; returns them (for their `data` and `actor`).
    pub async fn appended(&mut self, expected: &[Row]) -> Vec<entity::change_log::Model> {
        let rows = entity::change_log::Entity::find()
            .filter(entity::change_log::Column::Seq.gt(self.seen))
            .order_by_asc(entity::change_log::Column::Seq)
            .all(self.app.db.get(self.domain))
            .await
            .unwrap();
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.kind.clone(), r.topic.clone(), r.subject.clone()))
            .collect();
        let want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(k, t, s)| ((*k).to_owned(), t.clone(), s.clone()))
            .collect();
        assert_eq!(got, want, "rows after seq {}", self.seen);
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        let next: Vec<i64> = (self.seen + 1..).take(rows.len()).collect();
        assert_eq!(seqs, next, "sequence numbers continue without a gap");
        self.seen += rows.len() as i64;
        rows
    }

    /// Asserts that nothing was appended since the last check.
    pub async fn nothing(&mut self) {
        self.appended(&[]).await;
    }

    /// Asserts that the whole log is numbered 1..=n and holds `n` rows.
    pub async fn gap_free(&self, n: i64) {
        let seqs: Vec<i64> = self.all().await.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
    }
}

/// The string `v` (which must be one).
pub fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// HTTP GET requests.

/// `GET /graphql` with `params` in its query string.
pub fn get_url(app: &TestApp, params: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    app.url(&format!("/graphql?{query}"))
}

// ---------------------------------------------------------------------------------------
// The `mosaic` binary.

/// `mosaic serve --port 0` on a fresh SQLite data directory; killed, and its directory
/// removed, when dropped.
pub struct Served {
    /// The process.
    pub child: Child,
    /// Where it listens (`host:port`).
    pub addr: String,
    /// Its data directory.
    pub dir: PathBuf,
    /// What it logged so far.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Served {
    /// Starts the binary with `args` after `serve --port 0 --data-dir <fresh dir>` and
    /// waits until it listens.
    pub fn start(args: &[&str]) -> Self {
        Self::start_logging(args, "info")
    }

    /// [`Served::start`] with `RUST_LOG` set to `filter`.
    pub fn start_logging(args: &[&str], filter: &str) -> Self {
        Self::start_with(args, filter, &[])
    }

    /// [`Served::start_logging`] with more environment variables.
    pub fn start_with(args: &[&str], filter: &str, envs: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("mosaic-serve-{}", uuid::Uuid::new_v4()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_mosaic"))
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(&dir)
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("MIMALLOC_ALLOW_THP")
            .envs(envs.iter().copied())
            .env("RUST_LOG", filter)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line.clone());
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    // The address ends at a space, or at the quote of a JSON log line.
                    let addr = rest
                        .split(|c: char| c.is_whitespace() || c == '"')
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(addr);
                }
            }
        });
        // Killed (and cleaned up) on drop, also if it never announces itself.
        let mut served = Self {
            child,
            addr: String::new(),
            dir,
            log,
        };
        served.addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server announces its address");
        served
    }

    /// Waits up to 10 s for a log line containing `needle`; the log so far.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log.lock().unwrap().join("\n");
            if log.contains(needle) {
                return log;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no `{needle}` in:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits up to `limit` for the process to exit; its status, if it did.
    pub fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------------------
// Node.js tools (npm packages pinned by `tests/js/package-lock.json`).

/// `tests/js`: the JS clients, their scripts and their lockfile.
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

/// Signs in to the PDS like [`pds_login`]: (access token, refresh token).
pub async fn pds_tokens(app: &TestApp, identifier: &str) -> (String, String) {
    let s = pds_login(app, identifier).await;
    (
        s["accessToken"].as_str().unwrap().to_owned(),
        s["refreshToken"].as_str().unwrap().to_owned(),
    )
}
