//! Follows (关注) of regions, categories, pairings and organisations, and the alerts of newly
//! published needs they bring: one row per person and need, so that each person hears of a need
//! once, at once or in a daily digest.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date_null, string_len};

use crate::columns::{at, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("follows")
                    .col(id())
                    .col(ref_id("user_id"))
                    // region | category | pairing | organisation
                    .col(string_len("target_kind", 16))
                    // A region code, a category code, or a pairing's or organisation's id.
                    .col(string_len("target", 24))
                    // instant | daily
                    .col(string_len("mode", 16))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("follows", "user_id", "users", "id", Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("need_alerts")
                    .col(id())
                    .col(ref_id("user_id"))
                    .col(ref_id("need_id"))
                    // The follow it came through; none for an alert from an offer's match.
                    .col(ref_id_null("follow_id"))
                    .col(string_len("mode", 16))
                    // The day (in Beijing) of the digest that carried it; none until then.
                    .col(date_null("digest_day"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("need_alerts", "user_id", "users", "id", Cascade))
                    .foreign_key(&mut fk("need_alerts", "need_id", "needs", "id", Cascade))
                    .foreign_key(&mut fk(
                        "need_alerts",
                        "follow_id",
                        "follows",
                        "id",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique("follows", &["user_id", "target_kind", "target"]),
                index("follows", &["target_kind", "target"]),
                unique("need_alerts", &["user_id", "need_id"]),
                index("need_alerts", &["need_id", "mode"]),
                index("need_alerts", &["mode", "digest_day", "follow_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["need_alerts", "follows"]).await
    }
}
