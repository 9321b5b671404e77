//! Transport: a forwarding header (`X-Forwarded-For`, `X-Forwarded-Proto`) changes what the
//! server believes only when a trusted proxy sent it. Cookies are `Secure`, and every answer
//! carries `Strict-Transport-Security`, exactly when the request is secure. The client address
//! the export rate limit counts by is the one the request log and the audit log see.

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code, status_and_json, test_sealer};

/// Signs in as the demo donor sending `headers`; the `Set-Cookie` values and whether HSTS came.
async fn sign_in(app: &TestApp, headers: &[(&str, &str)]) -> (Vec<String>, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({
            "login": "donor@demo.duijie.cn",
            "password": duijie::demo::DEMO_PASSWORD,
        }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (cookies, hsts(&response))
}

fn hsts(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().unwrap().to_owned())
}

fn all_secure(cookies: &[String]) -> bool {
    assert_eq!(
        cookies.len(),
        2,
        "the session and CSRF cookies: {cookies:?}"
    );
    cookies
        .iter()
        .all(|c| c.split(';').any(|part| part.trim() == "Secure"))
}

fn none_secure(cookies: &[String]) -> bool {
    assert_eq!(
        cookies.len(),
        2,
        "the session and CSRF cookies: {cookies:?}"
    );
    cookies
        .iter()
        .all(|c| !c.split(';').any(|part| part.trim() == "Secure"))
}

/// Exports a region's needs as if from `forwarded_for`; the status.
async fn export_from(app: &TestApp, forwarded_for: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/api/v1/exports/needs?region=4414"))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .unwrap()
}

db_test! {
    async fn forged_forwarding_headers_from_an_untrusted_peer_change_nothing(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.server.export_rate_per_hour = 2).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();

        let (cookies, hsts) = sign_in(&app, &[("x-forwarded-proto", "https")]).await;
        assert!(none_secure(&cookies), "a client's X-Forwarded-Proto is not believed: {cookies:?}");
        assert_eq!(hsts, None);
        let health = app.get("/health").await;
        assert_eq!(self::hsts(&health), None, "plain HTTP: no HSTS");

        // Each request claims another client; the peer is the client all the same.
        for claimed in ["198.51.100.1", "198.51.100.2"] {
            assert_eq!(export_from(&app, claimed).await.status(), 200);
        }
        let refused = export_from(&app, "198.51.100.3").await;
        assert_eq!(refused.status(), 429);
        let retry_after: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&retry_after), "{retry_after}");
        let (_, body) = status_and_json(refused).await;
        assert_error_code(&body, "rate_limited");
    }
}

db_test! {
    async fn a_trusted_proxy_is_believed_about_the_client_and_https(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| {
            s.server.trusted_proxies = "127.0.0.1".to_owned();
            s.server.export_rate_per_hour = 1;
        })
        .await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();

        let (cookies, hsts) = sign_in(&app, &[("x-forwarded-proto", "https")]).await;
        assert!(all_secure(&cookies), "{cookies:?}");
        assert_eq!(hsts.as_deref(), Some("max-age=31536000; includeSubDomains"));
        let (cookies, hsts) = sign_in(&app, &[]).await;
        assert!(none_secure(&cookies), "the proxy says nothing: plain HTTP");
        assert_eq!(hsts, None);
        let (cookies, _) = sign_in(&app, &[("x-forwarded-proto", "http")]).await;
        assert!(none_secure(&cookies));

        // The proxy names the client: the right-most address it did not write is counted.
        assert_eq!(export_from(&app, "203.0.113.5").await.status(), 200);
        assert_eq!(export_from(&app, "203.0.113.5").await.status(), 429);
        assert_eq!(
            export_from(&app, "203.0.113.5, 203.0.113.6").await.status(),
            200,
            "another client behind the same proxy has its own count"
        );
    }
}

db_test! {
    async fn configured_secure_cookies_send_hsts_on_every_answer(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.server.secure_cookies = Some(true)).await;
        let health = app.get("/health").await;
        assert_eq!(hsts(&health).as_deref(), Some("max-age=31536000; includeSubDomains"));
        let missing = app.get("/api/v1/needs/999999").await;
        assert_eq!(missing.status(), 404);
        assert!(hsts(&missing).is_some(), "errors too");
    }
}
