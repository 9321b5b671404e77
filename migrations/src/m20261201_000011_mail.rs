//! Mail: what each outbox row delivered to whom (so a retried row never mails anyone twice), the
//! notifications each person chose not to receive, and the reminder sent before a pledge is
//! due.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, boolean, string_len, text_null};

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
                    .table("mail_deliveries")
                    .col(id())
                    // The outbox row the mail announces; no foreign key, as done outbox rows are
                    // pruned while their deliveries stay on record.
                    .col(big_integer("outbox_id"))
                    .col(ref_id("user_id"))
                    // The notification kind, e.g. `pledge_received`.
                    .col(string_len("kind", 32))
                    // Derived from the outbox row and the recipient: the same on every retry.
                    .col(string_len("message_id", 255))
                    // sent | failed (refused for good by the mail server) | skipped (opted out,
                    // no address)
                    .col(string_len("status", 16))
                    .col(text_null("detail"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "mail_deliveries",
                        "user_id",
                        "users",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("notification_preferences")
                    .col(id())
                    .col(ref_id("user_id"))
                    .col(string_len("kind", 32))
                    .col(boolean("email"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "notification_preferences",
                        "user_id",
                        "users",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("pledges")
                    .add_column(at_null("reminded_at"))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique("mail_deliveries", &["message_id"]),
                index("mail_deliveries", &["outbox_id"]),
                index("mail_deliveries", &["user_id", "created_at"]),
                unique("notification_preferences", &["user_id", "kind"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("pledges")
                    .drop_column("reminded_at")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, &["notification_preferences", "mail_deliveries"]).await
    }
}
