//! Who a connection's client is ([`Credentials`] from `connection_init`, checked by a
//! [`Handler`]) and what each of its operations carries; [`MosaicHandler`] is Mosaic's.

use std::collections::HashMap;
use std::future::Future;

use async_graphql::Request;
use serde_json::{Map, Value};

use crate::auth::{Tokens, Viewer};
use crate::db::Databases;
use crate::error::ApiError;
use crate::http::Refused;

/// What a connection asks of the application: who the client is, and what each of its
/// operations carries.
pub trait Handler: Clone + Send + Sync + 'static {
    /// The viewer that the `connection_init` credentials authenticate. An error closes
    /// the socket with `4403` (`4500` for an `INTERNAL` one).
    fn authenticate(
        &self,
        credentials: Credentials,
    ) -> impl Future<Output = Result<Viewer, ApiError>> + Send;

    /// `request`, ready to execute for `viewer` (per-operation data attached).
    fn prepare(&self, request: Request, viewer: &Viewer) -> Request;
}

/// The credentials of a `connection_init` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// `Bearer <token>`, from `authorization` (any case) or a bare `token`.
    pub authorization: Option<String>,
    /// An Orquestra API key, from `x-api-key` (any case).
    pub api_key: Option<String>,
}

impl Credentials {
    /// Reads `authorization` (`Bearer <token>`), `token` (the bare token) and `x-api-key`
    /// from `payload`, keys in any case; keys inside a `headers` object count too (some
    /// clients nest them so). No credentials is anonymous; a value that is not a string,
    /// or one given twice, is refused.
    pub fn from_payload(payload: &Map<String, Value>) -> Result<Self, ApiError> {
        let nested = payload
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("headers"))
            .and_then(|(_, v)| v.as_object());
        let mut found: HashMap<&'static str, &str> = HashMap::new();
        for (key, value) in payload.iter().chain(nested.into_iter().flatten()) {
            let Some(name) = ["authorization", "token", "x-api-key"]
                .into_iter()
                .find(|n| key.eq_ignore_ascii_case(n))
            else {
                continue;
            };
            let value = value
                .as_str()
                .ok_or_else(|| ApiError::Unauthenticated(format!("`{name}` must be a string")))?;
            if found.insert(name, value).is_some() {
                return Err(ApiError::Unauthenticated(format!(
                    "`{name}` is given more than once"
                )));
            }
        }
        let authorization = match (found.get("authorization"), found.get("token")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::Unauthenticated(
                    "give `authorization` or `token`, not both".into(),
                ));
            }
            (Some(a), None) => Some((*a).to_owned()),
            (None, Some(t)) => Some(format!("Bearer {}", t.trim())),
            (None, None) => None,
        };
        Ok(Self {
            authorization,
            api_key: found.get("x-api-key").map(|k| (*k).to_owned()),
        })
    }
}

/// Mosaic's [`Handler`]: the HTTP path's authentication and per-request data.
#[derive(Clone)]
pub struct MosaicHandler {
    databases: Databases,
    tokens: Tokens,
}

impl MosaicHandler {
    /// A handler over `databases`, verifying tokens with `tokens`.
    pub fn new(databases: Databases, tokens: Tokens) -> Self {
        Self { databases, tokens }
    }
}

impl Handler for MosaicHandler {
    async fn authenticate(&self, credentials: Credentials) -> Result<Viewer, ApiError> {
        crate::http::authenticate(
            &self.databases,
            &self.tokens,
            credentials.authorization.as_deref(),
            credentials.api_key.as_deref(),
        )
        .await
        .map_err(|refused| match refused {
            Refused::Bearer(e) | Refused::ApiKey(e) => e,
        })
    }

    fn prepare(&self, request: Request, viewer: &Viewer) -> Request {
        crate::context::with_loaders(request, &self.databases)
            .data(viewer.clone())
            .data(self.tokens.clone())
    }
}
