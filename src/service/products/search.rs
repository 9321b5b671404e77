//! Products in their own search index (the products hall, 消费扶贫): each listed product's
//! document built from its public projection; kept current by the outbox
//! (`SearchSyncProduct`, on every change to the product and every order that moves its stock),
//! resynced by the scheduler when the date alone changes what the public sees (a certification
//! lapses, a season begins or ends), refilled from the database when the index is new; and the
//! public search of the hall (`GET /products/search`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::product::{ProductCategory, ProductRecord, ProductStatus};
use crate::error::ApiError;
use crate::search::{FacetCounts, ProductDocument, SearchIndex, SearchQuery, search_disjunctive};
use crate::service::Context;
use crate::service::search::{SyncError, search_failed};
use crate::service::search_params::{bad, flag, key, parse_hall, region};
use crate::store::outbox::{self, Message};
use crate::store::{meta, products as product_store};

use super::{public_products, today};

/// Products read per batch when the index is filled.
const BATCH: u64 = 500;
/// Rounds of re-reading products that changed while their documents were being written.
const SYNC_ROUNDS: usize = 3;
/// The last day whose date-driven changes were queued (`platform_meta`).
const RESYNCED_ON: &str = "products_search_resynced_on";

/// When each product last changed, by id.
async fn stamps(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, DateTime<Utc>>, SyncError> {
    Ok(product_store::find_many(db, ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.updated_at))
        .collect())
}

/// Brings the documents of these products up to date with the database as of `now`: upserted
/// while the product is listed, deleted otherwise (a draft, a delisted product, one that is
/// gone). As for offers, a product that changed while its document was written is synced again.
pub async fn sync_products(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<ProductDocument>,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    let mut pending: Vec<i64> = ids.to_vec();
    pending.sort_unstable();
    pending.dedup();
    for _ in 0..SYNC_ROUNDS {
        let before = stamps(db, &pending).await?;
        let rows = product_store::find_many(db, &pending).await?;
        let listed: Vec<ProductRecord> = rows
            .into_iter()
            .filter(|p| p.status == ProductStatus::Listed)
            .collect();
        let shown: HashSet<i64> = listed.iter().map(|p| p.id).collect();
        let hidden: Vec<i64> = pending
            .iter()
            .copied()
            .filter(|id| !shown.contains(id))
            .collect();
        let documents: Vec<ProductDocument> = public_products(db, &listed, now)
            .await?
            .into_iter()
            .map(ProductDocument::new)
            .collect();
        index.upsert(&documents).await?;
        index.delete(&hidden).await?;
        let after = stamps(db, &pending).await?;
        pending.retain(|id| before.get(id) != after.get(id));
        if pending.is_empty() {
            return Ok(());
        }
    }
    Err(SyncError::Busy)
}

/// Rewrites every product's document from the database as of `now` and removes the documents
/// of products it does not have. Returns how many listed products are indexed.
pub async fn reindex_products(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<ProductDocument>,
    now: DateTime<Utc>,
) -> Result<u64, SyncError> {
    index.prepare().await?;
    let mut after = 0;
    let mut known = HashSet::new();
    loop {
        let batch = product_store::ids_after(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = *last;
        sync_products(db, index, &batch, now).await?;
        known.extend(batch);
    }
    let indexed = index.fingerprints().await?;
    let strays: Vec<i64> = indexed
        .keys()
        .copied()
        .filter(|id| !known.contains(id))
        .collect();
    for chunk in strays.chunks(BATCH as usize) {
        sync_products(db, index, chunk, now).await?;
    }
    Ok(indexed.keys().filter(|id| known.contains(id)).count() as u64)
}

/// Once per day (Beijing time), queues a resync of the listed products whose `certified` or
/// `available` turned with the date since the last day done: a certification that lapsed, a
/// season that began or ended. Every other change queues its own resync when it happens.
/// Returns how many were queued. Two nodes on the same day may both queue them: a resync is
/// idempotent.
pub async fn resync_day(app: &Context, limit: u64) -> Result<usize, ApiError> {
    let now = app.clock.now();
    let day = today(now);
    let done = meta::get(&app.db, RESYNCED_ON)
        .await?
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    if done.is_some_and(|done| done >= day) {
        return Ok(0);
    }
    let since = done.unwrap_or(day - Duration::days(1));
    let ids = product_store::date_turned(&app.db, since, day, limit).await?;
    let messages: Vec<Message> = ids
        .iter()
        .map(|&product_id| Message::SearchSyncProduct { product_id })
        .collect();
    if !messages.is_empty() {
        outbox::enqueue_all(&app.db, &messages, now).await?;
    }
    // A day with more than `limit` turning is finished on the next tick.
    if (ids.len() as u64) < limit {
        meta::set(&app.db, RESYNCED_ON, &day.format("%Y-%m-%d").to_string()).await?;
    }
    Ok(ids.len())
}

// ---------------------------------------------------------------------------------------------
// The products hall

/// How the products hall orders what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// By relevance to the words typed.
    Relevance,
    /// The most recently listed first (the default without words).
    Newest,
    /// The cheapest unit first.
    PriceAsc,
    /// The dearest unit first.
    PriceDesc,
}

/// A search of the products hall, checked.
#[derive(Debug, Clone)]
pub struct ProductSearchRequest {
    pub query: SearchQuery,
    pub sort: ProductSort,
}

/// The facets the hall counts over everything found.
const FACETS: [&str; 2] = ["category", "certified"];

/// The parameters of `GET /products/search`: `q`; `category`, `region` and `seller` (each may
/// repeat: any of the values), `certified` and `available` (`true` or `false`), different
/// ones all holding; `sort` (`relevance`, `newest`, `price_asc`, `price_desc`), `page`,
/// `per_page`.
pub fn parse_request(pairs: &[(String, String)]) -> Result<ProductSearchRequest, ApiError> {
    const SORTS: [(&str, ProductSort); 4] = [
        ("relevance", ProductSort::Relevance),
        ("newest", ProductSort::Newest),
        ("price_asc", ProductSort::PriceAsc),
        ("price_desc", ProductSort::PriceDesc),
    ];
    let mut flags = HashSet::new();
    let params = parse_hall(pairs, &SORTS, |name, value, filters| {
        let field: &'static str = match name {
            "category" => {
                ProductCategory::parse(value)
                    .ok_or_else(|| bad(name, format!("one of {}", ProductCategory::codes())))?;
                "category"
            }
            "region" => {
                let code = region(name, value)?;
                filters
                    .entry("region_codes")
                    .or_default()
                    .push(code.as_str().to_owned());
                return Ok(true);
            }
            "seller" => {
                let id: i64 = value.parse().map_err(|_| bad(name, "a cooperative's id"))?;
                filters.entry("seller_id").or_default().push(id.to_string());
                return Ok(true);
            }
            "certified" | "available" => {
                if !flags.insert(name.to_owned()) {
                    return Err(bad(name, "give it once"));
                }
                let wanted = flag(name, value)?;
                let field = if name == "certified" {
                    "certified"
                } else {
                    "available"
                };
                filters.entry(field).or_default().push(wanted.to_string());
                return Ok(true);
            }
            _ => return Ok(false),
        };
        filters.entry(field).or_default().push(value.to_owned());
        Ok(true)
    })?;
    let sort = params.sort_or(ProductSort::Relevance, ProductSort::Newest);
    let sort_keys = match sort {
        ProductSort::Relevance => Vec::new(),
        ProductSort::Newest => vec![key("listed_ts", true)],
        ProductSort::PriceAsc => vec![key("unit_price_fen", false)],
        ProductSort::PriceDesc => vec![key("unit_price_fen", true)],
    };
    Ok(ProductSearchRequest {
        query: params.query(sort_keys, &FACETS),
        sort,
    })
}

/// A page of the products hall.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSearchPage {
    pub hits: Vec<ProductDocument>,
    /// Everything found (up to the index's `maxTotalHits`).
    pub total: u64,
    /// Counts of `category` and `certified` (`true`, `false`). Disjunctive: a field's counts
    /// are over the products every other filter (and `q`) lets through, ignoring that field's
    /// own filter, so each says how many products ticking the value would add; a field with no
    /// filter is counted over the products found.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, u64>>)]
    pub facets: FacetCounts,
    pub page: u64,
    pub per_page: u64,
    pub sort: ProductSort,
}

/// Runs a search of the products hall.
pub async fn search(
    index: &dyn SearchIndex<ProductDocument>,
    request: &ProductSearchRequest,
) -> Result<ProductSearchPage, ApiError> {
    let found = search_disjunctive(index, &request.query)
        .await
        .map_err(search_failed)?;
    Ok(ProductSearchPage {
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

    fn condition<'a>(request: &'a ProductSearchRequest, name: &str) -> Option<&'a Vec<String>> {
        request.query.conditions.iter().find_map(|c| match c {
            Condition::AnyOf { field, values } if field == name => Some(values),
            _ => None,
        })
    }

    #[test]
    fn a_product_search_lists_the_newest_unless_words_are_typed_and_filters_combine() {
        let plain = parse_request(&pairs("")).unwrap();
        assert_eq!(plain.sort, ProductSort::Newest);
        assert!(plain.query.conditions.is_empty());
        assert_eq!(plain.query.facets, ["category", "certified"]);
        let request = parse_request(&pairs(
            "q=蜂蜜&category=honey&category=tea&region=441426&seller=7&seller=7&certified=true\
             &available=0&sort=price_asc&page=2&per_page=10",
        ))
        .unwrap();
        assert_eq!(request.sort, ProductSort::PriceAsc);
        assert_eq!(request.query.text, "蜂蜜");
        assert_eq!(condition(&request, "category").unwrap(), &["honey", "tea"]);
        assert_eq!(condition(&request, "region_codes").unwrap(), &["441426"]);
        assert_eq!(condition(&request, "seller_id").unwrap(), &["7"]);
        assert_eq!(condition(&request, "certified").unwrap(), &["true"]);
        assert_eq!(condition(&request, "available").unwrap(), &["false"]);
        assert_eq!(request.query.sort, [key("unit_price_fen", false)]);
        assert_eq!((request.query.page, request.query.per_page), (2, 10));
        assert_eq!(
            parse_request(&pairs("q=茶")).unwrap().sort,
            ProductSort::Relevance
        );
    }

    #[test]
    fn bad_product_search_parameters_name_themselves() {
        for (query, named) in [
            ("category=fish", "category"),
            ("certified=yes", "certified"),
            ("available=true&available=false", "available"),
            ("seller=x", "seller"),
            ("page=0", "page"),
            ("page=1001", "page"),
            ("per_page=51", "per_page"),
            ("sort=cheapest", "sort"),
            ("q=a&q=b", "q"),
            ("status=draft", "status"),
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
        assert!(error.message.starts_with("region"), "{}", error.message);
    }
}
