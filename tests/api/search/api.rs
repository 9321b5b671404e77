//! The search API over the running application: freshness after a pledge, the engine stopped
//! and started again, a Meilisearch server that is not there, parameter checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use duijie::search::{
    IndexIdentity, NeedDocument, OfferDocument, ProductDocument, SearchError, SearchHits,
    SearchIndex, SearchQuery,
};
use duijie::store::entity::outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use super::{Engine, drop_meili_index, meili_server, use_engine};
use crate::helpers::{Backend, TestApp, assert_error_code, test_sealer};
use crate::pledges::{pledge, published};

/// Runs an async test body on SQLite and PostgreSQL with the embedded engine, and on SQLite
/// with Meilisearch when `MEILI_URL` is set.
#[macro_export]
macro_rules! search_app_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident: Backend, $engine:ident: Engine) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: Backend, $engine: Engine) $body

            #[tokio::test]
            async fn sqlite() {
                body(Backend::Sqlite, Engine::Embedded).await
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::helpers::postgres_enabled() {
                    body(Backend::Postgres, Engine::Embedded).await
                }
            }

            #[tokio::test]
            async fn meilisearch() {
                if $crate::search::meili_enabled() {
                    body(Backend::Sqlite, Engine::Meilisearch).await
                }
            }
        }
    };
}

/// A real engine that the test can stop and start: while stopped, every call fails as an
/// unreachable engine does.
pub(crate) struct Stoppable {
    engine: Arc<dyn SearchIndex<NeedDocument>>,
    stopped: AtomicBool,
}

impl Stoppable {
    fn check(&self) -> Result<(), SearchError> {
        if self.stopped.load(Ordering::SeqCst) {
            Err(SearchError::Unavailable("stopped by the test".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl SearchIndex<NeedDocument> for Stoppable {
    fn describe(&self) -> String {
        format!("stoppable {}", self.engine.describe())
    }
    async fn prepare(&self) -> Result<bool, SearchError> {
        self.check()?;
        self.engine.prepare().await
    }
    async fn upsert(&self, documents: &[NeedDocument]) -> Result<(), SearchError> {
        self.check()?;
        self.engine.upsert(documents).await
    }
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        self.check()?;
        self.engine.delete(ids).await
    }
    async fn search(&self, query: &SearchQuery) -> Result<SearchHits<NeedDocument>, SearchError> {
        self.check()?;
        self.engine.search(query).await
    }
    async fn fingerprints(&self) -> Result<std::collections::HashMap<i64, String>, SearchError> {
        self.check()?;
        self.engine.fingerprints().await
    }
    async fn health(&self) -> Result<(), SearchError> {
        self.check()?;
        self.engine.health().await
    }
    async fn identity(&self) -> Result<Option<IndexIdentity>, SearchError> {
        self.check()?;
        self.engine.identity().await
    }
    async fn set_identity(&self, identity: &IndexIdentity) -> Result<(), SearchError> {
        self.check()?;
        self.engine.set_identity(identity).await
    }
}

/// The demo accounts, no notice period, the given engine.
pub(crate) async fn app_on(
    backend: Backend,
    engine: Engine,
    stoppable: Option<&mut Option<Arc<Stoppable>>>,
) -> TestApp {
    let mut made = None;
    let app = TestApp::spawn_full(
        backend,
        |s| {
            s.policy.notice_days = 0;
            use_engine(s, engine);
        },
        |settings| {
            let engine = duijie::search::open(settings).expect("opening the engine");
            stoppable.is_some().then(|| {
                let wrapped = Arc::new(Stoppable {
                    engine,
                    stopped: AtomicBool::new(false),
                });
                made = Some(wrapped.clone());
                wrapped as Arc<dyn SearchIndex<NeedDocument>>
            })
        },
    )
    .await;
    if let Some(slot) = stoppable {
        *slot = made;
    }
    duijie::demo::seed(&app.db, &test_sealer())
        .await
        .expect("seeding the demo accounts");
    app
}

/// Deletes the test's Meilisearch indexes (needs, offers, products), if it used them.
pub(crate) fn clean_up(app: &TestApp) {
    let settings = &app.state.settings;
    if let (Some(url), true) = (&settings.search.meili_url, meili_server().is_some()) {
        let key = &settings.search.meili_key;
        drop_meili_index::<NeedDocument>(Some((
            url.clone(),
            key.clone(),
            settings.search.index.clone(),
        )));
        drop_meili_index::<OfferDocument>(Some((
            url.clone(),
            key.clone(),
            settings.search.offers_index.clone(),
        )));
        drop_meili_index::<ProductDocument>(Some((
            url.clone(),
            key.clone(),
            settings.search.products_index.clone(),
        )));
    }
}

/// Searches until `done` holds of the answer, for at most `limit`; returns the answer and how
/// long it took.
pub(crate) async fn search_until(
    app: &TestApp,
    query: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> (Value, Duration) {
    let started = Instant::now();
    loop {
        let (status, body) = app.get_json(&format!("/api/v1/needs/search?{query}")).await;
        if status == 200 && done(&body) {
            return (body, started.elapsed());
        }
        assert!(
            started.elapsed() < limit,
            "search `{query}` did not come true within {limit:?}: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn hit(body: &Value, id: i64) -> Option<&Value> {
    body["hits"].as_array()?.iter().find(|h| h["id"] == id)
}

/// Search rows not yet done.
async fn pending(app: &TestApp) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("search_sync_need"))
        .filter(outbox::Column::ProcessedAt.is_null())
        .count(&app.db)
        .await
        .unwrap()
}

/// Waits until the worker has done every search row.
pub(crate) async fn drained(app: &TestApp) {
    let started = Instant::now();
    while pending(app).await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the outbox did not drain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

search_app_test! {
    async fn a_pledge_shows_in_search_within_two_seconds(backend: Backend, engine: Engine) {
        let app = app_on(backend, engine, None).await;
        let need = published(&app, 10, 1).await;
        let (found, _) = search_until(&app, "q=课桌椅", Duration::from_secs(10), |b| hit(b, need).is_some()).await;
        let first = hit(&found, need).unwrap();
        assert_eq!(first["remaining_quantity"], 10);
        assert_eq!(first["highlights"]["title"], "村小学<mark>课桌椅</mark>");
        assert_eq!(found["facets"]["category"]["education"], 1);
        assert_eq!(found["sort"], "relevance");
        // The worker's start (filling and marking the three new indexes) is over: from here on
        // it drains the outbox, and the pledge's row is what is timed.
        drained(&app).await;

        let donor = app.login_demo("donor").await;
        let (status, body) = pledge(&donor, need, 3).await;
        assert_eq!(status, 201, "{body}");
        let (found, took) = search_until(&app, "q=课桌椅", Duration::from_secs(10), |b| {
            hit(b, need).is_some_and(|h| h["remaining_quantity"] == 7)
        })
        .await;
        assert!(took < Duration::from_secs(2), "visible after {took:?}");
        assert_eq!(hit(&found, need).unwrap()["progress_percent"], 30);

        // Pledged in full (the rest by an organisation), it leaves the open needs and shows as
        // fully pledged.
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let (status, body) = enterprise
            .post(&format!("/api/v1/needs/{need}/pledges"), &serde_json::json!({"quantity": 7, "org_id": org}))
            .await;
        assert_eq!(status, 201, "{body}");
        search_until(&app, "open=true", Duration::from_secs(2), |b| b["total"] == 0).await;
        let (found, _) = search_until(&app, "status=fully_pledged&region=441426", Duration::from_secs(2), |b| b["total"] == 1).await;
        assert_eq!(found["hits"][0]["id"], need);
        assert_eq!(found["hits"][0]["remaining_quantity"], 0);
        clean_up(&app);
    }
}

search_app_test! {
    async fn with_the_engine_stopped_writes_succeed_and_the_index_catches_up(backend: Backend, engine: Engine) {
        let mut stoppable = None;
        let app = app_on(backend, engine, Some(&mut stoppable)).await;
        let engine_switch = stoppable.expect("a stoppable engine");
        let first = published(&app, 10, 1).await;
        search_until(&app, "q=课桌椅", Duration::from_secs(10), |b| hit(b, first).is_some()).await;
        // The worker has started up (filled the new index) and drains the outbox: the need can
        // show while the start-up fill is still checking the index, and an engine stopped then
        // keeps the worker retrying its start-up rather than trying the rows below.
        drained(&app).await;

        engine_switch.stopped.store(true, Ordering::SeqCst);
        // Writes carry on: a new need is recorded and published, the first is pledged.
        let second = published(&app, 5, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = pledge(&donor, first, 4).await;
        assert_eq!(status, 201, "{body}");
        // Search and readiness say what is wrong.
        let response = app.get("/api/v1/needs/search?q=课桌椅").await;
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        assert_error_code(&response.json().await.unwrap(), "search_unavailable");
        assert_eq!(app.get("/readyz").await.status(), 503);
        // The worker tried, failed, and keeps the rows for later.
        let started = Instant::now();
        loop {
            let tried = outbox::Entity::find()
                .filter(outbox::Column::Kind.eq("search_sync_need"))
                .filter(outbox::Column::ProcessedAt.is_null())
                .filter(outbox::Column::Attempts.gt(0))
                .all(&app.db)
                .await
                .unwrap();
            if let Some(row) = tried.first() {
                assert!(row.last_error.as_deref().unwrap_or("").contains("unavailable"), "{row:?}");
                assert!(row.failed_at.is_none(), "an unreachable engine is not a permanent failure");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "the worker never tried");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(pending(&app).await > 0);

        engine_switch.stopped.store(false, Ordering::SeqCst);
        let (found, _) = search_until(&app, "q=课桌椅&sort=newest", Duration::from_secs(15), |b| {
            hit(b, second).is_some() && hit(b, first).is_some_and(|h| h["remaining_quantity"] == 6)
        })
        .await;
        assert_eq!(found["total"], 2);
        drained(&app).await;
        let drift = duijie::service::search::reconcile(&app.db, app.state.search.as_ref(), false)
            .await
            .unwrap();
        assert!(drift.is_clean(), "{drift:?}");
        assert_eq!(drift.checked, 2);
        assert_eq!(app.get("/readyz").await.status(), 200);
        clean_up(&app);
    }
}

crate::db_test! {
    async fn a_meilisearch_server_that_is_not_there_stops_search_only(backend: Backend) {
        // A port nobody listens on: the real client meets a refused connection.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let app = TestApp::spawn_with(backend, |s| {
            s.policy.notice_days = 0;
            s.search.backend = duijie::config::SearchBackend::Meilisearch;
            s.search.meili_url = Some(format!("http://127.0.0.1:{port}"));
        })
        .await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = pledge(&donor, need, 2).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = app.get_json("/api/v1/needs/search?q=课桌椅").await;
        assert_eq!(status, 503, "{body}");
        assert_error_code(&body, "search_unavailable");
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!(status, 503, "{body}");
        assert_error_code(&body, "search_unavailable");
        // Nothing is lost: the rows wait for the server.
        assert!(pending(&app).await >= 2);
    }
}

#[tokio::test]
async fn search_parameters_are_checked_by_name() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let cases = [
        ("colour=red", "invalid_parameter", None),
        ("sort=cheapest", "validation_failed", Some("sort")),
        ("category=toys", "validation_failed", Some("category")),
        ("status=draft", "validation_failed", Some("status")),
        ("urgency=now", "validation_failed", Some("urgency")),
        ("beneficiary=me", "validation_failed", Some("beneficiary")),
        ("cause=bad_luck", "validation_failed", Some("cause")),
        ("open=maybe", "validation_failed", Some("open")),
        ("page=x", "invalid_parameter", None),
        ("q=a&q=b", "invalid_parameter", None),
        ("region=123", "invalid_region_code", None),
        ("per_page=1000", "invalid_parameter", None),
        ("page=0", "invalid_parameter", None),
    ];
    for (query, code, field) in cases {
        let (status, body) = app.get_json(&format!("/api/v1/needs/search?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_error_code(&body, code);
        if let Some(field) = field {
            assert!(body["error"]["fields"][field].is_array(), "{query}: {body}");
        }
    }
    let long = "书".repeat(101);
    let (status, body) = app
        .get_json(&format!("/api/v1/needs/search?q={long}"))
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["fields"]["q"].is_array(), "{body}");
    // And a good one, on an empty index.
    let (status, body) = app
        .get_json("/api/v1/needs/search?q=书包&category=education&category=medical&region=4414&urgency=urgent&open=true&sort=deadline&page=2&per_page=5")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 0);
    assert_eq!(body["page"], 2);
    assert_eq!(body["per_page"], 5);
    assert_eq!(body["sort"], "deadline");
    assert!(body["facets"]["category"].is_object(), "{body}");
}

crate::db_test! {
    async fn a_renamed_region_reaches_the_documents_of_its_needs(backend: Backend) {
        let app = app_on(backend, Engine::Embedded, None).await;
        let need = published(&app, 10, 1).await;
        search_until(&app, "q=大柘镇", Duration::from_secs(10), |b| hit(b, need).is_some()).await;

        // The national data set renames the town: its needs are found by the new name.
        let dir = tempfile::tempdir().unwrap();
        crate::regions::copy_fixture(dir.path());
        let towns = dir.path().join("streets.csv");
        let text = std::fs::read_to_string(&towns).unwrap().replace("\"大柘镇\"", "\"大柘新镇\"");
        std::fs::write(&towns, text).unwrap();
        let report = duijie::service::regions::import(&app.db, dir.path()).await.unwrap();
        assert_eq!(report.updated, 1);
        search_until(&app, "q=大柘新镇", Duration::from_secs(10), |b| {
            hit(b, need).is_some_and(|h| h["region_names"][3] == "大柘新镇")
        })
        .await;
        drained(&app).await;
        let drift = duijie::service::search::reconcile(&app.db, app.state.search.as_ref(), false)
            .await
            .unwrap();
        assert!(drift.is_clean(), "{drift:?}");
    }
}
