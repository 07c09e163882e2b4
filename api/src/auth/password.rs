//! Passwords: scrypt (PHC string) hashing and verification, shared by every domain that
//! keeps passwords (Bellamy's users, the PDS's accounts). No GraphQL and no storage here.
//!
//! Hashing and verifying run off the async runtime, bounded by a [`Passwords`] value made
//! once per server and put into the schema's data: each scrypt hash at the recommended
//! cost holds 128 MiB and a core for a fraction of a second, so a burst of logins or
//! sign-ups queues there instead of exhausting memory. A login for an unknown identifier
//! (or an account without a usable hash) verifies against a dummy hash of the same cost,
//! so how long the answer takes does not tell which identifiers have accounts
//! ([`Passwords::check`]).

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// Shortest accepted new password (characters).
pub const MIN_PASSWORD: usize = 8;
/// Longest accepted new password (bytes).
pub const MAX_PASSWORD: usize = 1024;

/// Checks a new password's length (`field` names it in the error).
pub fn check_new(field: &str, password: &str) -> ApiResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD || password.len() > MAX_PASSWORD {
        return Err(ApiError::bad_input(
            field,
            format!("{field} must be {MIN_PASSWORD} to {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// How many password checks have run scrypt on one [`Passwords`], by what they were
/// checked against: an account's hash or the dummy hash (an unknown identifier, an
/// unusable hash). Every login pays for exactly one; tests read this to see the unknown
/// path does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verifications {
    /// Checks against an account's own hash.
    pub against_accounts: u64,
    /// Checks against the dummy hash.
    pub against_dummy: u64,
}

#[derive(Debug, Default)]
struct Counters {
    against_accounts: AtomicU64,
    against_dummy: AtomicU64,
}

/// A server's password hasher: the limit on hashes running at once, the dummy hash that
/// unknown identifiers are verified against, and the [`Verifications`] counters. Cheap
/// to clone (the clones share all three); made once per server ([`Passwords::new`]) and
/// read by resolvers with `ctx.data::<Passwords>()?`.
#[derive(Clone, Debug)]
pub struct Passwords {
    hashing: Arc<Semaphore>,
    dummy: Arc<str>,
    counters: Arc<Counters>,
}

impl Default for Passwords {
    /// One hash at a time per core.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, NonZeroUsize::get))
    }
}

impl Passwords {
    /// A hasher running at most `permits` hashes or verifications at once (at least one).
    pub fn new(permits: usize) -> Self {
        Self {
            hashing: Arc::new(Semaphore::new(permits.max(1))),
            dummy: dummy_hash().into(),
            counters: Arc::default(),
        }
    }

    /// Runs a password hash or verification on the blocking pool, within the limit (the
    /// permit is held until the work ends, even if the request goes away).
    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let permit = Arc::clone(&self.hashing)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .map_err(ApiError::internal)
    }

    /// [`hash_password`] off the async runtime, within the limit.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.bounded(move || hash_password(&password)).await?
    }

    /// Checks `password` against an account's stored hash, off the async runtime and
    /// within the limit. With no account (`None`), or a hash that is not a usable scrypt
    /// string, it verifies against the dummy hash instead and answers `false`: every login
    /// runs one scrypt at the cost of new hashes, whether or not the identifier has an
    /// account.
    pub async fn check(&self, password: String, stored: Option<String>) -> ApiResult<bool> {
        let counters = Arc::clone(&self.counters);
        match stored.filter(|h| usable(h)) {
            Some(hash) => {
                self.bounded(move || {
                    counters.against_accounts.fetch_add(1, Ordering::Relaxed);
                    verify_password(&password, &hash)
                })
                .await
            }
            None => {
                let dummy = Arc::clone(&self.dummy);
                self.bounded(move || {
                    counters.against_dummy.fetch_add(1, Ordering::Relaxed);
                    std::hint::black_box(verify_password(&password, &dummy));
                    false
                })
                .await
            }
        }
    }

    /// The [`Verifications`] this hasher has run so far.
    pub fn verifications(&self) -> Verifications {
        Verifications {
            against_accounts: self.counters.against_accounts.load(Ordering::Relaxed),
            against_dummy: self.counters.against_dummy.load(Ordering::Relaxed),
        }
    }
}

/// A PHC scrypt string at the cost new passwords are hashed with
/// ([`scrypt::Params::recommended`]), with an all-zero salt and output: verifying any
/// password against it runs one full scrypt, like a real account's hash, and fails.
fn dummy_hash() -> String {
    let p = scrypt::Params::recommended();
    format!(
        "$scrypt$ln={},r={},p={}${}${}",
        p.log_n(),
        p.r(),
        p.p(),
        "A".repeat(22), // 16 zero bytes, unpadded base64
        "A".repeat(43), // 32 zero bytes
    )
}

/// Whether `hash` is a PHC scrypt string that verification really runs scrypt on (an
/// unreadable one fails at once, which would time differently).
fn usable(hash: &str) -> bool {
    use scrypt::password_hash::PasswordHash;
    PasswordHash::new(hash).is_ok_and(|h| {
        h.algorithm.as_str() == "scrypt"
            && h.salt.is_some()
            && h.hash.is_some()
            && scrypt::Params::try_from(&h).is_ok()
    })
}

/// Hashes `password` as a PHC scrypt string with the recommended cost.
pub fn hash_password(password: &str) -> ApiResult<String> {
    hash_password_with(password, scrypt::Params::recommended())
}

/// Hashes `password` with explicit scrypt parameters (tests use cheap ones; the stored
/// string carries them, so verification needs nothing else).
pub fn hash_password_with(password: &str, params: scrypt::Params) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    hash_password_salted(password, params, &salt)
}

/// Hashes `password` with explicit parameters and salt (deterministic data only).
pub fn hash_password_salted(
    password: &str,
    params: scrypt::Params,
    salt: &[u8; 16],
) -> ApiResult<String> {
    use scrypt::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(salt).map_err(ApiError::internal)?;
    scrypt::Scrypt
        .hash_password_customized(password.as_bytes(), None, None, params, &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored PHC `hash` (false for an unreadable hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    use scrypt::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|parsed| {
            scrypt::Scrypt
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use scrypt::password_hash::PasswordHash;

    use super::*;

    #[test]
    fn the_dummy_hash_costs_what_a_new_hash_costs() {
        let dummy_hash = dummy_hash();
        let dummy = PasswordHash::new(&dummy_hash).unwrap();
        let p = scrypt::Params::try_from(&dummy).unwrap();
        let r = scrypt::Params::recommended();
        assert_eq!((p.log_n(), p.r(), p.p()), (r.log_n(), r.r(), r.p()));
        assert_eq!(
            dummy.hash.map(|h| h.len()),
            Some(scrypt::Params::RECOMMENDED_LEN)
        );
        assert!(usable(&dummy_hash));
        let real = hash_password("pw").unwrap();
        assert_eq!(
            PasswordHash::new(&real).unwrap().params,
            dummy.params,
            "same parameters as a stored hash"
        );
    }

    #[test]
    fn unreadable_hashes_are_not_usable() {
        let cheap = hash_password_with("pw", scrypt::Params::new(4, 8, 1, 32).unwrap()).unwrap();
        assert!(usable(&cheap));
        for bad in [
            "",
            "$argon2id$placeholder",
            "$scrypt$N=16384,r=8,p=1$c2FsdA$DEMO-PLACEHOLDER",
            "$scrypt$ln=17,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!usable(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn every_check_runs_one_verification() {
        let passwords = Passwords::new(1);
        let cheap = hash_password_with("pw", scrypt::Params::new(4, 8, 1, 32).unwrap()).unwrap();
        assert!(
            passwords
                .check("pw".into(), Some(cheap.clone()))
                .await
                .unwrap()
        );
        assert!(!passwords.check("no".into(), Some(cheap)).await.unwrap());
        assert!(!passwords.check("pw".into(), None).await.unwrap());
        assert!(
            !passwords
                .check("pw".into(), Some("$argon2id$x".into()))
                .await
                .unwrap()
        );
        // Counters belong to their hasher: exactly what this test ran.
        assert_eq!(
            passwords.verifications(),
            Verifications {
                against_accounts: 2,
                against_dummy: 2,
            }
        );
        assert_eq!(passwords.clone().verifications().against_dummy, 2);
        assert_eq!(Passwords::new(0).verifications(), Verifications::default());
    }

    #[test]
    fn new_passwords_are_8_to_1024() {
        assert!(check_new("p", "1234567").is_err());
        assert!(check_new("p", "12345678").is_ok());
        assert!(check_new("p", &"x".repeat(1025)).is_err());
    }
}
