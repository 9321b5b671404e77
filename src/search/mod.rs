//! Search over the public needs, offers and products: one [`SearchIndex`] trait, generic over
//! the kind of [`Document`] an index holds, and two engines that answer alike (Meilisearch in
//! production, an embedded Tantivy index by default), configured by each document's settings
//! file (`search-config/needs.json`, `offers.json`, `products.json`) and proven alike by one
//! conformance suite per kind of document (`tests/api/search`).
//!
//! There are three indexes. The needs index only ever holds [`NeedDocument`]s, built from the
//! public projection of a need; it is kept up to date by the outbox worker (`worker::outbox`)
//! and rebuilt or checked by the `reindex` and `reconcile` commands (`service::search`). The
//! offers index only ever holds [`OfferDocument`]s, built from the public projection of an
//! offer; the products index only [`ProductDocument`]s, built from the public projection of a
//! listed product.

pub mod config;
pub mod document;
pub mod embedded;
pub mod identity;
pub mod meili;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;

pub use config::SearchConfig;
pub use document::{Document, NeedDocument, OfferDocument, ProductDocument};
pub use identity::IndexIdentity;

use crate::config::{SearchBackend, Settings};

/// Why the engine could not do what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SearchError {
    /// Not reachable, not answering in time, or busy elsewhere: the same request may succeed
    /// later.
    #[error("the search engine is unavailable: {0}")]
    Unavailable(String),
    /// The engine refused the request: sending it again will not help.
    #[error("the search engine refused the request: {0}")]
    Rejected(String),
}

/// One condition on the documents; a query's conditions must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The attribute has one of these values (or, for a list attribute, contains one).
    AnyOf { field: String, values: Vec<String> },
    /// The (numeric) attribute is greater than this.
    GreaterThan { field: String, value: i64 },
}

/// One key of a sort, most significant first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
}

/// A search, as both engines take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// What was typed; empty lists every document that meets the conditions.
    pub text: String,
    pub conditions: Vec<Condition>,
    /// Empty: by relevance (and then in an engine's own order).
    pub sort: Vec<SortKey>,
    /// From 1.
    pub page: usize,
    /// 0: no documents, only the total and the facet counts.
    pub per_page: usize,
    /// Attributes to count the values of, over every document found.
    pub facets: Vec<String>,
}

impl SearchQuery {
    /// Every document, first page.
    pub fn all() -> Self {
        Self {
            text: String::new(),
            conditions: Vec::new(),
            sort: Vec::new(),
            page: 1,
            per_page: 20,
            facets: Vec::new(),
        }
    }
}

/// Counts of the values of each requested facet: `{"category": {"education": 3}}`.
pub type FacetCounts = BTreeMap<String, BTreeMap<String, u64>>;

impl SearchQuery {
    /// The search that counts `facet` disjunctively: the same words and conditions but those
    /// on `facet` itself, counting `facet` alone and finding no documents; `None` when no
    /// condition is on `facet` (the plain search counts it already).
    fn facet_count_query(&self, facet: &str) -> Option<SearchQuery> {
        let own = |c: &Condition| matches!(c, Condition::AnyOf { field, .. } if field == facet);
        if !self.conditions.iter().any(own) {
            return None;
        }
        Some(SearchQuery {
            text: self.text.clone(),
            conditions: self
                .conditions
                .iter()
                .filter(|c| !own(c))
                .cloned()
                .collect(),
            sort: Vec::new(),
            page: 1,
            per_page: 0,
            facets: vec![facet.to_owned()],
        })
    }
}

/// Runs `query` with disjunctive facets, alike on every engine: the documents and the total
/// are those every condition lets through, and so are the counts of a facet no condition is
/// on; the counts of a facet that has a condition (`category` is `education`) ignore that
/// condition but keep all the others and the words, so that they say how many documents
/// ticking each value would add (`medical` is still counted while `education` is ticked).
/// One count-only search per such facet runs beside the main one.
pub async fn search_disjunctive<D: Document>(
    index: &dyn SearchIndex<D>,
    query: &SearchQuery,
) -> Result<SearchHits<D>, SearchError> {
    let counted: Vec<(String, SearchQuery)> = query
        .facets
        .iter()
        .filter_map(|facet| Some((facet.clone(), query.facet_count_query(facet)?)))
        .collect();
    let main = SearchQuery {
        facets: query
            .facets
            .iter()
            .filter(|f| !counted.iter().any(|(c, _)| c == *f))
            .cloned()
            .collect(),
        ..query.clone()
    };
    let (mut found, counts) = futures_util::future::try_join(
        index.search(&main),
        futures_util::future::try_join_all(counted.iter().map(|(_, q)| index.search(q))),
    )
    .await?;
    for ((facet, _), mut count) in counted.into_iter().zip(counts) {
        let values = count.facets.remove(&facet).unwrap_or_default();
        found.facets.insert(facet, values);
    }
    Ok(found)
}

/// A page of documents found.
#[derive(Debug, Clone)]
pub struct SearchHits<D> {
    pub hits: Vec<D>,
    /// All documents found (capped at the settings' `maxTotalHits`).
    pub total: u64,
    pub facets: FacetCounts,
}

/// A search engine's index of one kind of document. Writes return once the change is
/// searchable.
#[async_trait]
pub trait SearchIndex<D: Document>: Send + Sync {
    /// e.g. `embedded index under ./data/search/needs` or `Meilisearch at http://…, index needs`.
    fn describe(&self) -> String;

    /// Creates the index if missing and applies the settings. `true` when the index was just
    /// created (empty), so that the caller fills it from the database.
    async fn prepare(&self) -> Result<bool, SearchError>;

    /// Adds the documents, replacing any with the same id.
    async fn upsert(&self, documents: &[D]) -> Result<(), SearchError>;

    /// Removes the documents with these ids; an id not in the index is no error.
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError>;

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits<D>, SearchError>;

    /// The id and fingerprint of every document in the index.
    async fn fingerprints(&self) -> Result<HashMap<i64, String>, SearchError>;

    /// Whether the engine answers.
    async fn health(&self) -> Result<(), SearchError>;

    /// Which database and schema the index says it mirrors ([`identity`]); `None` when it
    /// carries no identity (new, or made before indexes carried one).
    async fn identity(&self) -> Result<Option<IndexIdentity>, SearchError>;

    /// Records which database and schema the index mirrors, and whether its fill finished.
    async fn set_identity(&self, identity: &IndexIdentity) -> Result<(), SearchError>;
}

/// The needs index of the engine the settings choose.
pub fn open(settings: &Settings) -> Result<Arc<dyn SearchIndex<NeedDocument>>, SearchError> {
    open_index(settings, &settings.search.index)
}

/// The offers index of the engine the settings choose.
pub fn open_offers(
    settings: &Settings,
) -> Result<Arc<dyn SearchIndex<OfferDocument>>, SearchError> {
    open_index(settings, &settings.search.offers_index)
}

/// The products index of the engine the settings choose.
pub fn open_products(
    settings: &Settings,
) -> Result<Arc<dyn SearchIndex<ProductDocument>>, SearchError> {
    open_index(settings, &settings.search.products_index)
}

/// The index called `name` (the embedded index's directory under `<data_dir>/search`, or the
/// Meilisearch index uid) of the engine the settings choose, holding documents of kind `D`.
fn open_index<D: Document>(
    settings: &Settings,
    name: &str,
) -> Result<Arc<dyn SearchIndex<D>>, SearchError> {
    Ok(match settings.search.backend {
        SearchBackend::Embedded => Arc::new(embedded::EmbeddedIndex::<D>::open(
            &settings.data_dir.join("search").join(name),
            Arc::new(D::config()),
        )?),
        SearchBackend::Meilisearch => Arc::new(meili::MeiliIndex::<D>::new(
            settings.search.meili_url.as_deref().unwrap_or_default(),
            settings.search.meili_key.as_ref(),
            name,
        )?),
    })
}
