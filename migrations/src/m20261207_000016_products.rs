//! 消费扶贫: a village cooperative's products (扶贫产品, certified by a verifier of the area),
//! the orders buyers place for them (以购代捐), each order's timeline, and the photos of both
//! (a product's, public with it; what arrived for an order, the buyer's and seller's only).
//!
//! A cooperative is an organisation of the kind `cooperative`, its region a village.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, date_null, integer, string, string_len, string_null,
    text, text_null,
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
                    .table("products")
                    .col(id())
                    // The cooperative (or village collective) that sells it.
                    .col(ref_id("seller_id"))
                    // The village it comes from: its cadres list for it, its verifiers certify.
                    .col(region_code("village_code"))
                    // grain | vegetables | fruit | tea | honey | meat_eggs | handicraft | other
                    .col(string_len("category", 16))
                    .col(text("name"))
                    .col(text("description"))
                    // jin | kg | item | box | bottle | bag
                    .col(string_len("unit", 16))
                    .col(big_integer("unit_price_fen"))
                    // In the unit; NULL when it is sold by season, made to order.
                    .col(big_integer_null("stock"))
                    .col(date_null("season_from"))
                    .col(date_null("season_to"))
                    .col(big_integer("min_order"))
                    // Registered poor households it supports: a count from the register.
                    .col(integer("households_supported"))
                    // draft | listed | delisted
                    .col(string_len("status", 16).default("draft"))
                    // 扶贫产品认定: the certificate, by a verifier of the area, until a day.
                    .col(string_null("certificate_no"))
                    .col(ref_id_null("certified_by"))
                    .col(at_null("certified_at"))
                    .col(date_null("certified_until"))
                    .col(ref_id("created_by"))
                    .col(at_null("listed_at"))
                    .col(at("created_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk(
                        "products",
                        "seller_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "products",
                        "village_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("products", "certified_by", "users", "id", SetNull))
                    .foreign_key(&mut fk("products", "created_by", "users", "id", Restrict))
                    .check(Expr::col("unit_price_fen").gt(0))
                    .check(Expr::col("min_order").gt(0))
                    .check(Expr::col("households_supported").gte(0))
                    // The guarded update keeps it there; the database says so too.
                    .check(Expr::col("stock").is_null().or(Expr::col("stock").gte(0)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_events")
                    .col(id())
                    .col(ref_id("product_id"))
                    .col(string_len("kind", 24))
                    .col(ref_id_null("actor_user_id"))
                    .col(text_null("note"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "product_events",
                        "product_id",
                        "products",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "product_events",
                        "actor_user_id",
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
                    .table("orders")
                    .col(id())
                    .col(ref_id("product_id"))
                    // Copied from the product, for the figures and for who may act.
                    .col(ref_id("seller_id"))
                    .col(region_code("village_code"))
                    .col(ref_id("buyer_user_id"))
                    // The organisation bought for; NULL for a person buying as themself.
                    .col(ref_id_null("buyer_org_id"))
                    .col(big_integer("quantity"))
                    // The price when ordered, and so the order's value.
                    .col(big_integer("unit_price_fen"))
                    .col(big_integer("value_fen"))
                    // Whether the product was a certified 扶贫产品 when ordered: only those count
                    // as 消费扶贫 in the figures.
                    .col(boolean("certified"))
                    // ordered | confirmed | declined | shipped | received | settled | cancelled
                    // | expired
                    .col(string_len("status", 16).default("ordered"))
                    // The buyer's own delivery data: the buyer's and the seller's only.
                    .col(string("recipient_name"))
                    .col(string_len("recipient_phone", 11))
                    .col(text("delivery_address"))
                    .col(text_null("buyer_note"))
                    .col(text_null("decline_reason"))
                    .col(string_null("carrier"))
                    .col(string_null("tracking_ref"))
                    .col(big_integer_null("received_quantity"))
                    .col(string_null("payment_ref"))
                    // When an unconfirmed order expires.
                    .col(at("confirm_by"))
                    .col(at("ordered_at"))
                    .col(at_null("confirmed_at"))
                    .col(at_null("shipped_at"))
                    .col(at_null("received_at"))
                    .col(at_null("settled_at"))
                    .col(at_null("closed_at"))
                    .col(at("updated_at"))
                    .foreign_key(&mut fk("orders", "product_id", "products", "id", Restrict))
                    .foreign_key(&mut fk(
                        "orders",
                        "seller_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "orders",
                        "village_code",
                        "regions",
                        "code",
                        Restrict,
                    ))
                    .foreign_key(&mut fk("orders", "buyer_user_id", "users", "id", Restrict))
                    .foreign_key(&mut fk(
                        "orders",
                        "buyer_org_id",
                        "organisations",
                        "id",
                        Restrict,
                    ))
                    .check(Expr::col("quantity").gt(0))
                    .check(Expr::col("value_fen").gt(0))
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
        manager
            .create_table(
                Table::create()
                    .table("order_events")
                    .col(id())
                    .col(ref_id("order_id"))
                    .col(string_len("kind", 24))
                    // buyer | seller | platform
                    .col(string_len("actor_role", 16))
                    .col(ref_id_null("actor_user_id"))
                    .col(text_null("note"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk("order_events", "order_id", "orders", "id", Cascade))
                    .foreign_key(&mut fk(
                        "order_events",
                        "actor_user_id",
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
                    .table("trade_photos")
                    .col(id())
                    .col(string_len("public_id", 32))
                    .col(ref_id_null("product_id"))
                    .col(ref_id_null("order_id"))
                    .col(string("storage_key"))
                    .col(string_len("content_type", 32))
                    .col(big_integer("byte_size"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(string_len("sha256", 64))
                    .col(ref_id_null("uploaded_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "trade_photos",
                        "product_id",
                        "products",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk("trade_photos", "order_id", "orders", "id", Cascade))
                    .foreign_key(&mut fk(
                        "trade_photos",
                        "uploaded_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    // A product's photo or an order's receipt, never both.
                    .check(
                        Expr::col("product_id")
                            .is_null()
                            .ne(Expr::col("order_id").is_null()),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("products", &["status", "category"]),
                index("products", &["seller_id"]),
                index("products", &["village_code"]),
                index("product_events", &["product_id", "created_at"]),
                index("orders", &["buyer_user_id", "ordered_at"]),
                index("orders", &["buyer_org_id", "status"]),
                index("orders", &["seller_id", "status"]),
                index("orders", &["product_id"]),
                index("orders", &["status", "confirm_by"]),
                index("orders", &["village_code", "status"]),
                index("order_events", &["order_id", "created_at"]),
                unique("trade_photos", &["public_id"]),
                unique("trade_photos", &["storage_key"]),
                index("trade_photos", &["product_id"]),
                index("trade_photos", &["order_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "trade_photos",
                "order_events",
                "orders",
                "product_events",
                "products",
            ],
        )
        .await
    }
}
