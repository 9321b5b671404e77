//! Password resets by mail: one row per request, its token known by its SHA-256 hash (what the
//! reset checks), usable once and for 30 minutes. The token is also kept sealed (AES-GCM under
//! the deployment's key) until it is used, so that the mail worker, which writes the letter
//! after the request's transaction, can put it in the link; the seal is wiped when the token is
//! used or its account's password is reset through another.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{blob_null, string_len, string_len_null};

use crate::columns::{at, at_null, create_indexes, drop_tables, fk, id, index, ref_id, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("password_resets")
                    .col(id())
                    .col(ref_id("user_id"))
                    // SHA-256 (hex) of the token.
                    .col(string_len("token_hash", 64))
                    // The token sealed for the mail worker; none once used or superseded.
                    .col(blob_null("token_sealed"))
                    // The address the request came from, told to the account's owner.
                    .col(string_len_null("requested_from", 64))
                    .col(at("created_at"))
                    .col(at("expires_at"))
                    .col(at_null("used_at"))
                    .foreign_key(&mut fk(
                        "password_resets",
                        "user_id",
                        "users",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique("password_resets", &["token_hash"]),
                index("password_resets", &["user_id", "used_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["password_resets"]).await
    }
}
