//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out: the store joins
//! by hand); code columns typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::need::{Category, Unit};
use crate::domain::offer::{Destination, OfferKind, OfferStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: OfferKind,
    pub category: Category,
    pub unit: Unit,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub quantity: i64,
    pub remaining: i64,
    pub organisation_id: Option<i64>,
    pub offered_by: i64,
    pub anonymous: bool,
    pub display_name: Option<String>,
    pub destination: Destination,
    pub valid_until: DateTimeWithTimeZone,
    pub job_place: Option<String>,
    pub pay_min_fen: Option<i64>,
    pub pay_max_fen: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub requirements: Option<String>,
    pub deliver_by: Option<Date>,
    pub status: OfferStatus,
    pub published_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
