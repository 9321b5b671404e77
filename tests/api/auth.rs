use reqwest::Method;
use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code, status_and_json};

const PASSWORD: &str = "correct horse battery";

async fn register(app: &TestApp, email: &str) -> (u16, serde_json::Value) {
    app.post_json(
        "/api/v1/auth/register",
        &json!({"email": email, "password": PASSWORD, "display_name": "王女士"}),
    )
    .await
}

/// Signs in without a cookie jar: the `Set-Cookie` of the session, and the JSON answer.
async fn raw_login(app: &TestApp, email: &str) -> (String, serde_json::Value) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("duijie_session="))
        .expect("a session cookie");
    (cookie, response.json().await.unwrap())
}

db_test! {
    async fn a_new_account_registers_signs_in_and_sees_itself(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, _) = register(&app, "Wang@Example.cn").await;
        assert_eq!(status, 202);
        let session = app.login("wang@example.cn", PASSWORD).await;
        let (status, me) = session.get("/api/v1/me").await;
        assert_eq!(status, 200);
        assert_eq!(me["email"], "wang@example.cn");
        assert_eq!(me["display_name"], "王女士");
        assert_eq!(me["roles"], json!([]));
    }
}

db_test! {
    async fn registering_a_taken_address_looks_the_same_and_creates_nothing(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let first = register(&app, "li@example.cn").await;
        let second = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": "li@example.cn", "password": "another password 2", "display_name": "冒名者"}),
            )
            .await;
        assert_eq!(first, second);
        // The first password still opens the account; the second never did.
        app.login("li@example.cn", PASSWORD).await;
        let (status, _) = app
            .post_json("/api/v1/auth/login", &json!({"login": "li@example.cn", "password": "another password 2"}))
            .await;
        assert_eq!(status, 401);
    }
}

db_test! {
    async fn registration_names_every_bad_field(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": "not-an-email", "mobile": "12345", "password": "short", "display_name": ""}),
            )
            .await;
        assert_eq!(status, 400);
        assert_error_code(&body, "validation_failed");
        for field in ["email", "mobile", "password", "display_name"] {
            assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
        }
    }
}

db_test! {
    async fn a_wrong_password_and_an_unknown_account_get_the_same_answer(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "zhao@example.cn").await;
        let wrong_password = app
            .post_json("/api/v1/auth/login", &json!({"login": "zhao@example.cn", "password": "wrong password!"}))
            .await;
        let unknown = app
            .post_json("/api/v1/auth/login", &json!({"login": "nobody@example.cn", "password": "wrong password!"}))
            .await;
        assert_eq!(wrong_password.0, 401);
        assert_error_code(&wrong_password.1, "invalid_credentials");
        assert_eq!(wrong_password, unknown);
    }
}

db_test! {
    async fn brute_force_sign_in_is_throttled_with_retry_after(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "sun@example.cn").await;
        for attempt in 1..=5 {
            let (status, _) = app
                .post_json("/api/v1/auth/login", &json!({"login": "sun@example.cn", "password": format!("guess {attempt}")}))
                .await;
            assert_eq!(status, 401, "attempt {attempt}");
        }
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "SUN@example.cn", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429, "even the right password waits");
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert_eq!(retry_after, 30);
        let (_, body) = status_and_json(response).await;
        assert_error_code(&body, "sign_in_delayed");
    }
}

db_test! {
    async fn a_successful_sign_in_clears_the_failed_attempts_before_it(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "he@example.cn").await;
        for round in 0..3 {
            for attempt in 0..4 {
                let (status, _) = app
                    .post_json("/api/v1/auth/login", &json!({"login": "he@example.cn", "password": format!("typo {round} {attempt}")}))
                    .await;
                assert_eq!(status, 401);
            }
            app.login("he@example.cn", PASSWORD).await;
        }
    }
}

db_test! {
    async fn the_session_cookie_is_http_only_and_same_site(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "zhou@example.cn").await;
        let (cookie, _) = raw_login(&app, "zhou@example.cn").await;
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP in the test");
    }
}

db_test! {
    async fn a_stolen_session_cookie_stops_working_after_logout(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "wu@example.cn").await;
        let (cookie, body) = raw_login(&app, "wu@example.cn").await;
        let stolen = cookie.split(';').next().unwrap().to_owned();
        let csrf = body["csrf_token"].as_str().unwrap();

        let thief = reqwest::Client::new();
        let as_thief = || thief.get(app.url("/api/v1/me")).header("cookie", &stolen).send();
        assert_eq!(as_thief().await.unwrap().status(), 200, "the cookie works before logout");

        let logout = thief
            .post(app.url("/api/v1/auth/logout"))
            .header("cookie", &stolen)
            .header("x-csrf-token", csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), 204);
        let (status, body) = status_and_json(as_thief().await.unwrap()).await;
        assert_eq!(status, 401);
        assert_error_code(&body, "unauthenticated");
    }
}

db_test! {
    async fn a_cookie_request_that_changes_state_needs_the_csrf_token(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "zheng@example.cn").await;
        let session = app.login("zheng@example.cn", PASSWORD).await;
        let (status, body) = status_and_json(
            session.client.post(app.url("/api/v1/auth/logout")).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 403);
        assert_error_code(&body, "csrf_token_invalid");
        let (status, body) = status_and_json(
            session.client.post(app.url("/api/v1/auth/logout")).header("x-csrf-token", "forged").send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 403, "{body}");
        let (status, _) = session.send(Method::POST, "/api/v1/auth/logout", None).await;
        assert_eq!(status, 204);
    }
}

db_test! {
    async fn an_api_token_works_without_cookies_until_revoked(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        register(&app, "qian@example.cn").await;
        let (status, created) = app
            .post_json("/api/v1/auth/tokens", &json!({"login": "qian@example.cn", "password": PASSWORD, "name": "ERP", "scope": "manage"}))
            .await;
        assert_eq!(status, 201, "{created}");
        let token = created["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("djt_"));
        let client = reqwest::Client::new();
        let me = || client.get(app.url("/api/v1/me")).bearer_auth(&token).send();
        assert_eq!(me().await.unwrap().status(), 200);

        let (_, list) = status_and_json(client.get(app.url("/api/v1/auth/tokens")).bearer_auth(&token).send().await.unwrap()).await;
        assert_eq!(list["items"][0]["name"], "ERP");
        assert!(!list.to_string().contains(&token[4..]), "the secret is never listed");

        let id = created["id"].as_i64().unwrap();
        let revoked = client
            .delete(app.url(&format!("/api/v1/auth/tokens/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 204, "bearer requests need no CSRF token");
        let (status, body) = status_and_json(me().await.unwrap()).await;
        assert_eq!(status, 401);
        assert_error_code(&body, "unauthenticated");
    }
}

db_test! {
    async fn the_demo_accounts_sign_in_with_the_documented_password(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let roles = cadre.user["roles"].as_array().unwrap();
        assert_eq!(roles.len(), 2);
        assert!(roles.iter().all(|r| r["role"] == "cadre"));
        let (status, _) = app.post_json("/api/v1/auth/login", &json!({"login": "cadre@demo.duijie.cn", "password": "demo-password-2023"})).await;
        assert_eq!(status, 401);
    }
}

db_test! {
    async fn an_expired_session_no_longer_signs_anyone_in(backend: Backend) {
        use duijie::store::entity::sessions;
        use sea_orm::{EntityTrait, sea_query::Expr};
        let app = TestApp::spawn(backend).await;
        register(&app, "feng@example.cn").await;
        let session = app.login("feng@example.cn", PASSWORD).await;
        assert_eq!(session.get("/api/v1/me").await.0, 200);
        let past = (duijie::clock::now() - chrono::Duration::minutes(1)).fixed_offset();
        sessions::Entity::update_many()
            .col_expr(sessions::Column::ExpiresAt, Expr::value(past))
            .exec(&app.db)
            .await
            .unwrap();
        let (status, body) = session.get("/api/v1/me").await;
        assert_eq!(status, 401);
        assert_error_code(&body, "unauthenticated");
    }
}
