//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out); code columns
//! typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::offer::RequestStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offer_id: i64,
    pub need_id: i64,
    pub quantity: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub requested_by: i64,
    pub status: RequestStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub decline_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub pledge_id: Option<i64>,
    pub expires_at: DateTimeWithTimeZone,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
