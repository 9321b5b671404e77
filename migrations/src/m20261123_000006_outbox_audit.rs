//! The transactional outbox (search index updates and mail, written in the same transaction as
//! the change they announce) and the audit log (who did what, when, from where).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string_len, string_len_null, string_null, text, text_null,
};

use crate::columns::{
    at, at_null, create_indexes, drop_tables, fk, id, index, ref_id_null, region_code_null,
};

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
                    .table("outbox")
                    .col(id())
                    // search_upsert | search_delete | mail
                    .col(string_len("kind", 32))
                    // JSON; never a private household field.
                    .col(text("payload"))
                    // What the row is about (e.g. `need`, `42`): the worker applies the current
                    // state of a subject, so rows for one subject may be applied in any order.
                    .col(string_len_null("subject_kind", 32))
                    .col(string_null("subject_id"))
                    .col(at("created_at"))
                    // Not to be tried before this time (backoff after a failure).
                    .col(at("available_at"))
                    .col(integer("attempts").default(0))
                    // A worker's lease on the row while it works on it (SQLite has no
                    // SKIP LOCKED, and mail must not be sent while holding row locks).
                    .col(at_null("locked_until"))
                    .col(string_null("locked_by"))
                    .col(text_null("last_error"))
                    .col(at_null("processed_at"))
                    // Set on a permanent failure: the row is kept for inspection, not retried.
                    .col(at_null("failed_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(id())
                    .col(ref_id_null("actor_user_id"))
                    // e.g. need.verify, household.update, organisation.verify
                    .col(string_len("action", 64))
                    .col(string_len("target_kind", 32))
                    .col(string_null("target_id"))
                    .col(region_code_null("region_code"))
                    .col(string_len("ip", 45).null())
                    .col(string_len_null("request_id", 64))
                    // JSON details; private fields are named, never their values.
                    .col(text_null("detail"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "audit_log",
                        "actor_user_id",
                        "users",
                        "id",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                // Only the rows still to do: done and failed rows leave the index.
                Index::create()
                    .name("ix_outbox_pending")
                    .table("outbox")
                    .col("available_at")
                    .col("id")
                    .and_where(Expr::col("processed_at").is_null())
                    .and_where(Expr::col("failed_at").is_null())
                    .to_owned(),
                index("outbox", &["subject_kind", "subject_id"]),
                index("audit_log", &["target_kind", "target_id"]),
                index("audit_log", &["actor_user_id"]),
                index("audit_log", &["created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_log", "outbox"]).await
    }
}
