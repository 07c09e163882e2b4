//! Orquestra: GitHub users, their Solana IDL projects, IDL versions, API keys, project
//! socials and known addresses (seed 001).

pub mod api_keys;
pub mod idl_versions;
pub mod known_addresses;
pub mod project_socials;
pub mod projects;
pub mod users;
