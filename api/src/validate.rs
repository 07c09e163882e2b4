//! Input validation: raw strings parsed into domain types before any SQL runs.
//!
//! Every parser takes the name of the input field it reads (as the client spelled it,
//! e.g. `input.handle`) and answers `BAD_USER_INPUT` with that `field` when the value is
//! not acceptable. The types only exist once parsed, so a service taking a [`Did`] cannot
//! be handed an unchecked string.
//!
//! These are the text types; the formats under them (base32, base58, CIDs) are
//! [`crate::codec`]'s, and [`Cid`] and [`Codec`] are re-exported from there.

use crate::codec::base58;
use crate::error::{ApiError, ApiResult};

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_input(field, message)
}

macro_rules! string_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The validated (normalised) text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The validated text, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Text

string_type!(
    /// A trimmed, non-empty single-line name of bounded length.
    Name
);

impl Name {
    /// Trims `raw`; refuses empty, longer than `max` characters, or control characters.
    pub fn parse(field: &str, raw: &str, max: usize) -> ApiResult<Self> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(bad(field, format!("{field} must not be empty")));
        }
        if s.chars().count() > max {
            return Err(bad(
                field,
                format!("{field} must be at most {max} characters"),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(bad(
                field,
                format!("{field} must not contain control characters"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

string_type!(
    /// Free text of bounded length (may span lines; other control characters refused).
    Text
);

impl Text {
    /// Refuses more than `max` characters and control characters other than newline and
    /// tab. Leading and trailing whitespace is kept; empty text is allowed.
    pub fn parse(field: &str, raw: &str, max: usize) -> ApiResult<Self> {
        if raw.chars().count() > max {
            return Err(bad(
                field,
                format!("{field} must be at most {max} characters"),
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(bad(
                field,
                format!("{field} must not contain control characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Like [`Text::parse`], and refuses text that is empty once trimmed.
    pub fn parse_non_empty(field: &str, raw: &str, max: usize) -> ApiResult<Self> {
        if raw.trim().is_empty() {
            return Err(bad(field, format!("{field} must not be empty")));
        }
        Self::parse(field, raw, max)
    }
}

// ---------------------------------------------------------------------------------------
// Internet

string_type!(
    /// An email address, trimmed and lowercased.
    Email
);

impl Email {
    /// A pragmatic check (RFC 5321 lengths, one `@`, a dotted domain, no spaces); the
    /// address is trimmed and lowercased.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim().to_lowercase();
        let invalid = || bad(field, format!("{field} is not a valid email address"));
        if s.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || !is_hostname(domain, true)
        {
            return Err(invalid());
        }
        Ok(Self(s))
    }
}

string_type!(
    /// An absolute `http`/`https` URL with a host, at most 2048 characters.
    HttpUrl
);

impl HttpUrl {
    /// Parses and normalises (as the WHATWG URL standard does) `raw`.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim();
        let invalid = || bad(field, format!("{field} must be an absolute http(s) URL"));
        if s.len() > 2048 {
            return Err(bad(
                field,
                format!("{field} must be at most 2048 characters"),
            ));
        }
        let url = url::Url::parse(s).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(invalid());
        }
        Ok(Self(url.into()))
    }
}

/// A DNS hostname: labels of letters, digits and hyphens (not at either end), 1-63
/// characters each, 253 in all. With `dotted`, at least two labels and a non-numeric
/// last label.
fn is_hostname(s: &str, dotted: bool) -> bool {
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    if dotted && labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return false;
    }
    labels
        .last()
        .is_some_and(|tld| !tld.starts_with(|c: char| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------
// AT Protocol

string_type!(
    /// A decentralised identifier of a method the AT Protocol supports: `did:plc:` (24
    /// base32 characters) or `did:web:` (a hostname).
    Did
);

impl Did {
    /// Checks `raw` (no trimming: DIDs are exact).
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let ok = if let Some(id) = raw.strip_prefix("did:plc:") {
            id.len() == 24 && id.chars().all(|c| matches!(c, 'a'..='z' | '2'..='7'))
        } else if let Some(host) = raw.strip_prefix("did:web:") {
            // A port is percent-encoded (`%3A`); paths are not supported by atproto.
            let host = host.split_once("%3A").map_or(host, |(h, port)| {
                if !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    ""
                }
            });
            is_hostname(host, false) && host == host.to_ascii_lowercase()
        } else {
            false
        };
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(bad(
                field,
                format!("{field} must be a did:plc: (24 base32 characters) or did:web: DID"),
            ))
        }
    }
}

string_type!(
    /// An AT Protocol handle (a DNS name such as `alice.bsky.social`), lowercased.
    Handle
);

impl Handle {
    /// Trims and lowercases `raw`; refuses what is not a dotted hostname.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim().to_ascii_lowercase();
        if !is_hostname(&s, true) {
            return Err(bad(
                field,
                format!("{field} must be a domain name such as alice.example.com"),
            ));
        }
        Ok(Self(s))
    }
}

string_type!(
    /// A namespaced identifier (`app.bsky.feed.post`).
    Nsid
);

impl Nsid {
    /// At least three dot-separated segments; the last (the name) is letters and digits.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let segments: Vec<&str> = raw.split('.').collect();
        let ok = raw.len() <= 317
            && segments.len() >= 3
            && segments[..segments.len() - 1].iter().all(|s| {
                !s.is_empty()
                    && s.len() <= 63
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !s.starts_with('-')
                    && !s.ends_with('-')
            })
            && segments
                .first()
                .is_some_and(|s| !s.starts_with(|c: char| c.is_ascii_digit()))
            && segments.last().is_some_and(|n| {
                !n.is_empty()
                    && n.len() <= 63
                    && n.chars().all(|c| c.is_ascii_alphanumeric())
                    && !n.starts_with(|c: char| c.is_ascii_digit())
            });
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(bad(
                field,
                format!("{field} must be an NSID such as app.bsky.feed.post"),
            ))
        }
    }
}

string_type!(
    /// A record key: 1-512 characters of `A-Za-z0-9._:~-`, not `.` or `..`.
    RecordKey
);

impl RecordKey {
    /// Checks `raw`.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= 512
            && raw != "."
            && raw != ".."
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '~' | '-'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(bad(field, format!("{field} is not a valid record key")))
        }
    }
}

/// `at://<did>/<collection>/<rkey>`: the address of one record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AtUri {
    /// The repository.
    pub did: Did,
    /// The record's collection.
    pub collection: Nsid,
    /// The record's key.
    pub rkey: RecordKey,
}

impl AtUri {
    /// Parses a record URI whose authority is a DID.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let invalid = || {
            bad(
                field,
                format!(
                    "{field} must be an AT URI such as at://did:plc:.../app.bsky.feed.post/3k..."
                ),
            )
        };
        let rest = raw.strip_prefix("at://").ok_or_else(invalid)?;
        let mut parts = rest.split('/');
        let (Some(did), Some(collection), Some(rkey), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        Ok(Self {
            did: Did::parse(field, did).map_err(|_| invalid())?,
            collection: Nsid::parse(field, collection).map_err(|_| invalid())?,
            rkey: RecordKey::parse(field, rkey).map_err(|_| invalid())?,
        })
    }
}

impl std::fmt::Display for AtUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at://{}/{}/{}", self.did, self.collection, self.rkey)
    }
}

// ---------------------------------------------------------------------------------------
// CIDs

pub use crate::codec::cid::{Cid, Codec};

// ---------------------------------------------------------------------------------------
// Solana

string_type!(
    /// A Solana address (a program or account public key): base58 of 32 bytes.
    SolanaAddress
);

impl SolanaAddress {
    /// Checks that `raw` (trimmed) is base58 and decodes to exactly 32 bytes.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim();
        let invalid = || {
            bad(
                field,
                format!("{field} must be a base58 Solana address (32 bytes)"),
            )
        };
        if s.is_empty() || s.len() > 44 {
            return Err(invalid());
        }
        if base58::decode(s).ok_or_else(invalid)?.len() != 32 {
            return Err(invalid());
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ApiError) -> Option<String> {
        match e {
            ApiError::BadUserInput { field, .. } => field,
            _ => None,
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_single_line() {
        assert_eq!(Name::parse("name", "  Ann ", 10).unwrap().as_str(), "Ann");
        assert_eq!(
            field_of(Name::parse("input.name", "   ", 10).unwrap_err()).as_deref(),
            Some("input.name")
        );
        assert!(Name::parse("n", "abcdefghijk", 10).is_err());
        assert!(
            Name::parse("n", "ééééééééé", 10).is_ok(),
            "chars, not bytes"
        );
        assert!(Name::parse("n", "a\nb", 10).is_err());
        assert!(Text::parse("t", "a\nb", 10).is_ok());
        assert!(Text::parse("t", "a\u{0}b", 10).is_err());
        assert!(Text::parse_non_empty("t", " \n", 10).is_err());
    }

    #[test]
    fn emails_urls_and_hostnames() {
        assert_eq!(
            Email::parse("email", " Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "@x.com",
            "ann@",
            "ann@x",
            "a b@x.com",
            "a@@x.com",
            "a..b@x.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
        assert_eq!(
            HttpUrl::parse("url", "https://Example.com/a b")
                .unwrap()
                .as_str(),
            "https://example.com/a%20b"
        );
        for bad in [
            "ftp://x.com",
            "javascript:alert(1)",
            "/relative",
            "https://",
            "x",
        ] {
            assert!(HttpUrl::parse("url", bad).is_err(), "{bad}");
        }
        assert!(HttpUrl::parse("url", &format!("https://x.com/{}", "a".repeat(2100))).is_err());
    }

    #[test]
    fn dids_handles_and_at_uris() {
        let plc = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
        assert!(Did::parse("did", plc).is_ok());
        assert!(Did::parse("did", "did:web:example.com").is_ok());
        assert!(Did::parse("did", "did:web:localhost%3A2583").is_ok());
        for bad in [
            "did:plc:short",
            "did:plc:EWVI7NXZYOUN6ZHXRHS64OIZ",
            "did:plc:ewvi7nxzyoun6zhxrhs64oi1",
            "did:key:z6Mk",
            "did:web:",
            "did:web:exa_mple.com",
            "plc:ewvi7nxzyoun6zhxrhs64oiz",
        ] {
            assert!(Did::parse("did", bad).is_err(), "{bad}");
        }
        assert_eq!(
            Handle::parse("handle", "Alice.Bsky.Social")
                .unwrap()
                .as_str(),
            "alice.bsky.social"
        );
        for bad in ["alice", "-a.com", "a..com", "a.1com", "a_b.com", ""] {
            assert!(Handle::parse("handle", bad).is_err(), "{bad}");
        }
        let uri = AtUri::parse("uri", &format!("at://{plc}/app.bsky.feed.post/3kabc")).unwrap();
        assert_eq!(uri.collection.as_str(), "app.bsky.feed.post");
        assert_eq!(uri.rkey.as_str(), "3kabc");
        assert_eq!(
            uri.to_string(),
            format!("at://{plc}/app.bsky.feed.post/3kabc")
        );
        for bad in [
            format!("https://{plc}/app.bsky.feed.post/3k"),
            format!("at://{plc}/app.bsky.feed.post"),
            format!("at://{plc}/post/3k"),
            format!("at://{plc}/app.bsky.feed.post/3k/extra"),
            "at://alice/app.bsky.feed.post/3k".to_owned(),
            format!("at://{plc}/app.bsky.feed.post/.."),
        ] {
            assert!(AtUri::parse("uri", &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn solana_addresses_are_base58_of_32_bytes() {
        for ok in [
            "11111111111111111111111111111111",
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
            "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4",
        ] {
            assert!(SolanaAddress::parse("programId", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "0OIl",
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D",
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DAA",
        ] {
            assert!(SolanaAddress::parse("programId", bad).is_err(), "{bad}");
        }
    }
}
