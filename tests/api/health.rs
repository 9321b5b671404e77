use crate::db_test;
use crate::helpers::{Backend, TestApp, assert_error_code};

db_test! {
    async fn liveness_answers_ok(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!(status, 200);
        assert_eq!(body["status"], "ok");
    }
}

db_test! {
    async fn readiness_checks_the_database_and_the_indexes(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        // A fresh database's new indexes are not its own until the worker has filled them
        // (the instant after start), and ready from then on.
        let started = std::time::Instant::now();
        let body = loop {
            let (status, body) = app.get_json("/readyz").await;
            if status == 200 {
                break body;
            }
            assert_eq!(status, 503, "{body}");
            let code = body["error"]["code"].as_str();
            assert!(matches!(code, Some("search_mismatch" | "search_rebuilding")), "{body}");
            assert!(started.elapsed() < std::time::Duration::from_secs(30), "{body}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        assert_eq!(body["database"], "ok");
        assert_eq!(body["search"], "ok");
    }
}

db_test! {
    async fn every_response_carries_a_request_id_and_security_headers(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.get("/healthz").await;
        let second = app.get("/no/such/page").await;
        let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id(&first).len(), 36, "a UUID");
        assert_ne!(id(&first), id(&second));
        assert_eq!(first.headers()["x-content-type-options"], "nosniff");
        assert_eq!(second.headers()["x-frame-options"], "DENY");
    }
}

db_test! {
    async fn an_unknown_path_is_a_json_404(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = app.get_json("/api/v1/no-such-thing").await;
        assert_eq!(status, 404);
        assert_error_code(&body, "not_found");
    }
}

/// With its database gone, the service stays up, says it is not ready, and answers API calls
/// with a clear 503 instead of hanging or crashing.
#[tokio::test]
async fn without_its_database_the_service_is_alive_but_not_ready() {
    if !crate::helpers::postgres_enabled() {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    let name = app.database.url.rsplit('/').next().unwrap().to_owned();
    let admin_url = std::env::var(crate::helpers::POSTGRES_URL_ENV).unwrap();
    let mut admin = <sea_orm::sqlx::PgConnection as sea_orm::sqlx::Connection>::connect(&admin_url)
        .await
        .unwrap();
    sea_orm::sqlx::Executor::execute(
        &mut admin,
        sea_orm::sqlx::AssertSqlSafe(format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#)),
    )
    .await
    .unwrap();

    let (status, _) = app.get_json("/healthz").await;
    assert_eq!(status, 200);
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_error_code(&body, "database_unavailable");
    let (status, body) = app.get_json("/api/v1/regions/44/children").await;
    assert_eq!(status, 503, "{body}");
    assert_error_code(&body, "database_unavailable");
}

db_test! {
    async fn the_api_is_described_by_an_openapi_document(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, doc) = app.get_json("/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in ["/healthz", "/readyz", "/api/v1/regions", "/api/v1/regions/{code}", "/api/v1/regions/{code}/children"] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
        }
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        let village = &doc["paths"]["/api/v1/households"]["get"]["parameters"][0];
        assert_eq!((village["name"].as_str(), village["in"].as_str()), (Some("village"), Some("query")));
        // Every operation documents the errors any operation can give.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for status in ["400", "405", "500", "503"] {
                    assert!(op["responses"][status].is_object(), "{method} {path} documents {status}");
                }
            }
        }
        assert!(doc["components"]["schemas"]["RegionView"]["properties"]["code"].is_object());
    }
}

db_test! {
    async fn an_unsupported_method_is_a_json_405_naming_the_allowed_ones(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.client.delete(app.url("/api/v1/organisations")).send().await.unwrap();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "GET, POST");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_error_code(&body, "method_not_allowed");
    }
}
