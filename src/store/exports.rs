//! What the exports read that nothing else does: a region's needs in the public statuses, a
//! page at a time in key order.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::needs;
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
