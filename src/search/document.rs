//! What the indexes hold: a [`Document`] is one kind of search document (its id, its
//! fingerprint, the kinds of its filterable and sortable attributes, its settings file), and
//! the two kinds are [`NeedDocument`] (the needs index) and [`OfferDocument`] (the offers
//! index). Each is built only from a public projection ([`PublicNeed`], [`PublicOffer`]) and a
//! few public facts beside it, so nothing private can reach an index.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::config::{NEEDS_SETTINGS_JSON, OFFERS_SETTINGS_JSON, SearchConfig};
use crate::domain::household::PovertyCause;
use crate::domain::need::BeneficiaryKind;
use crate::domain::offer::{PublicOffer, reach_values};
use crate::domain::pairing::Program;
use crate::domain::projection::PublicNeed;
use crate::domain::region::RegionCode;

/// One kind of search document: what an engine needs to know of it to index it, beyond its
/// JSON. Each kind has an index of its own, configured by its own settings file.
pub trait Document: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The settings file's path in the repository, for messages about it.
    const SETTINGS_FILE: &'static str;

    /// The primary key: the id of the record it shows.
    fn id(&self) -> i64;

    /// A digest of the document: `reconcile` compares it with the database's.
    fn fingerprint(&self) -> &str;

    /// The kind of an attribute that may be filtered or sorted on. Meilisearch infers this
    /// from the values; the embedded engine needs it up front, for its schema.
    fn field_kind(name: &str) -> Option<FieldKind>;

    /// The settings file, verbatim (compiled in).
    fn settings_json() -> &'static str;

    /// The settings file, as the embedded engine reads it.
    fn config() -> SearchConfig {
        SearchConfig::parse(Self::settings_json())
            .unwrap_or_else(|e| panic!("{} is checked by a unit test: {e}", Self::SETTINGS_FILE))
    }
}

/// How the embedded engine indexes a filterable or sortable attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Exact string values (one or several per document): codes, region codes.
    Keyword,
    /// A whole number: quantities, fen, timestamps, ranks.
    Integer,
}

/// The digest of a document without its `fingerprint` attribute.
fn digest(document: &impl Serialize) -> String {
    let mut value = serde_json::to_value(document).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("fingerprint");
    }
    let digest = Sha256::digest(value.to_string().as_bytes());
    hex::encode(&digest[..12])
}

// ---------------------------------------------------------------------------------------------
// Needs

/// One need in the index.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeedDocument {
    #[serde(flatten)]
    pub need: PublicNeed,
    /// `household` or `village`, for the beneficiary filter.
    pub beneficiary_kind: BeneficiaryKind,
    /// 致贫原因 codes (household needs), for filters and facets.
    pub poverty_causes: Vec<PovertyCause>,
    /// Their Chinese labels, for text search.
    pub poverty_cause_labels: Vec<String>,
    /// 0 normal, 1 urgent, 2 critical: sorts by urgency.
    pub urgency_rank: i64,
    /// The deadline, in seconds since the epoch.
    pub deadline_ts: i64,
    /// When the need went public (its notice began, or it was published without one), in
    /// seconds since the epoch: sorts by "newest".
    pub listed_ts: i64,
    /// A digest of everything above: `reconcile` compares it with the database's.
    pub fingerprint: String,
}

impl NeedDocument {
    /// The document of `need`, listed since `listed_at`.
    pub fn new(need: PublicNeed, listed_at: chrono::DateTime<chrono::Utc>) -> Self {
        let mut document = Self {
            beneficiary_kind: need.beneficiary.kind,
            poverty_causes: need.beneficiary.poverty_causes.clone(),
            poverty_cause_labels: need
                .beneficiary
                .poverty_causes
                .iter()
                .map(|c| c.label_zh().to_owned())
                .collect(),
            urgency_rank: i64::from(need.urgency.rank()),
            deadline_ts: need.deadline.timestamp(),
            listed_ts: listed_at.timestamp(),
            fingerprint: String::new(),
            need,
        };
        document.fingerprint = digest(&document);
        document
    }
}

impl Document for NeedDocument {
    const SETTINGS_FILE: &'static str = "search-config/needs.json";

    fn id(&self) -> i64 {
        self.need.id
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn field_kind(name: &str) -> Option<FieldKind> {
        match name {
            "category" | "region_codes" | "status" | "urgency" | "beneficiary_kind"
            | "poverty_causes" | "unit" | "pledge_kind" => Some(FieldKind::Keyword),
            "id"
            | "target_quantity"
            | "pledged_quantity"
            | "received_quantity"
            | "remaining_quantity"
            | "unit_value_fen"
            | "target_value_fen"
            | "remaining_value_fen"
            | "progress_percent"
            | "urgency_rank"
            | "deadline_ts"
            | "listed_ts" => Some(FieldKind::Integer),
            _ => None,
        }
    }

    fn settings_json() -> &'static str {
        NEEDS_SETTINGS_JSON
    }
}

// ---------------------------------------------------------------------------------------------
// Offers

/// One offer in the index.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferDocument {
    #[serde(flatten)]
    pub offer: PublicOffer,
    /// Where it may go, as the region filter reads it ([`reach_values`]): a search for a
    /// region asks for [`crate::domain::offer::region_filter_values`] in one condition.
    pub region_codes: Vec<String>,
    /// The programmes (万企帮万村, 对口帮扶, 定点扶贫) of the pairings that bind its offerer,
    /// each once, in order.
    pub programmes: Vec<Program>,
    /// Who offers, as a keyword: `org:<organisation id>`, or `person` for a person's offer.
    pub offerer_id: String,
    /// When it was published, in seconds since the epoch (0 if never): sorts by "newest".
    pub listed_ts: i64,
    /// The end of its last valid day, in seconds since the epoch.
    pub valid_until_ts: i64,
    /// A digest of everything above: `reconcile` compares it with the database's.
    pub fingerprint: String,
}

impl OfferDocument {
    /// The document of `offer`, which may go to `reach` (the regions already resolved for its
    /// destination: those it names, or its pairings' regions; none for anywhere), offered by an
    /// offerer bound by pairings of `programmes`.
    pub fn new(offer: PublicOffer, reach: &[RegionCode], mut programmes: Vec<Program>) -> Self {
        programmes.sort_unstable();
        programmes.dedup();
        let mut document = Self {
            region_codes: reach_values(offer.destination, reach),
            programmes,
            offerer_id: match offer.organisation_id {
                Some(id) => format!("org:{id}"),
                None => "person".to_owned(),
            },
            listed_ts: offer.published_at.map_or(0, |at| at.timestamp()),
            valid_until_ts: offer.valid_until.timestamp(),
            fingerprint: String::new(),
            offer,
        };
        document.fingerprint = digest(&document);
        document
    }
}

impl Document for OfferDocument {
    const SETTINGS_FILE: &'static str = "search-config/offers.json";

    fn id(&self) -> i64 {
        self.offer.id
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn field_kind(name: &str) -> Option<FieldKind> {
        match name {
            "kind" | "category" | "unit" | "status" | "destination" | "region_codes"
            | "offerer_id" | "programmes" => Some(FieldKind::Keyword),
            "id" | "quantity" | "remaining" | "matched" | "listed_ts" | "valid_until_ts" => {
                Some(FieldKind::Integer)
            }
            _ => None,
        }
    }

    fn settings_json() -> &'static str {
        OFFERS_SETTINGS_JSON
    }
}

/// The values of attribute `name` in a document as JSON: a string, a number, or an array of
/// them. Missing or null gives nothing.
pub fn values_of<'a>(document: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    match document.get(name) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(value) => vec![value],
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::need::{Category, Unit};
    use crate::domain::offer::{Destination, OfferKind, OfferStatus};

    fn offer(organisation_id: Option<i64>, destination: Destination) -> PublicOffer {
        PublicOffer {
            id: 5,
            kind: OfferKind::Goods,
            kind_label: OfferKind::Goods.label_zh().to_owned(),
            category: Category::Education,
            category_label: Category::Education.label_zh().to_owned(),
            title: "捐赠课桌椅".into(),
            description: "五十套。".into(),
            unit: Unit::Set,
            unit_label: Unit::Set.label_zh().to_owned(),
            quantity: 50,
            remaining: 50,
            matched: 0,
            status: OfferStatus::Draft,
            organisation_id,
            offered_by_name: "爱心人士".into(),
            destination,
            regions: Vec::new(),
            valid_until: Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap(),
            job_place: None,
            pay_min_fen: None,
            pay_max_fen: None,
            requirements: None,
            deliver_by: None,
            published_at: None,
            updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
        }
    }

    #[test]
    fn an_offer_document_holds_its_reach_offerer_and_programmes_as_flat_values() {
        let county = RegionCode::parse("441426").unwrap();
        let document = OfferDocument::new(
            offer(Some(7), Destination::Regions),
            std::slice::from_ref(&county),
            vec![Program::Dingdian, Program::Wanqi, Program::Dingdian],
        );
        assert_eq!(document.id(), 5);
        assert_eq!(
            document.region_codes,
            reach_values(Destination::Regions, &[county])
        );
        assert_eq!(document.programmes, [Program::Wanqi, Program::Dingdian]);
        assert_eq!(document.offerer_id, "org:7");
        assert_eq!(document.listed_ts, 0, "never published");
        assert_eq!(document.valid_until_ts, 1_798_732_800);
        assert_eq!(document.fingerprint().len(), 24);

        let anywhere = OfferDocument::new(offer(None, Destination::Anywhere), &[], Vec::new());
        assert_eq!(anywhere.offerer_id, "person");
        assert_eq!(anywhere.region_codes, ["*"]);
        assert_ne!(anywhere.fingerprint, document.fingerprint);
        // The document reads back as it was written (the index returns it so).
        let json = serde_json::to_string(&document).unwrap();
        let read: OfferDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(read.offer, document.offer);
        assert_eq!(read.fingerprint, document.fingerprint);
    }
}
