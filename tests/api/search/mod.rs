//! Search: the conformance suites both engines must pass, over the needs index (`conformance`),
//! the offers index (`offers`) and the products index (`products`, with the products hall over
//! HTTP), the embedded engine's typo tolerance (`embedded`), an index that knows which database
//! it mirrors (`identity`), and the
//! search API over the running application (`api`): freshness after a pledge, an engine that
//! goes away and comes back, bad parameters.
//!
//! Every engine test runs on the embedded engine, and on Meilisearch too when `MEILI_URL` (and
//! `MEILI_MASTER_KEY`, if the server has one) point at a server: the same test bodies, each on
//! an index of its own that is deleted afterwards.

pub(crate) mod api;
mod conformance;
mod embedded;
mod identity;
mod offers;
mod products;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use duijie::config::{SearchBackend, Settings};
use duijie::search::embedded::EmbeddedIndex;
use duijie::search::meili::MeiliIndex;
use duijie::search::{
    Condition, Document, FacetCounts, NeedDocument, SearchIndex, SearchQuery, search_disjunctive,
};
use secrecy::SecretString;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Embedded,
    Meilisearch,
}

/// Runs an async test body once per engine, as `<name>::embedded` and `<name>::meilisearch`;
/// the second is skipped unless `MEILI_URL` is set.
#[macro_export]
macro_rules! engine_test {
    ($(#[$meta:meta])* async fn $name:ident($engine:ident: Engine) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($engine: $crate::search::Engine) $body

            #[tokio::test]
            async fn embedded() {
                body($crate::search::Engine::Embedded).await
            }

            #[tokio::test]
            async fn meilisearch() {
                if $crate::search::meili_enabled() {
                    body($crate::search::Engine::Meilisearch).await
                }
            }
        }
    };
}

/// The Meilisearch server of the tests, if any: `(MEILI_URL, MEILI_MASTER_KEY)`.
pub fn meili_server() -> Option<(String, Option<String>)> {
    let url = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty())?;
    let key = std::env::var("MEILI_MASTER_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    Some((url, key))
}

pub fn meili_enabled() -> bool {
    let enabled = meili_server().is_some();
    if !enabled {
        eprintln!("MEILI_URL is not set: skipping the Meilisearch variant");
    }
    enabled
}

/// A name no other test uses, for a Meilisearch index.
pub fn unique_index_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "duijie_test_{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    )
}

/// Points `settings` at `engine`: the embedded indexes under the data directory, or fresh
/// indexes (needs, offers, products) on the test Meilisearch server.
pub fn use_engine(settings: &mut Settings, engine: Engine) {
    if engine == Engine::Meilisearch {
        let (url, key) = meili_server().expect("checked by meili_enabled");
        settings.search.backend = SearchBackend::Meilisearch;
        settings.search.meili_url = Some(url);
        settings.search.meili_key = key.map(SecretString::from);
        settings.search.index = unique_index_name();
        settings.search.offers_index = unique_index_name();
        settings.search.products_index = unique_index_name();
    }
}

/// A search index of a test's own, holding documents of kind `D`, removed when dropped.
pub struct TestIndex<D: Document> {
    pub index: Arc<dyn SearchIndex<D>>,
    /// The Meilisearch index's server, key and uid, to delete it.
    meili: Option<MeiliTestIndex>,
    _dir: TempDir,
}

/// Where a test's Meilisearch index is: `(MEILI_URL, MEILI_MASTER_KEY, uid)`.
pub type MeiliTestIndex = (String, Option<SecretString>, String);

impl TestIndex<NeedDocument> {
    /// A needs index.
    pub async fn new(engine: Engine) -> Self {
        Self::of(engine).await
    }
}

impl<D: Document> TestIndex<D> {
    /// An index of documents of kind `D`.
    pub async fn of(engine: Engine) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (index, meili): (Arc<dyn SearchIndex<D>>, _) = match engine {
            Engine::Embedded => (
                Arc::new(
                    EmbeddedIndex::<D>::open(&dir.path().join("index"), Arc::new(D::config()))
                        .unwrap(),
                ),
                None,
            ),
            Engine::Meilisearch => {
                let (url, key) = meili_server().unwrap();
                let key = key.map(SecretString::from);
                let uid = unique_index_name();
                let index = Arc::new(MeiliIndex::<D>::new(&url, key.as_ref(), &uid).unwrap());
                (index as Arc<dyn SearchIndex<D>>, Some((url, key, uid)))
            }
        };
        assert!(
            index.prepare().await.unwrap(),
            "a new index reports that it is new"
        );
        Self {
            index,
            meili,
            _dir: dir,
        }
    }
}

impl<D: Document> Drop for TestIndex<D> {
    fn drop(&mut self) {
        drop_meili_index::<D>(self.meili.take());
    }
}

/// Deletes a test's Meilisearch index, from a thread and runtime of its own (drop may run
/// inside the test's runtime, which is blocked meanwhile), through a client of its own: the
/// test's client keeps its pooled connections on the test's runtime, where a request would wait
/// for the deadline and fail.
pub fn drop_meili_index<D: Document>(meili: Option<MeiliTestIndex>) {
    let Some((url, key, uid)) = meili else { return };
    let name = uid.clone();
    let deleted = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("cleanup runtime");
        let meili = MeiliIndex::<D>::new(&url, key.as_ref(), &uid)?;
        runtime.block_on(meili.drop_index())
    })
    .join()
    .expect("the cleanup thread");
    // A test that failed already says why; one that passed must not leave its index behind.
    if let Err(error) = deleted
        && !std::thread::panicking()
    {
        panic!("deleting the test's Meilisearch index {name}: {error}");
    }
}

/// Runs `query` with disjunctive facets and checks it against plain searches of the engine:
/// the same documents, in the same order, and total as the plain search; the counts of a facet
/// no condition is on are the plain search's; those of a facet with a condition are the plain
/// search's without that condition (every other condition and the words still applying).
/// Returns the ids found and the counts.
pub async fn disjunctive<D: Document>(
    index: &dyn SearchIndex<D>,
    query: &SearchQuery,
) -> (Vec<i64>, FacetCounts) {
    let found = search_disjunctive(index, query).await.unwrap();
    let plain = index.search(query).await.unwrap();
    let ids: Vec<i64> = found.hits.iter().map(|h| h.id()).collect();
    assert_eq!(ids, plain.hits.iter().map(|h| h.id()).collect::<Vec<_>>());
    assert_eq!(found.total, plain.total);
    assert_eq!(
        found
            .facets
            .keys()
            .collect::<std::collections::BTreeSet<_>>(),
        query
            .facets
            .iter()
            .collect::<std::collections::BTreeSet<_>>(),
        "every facet asked for is counted"
    );
    for facet in &query.facets {
        let own = |c: &Condition| matches!(c, Condition::AnyOf { field, .. } if field == facet);
        let without = SearchQuery {
            conditions: query
                .conditions
                .iter()
                .filter(|c| !own(c))
                .cloned()
                .collect(),
            ..query.clone()
        };
        let expected = index.search(&without).await.unwrap();
        assert_eq!(
            found.facets[facet], expected.facets[facet],
            "`{facet}` is counted without its own condition"
        );
    }
    (ids, found.facets)
}
