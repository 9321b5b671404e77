//! What the public projection of a need ([`crate::domain::projection`]) reads besides the need,
//! loaded for a page of needs at once, and the public projection of its timeline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::need::EventKind;
use crate::domain::projection::{self, HouseholdFacts, NeedRecord};
pub use crate::domain::projection::{PublicBeneficiary, PublicNeed};
use crate::domain::region::RegionCode;
use crate::error::ApiError;
use crate::store::entity::{households, need_events, needs, regions};
use crate::store::needs::{household_facts, record};

/// One entry of a need's public timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub kind: EventKind,
    /// e.g. `开始公示`
    pub label: String,
    /// Who acted, as a role: `cadre`, `verifier`, `donor`, `public` or `platform`.
    pub actor: Option<String>,
    /// A public name the actor chose to show (an organisation's name), if any.
    pub actor_label: Option<String>,
    pub pledge_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// What the projection needs besides the need rows: region names and the households'
/// public facts, loaded once for a page of needs.
#[derive(Debug, Default)]
pub struct PublicContext {
    region_names: HashMap<String, String>,
    households: HashMap<i64, HouseholdFacts>,
}

impl PublicContext {
    pub async fn load(db: &impl ConnectionTrait, rows: &[needs::Model]) -> Result<Self, DbErr> {
        let codes = rows.iter().flat_map(|n| {
            [
                &n.province_code,
                &n.city_code,
                &n.county_code,
                &n.town_code,
                &n.village_code,
            ]
        });
        let household_ids = rows.iter().filter_map(|n| n.household_id);
        Self::load_for(db, codes, household_ids).await
    }

    /// As [`PublicContext::load`], for needs read as records.
    pub async fn load_records(
        db: &impl ConnectionTrait,
        needs: &[NeedRecord],
    ) -> Result<Self, DbErr> {
        let codes = needs.iter().flat_map(|n| n.region_codes.iter());
        let household_ids = needs.iter().filter_map(|n| n.household_id);
        Self::load_for(db, codes, household_ids).await
    }

    async fn load_for(
        db: &impl ConnectionTrait,
        codes: impl Iterator<Item = &String>,
        household_ids: impl Iterator<Item = i64>,
    ) -> Result<Self, DbErr> {
        let mut codes: Vec<String> = codes.cloned().collect();
        codes.sort();
        codes.dedup();
        let region_names = regions::Entity::find()
            .filter(regions::Column::Code.is_in(codes))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect();
        let household_ids: Vec<i64> = household_ids.collect();
        let households = if household_ids.is_empty() {
            HashMap::new()
        } else {
            households::Entity::find()
                .filter(households::Column::Id.is_in(household_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|h| (h.id, household_facts(&h)))
                .collect()
        };
        Ok(Self {
            region_names,
            households,
        })
    }
}

/// The public projection of one need's row.
pub fn public_need(need: &needs::Model, context: &PublicContext) -> Result<PublicNeed, ApiError> {
    Ok(public_record(&record(need)?, context))
}

/// The public projection of one need's record.
pub fn public_record(need: &NeedRecord, context: &PublicContext) -> PublicNeed {
    let names = need
        .region_codes
        .iter()
        .map(|c| context.region_names.get(c).cloned().unwrap_or_default())
        .collect();
    let household = need.household_id.and_then(|id| context.households.get(&id));
    projection::public_need(need, names, household)
}

/// The public projection of a timeline event: what happened, by which kind of actor, when.
/// The acting user's identity and any internal note stay out.
pub fn timeline_entry(event: &need_events::Model) -> Result<TimelineEntry, ApiError> {
    let kind = event.kind;
    Ok(TimelineEntry {
        kind,
        label: kind.label_zh().to_owned(),
        actor: event.actor_role.clone(),
        actor_label: event.actor_label.clone(),
        pledge_id: event.pledge_id,
        at: event.created_at.to_utc(),
    })
}

/// The region code column of `needs` at the level of `code`, for filters on any level.
pub fn region_column(code: &RegionCode) -> needs::Column {
    level_column(code.level())
}

/// The region code column of `needs` at `level`.
pub fn level_column(level: crate::domain::region::Level) -> needs::Column {
    use crate::domain::region::Level;
    match level {
        Level::Province => needs::Column::ProvinceCode,
        Level::City => needs::Column::CityCode,
        Level::County => needs::Column::CountyCode,
        Level::Town => needs::Column::TownCode,
        Level::Village => needs::Column::VillageCode,
    }
}
