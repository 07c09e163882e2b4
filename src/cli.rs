//! The `mosaic` command line. Every option is also an environment variable.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use api::DbConfig;
use clap::{Args, Parser, Subcommand};
use entity::Domain;

/// Mosaic: one GraphQL API over Atrarium, Orquestra, Bellamy Book, a PDS and Inner Universe.
#[derive(Debug, Parser)]
#[command(name = "mosaic", version, about, long_about = None)]
pub struct Cli {
    /// Storage settings, shared by every command.
    #[command(flatten)]
    pub db: DbArgs,

    /// Log format: `human` (readable lines) or `json` (one JSON object a line); a request's
    /// lines carry its id (`x-request-id`) either way. RUST_LOG filters them.
    #[arg(long, env = "MOSAIC_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines (colours on a terminal).
    Human,
    /// One JSON object a line, for log collectors.
    Json,
}

/// Where the five domains' data lives.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database for all five domains: `postgres://user@host/db` (a schema per domain) or
    /// `sqlite://DIR` (a file per domain in DIR). Default: SQLite files in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Directory of the SQLite files when no database URL is given.
    #[arg(long, env = "MOSAIC_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Atrarium's own database (overrides DATABASE_URL; for SQLite, the file itself).
    #[arg(
        long,
        env = "ATRARIUM_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub atrarium_database_url: Option<String>,

    /// Orquestra's own database (overrides DATABASE_URL; for SQLite, the file itself).
    #[arg(
        long,
        env = "ORQUESTRA_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub orquestra_database_url: Option<String>,

    /// Bellamy Book's own database (overrides DATABASE_URL; for SQLite, the file itself).
    #[arg(
        long,
        env = "BELLAMY_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub bellamy_database_url: Option<String>,

    /// The PDS's own database (overrides DATABASE_URL; for SQLite, the file itself).
    #[arg(long, env = "PDS_DATABASE_URL", global = true, hide_env_values = true)]
    pub pds_database_url: Option<String>,

    /// Inner Universe's own database (overrides DATABASE_URL; for SQLite, the file itself).
    #[arg(
        long,
        env = "UNIVERSE_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub universe_database_url: Option<String>,

    /// Secret that signs every token (at least 32 bytes). Default: generated once into
    /// `<data dir>/token-secret`. Give every instance of one deployment the same value.
    #[arg(
        long,
        env = "MOSAIC_TOKEN_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub token_secret: Option<String>,

    /// Maximum connections in each domain's pool.
    #[arg(
        long,
        env = "MOSAIC_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// Longest a request waits for a database connection, in seconds (and on SQLite for a
    /// lock another process holds on the file); then it fails with SERVICE_UNAVAILABLE
    /// (HTTP 503), which clients may retry.
    #[arg(
        long,
        env = "MOSAIC_DB_ACQUIRE_TIMEOUT",
        default_value_t = api::db::DEFAULT_ACQUIRE_TIMEOUT.as_secs(),
        global = true
    )]
    pub db_acquire_timeout: u64,

    /// Most GraphQL subscriptions running at once on this server, over all connections
    /// and domains; one more is refused with `TOO_MANY_SUBSCRIPTIONS`.
    #[arg(
        long,
        env = "MOSAIC_MAX_SUBSCRIPTIONS",
        default_value_t = api::events::DEFAULT_MAX_SUBSCRIPTIONS,
        global = true
    )]
    pub max_subscriptions: usize,
}

impl DbArgs {
    /// Whether the storage is a fresh data directory: SQLite files in --data-dir (no
    /// database URL for any domain) and no database file there yet.
    pub fn fresh_data_dir(&self) -> bool {
        let urls = [
            &self.database_url,
            &self.atrarium_database_url,
            &self.orquestra_database_url,
            &self.bellamy_database_url,
            &self.pds_database_url,
            &self.universe_database_url,
        ];
        if urls.iter().any(|u| u.is_some()) {
            return false;
        }
        match std::fs::read_dir(&self.data_dir) {
            Ok(entries) => !entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "db")),
            Err(_) => true,
        }
    }

    /// The token signer: the configured secret, or the one in the data directory.
    pub fn tokens(&self) -> Result<api::auth::Tokens, api::auth::SecretError> {
        let secret = match &self.token_secret {
            Some(s) => api::auth::Secret::from_config(s)?,
            None => api::auth::Secret::load_or_create(&self.data_dir)?,
        };
        Ok(api::auth::Tokens::new(&secret))
    }

    /// The storage configuration these options describe.
    pub fn config(&self) -> DbConfig {
        let overrides: BTreeMap<Domain, String> = [
            (Domain::Atrarium, &self.atrarium_database_url),
            (Domain::Orquestra, &self.orquestra_database_url),
            (Domain::Bellamy, &self.bellamy_database_url),
            (Domain::Pds, &self.pds_database_url),
            (Domain::Universe, &self.universe_database_url),
        ]
        .into_iter()
        .filter_map(|(d, url)| url.clone().map(|u| (d, u)))
        .collect();
        DbConfig {
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            overrides,
            max_connections: self.db_max_connections.max(1),
            statement_timeout: None,
            acquire_timeout: std::time::Duration::from_secs(self.db_acquire_timeout.max(1)),
            max_subscriptions: self.max_subscriptions.max(1),
        }
    }
}

/// Mosaic's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (GraphQL at /graphql, GraphiQL on GET /graphql, /healthz).
    Serve(Box<ServeArgs>),
    /// Inspect or change the database schema of one domain or all of them.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Print the GraphQL schema (SDL); `schema.graphql` is its output.
    Schema,
    /// Apply migrations, then fill every empty domain with a small linked demo data set;
    /// with `--scale N`, with large generated data for benchmarks instead.
    Seed(SeedArgs),
    /// Mint a session token (operator command; the seam where OAuth plugs in).
    #[command(subcommand)]
    Token(TokenCommand),
}

/// Options of `mosaic seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Generate scale data instead of the demo data: N = 1 is 10k Orquestra users with
    /// 250k IDL versions, 500k Atrarium posts, 1M Inner Universe events and more (see
    /// BENCHMARKS.md); fractions such as 0.01 scale every count down linearly. Domains
    /// holding data are refused unless --force is given.
    #[arg(long, value_name = "N")]
    pub scale: Option<f64>,

    /// Seed of the scale data's random numbers: the same N and seed give the same data.
    #[arg(long, default_value_t = 1, requires = "scale")]
    pub seed: u64,

    /// Only this domain (scale data).
    #[arg(long, value_parser = parse_domain, requires = "scale")]
    pub domain: Option<Domain>,

    /// Recreate domains that already hold data (deletes it) instead of refusing them.
    #[arg(long, requires = "scale")]
    pub force: bool,
}

/// Options of `mosaic serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,

    /// Do not apply pending migrations on start.
    #[arg(long, env = "MOSAIC_NO_MIGRATE")]
    pub no_migrate: bool,

    /// Fill every empty domain with demo data on start (implies migrating). Without it,
    /// demo data goes only into a fresh data directory (SQLite, no database URL, no
    /// database file yet), unless --no-demo.
    #[arg(long, env = "MOSAIC_DEMO", conflicts_with_all = ["no_migrate", "no_demo"])]
    pub demo: bool,

    /// Never seed demo data, not even into a fresh data directory.
    #[arg(long, env = "MOSAIC_NO_DEMO")]
    pub no_demo: bool,

    /// Query limits.
    #[command(flatten)]
    pub limits: LimitArgs,

    /// Origins allowed to call the API from a browser (CORS), comma-separated; `*` for
    /// any. Default: none, so browsers keep to the same origin.
    #[arg(long, env = "MOSAIC_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Turn off introspection and "did you mean" suggestions (for production).
    #[arg(long, env = "MOSAIC_NO_INTROSPECTION")]
    pub no_introspection: bool,

    /// Largest request body in bytes, after decompression.
    #[arg(long, env = "MOSAIC_BODY_LIMIT", default_value_t = api::http::HttpOptions::default().body_limit)]
    pub body_limit: usize,

    /// Most operations in one batched request.
    #[arg(long, env = "MOSAIC_MAX_BATCH", default_value_t = api::http::HttpOptions::default().max_batch)]
    pub max_batch: usize,

    /// Longest a request may run, in seconds (its SQL is cancelled with it on PostgreSQL).
    #[arg(long, env = "MOSAIC_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,

    /// Most queries and mutations sent over HTTP executing at once (0: no limit); the
    /// others wait their turn, first come first served, within their request timeout.
    /// Bounds the memory a burst of clients takes.
    #[arg(long, env = "MOSAIC_MAX_RUNNING", default_value_t = 0)]
    pub max_running: usize,

    /// Largest total cost (the objects their responses can hold, as the complexity limit
    /// counts them) of the queries and mutations sent over HTTP executing at once (0: no
    /// limit); the others wait their turn, first come first served, within their request
    /// timeout. One costing more runs alone. Bounds the memory and CPU a burst of large
    /// queries takes, without holding back small ones.
    #[arg(long, env = "MOSAIC_MAX_RUNNING_COST", default_value_t = api::http::DEFAULT_MAX_RUNNING_COST)]
    pub max_running_cost: u64,

    /// Most memory the cache of parsed documents takes, in MiB (0: parse every request's
    /// document). Clients send the same documents again and again; a cached one is not
    /// parsed again.
    #[arg(long, env = "MOSAIC_DOCUMENT_CACHE_MB", default_value_t = 16)]
    pub document_cache_mb: usize,

    /// Longest a client may take to send a request's headers, in seconds (slowloris).
    #[arg(long, env = "MOSAIC_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,

    /// Longest a kept-alive connection may sit idle, in seconds.
    #[arg(long, env = "MOSAIC_IDLE_TIMEOUT", default_value_t = 60)]
    pub idle_timeout: u64,

    /// Longest shutdown (SIGTERM, SIGINT) waits, in seconds, for requests in flight and for
    /// WebSockets to complete their subscriptions and close; then the process exits.
    #[arg(long, env = "MOSAIC_SHUTDOWN_GRACE", default_value_t = api::server::ServerTimeouts::default().shutdown_grace.as_secs())]
    pub shutdown_grace: u64,

    /// Longest a WebSocket client (/graphql/ws) may take to send `connection_init`, in
    /// seconds; then the socket is closed with 4408.
    #[arg(long, env = "MOSAIC_WS_INIT_TIMEOUT", default_value_t = api::http::HttpOptions::default().ws_init_timeout.as_secs())]
    pub ws_init_timeout: u64,

    /// Most operations running at once on one WebSocket connection; one more is answered
    /// with an `error` message (code TOO_MANY_SUBSCRIPTIONS).
    #[arg(long, env = "MOSAIC_WS_MAX_OPERATIONS", default_value_t = api::http::HttpOptions::default().ws_max_operations)]
    pub ws_max_operations: usize,

    /// Most WebSocket connections open at once; more are refused with 503.
    #[arg(long, env = "MOSAIC_WS_MAX_CONNECTIONS", default_value_t = api::http::HttpOptions::default().ws_max_connections)]
    pub ws_max_connections: usize,

    /// Seconds between the server's pings to a WebSocket client; a client silent for two
    /// intervals, or not reading for one, is disconnected.
    #[arg(long, env = "MOSAIC_WS_KEEPALIVE", default_value_t = api::http::HttpOptions::default().ws_keepalive.as_secs())]
    pub ws_keepalive: u64,

    /// Seconds between checks that an open WebSocket's credentials still stand (a
    /// session not ended, a user or API key not deleted); they are also checked before
    /// every operation, and at once when this server revokes one.
    #[arg(long, env = "MOSAIC_WS_CREDENTIAL_CHECK", default_value_t = api::http::HttpOptions::default().ws_credential_check.as_secs())]
    pub ws_credential_check: u64,

    /// The `node_modules` directory holding GraphiQL's code (`npm ci` in api/graphiql);
    /// without it the playground loads GraphiQL from a public CDN.
    #[arg(long, env = "MOSAIC_GRAPHIQL_DIR", default_value_os_t = api::graphiql::Assets::default_dir())]
    pub graphiql_dir: std::path::PathBuf,

    /// Hours the subscription logs (change logs, the PDS sequencer) keep their events for
    /// subscribers resuming from a cursor; older cursors get OUTDATED_CURSOR. 0 keeps
    /// everything. Inner Universe's event log, the audit trail, is never pruned.
    #[arg(long, env = "MOSAIC_LOG_RETENTION_HOURS", default_value_t = api::events::retention::DEFAULT_RETENTION.as_secs() / 3600)]
    pub log_retention_hours: u64,

    /// Documents the automatic persisted queries store remembers (Apollo's protocol: a
    /// client sends a sha256 hash, and the document only when the hash is unknown); the
    /// least recently used go first. 0 turns automatic persisted queries off.
    #[arg(long, env = "MOSAIC_APQ_CACHE_SIZE", default_value_t = api::persisted::DEFAULT_CACHE_ENTRIES)]
    pub apq_cache_size: usize,

    /// Trusted-documents mode: run only the documents of --persisted-manifest (by hash or
    /// exact text), over HTTP and the WebSocket; anything else gets
    /// PERSISTED_QUERY_NOT_ALLOWED (GraphiQL and introspection included).
    #[arg(long, env = "MOSAIC_PERSISTED_ONLY", requires = "persisted_manifest")]
    pub persisted_only: bool,

    /// The trusted documents: a JSON file mapping sha256 hashes to documents (GraphQL Code
    /// Generator's `persisted-documents.json`) or Apollo's persisted query manifest.
    #[arg(long, env = "MOSAIC_PERSISTED_MANIFEST", requires = "persisted_only")]
    pub persisted_manifest: Option<PathBuf>,
}

impl ServeArgs {
    /// How long the subscription logs keep their events (`None`: forever).
    pub fn log_retention(&self) -> Option<std::time::Duration> {
        (self.log_retention_hours > 0)
            .then(|| std::time::Duration::from_secs(self.log_retention_hours.saturating_mul(3600)))
    }

    /// The connection timeouts these arguments describe.
    pub fn timeouts(&self) -> api::server::ServerTimeouts {
        api::server::ServerTimeouts {
            header_read: std::time::Duration::from_secs(self.header_timeout.max(1)),
            idle: std::time::Duration::from_secs(self.idle_timeout.max(1)),
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace),
        }
    }

    /// The HTTP options these arguments describe.
    pub fn http_options(&self) -> api::http::HttpOptions {
        api::http::HttpOptions {
            cors_origins: self.cors_origins.clone(),
            limits: self.limits.limits(),
            document: api::guard::DocumentLimits::default(),
            body_limit: self.body_limit,
            max_batch: self.max_batch.max(1),
            request_timeout: std::time::Duration::from_secs(self.request_timeout.max(1)),
            max_running: self.max_running,
            max_running_cost: self.max_running_cost,
            document_cache: self.document_cache_mb.saturating_mul(1 << 20),
            introspection: !self.no_introspection,
            ws_init_timeout: std::time::Duration::from_secs(self.ws_init_timeout.max(1)),
            ws_max_operations: self.ws_max_operations.max(1),
            ws_max_connections: self.ws_max_connections.max(1),
            ws_keepalive: std::time::Duration::from_secs(self.ws_keepalive.max(1)),
            ws_credential_check: std::time::Duration::from_secs(self.ws_credential_check.max(1)),
            graphiql_dir: self.graphiql_dir.clone(),
            persisted: api::persisted::PersistedOptions {
                cache_entries: self.apq_cache_size,
                only: None,
            },
        }
    }

    /// The trusted documents of --persisted-only, read from --persisted-manifest.
    pub fn trusted_documents(
        &self,
    ) -> Result<Option<std::sync::Arc<api::persisted::Manifest>>, api::persisted::ManifestError>
    {
        match (&self.persisted_manifest, self.persisted_only) {
            (Some(path), true) => {
                api::persisted::Manifest::load(path).map(|m| Some(std::sync::Arc::new(m)))
            }
            _ => Ok(None),
        }
    }
}

/// Limits every GraphQL query is checked against before it runs.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Deepest selection nesting a query may have.
    #[arg(long, env = "MOSAIC_MAX_DEPTH", default_value_t = api::schema::Limits::default().depth)]
    pub max_depth: usize,

    /// Highest query cost: the objects a response may hold at most (scalar fields cost
    /// nothing, an object 1 per parent, a list its page size per parent; see README).
    #[arg(long, env = "MOSAIC_MAX_COMPLEXITY", default_value_t = api::schema::Limits::default().complexity)]
    pub max_complexity: usize,

    /// Deepest recursion of fragments and nested input values.
    #[arg(long, env = "MOSAIC_MAX_RECURSIVE_DEPTH", default_value_t = api::schema::Limits::default().recursive_depth)]
    pub max_recursive_depth: usize,

    /// Most directives on one field.
    #[arg(long, env = "MOSAIC_MAX_DIRECTIVES", default_value_t = api::schema::Limits::default().directives)]
    pub max_directives: usize,
}

impl LimitArgs {
    /// The limits these options describe.
    pub fn limits(&self) -> api::schema::Limits {
        api::schema::Limits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            recursive_depth: self.max_recursive_depth,
            directives: self.max_directives,
        }
    }
}

/// `mosaic token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// An access token for an Orquestra user (GitHub OAuth cannot run here).
    Orquestra {
        /// The user's id.
        #[arg(long)]
        user: String,
        /// Hours the token stays valid.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
}

/// `mosaic migrate ...`.
#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Apply pending migrations.
    Up {
        /// Only this domain.
        #[arg(long, value_parser = parse_domain)]
        domain: Option<Domain>,
        /// Apply at most this many migrations per domain (default: all).
        #[arg(long)]
        steps: Option<u32>,
    },
    /// Roll back applied migrations (one per domain unless told otherwise).
    Down {
        /// Only this domain.
        #[arg(long, value_parser = parse_domain)]
        domain: Option<Domain>,
        /// Roll back this many migrations per domain.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back every migration (empties the domain).
        #[arg(long)]
        all: bool,
    },
    /// Show which migrations are applied and which are pending.
    Status {
        /// Only this domain.
        #[arg(long, value_parser = parse_domain)]
        domain: Option<Domain>,
    },
    /// Drop every table, then apply all migrations (destroys the data).
    Fresh {
        /// Only this domain.
        #[arg(long, value_parser = parse_domain)]
        domain: Option<Domain>,
    },
}

fn parse_domain(s: &str) -> Result<Domain, String> {
    s.parse().map_err(|e: entity::UnknownDomain| e.to_string())
}

/// The domains a `--domain` option selects.
pub fn selected(domain: Option<Domain>) -> Vec<Domain> {
    domain.map_or_else(|| Domain::ALL.to_vec(), |d| vec![d])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn serve_args(args: &[&str]) -> ServeArgs {
        let argv = ["mosaic", "serve"].iter().chain(args).copied();
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Serve(args) => *args,
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn websocket_options_come_from_flags() {
        let defaults = serve_args(&[]).http_options();
        assert_eq!(
            (
                defaults.ws_init_timeout,
                defaults.ws_max_operations,
                defaults.ws_max_connections,
                defaults.ws_keepalive,
            ),
            {
                let d = api::http::HttpOptions::default();
                (
                    d.ws_init_timeout,
                    d.ws_max_operations,
                    d.ws_max_connections,
                    d.ws_keepalive,
                )
            }
        );
        let options = serve_args(&[
            "--ws-init-timeout",
            "3",
            "--ws-max-operations",
            "7",
            "--ws-max-connections",
            "9",
            "--ws-keepalive",
            "0",
        ])
        .http_options();
        assert_eq!(options.ws_init_timeout, std::time::Duration::from_secs(3));
        assert_eq!(options.ws_max_operations, 7);
        assert_eq!(options.ws_max_connections, 9);
        assert_eq!(options.ws_keepalive, std::time::Duration::from_secs(1));
        let ws = options.ws();
        assert_eq!(ws.max_message, options.body_limit);
        assert_eq!(ws.request_timeout, options.request_timeout);
    }

    #[test]
    fn the_acquire_timeout_comes_from_a_flag() {
        let config = |args: &[&str]| {
            let argv = ["mosaic"].iter().chain(args).copied();
            Cli::try_parse_from(argv).unwrap().db.config()
        };
        assert_eq!(
            config(&["schema"]).acquire_timeout,
            api::db::DEFAULT_ACQUIRE_TIMEOUT
        );
        assert_eq!(
            config(&["serve", "--db-acquire-timeout", "7"]).acquire_timeout,
            std::time::Duration::from_secs(7)
        );
        assert_eq!(
            config(&["serve", "--db-acquire-timeout", "0"]).acquire_timeout,
            std::time::Duration::from_secs(1)
        );
    }

    #[test]
    fn demo_data_goes_only_into_a_fresh_data_directory_unless_told() {
        let dir = std::env::temp_dir().join(format!("mosaic-cli-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dir_arg = dir.to_str().unwrap().to_owned();
        let cli = |args: &[&str]| {
            let head = ["mosaic", "--data-dir", dir_arg.as_str(), "serve"];
            let mut cli = Cli::try_parse_from(head.iter().chain(args).copied()).unwrap();
            // Not from the environment (the tests may run with a DATABASE_URL).
            if !args.contains(&"--database-url") {
                cli.db.database_url = None;
            }
            cli
        };
        assert!(cli(&[]).db.fresh_data_dir());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("token-secret"), "x").unwrap();
        assert!(cli(&[]).db.fresh_data_dir());
        std::fs::write(dir.join("orquestra.db"), "").unwrap();
        assert!(!cli(&[]).db.fresh_data_dir());
        std::fs::remove_file(dir.join("orquestra.db")).unwrap();
        assert!(
            !cli(&["--database-url", "postgres://x/y"])
                .db
                .fresh_data_dir()
        );
        assert!(Cli::try_parse_from(["mosaic", "serve", "--demo", "--no-demo"]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_log_format_comes_from_a_flag() {
        let format = |args: &[&str]| {
            let argv = ["mosaic"].iter().chain(args).copied();
            Cli::try_parse_from(argv).unwrap().log_format
        };
        assert_eq!(format(&["serve"]), LogFormat::Human);
        assert_eq!(format(&["serve", "--log-format", "json"]), LogFormat::Json);
        assert!(Cli::try_parse_from(["mosaic", "--log-format", "xml", "serve"]).is_err());
    }

    #[test]
    fn the_shutdown_grace_comes_from_a_flag() {
        assert_eq!(
            serve_args(&[]).timeouts(),
            api::server::ServerTimeouts::default()
        );
        let timeouts = serve_args(&["--shutdown-grace", "5"]).timeouts();
        assert_eq!(timeouts.shutdown_grace, std::time::Duration::from_secs(5));
    }

    #[test]
    fn log_retention_is_a_week_by_default_in_hours_and_zero_keeps_everything() {
        assert_eq!(
            serve_args(&[]).log_retention(),
            Some(api::events::retention::DEFAULT_RETENTION)
        );
        assert_eq!(
            serve_args(&["--log-retention-hours", "72"]).log_retention(),
            Some(std::time::Duration::from_secs(72 * 3600))
        );
        assert_eq!(
            serve_args(&["--log-retention-hours", "0"]).log_retention(),
            None
        );
    }
}
