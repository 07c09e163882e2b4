//! GraphQL over HTTP on the wire: reading a request (a JSON body, a `GET` query string),
//! choosing the response's media type by `Accept`, and its status code.
//!
//! - `application/graphql-response+json` (chosen when the client accepts it at least as
//!   much as `application/json`): a request error — the document does not parse or
//!   validate, a variable does not coerce, a persisted query is unknown — is a `4xx`
//!   without a `data` key, as the spec asks.
//! - `application/json` (no `Accept`, `*/*`, or the client prefers it): request errors are
//!   `200` with `"data": null`, as legacy clients expect.
//! - Whatever the media type: a request without a document is `400`, a mutation over `GET`
//!   `405`, and an operation failed as a whole because the database is down `503`.

use std::collections::BTreeMap;

use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError, Value};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::pipeline::{code_of, refuse};

/// The media type a response is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`.
    GraphQlResponse,
    /// `application/json`.
    Json,
}

impl MediaType {
    /// The media type the `Accept` header prefers: `application/graphql-response+json`
    /// when it is accepted with a quality at least that of `application/json` (or of
    /// `application/*`, `*/*`); `application/json` otherwise, or without `Accept`.
    pub fn of(headers: &HeaderMap) -> Self {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return MediaType::Json;
        };
        let (mut graphql, mut json) = (0.0_f32, 0.0_f32);
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match media.as_str() {
                "application/graphql-response+json" => graphql = graphql.max(q),
                "application/json" | "application/*" | "*/*" => json = json.max(q),
                _ => {}
            }
        }
        if graphql > 0.0 && graphql >= json {
            MediaType::GraphQlResponse
        } else {
            MediaType::Json
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphQlResponse => "application/graphql-response+json",
            MediaType::Json => "application/json",
        }
    }
}

/// Whether the request's `Content-Type` is JSON.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/graphql-response+json")
}

/// Whether the client is a browser asking for a page (`Accept: text/html`).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A JSON body as one request (an object) or a batch (a non-empty array of at most
/// `max_batch` objects). A request without `query` is read (it may be a persisted query);
/// a `query` that is not a string is not.
pub fn parse_batch(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let one = |v: serde_json::Value| -> Result<Request, String> {
        if !v.is_object() {
            return Err("a GraphQL request is a JSON object with a `query`".into());
        }
        serde_json::from_value(v).map_err(|e| format!("not a GraphQL request: {e}"))
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.is_empty() {
                return Err("the batch is empty".into());
            }
            if items.len() > max_batch {
                return Err(format!("a batch holds at most {max_batch} operations"));
            }
            items
                .into_iter()
                .map(one)
                .collect::<Result<Vec<_>, _>>()
                .map(BatchRequest::Batch)
        }
        v => one(v).map(BatchRequest::Single),
    }
}

/// A `GET` request from its URL query string: `query`, `operationName`, and `variables`
/// and `extensions` as JSON (async-graphql's `parse_query_string` reads the operation name
/// from `operation_name`, so a client's `operationName` would be lost). A parameter given
/// twice is refused; other parameters are ignored.
pub fn parse_get(raw: &str) -> Result<Request, String> {
    let mut query = None;
    let mut operation_name = None;
    let mut variables = None;
    let mut extensions = None;
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let slot = match key.as_ref() {
            "query" => &mut query,
            "operationName" => &mut operation_name,
            "variables" => &mut variables,
            "extensions" => &mut extensions,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(format!("the parameter `{key}` is given more than once"));
        }
    }
    let mut request = Request::new(query.unwrap_or_default());
    request.operation_name = operation_name.filter(|n| !n.is_empty());
    if let Some(v) = variables.filter(|v| !v.is_empty()) {
        request.variables = serde_json::from_str(&v)
            .map_err(|e| format!("`variables` is not a JSON object: {e}"))?;
    }
    if let Some(e) = extensions.filter(|e| !e.is_empty()) {
        request.extensions = serde_json::from_str(&e)
            .map_err(|e| format!("`extensions` is not a JSON object: {e}"))?;
    }
    Ok(request)
}

/// Whether an operation failed as a whole because the database is unavailable: no data
/// and every error `SERVICE_UNAVAILABLE`. Its HTTP status is then 503, which proxies and
/// clients retry; a partial result stays 200, as any response with data.
pub fn unavailable(response: &Response) -> bool {
    failed_with(response, |code| code == Some("SERVICE_UNAVAILABLE"))
}

/// Whether the response has no data and every error's code passes `code`.
fn failed_with(response: &Response, code: impl Fn(Option<&str>) -> bool) -> bool {
    matches!(response.data, Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| code(code_of(e)))
}

/// Errors that are the server's, not the request's: never a `4xx`.
const SERVER_SIDE: [&str; 4] = [
    "INTERNAL",
    "SERVICE_UNAVAILABLE",
    "TIMEOUT",
    "SHUTTING_DOWN",
];

/// Whether nothing ran because the request itself is wrong: no data, and every error
/// raised before execution (no path) by the request's fault (parse, validation, variable
/// coercion, limits, an unknown persisted query).
fn request_error(response: &Response) -> bool {
    failed_with(response, |code| {
        !code.is_some_and(|c| SERVER_SIDE.contains(&c))
    }) && response.errors.iter().all(|e| e.path.is_empty())
}

/// The status of a single operation's response in `media`.
pub fn status_of(response: &Response, media: MediaType) -> StatusCode {
    let any = |code: &str| response.errors.iter().any(|e| code_of(e) == Some(code));
    if any("METHOD_NOT_ALLOWED") {
        StatusCode::METHOD_NOT_ALLOWED
    } else if unavailable(response) {
        StatusCode::SERVICE_UNAVAILABLE
    } else if request_error(response)
        && (any(crate::persisted::BAD_REQUEST) || media == MediaType::GraphQlResponse)
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// A response without `data` (a request error in `application/graphql-response+json`).
#[derive(serde::Serialize)]
struct WithoutData<'a> {
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

/// Writes one operation's response in `media` with the status [`status_of`] gives it.
pub fn respond_single(media: MediaType, response: Response) -> axum::response::Response {
    let status = status_of(&response, media);
    let body = if status.is_client_error() && media == MediaType::GraphQlResponse {
        serde_json::to_vec(&WithoutData {
            errors: &response.errors,
            extensions: &response.extensions,
        })
    } else {
        serde_json::to_vec(&response)
    };
    let mut res = write(media, body, &BatchResponse::Single(response));
    *res.status_mut() = status;
    if status == StatusCode::METHOD_NOT_ALLOWED {
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    res
}

/// Writes a batch's responses in `media`: `503` when every operation found the database
/// down, `200` otherwise.
pub fn respond_batch(media: MediaType, responses: Vec<Response>) -> axum::response::Response {
    let all_unavailable = responses.iter().all(unavailable);
    let response = BatchResponse::Batch(responses);
    let mut res = write(media, serde_json::to_vec(&response), &response);
    if all_unavailable {
        *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    res
}

fn write(
    media: MediaType,
    body: serde_json::Result<Vec<u8>>,
    response: &BatchResponse,
) -> axum::response::Response {
    match body {
        Ok(body) => {
            let mut res = ([(header::CONTENT_TYPE, media.content_type())], body).into_response();
            // What resolvers asked for (`Context::insert_http_header`, cache hints), as
            // async-graphql-axum's responder does.
            if response.is_ok()
                && let Some(value) = response.cache_control().value()
                && let Ok(value) = HeaderValue::from_str(&value)
            {
                res.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            res.headers_mut().extend(response.http_headers());
            res
        }
        Err(e) => {
            let masked = crate::error::ApiError::internal(e);
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                &masked.to_string(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn accept(v: &str) -> MediaType {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        MediaType::of(&h)
    }

    #[test]
    fn the_media_type_follows_accept() {
        assert_eq!(MediaType::of(&HeaderMap::new()), MediaType::Json);
        assert_eq!(accept("*/*"), MediaType::Json);
        assert_eq!(accept("application/json"), MediaType::Json);
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            MediaType::GraphQlResponse
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            MediaType::Json
        );
        assert_eq!(
            accept("application/graphql-response+json"),
            MediaType::GraphQlResponse
        );
    }

    #[test]
    fn get_reads_operation_name_variables_and_extensions() {
        let r = parse_get(
            "query=query%20A%7Ba%7D&operationName=A&variables=%7B%22x%22%3A1%7D\
             &extensions=%7B%22k%22%3Atrue%7D&other=1",
        )
        .unwrap();
        assert_eq!(r.query, "query A{a}");
        assert_eq!(r.operation_name.as_deref(), Some("A"));
        assert_eq!(
            r.variables.into_value().into_json().unwrap(),
            serde_json::json!({ "x": 1 })
        );
        assert_eq!(r.extensions.get("k"), Some(&Value::Boolean(true)));
        assert!(parse_get("query=a&query=b").is_err());
        assert!(parse_get("query=a&variables=nope").is_err());
    }
}
