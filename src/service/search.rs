//! Search as the platform uses it: the public search request (`GET /api/v1/needs/search`) and
//! keeping the index true to the database — syncing changed needs (the outbox worker),
//! rebuilding (`duijie reindex`) and finding drift (`duijie reconcile`).
//!
//! The index holds a need exactly while the public may see it, as [`NeedDocument`] built from
//! the public projection; the database is always the truth and the index is rebuilt from it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::household::PovertyCause;
use crate::domain::need::{BeneficiaryKind, Category, NeedStatus, Urgency};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode};
use crate::search::text::{highlight, query_words};
use crate::search::{
    Condition, FacetCounts, NeedDocument, SearchConfig, SearchError, SearchIndex, SearchQuery,
    SortKey,
};
use crate::service::needs::projection::{PublicContext, public_need};
use crate::service::needs::{self, Paging};
use crate::store::entity::needs as need_rows;

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
fn listed_at(need: &need_rows::Model) -> DateTime<Utc> {
    need.published_at
        .or(need.second_verified_at)
        .or(need.verified_at)
        .unwrap_or(need.created_at)
        .to_utc()
}

/// The search documents of `rows`, which must all be public.
pub async fn documents(
    db: &impl ConnectionTrait,
    rows: &[need_rows::Model],
) -> Result<Vec<NeedDocument>, ApiError> {
    let context = PublicContext::load(db, rows).await?;
    rows.iter()
        .map(|row| {
            Ok(NeedDocument::new(
                public_need(row, &context)?,
                listed_at(row),
            ))
        })
        .collect()
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
}

impl SyncError {
    /// Whether trying again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, SyncError::Search(SearchError::Rejected(_)))
    }
}

impl From<DbErr> for SyncError {
    fn from(e: DbErr) -> Self {
        SyncError::Database(e.to_string())
    }
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        SyncError::Database(e.to_string())
    }
}

/// Rounds of re-reading a need that changed while its document was being written.
const SYNC_ROUNDS: usize = 3;

/// Brings the documents of these needs up to date with the database: upserted while the
/// public may see the need, deleted otherwise (or when it no longer exists). Idempotent and
/// indifferent to order: it always writes the needs' current state.
///
/// Two workers may sync one need at once, and the slower may write an older state last. So
/// after writing, the needs' versions are read again, and any that moved meanwhile are written
/// again.
pub async fn sync_needs(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    ids: &[i64],
) -> Result<(), SyncError> {
    let mut pending: Vec<i64> = ids.to_vec();
    pending.sort_unstable();
    pending.dedup();
    for _ in 0..SYNC_ROUNDS {
        if pending.is_empty() {
            break;
        }
        let rows = need_rows::Entity::find()
            .filter(need_rows::Column::Id.is_in(pending.clone()))
            .all(db)
            .await?;
        let written: HashMap<i64, i32> = rows.iter().map(|r| (r.id, r.version)).collect();
        let (public, hidden): (Vec<_>, Vec<_>) = rows.into_iter().partition(needs::is_public);
        let mut gone: Vec<i64> = hidden.iter().map(|r| r.id).collect();
        gone.extend(pending.iter().filter(|id| !written.contains_key(id)));
        index.upsert(&documents(db, &public).await?).await?;
        index.delete(&gone).await?;

        let now: Vec<(i64, i32)> = need_rows::Entity::find()
            .select_only()
            .column(need_rows::Column::Id)
            .column(need_rows::Column::Version)
            .filter(need_rows::Column::Id.is_in(pending.clone()))
            .into_tuple()
            .all(db)
            .await?;
        pending = now
            .into_iter()
            .filter(|(id, version)| written.get(id) != Some(version))
            .map(|(id, _)| id)
            .collect();
    }
    Ok(())
}

/// Reads the public needs in id order, a batch at a time.
struct PublicNeeds {
    after: i64,
    done: bool,
    /// Needs read so far (public or not), for progress.
    pub read: u64,
}

impl PublicNeeds {
    fn new() -> Self {
        Self {
            after: 0,
            done: false,
            read: 0,
        }
    }

    async fn next(
        &mut self,
        db: &impl ConnectionTrait,
    ) -> Result<Option<Vec<NeedDocument>>, SyncError> {
        if self.done {
            return Ok(None);
        }
        let rows = need_rows::Entity::find()
            .filter(need_rows::Column::Id.gt(self.after))
            .order_by_asc(need_rows::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last() else {
            self.done = true;
            return Ok(None);
        };
        self.after = last.id;
        self.read += rows.len() as u64;
        let public: Vec<_> = rows.into_iter().filter(needs::is_public).collect();
        Ok(Some(documents(db, &public).await?))
    }
}

/// How many needs the database holds (public or not): the length of a rebuild.
pub async fn needs_count(db: &impl ConnectionTrait) -> Result<u64, SyncError> {
    Ok(need_rows::Entity::find().count(db).await?)
}

/// What a rebuild did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReindexReport {
    /// Documents written.
    pub indexed: u64,
    /// Documents of needs no longer public (or gone), removed.
    pub removed: u64,
}

/// Rewrites every public need's document and removes every other document. Searches keep
/// answering throughout (from the documents as they were until each batch is written).
/// `progress` hears the number of needs read after each batch.
pub async fn reindex(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    mut progress: impl FnMut(u64),
) -> Result<ReindexReport, SyncError> {
    index.prepare().await?;
    let mut report = ReindexReport::default();
    let mut kept = HashSet::new();
    let mut pages = PublicNeeds::new();
    while let Some(documents) = pages.next(db).await? {
        kept.extend(documents.iter().map(NeedDocument::id));
        index.upsert(&documents).await?;
        report.indexed += documents.len() as u64;
        progress(pages.read);
    }
    let stale: Vec<i64> = index
        .fingerprints()
        .await?
        .into_keys()
        .filter(|id| !kept.contains(id))
        .collect();
    for chunk in stale.chunks(BATCH as usize) {
        index.delete(chunk).await?;
    }
    report.removed = stale.len() as u64;
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
/// writes the missing and stale ones and deletes the extra ones.
pub async fn reconcile(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    repair: bool,
) -> Result<Drift, SyncError> {
    let mut indexed = index.fingerprints().await?;
    let mut drift = Drift::default();
    let mut pages = PublicNeeds::new();
    while let Some(documents) = pages.next(db).await? {
        let mut fix = Vec::new();
        for document in documents {
            drift.checked += 1;
            match indexed.remove(&document.id()) {
                None => drift.missing.push(document.id()),
                Some(print) if print != document.fingerprint => drift.stale.push(document.id()),
                Some(_) => continue,
            }
            fix.push(document);
        }
        if repair {
            index.upsert(&fix).await?;
        }
    }
    drift.extra = indexed.into_keys().collect();
    drift.extra.sort_unstable();
    if repair {
        for chunk in drift.extra.chunks(BATCH as usize) {
            index.delete(chunk).await?;
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
}

/// The parameters of `GET /needs/search`, checked. Each filter may be repeated (`category=a&
/// category=b` finds either); different filters must all hold.
pub fn parse_request(pairs: &[(String, String)]) -> Result<SearchRequest, ApiError> {
    let mut text = String::new();
    let mut filters: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut sort = None;
    let mut page = None;
    let mut per_page = None;
    let mut open = false;
    let invalid = |name: &str, message: String| ApiError::field(name, message);
    for (name, value) in pairs {
        let value = value.trim();
        match name.as_str() {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(invalid(
                        "q",
                        format!("at most {MAX_QUERY_CHARS} characters"),
                    ));
                }
                text = value.to_owned();
            }
            "category" => {
                let c = Category::parse(value).ok_or_else(|| {
                    invalid(
                        "category",
                        format!("`{value}` is not one of {}", Category::codes()),
                    )
                })?;
                filters
                    .entry("category")
                    .or_default()
                    .push(c.as_str().to_owned());
            }
            "urgency" => {
                let u = Urgency::parse(value).ok_or_else(|| {
                    invalid(
                        "urgency",
                        format!("`{value}` is not one of {}", Urgency::codes()),
                    )
                })?;
                filters
                    .entry("urgency")
                    .or_default()
                    .push(u.as_str().to_owned());
            }
            "beneficiary" => {
                let b = BeneficiaryKind::parse(value).ok_or_else(|| {
                    invalid(
                        "beneficiary",
                        format!("`{value}` is not one of {}", BeneficiaryKind::codes()),
                    )
                })?;
                filters
                    .entry("beneficiary_kind")
                    .or_default()
                    .push(b.as_str().to_owned());
            }
            "status" => {
                let s = NeedStatus::parse(value)
                    .filter(|s| s.is_public(true))
                    .ok_or_else(|| {
                        let public: Vec<&str> = NeedStatus::ALL
                            .iter()
                            .filter(|s| s.is_public(true))
                            .map(|s| s.as_str())
                            .collect();
                        invalid(
                            "status",
                            format!("`{value}` is not one of {}", public.join(", ")),
                        )
                    })?;
                filters
                    .entry("status")
                    .or_default()
                    .push(s.as_str().to_owned());
            }
            "cause" => {
                let c = PovertyCause::parse(value).ok_or_else(|| {
                    let all: Vec<&str> = PovertyCause::ALL.iter().map(|c| c.as_str()).collect();
                    invalid(
                        "cause",
                        format!("`{value}` is not one of {}", all.join(", ")),
                    )
                })?;
                filters
                    .entry("poverty_causes")
                    .or_default()
                    .push(c.as_str().to_owned());
            }
            "region" => {
                let code = RegionCode::parse(value).map_err(|e| {
                    ApiError::new(ErrorCode::InvalidRegionCode, format!("region: {e}"))
                })?;
                filters
                    .entry("region_codes")
                    .or_default()
                    .push(code.as_str().to_owned());
            }
            "open" => {
                open = match value {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(invalid("open", format!("`{value}` is not true or false"))),
                };
            }
            "sort" => {
                sort = Some(SortName::parse(value).ok_or_else(|| {
                    let names: Vec<&str> = SortName::ALL.iter().map(|(n, _)| *n).collect();
                    invalid(
                        "sort",
                        format!("`{value}` is not one of {}", names.join(", ")),
                    )
                })?);
            }
            "page" | "per_page" => {
                let n: u64 = value
                    .parse()
                    .map_err(|_| invalid(name, format!("`{value}` is not a whole number")))?;
                if name == "page" {
                    page = Some(n);
                } else {
                    per_page = Some(n);
                }
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
        }
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
    /// `poverty_causes` over all needs found.
    #[schema(value_type = Object)]
    pub facets: FacetCounts,
    pub page: u64,
    pub per_page: u64,
    pub sort: SortName,
}

/// Runs a search.
pub async fn search(
    index: &dyn SearchIndex,
    config: &SearchConfig,
    request: &SearchRequest,
) -> Result<SearchPage, ApiError> {
    let found = index.search(&request.query).await.map_err(search_failed)?;
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
