//! Who a connection's client is ([`Credentials`] from `connection_init`, checked by a
//! [`Handler`]) and what each of its operations carries; [`MosaicHandler`] is Mosaic's.

use std::collections::HashMap;
use std::future::Future;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response};
use entity::Domain;
use serde_json::{Map, Value};

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::pipeline::{Pipeline, Refused};
use crate::universe::service::presence::Presence;

/// What a connection asks of the application: who the client is, what each of its
/// operations carries, and what the application keeps while the connection lives (a
/// [`Handler::Session`], e.g. Inner Universe's `client_connection` and `subscription`
/// rows).
pub trait Handler: Clone + Send + Sync + 'static {
    /// What the application keeps for one acknowledged connection.
    type Session: Send + Sync + 'static;

    /// The viewer that the `connection_init` credentials authenticate. An error closes
    /// the socket with `4403` (`4500` for an `INTERNAL` one).
    fn authenticate(
        &self,
        credentials: Credentials,
    ) -> impl Future<Output = Result<Viewer, ApiError>> + Send;

    /// The connection of `viewer` is about to be acknowledged (`payload` is its
    /// `connection_init` payload). An error closes the socket like a refused credential
    /// (`4400` for a `BAD_USER_INPUT` one).
    fn open(
        &self,
        viewer: &Viewer,
        payload: &Map<String, Value>,
    ) -> impl Future<Output = Result<Self::Session, ApiError>> + Send;

    /// `request`, ready to execute for `viewer` (per-operation data attached).
    fn prepare(&self, request: Request, viewer: &Viewer) -> Request;

    /// The cost and depth limits operations pass besides the document guard, if any.
    fn cost(&self) -> Option<&crate::cost::CostLimits> {
        None
    }

    /// The cache of parsed documents operations are admitted through, if any.
    fn parsed(&self) -> Option<&crate::parsed::ParsedDocuments> {
        None
    }

    /// Gives `request` its document before it is parsed (persisted queries); the
    /// response to send when it cannot run. By default the request is left as it is.
    #[allow(clippy::result_large_err)]
    fn resolve(&self, request: &mut Request) -> Result<(), Response> {
        let _ = request;
        Ok(())
    }

    /// An operation of type `kind` started (`None`: it was refused with `refusal`), for
    /// the metrics. By default nothing is counted.
    fn started(&self, kind: Option<OperationType>, refusal: Option<&Response>) {
        let _ = (kind, refusal);
    }

    /// Subscription number `key` of the connection (`query` is its document) starts: the
    /// stream to run in place of `stream`. An error refuses the operation (`error`).
    fn subscribed(
        &self,
        session: &Self::Session,
        key: u64,
        query: &str,
        stream: BoxStream<'static, Response>,
    ) -> impl Future<Output = Result<BoxStream<'static, Response>, ApiError>> + Send;

    /// Whether this connection's subscriptions may share one stream with identical ones
    /// (same document, variables and viewer, no cursor; see [`super::Fanout`]): `None` if
    /// not (e.g. the handler tracks each one itself); otherwise what the subscriber holds
    /// while it runs (its place under the server-wide cap), or why it may not run.
    #[allow(clippy::type_complexity)]
    fn share(
        &self,
        session: &Self::Session,
    ) -> Option<Result<Box<dyn std::any::Any + Send + Sync>, ApiError>>;

    /// Subscription number `key` ended: completed by the client, finished, or failed.
    fn ended(&self, session: &Self::Session, key: u64) -> impl Future<Output = ()> + Send;

    /// The connection closed, whoever closed it (its operations have ended).
    fn closed(&self, session: Self::Session) -> impl Future<Output = ()> + Send;

    /// Wakes when this process revokes a credential, so connections check theirs at
    /// once ([`crate::identity::Revocations`]); `None`: only the periodic check.
    fn revocations(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        None
    }
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

/// Mosaic's [`Handler`]: the shared request pipeline's authentication and per-request
/// data; a connection authenticated as an Inner Universe identity also keeps that
/// identity's `client_connection` and `subscription` rows true ([`Presence`]).
#[derive(Clone)]
pub struct MosaicHandler {
    pipeline: Pipeline,
}

impl MosaicHandler {
    /// A handler running operations through `pipeline`.
    pub fn new(pipeline: Pipeline) -> Self {
        Self { pipeline }
    }
}

impl Handler for MosaicHandler {
    type Session = Option<Presence>;

    async fn authenticate(&self, credentials: Credentials) -> Result<Viewer, ApiError> {
        self.pipeline
            .authenticate(
                credentials.authorization.as_deref(),
                credentials.api_key.as_deref(),
            )
            .await
            .map_err(Refused::into_error)
    }

    async fn open(
        &self,
        viewer: &Viewer,
        payload: &Map<String, Value>,
    ) -> Result<Self::Session, ApiError> {
        let Some(identity) = viewer.subject(Domain::Universe) else {
            return Ok(None);
        };
        let client_info = payload
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("clientInfo"))
            .map(|(_, v)| {
                v.as_str().ok_or_else(|| {
                    ApiError::bad_input("clientInfo", "`clientInfo` must be a string")
                })
            })
            .transpose()?;
        Presence::open(self.pipeline.databases(), identity, client_info)
            .await
            .map(Some)
    }

    fn prepare(&self, request: Request, viewer: &Viewer) -> Request {
        self.pipeline.prepare(request, viewer)
    }

    fn cost(&self) -> Option<&crate::cost::CostLimits> {
        Some(self.pipeline.cost())
    }

    fn parsed(&self) -> Option<&crate::parsed::ParsedDocuments> {
        Some(self.pipeline.parsed())
    }

    fn resolve(&self, request: &mut Request) -> Result<(), Response> {
        self.pipeline.resolve(request)
    }

    fn started(&self, kind: Option<OperationType>, refusal: Option<&Response>) {
        self.pipeline.metrics().ws_operation(kind, refusal);
    }

    async fn subscribed(
        &self,
        session: &Self::Session,
        key: u64,
        query: &str,
        stream: BoxStream<'static, Response>,
    ) -> Result<BoxStream<'static, Response>, ApiError> {
        match session {
            Some(presence) => presence.subscribed(key, query, stream).await,
            None => Ok(stream),
        }
    }

    fn share(
        &self,
        session: &Self::Session,
    ) -> Option<Result<Box<dyn std::any::Any + Send + Sync>, ApiError>> {
        if session.is_some() {
            // A Universe identity's subscriptions are rows of their own.
            return None;
        }
        let slot = self.pipeline.databases().feeds().reserve();
        Some(slot.map(|s| Box::new(s) as Box<dyn std::any::Any + Send + Sync>))
    }

    async fn ended(&self, session: &Self::Session, key: u64) {
        if let Some(presence) = session {
            presence.ended(key).await;
        }
    }

    async fn closed(&self, session: Self::Session) {
        if let Some(presence) = session {
            presence.closed().await;
        }
    }

    fn revocations(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        Some(self.pipeline.databases().revocations().watch())
    }
}
