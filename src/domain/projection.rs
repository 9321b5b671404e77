//! The public projection of a need: the one function that decides what anyone may see of a
//! need. The API's detail and lists, the search document, mail and exports all go through it.
//! It reads a [`NeedRecord`] (the need's own facts, parsed once from storage), the names of
//! its regions and its household's size and causes of poverty — never a private field: nothing
//! here can reach a name, an ID number, a phone number or an address. Pure: no I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::household::PovertyCause;
use super::need::{BeneficiaryKind, Category, NeedStatus, PledgeKind, Unit, Urgency};
use super::region::RegionCode;

/// A need's facts as stored, each field parsed into its domain type. The public projection
/// reads the first part; the rest (its village as a code, who recorded and verified it, why it
/// was rejected) is for its staff and the rules of [`super::need`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedRecord {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: Category,
    pub status: NeedStatus,
    pub unit: Unit,
    pub beneficiary: BeneficiaryKind,
    pub household_id: Option<i64>,
    /// Province, city, county, town and village codes, in that order.
    pub region_codes: [String; 5],
    pub target_quantity: i64,
    pub pledged_quantity: i64,
    pub received_quantity: i64,
    pub min_pledge_quantity: i64,
    pub unit_value_fen: i64,
    pub urgency: Urgency,
    pub deadline: DateTime<Utc>,
    pub notice_ends_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The village, `region_codes[4]` parsed.
    pub village: RegionCode,
    pub created_by: i64,
    pub requires_second_verification: bool,
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTime<Utc>>,
    pub second_verified_by: Option<i64>,
    pub second_verified_at: Option<DateTime<Utc>>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    /// Why a verifier last took the need out of public view; for its staff only.
    pub takedown_reason: Option<String>,
}

impl NeedRecord {
    /// Whether the public sees the need: by its status, and for an expired one, whether it was
    /// ever shown (a notice or a publication).
    pub fn is_public(&self) -> bool {
        let was_public = self.notice_ends_at.is_some() || self.published_at.is_some();
        self.status.is_public(was_public)
    }
}

/// What the public may know of a household: how many live in it, and why it is poor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub members: i16,
    pub causes: Vec<PovertyCause>,
}

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

/// The public projection of one need. `region_names` follow `need.region_codes` (an unknown
/// name is empty); `household` is the need's household's public facts, for a household's need.
pub fn public_need(
    need: &NeedRecord,
    region_names: Vec<String>,
    household: Option<&HouseholdFacts>,
) -> PublicNeed {
    let village_name = region_names.last().cloned().unwrap_or_default();
    let household = household.filter(|_| need.beneficiary == BeneficiaryKind::Household);
    let (household_size, poverty_causes) = match household {
        Some(h) => (Some(h.members), h.causes.clone()),
        None => (None, Vec::new()),
    };
    let summary = match household_size {
        Some(size) => {
            let causes: Vec<&str> = poverty_causes.iter().map(|c| c.label_zh()).collect();
            format!("{village_name} · {size}口之家 · {}", causes.join("、"))
        }
        None => format!("{village_name} · 村集体"),
    };
    let remaining = need.target_quantity - need.pledged_quantity;
    PublicNeed {
        id: need.id,
        title: need.title.clone(),
        description: need.description.clone(),
        category: need.category,
        category_label: need.category.label_zh().to_owned(),
        status: need.status,
        unit: need.unit,
        unit_label: need.unit.label_zh().to_owned(),
        pledge_kind: need.unit.pledge_kind(),
        target_quantity: need.target_quantity,
        pledged_quantity: need.pledged_quantity,
        received_quantity: need.received_quantity,
        remaining_quantity: remaining,
        min_pledge_quantity: need.min_pledge_quantity,
        unit_value_fen: need.unit_value_fen,
        target_value_fen: need.target_quantity * need.unit_value_fen,
        remaining_value_fen: remaining * need.unit_value_fen,
        progress_percent: need.pledged_quantity * 100 / need.target_quantity.max(1),
        urgency: need.urgency,
        deadline: need.deadline,
        beneficiary: PublicBeneficiary {
            kind: need.beneficiary,
            household_size,
            poverty_causes,
            summary,
        },
        region_codes: need.region_codes.to_vec(),
        region_names,
        notice_ends_at: need.notice_ends_at,
        published_at: need.published_at,
        created_at: need.created_at,
        updated_at: need.updated_at,
        version: need.version,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(beneficiary: BeneficiaryKind) -> NeedRecord {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        NeedRecord {
            id: 7,
            title: "村小学课桌椅".into(),
            description: "村小学需要新课桌椅。".into(),
            category: Category::parse("education").unwrap(),
            status: NeedStatus::Published,
            unit: Unit::parse("set").unwrap(),
            beneficiary,
            household_id: Some(3),
            region_codes: ["44", "4414", "441426", "441426100", "441426100200"].map(String::from),
            target_quantity: 50,
            pledged_quantity: 20,
            received_quantity: 0,
            min_pledge_quantity: 1,
            unit_value_fen: 30_000,
            urgency: Urgency::parse("normal").unwrap(),
            deadline: at,
            notice_ends_at: None,
            published_at: Some(at),
            created_at: at,
            updated_at: at,
            version: 3,
            village: RegionCode::parse("441426100200").unwrap(),
            created_by: 1,
            requires_second_verification: false,
            verified_by: Some(2),
            verified_at: Some(at),
            second_verified_by: None,
            second_verified_at: None,
            suspended_at: None,
            rejection_reason: None,
            takedown_reason: None,
        }
    }

    fn names() -> Vec<String> {
        ["广东省", "梅州市", "平远县", "仁居镇", "墩背村"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_household_need_shows_its_size_and_causes_and_nothing_else_of_it() {
        let household = HouseholdFacts {
            members: 3,
            causes: vec![PovertyCause::parse("illness").unwrap()],
        };
        let public = public_need(
            &record(BeneficiaryKind::Household),
            names(),
            Some(&household),
        );
        assert_eq!(public.beneficiary.summary, "墩背村 · 3口之家 · 因病");
        assert_eq!(public.beneficiary.household_size, Some(3));
        assert_eq!(public.remaining_quantity, 30);
        assert_eq!(public.target_value_fen, 1_500_000);
        assert_eq!(public.remaining_value_fen, 900_000);
        assert_eq!(public.progress_percent, 40);
        assert_eq!(public.region_names.last().unwrap(), "墩背村");
    }

    #[test]
    fn a_village_need_is_the_village_collective_s_even_with_household_facts_at_hand() {
        let household = HouseholdFacts {
            members: 3,
            causes: vec![],
        };
        let public = public_need(&record(BeneficiaryKind::Village), names(), Some(&household));
        assert_eq!(public.beneficiary.summary, "墩背村 · 村集体");
        assert_eq!(public.beneficiary.household_size, None);
    }
}
