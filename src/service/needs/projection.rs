//! What the public projection of a need ([`crate::domain::projection`]) reads besides the need,
//! loaded for a page of needs at once, and the public projection of its timeline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::need::EventKind;
use crate::domain::projection::{self, HouseholdFacts, NeedRecord};
pub use crate::domain::projection::{PublicBeneficiary, PublicNeed};
use crate::store::needs::{self as need_store, NeedEvent};
use crate::store::regions as region_store;

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
    pub async fn load(db: &impl ConnectionTrait, needs: &[NeedRecord]) -> Result<Self, DbErr> {
        let mut codes: Vec<String> = needs
            .iter()
            .flat_map(|n| n.region_codes.iter())
            .cloned()
            .collect();
        codes.sort();
        codes.dedup();
        let region_names = region_store::names(db, &codes).await?;
        let household_ids: Vec<i64> = needs.iter().filter_map(|n| n.household_id).collect();
        let households = need_store::household_facts_of(db, &household_ids).await?;
        Ok(Self {
            region_names,
            households,
        })
    }
}

/// The public projection of one need.
pub fn public_need(need: &NeedRecord, context: &PublicContext) -> PublicNeed {
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
pub fn timeline_entry(event: &NeedEvent) -> TimelineEntry {
    let kind = event.kind;
    TimelineEntry {
        kind,
        label: kind.label_zh().to_owned(),
        actor: event.actor_role.clone(),
        actor_label: event.actor_label.clone(),
        pledge_id: event.pledge_id,
        at: event.at,
    }
}
