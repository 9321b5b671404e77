//! A forgotten password, reset by mail over the real SMTP server: the same answer for any
//! address, a link that works once and for 30 minutes, every session and API token revoked, the
//! sign-in throttle lifted, the owner told, and the token nowhere but in the mail.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use duijie::store::entity::{audit_log, outbox, password_resets};
use duijie::store::outbox::Message;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code, status_and_json};
use crate::mail::{mail_to, plain};
use crate::smtp::{Received, SmtpServer};

const EMAIL: &str = "zhou@example.cn";
const OLD: &str = "old password 2024";
const NEW: &str = "a new password 2025";

async fn app_with_account(backend: crate::helpers::Backend, server: &SmtpServer) -> TestApp {
    let app = TestApp::spawn_with(backend, mail_to(server, 0)).await;
    let (status, _) = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": EMAIL, "password": OLD, "display_name": "周老师"}),
        )
        .await;
    assert_eq!(status, 202);
    app
}

async fn forgot(app: &TestApp, email: &str) -> (u16, serde_json::Value) {
    app.post_json("/api/v1/auth/password/forgot", &json!({ "email": email }))
        .await
}

async fn reset(app: &TestApp, token: &str, password: &str) -> (u16, serde_json::Value) {
    app.post_json(
        "/api/v1/auth/password/reset",
        &json!({"token": token, "password": password}),
    )
    .await
}

async fn login_status(app: &TestApp, password: &str) -> u16 {
    app.post_json(
        "/api/v1/auth/login",
        &json!({"login": EMAIL, "password": password}),
    )
    .await
    .0
}

/// The token in a reset mail's link.
fn token_in(mail: &Received) -> String {
    crate::helpers::link_token(mail, "/reset-password?token=")
}

/// Asks for a reset of [`EMAIL`] and returns the `n`th reset mail's token (1 for the first).
async fn ask_and_fish(app: &TestApp, server: &SmtpServer, n: usize) -> (Received, String) {
    let (status, _) = forgot(app, EMAIL).await;
    assert_eq!(status, 202);
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let mails: Vec<Received> = server
            .received()
            .into_iter()
            .filter(|m| m.kind() == "password_reset")
            .collect();
        if mails.len() >= n {
            let mail = mails[n - 1].clone();
            let token = token_in(&mail);
            return (mail, token);
        }
        assert!(Instant::now() < deadline, "no reset mail #{n} arrived");
        tokio::time::sleep(StdDuration::from_millis(25)).await;
    }
}

/// Waits until every mail row is settled.
async fn mail_settled(app: &TestApp) {
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Kind.is_in(Message::MAIL_KINDS))
            .all(&app.db)
            .await
            .unwrap();
        if rows
            .iter()
            .all(|r| r.processed_at.is_some() || r.failed_at.is_some())
        {
            assert!(rows.iter().all(|r| r.failed_at.is_none()), "{rows:?}");
            return;
        }
        assert!(Instant::now() < deadline, "mail rows pending: {rows:?}");
        tokio::time::sleep(StdDuration::from_millis(25)).await;
    }
}

db_test! {
    async fn asking_answers_the_same_for_any_address_and_mails_only_the_accounts_owner(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        let unknown = forgot(&app, "nobody@example.cn").await;
        let known = forgot(&app, "Zhou@Example.cn").await;
        assert_eq!(unknown.0, 202);
        assert_eq!(unknown, known, "nothing tells the two apart");

        let mail = server.wait_for("the reset mail", |m| m.kind() == "password_reset").await;
        mail_settled(&app).await;
        assert_eq!(mail.to, vec![EMAIL.to_owned()]);
        assert!(server.received().iter().all(|m| m.to == vec![EMAIL.to_owned()]), "no mail to the unknown address");
        assert_eq!(password_resets::Entity::find().all(&app.db).await.unwrap().len(), 1);

        let text = mail.text();
        assert!(text.contains("https://duijie.example/reset-password?token="), "{text}");
        assert!(text.contains("30 分钟") && text.contains("请忽略这封邮件"), "{text}");
        assert_eq!(token_in(&mail).len(), 64, "256 random bits");
        assert!(mail.header("List-Unsubscribe").is_none(), "security mail cannot be turned off");
        assert!(!text.contains("退订"));

        let (status, body) = forgot(&app, "not an address").await;
        assert_eq!(status, 400);
        assert_error_code(&body, "validation_failed");
    }
}

db_test! {
    async fn the_link_sets_a_new_password_once_and_signs_everyone_out(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        // Signed in in a browser, and with an API token.
        let browser = app.login(EMAIL, OLD).await;
        assert_eq!(browser.get("/api/v1/me").await.0, 200);
        let (status, created) = app
            .post_json("/api/v1/auth/tokens", &json!({"login": EMAIL, "password": OLD, "name": "ERP"}))
            .await;
        assert_eq!(status, 201);
        let api_token = created["token"].as_str().unwrap().to_owned();
        let with_token = || app.client.get(app.url("/api/v1/me")).bearer_auth(&api_token).send();
        assert_eq!(with_token().await.unwrap().status(), 200);

        let (_, token) = ask_and_fish(&app, &server, 1).await;
        let (status, body) = reset(&app, &token, "short").await;
        assert_eq!(status, 400, "the rules of registration: {body}");
        assert_eq!(body["error"]["fields"]["password"][0]["code"], "length");
        assert_eq!(body["error"]["fields"]["password"][0]["min"], 10);

        let response = app
            .client
            .post(app.url("/api/v1/auth/password/reset"))
            .json(&json!({"token": token, "password": NEW}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        let cleared: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(cleared.iter().any(|c| c.starts_with("duijie_session=;")), "{cleared:?}");

        // Not signed in by the reset: the old cookie and the token are dead, the new password works.
        let (status, body) = browser.get("/api/v1/me").await;
        assert_eq!(status, 401, "the old session is revoked");
        assert_error_code(&body, "unauthenticated");
        let (status, body) = status_and_json(with_token().await.unwrap()).await;
        assert_eq!(status, 401, "the API token is revoked");
        assert_error_code(&body, "unauthenticated");
        assert_eq!(login_status(&app, OLD).await, 401);
        assert_eq!(login_status(&app, NEW).await, 200);

        // Once only.
        let (status, body) = reset(&app, &token, "yet another password").await;
        assert_eq!(status, 422);
        assert_error_code(&body, "invalid_token");
        assert_eq!(login_status(&app, NEW).await, 200);

        // The owner is told, whatever their preferences.
        let notice = server.wait_for("the changed-password notice", |m| m.kind() == "password_changed").await;
        assert_eq!(notice.to, vec![EMAIL.to_owned()]);
        assert!(notice.text().contains("密码已通过邮件中的重置链接修改"), "{}", notice.text());
        assert!(notice.text().contains("https://duijie.example/forgot-password"));
        assert!(notice.header("List-Unsubscribe").is_none());
    }
}

db_test! {
    async fn unknown_used_and_expired_tokens_get_one_answer(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        let (_, first) = ask_and_fish(&app, &server, 1).await;
        let (_, second) = ask_and_fish(&app, &server, 2).await;
        assert_ne!(first, second);

        let (status, unknown) = reset(&app, &"ab".repeat(32), NEW).await;
        assert_eq!(status, 422);
        assert_error_code(&unknown, "invalid_token");
        let (status, empty) = reset(&app, "", NEW).await;
        assert_eq!(status, 422, "no token is an unknown one: {empty}");
        assert_error_code(&empty, "invalid_token");

        // 30 minutes on, the link is dead.
        app.clock.advance(Duration::minutes(30));
        let (status, expired) = reset(&app, &second, NEW).await;
        assert_eq!(status, 422);
        assert_eq!(expired, unknown, "an expired token reads as an unknown one");
        assert_eq!(login_status(&app, OLD).await, 200, "the password is unchanged");

        // A fresh link works, and retires the older ones: the first, though never used, is now
        // refused like the rest.
        app.clock.advance(Duration::minutes(-30));
        let (_, third) = ask_and_fish(&app, &server, 3).await;
        assert_eq!(reset(&app, &third, NEW).await.0, 204);
        let (status, used) = reset(&app, &first, "yet another password").await;
        assert_eq!(status, 422);
        assert_eq!(used, unknown, "a retired token reads as an unknown one");
        assert_eq!(login_status(&app, NEW).await, 200);
    }
}

db_test! {
    async fn a_reset_lifts_the_sign_in_throttle_of_the_account(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        for attempt in 1..=5 {
            assert_eq!(login_status(&app, &format!("guess {attempt}")).await, 401);
        }
        assert_eq!(login_status(&app, OLD).await, 429, "the account is throttled here");
        let (_, token) = ask_and_fish(&app, &server, 1).await;
        assert_eq!(reset(&app, &token, NEW).await.0, 204);
        assert_eq!(login_status(&app, NEW).await, 200, "its owner signs in at once");
    }
}

db_test! {
    async fn after_a_reset_the_owner_signs_in_from_a_clean_address_though_strangers_filled_the_hour(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let mail = mail_to(&server, 0);
        let app = TestApp::spawn_with(backend, |s| {
            mail(s);
            s.server.trusted_proxies = "127.0.0.1".to_owned();
        })
        .await;
        app.post_json("/api/v1/auth/register", &json!({"email": EMAIL, "password": OLD, "display_name": "周老师"}))
            .await;
        let from = |address: String, password: &str| {
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", address)
                .json(&json!({"login": EMAIL, "password": password}))
                .send()
        };
        // Strangers at 20 addresses use up the account's hour of failures.
        for n in 0..100 {
            let status = from(format!("192.0.2.{}", n / 5 + 1), "a stranger's guess").await.unwrap().status();
            assert_eq!(status, 401, "failure {n}");
        }
        let clean = || format!("203.0.113.{}", 50);
        let (status, body) = status_and_json(from(clean(), OLD).await.unwrap()).await;
        assert_eq!(status, 429, "the hour's ceiling holds even for the owner: {body}");
        assert_eq!(body["error"]["details"]["reason"], "account");

        let (_, token) = ask_and_fish(&app, &server, 1).await;
        assert_eq!(reset(&app, &token, NEW).await.0, 204);
        let status = from(clean(), NEW).await.unwrap().status();
        assert_eq!(status, 200, "its owner signs in at once after the reset");
    }
}

db_test! {
    async fn asking_too_often_for_one_address_is_refused_with_retry_after(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        for attempt in 1..=5 {
            assert_eq!(forgot(&app, "nobody@example.cn").await.0, 202, "attempt {attempt}");
        }
        let response = app
            .client
            .post(app.url("/api/v1/auth/password/forgot"))
            .json(&json!({"email": "NOBODY@example.cn"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&retry_after), "{retry_after}");
        let (_, body) = status_and_json(response).await;
        assert_error_code(&body, "rate_limited");
        assert_eq!(forgot(&app, EMAIL).await.0, 202, "another address is counted apart");
    }
}

db_test! {
    async fn the_token_is_kept_only_as_a_hash_and_never_in_the_audit_log_or_outbox(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        let (_, token) = ask_and_fish(&app, &server, 1).await;
        let row = password_resets::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.token_hash, duijie::crypto::token_hash(&token));
        let sealed = row.token_sealed.expect("sealed for the mail until used");
        assert!(!String::from_utf8_lossy(&sealed).contains(&token));
        assert_eq!(row.expires_at.to_utc(), row.created_at.to_utc() + Duration::minutes(30));

        assert_eq!(reset(&app, &token, NEW).await.0, 204);
        mail_settled(&app).await;
        let row = password_resets::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert!(row.used_at.is_some());
        assert!(row.token_sealed.is_none(), "the sealed copy is wiped once used");

        let audit = audit_log::Entity::find().all(&app.db).await.unwrap();
        let reset_entry = audit.iter().find(|e| e.action == "user.password_reset").expect("the reset is audited");
        assert_eq!(reset_entry.target_kind, "user");
        let detail = reset_entry.detail.clone().unwrap_or_default();
        assert!(detail.contains("\"sessions_revoked\""), "{detail}");
        assert!(audit.iter().any(|e| e.action == "user.password_reset_requested"));
        let everything = format!(
            "{audit:?}{:?}",
            outbox::Entity::find().all(&app.db).await.unwrap()
        );
        assert!(!everything.contains(&token), "the token is in neither the audit log nor the outbox");
    }
}

db_test! {
    async fn the_security_mail_cannot_be_turned_off_and_is_not_among_the_preferences(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_with_account(backend, &server).await;
        let session = app.login(EMAIL, OLD).await;
        let (_, settings) = session.get("/api/v1/me/notifications").await;
        let kinds: Vec<&str> = settings["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert!(!kinds.contains(&"password_reset") && !kinds.contains(&"password_changed"), "{kinds:?}");
        let (status, body) = session
            .patch("/api/v1/me/notifications", &json!({"email": {"password_changed": false}}))
            .await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["fields"]["email.password_changed"][0]["code"], "one_of");

        let (_, token) = ask_and_fish(&app, &server, 1).await;
        assert_eq!(reset(&app, &token, NEW).await.0, 204);
        server.wait_for("the changed-password notice", |m| m.kind() == "password_changed").await;
    }
}
