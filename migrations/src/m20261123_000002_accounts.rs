//! Accounts and who may act where: users, organisations (帮扶主体), pairings (结对), roles with
//! their scopes, browser sessions and personal API tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, date, date_null, string, string_len, string_null, text_null,
};

use crate::columns::{
    at, at_null, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, region_code,
    region_code_null, unique,
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
                    .table("users")
                    .col(id())
                    // Stored lower-cased; at least one of email and mobile is set.
                    .col(string_null("email"))
                    .col(string_len("mobile", 11).null())
                    .col(string("password_hash"))
                    .col(string("display_name"))
                    .col(string_len("locale", 8).default("zh-CN"))
                    .col(boolean("is_active").default(true))
                    .col(at_null("last_login_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .check(
                        Expr::col("email")
                            .is_not_null()
                            .or(Expr::col("mobile").is_not_null()),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(id())
                    // enterprise | paired_city | designated_unit | social_org
                    .col(string_len("kind", 32))
                    .col(string("name"))
                    // 统一社会信用代码 (GB 32100), 18 characters; required of enterprises.
                    .col(string_len("credit_code", 18).null())
                    .col(region_code_null("region_code"))
                    .col(string_null("contact_email"))
                    .col(text_null("description"))
                    .col(at_null("verified_at"))
                    .col(ref_id_null("verified_by"))
                    .col(ref_id_null("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "organisations",
                        "region_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "organisations",
                        "verified_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "organisations",
                        "created_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("pairings")
                    .col(id())
                    // wanqi (万企帮万村) | duikou (对口帮扶) | dingdian (定点扶贫)
                    .col(string_len("program", 16))
                    .col(string("name"))
                    // The helping side: an organisation, a region (a paired city), or both.
                    .col(ref_id_null("helper_organisation_id"))
                    .col(region_code_null("helper_region_code"))
                    .col(date("starts_on"))
                    .col(date_null("ends_on"))
                    // active | ended
                    .col(string_len("status", 16).default("active"))
                    .col(ref_id_null("created_by"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "pairings",
                        "helper_organisation_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "pairings",
                        "helper_region_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("pairings", "created_by", "users", "id", SetNull))
                    .check(
                        Expr::col("helper_organisation_id")
                            .is_not_null()
                            .or(Expr::col("helper_region_code").is_not_null()),
                    )
                    .to_owned(),
            )
            .await?;

        // The helped side of a pairing: cities, counties or villages.
        manager
            .create_table(
                Table::create()
                    .table("pairing_targets")
                    .col(id())
                    .col(ref_id("pairing_id"))
                    .col(region_code("region_code"))
                    .foreign_key(&mut fk(
                        "pairing_targets",
                        "pairing_id",
                        "pairings",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "pairing_targets",
                        "region_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        // A role a user holds, with its scope: cadre → a village, verifier → a town or county,
        // coordinator → a pairing, org_admin / org_member → an organisation, admin → everything.
        manager
            .create_table(
                Table::create()
                    .table("user_roles")
                    .col(id())
                    .col(ref_id("user_id"))
                    .col(string_len("role", 16))
                    .col(region_code_null("region_code"))
                    .col(ref_id_null("organisation_id"))
                    .col(ref_id_null("pairing_id"))
                    // `platform`, `region:<code>`, `organisation:<id>` or `pairing:<id>`: the
                    // scope as one non-null value, so a grant cannot be held twice.
                    .col(string_len("scope_key", 64))
                    .col(ref_id_null("granted_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("user_roles", "user_id", "users", "id", Cascade))
                    .foreign_key(&mut fk(
                        "user_roles",
                        "region_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "user_roles",
                        "organisation_id",
                        "organisations",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "user_roles",
                        "pairing_id",
                        "pairings",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("user_roles", "granted_by", "users", "id", SetNull))
                    .to_owned(),
            )
            .await?;

        // Server-side browser sessions; the cookie carries a random token, the table its hash.
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(id())
                    .col(string_len("token_hash", 64))
                    .col(ref_id("user_id"))
                    .col(string_len("csrf_token_hash", 64))
                    .col(string_len("ip", 45).null())
                    .col(string_null("user_agent"))
                    .col(at("created_at"))
                    .col(at("last_seen_at"))
                    .col(at("expires_at"))
                    .col(at_null("revoked_at"))
                    .foreign_key(&mut fk("sessions", "user_id", "users", "id", Cascade))
                    .to_owned(),
            )
            .await?;

        // Personal API tokens for programmatic clients, hashed at rest.
        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(id())
                    .col(ref_id("user_id"))
                    .col(string("name"))
                    .col(string_len("token_hash", 64))
                    // The first characters of the token, to tell tokens apart in a list.
                    .col(string_len("prefix", 16))
                    .col(at("created_at"))
                    .col(at_null("last_used_at"))
                    .col(at_null("expires_at"))
                    .col(at_null("revoked_at"))
                    .foreign_key(&mut fk("api_tokens", "user_id", "users", "id", Cascade))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                unique("users", &["email"]),
                unique("users", &["mobile"]),
                // One verified organisation per credit code; unverified claims may coexist, so
                // that nobody can squat a real enterprise's code before it registers.
                Index::create()
                    .name("ux_organisations_credit_code_verified")
                    .table("organisations")
                    .col("credit_code")
                    .unique()
                    .and_where(Expr::col("verified_at").is_not_null())
                    .to_owned(),
                index("organisations", &["credit_code"]),
                index("organisations", &["region_code"]),
                index("pairings", &["helper_organisation_id"]),
                index("pairings", &["helper_region_code"]),
                unique("pairing_targets", &["pairing_id", "region_code"]),
                index("pairing_targets", &["region_code"]),
                unique("user_roles", &["user_id", "role", "scope_key"]),
                index("user_roles", &["region_code"]),
                index("user_roles", &["organisation_id"]),
                unique("sessions", &["token_hash"]),
                index("sessions", &["user_id"]),
                index("sessions", &["expires_at"]),
                unique("api_tokens", &["token_hash"]),
                index("api_tokens", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "api_tokens",
                "sessions",
                "user_roles",
                "pairing_targets",
                "pairings",
                "organisations",
                "users",
            ],
        )
        .await
    }
}
