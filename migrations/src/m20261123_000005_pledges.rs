//! Pledges (认捐) toward needs, the public timeline of needs, the idempotency keys that make pledging safe to retry, and the
//! photos of needs and of receipts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, small_integer, string, string_len,
    string_null, text, text_null,
};

use crate::columns::{
    at, at_null, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, unique,
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
                    .table("pledges")
                    .col(id())
                    .col(ref_id("need_id"))
                    .col(ref_id("donor_user_id"))
                    // Pledged on behalf of a verified organisation, or as an individual.
                    .col(ref_id_null("organisation_id"))
                    .col(big_integer("quantity"))
                    // pledged | shipped | received | thanked | cancelled | expired
                    .col(string_len("status", 16).default("pledged"))
                    .col(boolean("anonymous").default(false))
                    // The name shown in public, chosen by the donor at pledge time.
                    .col(string_null("display_name"))
                    .col(text_null("message"))
                    .col(at("due_at"))
                    .col(string_null("shipment_carrier"))
                    .col(string_null("shipment_reference"))
                    .col(at_null("shipped_at"))
                    .col(big_integer_null("received_quantity"))
                    .col(at_null("received_at"))
                    .col(ref_id_null("received_confirmed_by"))
                    .col(text_null("thanks_note"))
                    .col(at_null("thanked_at"))
                    .col(at_null("cancelled_at"))
                    .col(at_null("expired_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("pledges", "need_id", "needs", "id", Restrict))
                    .foreign_key(&mut fk("pledges", "donor_user_id", "users", "id", Restrict))
                    .foreign_key(&mut fk(
                        "pledges",
                        "organisation_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "pledges",
                        "received_confirmed_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .check(Expr::col("quantity").gt(0))
                    .check(
                        Expr::col("received_quantity")
                            .is_null()
                            .or(Expr::col("received_quantity")
                                .gte(0)
                                .and(Expr::col("received_quantity").lte(Expr::col("quantity")))),
                    )
                    .to_owned(),
            )
            .await?;

        // `Idempotency-Key` of a request, scoped to its user, with the response first given.
        manager
            .create_table(
                Table::create()
                    .table("idempotency_keys")
                    .col(ref_id("user_id"))
                    .col(string_len("key", 128))
                    // SHA-256 (hex) of the request's method, path and body.
                    .col(string_len("request_hash", 64))
                    .col(small_integer("response_status"))
                    .col(text("response_body"))
                    .col(at("created_at"))
                    .primary_key(Index::create().col("user_id").col("key"))
                    .foreign_key(&mut fk(
                        "idempotency_keys",
                        "user_id",
                        "users",
                        "id",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        // Re-encoded images (EXIF stripped) of a need or of a pledge's receipt; the bytes live in
        // the data directory or object storage under `storage_key`.
        manager
            .create_table(
                Table::create()
                    .table("photos")
                    .col(id())
                    .col(ref_id_null("need_id"))
                    .col(ref_id_null("pledge_id"))
                    .col(string("storage_key"))
                    .col(string_len("content_type", 32))
                    .col(big_integer("byte_size"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(string_len("sha256", 64))
                    .col(ref_id_null("uploaded_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("photos", "need_id", "needs", "id", Cascade))
                    .foreign_key(&mut fk("photos", "pledge_id", "pledges", "id", Cascade))
                    .foreign_key(&mut fk("photos", "uploaded_by", "users", "id", SetNull))
                    // A photo belongs to a need or to a pledge's receipt, never both.
                    .check(
                        Expr::col("need_id")
                            .is_null()
                            .ne(Expr::col("pledge_id").is_null()),
                    )
                    .to_owned(),
            )
            .await?;

        // The public timeline: append-only, public-safe wording only.
        manager
            .create_table(
                Table::create()
                    .table("need_events")
                    .col(id())
                    .col(ref_id("need_id"))
                    .col(string_len("kind", 32))
                    // Public-safe description of the actor: a role, or an organisation's name.
                    .col(string_len("actor_role", 16).null())
                    .col(string_null("actor_label"))
                    .col(ref_id_null("actor_user_id"))
                    // The pledge the event is about, if any.
                    .col(ref_id_null("pledge_id"))
                    .col(text_null("note"))
                    .col(text_null("data"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("need_events", "need_id", "needs", "id", Cascade))
                    .foreign_key(&mut fk(
                        "need_events",
                        "actor_user_id",
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
                index("need_events", &["need_id", "id"]),
                index("pledges", &["need_id", "status"]),
                index("pledges", &["donor_user_id", "status"]),
                index("pledges", &["organisation_id", "status"]),
                index("pledges", &["status", "due_at"]),
                index("idempotency_keys", &["created_at"]),
                index("photos", &["need_id"]),
                index("photos", &["pledge_id"]),
                unique("photos", &["storage_key"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["need_events", "photos", "idempotency_keys", "pledges"],
        )
        .await
    }
}
