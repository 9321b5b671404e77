//! The web front end's build, served by the binary: files, the app's page for its routes
//! (SPA fallback), cache headers, compression, and the API's 404 kept JSON.

use std::path::Path;

use crate::helpers::{Backend, TestApp};

const PAGE: &str = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-3f9a1c.js\"></script></head><body><div id=\"app\"></div></body></html>";

fn build_into(dir: &Path) {
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), PAGE).unwrap();
    std::fs::write(
        dir.join("assets/index-3f9a1c.js"),
        format!("console.log({:?});", "对接".repeat(2000)),
    )
    .unwrap();
    std::fs::write(
        dir.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
}

async fn app_serving(dist: &Path) -> TestApp {
    let dist = dist.to_path_buf();
    TestApp::spawn_with(Backend::Sqlite, move |s| s.server.frontend_dir = dist).await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[tokio::test]
async fn the_apps_routes_get_its_page_and_hashed_assets_are_cached_for_good() {
    let dist = tempfile::tempdir().unwrap();
    build_into(dist.path());
    let app = app_serving(dist.path()).await;

    for path in [
        "/",
        "/needs",
        "/needs/42",
        "/me/pledges",
        "/needs/7/objections",
        "/unknown/page",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert!(header(&response, "content-security-policy").contains("default-src 'self'"));
        assert_eq!(response.text().await.unwrap(), PAGE, "{path}");
    }

    let script = app.get("/assets/index-3f9a1c.js").await;
    assert_eq!(script.status(), 200);
    assert!(header(&script, "content-type").contains("javascript"));
    assert_eq!(
        header(&script, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let etag = header(&script, "etag").to_owned();
    assert!(!etag.is_empty());
    let again = app
        .client
        .get(app.url("/assets/index-3f9a1c.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "revalidation by ETag");

    let icon = app.get("/favicon.svg").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(
        header(&icon, "cache-control"),
        "no-cache",
        "unhashed names revalidate"
    );

    // Compressed for clients that take it.
    let gzipped = app
        .client
        .get(app.url("/assets/index-3f9a1c.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&gzipped, "content-encoding"), "gzip");
    let size = gzipped.bytes().await.unwrap().len();
    assert!(
        size < 2000,
        "{size} bytes for a 12 kB script of one repeated word"
    );
}

#[tokio::test]
async fn missing_files_api_paths_and_escapes_are_json_404s() {
    let dist = tempfile::tempdir().unwrap();
    build_into(dist.path());
    std::fs::write(dist.path().parent().unwrap().join("secret.txt"), "no").ok();
    let app = app_serving(dist.path()).await;

    for path in [
        "/assets/missing-000000.js",
        "/api/v1/no-such-thing",
        "/api",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/.well-known/anything",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let post = app.client.post(app.url("/needs/42")).send().await.unwrap();
    assert_eq!(post.status(), 404, "only GET and HEAD reach the front end");
    let api = app.get("/api/v1/needs/search").await;
    assert!(
        header(&api, "content-type").starts_with("application/json"),
        "the API is unchanged"
    );
}

#[tokio::test]
async fn without_a_build_the_page_says_how_to_make_one() {
    let dist = tempfile::tempdir().unwrap();
    let app = app_serving(&dist.path().join("dist")).await;
    let response = app.get("/needs/42").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("npm run build"), "{message}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}
