//! Test harness: fresh databases per test on either backend, the real router on a free
//! port, and readers of the database catalog.
//!
//! The backend is chosen by `DATABASE_URL`: unset (or `sqlite:...`) gives every domain a
//! private in-memory SQLite database; `postgres://...` creates a fresh PostgreSQL database
//! `mosaic_test_<uuid>` per test (a schema per domain inside it) and drops it afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use api::{Databases, DbConfig};
use entity::Domain;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement};

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

/// The password of accounts made by [`TestApp::pds_account`].
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
    /// A PDS account `did` (handle `<name>.test`, email `<name>@example.com`, password
    /// [`PASSWORD`] hashed with cheap scrypt parameters, status `status`) with no
    /// repository or sessions.
    pub async fn pds_account(&self, did: &str, status: entity::pds::enums::AccountStatus) {
        use sea_orm::ActiveModelTrait;
        let name = did.rsplit(':').next().unwrap_or(did);
        entity::pds::accounts::ActiveModel {
            did: sea_orm::Set(did.to_owned()),
            handle: sea_orm::Set(format!("{name}.test")),
            email: sea_orm::Set(format!("{name}@example.com")),
            password_hash: sea_orm::Set(
                api::auth::password::hash_password_with(
                    PASSWORD,
                    scrypt::Params::new(4, 8, 1, 32).unwrap(),
                )
                .unwrap(),
            ),
            signing_key_priv: sea_orm::Set("00".repeat(32)),
            signing_key_pub: sea_orm::Set("zQ3shSigning".to_owned()),
            rotation_key_priv: sea_orm::Set("11".repeat(32)),
            rotation_key_pub: sea_orm::Set("zQ3shRotation".to_owned()),
            status: sea_orm::Set(status),
            created_at: sea_orm::Set(chrono::Utc::now()),
        }
        .insert(self.db.get(Domain::Pds))
        .await
        .unwrap();
    }

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
