//! Offers in their own search index: each public offer's document built from its public
//! projection, where it may go and the programmes that bind its offerer; kept current by the
//! outbox (`SearchSyncOffer`), refilled from the database when the index is new; and the
//! public search of the offers hall (`GET /offers/search`).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::matching::Bond;
use crate::domain::need::Category;
use crate::domain::offer::{OfferKind, OfferRecord, OfferStatus, Offerer, region_filter_values};
use crate::domain::pairing::Program;
use crate::error::ApiError;
use crate::search::{FacetCounts, OfferDocument, SearchIndex, SearchQuery, search_disjunctive};
use crate::service::search::{SyncError, search_failed};
use crate::service::search_params::{bad, key, parse_hall, region};
use crate::store::offers as offer_store;

use super::{bonds_of, public_offers, reach};

/// Offers read per batch when the index is filled.
const BATCH: u64 = 500;
/// Rounds of re-reading offers that changed while their documents were being written.
const SYNC_ROUNDS: usize = 3;

/// The documents of these (public) offers.
async fn documents(
    db: &impl ConnectionTrait,
    offers: &[OfferRecord],
) -> Result<Vec<OfferDocument>, ApiError> {
    let public = public_offers(db, offers).await?;
    let mut bonds: HashMap<Offerer, Vec<Bond>> = HashMap::new();
    let mut out = Vec::with_capacity(offers.len());
    for (offer, projection) in offers.iter().zip(public) {
        if let Entry::Vacant(slot) = bonds.entry(offer.offerer) {
            slot.insert(bonds_of(db, offer.offerer).await?);
        }
        let bonds = &bonds[&offer.offerer];
        let programmes: Vec<Program> = bonds.iter().map(|b| b.program).collect();
        out.push(OfferDocument::new(
            projection,
            &reach(offer, bonds),
            programmes,
        ));
    }
    Ok(out)
}

/// When each offer last changed, by id.
async fn stamps(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, DateTime<Utc>>, SyncError> {
    Ok(offer_store::find_many(db, ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.updated_at))
        .collect())
}

/// Brings the documents of these offers up to date with the database: upserted while the
/// public may see the offer, deleted otherwise. As for needs, an offer that changed while its
/// document was written is synced again.
pub async fn sync_offers(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<OfferDocument>,
    ids: &[i64],
) -> Result<(), SyncError> {
    let mut pending: Vec<i64> = ids.to_vec();
    pending.sort_unstable();
    pending.dedup();
    for _ in 0..SYNC_ROUNDS {
        let before = stamps(db, &pending).await?;
        let rows = offer_store::find_many(db, &pending).await?;
        let public: Vec<OfferRecord> = rows.into_iter().filter(|o| o.status.is_public()).collect();
        let shown: HashSet<i64> = public.iter().map(|o| o.id).collect();
        let hidden: Vec<i64> = pending
            .iter()
            .copied()
            .filter(|id| !shown.contains(id))
            .collect();
        index.upsert(&documents(db, &public).await?).await?;
        index.delete(&hidden).await?;
        let after = stamps(db, &pending).await?;
        pending.retain(|id| before.get(id) != after.get(id));
        if pending.is_empty() {
            return Ok(());
        }
    }
    Err(SyncError::Busy)
}

/// Rewrites every offer's document from the database and removes the documents of offers it
/// does not have. Returns how many public offers are indexed.
pub async fn reindex_offers(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<OfferDocument>,
) -> Result<u64, SyncError> {
    index.prepare().await?;
    let mut after = 0;
    let mut known = HashSet::new();
    loop {
        let batch = offer_store::ids_after(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = *last;
        sync_offers(db, index, &batch).await?;
        known.extend(batch);
    }
    let indexed = index.fingerprints().await?;
    let strays: Vec<i64> = indexed
        .keys()
        .copied()
        .filter(|id| !known.contains(id))
        .collect();
    for chunk in strays.chunks(BATCH as usize) {
        sync_offers(db, index, chunk).await?;
    }
    Ok(indexed.keys().filter(|id| known.contains(id)).count() as u64)
}

/// How the offers hall orders what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferSort {
    /// By relevance to the words typed (and then the newest).
    Relevance,
    Newest,
    /// The soonest to lapse first.
    ValidUntil,
    /// The most left first.
    Remaining,
}

/// A search of the offers hall, checked.
#[derive(Debug, Clone)]
pub struct OfferSearchRequest {
    pub query: SearchQuery,
    pub sort: OfferSort,
}

/// The facets the hall counts over everything found.
const FACETS: [&str; 3] = ["kind", "category", "programmes"];

/// The parameters of `GET /offers/search`: `q`; `kind`, `category`, `programme`, `status`,
/// `org` and `region` (each may repeat: any of the values; different ones all hold); `sort`
/// (`relevance`, `newest`, `valid_until`, `remaining`), `page`, `per_page`. Without `status`,
/// only live (published) offers are found.
pub fn parse_request(pairs: &[(String, String)]) -> Result<OfferSearchRequest, ApiError> {
    const SORTS: [(&str, OfferSort); 4] = [
        ("relevance", OfferSort::Relevance),
        ("newest", OfferSort::Newest),
        ("valid_until", OfferSort::ValidUntil),
        ("remaining", OfferSort::Remaining),
    ];
    let mut params = parse_hall(pairs, &SORTS, |name, value, filters| {
        let mut add = |field: &'static str, value: String| {
            filters.entry(field).or_default().push(value);
        };
        match name {
            "kind" => {
                OfferKind::parse(value)
                    .ok_or_else(|| bad(name, format!("one of {}", OfferKind::codes())))?;
                add("kind", value.to_owned());
            }
            "category" => {
                Category::parse(value)
                    .ok_or_else(|| bad(name, format!("one of {}", Category::codes())))?;
                add("category", value.to_owned());
            }
            "programme" => {
                Program::parse(value)
                    .ok_or_else(|| bad(name, format!("one of {}", Program::codes())))?;
                add("programmes", value.to_owned());
            }
            "status" => {
                OfferStatus::parse(value)
                    .filter(|s| s.is_public())
                    .ok_or_else(|| bad(name, "one of published, paused, exhausted, expired"))?;
                add("status", value.to_owned());
            }
            "org" => {
                let id: i64 = value
                    .parse()
                    .map_err(|_| bad(name, "an organisation's id"))?;
                add("offerer_id", format!("org:{id}"));
            }
            "region" => {
                for value in region_filter_values(&region(name, value)?) {
                    add("region_codes", value);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    params
        .filters
        .entry("status")
        .or_insert_with(|| vec![OfferStatus::Published.as_str().to_owned()]);
    let sort = params.sort_or(OfferSort::Relevance, OfferSort::Newest);
    let sort_keys = match sort {
        OfferSort::Relevance => Vec::new(),
        OfferSort::Newest => vec![key("listed_ts", true)],
        OfferSort::ValidUntil => vec![key("valid_until_ts", false)],
        OfferSort::Remaining => vec![key("remaining", true)],
    };
    Ok(OfferSearchRequest {
        query: params.query(sort_keys, &FACETS),
        sort,
    })
}

/// A page of the offers hall.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferSearchPage {
    pub hits: Vec<OfferDocument>,
    /// Everything found (up to the index's `maxTotalHits`).
    pub total: u64,
    /// Counts of `kind`, `category` and `programmes`. Disjunctive: a field's counts are over
    /// the offers every other filter (and `q`) lets through, ignoring that field's own filter,
    /// so each says how many offers ticking the value would add; a field with no filter is
    /// counted over the offers found.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, u64>>)]
    pub facets: FacetCounts,
    pub page: u64,
    pub per_page: u64,
    pub sort: OfferSort,
}

/// Runs a search of the offers hall.
pub async fn search(
    index: &dyn SearchIndex<OfferDocument>,
    request: &OfferSearchRequest,
) -> Result<OfferSearchPage, ApiError> {
    let found = search_disjunctive(index, &request.query)
        .await
        .map_err(search_failed)?;
    Ok(OfferSearchPage {
        hits: found.hits,
        total: found.total,
        facets: found.facets,
        page: request.query.page as u64,
        per_page: request.query.per_page as u64,
        sort: request.sort,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::search::Condition;

    fn pairs(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn a_search_finds_live_offers_newest_first_unless_words_are_typed() {
        let plain = parse_request(&pairs("")).unwrap();
        assert_eq!(plain.sort, OfferSort::Newest);
        assert!(plain.query.conditions.contains(&Condition::AnyOf {
            field: "status".into(),
            values: vec!["published".into()],
        }));
        let words = parse_request(&pairs("q=课桌椅&kind=goods&kind=money&region=441426")).unwrap();
        assert_eq!(words.sort, OfferSort::Relevance);
        assert!(words.query.conditions.contains(&Condition::AnyOf {
            field: "kind".into(),
            values: vec!["goods".into(), "money".into()],
        }));
        let region = words
            .query
            .conditions
            .iter()
            .find_map(|c| match c {
                Condition::AnyOf { field, values } if field == "region_codes" => Some(values),
                _ => None,
            })
            .unwrap();
        assert!(region.contains(&"*".to_owned()) && region.contains(&"^4414".to_owned()));
    }

    #[test]
    fn bad_parameters_name_themselves() {
        for (query, named) in [
            ("kind=cash", "kind"),
            ("status=draft", "status"),
            ("page=0", "page"),
            ("per_page=51", "per_page"),
            ("sort=cheapest", "sort"),
            ("org=x", "org"),
            ("colour=red", "colour"),
        ] {
            let error = parse_request(&pairs(query)).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidParameter, "{query}");
            assert!(
                error.message.starts_with(named),
                "{query}: {}",
                error.message
            );
        }
        let error = parse_request(&pairs("region=12345")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidRegionCode);
    }
}
