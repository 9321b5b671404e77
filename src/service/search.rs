//! Search as the platform uses it: the public search request (`GET /api/v1/needs/search`) and
//! keeping the index true to the database — syncing changed needs (the outbox worker),
//! rebuilding (`duijie reindex`) and finding drift (`duijie reconcile`).
//!
//! The index holds a need exactly while the public may see it, as [`NeedDocument`] built from
//! the public projection; the database is always the truth and the index is rebuilt from it.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::household::PovertyCause;
use crate::domain::need::{BeneficiaryKind, Category, NeedStatus, Urgency};
use crate::domain::projection::NeedRecord;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError};
use crate::search::text::{highlight, query_words};
use crate::search::{
    Condition, Document, FacetCounts, NeedDocument, SearchConfig, SearchError, SearchIndex,
    SearchQuery, SortKey, search_disjunctive,
};
use crate::service::needs::projection::{PublicContext, public_need};
use crate::service::paging::Paging;
use crate::store::needs as need_store;

/// Needs read from the database per batch when rebuilding or checking the index.
pub const BATCH: u64 = 500;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Characters of description shown around the first match.
const SNIPPET_CHARS: usize = 80;

/// The facets every search counts.
pub const FACETS: [&str; 5] = [
    "category",
    "urgency",
    "beneficiary_kind",
    "status",
    "poverty_causes",
];

// ---------------------------------------------------------------------------------------------
// Documents

/// When a need went public: published, or its notice began (at its last verification).
fn listed_at(need: &NeedRecord) -> DateTime<Utc> {
    need.published_at
        .or(need.second_verified_at)
        .or(need.verified_at)
        .unwrap_or(need.created_at)
}

/// The search documents of `needs`, which must all be public.
pub async fn documents(
    db: &impl ConnectionTrait,
    needs: &[NeedRecord],
) -> Result<Vec<NeedDocument>, ApiError> {
    let context = PublicContext::load(db, needs).await?;
    Ok(needs
        .iter()
        .map(|need| NeedDocument::new(public_need(need, &context), listed_at(need)))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Keeping the index in step

/// Why a sync did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("reading the needs: {0}")]
    Database(String),
    /// A need whose stored data has no public form (a bug, or a hand-edited row).
    #[error("projecting a need: {0}")]
    Data(String),
    #[error("the needs kept changing while their documents were written")]
    Busy,
}

impl SyncError {
    /// Whether trying again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            SyncError::Search(SearchError::Rejected(_)) | SyncError::Data(_)
        )
    }
}

impl From<DbErr> for SyncError {
    fn from(e: DbErr) -> Self {
        SyncError::Database(e.to_string())
    }
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        match e.code {
            ErrorCode::DatabaseUnavailable => SyncError::Database(e.to_string()),
            _ => SyncError::Data(e.to_string()),
        }
    }
}

/// Rounds of re-reading needs that changed while their documents were being written.
const SYNC_ROUNDS: usize = 3;

/// The documents of `ids` as the database has them now: the public needs' documents, and the
/// ids of the others (hidden, or not there at all).
async fn current(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<(Vec<NeedDocument>, Vec<i64>), SyncError> {
    let rows = need_store::find_many(db, ids).await?;
    let public: Vec<NeedRecord> = rows.into_iter().filter(NeedRecord::is_public).collect();
    let shown: HashSet<i64> = public.iter().map(|r| r.id).collect();
    let hidden = ids
        .iter()
        .copied()
        .filter(|id| !shown.contains(id))
        .collect();
    Ok((documents(db, &public).await?, hidden))
}

/// Brings the documents of these needs up to date with the database: upserted while the
/// public may see the need, deleted otherwise (or when it no longer exists). Idempotent and
/// indifferent to order: it always writes the needs' current state.
///
/// Two workers may sync one need at once, and the slower may write an older state last. So
/// what the documents depend on (the need's version, its household's last change) is stamped
/// before they are read and again after they are written; the needs whose stamp moved in
/// between are synced again.
pub async fn sync_needs(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<NeedDocument>,
    ids: &[i64],
) -> Result<(), SyncError> {
    let mut pending: Vec<i64> = ids.to_vec();
    pending.sort_unstable();
    pending.dedup();
    for _ in 0..SYNC_ROUNDS {
        let before = need_store::stamps(db, &pending).await?;
        let (documents, hidden) = current(db, &pending).await?;
        index.upsert(&documents).await?;
        index.delete(&hidden).await?;
        let after = need_store::stamps(db, &pending).await?;
        pending.retain(|id| before.get(id) != after.get(id));
        if pending.is_empty() {
            return Ok(());
        }
    }
    Err(SyncError::Busy)
}

/// The ids of every need, in order, a batch at a time.
struct NeedIds {
    after: i64,
}

impl NeedIds {
    fn new() -> Self {
        Self { after: 0 }
    }

    async fn next(&mut self, db: &impl ConnectionTrait) -> Result<Vec<i64>, SyncError> {
        let ids = need_store::ids_after(db, self.after, BATCH).await?;
        if let Some(last) = ids.last() {
            self.after = *last;
        }
        Ok(ids)
    }
}

/// How many needs the database holds (public or not): the length of a rebuild.
pub async fn needs_count(db: &impl ConnectionTrait) -> Result<u64, SyncError> {
    Ok(need_store::count(db).await?)
}

/// What a rebuild did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReindexReport {
    /// Public needs whose documents were written.
    pub indexed: u64,
    /// Documents the scan of the database did not meet, synced (so removed, unless their need
    /// was created meanwhile).
    pub removed: u64,
}

/// Rewrites every need's document from the database (upserting the public ones, deleting the
/// others) and removes documents of needs the database does not have. It goes through
/// [`sync_needs`], so a need changed by the worker meanwhile is never left older than it is.
/// Searches keep answering throughout. `progress` hears the number of needs read.
pub async fn reindex(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<NeedDocument>,
    mut progress: impl FnMut(u64),
) -> Result<ReindexReport, SyncError> {
    index.prepare().await?;
    let mut report = ReindexReport::default();
    let mut ids = NeedIds::new();
    let mut known = HashSet::new();
    loop {
        let batch = ids.next(db).await?;
        if batch.is_empty() {
            break;
        }
        sync_needs(db, index, &batch).await?;
        known.extend(batch);
        progress(known.len() as u64);
    }
    // Documents of needs the scan did not meet. Each goes through `sync_needs` too, which
    // deletes it only if its need is not public now (a need created meanwhile is kept).
    let indexed = index.fingerprints().await?;
    report.indexed = indexed.keys().filter(|id| known.contains(id)).count() as u64;
    let strays: Vec<i64> = indexed
        .into_keys()
        .filter(|id| !known.contains(id))
        .collect();
    for chunk in strays.chunks(BATCH as usize) {
        sync_needs(db, index, chunk).await?;
    }
    report.removed = strays.len() as u64;
    Ok(report)
}

/// Drift between the database and the index.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// Public needs checked.
    pub checked: u64,
    /// Public needs with no document.
    pub missing: Vec<i64>,
    /// Documents that differ from what the database says now.
    pub stale: Vec<i64>,
    /// Documents of needs that are not public (or do not exist).
    pub extra: Vec<i64>,
    /// Whether the drift was repaired.
    pub repaired: bool,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Compares every public need's document with the index's (by fingerprint) and, with `repair`,
/// syncs the needs that drifted (through [`sync_needs`], which reads them afresh).
pub async fn reconcile(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex<NeedDocument>,
    repair: bool,
) -> Result<Drift, SyncError> {
    let mut indexed = index.fingerprints().await?;
    let mut drift = Drift::default();
    let mut ids = NeedIds::new();
    loop {
        let batch = ids.next(db).await?;
        if batch.is_empty() {
            break;
        }
        let (documents, _) = current(db, &batch).await?;
        for document in documents {
            drift.checked += 1;
            match indexed.remove(&document.id()) {
                None => drift.missing.push(document.id()),
                Some(print) if print != document.fingerprint => drift.stale.push(document.id()),
                Some(_) => {}
            }
        }
    }
    drift.extra = indexed.into_keys().collect();
    drift.extra.sort_unstable();
    if repair {
        let drifted: Vec<i64> = drift
            .missing
            .iter()
            .chain(&drift.stale)
            .chain(&drift.extra)
            .copied()
            .collect();
        for chunk in drifted.chunks(BATCH as usize) {
            sync_needs(db, index, chunk).await?;
        }
        drift.repaired = true;
    }
    Ok(drift)
}

// ---------------------------------------------------------------------------------------------
// The search request

/// The named sorts of the search API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortName {
    /// Best match first (the default with a query).
    Relevance,
    /// Most recently listed first (the default without a query).
    Newest,
    /// Most urgent first, then the nearest deadline.
    Urgency,
    /// Nearest deadline first.
    Deadline,
    /// Largest value still needed first.
    RemainingValue,
}

impl SortName {
    const ALL: [(&'static str, SortName); 5] = [
        ("relevance", SortName::Relevance),
        ("newest", SortName::Newest),
        ("urgency", SortName::Urgency),
        ("deadline", SortName::Deadline),
        ("remaining_value", SortName::RemainingValue),
    ];

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    fn keys(self) -> Vec<SortKey> {
        let key = |field: &str, descending| SortKey {
            field: field.to_owned(),
            descending,
        };
        match self {
            SortName::Relevance => Vec::new(),
            SortName::Newest => vec![key("listed_ts", true)],
            SortName::Urgency => vec![key("urgency_rank", true), key("deadline_ts", false)],
            SortName::Deadline => vec![key("deadline_ts", false)],
            SortName::RemainingValue => vec![key("remaining_value_fen", true)],
        }
    }
}

/// A parsed search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: SearchQuery,
    pub sort: SortName,
    /// Only needs taking pledges now (its conditions are in `query`).
    pub open: bool,
}

/// One code of a code list, or the parameter's error naming the codes it takes.
fn code<T>(
    parameter: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    codes: impl FnOnce() -> Vec<&'static str>,
) -> Result<T, ApiError> {
    parse(value).ok_or_else(|| {
        let codes = codes();
        let message = format!("`{value}` is not one of {}", codes.join(", "));
        ApiError::field(parameter, FieldError::one_of(codes).because(message))
    })
}

/// Every code of a code list.
fn codes_of<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// A query as both engines take it alike: Meilisearch reads `"…"` as a phrase and `-word` as
/// "without", the embedded engine does not, so neither is an operator here.
fn plain_text(q: &str) -> String {
    let text: String = q
        .split_whitespace()
        .map(|word| word.trim_start_matches('-'))
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', " ");
    if text.chars().any(char::is_alphanumeric) {
        text.trim().to_owned()
    } else {
        String::new()
    }
}

/// The parameters of `GET /needs/search`, checked. Each filter may be repeated (`category=a&
/// category=b` finds either); different filters must all hold. `q`, `open`, `sort`, `page` and
/// `per_page` may be given once.
pub fn parse_request(pairs: &[(String, String)]) -> Result<SearchRequest, ApiError> {
    let mut text = String::new();
    let mut filters: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut sort = None;
    let mut page = None;
    let mut per_page = None;
    let mut open = false;
    let mut seen = HashSet::new();
    for (name, value) in pairs {
        let value = value.trim();
        let once = matches!(name.as_str(), "q" | "open" | "sort" | "page" | "per_page");
        if once && !seen.insert(name.as_str()) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("`{name}` is given more than once"),
            ));
        }
        let (field, filter_value) = match name.as_str() {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(ApiError::field(
                        "q",
                        FieldError::new(FieldCode::Length)
                            .max(MAX_QUERY_CHARS as i64)
                            .because(format!("at most {MAX_QUERY_CHARS} characters")),
                    ));
                }
                text = plain_text(value);
                continue;
            }
            "category" => (
                "category",
                code(name, value, Category::parse, || {
                    codes_of(Category::ALL, Category::as_str)
                })?
                .as_str(),
            ),
            "urgency" => (
                "urgency",
                code(name, value, Urgency::parse, || {
                    codes_of(Urgency::ALL, Urgency::as_str)
                })?
                .as_str(),
            ),
            "beneficiary" => (
                "beneficiary_kind",
                code(name, value, BeneficiaryKind::parse, || {
                    codes_of(BeneficiaryKind::ALL, BeneficiaryKind::as_str)
                })?
                .as_str(),
            ),
            "status" => {
                let public = |s: &str| NeedStatus::parse(s).filter(|s| s.is_public(true));
                let codes = || {
                    NeedStatus::ALL
                        .iter()
                        .filter(|s| s.is_public(true))
                        .map(|s| s.as_str())
                        .collect()
                };
                ("status", code(name, value, public, codes)?.as_str())
            }
            "cause" => {
                let codes = || codes_of(&PovertyCause::ALL, PovertyCause::as_str);
                (
                    "poverty_causes",
                    code(name, value, PovertyCause::parse, codes)?.as_str(),
                )
            }
            "region" => {
                let region = RegionCode::parse(value).map_err(|e| {
                    ApiError::new(ErrorCode::InvalidRegionCode, format!("region: {e}"))
                })?;
                filters
                    .entry("region_codes")
                    .or_default()
                    .push(region.as_str().to_owned());
                continue;
            }
            "open" => {
                open = match value {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(ApiError::field(
                            "open",
                            FieldError::one_of(["true", "false"])
                                .because(format!("`{value}` is not true or false")),
                        ));
                    }
                };
                continue;
            }
            "sort" => {
                let names = || SortName::ALL.iter().map(|(n, _)| *n).collect();
                sort = Some(code(name, value, SortName::parse, names)?);
                continue;
            }
            "page" | "per_page" => {
                let n: u64 = value.parse().map_err(|_| {
                    ApiError::new(
                        ErrorCode::InvalidParameter,
                        format!("{name}: `{value}` is not a whole number"),
                    )
                })?;
                if name == "page" {
                    page = Some(n);
                } else {
                    per_page = Some(n);
                }
                continue;
            }
            other => {
                return Err(ApiError::new(
                    ErrorCode::InvalidParameter,
                    format!(
                        "unknown parameter `{other}`: the search takes q, category, region, \
                         urgency, beneficiary, status, cause, open, sort, page and per_page"
                    ),
                ));
            }
        };
        filters
            .entry(field)
            .or_default()
            .push(filter_value.to_owned());
    }
    let paging = Paging::parse(page, per_page)?;
    let mut conditions: Vec<Condition> = filters
        .into_iter()
        .map(|(field, mut values)| {
            values.sort();
            values.dedup();
            Condition::AnyOf {
                field: field.to_owned(),
                values,
            }
        })
        .collect();
    if open {
        conditions.push(Condition::AnyOf {
            field: "status".into(),
            values: vec![NeedStatus::Published.as_str().to_owned()],
        });
        conditions.push(Condition::GreaterThan {
            field: "remaining_quantity".into(),
            value: 0,
        });
    }
    let sort = sort.unwrap_or(if text.is_empty() {
        SortName::Newest
    } else {
        SortName::Relevance
    });
    Ok(SearchRequest {
        query: SearchQuery {
            text,
            conditions,
            sort: sort.keys(),
            page: paging.page as usize,
            per_page: paging.per_page as usize,
            facets: FACETS.iter().map(|f| (*f).to_owned()).collect(),
        },
        sort,
        open,
    })
}

/// The parts of a hit where the query's words occur, as HTML: text escaped, words in `<mark>`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Highlights {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// About 80 characters of the description around the first match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One need found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub document: NeedDocument,
    pub highlights: Highlights,
}

/// The answer of `GET /needs/search`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Needs found (counted up to 10,000).
    pub total: u64,
    /// Counts per value of `category`, `urgency`, `beneficiary_kind`, `status` and
    /// `poverty_causes`. Disjunctive: a field's counts are over the needs every other filter
    /// (and `q`) lets through, ignoring that field's own filter, so each says how many needs
    /// ticking the value would add; a field with no filter is counted over the needs found.
    /// With `open`, `status` counts `published` only.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, u64>>)]
    pub facets: FacetCounts,
    pub page: u64,
    pub per_page: u64,
    pub sort: SortName,
}

/// Runs a search.
pub async fn search(
    index: &dyn SearchIndex<NeedDocument>,
    config: &SearchConfig,
    request: &SearchRequest,
) -> Result<SearchPage, ApiError> {
    let mut found = search_disjunctive(index, &request.query)
        .await
        .map_err(search_failed)?;
    if request.open {
        // `open` is a status condition too, which the status counts ignore with the ticked
        // statuses: of the statuses, only `published` can be found with it.
        if let Some(status) = found.facets.get_mut("status") {
            status.retain(|value, _| value == NeedStatus::Published.as_str());
        }
    }
    let words = query_words(&request.query.text, &config.synonyms);
    let hits = found
        .hits
        .into_iter()
        .map(|document| {
            let highlights = if words.is_empty() {
                Highlights::default()
            } else {
                Highlights {
                    title: highlight(&document.need.title, &words, None),
                    description: highlight(&document.need.description, &words, Some(SNIPPET_CHARS)),
                }
            };
            SearchHit {
                document,
                highlights,
            }
        })
        .collect();
    Ok(SearchPage {
        hits,
        total: found.total,
        facets: found.facets,
        page: request.query.page as u64,
        per_page: request.query.per_page as u64,
        sort: request.sort,
    })
}

/// A search the engine could not answer.
pub fn search_failed(error: SearchError) -> ApiError {
    match error {
        SearchError::Unavailable(cause) => {
            tracing::warn!(%cause, "search unavailable");
            ApiError::search_unavailable()
        }
        // The request was checked before it was sent: a refusal is a bug or a misconfiguration.
        SearchError::Rejected(cause) => ApiError::internal(format!("search refused: {cause}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn quotes_and_minus_signs_are_not_operators() {
        assert_eq!(plain_text("-书包 \"课桌 椅\""), "书包  课桌 椅");
        assert_eq!(plain_text("，。、"), "");
        assert_eq!(plain_text("  蜂蜜 "), "蜂蜜");
    }

    #[test]
    fn filters_repeat_and_combine() {
        let request = parse_request(&pairs(
            "category=education&category=medical&category=education&region=4414&open=true",
        ))
        .unwrap();
        assert_eq!(request.sort, SortName::Newest);
        assert_eq!(
            request.query.conditions,
            vec![
                Condition::AnyOf {
                    field: "category".into(),
                    values: vec!["education".into(), "medical".into()],
                },
                Condition::AnyOf {
                    field: "region_codes".into(),
                    values: vec!["4414".into()],
                },
                Condition::AnyOf {
                    field: "status".into(),
                    values: vec!["published".into()],
                },
                Condition::GreaterThan {
                    field: "remaining_quantity".into(),
                    value: 0,
                },
            ]
        );
        let worded = parse_request(&pairs("q=书包")).unwrap();
        assert_eq!(worded.sort, SortName::Relevance);
        assert!(worded.query.sort.is_empty());
    }
}
