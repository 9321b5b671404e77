//! Poor villages (贫困村) and registered poor households (建档立卡户).
//!
//! A household's public-safe facts (size, 致贫原因, register status, village) live in
//! `households`; everything that identifies a person lives apart in `household_private`,
//! encrypted by the application, with a keyed hash of the ID number for de-duplication.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, blob, blob_null, boolean, integer, integer_null, small_integer, string_len, text,
    text_null,
};

use crate::columns::{
    at, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, region_code, unique,
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

        // The profile of a village-level region that takes part in the platform.
        manager
            .create_table(
                Table::create()
                    .table("villages")
                    .col(region_code("region_code").primary_key())
                    // 贫困村: a registered poor village.
                    .col(boolean("is_poor").default(false))
                    .col(integer_null("population"))
                    .col(integer_null("household_count"))
                    .col(text_null("profile"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "villages",
                        "region_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("households")
                    .col(id())
                    .col(region_code("village_code"))
                    .col(small_integer("members_count"))
                    // JSON array of 致贫原因 code names, e.g. ["illness","lack_labour"].
                    .col(text("poverty_causes"))
                    // registered (在档) | exited (已脱贫) | returned (返贫)
                    .col(string_len("register_status", 16).default("registered"))
                    .col(ref_id_null("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "households",
                        "village_code",
                        "villages",
                        "region_code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("households", "created_by", "users", "id", SetNull))
                    .check(Expr::col("members_count").gt(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("household_private")
                    .col(big_integer("household_id").primary_key())
                    // AEAD ciphertexts (nonce ‖ ciphertext) under the deployment's secret key.
                    .col(blob("head_name_enc"))
                    .col(blob("id_card_enc"))
                    .col(blob_null("phone_enc"))
                    .col(blob_null("address_enc"))
                    // Keyed hash (HMAC-SHA-256, hex) of the normalised 身份证号.
                    .col(string_len("id_card_hash", 64))
                    // Which secret key sealed the fields, so that keys can be rotated.
                    .col(small_integer("key_version").default(1))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "household_private",
                        "household_id",
                        "households",
                        "id",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        // Annual per-capita income, the evidence for leaving the register.
        manager
            .create_table(
                Table::create()
                    .table("household_incomes")
                    .col(id())
                    .col(ref_id("household_id"))
                    .col(integer("year"))
                    .col(big_integer("per_capita_income_fen"))
                    .col(ref_id_null("recorded_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "household_incomes",
                        "household_id",
                        "households",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "household_incomes",
                        "recorded_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .check(Expr::col("per_capita_income_fen").gte(0))
                    .to_owned(),
            )
            .await?;

        // 有进有出, 进出有据: every move of the register status, with its reason and evidence.
        manager
            .create_table(
                Table::create()
                    .table("household_status_changes")
                    .col(id())
                    .col(ref_id("household_id"))
                    .col(string_len("from_status", 16).null())
                    .col(string_len("to_status", 16))
                    .col(text("reason"))
                    .col(text_null("evidence"))
                    .col(ref_id_null("changed_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "household_status_changes",
                        "household_id",
                        "households",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "household_status_changes",
                        "changed_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("households", &["village_code"]),
                unique("household_private", &["id_card_hash"]),
                unique("household_incomes", &["household_id", "year"]),
                index("household_status_changes", &["household_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "household_status_changes",
                "household_incomes",
                "household_private",
                "households",
                "villages",
            ],
        )
        .await
    }
}
