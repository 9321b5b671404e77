//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out); code columns
//! typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::follow::AlertMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "ux_need_alerts_user_id_need_id")]
    pub user_id: i64,
    #[sea_orm(unique_key = "ux_need_alerts_user_id_need_id")]
    pub need_id: i64,
    pub follow_id: Option<i64>,
    pub mode: AlertMode,
    pub digest_day: Option<Date>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
