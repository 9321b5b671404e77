//! The public projection of a need: the one function that decides what anyone may see of a
//! need. The detail endpoint, the lists, the search document and the timeline all go through
//! it. It takes the household's size and causes of poverty, never a private field: nothing
//! here can reach a name, an ID number, a phone number or an address.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::household::PovertyCause;
use crate::domain::need::{
    BeneficiaryKind, Category, EventKind, NeedStatus, PledgeKind, Unit, Urgency,
};
use crate::domain::region::RegionCode;
use crate::error::ApiError;
use crate::service::households::causes_of;
use crate::store::entity::{households, need_events, needs, regions};

/// What the public may see of a need.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicNeed {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: Category,
    /// e.g. `教育助学`
    pub category_label: String,
    pub status: NeedStatus,
    pub unit: Unit,
    /// e.g. `件`; quantities of a `money` need are in fen, shown in 元.
    pub unit_label: String,
    pub pledge_kind: PledgeKind,
    pub target_quantity: i64,
    /// Sum of active pledges.
    pub pledged_quantity: i64,
    pub received_quantity: i64,
    pub remaining_quantity: i64,
    /// The smallest pledge taken, unless it is exactly what remains.
    pub min_pledge_quantity: i64,
    /// Estimated value of one unit, in fen.
    pub unit_value_fen: i64,
    pub target_value_fen: i64,
    pub remaining_value_fen: i64,
    /// Pledged share of the target, 0 to 100 (rounded down).
    pub progress_percent: i64,
    pub urgency: Urgency,
    pub deadline: DateTime<Utc>,
    pub beneficiary: PublicBeneficiary,
    /// The village and every region above it, province first.
    pub region_codes: Vec<String>,
    /// Their names, in the same order.
    pub region_names: Vec<String>,
    /// When the notice period ends (or ended).
    pub notice_ends_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every change.
    pub version: i32,
}

/// Who a need helps, de-identified: "墩背村 · 3口之家 · 因病".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicBeneficiary {
    pub kind: BeneficiaryKind,
    /// Members of the household (household needs only).
    pub household_size: Option<i16>,
    /// 致贫原因 (household needs only).
    pub poverty_causes: Vec<PovertyCause>,
    /// e.g. `墩背村 · 3口之家 · 因病、缺劳力`
    pub summary: String,
}

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
    households: HashMap<i64, households::Model>,
}

impl PublicContext {
    pub async fn load(db: &impl ConnectionTrait, rows: &[needs::Model]) -> Result<Self, DbErr> {
        let mut codes: Vec<String> = rows
            .iter()
            .flat_map(|n| {
                [
                    &n.province_code,
                    &n.city_code,
                    &n.county_code,
                    &n.town_code,
                    &n.village_code,
                ]
            })
            .cloned()
            .collect();
        codes.sort();
        codes.dedup();
        let region_names = regions::Entity::find()
            .filter(regions::Column::Code.is_in(codes))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect();
        let household_ids: Vec<i64> = rows.iter().filter_map(|n| n.household_id).collect();
        let households = if household_ids.is_empty() {
            HashMap::new()
        } else {
            households::Entity::find()
                .filter(households::Column::Id.is_in(household_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|h| (h.id, h))
                .collect()
        };
        Ok(Self {
            region_names,
            households,
        })
    }
}

/// A stored code name back into its domain type; a value the code does not know is a bug.
pub(crate) fn stored<T>(
    parse: fn(&str) -> Option<T>,
    raw: &str,
    what: &str,
) -> Result<T, ApiError> {
    parse(raw).ok_or_else(|| ApiError::internal(format!("unknown {what} `{raw}` in the database")))
}

/// The public projection of one need.
pub fn public_need(need: &needs::Model, context: &PublicContext) -> Result<PublicNeed, ApiError> {
    let category = stored(Category::parse, &need.category, "category")?;
    let unit = stored(Unit::parse, &need.unit, "unit")?;
    let kind = stored(
        BeneficiaryKind::parse,
        &need.beneficiary_kind,
        "beneficiary",
    )?;
    let region_codes = vec![
        need.province_code.clone(),
        need.city_code.clone(),
        need.county_code.clone(),
        need.town_code.clone(),
        need.village_code.clone(),
    ];
    let region_names: Vec<String> = region_codes
        .iter()
        .map(|c| context.region_names.get(c).cloned().unwrap_or_default())
        .collect();
    let village_name = region_names.last().cloned().unwrap_or_default();
    let household = need.household_id.and_then(|id| context.households.get(&id));
    let (household_size, poverty_causes) = match household {
        Some(h) => (Some(h.members_count), causes_of(&h.poverty_causes)),
        None => (None, Vec::new()),
    };
    let summary = match (kind, household_size) {
        (BeneficiaryKind::Household, Some(size)) => {
            let causes: Vec<&str> = poverty_causes.iter().map(|c| c.label_zh()).collect();
            format!("{village_name} · {size}口之家 · {}", causes.join("、"))
        }
        _ => format!("{village_name} · 村集体"),
    };
    let remaining = need.target_quantity - need.pledged_quantity;
    Ok(PublicNeed {
        id: need.id,
        title: need.title.clone(),
        description: need.description.clone(),
        category,
        category_label: category.label_zh().to_owned(),
        status: stored(NeedStatus::parse, &need.status, "need status")?,
        unit,
        unit_label: unit.label_zh().to_owned(),
        pledge_kind: unit.pledge_kind(),
        target_quantity: need.target_quantity,
        pledged_quantity: need.pledged_quantity,
        received_quantity: need.received_quantity,
        remaining_quantity: remaining,
        min_pledge_quantity: need.min_pledge_quantity,
        unit_value_fen: need.unit_value_fen,
        target_value_fen: need.target_quantity * need.unit_value_fen,
        remaining_value_fen: remaining * need.unit_value_fen,
        progress_percent: need.pledged_quantity * 100 / need.target_quantity.max(1),
        urgency: stored(Urgency::parse, &need.urgency, "urgency")?,
        deadline: need.deadline.to_utc(),
        beneficiary: PublicBeneficiary {
            kind,
            household_size,
            poverty_causes,
            summary,
        },
        region_codes,
        region_names,
        notice_ends_at: need.notice_ends_at.map(|t| t.to_utc()),
        published_at: need.published_at.map(|t| t.to_utc()),
        created_at: need.created_at.to_utc(),
        updated_at: need.updated_at.to_utc(),
        version: need.version,
    })
}

/// The public projection of a timeline event: what happened, by which kind of actor, when.
/// The acting user's identity and any internal note stay out.
pub fn timeline_entry(event: &need_events::Model) -> Result<TimelineEntry, ApiError> {
    let kind = stored(EventKind::parse, &event.kind, "event kind")?;
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
