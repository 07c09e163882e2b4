//! Who is asking: the viewer of an HTTP request, from its `Authorization` and `X-API-Key`
//! headers.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use super::AppState;
use crate::auth::Viewer;
use crate::pipeline::{Refused, refuse};

/// The request's viewer from its `Authorization` and `X-API-Key` headers; a bad token or
/// key is a `401` before anything runs.
#[allow(clippy::result_large_err)]
pub(super) async fn viewer_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Viewer, axum::response::Response> {
    let unauthorized = |e: crate::error::ApiError| {
        let status = match e {
            // Checking a credential needs the database: not the client's fault.
            crate::error::ApiError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        };
        refuse(status, e.code(), &e.to_string())
    };
    let authorization = match headers.get(header::AUTHORIZATION).map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "the Authorization header is not readable",
            ));
        }
    };
    let api_key = match headers.get("x-api-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            return Err(unauthorized(crate::error::ApiError::Unauthenticated(
                "the API key is not valid".into(),
            )));
        }
    };
    state
        .pipeline
        .authenticate(authorization, api_key)
        .await
        .map_err(|refused| match refused {
            Refused::Bearer(e) => {
                let mut res = unauthorized(e);
                if res.status() == StatusCode::UNAUTHORIZED {
                    res.headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                res
            }
            Refused::ApiKey(e) => unauthorized(e),
        })
}
