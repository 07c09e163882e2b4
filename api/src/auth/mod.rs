//! Identity: signed tokens and the request's [`Viewer`].
//!
//! One server secret signs every token (HMAC-SHA256 JWTs). A token names the domain it
//! was issued for (`aud`), its subject (`sub`: a DID, a user id, an identity) and its
//! kind (`access` or `refresh`); a token is only accepted by the domain, and for the use,
//! it was issued for. The secret comes from configuration or is generated once into the
//! data directory; it is never logged.

pub mod password;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use entity::Domain;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::ApiError;

const ISSUER: &str = "mosaic";
/// Shortest secret accepted from configuration, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// What a token may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// Authenticates requests.
    Access,
    /// Only exchanges for a new session.
    Refresh,
}

/// The claims Mosaic signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Always `mosaic`.
    pub iss: String,
    /// The domain the token was issued for.
    pub aud: String,
    /// The principal within that domain.
    pub sub: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Access or refresh.
    pub kind: TokenKind,
    /// The session the token belongs to (PDS access tokens: their session's refresh
    /// token id), checked on every request so that ending a session ends its access
    /// tokens at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// The server's signing secret. `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(Arc<Vec<u8>>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why a secret could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The configured secret is too short.
    #[error("the token secret must be at least {MIN_SECRET_LEN} bytes")]
    TooShort,
    /// Reading or writing the secret file failed.
    #[error("token secret file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The system has no randomness to give.
    #[error("cannot generate a token secret: {0}")]
    Random(String),
}

impl Secret {
    /// A secret from configuration.
    pub fn from_config(value: &str) -> Result<Self, SecretError> {
        if value.len() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort);
        }
        Ok(Self(Arc::new(value.as_bytes().to_vec())))
    }

    /// Fresh random bytes (tests, and the first start).
    pub fn generate() -> Result<Self, SecretError> {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(Self(Arc::new(bytes)))
    }

    /// The secret stored in `dir/token-secret`, created (mode 0600) on first use.
    pub fn load_or_create(dir: &Path) -> Result<Self, SecretError> {
        let path = dir.join("token-secret");
        let file_err = |source| SecretError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() >= MIN_SECRET_LEN => return Ok(Self(Arc::new(bytes))),
            Ok(_) => return Err(SecretError::TooShort),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_err(e)),
        }
        std::fs::create_dir_all(dir).map_err(file_err)?;
        let secret = Self::generate()?;
        write_private(&path, &secret.0).map_err(file_err)?;
        tracing::info!("generated a new token secret in {}", path.display());
        Ok(secret)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Issues and verifies tokens with the server secret.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    digests: Digests,
    /// The time tokens are issued at and checked against.
    clock: Clock,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tokens(***)")
    }
}

/// Keyed one-way digests: HMAC-SHA-256 under a key derived from the server's secret,
/// truncated to 64 bits. A cursor that must point at a row without revealing a secret
/// column (a PDS session's refresh token id) carries such a digest: it is stable across
/// restarts and Rust releases (unlike `std`'s `DefaultHasher`), the same on every instance
/// sharing the secret, and cannot be computed, or inverted, without the secret.
#[derive(Clone)]
pub struct Digests(Arc<Hmac<Sha256>>);

impl fmt::Debug for Digests {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digests(***)")
    }
}

impl Digests {
    /// Digests keyed by `secret` (through a derived key, so the signing key itself is
    /// never used for anything but signing).
    pub fn new(secret: &Secret) -> Self {
        let derived = hmac_sha256(&secret.0, b"mosaic cursor digests v1");
        // HMAC takes a key of any length: this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(&derived)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        Self(Arc::new(mac))
    }

    /// The digest of `value` in `context` (a name that keeps digests of different kinds
    /// apart, e.g. `"pds.sessions"`).
    pub fn of(&self, context: &str, value: &str) -> u64 {
        let mut mac = (*self.0).clone();
        mac.update(&(context.len() as u64).to_be_bytes());
        mac.update(context.as_bytes());
        mac.update(value.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&out[..8]);
        u64::from_be_bytes(first)
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// A freshly issued token.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The encoded JWT.
    pub token: String,
    /// Its claims.
    pub claims: Claims,
}

fn new_jti() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Tokens {
    /// Tokens signed with `secret`.
    pub fn new(secret: &Secret) -> Self {
        Self {
            encoding: EncodingKey::from_secret(&secret.0),
            decoding: DecodingKey::from_secret(&secret.0),
            digests: Digests::new(secret),
            clock: Clock::system(),
        }
    }

    /// The same tokens, issued at and checked against `clock`'s time (a test issues
    /// tokens in the past this way, instead of waiting for them to expire).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The keyed digests of this server's secret (for cursors that must not reveal a
    /// value, see [`Digests`]).
    pub fn digests(&self) -> &Digests {
        &self.digests
    }

    /// Signs a token for `subject` in `domain`, valid for `ttl`.
    pub fn issue(
        &self,
        domain: Domain,
        subject: &str,
        kind: TokenKind,
        ttl: Duration,
    ) -> Result<Issued, ApiError> {
        self.issue_in(domain, subject, kind, ttl, None)
    }

    /// [`Tokens::issue`], bound to session `sid` (the token stops working when the
    /// session ends).
    pub fn issue_in(
        &self,
        domain: Domain,
        subject: &str,
        kind: TokenKind,
        ttl: Duration,
        sid: Option<&str>,
    ) -> Result<Issued, ApiError> {
        let now = self.clock.now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: domain.name().into(),
            sub: subject.into(),
            iat: now,
            exp: now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
            jti: new_jti(),
            kind,
            sid: sid.map(str::to_owned),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok(Issued { token, claims })
    }

    /// Verifies `token`: signature, issuer, expiry (no leeway), domain and kind.
    pub fn verify(&self, token: &str, domain: Domain, kind: TokenKind) -> Result<Claims, ApiError> {
        let claims = self.verify_any(token)?;
        if claims.aud != domain.name() {
            return Err(ApiError::Unauthenticated(format!(
                "the token was issued for {}, not {domain}",
                claims.aud
            )));
        }
        if claims.kind != kind {
            return Err(ApiError::Unauthenticated(
                "this kind of token cannot be used here".into(),
            ));
        }
        Ok(claims)
    }

    /// Verifies signature, issuer and expiry, whatever the domain and kind.
    pub fn verify_any(&self, token: &str) -> Result<Claims, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        // Expiry is checked below against this server's clock, with no leeway.
        v.validate_exp = false;
        v.set_issuer(&[ISSUER]);
        v.validate_aud = false;
        v.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map(|d| d.claims)
            .map_err(|_| ApiError::Unauthenticated("the token is not valid".into()))?;
        if claims.exp < self.clock.now().timestamp() {
            return Err(ApiError::Unauthenticated("the token has expired".into()));
        }
        Ok(claims)
    }
}

/// Who is making the request: at most one principal per domain family.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Viewer {
    /// The verified access token's domain and subject, if any.
    pub principal: Option<(Domain, String)>,
    /// The Orquestra project a valid `X-API-Key` authenticates, if any.
    pub api_key_project: Option<String>,
    /// Why the principal's PDS account may not act outside the PDS (its status, e.g.
    /// `deactivated`), if it may not: Atrarium trusts only active accounts.
    pub inactive: Option<String>,
}

impl Viewer {
    /// An anonymous viewer.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The subject authenticated for `domain`. Atrarium users are DIDs, so a PDS
    /// session is Atrarium's principal too.
    /// A PDS account that is not active is its principal on the PDS only.
    pub fn subject(&self, domain: Domain) -> Option<&str> {
        match &self.principal {
            Some((d, _)) if *d == Domain::Atrarium && self.inactive.is_some() => None,
            Some((d, sub)) if *d == domain => Some(sub),
            Some((Domain::Pds, did)) if domain == Domain::Atrarium && self.inactive.is_none() => {
                Some(did)
            }
            _ => None,
        }
    }

    /// [`Viewer::subject`], or `UNAUTHENTICATED` (`FORBIDDEN` for an account that is not
    /// active, saying so).
    pub fn require(&self, domain: Domain) -> Result<&str, ApiError> {
        if let (Some((from, did)), Some(status)) = (&self.principal, &self.inactive)
            && domain == Domain::Atrarium
            && matches!(from, Domain::Pds | Domain::Atrarium)
        {
            return Err(ApiError::Forbidden(format!(
                "the account {did} is {status}: only active accounts act in {domain}"
            )));
        }
        self.subject(domain)
            .ok_or_else(|| ApiError::Unauthenticated(format!("sign in to {domain} to do this")))
    }

    /// The viewer of a request carrying `authorization` (`Bearer <token>`); no header is
    /// anonymous, a bad one is an error. Only the token is checked here: whether its
    /// session, user or connection still exists is [`crate::identity::current`]'s job.
    pub fn from_authorization(
        tokens: &Tokens,
        authorization: Option<&str>,
    ) -> Result<Self, ApiError> {
        Ok(match Self::claims(tokens, authorization)? {
            Some(claims) => Self::of(&claims)?,
            None => Self::anonymous(),
        })
    }

    /// The verified access token's claims of `authorization`, if there is one.
    pub fn claims(
        tokens: &Tokens,
        authorization: Option<&str>,
    ) -> Result<Option<Claims>, ApiError> {
        let Some(value) = authorization else {
            return Ok(None);
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated("use `Authorization: Bearer <token>`".into())
            })?;
        let claims = tokens.verify_any(token)?;
        if claims.kind != TokenKind::Access {
            return Err(ApiError::Unauthenticated(
                "a refresh token only opens a new session".into(),
            ));
        }
        Ok(Some(claims))
    }

    /// The viewer an access token's claims name.
    pub fn of(claims: &Claims) -> Result<Self, ApiError> {
        let domain: Domain = claims
            .aud
            .parse()
            .map_err(|_| ApiError::Unauthenticated("the token is not valid".into()))?;
        Ok(Self {
            principal: Some((domain, claims.sub.clone())),
            ..Self::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(&Secret::generate().unwrap())
    }

    #[test]
    fn tokens_round_trip_for_their_domain_and_kind_only() {
        let t = tokens();
        let issued = t
            .issue(
                Domain::Pds,
                "did:plc:alice",
                TokenKind::Access,
                Duration::from_secs(60),
            )
            .unwrap();
        let claims = t
            .verify(&issued.token, Domain::Pds, TokenKind::Access)
            .unwrap();
        assert_eq!(claims.sub, "did:plc:alice");
        assert_eq!(
            t.verify(&issued.token, Domain::Bellamy, TokenKind::Access)
                .unwrap_err()
                .code(),
            "UNAUTHENTICATED"
        );
        assert_eq!(
            t.verify(&issued.token, Domain::Pds, TokenKind::Refresh)
                .unwrap_err()
                .code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_refused() {
        let t = tokens();
        let issued = t
            .issue(
                Domain::Bellamy,
                "u1",
                TokenKind::Access,
                Duration::from_secs(60),
            )
            .unwrap();
        let mut parts: Vec<String> = issued.token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].chars().rev().collect();
        assert!(t.verify_any(&parts.join(".")).is_err());
        // Signed with another secret.
        assert!(tokens().verify_any(&issued.token).is_err());
        let expired = t
            .issue(Domain::Bellamy, "u1", TokenKind::Access, Duration::ZERO)
            .unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(
            t.verify_any(&expired.token).unwrap_err().to_string(),
            "the token has expired"
        );
    }

    #[test]
    fn viewers_come_from_bearer_headers() {
        let t = tokens();
        assert_eq!(
            Viewer::from_authorization(&t, None).unwrap(),
            Viewer::anonymous()
        );
        let pds = t
            .issue(
                Domain::Pds,
                "did:plc:alice",
                TokenKind::Access,
                Duration::from_secs(60),
            )
            .unwrap();
        let v = Viewer::from_authorization(&t, Some(&format!("Bearer {}", pds.token))).unwrap();
        assert_eq!(v.subject(Domain::Pds), Some("did:plc:alice"));
        assert_eq!(v.subject(Domain::Atrarium), Some("did:plc:alice"));
        assert_eq!(v.subject(Domain::Bellamy), None);
        assert!(Viewer::from_authorization(&t, Some("Basic abc")).is_err());
        let refresh = t
            .issue(
                Domain::Pds,
                "did:plc:alice",
                TokenKind::Refresh,
                Duration::from_secs(60),
            )
            .unwrap();
        assert!(
            Viewer::from_authorization(&t, Some(&format!("Bearer {}", refresh.token))).is_err()
        );
    }

    #[test]
    fn secrets_are_generated_once_and_never_printed() {
        let dir = std::env::temp_dir().join(format!("mosaic-secret-{}", uuid::Uuid::new_v4()));
        let a = Secret::load_or_create(&dir).unwrap();
        let b = Secret::load_or_create(&dir).unwrap();
        assert_eq!(a.0, b.0);
        assert_eq!(format!("{a:?}"), "Secret(***)");
        assert!(Secret::from_config("short").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
