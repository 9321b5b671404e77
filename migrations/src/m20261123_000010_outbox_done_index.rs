//! Done outbox rows are pruned a week after they were processed: an index finds them without
//! reading the whole outbox on every scheduler tick.

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
            .create_index(
                Index::create()
                    .name("ix_outbox_processed_at")
                    .table("outbox")
                    .col("processed_at")
                    .and_where(Expr::col("processed_at").is_not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_outbox_processed_at")
                    .table("outbox")
                    .to_owned(),
            )
            .await
    }
}
