//! `entity.version`: the counter behind the seed's "version-based optimistic
//! concurrency control". Writes compare-and-swap on it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("entity")
                    .add_column(
                        ColumnDef::new("version")
                            .big_integer()
                            .not_null()
                            .default(1i64),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("entity").drop_column("version").take())
            .await
    }
}
