//! Needs (需求) and the objections (异议/举报) raised
//! against them during the public notice period.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, boolean, integer, string, string_len, string_null, text, text_null,
};

use crate::columns::{
    at, at_null, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, region_code,
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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        manager
            .create_table(
                Table::create()
                    .table("needs")
                    .col(id())
                    // household | village
                    .col(string_len("beneficiary_kind", 16))
                    .col(ref_id_null("household_id"))
                    .col(region_code("village_code"))
                    // The village's ancestors, so that a filter or a figure for any level is an
                    // indexed equality, not a prefix match.
                    .col(region_code("town_code"))
                    .col(region_code("county_code"))
                    .col(region_code("city_code"))
                    .col(region_code("province_code"))
                    .col(string_len("category", 32))
                    .col(string("title"))
                    .col(text("description"))
                    .col(string_len("unit", 16))
                    .col(big_integer("target_quantity"))
                    // Sum of active pledges; the pledge invariant keeps it ≤ target_quantity.
                    .col(big_integer("pledged_quantity").default(0))
                    .col(big_integer("received_quantity").default(0))
                    .col(big_integer("unit_value_fen"))
                    // normal | urgent | critical
                    .col(string_len("urgency", 16).default("normal"))
                    .col(at("deadline"))
                    .col(string_len("status", 16).default("draft"))
                    .col(boolean("requires_second_verification").default(false))
                    .col(ref_id_null("verified_by"))
                    .col(at_null("verified_at"))
                    .col(ref_id_null("second_verified_by"))
                    .col(at_null("second_verified_at"))
                    .col(at_null("notice_ends_at"))
                    .col(at_null("published_at"))
                    .col(text_null("rejection_reason"))
                    .col(ref_id("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    // Bumped by every change, for optimistic concurrency and index freshness.
                    .col(integer("version").default(1))
                    .foreign_key(&mut fk(
                        "needs",
                        "household_id",
                        "households",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "needs",
                        "village_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("needs", "verified_by", "users", "id", SetNull))
                    .foreign_key(&mut fk(
                        "needs",
                        "second_verified_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .foreign_key(&mut fk("needs", "created_by", "users", "id", Restrict))
                    .check(Expr::col("target_quantity").gt(0))
                    .check(Expr::col("unit_value_fen").gte(0))
                    .check(
                        Expr::col("pledged_quantity")
                            .gte(0)
                            .and(Expr::col("pledged_quantity").lte(Expr::col("target_quantity"))),
                    )
                    .check(
                        Expr::col("received_quantity")
                            .gte(0)
                            .and(Expr::col("received_quantity").lte(Expr::col("target_quantity"))),
                    )
                    .check(
                        Expr::col("beneficiary_kind")
                            .eq("household")
                            .and(Expr::col("household_id").is_not_null())
                            .or(Expr::col("beneficiary_kind")
                                .eq("village")
                                .and(Expr::col("household_id").is_null())),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("objections")
                    .col(id())
                    .col(ref_id("need_id"))
                    .col(text("reason"))
                    // The objector's contact, seen by verifiers only; empty when anonymous.
                    .col(string_null("contact"))
                    .col(ref_id_null("reporter_user_id"))
                    // open | upheld | dismissed
                    .col(string_len("status", 16).default("open"))
                    .col(ref_id_null("resolved_by"))
                    .col(at_null("resolved_at"))
                    .col(text_null("resolution_note"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("objections", "need_id", "needs", "id", Cascade))
                    .foreign_key(&mut fk(
                        "objections",
                        "reporter_user_id",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .foreign_key(&mut fk("objections", "resolved_by", "users", "id", SetNull))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("needs", &["village_code", "status"]),
                index("needs", &["town_code", "status"]),
                index("needs", &["county_code", "status"]),
                index("needs", &["city_code", "status"]),
                index("needs", &["province_code", "status"]),
                index("needs", &["status", "published_at"]),
                index("needs", &["status", "notice_ends_at"]),
                index("needs", &["status", "deadline"]),
                index("needs", &["household_id"]),
                index("needs", &["created_by"]),
                index("objections", &["need_id", "status"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["objections", "needs"]).await
    }
}
