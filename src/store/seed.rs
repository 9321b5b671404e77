//! What `seed demo` finds again before it creates anything, so that running it twice changes
//! nothing: its rows, by the natural keys it gives them (a need's title, an organisation's or a
//! pairing's name). Only the demo looks rows up this way.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use super::entity::{needs, offers, orders, organisations, pairings, pledges, products};
use super::needs::record;
use crate::domain::projection::NeedRecord;

/// The organisation with this name.
pub async fn organisation_id(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|o| o.id))
}

/// The pairing with this name.
pub async fn pairing_id(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(pairings::Entity::find()
        .filter(pairings::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// Whether the village has a need with this title.
pub async fn need_exists(
    db: &impl ConnectionTrait,
    village_code: &str,
    title: &str,
) -> Result<bool, DbErr> {
    Ok(needs::Entity::find()
        .filter(needs::Column::VillageCode.eq(village_code))
        .filter(needs::Column::Title.eq(title))
        .one(db)
        .await?
        .is_some())
}

/// A need with this title, in any village.
pub async fn need_titled(
    db: &impl ConnectionTrait,
    title: &str,
) -> Result<Option<NeedRecord>, DbErr> {
    needs::Entity::find()
        .filter(needs::Column::Title.eq(title))
        .one(db)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// Whether the need has any pledge, in any status.
pub async fn has_pledges(db: &impl ConnectionTrait, need_id: i64) -> Result<bool, DbErr> {
    Ok(pledges::Entity::find()
        .filter(pledges::Column::NeedId.eq(need_id))
        .count(db)
        .await?
        > 0)
}

/// An offer with this title.
pub async fn offer_titled(db: &impl ConnectionTrait, title: &str) -> Result<Option<i64>, DbErr> {
    Ok(offers::Entity::find()
        .filter(offers::Column::Title.eq(title))
        .one(db)
        .await?
        .map(|o| o.id))
}

/// The product with this name.
pub async fn product_named(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(products::Entity::find()
        .filter(products::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// Whether any order was placed for the product.
pub async fn has_orders(db: &impl ConnectionTrait, product_id: i64) -> Result<bool, DbErr> {
    Ok(orders::Entity::find()
        .filter(orders::Column::ProductId.eq(product_id))
        .count(db)
        .await?
        > 0)
}
