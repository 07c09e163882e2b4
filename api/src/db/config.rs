//! Where each domain's storage is: the configuration, its targets and its errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::DEFAULT_ACQUIRE_TIMEOUT;
use entity::Domain;
use sea_orm::DbErr;

/// Where each domain's data lives.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// The URL serving all five domains; `None` means SQLite files in `data_dir`.
    pub database_url: Option<String>,
    /// Directory of the SQLite files when no URL is given.
    pub data_dir: PathBuf,
    /// Per-domain URLs that take precedence over `database_url`.
    pub overrides: BTreeMap<Domain, String>,
    /// Maximum connections per domain pool (SQLite in-memory pools always use one).
    pub max_connections: u32,
    /// PostgreSQL `statement_timeout`: the server cancels longer statements.
    pub statement_timeout: Option<Duration>,
    /// Longest a request waits for a pool connection (opening one if needed) and, on
    /// SQLite, for a lock another process holds on the file (the busy timeout) before it
    /// fails with `SERVICE_UNAVAILABLE`.
    pub acquire_timeout: Duration,
    /// Most subscriptions running at once on this server, over all domains.
    pub max_subscriptions: usize,
}

impl DbConfig {
    /// SQLite files in `data_dir`, no overrides.
    pub fn sqlite_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: None,
            data_dir: data_dir.into(),
            overrides: BTreeMap::new(),
            max_connections: 10,
            statement_timeout: None,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            max_subscriptions: crate::events::DEFAULT_MAX_SUBSCRIPTIONS,
        }
    }

    /// The same URL for every domain.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            database_url: Some(url.into()),
            ..Self::sqlite_dir("data")
        }
    }

    /// Where `domain` is stored.
    pub fn target(&self, domain: Domain) -> Result<Target, DbError> {
        if let Some(url) = self.overrides.get(&domain) {
            return Target::parse(url, domain, true);
        }
        match &self.database_url {
            Some(url) => Target::parse(url, domain, false),
            None => Ok(Target::SqliteFile(domain_file(&self.data_dir, domain))),
        }
    }
}

fn domain_file(dir: &Path, domain: Domain) -> PathBuf {
    dir.join(format!("{}.db", domain.name()))
}

/// A resolved storage location of one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A PostgreSQL database URL; the domain uses the schema named after it.
    Postgres(String),
    /// A SQLite database file.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database.
    SqliteMemory,
}

impl Target {
    /// Reads a URL. A shared SQLite URL names a directory; an override names the file.
    fn parse(url: &str, domain: Domain, is_override: bool) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let Some(rest) = url.strip_prefix("sqlite:") else {
            return Err(DbError::UnsupportedUrl(redact(url)));
        };
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or_default();
        if path == ":memory:" || url.contains("mode=memory") {
            return Ok(Target::SqliteMemory);
        }
        if path.is_empty() {
            return Err(DbError::UnsupportedUrl(redact(url)));
        }
        Ok(if is_override {
            Target::SqliteFile(PathBuf::from(path))
        } else {
            Target::SqliteFile(domain_file(Path::new(path), domain))
        })
    }
}

/// Hides a password in a URL before it is shown anywhere.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// What can go wrong when opening storage.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names a backend Mosaic does not support.
    #[error(
        "unsupported database URL `{0}` (expected postgres://..., sqlite://DIR or sqlite::memory:)"
    )]
    UnsupportedUrl(String),
    /// The SQLite data directory could not be created.
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Connecting or preparing the domain's storage failed.
    #[error("{domain}: {source}")]
    Connect {
        /// The domain being opened.
        domain: Domain,
        /// Why.
        source: DbErr,
    },
    /// A migration failed.
    #[error("{domain}: migration failed: {source}")]
    Migrate {
        /// The domain being migrated.
        domain: Domain,
        /// Why.
        source: DbErr,
    },
}
