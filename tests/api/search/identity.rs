//! An index knows its database: a database A fills the indexes, then a fresh database B is
//! pointed at the same ones (the same Meilisearch uids, the same embedded directories). B's
//! worker rebuilds them from B — finishing a fill that failed half-way — while `/readyz` says
//! so; set to `refuse`, B does not start, naming both databases, until `duijie reindex`; and an
//! index filled with another schema is rebuilt. On both engines, and both databases for the
//! embedded one.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use duijie::config::{OnMismatch, Settings};
use duijie::search::{
    IndexIdentity, NeedDocument, OfferDocument, ProductDocument, SearchError, SearchHits,
    SearchIndex, SearchQuery,
};
use duijie::service::search_identity::instance_id;
use duijie::startup::Application;
use serde_json::Value;

use super::api::{app_on, clean_up, drained, search_until};
use super::{Engine, use_engine};
use crate::helpers::{Backend, TestApp, assert_error_code, test_sealer};
use crate::pledges::published;
use crate::search_app_test;

/// A real needs index whose first `fingerprints` call fails: the last step of a fill (finding
/// the documents the database does not have) fails once, after the documents were written.
struct FailsOnce {
    engine: Arc<dyn SearchIndex<NeedDocument>>,
    failed: AtomicU32,
}

#[async_trait]
impl SearchIndex<NeedDocument> for FailsOnce {
    fn describe(&self) -> String {
        self.engine.describe()
    }
    async fn prepare(&self) -> Result<bool, SearchError> {
        self.engine.prepare().await
    }
    async fn upsert(&self, documents: &[NeedDocument]) -> Result<(), SearchError> {
        self.engine.upsert(documents).await
    }
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        self.engine.delete(ids).await
    }
    async fn search(&self, query: &SearchQuery) -> Result<SearchHits<NeedDocument>, SearchError> {
        self.engine.search(query).await
    }
    async fn fingerprints(&self) -> Result<HashMap<i64, String>, SearchError> {
        if self.failed.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(SearchError::Unavailable("failed once by the test".into()));
        }
        self.engine.fingerprints().await
    }
    async fn health(&self) -> Result<(), SearchError> {
        self.engine.health().await
    }
    async fn identity(&self) -> Result<Option<IndexIdentity>, SearchError> {
        self.engine.identity().await
    }
    async fn set_identity(&self, identity: &IndexIdentity) -> Result<(), SearchError> {
        self.engine.set_identity(identity).await
    }
}

/// Points `settings` at the indexes of `other`: its engine, its Meilisearch uids, its data
/// directory (where the embedded indexes are). Each keeps its own database.
fn same_indexes(settings: &mut Settings, other: &Settings) {
    settings.data_dir = other.data_dir.clone();
    settings.search = other.search.clone();
}

/// Database A, with two published needs (targets 10 and 20) in its indexes; stopped once they
/// are there. Returns its settings (the indexes, and its data directory, kept by `shared`).
async fn filled_by_a(backend: Backend, engine: Engine, shared: &tempfile::TempDir) -> Settings {
    let a = TestApp::spawn_with(backend, |s| {
        s.policy.notice_days = 0;
        s.data_dir = shared.path().to_path_buf();
        use_engine(s, engine);
    })
    .await;
    duijie::demo::seed(&a.db, &test_sealer()).await.unwrap();
    published(&a, 10, 1).await;
    published(&a, 20, 1).await;
    drained(&a).await;
    let (status, body) = a.get_json("/readyz").await;
    assert_eq!(status, 200, "{body}");
    let found = search(&a, "q=课桌椅").await;
    assert_eq!(found["total"], 2, "{found}");
    let settings = (*a.state.settings).clone();
    a.stop().await;
    settings
}

async fn search(app: &TestApp, query: &str) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/needs/search?{query}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Asks `/readyz` until it answers 200, for at most 30 s; returns the codes it answered before.
async fn until_ready(app: &TestApp) -> Vec<String> {
    let started = Instant::now();
    let mut codes = Vec::new();
    loop {
        let (status, body) = app.get_json("/readyz").await;
        if status == 200 {
            return codes;
        }
        assert_eq!(status, 503, "{body}");
        let code = body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if codes.last() != Some(&code) {
            codes.push(code);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not ready within 30 s: {codes:?}, {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The identities of B's three indexes are B's database's, complete.
async fn all_marked_as(app: &TestApp) {
    let instance = instance_id(&app.db).await.unwrap();
    let state = &app.state;
    assert_eq!(
        state.search.identity().await.unwrap(),
        Some(IndexIdentity::of::<NeedDocument>(&instance))
    );
    assert_eq!(
        state.offer_search.identity().await.unwrap(),
        Some(IndexIdentity::of::<OfferDocument>(&instance))
    );
    assert_eq!(
        state.product_search.identity().await.unwrap(),
        Some(IndexIdentity::of::<ProductDocument>(&instance))
    );
}

search_app_test! {
    async fn a_fresh_database_on_another_databases_index_gets_it_rebuilt(backend: Backend, engine: Engine) {
        let shared = tempfile::tempdir().unwrap();
        let a = filled_by_a(backend, engine, &shared).await;

        // Database B, on A's indexes; its worker held back to watch it start.
        let mut flaky = None;
        let b = TestApp::spawn_full(
            backend,
            |s| {
                s.policy.notice_days = 0;
                same_indexes(s, &a);
                s.worker.run = false;
            },
            |settings| {
                let engine = duijie::search::open(settings).expect("opening the engine");
                let index = Arc::new(FailsOnce { engine, failed: AtomicU32::new(0) });
                flaky = Some(index.clone());
                Some(index as Arc<dyn SearchIndex<NeedDocument>>)
            },
        )
        .await;
        let flaky = flaky.unwrap();
        duijie::demo::seed(&b.db, &test_sealer()).await.unwrap();
        let need = published(&b, 7, 1).await;
        let b_instance = instance_id(&b.db).await.unwrap();
        let a_instance = b.state.search.identity().await.unwrap().expect("A's identity").instance;
        assert_ne!(a_instance, b_instance, "each database has an instance id of its own");

        // What was seen: B's search answers with A's needs. Readiness says it is wrong.
        let found = search(&b, "q=课桌椅").await;
        assert_eq!(found["total"], 2, "A's two needs: {found}");
        let (status, body) = b.get_json("/readyz").await;
        assert_eq!(status, 503, "{body}");
        assert_error_code(&body, "search_mismatch");
        // A fill of B's under way is said as such.
        b.state.search.set_identity(&IndexIdentity::of::<NeedDocument>(&b_instance).filling()).await.unwrap();
        let (status, body) = b.get_json("/readyz").await;
        assert_eq!(status, 503, "{body}");
        assert_error_code(&body, "search_rebuilding");

        // B's worker starts: its first fill fails half-way (A's documents not yet removed),
        // and the next attempt finishes it.
        let worker = duijie::worker::outbox::spawn(b.state.clone().into_inner());
        let before = until_ready(&b).await;
        assert!(before.iter().all(|c| c == "search_rebuilding" || c == "search_mismatch"), "{before:?}");
        assert!(flaky.failed.load(Ordering::SeqCst) >= 2, "the first fill failed and was tried again");
        let found = search(&b, "q=课桌椅").await;
        assert_eq!(found["total"], 1, "B's one need, none of A's: {found}");
        assert_eq!(found["hits"][0]["id"], need);
        assert_eq!(found["hits"][0]["target_quantity"], 7);
        let drift = duijie::service::search::reconcile(&b.db, b.state.search.as_ref(), false).await.unwrap();
        assert!(drift.is_clean(), "{drift:?}");
        all_marked_as(&b).await;
        worker.abort();
        clean_up(&b);
    }
}

search_app_test! {
    async fn set_to_refuse_a_node_does_not_start_on_another_databases_index(backend: Backend, engine: Engine) {
        let shared = tempfile::tempdir().unwrap();
        let a = filled_by_a(backend, engine, &shared).await;
        let a_instance = {
            let index = duijie::search::open(&a).unwrap();
            index.identity().await.unwrap().expect("A's identity").instance
        };

        // Database B, its worker off, on A's indexes.
        let b = TestApp::spawn_with(backend, |s| {
            s.policy.notice_days = 0;
            same_indexes(s, &a);
            s.worker.run = false;
        })
        .await;
        duijie::demo::seed(&b.db, &test_sealer()).await.unwrap();
        let need = published(&b, 7, 1).await;
        let b_instance = instance_id(&b.db).await.unwrap();

        // Another node of B's, set to refuse.
        let mut refusing = (*b.state.settings).clone();
        refusing.search.on_mismatch = OnMismatch::Refuse;
        let message = match Application::build_with_db(refusing.clone(), b.db.clone()).await {
            Ok(_) => panic!("a node set to refuse started on another database's index"),
            Err(error) => format!("{error:#}"),
        };
        assert!(message.contains("mirrors another database"), "{message}");
        assert!(message.contains(&a_instance), "{message}");
        assert!(message.contains(&b_instance), "{message}");
        assert!(message.contains("`duijie reindex`"), "{message}");

        // The command it names makes the indexes B's; the node then starts.
        duijie::cli::reindex(&b.state.settings).await.expect("duijie reindex");
        all_marked_as(&b).await;
        // (B's embedded searcher sees another process's commit shortly after it lands.)
        search_until(&b, "q=课桌椅", Duration::from_secs(10), |found| {
            found["total"] == 1 && found["hits"][0]["id"] == need && found["hits"][0]["target_quantity"] == 7
        })
        .await;
        let (status, body) = b.get_json("/readyz").await;
        assert_eq!(status, 200, "{body}");
        Application::build_with_db(refusing, b.db.clone()).await.expect("starting on B's own indexes");
        clean_up(&b);
    }
}

search_app_test! {
    async fn an_index_filled_with_another_schema_is_rebuilt(backend: Backend, engine: Engine) {
        let app = app_on(backend, engine, None).await;
        let need = published(&app, 10, 1).await;
        drained(&app).await;
        assert!(until_ready(&app).await.is_empty(), "ready once the worker filled the new index");

        // As an older build left it: marked with another schema, holding a document of a shape
        // the database no longer gives (a need it does not have).
        let instance = instance_id(&app.db).await.unwrap();
        let older = IndexIdentity { schema: "0123456789abcdef".into(), ..IndexIdentity::of::<NeedDocument>(&instance) };
        app.state.search.set_identity(&older).await.unwrap();
        let stray = crate::search::conformance::fixture().pop().unwrap();
        assert_ne!(stray.need.id, need);
        app.state.search.upsert(&[stray]).await.unwrap();
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!(status, 503, "{body}");
        assert_error_code(&body, "search_mismatch");

        // The next start (a worker's) rebuilds it.
        let worker = duijie::worker::outbox::spawn(app.state.clone().into_inner());
        until_ready(&app).await;
        let found = search(&app, "").await;
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["hits"][0]["id"], need);
        all_marked_as(&app).await;
        worker.abort();
        clean_up(&app);
    }
}
