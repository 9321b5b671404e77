//! Sign-in throttling (a sliding window per account, growing delays per account and address),
//! the bounded password-hashing pool, session lifetimes and scoped, expiring API tokens (#16).

use chrono::Duration;
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::db_test;
use crate::helpers::{Backend, TestApp, assert_error_code, status_and_json};

const EMAIL: &str = "lin@example.cn";
const PASSWORD: &str = "correct horse battery";

/// An app that believes `X-Forwarded-For` from the tests (as from a proxy in front of it), so
/// that each test can sign in from addresses of its choosing, with one account.
async fn app_behind_proxy(
    backend: Backend,
    configure: impl FnOnce(&mut duijie::config::Settings),
) -> TestApp {
    let app = TestApp::spawn_with(backend, |s| {
        s.server.trusted_proxies = "127.0.0.1".to_owned();
        // The lifetimes of a deployment (the tests' own are long: see `test_settings`).
        s.server.sessions = duijie::config::Settings::default().server.sessions;
        configure(s);
    })
    .await;
    let (status, _) = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": EMAIL, "password": PASSWORD, "display_name": "林先生"}),
        )
        .await;
    assert_eq!(status, 202);
    app
}

/// Signs in as [`EMAIL`] from `address`: the status, `Retry-After` and the body.
async fn sign_in(
    app: &TestApp,
    address: &str,
    password: &str,
) -> (u16, Option<i64>, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"login": EMAIL, "password": password}))
        .send()
        .await
        .unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let (status, body) = status_and_json(response).await;
    (status, retry_after, body)
}

db_test! {
    async fn failures_from_one_address_wait_longer_each_time_and_a_success_clears_them(backend: Backend) {
        let app = app_behind_proxy(backend, |_| {}).await;
        let stranger = "198.51.100.7";
        for attempt in 1..=5 {
            assert_eq!(sign_in(&app, stranger, &format!("guess {attempt}")).await.0, 401, "attempt {attempt} is free");
        }
        // Each wait is answered at once, and doubles with each failure after it.
        for expected in [30, 60, 120, 240, 480, 900, 900] {
            let (status, retry_after, body) = sign_in(&app, stranger, PASSWORD).await;
            assert_eq!(status, 429, "even the right password waits: {body}");
            assert_eq!(retry_after, Some(expected));
            assert_error_code(&body, "sign_in_delayed");
            assert_eq!(body["error"]["details"]["reason"], "address");
            assert_eq!(body["error"]["details"]["wait_minutes"], (expected + 59) / 60, "the wait in whole minutes");
            assert!(body["error"]["message"].as_str().unwrap().contains("try again in"), "{body}");
            app.clock.advance(Duration::seconds(expected - 1));
            assert_eq!(sign_in(&app, stranger, "still guessing").await.0, 429, "not a second early");
            app.clock.advance(Duration::seconds(1));
            assert_eq!(sign_in(&app, stranger, "still guessing").await.0, 401);
        }

        // The owner, at another address, is not slowed by the stranger's failures.
        let owner = "203.0.113.20";
        assert_eq!(sign_in(&app, owner, PASSWORD).await.0, 200);

        // From the stranger's address, a success clears its failures: a few typos are free again.
        app.clock.advance(Duration::minutes(15));
        assert_eq!(sign_in(&app, stranger, PASSWORD).await.0, 200);
        for attempt in 1..=5 {
            assert_eq!(sign_in(&app, stranger, &format!("typo {attempt}")).await.0, 401);
        }
        assert_eq!(sign_in(&app, stranger, PASSWORD).await.0, 429);
    }
}

db_test! {
    async fn an_accounts_failures_age_out_of_its_hour_one_by_one(backend: Backend) {
        let app = app_behind_proxy(backend, |_| {}).await;
        let start = app.clock.now();
        // 100 failures, one a second, from 20 addresses (5 each: none of them is delayed).
        for n in 0..100 {
            let address = format!("192.0.2.{}", n / 5 + 1);
            assert_eq!(sign_in(&app, &address, &format!("guess {n}")).await.0, 401, "failure {n}");
            app.clock.advance(Duration::seconds(1));
        }
        // The ceiling holds everywhere, a clean address and the right password too.
        let clean = "203.0.113.99";
        let (status, retry_after, body) = sign_in(&app, clean, PASSWORD).await;
        assert_eq!(status, 429, "{body}");
        assert_error_code(&body, "sign_in_delayed");
        assert_eq!(body["error"]["details"]["reason"], "account");
        assert_eq!(retry_after, Some(3600 - 100), "until the first failure is an hour old");

        // An hour after the first failure, it no longer counts: room for one attempt.
        app.clock.set(start + Duration::hours(1));
        assert_eq!(sign_in(&app, clean, "one more guess").await.0, 401);
        let (status, retry_after, _) = sign_in(&app, clean, PASSWORD).await;
        assert_eq!((status, retry_after), (429, Some(1)), "the second failure ages out a second later");
        app.clock.advance(Duration::seconds(1));
        assert_eq!(sign_in(&app, clean, PASSWORD).await.0, 200);
    }
}

db_test! {
    async fn a_flood_of_sign_ins_is_turned_away_by_the_full_hashing_queue_while_other_requests_answer(backend: Backend) {
        let app = app_behind_proxy(backend, |s| {
            s.server.hash_workers = 1;
            s.server.hash_queue = 0;
        })
        .await;
        let flood = (0..40).map(|n| {
            let app = &app;
            async move { sign_in(app, &format!("192.0.2.{}", n + 1), "flooding").await }
        });
        let (answers, public) = tokio::join!(futures_util::future::join_all(flood), async {
            app.get_json("/api/v1/regions").await.0
        });
        assert_eq!(public, 200, "a public GET answers during the flood");
        let busy: Vec<_> = answers.iter().filter(|(status, _, _)| *status == 503).collect();
        assert!(!busy.is_empty(), "one worker and no queue turn some away: {:?}", answers.iter().map(|a| a.0).collect::<Vec<_>>());
        for (_, retry_after, body) in &busy {
            assert_eq!(*retry_after, Some(1));
            assert_error_code(body, "server_busy");
        }
        assert!(answers.iter().all(|(status, _, _)| [401, 503].contains(status)));
        // A refusal for want of a worker is no failure: the owner is not delayed by them.
        assert_eq!(sign_in(&app, "192.0.2.1", PASSWORD).await.0, 200);
    }
}

db_test! {
    async fn a_session_ends_when_idle_and_use_keeps_it_alive_until_its_absolute_end(backend: Backend) {
        let app = app_behind_proxy(backend, |_| {}).await;
        let start = app.clock.now();
        let session = app.login(EMAIL, PASSWORD).await;
        let (_, answer) = {
            let client = reqwest::Client::new();
            status_and_json(client.post(app.url("/api/v1/auth/login")).json(&json!({"login": EMAIL, "password": PASSWORD})).send().await.unwrap()).await
        };
        let expires: chrono::DateTime<chrono::Utc> = answer["expires_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(expires, start + Duration::days(7), "a donor's session lives 7 days at most");

        for _ in 0..3 {
            app.clock.advance(Duration::minutes(119));
            assert_eq!(session.get("/api/v1/me").await.0, 200, "used within two hours");
        }
        app.clock.advance(Duration::hours(2));
        let (status, body) = session.get("/api/v1/me").await;
        assert_eq!(status, 401, "two hours unused");
        assert_error_code(&body, "unauthenticated");
    }
}

db_test! {
    async fn a_verifiers_session_ends_twelve_hours_after_sign_in_however_busy(backend: Backend) {
        use duijie::domain::authz::Role;
        use duijie::store::accounts::{self, GrantScope};
        let app = app_behind_proxy(backend, |_| {}).await;
        let user = accounts::find_by_login(&app.db, EMAIL).await.unwrap().unwrap();
        accounts::grant_role(&app.db, user.id, Role::Verifier, GrantScope::Region("441426"), None, app.clock.now())
            .await
            .unwrap();
        let session = app.login(EMAIL, PASSWORD).await;
        for _ in 0..7 {
            app.clock.advance(Duration::minutes(100));
            assert_eq!(session.get("/api/v1/me").await.0, 200);
        }
        app.clock.advance(Duration::minutes(19));
        assert_eq!(session.get("/api/v1/me").await.0, 200, "11 h 59 min after sign-in");
        app.clock.advance(Duration::minutes(1));
        assert_eq!(session.get("/api/v1/me").await.0, 401, "12 h: used a minute ago, and still over");
    }
}

async fn new_token(
    app: &TestApp,
    login: &str,
    password: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut request = json!({"login": login, "password": password, "name": "ERP"});
    request
        .as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    app.post_json("/api/v1/auth/tokens", &request).await
}

async fn with_token(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_and_json(request.send().await.unwrap()).await
}

db_test! {
    async fn a_token_does_what_its_scope_allows_and_never_reveals_a_households_private_data(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = "cadre@demo.duijie.cn";
        let password = duijie::demo::DEMO_PASSWORD;
        let token = |scope: &'static str| {
            let app = &app;
            async move {
                let (status, created) = new_token(app, cadre, password, json!({"scope": scope})).await;
                assert_eq!(status, 201, "{created}");
                assert_eq!(created["scope"], scope);
                created["token"].as_str().unwrap().to_owned()
            }
        };
        let (read, pledge, manage) = (token("read").await, token("pledge").await, token("manage").await);
        let follow = json!({"target_kind": "region", "target": "4414"});

        assert_eq!(with_token(&app, &read, Method::GET, "/api/v1/me", None).await.0, 200);
        let (status, body) = with_token(&app, &read, Method::POST, "/api/v1/me/follows", Some(follow.clone())).await;
        assert_eq!(status, 403);
        assert_error_code(&body, "token_scope_insufficient");
        assert_eq!(body["error"]["details"]["required_scope"], "pledge");

        let (status, body) = with_token(&app, &pledge, Method::POST, "/api/v1/me/follows", Some(follow)).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = with_token(&app, &pledge, Method::PATCH, "/api/v1/me", Some(json!({"locale": "en"}))).await;
        assert_eq!(status, 403);
        assert_eq!(body["error"]["details"]["required_scope"], "manage");
        let (status, body) = with_token(&app, &manage, Method::PATCH, "/api/v1/me", Some(json!({"locale": "en"}))).await;
        assert_eq!(status, 200, "{body}");

        // The households list is masked for every caller; revealing takes a browser session.
        let (status, list) = with_token(&app, &manage, Method::GET, "/api/v1/households?village=441426100200", None).await;
        assert_eq!(status, 200, "{list}");
        let id = list["items"][0]["id"].as_i64().unwrap();
        let reveal = format!("/api/v1/households/{id}/private");
        let (status, body) = with_token(&app, &manage, Method::POST, &reveal, Some(json!({}))).await;
        assert_eq!(status, 403);
        assert_error_code(&body, "session_required");
        assert!(body.get("head_name").is_none());
        let session = app.login_demo("cadre").await;
        assert_eq!(session.post(&reveal, &json!({})).await.0, 200, "the same person in a browser");

        // The list shows each token's scope, expiry and last use.
        let (status, tokens) = session.get("/api/v1/auth/tokens").await;
        assert_eq!(status, 200);
        let tokens = tokens["items"].as_array().unwrap();
        assert_eq!(tokens.iter().map(|t| t["scope"].as_str().unwrap()).collect::<Vec<_>>(), ["read", "pledge", "manage"]);
        assert!(tokens.iter().all(|t| t["last_used_at"].is_string() && t["expires_at"].is_string()), "{tokens:?}");
    }
}

db_test! {
    async fn a_token_expires_when_its_owner_said_and_lives_a_year_at_most(backend: Backend) {
        let app = app_behind_proxy(backend, |_| {}).await;
        let start = app.clock.now();
        for days in [0, 366] {
            let (status, body) = new_token(&app, EMAIL, PASSWORD, json!({"expires_in_days": days})).await;
            assert_eq!(status, 400, "{days} days");
            assert_error_code(&body, "validation_failed");
            assert!(body["error"]["fields"]["expires_in_days"].is_array(), "{body}");
        }
        let (status, body) = new_token(&app, EMAIL, PASSWORD, json!({"scope": "everything"})).await;
        assert_eq!(status, 400, "{body}");

        let (_, default) = new_token(&app, EMAIL, PASSWORD, json!({})).await;
        assert_eq!(default["scope"], "read", "the least scope unless asked");
        let expires: chrono::DateTime<chrono::Utc> = default["expires_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(expires, start + Duration::days(90));

        let (status, short) = new_token(&app, EMAIL, PASSWORD, json!({"expires_in_days": 1})).await;
        assert_eq!(status, 201);
        let short = short["token"].as_str().unwrap();
        app.clock.advance(Duration::days(1) - Duration::seconds(1));
        assert_eq!(with_token(&app, short, Method::GET, "/api/v1/me", None).await.0, 200);
        app.clock.advance(Duration::seconds(1));
        let (status, body) = with_token(&app, short, Method::GET, "/api/v1/me", None).await;
        assert_eq!(status, 401);
        assert_error_code(&body, "unauthenticated");
        let long = default["token"].as_str().unwrap();
        assert_eq!(with_token(&app, long, Method::GET, "/api/v1/me", None).await.0, 200);
    }
}

db_test! {
    async fn a_bad_bearer_token_is_refused_with_401_on_public_and_signed_in_routes_alike(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let settings = app.state.settings.as_ref().clone();
        let sealer = std::sync::Arc::new(crate::helpers::test_sealer());
        duijie::demo::needs::seed(&app.db, &settings, sealer, 0).await.unwrap();
        let mut need = None;
        for id in duijie::store::entity::needs::Entity::find().all(&app.db).await.unwrap().iter().map(|n| n.id) {
            if app.get_json(&format!("/api/v1/needs/{id}")).await.0 == 200 {
                need = Some(id);
                break;
            }
        }
        let need = need.expect("a public need of the demo");
        let cadre = "cadre@demo.duijie.cn";
        let password = duijie::demo::DEMO_PASSWORD;

        let (_, expiring) = new_token(&app, cadre, password, json!({"expires_in_days": 1})).await;
        let expired = expiring["token"].as_str().unwrap().to_owned();
        let (_, revoking) = new_token(&app, cadre, password, json!({"scope": "manage"})).await;
        let revoked = revoking["token"].as_str().unwrap().to_owned();
        let revoke = format!("/api/v1/auth/tokens/{}", revoking["id"]);
        assert_eq!(with_token(&app, &revoked, Method::DELETE, &revoke, None).await.0, 204);
        app.clock.advance(Duration::days(1));

        let public = ["/api/v1/needs/search".to_owned(), format!("/api/v1/needs/{need}"), "/api/v1/stats".to_owned()];
        for path in public.iter().map(String::as_str).chain(["/api/v1/me"]) {
            for (what, header) in [
                ("garbage", "Bearer djt_not-a-token".to_owned()),
                ("expired", format!("Bearer {expired}")),
                ("revoked", format!("Bearer {revoked}")),
                ("not a bearer token", "Basic Y2FkcmU6cGFzc3dvcmQ=".to_owned()),
                ("empty", "Bearer ".to_owned()),
            ] {
                let response = reqwest::Client::new()
                    .get(app.url(path))
                    .header("authorization", header)
                    .send()
                    .await
                    .unwrap();
                let challenge = response.headers().get("www-authenticate").cloned();
                let (status, body) = status_and_json(response).await;
                assert_eq!(status, 401, "{what} token on {path}: {body}");
                assert_eq!(
                    challenge.as_ref().and_then(|v| v.to_str().ok()),
                    Some("Bearer realm=\"duijie\", error=\"invalid_token\""),
                    "RFC 6750 asks a 401 to say how to authenticate"
                );
                assert_error_code(&body, "unauthenticated");
            }
        }
        // Without a header, the public routes answer a visitor, and `/me` asks to sign in.
        for path in &public {
            let (status, body) = app.get_json(path).await;
            assert_eq!(status, 200, "{path}: {body}");
        }
        assert_eq!(app.get_json("/api/v1/me").await.0, 401);
        // A live token is served, public routes included.
        let (_, live) = new_token(&app, cadre, password, json!({})).await;
        let live = live["token"].as_str().unwrap();
        for path in public.iter().map(String::as_str).chain(["/api/v1/me"]) {
            assert_eq!(with_token(&app, live, Method::GET, path, None).await.0, 200, "{path}");
        }
    }
}

db_test! {
    async fn a_stale_session_cookie_on_a_public_route_is_served_as_a_visitor(backend: Backend) {
        let app = app_behind_proxy(backend, |_| {}).await;
        let session = app.login(EMAIL, PASSWORD).await;
        assert_eq!(session.get("/api/v1/me").await.0, 200);
        app.clock.advance(Duration::days(8));
        assert_eq!(session.get("/api/v1/me").await.0, 401, "the session has ended");
        for path in ["/api/v1/needs/search", "/api/v1/stats"] {
            let (status, body) = session.get(path).await;
            assert_eq!(status, 200, "the ended session's cookie on {path}: {body}");
        }
        // So is a cookie that never named a session.
        let response = reqwest::Client::new()
            .get(app.url("/api/v1/stats"))
            .header("cookie", "duijie_session=not-a-session")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}
