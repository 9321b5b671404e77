//! When a need was suspended by an objection, so that the notice period pauses while the
//! objection is examined and resumes where it stood when it is dismissed.

use sea_orm_migration::prelude::*;

use crate::columns::at_null;

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
                    .table("needs")
                    .add_column(at_null("suspended_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("needs")
                    .drop_column("suspended_at")
                    .to_owned(),
            )
            .await
    }
}
