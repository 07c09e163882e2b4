//! Demo data for every domain (`mosaic seed`, `mosaic serve --demo`): a small, linked data
//! set so that GraphiQL has something to show. Each domain seeds itself only while empty.

pub mod atrarium;
pub mod bellamy;
pub mod orquestra;
pub mod pds;
pub mod universe;

use entity::Domain;

use crate::db::Databases;

/// Seeds every domain that has no data yet.
pub async fn seed(dbs: &Databases) -> Result<(), sea_orm::DbErr> {
    atrarium::seed(dbs.get(Domain::Atrarium)).await?;
    orquestra::seed(dbs.get(Domain::Orquestra)).await?;
    bellamy::seed(dbs.get(Domain::Bellamy)).await?;
    pds::seed(dbs.get(Domain::Pds)).await?;
    universe::seed(dbs.get(Domain::Universe)).await?;
    Ok(())
}
