//! Persisted queries, resolved before a document is parsed ([`PersistedQueries::resolve`]),
//! for every transport (`POST`, `GET`, the WebSocket):
//!
//! - **Automatic persisted queries** (Apollo's protocol): a request may carry
//!   `extensions.persistedQuery = {version: 1, sha256Hash}` instead of its `query`. A known
//!   hash runs its document; an unknown one is answered `PersistedQueryNotFound`
//!   (`PERSISTED_QUERY_NOT_FOUND`), and the client sends the hash again with the document,
//!   which is checked against the hash (`BAD_REQUEST` on a mismatch) and remembered in a
//!   bounded LRU store. A hash-only `GET` is a short, stable URL a CDN can cache.
//! - **Trusted documents** (`--persisted-only` with a manifest): only the manifest's
//!   documents run, by hash or by their exact text; anything else is refused with
//!   `PERSISTED_QUERY_NOT_ALLOWED`, and nothing is learnt.
//!
//! This is deliberately not an async-graphql extension: any schema extension moves every
//! field onto async-graphql's slower instrumented path.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_graphql::{Request, Response, Value};
use sha2::{Digest, Sha256};

use crate::pipeline::refused;

/// The code of a hash the server does not know (the one Apollo's link retries on).
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// The code of a document refused in trusted-documents mode.
pub const NOT_ALLOWED: &str = "PERSISTED_QUERY_NOT_ALLOWED";
/// The code of a malformed request (no query, a bad persisted-query extension).
pub const BAD_REQUEST: &str = "BAD_REQUEST";

/// Default number of documents the automatic store remembers.
pub const DEFAULT_CACHE_ENTRIES: usize = 1000;

/// The trusted documents: sha256 (lowercase hex) → document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest(HashMap<String, Arc<str>>);

/// A manifest that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read the persisted-query manifest: {0}")]
    Io(#[from] std::io::Error),
    /// The file is not one of the understood shapes.
    #[error("the persisted-query manifest is not valid: {0}")]
    Invalid(String),
}

impl Manifest {
    /// Reads a manifest file ([`Manifest::from_json`]).
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        Self::from_json(&std::fs::read_to_string(path)?)
    }

    /// A manifest from JSON: a map `{"<sha256>": "<document>"}` (GraphQL Code Generator's
    /// `persisted-documents.json`) or Apollo's `{"format": "apollo-persisted-query-manifest",
    /// "operations": [{"id", "body"}]}`. Every hash is checked against its document.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let invalid = |m: String| ManifestError::Invalid(m);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        match value {
            serde_json::Value::Object(map) if map.contains_key("operations") => {
                let ops = map
                    .get("operations")
                    .and_then(|o| o.as_array())
                    .ok_or_else(|| invalid("`operations` is not an array".into()))?;
                for op in ops {
                    let id = op.get("id").and_then(|v| v.as_str());
                    let body = op.get("body").and_then(|v| v.as_str());
                    match (id, body) {
                        (Some(id), Some(body)) => pairs.push((id.to_owned(), body.to_owned())),
                        _ => return Err(invalid("an operation lacks `id` or `body`".into())),
                    }
                }
            }
            serde_json::Value::Object(map) => {
                for (hash, doc) in map {
                    let doc = doc.as_str().ok_or_else(|| {
                        invalid(format!("the document of {hash} is not a string"))
                    })?;
                    pairs.push((hash, doc.to_owned()));
                }
            }
            _ => return Err(invalid("expected a JSON object".into())),
        }
        let mut out = HashMap::with_capacity(pairs.len());
        for (hash, doc) in pairs {
            let hash = hash
                .strip_prefix("sha256:")
                .unwrap_or(&hash)
                .to_ascii_lowercase();
            if sha256(&doc) != hash {
                return Err(invalid(format!("{hash} is not the sha256 of its document")));
            }
            out.insert(hash, Arc::from(doc));
        }
        Ok(Self(out))
    }

    /// How many documents the manifest holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the manifest holds no document.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How persisted queries are served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistedOptions {
    /// Most documents the automatic store remembers (least recently used go first); 0
    /// turns automatic persisted queries off (`PERSISTED_QUERY_NOT_SUPPORTED`).
    pub cache_entries: usize,
    /// Trusted-documents mode: only these documents run.
    pub only: Option<Arc<Manifest>>,
}

impl Default for PersistedOptions {
    fn default() -> Self {
        Self {
            cache_entries: DEFAULT_CACHE_ENTRIES,
            only: None,
        }
    }
}

/// Documents learnt from clients, by hash, least recently used first out.
type Store = Mutex<lru::LruCache<String, Arc<str>>>;

/// The persisted-query store of one server. Cheap to clone (shared).
#[derive(Clone)]
pub struct PersistedQueries {
    store: Option<Arc<Store>>,
    only: Option<Arc<Manifest>>,
}

impl PersistedQueries {
    /// A store as `options` describe.
    pub fn new(options: &PersistedOptions) -> Self {
        Self {
            store: NonZeroUsize::new(options.cache_entries)
                .map(|n| Arc::new(Mutex::new(lru::LruCache::new(n)))),
            only: options.only.clone(),
        }
    }

    /// Gives `request` its document: from its `persistedQuery` extension when it has one,
    /// and (in trusted-documents mode) only a manifest's. Runs before anything parses the
    /// document; the response to send when the request cannot run.
    #[allow(clippy::result_large_err)]
    pub fn resolve(&self, request: &mut Request) -> Result<(), Response> {
        let hash = persisted_hash(request)?;
        if let Some(manifest) = &self.only {
            return trusted(manifest, request, hash.as_deref());
        }
        let Some(hash) = hash else {
            return if request.query.is_empty() {
                Err(missing_query())
            } else {
                Ok(())
            };
        };
        let Some(store) = &self.store else {
            return Err(refused(
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "PersistedQueryNotSupported".into(),
            ));
        };
        if request.query.is_empty() {
            let known = store.lock().ok().and_then(|mut s| s.get(&hash).cloned());
            return match known {
                Some(doc) => {
                    request.query = doc.to_string();
                    Ok(())
                }
                None => Err(refused(NOT_FOUND, "PersistedQueryNotFound".into())),
            };
        }
        if sha256(&request.query) != hash {
            return Err(refused(
                BAD_REQUEST,
                "provided sha256Hash does not match the query".into(),
            ));
        }
        if let Ok(mut s) = store.lock() {
            s.put(hash, Arc::from(request.query.as_str()));
        }
        Ok(())
    }
}

/// Trusted-documents mode: the request runs only a manifest document.
#[allow(clippy::result_large_err)]
fn trusted(manifest: &Manifest, request: &mut Request, hash: Option<&str>) -> Result<(), Response> {
    let not_allowed = || {
        refused(
            NOT_ALLOWED,
            "only persisted documents run on this server: send the sha256Hash of a \
             document in its manifest"
                .into(),
        )
    };
    match hash {
        Some(hash) => match manifest.0.get(hash) {
            Some(doc) if request.query.is_empty() || request.query == **doc => {
                request.query = doc.to_string();
                Ok(())
            }
            Some(_) => Err(refused(
                BAD_REQUEST,
                "provided sha256Hash does not match the query".into(),
            )),
            None => Err(not_allowed()),
        },
        None if request.query.is_empty() => Err(missing_query()),
        None if manifest.0.contains_key(&sha256(&request.query)) => Ok(()),
        None => Err(not_allowed()),
    }
}

/// The refusal of a request without a document.
pub fn missing_query() -> Response {
    refused(
        BAD_REQUEST,
        "the request has no `query` (nor a known `extensions.persistedQuery`)".into(),
    )
}

/// The `sha256Hash` of the request's `persistedQuery` extension, lowercase; an error when
/// the extension is there but malformed.
#[allow(clippy::result_large_err)]
fn persisted_hash(request: &Request) -> Result<Option<String>, Response> {
    let Some(ext) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let bad = |m: &str| refused(BAD_REQUEST, format!("extensions.persistedQuery: {m}"));
    let Value::Object(ext) = ext else {
        return Err(bad("expected an object"));
    };
    match ext.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(bad("only `version: 1` is supported")),
    }
    match ext.get("sha256Hash") {
        Some(Value::String(h)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Some(h.to_ascii_lowercase()))
        }
        _ => Err(bad("`sha256Hash` must be 64 hexadecimal digits")),
    }
}

/// The lowercase hex sha256 of `text`.
pub fn sha256(text: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut r = Request::new(query);
        let ext: serde_json::Value = serde_json::json!({ "version": 1, "sha256Hash": hash });
        r.extensions
            .insert("persistedQuery".into(), Value::from_json(ext).unwrap());
        r
    }

    fn code(r: &Response) -> Option<&str> {
        crate::pipeline::code_of(&r.errors[0])
    }

    #[test]
    fn a_hash_is_learnt_from_its_document_then_runs_alone() {
        let pq = PersistedQueries::new(&PersistedOptions::default());
        let doc = "{ apiVersion }";
        let hash = sha256(doc);
        let err = pq.resolve(&mut with_hash("", &hash)).unwrap_err();
        assert_eq!(code(&err), Some(NOT_FOUND));
        assert_eq!(err.errors[0].message, "PersistedQueryNotFound");
        let err = pq.resolve(&mut with_hash("{ other }", &hash)).unwrap_err();
        assert_eq!(code(&err), Some(BAD_REQUEST));
        pq.resolve(&mut with_hash(doc, &hash.to_uppercase()))
            .unwrap();
        let mut alone = with_hash("", &hash);
        pq.resolve(&mut alone).unwrap();
        assert_eq!(alone.query, doc);
    }

    #[test]
    fn the_store_is_bounded() {
        let pq = PersistedQueries::new(&PersistedOptions {
            cache_entries: 2,
            only: None,
        });
        let docs = ["{ a }", "{ b }", "{ c }"];
        for d in docs {
            pq.resolve(&mut with_hash(d, &sha256(d))).unwrap();
        }
        let err = pq
            .resolve(&mut with_hash("", &sha256(docs[0])))
            .unwrap_err();
        assert_eq!(code(&err), Some(NOT_FOUND));
        pq.resolve(&mut with_hash("", &sha256(docs[2]))).unwrap();
    }

    #[test]
    fn malformed_extensions_and_missing_queries_are_bad_requests() {
        let pq = PersistedQueries::new(&PersistedOptions::default());
        for hash in ["abc", &"z".repeat(64)] {
            let err = pq.resolve(&mut with_hash("", hash)).unwrap_err();
            assert_eq!(code(&err), Some(BAD_REQUEST));
        }
        let err = pq.resolve(&mut Request::new("")).unwrap_err();
        assert_eq!(code(&err), Some(BAD_REQUEST));
    }

    #[test]
    fn trusted_mode_runs_only_manifest_documents() {
        let doc = "{ apiVersion }";
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": sha256(doc), "name": "V", "type": "query", "body": doc }]
        });
        let codegen = serde_json::json!({ sha256(doc): doc });
        for manifest in [apollo, codegen] {
            let manifest = Manifest::from_json(&manifest.to_string()).unwrap();
            assert_eq!(manifest.len(), 1);
            let pq = PersistedQueries::new(&PersistedOptions {
                cache_entries: 10,
                only: Some(Arc::new(manifest)),
            });
            let mut by_hash = with_hash("", &sha256(doc));
            pq.resolve(&mut by_hash).unwrap();
            assert_eq!(by_hash.query, doc);
            pq.resolve(&mut Request::new(doc)).unwrap();
            let other = "{ __typename }";
            let err = pq.resolve(&mut Request::new(other)).unwrap_err();
            assert_eq!(code(&err), Some(NOT_ALLOWED));
            let err = pq
                .resolve(&mut with_hash(other, &sha256(other)))
                .unwrap_err();
            assert_eq!(code(&err), Some(NOT_ALLOWED));
        }
        let wrong = serde_json::json!({ sha256("{ a }"): "{ b }" });
        assert!(Manifest::from_json(&wrong.to_string()).is_err());
    }
}
