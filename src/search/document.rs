//! What an index holds: a [`Document`] is one kind of search document (its id, its fingerprint,
//! the kinds of its filterable and sortable attributes, its settings file). The kind there is
//! is [`NeedDocument`], built only from the public projection of a need ([`PublicNeed`]) and its
//! public timestamps, so nothing private can reach the index.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::config::{NEEDS_SETTINGS_JSON, SearchConfig};
use crate::domain::household::PovertyCause;
use crate::domain::need::BeneficiaryKind;
use crate::domain::projection::PublicNeed;

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

/// The values of attribute `name` in a document as JSON: a string, a number, or an array of
/// them. Missing or null gives nothing.
pub fn values_of<'a>(document: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    match document.get(name) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(value) => vec![value],
    }
}
