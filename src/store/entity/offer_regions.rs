//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_regions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "ux_offer_regions_offer_id_region_code")]
    pub offer_id: i64,
    #[sea_orm(unique_key = "ux_offer_regions_offer_id_region_code")]
    pub region_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
