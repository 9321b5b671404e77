//! Why a verifier took a need out of public view (撤下核查): read by the need's cadres and
//! verifiers only; the public timeline says no more than that it was withdrawn from view.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

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
                    .add_column(text_null("takedown_reason"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("needs")
                    .drop_column("takedown_reason")
                    .to_owned(),
            )
            .await
    }
}
