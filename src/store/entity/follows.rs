//! `SeaORM` Entity, in the shape sea-orm-codegen 2.0 writes (relations left out); code columns
//! typed with the domain's enums (see `store/codes.rs`).

use sea_orm::entity::prelude::*;

use crate::domain::follow::{AlertMode, FollowKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "ux_follows_user_id_target_kind_target")]
    pub user_id: i64,
    #[sea_orm(unique_key = "ux_follows_user_id_target_kind_target")]
    pub target_kind: FollowKind,
    #[sea_orm(unique_key = "ux_follows_user_id_target_kind_target")]
    pub target: String,
    pub mode: AlertMode,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
