//! PDS's GraphQL types, enums, filters and orders.
//!
//! Secrets are not fields (nor filterable): `accounts.password_hash`,
//! `accounts.signing_key_priv`, `accounts.rotation_key_priv`, `refresh_tokens.jti` and
//! `app_passwords.password_scrypt`. Text primary keys (DIDs, record URIs) are `ID`s;
//! integer sequence numbers are `Int` (64-bit). Bytes are `Base64`. What only an account
//! itself may read (its email, sessions, app passwords, temporary uploads) is decided in
//! [`super::access`].

pub mod accounts;
pub mod enums;
pub mod filters;
pub mod payloads;
pub mod records;
pub mod repos;
pub mod sessions;

pub use accounts::*;
pub use enums::*;
pub use filters::*;
pub use payloads::*;
pub use records::*;
pub use repos::*;
pub use sessions::*;
