//! The API's one error type. Every error reaching a client carries a stable
//! `extensions.code`; internal details (SQL, I/O) are logged with a request-scoped id and
//! never sent.
//!
//! Resolvers turn an [`ApiError`] into a GraphQL error with `.extend()`
//! ([`async_graphql::ResultExt`]); a plain `?` would lose the code, because
//! async-graphql converts any `Display` type into a code-less error.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

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

impl From<DbErr> for ApiError {
    /// Unique violations become `CONFLICT`, foreign-key violations `BAD_USER_INPUT`;
    /// everything else is logged and masked. SQL text never reaches the client.
    fn from(err: DbErr) -> Self {
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

    #[test]
    fn unknown_db_errors_are_masked() {
        let err = ApiError::from(DbErr::Custom("SELECT secret FROM users".into()));
        assert_eq!(err.code(), "INTERNAL");
        assert!(!err.to_string().contains("SELECT"), "{err}");
    }
}
