//! Fixed-window counters for rate limits (logins, registrations, objections), kept in the
//! database so that every API node counts the same attempts; and the platform's own facts
//! (such as the check value of the secret key every node must share).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len, text};

use crate::columns::{at, drop_tables};

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
                    .table("rate_limits")
                    // e.g. `login:user:<sha256 of the login>` or `login:ip:203.0.113.7`
                    .col(string_len("key", 128).primary_key())
                    .col(at("window_started_at"))
                    .col(integer("hits"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("platform_meta")
                    .col(string_len("key", 64).primary_key())
                    .col(text("value"))
                    .col(at("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["platform_meta", "rate_limits"]).await
    }
}
