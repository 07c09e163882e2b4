//! Universe's input values, parsed before any SQL runs: keys (ids, type names, config
//! keys), content hashes, tags and JSON property objects. Each parser takes the input
//! field it reads, as the client spelled it, and answers `BAD_USER_INPUT` with it.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::validate::Name;

/// Longest id (entity, relation, version, delta).
pub const MAX_ID: usize = 128;
/// Longest entity or relation type.
pub const MAX_TYPE: usize = 64;
/// Longest configuration key.
pub const MAX_CONFIG_KEY: usize = 128;
/// Longest tag.
pub const MAX_TAG: usize = 64;
/// Most tags on one entity.
pub const MAX_TAGS: usize = 32;
/// Largest `properties` object, serialised.
pub const MAX_PROPERTIES_BYTES: usize = 16 * 1024;

/// An identifier: 1 to `max` ASCII letters, digits, `.`, `_`, `:` or `-`, starting with a
/// letter or digit (ids, entity/relation types, config keys). The charset keeps ids
/// safe in the `,`-delimited paths of the version walks and readable in URLs and logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    /// Parses `raw` (trimmed) as a key of at most `max` characters.
    pub fn parse(field: &str, raw: &str, max: usize) -> ApiResult<Self> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ApiError::bad_input(
                field,
                format!("{field} must not be empty"),
            ));
        }
        if s.len() > max {
            return Err(ApiError::bad_input(
                field,
                format!("{field} must be at most {max} characters"),
            ));
        }
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) || !s.chars().all(ok_char) {
            return Err(ApiError::bad_input(
                field,
                format!(
                    "{field} may only contain ASCII letters, digits, '.', '_', ':' and '-', \
                     and must start with a letter or digit"
                ),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// A fresh random key (a UUID), for rows the client does not name.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A content hash: `<algorithm>:<hex digest>` (as `sha256:9f86…`), the algorithm 1 to 16
/// lowercase letters, digits or `-`, the digest 32 to 128 hex digits (lowercased). The
/// server cannot recompute it (it hashes the client's state), so only the shape is
/// checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataHash(String);

impl DataHash {
    /// Parses `raw` (trimmed).
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let bad = || {
            ApiError::bad_input(
                field,
                format!(
                    "{field} must be `<algorithm>:<hex digest>`, e.g. `sha256:` and 64 hex digits"
                ),
            )
        };
        let (algo, digest) = raw.trim().split_once(':').ok_or_else(bad)?;
        let algo_ok = (1..=16).contains(&algo.len())
            && algo
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let digest_ok = (32..=128).contains(&digest.len())
            && digest.len() % 2 == 0
            && digest.chars().all(|c| c.is_ascii_hexdigit());
        if !algo_ok || !digest_ok {
            return Err(bad());
        }
        Ok(Self(format!("{algo}:{}", digest.to_ascii_lowercase())))
    }

    /// The hash.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Tags: each a [`Name`] of at most [`MAX_TAG`] characters, at most [`MAX_TAGS`] of them;
/// repeats are dropped (the first occurrence keeps its place).
pub fn tags(field: &str, raw: &[String]) -> ApiResult<Vec<String>> {
    if raw.len() > MAX_TAGS {
        return Err(ApiError::bad_input(
            field,
            format!("{field} may hold at most {MAX_TAGS} tags"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let tag = Name::parse(&format!("{field}[{i}]"), t, MAX_TAG)?.into_inner();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// A JSON object of free properties, at most [`MAX_PROPERTIES_BYTES`] serialised.
pub fn properties(field: &str, raw: Value) -> ApiResult<Map<String, Value>> {
    let Value::Object(map) = raw else {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be a JSON object"),
        ));
    };
    let size = serde_json::to_vec(&map)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_PROPERTIES_BYTES {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be at most {MAX_PROPERTIES_BYTES} bytes of JSON"),
        ));
    }
    Ok(map)
}

/// An optimistic-concurrency version as the client read it: at least 1.
pub fn expected_version(field: &str, raw: i64) -> ApiResult<i64> {
    if raw < 1 {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be the entity's version as read (1 or more)"),
        ));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(e: ApiError) -> Option<String> {
        match e {
            ApiError::BadUserInput { field, .. } => field,
            other => panic!("not BAD_USER_INPUT: {other:?}"),
        }
    }

    #[test]
    fn keys() {
        assert_eq!(
            Key::parse("f", "  ent-1.a_b:c ", 128).unwrap().as_str(),
            "ent-1.a_b:c"
        );
        for bad in ["", "  ", "-lead", "a b", "a,b", "é", "a/b"] {
            assert_eq!(
                field(Key::parse("input.id", bad, 128).unwrap_err()).as_deref(),
                Some("input.id"),
                "{bad:?}"
            );
        }
        assert!(Key::parse("f", &"a".repeat(128), 128).is_ok());
        assert!(Key::parse("f", &"a".repeat(129), 128).is_err());
    }

    #[test]
    fn data_hashes() {
        let h = format!("sha256:{}", "AB".repeat(32));
        assert_eq!(
            DataHash::parse("f", &h).unwrap().into_inner(),
            format!("sha256:{}", "ab".repeat(32))
        );
        for bad in [
            "",
            "sha256",
            "sha256:",
            "sha256:xyz",
            "SHA256:abababababababababababababababab",
            ":abababababababababababababababab",
            "sha256:abc",
        ] {
            assert!(DataHash::parse("f", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_are_checked_and_deduplicated() {
        let t = |v: &[&str]| {
            tags(
                "input.metadata.tags",
                &v.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(t(&["a", " b ", "a"]).unwrap(), ["a", "b"]);
        assert_eq!(
            field(t(&["a", ""]).unwrap_err()).as_deref(),
            Some("input.metadata.tags[1]")
        );
        assert!(t(&["x"; 33]).is_err());
    }

    #[test]
    fn properties_must_be_a_bounded_object() {
        assert_eq!(properties("p", json!({"a": 1})).unwrap().len(), 1);
        assert!(properties("p", json!([1])).is_err());
        assert!(properties("p", json!({"a": "x".repeat(MAX_PROPERTIES_BYTES)})).is_err());
    }
}
