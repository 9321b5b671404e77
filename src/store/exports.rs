//! What the exports read that nothing else does: a region's needs in the public statuses, a
//! page at a time in key order.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::entity::{needs, offers, orders, pledges};
use super::needs::{record, region_column};
use crate::domain::need::NeedStatus;
use crate::domain::projection::NeedRecord;
use crate::domain::region::RegionCode;

/// The statuses in which the public may see a need (an expired one only if it was public:
/// [`NeedRecord::is_public`] decides).
const PUBLIC_STATUSES: [NeedStatus; 7] = [
    NeedStatus::InNotice,
    NeedStatus::Suspended,
    NeedStatus::Published,
    NeedStatus::FullyPledged,
    NeedStatus::Fulfilled,
    NeedStatus::Closed,
    NeedStatus::Expired,
];

/// The needs in `region` (at any level) in a public status, after id `after`, in id order, at
/// most `limit`.
pub async fn region_needs_page(
    db: &impl ConnectionTrait,
    region: &RegionCode,
    after: i64,
    limit: u64,
) -> Result<Vec<NeedRecord>, DbErr> {
    needs::Entity::find()
        .filter(region_column(region).eq(region.as_str()))
        .filter(needs::Column::Status.is_in(PUBLIC_STATUSES))
        .filter(needs::Column::Id.gt(after))
        .order_by_asc(needs::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .iter()
        .map(record)
        .collect()
}

/// Whether an export would hold more than `cap` rows after key `after`: whether a row lies
/// beyond the cap, one indexed look-up rather than a count of a whole ledger.
pub async fn over_cap(
    db: &impl ConnectionTrait,
    rows: Rows<'_>,
    after: i64,
    cap: u64,
) -> Result<bool, DbErr> {
    match rows {
        Rows::RegionNeeds(region) => {
            let select = needs::Entity::find()
                .filter(region_column(region).eq(region.as_str()))
                .filter(needs::Column::Status.is_in(PUBLIC_STATUSES));
            beyond(db, select, needs::Column::Id, after, cap).await
        }
        Rows::OrganisationPledges(org) => {
            let select = pledges::Entity::find().filter(pledges::Column::OrganisationId.eq(org));
            beyond(db, select, pledges::Column::Id, after, cap).await
        }
        Rows::OrganisationOffers(org) => {
            let select = offers::Entity::find().filter(offers::Column::OrganisationId.eq(org));
            beyond(db, select, offers::Column::Id, after, cap).await
        }
        Rows::OrganisationPurchases(org) => {
            let select = orders::Entity::find().filter(orders::Column::BuyerOrgId.eq(org));
            beyond(db, select, orders::Column::Id, after, cap).await
        }
    }
}

async fn beyond<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    id: E::Column,
    after: i64,
    cap: u64,
) -> Result<bool, DbErr> {
    let found: Option<i64> = select
        .select_only()
        .column(id)
        .filter(id.gt(after))
        .order_by_asc(id)
        .offset(cap)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The rows of an export, as [`over_cap`] looks at them.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    RegionNeeds(&'a RegionCode),
    OrganisationPledges(i64),
    OrganisationOffers(i64),
    OrganisationPurchases(i64),
}
