//! Demo data for every domain (`mosaic seed`, `mosaic serve --demo`): a small, linked data
//! set so that GraphiQL has something to show. Each domain seeds itself only while empty.

use entity::Domain;

use crate::db::Databases;

/// Seeds every domain that has no data yet.
pub async fn seed(dbs: &Databases) -> Result<(), sea_orm::DbErr> {
    crate::atrarium::demo::seed(dbs.get(Domain::Atrarium)).await?;
    crate::orquestra::demo::seed(dbs.get(Domain::Orquestra)).await?;
    crate::bellamy::demo::seed(dbs.get(Domain::Bellamy)).await?;
    crate::pds::demo::seed(dbs.get(Domain::Pds)).await?;
    crate::universe::demo::seed(dbs.get(Domain::Universe)).await?;
    Ok(())
}
