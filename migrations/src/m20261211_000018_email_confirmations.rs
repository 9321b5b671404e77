//! Accounts that prove their owner: `users.confirmed_at` (when the account's owner proved they
//! read its mail, by following a confirmation link), and `email_confirmations`, the links sent
//! for it — shaped as `password_resets` is (a token known by its SHA-256 hash, kept sealed for
//! the mail worker until used; single use; an expiry), plus the address being confirmed.
//!
//! Every account already on the platform when this migration runs is marked confirmed (as of
//! its creation), mobile-only accounts included: nobody already using the platform is locked
//! out of pledging, ordering, acting for an organisation or being granted a role by the new
//! rule. Only accounts registered from now on must confirm.

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
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(at_null("confirmed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE users SET confirmed_at = created_at")
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("email_confirmations")
                    .col(id())
                    .col(ref_id("user_id"))
                    // The address the link confirms (the account's, when the link was sent).
                    .col(string_len("email", 254))
                    // SHA-256 (hex) of the token.
                    .col(string_len("token_hash", 64))
                    // The token sealed for the mail worker; none once used or superseded.
                    .col(blob_null("token_sealed"))
                    .col(string_len_null("requested_from", 64))
                    .col(at("created_at"))
                    .col(at("expires_at"))
                    .col(at_null("used_at"))
                    .foreign_key(&mut fk(
                        "email_confirmations",
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
                unique("email_confirmations", &["token_hash"]),
                index("email_confirmations", &["user_id", "used_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["email_confirmations"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("confirmed_at")
                    .to_owned(),
            )
            .await
    }
}
