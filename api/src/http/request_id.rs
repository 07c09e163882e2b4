//! Every HTTP request gets an id: the client's `x-request-id` when it is a sensible one
//! (1 to 128 characters of letters, digits and `-_.:`), a fresh one otherwise. It is
//! echoed in the response's `x-request-id`, and every log line written while the request
//! runs carries it (the `request` span's `id` field; an `INTERNAL` error's log line too).

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header the id travels in.
pub static HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id taken from a client.
const MAX_LEN: usize = 128;

/// The client's id if it is acceptable.
fn from_client(value: &HeaderValue) -> Option<&str> {
    let id = value.to_str().ok()?;
    let ok = !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then_some(id)
}

/// Runs the request inside a `request` span carrying its id, and echoes the id.
pub async fn layer(mut request: Request, next: Next) -> Response {
    let id = match request.headers().get(&HEADER).and_then(from_client) {
        Some(id) => id.to_owned(),
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    let value = HeaderValue::from_str(&id).ok();
    if let Some(value) = &value {
        request.headers_mut().insert(HEADER.clone(), value.clone());
    }
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::debug!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "request finished"
        );
    });
    if let Some(value) = value {
        response.headers_mut().insert(HEADER.clone(), value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sensible_ids_are_taken_from_clients() {
        let id = |s: &str| {
            from_client(&HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("")))
                .map(str::to_owned)
        };
        assert_eq!(id("abc-123_X.y:z").as_deref(), Some("abc-123_X.y:z"));
        assert_eq!(id(""), None);
        assert_eq!(id("has space"), None);
        assert_eq!(id("quote\"d"), None);
        assert_eq!(id(&"a".repeat(129)), None);
        assert_eq!(id(&"a".repeat(128)).map(|s| s.len()), Some(128));
    }
}
