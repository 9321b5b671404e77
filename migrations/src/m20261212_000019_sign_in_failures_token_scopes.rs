//! Sign-in throttling and scoped, expiring API tokens (OWASP ASVS 4.0.3 V2.2.1, V3.3):
//!
//! - `sign_in_failures`: one row per failed sign-in (and per attempt in flight), by the
//!   account it was against (`user:<id>`, or a digest of the login when there is no such
//!   account) and the client's address, at the clock's time. Counting the rows of the last hour
//!   is an exact sliding window shared by every API node; a successful sign-in deletes its
//!   (account, address) rows, a password reset the account's.
//! - `api_tokens.scope`: `read`, `pledge` or `manage`. Tokens made before scopes existed could
//!   do everything their user could: they become `manage`, and, having had no expiry, expire
//!   90 days after this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_len;
use sea_orm_migration::sea_orm::entity::prelude::{ChronoDateTimeUtc, ChronoUtc};

use crate::columns::{at, create_indexes, drop_tables, id, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// How long the tokens that had no expiry live on after this migration.
const EXISTING_TOKENS_DAYS: i64 = 90;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sign_in_failures")
                    .col(id())
                    .col(string_len("account_key", 64))
                    .col(string_len("address_key", 64))
                    .col(at("failed_at"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("sign_in_failures", &["account_key", "failed_at"]),
                index(
                    "sign_in_failures",
                    &["account_key", "address_key", "failed_at"],
                ),
                index("sign_in_failures", &["failed_at"]),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("api_tokens")
                    .add_column(string_len("scope", 16).default("manage"))
                    .to_owned(),
            )
            .await?;
        let expires = ChronoDateTimeUtc::from_timestamp(
            ChronoUtc::now().timestamp() + EXISTING_TOKENS_DAYS * 86_400,
            0,
        )
        .ok_or_else(|| DbErr::Migration("the tokens' expiry is out of range".to_owned()))?;
        let backfill = Query::update()
            .table("api_tokens")
            .value("expires_at", expires.fixed_offset())
            .and_where(Expr::col("expires_at").is_null())
            .to_owned();
        manager.exec_stmt(backfill).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("api_tokens")
                    .drop_column("scope")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &["sign_in_failures"]).await
    }
}
