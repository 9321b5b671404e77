//! What the indexes hold: a [`Document`] is one kind of search document (its id, its
//! fingerprint, the kinds of its filterable and sortable attributes, its settings file), and
//! the three kinds are [`NeedDocument`] (the needs index), [`OfferDocument`] (the offers index)
//! and [`ProductDocument`] (the products index). Each is built only from a public projection
//! ([`PublicNeed`], [`PublicOffer`], [`PublicProduct`]) and a few public facts beside it, so
//! nothing private can reach an index.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::config::{
    NEEDS_SETTINGS_JSON, OFFERS_SETTINGS_JSON, PRODUCTS_SETTINGS_JSON, SearchConfig,
};
use crate::domain::household::PovertyCause;
use crate::domain::need::BeneficiaryKind;
use crate::domain::offer::{PublicOffer, reach_values};
use crate::domain::pairing::Program;
use crate::domain::product::{ProductCategory, ProductStatus, PublicProduct, SaleUnit};
use crate::domain::projection::PublicNeed;
use crate::domain::region::RegionCode;

/// One kind of search document: what an engine needs to know of it to index it, beyond its
/// JSON. Each kind has an index of its own, configured by its own settings file.
pub trait Document:
    Serialize + DeserializeOwned + ToSchema + Clone + Send + Sync + 'static
{
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

// ---------------------------------------------------------------------------------------------
// Products

/// One product on sale in the index (only listed products are indexed: a draft's or a
/// delisted product's document is deleted). Flat, field by field from [`PublicProduct`], so
/// that the certificate, the minimum order and the timeline stay on the product's own page and
/// every attribute is one the engines read alike.
///
/// `certified` and `available` are as of the day the document was built: every change to the
/// product (an edit, a listing, a certification, an order that takes or gives back stock)
/// rebuilds it, and the scheduler resyncs the products whose certification lapsed or whose
/// season began or ended since the day before (`service::products::search::resync_day`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProductDocument {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: ProductCategory,
    /// The category in Chinese, for text search (`蜂蜜`).
    pub category_label: String,
    pub unit: SaleUnit,
    pub unit_price_fen: i64,
    /// In the unit; absent for a product sold by season.
    pub stock: Option<i64>,
    /// Whether it could be ordered on the day the document was built.
    pub available: bool,
    /// Whether it was a certified 扶贫产品 on the day the document was built.
    pub certified: bool,
    /// Registered poor households it supports; absent when fewer than 5.
    pub households_supported: Option<i64>,
    pub few_households: bool,
    pub seller_id: i64,
    pub seller_name: String,
    /// Its village's code.
    pub origin_code: String,
    /// Its village with its town and county, e.g. 平远县 仁居镇 墩背村.
    pub origin_name: String,
    /// Its village's code and every code above it, so that a search for any region holding
    /// the village finds it.
    pub region_codes: Vec<String>,
    pub season_from: Option<chrono::NaiveDate>,
    pub season_to: Option<chrono::NaiveDate>,
    /// When it was (last) listed, in seconds since the epoch: sorts by "newest".
    pub listed_ts: i64,
    /// Its first photo's address.
    pub photo: Option<String>,
    pub status: ProductStatus,
    /// A digest of everything above: `reconcile` compares it with the database's.
    pub fingerprint: String,
}

impl ProductDocument {
    /// The document of `product`, as the public sees it on the day it was projected.
    pub fn new(product: PublicProduct) -> Self {
        let region_codes = match RegionCode::parse(&product.origin.code) {
            Ok(village) => village
                .lineage()
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            Err(_) => vec![product.origin.code.clone()],
        };
        let mut document = Self {
            id: product.id,
            category_label: product.category.label_zh().to_owned(),
            name: product.name,
            description: product.description,
            category: product.category,
            unit: product.unit,
            unit_price_fen: product.unit_price_fen,
            stock: product.stock,
            available: product.available,
            certified: product.certified,
            households_supported: product.households_supported,
            few_households: product.few_households,
            seller_id: product.seller_id,
            seller_name: product.seller_name,
            origin_code: product.origin.code,
            origin_name: product.origin.name,
            region_codes,
            season_from: product.season_from,
            season_to: product.season_to,
            listed_ts: product.listed_at.map_or(0, |at| at.timestamp()),
            photo: product.photos.into_iter().next(),
            status: product.status,
            fingerprint: String::new(),
        };
        document.fingerprint = digest(&document);
        document
    }
}

impl Document for ProductDocument {
    const SETTINGS_FILE: &'static str = "search-config/products.json";

    fn id(&self) -> i64 {
        self.id
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn field_kind(name: &str) -> Option<FieldKind> {
        match name {
            // The flags and the seller's id are filtered on as exact values (`true`, `7`).
            "category" | "unit" | "status" | "region_codes" | "certified" | "available"
            | "seller_id" => Some(FieldKind::Keyword),
            "id" | "unit_price_fen" | "stock" | "listed_ts" => Some(FieldKind::Integer),
            _ => None,
        }
    }

    fn settings_json() -> &'static str {
        PRODUCTS_SETTINGS_JSON
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
    fn a_product_document_is_its_public_projection_with_its_region_lineage() {
        use crate::domain::product::Place;
        let product = PublicProduct {
            id: 3,
            name: "百花蜜".into(),
            description: "山里的蜜，一年一收。".into(),
            category: ProductCategory::Honey,
            unit: SaleUnit::Jin,
            unit_price_fen: 6000,
            stock: Some(40),
            season_from: None,
            season_to: None,
            min_order: 2,
            households_supported: None,
            few_households: true,
            status: ProductStatus::Listed,
            certified: true,
            certification: None,
            available: true,
            seller_id: 7,
            seller_name: "墩背村养蜂合作社".into(),
            origin: Place {
                code: "441426100200".into(),
                name: "平远县 仁居镇 墩背村".into(),
            },
            photos: vec!["/a.jpg".into(), "/b.jpg".into()],
            listed_at: Some(Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()),
            updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
        };
        let document = ProductDocument::new(product);
        assert_eq!(document.id(), 3);
        assert_eq!(document.category_label, "蜂蜜");
        assert_eq!(
            document.region_codes,
            ["44", "4414", "441426", "441426100", "441426100200"]
        );
        assert_eq!(document.photo.as_deref(), Some("/a.jpg"));
        assert_eq!(document.listed_ts, 1_793_520_000);
        assert_eq!(document.fingerprint().len(), 24);
        let json = serde_json::to_string(&document).unwrap();
        let read: ProductDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(read, document);
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
