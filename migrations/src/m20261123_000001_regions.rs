//! Administrative divisions (行政区划): the national statistical codes, five levels deep.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{small_integer, string};

use crate::columns::{fk, index, region_code, region_code_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing on SQLite too (sea-orm-migration wraps only PostgreSQL by default).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("regions")
                    .col(region_code("code").primary_key())
                    .col(string("name"))
                    // 1 province (省), 2 city (市), 3 county (县), 4 town (乡镇), 5 village (村).
                    .col(small_integer("level"))
                    .col(region_code_null("parent_code"))
                    .foreign_key(&mut fk(
                        "regions",
                        "parent_code",
                        "regions",
                        "code",
                        ForeignKeyAction::Restrict,
                    ))
                    .check(Expr::col("level").between(1, 5))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("regions", &["parent_code"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::columns::drop_tables(manager, &["regions"]).await
    }
}
