//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out: the store joins
//! by hand); code columns typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::product::{ProductCategory, ProductStatus, SaleUnit};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub seller_id: i64,
    pub village_code: String,
    pub category: ProductCategory,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub unit: SaleUnit,
    pub unit_price_fen: i64,
    pub stock: Option<i64>,
    pub season_from: Option<Date>,
    pub season_to: Option<Date>,
    pub min_order: i64,
    pub households_supported: i32,
    pub status: ProductStatus,
    pub certificate_no: Option<String>,
    pub certified_by: Option<i64>,
    pub certified_at: Option<DateTimeWithTimeZone>,
    pub certified_until: Option<Date>,
    pub created_by: i64,
    pub listed_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
