//! The GraphiQL playground at `GET /graphql` (for a browser), served from this server.
//!
//! GraphiQL's code comes from the npm packages pinned by `api/graphiql/package.json` and its
//! lockfile (`npm ci` in `api/graphiql`; `MOSAIC_GRAPHIQL_DIR` or `--graphiql-dir` point
//! at another `node_modules`). When they are installed, the page loads nothing but this
//! server's own files — so it works offline and under a `Content-Security-Policy` of
//! `'self'` — with the Explorer plugin, and with subscriptions over `/graphql/ws`. When
//! they are not, the page falls back to async-graphql's GraphiQL from a public CDN.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The page, when the assets are installed.
const PAGE: &str = include_str!("graphiql/page.html");

/// `Content-Security-Policy` of the page: this server only.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; \
                       connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Each asset: its name under `/graphiql/assets/`, its content type, and where it is in
/// `node_modules` (or `None` for Mosaic's own files).
const FILES: [(&str, &str, Option<&str>); 7] = [
    (
        "react.js",
        "text/javascript",
        Some("react/umd/react.production.min.js"),
    ),
    (
        "react-dom.js",
        "text/javascript",
        Some("react-dom/umd/react-dom.production.min.js"),
    ),
    (
        "graphiql.js",
        "text/javascript",
        Some("graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.css",
        "text/css",
        Some("graphiql/graphiql.min.css"),
    ),
    (
        "explorer.js",
        "text/javascript",
        Some("@graphiql/plugin-explorer/dist/index.umd.js"),
    ),
    (
        "explorer.css",
        "text/css",
        Some("@graphiql/plugin-explorer/dist/style.css"),
    ),
    ("init.js", "text/javascript", None),
];

/// GraphiQL's files, read once at start-up.
#[derive(Debug)]
pub struct Assets {
    files: HashMap<&'static str, (&'static str, Bytes)>,
}

impl Assets {
    /// Where the assets are looked for by default: `MOSAIC_GRAPHIQL_DIR`, else the
    /// `node_modules` of `api/graphiql` in this source tree.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("MOSAIC_GRAPHIQL_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("graphiql/node_modules"),
            PathBuf::from,
        )
    }

    /// The assets in `node_modules` directory `dir`; `None` unless every file is there.
    pub fn load(dir: &Path) -> Option<Arc<Self>> {
        let mut files = HashMap::new();
        for (name, content_type, path) in FILES {
            let bytes = match path {
                Some(p) => Bytes::from(std::fs::read(dir.join(p)).ok()?),
                None => Bytes::from_static(include_bytes!("graphiql/init.js")),
            };
            files.insert(name, (content_type, bytes));
        }
        files.insert(
            "page.css",
            (
                "text/css",
                Bytes::from_static(include_bytes!("graphiql/page.css")),
            ),
        );
        Some(Arc::new(Self { files }))
    }
}

/// The page: served from `assets` when there are any, else from the CDN.
pub fn page(assets: Option<&Assets>) -> Response {
    match assets {
        Some(_) => {
            let mut res = Html(PAGE).into_response();
            res.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            res
        }
        None => Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql/ws")
                .title("Mosaic GraphiQL")
                .finish(),
        )
        .into_response(),
    }
}

/// `GET /graphiql/assets/{name}`.
pub fn asset(assets: Option<&Assets>, name: &str) -> Response {
    match assets.and_then(|a| a.files.get(name)) {
        Some((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
