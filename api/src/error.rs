//! The API's one error type. Every error reaching a client carries a stable
//! `extensions.code`; internal details (SQL, I/O) are logged with a request-scoped id and
//! never sent.
//!
//! Resolvers turn a failed result into a GraphQL error with `.extend()` ([`ResultExt`],
//! the one idiom for it: it takes an [`ApiError`] or anything that converts into one, such
//! as a [`DbErr`]); a plain `?` would lose the code, because async-graphql converts any
//! `Display` type into a code-less error. An [`ApiError`] value on its own becomes a
//! GraphQL error with [`ErrorExtensions::extend`].

use std::io::ErrorKind;

use async_graphql::ErrorExtensions;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, SqlErr};

/// Something a request could not do.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ApiError {
    /// The object does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(String),
    /// The input is invalid; `field` names the offending argument or input field.
    #[error("{message}")]
    BadUserInput {
        /// What is wrong, for a human.
        message: String,
        /// The argument or input field at fault, as the client spelled it.
        field: Option<String>,
    },
    /// The write collides with existing data (a unique key, a stale version).
    #[error("{0}")]
    Conflict(String),
    /// The request needs an identity and has none (or an invalid one).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A subscription's cursor is older than the log keeps: replaying from it would skip
    /// events, so the client must start again from a fresh read.
    #[error("{0}")]
    OutdatedCursor(String),
    /// A cap on concurrently running operations (subscriptions) is reached.
    #[error("{0}")]
    TooManySubscriptions(String),
    /// The database cannot serve the request right now (unreachable, restarting, out of
    /// connections, locked past the busy timeout): nothing was done that the client can
    /// see fail half-way, and the same request may be retried.
    #[error("the database is unavailable; retry")]
    ServiceUnavailable,
    /// Anything else: logged in full, answered as `INTERNAL` with an id to quote.
    #[error("internal error (id {id})")]
    Internal {
        /// The id under which the detail was logged.
        id: String,
    },
}

impl ApiError {
    /// The stable `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput { .. } => "BAD_USER_INPUT",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::OutdatedCursor(_) => "OUTDATED_CURSOR",
            ApiError::TooManySubscriptions(_) => "TOO_MANY_SUBSCRIPTIONS",
            ApiError::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ApiError::Internal { .. } => "INTERNAL",
        }
    }

    /// A `BAD_USER_INPUT` about `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadUserInput {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// Logs `detail` under a fresh id and returns the masked error.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let id = new_error_id();
        tracing::error!(error_id = %id, "internal error: {detail}");
        ApiError::Internal { id }
    }
}

fn new_error_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("{t:x}-{n:x}")
}

/// Why the database cannot serve a request right now ([`outage`]). Every one is
/// transient: the same request may succeed once the database is back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Outage {
    /// Connecting was refused: the server is down or not listening yet.
    #[error("connection refused")]
    Refused,
    /// An open connection broke (reset, closed, end of stream).
    #[error("connection lost")]
    Lost,
    /// No connection came free, and none could be opened, within the acquire timeout.
    #[error("timeout")]
    Timeout,
    /// The pool is closed (the server is shutting down).
    #[error("pool closed")]
    PoolClosed,
    /// PostgreSQL reported a connection exception (SQLSTATE class 08).
    #[error("connection exception")]
    Connection,
    /// PostgreSQL is shutting down or starting up (57P01, 57P02, 57P03).
    #[error("server restarting")]
    Restarting,
    /// PostgreSQL has no connection slot left (53300).
    #[error("too many connections")]
    TooManyConnections,
    /// SQLite: another connection holds the lock past the busy timeout (SQLITE_BUSY,
    /// SQLITE_LOCKED).
    #[error("database locked")]
    Locked,
}

/// Whether `err` means the database is unavailable (and by how), rather than that the
/// statement itself failed. Everything not listed under [`Outage`] is `None`.
pub fn outage(err: &DbErr) -> Option<Outage> {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => Some(Outage::Timeout),
        DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed) => Some(Outage::PoolClosed),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => sqlx_outage(e),
        _ => None,
    }
}

fn sqlx_outage(err: &sea_orm::sqlx::Error) -> Option<Outage> {
    use sea_orm::sqlx::Error;
    match err {
        Error::PoolTimedOut => Some(Outage::Timeout),
        Error::PoolClosed => Some(Outage::PoolClosed),
        Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => Some(Outage::Refused),
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof
            | ErrorKind::TimedOut => Some(Outage::Lost),
            _ => None,
        },
        Error::Database(db) => {
            let code = db.code()?;
            if db
                .try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                postgres_outage(&code)
            } else if db
                .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                sqlite_outage(&code)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A PostgreSQL SQLSTATE that means the server cannot serve connections right now.
fn postgres_outage(sqlstate: &str) -> Option<Outage> {
    match sqlstate {
        "57P01" | "57P02" | "57P03" => Some(Outage::Restarting),
        "53300" => Some(Outage::TooManyConnections),
        s if s.starts_with("08") => Some(Outage::Connection),
        _ => None,
    }
}

/// A SQLite (extended) result code whose primary code is SQLITE_BUSY (5) or
/// SQLITE_LOCKED (6): the lock was still held when the busy timeout ran out.
fn sqlite_outage(code: &str) -> Option<Outage> {
    let primary = code.parse::<i32>().ok()? & 0xff;
    matches!(primary, 5 | 6).then_some(Outage::Locked)
}

impl From<DbErr> for ApiError {
    /// An outage ([`outage`]) becomes `SERVICE_UNAVAILABLE`; unique violations become
    /// `CONFLICT`, foreign-key violations `BAD_USER_INPUT`; everything else is logged and
    /// masked. SQL text never reaches the client.
    fn from(err: DbErr) -> Self {
        if let Some(outage) = outage(&err) {
            tracing::warn!("database unavailable ({outage}): {err}");
            return ApiError::ServiceUnavailable;
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                tracing::debug!("unique violation: {err}");
                ApiError::Conflict("a record with the same unique key already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                tracing::debug!("foreign key violation: {err}");
                ApiError::BadUserInput {
                    message: "a referenced record does not exist (or is still referenced)".into(),
                    field: None,
                }
            }
            _ => ApiError::internal(err),
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| {
            e.set("code", self.code());
            if let ApiError::BadUserInput {
                field: Some(field), ..
            } = self
            {
                e.set("field", field.as_str());
            }
            if let ApiError::Internal { id } = self {
                e.set("errorId", id.as_str());
            }
        })
    }
}

/// Result of a service call.
pub type ApiResult<T> = Result<T, ApiError>;

/// Turns a service result into a resolver result, keeping the error's stable code:
/// `service::create(db, input).await.extend()?`. Implemented for every error that
/// converts into an [`ApiError`] (a [`DbErr`] is masked and logged on the way).
pub trait ResultExt<T> {
    /// The same result, its error as a GraphQL error with `extensions.code`.
    fn extend(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<ApiError>> ResultExt<T> for Result<T, E> {
    fn extend(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().extend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_set_as_extensions() {
        let e = ApiError::bad_input("first", "too many").extend();
        let ext = e.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(ext.get("field"), Some(&async_graphql::Value::from("first")));
        assert_eq!(e.message, "too many");
    }

    fn sqlx(err: sea_orm::sqlx::Error) -> RuntimeErr {
        RuntimeErr::SqlxError(std::sync::Arc::new(err))
    }

    fn io(kind: ErrorKind) -> RuntimeErr {
        sqlx(sea_orm::sqlx::Error::Io(std::io::Error::from(kind)))
    }

    #[test]
    fn lost_and_refused_connections_and_pool_failures_are_outages() {
        use sea_orm::sqlx::Error;
        let cases = [
            (
                DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
                Outage::Timeout,
            ),
            (
                DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
                Outage::PoolClosed,
            ),
            (DbErr::Conn(sqlx(Error::PoolTimedOut)), Outage::Timeout),
            (DbErr::Conn(sqlx(Error::PoolClosed)), Outage::PoolClosed),
            (
                DbErr::Conn(io(ErrorKind::ConnectionRefused)),
                Outage::Refused,
            ),
            (DbErr::Query(io(ErrorKind::ConnectionReset)), Outage::Lost),
            (DbErr::Exec(io(ErrorKind::UnexpectedEof)), Outage::Lost),
            (DbErr::Exec(io(ErrorKind::BrokenPipe)), Outage::Lost),
            (DbErr::Query(io(ErrorKind::ConnectionAborted)), Outage::Lost),
        ];
        for (err, expected) in cases {
            assert_eq!(outage(&err), Some(expected), "{err}");
            let api = ApiError::from(err);
            assert_eq!(api.code(), "SERVICE_UNAVAILABLE");
            assert_eq!(api.to_string(), "the database is unavailable; retry");
        }
    }

    #[test]
    fn other_failures_are_not_outages() {
        use sea_orm::sqlx::Error;
        for err in [
            DbErr::Custom("boom".into()),
            DbErr::Conn(RuntimeErr::Internal("Disconnected".into())),
            DbErr::Query(io(ErrorKind::InvalidData)),
            DbErr::Query(io(ErrorKind::PermissionDenied)),
            DbErr::Query(sqlx(Error::RowNotFound)),
            DbErr::Query(sqlx(Error::WorkerCrashed)),
            DbErr::Query(sqlx(Error::Protocol("unexpected message".into()))),
            DbErr::RecordNotFound("x".into()),
        ] {
            assert_eq!(outage(&err), None, "{err}");
            assert_eq!(ApiError::from(err).code(), "INTERNAL");
        }
    }

    #[test]
    fn postgres_connection_exceptions_shutdowns_and_full_servers_are_outages() {
        for (state, expected) in [
            ("08000", Some(Outage::Connection)),
            ("08003", Some(Outage::Connection)),
            ("08006", Some(Outage::Connection)),
            ("08P01", Some(Outage::Connection)),
            ("57P01", Some(Outage::Restarting)),
            ("57P02", Some(Outage::Restarting)),
            ("57P03", Some(Outage::Restarting)),
            ("53300", Some(Outage::TooManyConnections)),
            // Query canceled (statement timeout), out of memory, unique violation,
            // undefined table, serialization failure: the statement's own failures.
            ("57014", None),
            ("53200", None),
            ("23505", None),
            ("42P01", None),
            ("40001", None),
        ] {
            assert_eq!(postgres_outage(state), expected, "{state}");
        }
    }

    #[test]
    fn sqlite_busy_and_locked_codes_are_outages() {
        // SQLITE_BUSY, _RECOVERY, _SNAPSHOT, _TIMEOUT; SQLITE_LOCKED, _SHAREDCACHE, _VTAB.
        for code in ["5", "261", "517", "773", "6", "262", "518"] {
            assert_eq!(sqlite_outage(code), Some(Outage::Locked), "{code}");
        }
        // SQLITE_ERROR, constraint (unique, primary key, foreign key), SQLITE_READONLY,
        // SQLITE_CANTOPEN, garbage.
        for code in ["1", "2067", "1555", "787", "8", "14", "x"] {
            assert_eq!(sqlite_outage(code), None, "{code}");
        }
    }

    /// A real SQLITE_BUSY: a second connection cannot take the write lock within its busy
    /// timeout.
    #[tokio::test]
    async fn a_real_sqlite_lock_past_the_busy_timeout_is_service_unavailable()
    -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::{
            ConnectOptions, ConnectionTrait, Database, SqliteTransactionMode, TransactionOptions,
            TransactionTrait,
        };
        let path = std::env::temp_dir().join(format!("mosaic-busy-{}.db", uuid::Uuid::new_v4()));
        let open = |busy_ms: u64| {
            let mut opts = ConnectOptions::new(format!("sqlite://{}", path.display()));
            opts.max_connections(1)
                .sqlx_logging(false)
                .map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(true)
                        .busy_timeout(std::time::Duration::from_millis(busy_ms))
                });
            opts
        };
        let holder = Database::connect(open(1000)).await?;
        holder
            .execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await?;
        let immediate = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let held = holder.begin_with_options(immediate).await?;
        held.execute_unprepared("INSERT INTO t VALUES (1)").await?;
        let other = Database::connect(open(50)).await?;
        let result = other.execute_unprepared("INSERT INTO t VALUES (2)").await;
        held.rollback().await?;
        let _ = std::fs::remove_file(&path);
        let err = result.err().ok_or("the second writer got the lock")?;
        assert_eq!(outage(&err), Some(Outage::Locked), "{err}");
        assert_eq!(ApiError::from(err).code(), "SERVICE_UNAVAILABLE");
        Ok(())
    }

    /// A resolver that lets a `DbErr` through with `?` (no code) is still answered by the
    /// pipeline as `SERVICE_UNAVAILABLE` when the database is down, `INTERNAL` otherwise.
    #[test]
    fn the_pipeline_recognises_an_outage_behind_a_code_less_error() {
        let at = |err: DbErr| {
            let mut e = async_graphql::Error::from(err).into_server_error(Default::default());
            e.path = vec![async_graphql::PathSegment::Field("x".into())];
            e
        };
        let response = crate::pipeline::with_codes(async_graphql::Response::from_errors(vec![
            at(DbErr::Query(io(ErrorKind::ConnectionReset))),
            at(DbErr::Custom("SELECT secret".into())),
        ]));
        let codes: Vec<_> = response
            .errors
            .iter()
            .map(|e| crate::pipeline::code_of(e).map(str::to_owned))
            .collect();
        assert_eq!(
            codes,
            [
                Some("SERVICE_UNAVAILABLE".to_owned()),
                Some("INTERNAL".to_owned())
            ]
        );
        assert_eq!(
            response.errors[0].message,
            "the database is unavailable; retry"
        );
        assert!(!response.errors[1].message.contains("SELECT"));
    }

    #[test]
    fn unknown_db_errors_are_masked() {
        let err = ApiError::from(DbErr::Custom("SELECT secret FROM users".into()));
        assert_eq!(err.code(), "INTERNAL");
        assert!(!err.to_string().contains("SELECT"), "{err}");
    }
}
