//! Mosaic's schema migrations: one [`MigratorTrait`] implementation per domain, each
//! mirroring its seed's migration history. Every migration runs in a transaction on both
//! backends and has a working `down`.

pub use sea_orm_migration::prelude::*;

pub mod atrarium;
pub mod bellamy;
mod common;
pub mod orquestra;
pub mod pds;
pub mod universe;

use entity::Domain;
use sea_orm_migration::MigrationStatus;
use sea_orm_migration::sea_orm::DatabaseConnection;

/// Whether a migration of a domain's history has run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's name, e.g. `m001_initial_schema`.
    pub name: String,
    /// `true` once applied.
    pub applied: bool,
}

macro_rules! dispatch {
    ($domain:expr, $m:ident, $call:ident ( $($arg:expr),* )) => {
        match $domain {
            Domain::Atrarium => atrarium::Migrator::$call($($arg),*).await,
            Domain::Orquestra => orquestra::Migrator::$call($($arg),*).await,
            Domain::Bellamy => bellamy::Migrator::$call($($arg),*).await,
            Domain::Pds => pds::Migrator::$call($($arg),*).await,
            Domain::Universe => universe::Migrator::$call($($arg),*).await,
        }
    };
}

/// Applies `steps` pending migrations of `domain` (all of them when `None`).
pub async fn up(domain: Domain, db: &DatabaseConnection, steps: Option<u32>) -> Result<(), DbErr> {
    dispatch!(domain, M, up(db, steps))
}

/// Rolls back `steps` applied migrations of `domain` (all of them when `None`).
pub async fn down(
    domain: Domain,
    db: &DatabaseConnection,
    steps: Option<u32>,
) -> Result<(), DbErr> {
    dispatch!(domain, M, down(db, steps))
}

/// Drops every table of `domain`'s schema or file, then applies all migrations.
pub async fn fresh(domain: Domain, db: &DatabaseConnection) -> Result<(), DbErr> {
    dispatch!(domain, M, fresh(db))
}

/// Every migration of `domain`'s history, in order, with whether it has been applied.
pub async fn status(domain: Domain, db: &DatabaseConnection) -> Result<Vec<MigrationState>, DbErr> {
    let migrations = dispatch!(domain, M, get_migration_with_status(db))?;
    Ok(migrations
        .iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: m.status() == MigrationStatus::Applied,
        })
        .collect())
}
