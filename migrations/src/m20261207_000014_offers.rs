//! Offers of help (帮扶资源、帮扶意愿) — the other side of 对接: what an organisation or a person
//! can give, where it may go, its timeline, the villages' requests for it, and the pledges made
//! from it (what each took from the offer, so that a released pledge gives it back).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, date_null, string_len, string_null, text, text_null,
};

use crate::columns::{
    at, at_null, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, region_code,
    unique,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("offers")
                    .col(id())
                    // goods | money | jobs | services | purchasing
                    .col(string_len("kind", 16))
                    .col(string_len("category", 24))
                    .col(string_len("unit", 16))
                    .col(text("title"))
                    .col(text("description"))
                    // In the unit: positions, fen, items, sets, kg, person-times.
                    .col(big_integer("quantity"))
                    // What is left: the guarded update keeps it between 0 and quantity.
                    .col(big_integer("remaining"))
                    // Offered for a verified organisation, or by a person as themself.
                    .col(ref_id_null("organisation_id"))
                    .col(ref_id("offered_by"))
                    .col(boolean("anonymous").default(false))
                    // The name shown in public: the organisation's, the person's, or 爱心人士.
                    .col(string_null("display_name"))
                    // pairings | regions | anywhere
                    .col(string_len("destination", 16))
                    .col(at("valid_until"))
                    .col(string_null("job_place"))
                    .col(big_integer_null("pay_min_fen"))
                    .col(big_integer_null("pay_max_fen"))
                    .col(text_null("requirements"))
                    .col(date_null("deliver_by"))
                    // draft | published | paused | exhausted | expired | withdrawn
                    .col(string_len("status", 16).default("draft"))
                    .col(at_null("published_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "offers",
                        "organisation_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("offers", "offered_by", "users", "id", Restrict))
                    .check(Expr::col("quantity").gt(0))
                    .check(
                        Expr::col("remaining")
                            .gte(0)
                            .and(Expr::col("remaining").lte(Expr::col("quantity"))),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("offer_regions")
                    .col(id())
                    .col(ref_id("offer_id"))
                    .col(region_code("region_code"))
                    .foreign_key(&mut fk(
                        "offer_regions",
                        "offer_id",
                        "offers",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "offer_regions",
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
                    .table("offer_events")
                    .col(id())
                    .col(ref_id("offer_id"))
                    .col(string_len("kind", 24))
                    // offerer | cadre | platform
                    .col(string_len("actor_role", 16))
                    .col(ref_id_null("actor_user_id"))
                    .col(ref_id_null("need_id"))
                    .col(big_integer_null("quantity"))
                    .col(text_null("note"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("offer_events", "offer_id", "offers", "id", Cascade))
                    .foreign_key(&mut fk(
                        "offer_events",
                        "actor_user_id",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .foreign_key(&mut fk("offer_events", "need_id", "needs", "id", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("offer_requests")
                    .col(id())
                    .col(ref_id("offer_id"))
                    .col(ref_id("need_id"))
                    // In the need's unit.
                    .col(big_integer("quantity"))
                    .col(text_null("note"))
                    .col(ref_id("requested_by"))
                    // pending | accepted | declined | expired | withdrawn
                    .col(string_len("status", 16).default("pending"))
                    .col(text_null("decline_reason"))
                    .col(ref_id_null("decided_by"))
                    .col(at_null("decided_at"))
                    .col(ref_id_null("pledge_id"))
                    .col(at("expires_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "offer_requests",
                        "offer_id",
                        "offers",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("offer_requests", "need_id", "needs", "id", Cascade))
                    .foreign_key(&mut fk(
                        "offer_requests",
                        "requested_by",
                        "users",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "offer_requests",
                        "decided_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "offer_requests",
                        "pledge_id",
                        "pledges",
                        "id",
                        SetNull,
                    ))
                    .check(Expr::col("quantity").gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("offer_pledges")
                    .col(id())
                    .col(ref_id("offer_id"))
                    .col(ref_id("pledge_id"))
                    // What the pledge took from the offer, in the offer's unit.
                    .col(big_integer("cost"))
                    // The request it answered, if one (else applied directly).
                    .col(ref_id_null("request_id"))
                    .col(at_null("released_at"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "offer_pledges",
                        "offer_id",
                        "offers",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "offer_pledges",
                        "pledge_id",
                        "pledges",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "offer_pledges",
                        "request_id",
                        "offer_requests",
                        "id",
                        SetNull,
                    ))
                    .check(Expr::col("cost").gt(0))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("offers", &["status", "category"]),
                index("offers", &["organisation_id", "status"]),
                index("offers", &["offered_by"]),
                unique("offer_regions", &["offer_id", "region_code"]),
                index("offer_regions", &["region_code"]),
                index("offer_events", &["offer_id", "created_at"]),
                index("offer_requests", &["offer_id", "status"]),
                index("offer_requests", &["need_id", "status"]),
                index("offer_requests", &["status", "expires_at"]),
                unique("offer_pledges", &["pledge_id"]),
                index("offer_pledges", &["offer_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "offer_pledges",
                "offer_requests",
                "offer_events",
                "offer_regions",
                "offers",
            ],
        )
        .await
    }
}
