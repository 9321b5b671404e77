//! `stored_files`: uploaded files (photos) kept in the database by their storage key, so that
//! every API node and worker reads the same bytes. Chosen by `DUIJIE_FILES=database` (the
//! default on PostgreSQL); on SQLite the files stay under the data directory and this table
//! stays empty. `duijie files to-database` moves a directory's files into it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{blob, string_len};

use crate::columns::{at, drop_tables};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("stored_files")
                    .col(string_len("key", 255).primary_key())
                    .col(blob("bytes"))
                    .col(at("created_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["stored_files"]).await
    }
}
