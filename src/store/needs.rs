//! Needs' rows read into domain types, once.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::entity::{households, needs};
use crate::domain::household::PovertyCause;
use crate::domain::need::NeedFacts;
use crate::domain::projection::{HouseholdFacts, NeedRecord};
use crate::domain::region::RegionCode;

/// The need's row as a [`NeedRecord`].
pub fn record(row: &needs::Model) -> Result<NeedRecord, DbErr> {
    Ok(NeedRecord {
        id: row.id,
        title: row.title.clone(),
        description: row.description.clone(),
        category: row.category,
        status: row.status,
        unit: row.unit,
        beneficiary: row.beneficiary_kind,
        household_id: row.household_id,
        region_codes: [
            row.province_code.clone(),
            row.city_code.clone(),
            row.county_code.clone(),
            row.town_code.clone(),
            row.village_code.clone(),
        ],
        target_quantity: row.target_quantity,
        pledged_quantity: row.pledged_quantity,
        received_quantity: row.received_quantity,
        min_pledge_quantity: row.min_pledge_quantity,
        unit_value_fen: row.unit_value_fen,
        urgency: row.urgency,
        deadline: row.deadline.to_utc(),
        notice_ends_at: row.notice_ends_at.map(|t| t.to_utc()),
        published_at: row.published_at.map(|t| t.to_utc()),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
        version: row.version,
    })
}

/// The need with this id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<NeedRecord>, DbErr> {
    needs::Entity::find_by_id(id)
        .one(db)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// What the public may know of a household's row: its size and causes of poverty.
pub fn household_facts(row: &households::Model) -> HouseholdFacts {
    HouseholdFacts {
        members: row.members_count,
        causes: poverty_causes(&row.poverty_causes),
    }
}

/// The causes of poverty stored as a JSON list of codes.
pub fn poverty_causes(stored: &str) -> Vec<PovertyCause> {
    serde_json::from_str::<Vec<String>>(stored)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| PovertyCause::parse(c))
        .collect()
}

// Reads by id, for pledges, their mail and exports.

/// The needs with these ids, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<NeedRecord>, DbErr> {
    needs::Entity::find()
        .filter(needs::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .iter()
        .map(record)
        .collect()
}

/// The facts a move of need `id` is decided on, with no other open objections.
pub async fn facts(db: &impl ConnectionTrait, id: i64) -> Result<Option<NeedFacts>, DbErr> {
    let Some(row) = needs::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let village = RegionCode::parse(&row.village_code)
        .map_err(|e| DbErr::Custom(format!("need {id}'s village: {e}")))?;
    Ok(Some(NeedFacts {
        status: row.status,
        village,
        created_by: row.created_by,
        verified_by: row.verified_by,
        requires_second_verification: row.requires_second_verification,
        target: row.target_quantity,
        pledged: row.pledged_quantity,
        received: row.received_quantity,
        deadline: row.deadline.to_utc(),
        notice_ends_at: row.notice_ends_at.map(|t| t.to_utc()),
        suspended_at: row.suspended_at.map(|t| t.to_utc()),
        other_open_objections: 0,
    }))
}

/// Why need `id` was rejected, if it was.
pub async fn rejection_reason(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(needs::Entity::find_by_id(id)
        .select_only()
        .column(needs::Column::RejectionReason)
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten())
}
