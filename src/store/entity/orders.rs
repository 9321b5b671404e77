//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out: the store joins
//! by hand); code columns typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::order::OrderStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub seller_id: i64,
    pub village_code: String,
    pub buyer_user_id: i64,
    pub buyer_org_id: Option<i64>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub value_fen: i64,
    pub certified: bool,
    pub status: OrderStatus,
    pub recipient_name: String,
    pub recipient_phone: String,
    #[sea_orm(column_type = "Text")]
    pub delivery_address: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub buyer_note: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decline_reason: Option<String>,
    pub carrier: Option<String>,
    pub tracking_ref: Option<String>,
    pub received_quantity: Option<i64>,
    pub payment_ref: Option<String>,
    pub confirm_by: DateTimeWithTimeZone,
    pub ordered_at: DateTimeWithTimeZone,
    pub confirmed_at: Option<DateTimeWithTimeZone>,
    pub shipped_at: Option<DateTimeWithTimeZone>,
    pub received_at: Option<DateTimeWithTimeZone>,
    pub settled_at: Option<DateTimeWithTimeZone>,
    pub closed_at: Option<DateTimeWithTimeZone>,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
