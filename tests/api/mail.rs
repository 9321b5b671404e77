//! Mail over real SMTP: the in-process server of `smtp.rs` receives what the outbox's mail drain
//! sends, through STARTTLS and AUTH, through outages and refusals, exactly once per recipient;
//! and the one-click unsubscribe, the preferences and the reminder before a pledge is due.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use duijie::config::Settings;
use duijie::demo::HOUSEHOLDS;
use duijie::store::entity::{mail_deliveries, outbox};
use duijie::store::outbox::Message;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db_test;
use crate::helpers::{Backend, TestApp, assert_error_code, test_sealer};
use crate::pledges::{pledge, published};
use crate::smtp::{Options, Received, SmtpServer};

const DONOR: &str = "donor@demo.duijie.cn";
const CADRE: &str = "cadre@demo.duijie.cn";

/// Points the application's mail at `server` (STARTTLS with its CA and AUTH when it has
/// them), with a notice period of `notice_days`.
pub(crate) fn mail_to(server: &SmtpServer, notice_days: u32) -> impl FnOnce(&mut Settings) + '_ {
    move |s: &mut Settings| {
        s.policy.notice_days = notice_days;
        s.server.public_url = Some("https://duijie.example".to_owned());
        let url = match &server.ca_file {
            // The password has a `/` in it, percent-encoded in the URL as it must be.
            Some(_) => format!("smtp://duijie:s3cr%2Fet@localhost:{}", server.port),
            None => format!("smtp://127.0.0.1:{}?tls=none", server.port),
        };
        s.mail.smtp_url = Some(url.into());
        s.mail.smtp_ca_file = server.ca_file.clone();
    }
}

fn tls_with_auth() -> Options {
    Options {
        tls: true,
        credentials: Some(("duijie".to_owned(), "s3cr/et".to_owned())),
    }
}

pub(crate) fn plain() -> Options {
    Options {
        tls: false,
        credentials: None,
    }
}

/// The application with the demo accounts, households and organisations; a verified need is
/// published at once.
async fn app_mailing(backend: Backend, server: &SmtpServer) -> TestApp {
    with_notice(backend, server, 0).await
}

async fn with_notice(backend: Backend, server: &SmtpServer, notice_days: u32) -> TestApp {
    let app = TestApp::spawn_with(backend, mail_to(server, notice_days)).await;
    duijie::demo::seed(&app.db, &test_sealer())
        .await
        .expect("seeding the demo accounts");
    app
}

/// The application of [`app_mailing`], with the demo's needs and pledges walked through their
/// stories (on the demo's notice period): mail of every kind.
async fn app_with_stories(backend: Backend, server: &SmtpServer) -> TestApp {
    let app = with_notice(backend, server, 3).await;
    seed_stories(&app).await;
    app
}

async fn seed_stories(app: &TestApp) {
    let settings = app.state.settings.as_ref().clone();
    let sealer = std::sync::Arc::new(test_sealer());
    duijie::demo::needs::seed(&app.db, &settings, sealer.clone(), 0)
        .await
        .unwrap();
    duijie::demo::pledges::seed(&app.db, &settings, sealer)
        .await
        .unwrap();
}

async fn mail_rows(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.is_in(Message::MAIL_KINDS))
        .all(&app.db)
        .await
        .unwrap()
}

/// Waits (up to 60 s) until no mail row is left to do, and returns the rows.
pub(crate) async fn settled(app: &TestApp) -> Vec<outbox::Model> {
    let deadline = Instant::now() + StdDuration::from_secs(60);
    loop {
        let rows = mail_rows(app).await;
        if rows
            .iter()
            .all(|r| r.processed_at.is_some() || r.failed_at.is_some())
        {
            return rows;
        }
        assert!(
            Instant::now() < deadline,
            "mail rows still pending: {rows:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

async fn deliveries(app: &TestApp) -> Vec<mail_deliveries::Model> {
    mail_deliveries::Entity::find().all(&app.db).await.unwrap()
}

/// Every private value of the demo households.
pub(crate) fn private_values() -> Vec<String> {
    HOUSEHOLDS
        .iter()
        .flat_map(|h| {
            [
                h.head_name.to_owned(),
                h.id_card().expose().to_owned(),
                h.phone.to_owned(),
                h.address.to_owned(),
            ]
        })
        .collect()
}

/// Each Message-ID received, with how often.
fn counts(received: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in received {
        *counts.entry(message.message_id()).or_default() += 1;
    }
    counts
}

/// The token of a message's one-click unsubscribe link.
fn unsubscribe_token(message: &Received) -> String {
    let header = message
        .header("List-Unsubscribe")
        .expect("List-Unsubscribe");
    let url = header.trim_matches(['<', '>']);
    url.split("token=").nth(1).expect("a token").to_owned()
}

db_test! {
    async fn the_demos_stories_mail_every_recipient_once_over_starttls_with_auth(backend: Backend) {
        let server = SmtpServer::start_new(tls_with_auth());
        let app = app_with_stories(backend, &server).await;
        let rows = settled(&app).await;
        assert!(rows.iter().all(|r| r.failed_at.is_none()), "no row failed: {rows:?}");

        let received = server.received();
        let sent: BTreeSet<String> = deliveries(&app)
            .await
            .into_iter()
            .filter(|d| d.status.as_str() == "sent")
            .map(|d| d.message_id.trim_matches(['<', '>']).to_owned())
            .collect();
        let counts = counts(&received);
        assert!(counts.values().all(|&n| n == 1), "each message once: {counts:?}");
        assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), sent, "what arrived is what is recorded as sent");

        for message in &received {
            assert_eq!(message.user.as_deref(), Some("duijie"), "signed in with AUTH (offered only under STARTTLS)");
            assert_eq!(message.from, "noreply@duijie.localhost");
            assert_eq!(message.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
            let unsubscribe = message.header("List-Unsubscribe").unwrap();
            assert!(unsubscribe.starts_with("<https://duijie.example/unsubscribe?token="), "{unsubscribe}");
            assert!(message.message_id().ends_with(&format!(".{}@duijie.localhost", message.kind())));
            assert!(message.html().contains("href=\"https://duijie.example/"), "links lead back to the pages");
        }

        let kinds: BTreeMap<String, BTreeSet<String>> = received.iter().fold(BTreeMap::new(), |mut kinds, m| {
            kinds.entry(m.kind()).or_default().extend(m.to.iter().cloned());
            kinds
        });
        for kind in ["pledge_received", "pledge_shipped", "need_verified", "need_rejected"] {
            let to = &kinds[kind];
            assert!(to.iter().all(|a| a.starts_with("cadre")), "{kind} goes to the village's cadres: {to:?}");
        }
        for kind in ["pledge_confirmation", "receipt_confirmed", "pledge_thanked", "pledge_expired"] {
            let to = &kinds[kind];
            assert!(to.iter().all(|a| a == DONOR || a == "enterprise@demo.duijie.cn"), "{kind} goes to the donor: {to:?}");
        }
        let objection = &kinds["objection_filed"];
        assert!(!objection.is_empty() && objection.iter().all(|a| a.starts_with("verifier")), "{objection:?}");

        // The donors' mail says nothing of the households it helps but what the public sees.
        let private = private_values();
        for message in received.iter().filter(|m| !m.to.iter().any(|a| a.starts_with("cadre") || a.starts_with("verifier"))) {
            let everything = format!("{}\n{}\n{}", message.subject(), message.text(), message.html());
            for value in &private {
                assert!(!everything.contains(value.as_str()), "a donor's mail leaks `{value}`");
            }
        }

        // The thanks comes with the receipt photo, inline.
        let thanks = received.iter().find(|m| m.kind() == "pledge_thanked").unwrap();
        let parsed = thanks.parsed();
        use mail_parser::MimeHeaders;
        let photo = parsed
            .attachments()
            .find(|p| p.content_type().is_some_and(|c| c.ctype() == "image" && c.subtype() == Some("jpeg")))
            .expect("an inline JPEG");
        assert_eq!(&photo.contents()[..2], &[0xFF, 0xD8], "a JPEG");
        let cid = photo.content_id().expect("a Content-ID");
        assert!(thanks.html().contains(&format!("cid:{cid}")), "the HTML shows it");
    }
}

db_test! {
    async fn mail_waits_out_a_server_that_is_down_then_refusing_and_arrives_exactly_once(backend: Backend) {
        let server = SmtpServer::reserve(plain());
        let app = app_with_stories(backend, &server).await;

        // Down: nothing listens, every attempt is refused and the rows wait.
        let deadline = Instant::now() + StdDuration::from_secs(30);
        loop {
            let rows = mail_rows(&app).await;
            // The first row of a pass finds the server away; the rest of the batch is handed
            // back untried, without counting an attempt.
            if !rows.is_empty()
                && rows.iter().all(|r| r.last_error.is_some())
                && rows.iter().any(|r| r.attempts >= 2)
            {
                assert!(rows.iter().all(|r| r.processed_at.is_none() && r.failed_at.is_none()));
                break;
            }
            assert!(Instant::now() < deadline, "rows were not retried: {rows:?}");
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        // Nothing delivered or refused; at most a claim of the attempt in flight.
        assert!(deliveries(&app).await.iter().all(|d| d.status.as_str() == "sending"));

        // Up, but answering "try again later" (451).
        server.set_try_later(true);
        server.start();
        let deadline = Instant::now() + StdDuration::from_secs(30);
        loop {
            let rows = mail_rows(&app).await;
            if rows.iter().any(|r| r.last_error.as_deref().is_some_and(|e| e.contains("451"))) {
                break;
            }
            assert!(Instant::now() < deadline, "no 451 seen: {rows:?}");
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        assert!(server.received().is_empty());

        // Up for real: everything arrives, once.
        server.set_try_later(false);
        let rows = settled(&app).await;
        assert!(rows.iter().all(|r| r.processed_at.is_some()), "{rows:?}");
        let received = server.received();
        let counts = counts(&received);
        assert!(counts.values().all(|&n| n == 1), "each message once: {counts:?}");
        let sent = deliveries(&app).await.into_iter().filter(|d| d.status.as_str() == "sent").count();
        assert!(sent > 10, "the demo sends plenty: {sent}");
        assert_eq!(received.len(), sent);

        // A row that is taken again (its lease ran out, a worker died) sends nothing twice.
        let redo: Vec<i64> = rows.iter().map(|r| r.id).collect();
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ProcessedAt, sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<chrono::FixedOffset>>::None))
            .filter(outbox::Column::Id.is_in(redo))
            .exec(&app.db)
            .await
            .unwrap();
        settled(&app).await;
        assert_eq!(server.received().len(), sent, "a retried row skips who already has their mail");
    }
}

db_test! {
    async fn a_mailbox_refused_for_good_is_recorded_failed_and_not_tried_again(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        server.refuse(DONOR);
        let app = app_with_stories(backend, &server).await;
        let rows = settled(&app).await;
        assert!(rows.iter().all(|r| r.processed_at.is_some()), "the rows are done: {rows:?}");
        let failed: Vec<_> = deliveries(&app)
            .await
            .into_iter()
            .filter(|d| d.status.as_str() == "failed")
            .collect();
        assert!(!failed.is_empty());
        assert!(failed.iter().all(|d| d.detail.as_deref().is_some_and(|e| e.contains("550"))), "{failed:?}");
        assert_eq!(server.rcpt_attempts(DONOR) as usize, failed.len(), "each refused once, never again");
        assert!(server.received().iter().all(|m| !m.to.contains(&DONOR.to_owned())));
        assert!(server.received().iter().any(|m| m.to.contains(&CADRE.to_owned())), "others still get theirs");
    }
}

db_test! {
    async fn one_click_unsubscribes_from_that_kind_of_mail_and_no_other(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, first) = pledge(&donor, need, 2).await;
        assert_eq!(status, 201, "{first}");
        let confirmation = server
            .wait_for("a pledge confirmation", |m| m.kind() == "pledge_confirmation" && m.to == [DONOR])
            .await;
        assert!(confirmation.text().contains("2 套"), "{}", confirmation.text());
        let token = unsubscribe_token(&confirmation);

        // Following the link only asks.
        let page = app.get(&format!("/unsubscribe?token={token}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("<form method=\"post\""), "{html}");
        let (_, settings) = donor.get("/api/v1/me/notifications").await;
        let on = |settings: &serde_json::Value, kind: &str| {
            settings["notifications"].as_array().unwrap().iter().find(|n| n["kind"] == kind).unwrap()["email"].clone()
        };
        assert_eq!(on(&settings, "pledge_confirmation"), true);

        // A forged or altered token changes nothing.
        let forged = token.replacen("pledge_confirmation", "pledge_thanked", 1);
        let response = app.client.post(app.url(&format!("/unsubscribe?token={forged}"))).send().await.unwrap();
        assert_eq!(response.status(), 400);

        // The one-click POST of RFC 8058, as a mail client sends it.
        let response = app
            .client
            .post(app.url(&format!("/unsubscribe?token={token}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let (_, settings) = donor.get("/api/v1/me/notifications").await;
        assert_eq!(on(&settings, "pledge_confirmation"), false);
        assert_eq!(on(&settings, "pledge_thanked"), true);

        let (status, second) = pledge(&donor, need, 3).await;
        assert_eq!(status, 201, "{second}");
        let second_id = second["id"].as_i64().unwrap();
        server
            .wait_for("the village's mail of the second pledge", |m| {
                m.kind() == "pledge_received" && m.html().contains(&format!("/pledges/{second_id}"))
            })
            .await;
        settled(&app).await;
        let confirmations = server.received().iter().filter(|m| m.kind() == "pledge_confirmation").count();
        assert_eq!(confirmations, 1, "no confirmation of the second pledge");
        let skipped = deliveries(&app).await.into_iter().filter(|d| d.status.as_str() == "skipped").count();
        assert_eq!(skipped, 1, "recorded as skipped");
    }
}

db_test! {
    async fn preferences_name_an_unknown_kind_and_the_chosen_language_writes_the_mail(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = donor
            .patch("/api/v1/me/notifications", &json!({"email": {"pledge_thanked": false, "pledge_thankz": false}}))
            .await;
        assert_eq!(status, 400);
        assert_error_code(&body, "validation_failed");
        assert!(body["error"]["fields"]["email.pledge_thankz"].is_array(), "{body}");
        let (_, settings) = donor.get("/api/v1/me/notifications").await;
        assert!(settings["notifications"].as_array().unwrap().iter().all(|n| n["email"] == true), "nothing changed");
        assert_eq!(settings["notifications"].as_array().unwrap().len(), 20, "every kind, the offers', the follows', the orders' and the take-down's included");

        let (status, body) = donor.patch("/api/v1/me", &json!({"locale": "fr"})).await;
        assert_eq!(status, 400);
        assert!(body["error"]["fields"]["locale"].is_array(), "{body}");
        let (status, me) = donor.patch("/api/v1/me", &json!({"locale": "en"})).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["locale"], "en");
        let (_, settings) = donor.get("/api/v1/me/notifications").await;
        assert_eq!(settings["locale"], "en");
        assert_eq!(settings["notifications"][0]["label"], "New pledge for your need");

        let need = published(&app, 10, 1).await;
        let (status, _) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201);
        let english = server.wait_for("the confirmation", |m| m.kind() == "pledge_confirmation").await;
        assert!(english.subject().starts_with("[Duijie] Pledge confirmed: 1 set"), "{}", english.subject());
        assert!(english.text().starts_with("Dear "), "{}", english.text());
        assert_eq!(english.header("Content-Language").as_deref(), Some("en"));
        let chinese = server.wait_for("the village's mail", |m| m.kind() == "pledge_received").await;
        assert!(chinese.subject().starts_with("【对接】"), "the cadre reads Chinese: {}", chinese.subject());
    }
}

db_test! {
    async fn a_donor_is_reminded_once_before_the_due_date_and_told_when_the_pledge_expires(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, made) = pledge(&donor, need, 4).await;
        assert_eq!(status, 201, "{made}");
        let due: chrono::DateTime<chrono::Utc> = made["due_at"].as_str().unwrap().parse().unwrap();

        app.clock.set(due - Duration::days(4));
        assert_eq!(app.tick().await.pledges_reminded, 0, "not yet: reminders come 3 days before");
        app.clock.set(due - Duration::days(2));
        assert_eq!(app.tick().await.pledges_reminded, 1);
        assert_eq!(app.tick().await.pledges_reminded, 0, "once");
        let reminder = server.wait_for("the reminder", |m| m.kind() == "pledge_expiring").await;
        assert_eq!(reminder.to, [DONOR]);
        assert!(reminder.subject().contains("即将到期"), "{}", reminder.subject());

        app.clock.set(due + Duration::minutes(1));
        assert_eq!(app.tick().await.pledges_expired, 1);
        let expired = server.wait_for("the expiry", |m| m.kind() == "pledge_expired").await;
        assert!(expired.text().contains("4 套"), "{}", expired.text());
        settled(&app).await;
        assert_eq!(server.received().iter().filter(|m| m.kind() == "pledge_expiring").count(), 1);
    }
}

db_test! {
    async fn verifying_an_organisation_mails_its_administrators(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let donor = app.login_demo("donor").await;
        let (status, created) = donor
            .post("/api/v1/organisations", &json!({"kind": "enterprise", "name": "平远脐橙合作社", "credit_code": "91330100799655058B", "region_code": "441426"}))
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let admin = app.login_demo("admin").await;
        let (status, _) = admin.post(&format!("/api/v1/organisations/{id}/verify"), &json!({})).await;
        assert_eq!(status, 200);
        let mail = server.wait_for("the verification", |m| m.kind() == "organisation_verified").await;
        assert_eq!(mail.to, [DONOR]);
        assert!(mail.subject().contains("平远脐橙合作社"));
        assert!(mail.html().contains(&format!("https://duijie.example/organisations/{id}")));
    }
}

db_test! {
    async fn without_an_smtp_server_mail_is_written_to_files_under_the_data_directory(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.policy.notice_days = 0).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, made) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201);
        settled(&app).await;
        let dir = app.state.settings.data_dir.join("mail");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        let confirmation = files
            .iter()
            .find(|p| p.file_name().unwrap().to_string_lossy().contains(".pledge_confirmation@"))
            .unwrap_or_else(|| panic!("no confirmation among {files:?}"));
        let raw = std::fs::read(confirmation).unwrap();
        let message = Received { from: String::new(), to: Vec::new(), raw, user: None };
        assert!(message.subject().contains("认捐确认"), "{}", message.subject());
        assert!(message.text().contains(&format!("/pledges/{}", made["id"])), "{}", message.text());
        assert!(message.header("List-Unsubscribe").is_some());
        assert!(files.iter().all(|p| p.extension().is_some_and(|e| e == "eml")), "no partial files left");
    }
}

db_test! {
    async fn a_server_that_refuses_our_credentials_holds_the_mail_back_rather_than_dropping_it(backend: Backend) {
        let server = SmtpServer::start_new(tls_with_auth());
        let app = TestApp::spawn_with(backend, |s| {
            mail_to(&server, 0)(s);
            s.mail.smtp_url = Some(format!("smtp://duijie:wrong@localhost:{}", server.port).into());
        })
        .await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, _) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201);
        let deadline = Instant::now() + StdDuration::from_secs(30);
        loop {
            let rows = mail_rows(&app).await;
            let refused = rows.iter().filter(|r| r.last_error.as_deref().is_some_and(|e| e.contains("535"))).count();
            if refused > 0 && rows.iter().all(|r| r.attempts >= 2 || r.last_error.is_some()) {
                assert!(rows.iter().all(|r| r.processed_at.is_none() && r.failed_at.is_none()), "{rows:?}");
                break;
            }
            assert!(Instant::now() < deadline, "no 535 seen: {rows:?}");
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        assert!(
            deliveries(&app).await.iter().all(|d| d.status.as_str() == "sending"),
            "nothing recorded as failed (at most the claim of the attempt in flight)"
        );
        assert!(server.received().is_empty());
    }
}

db_test! {
    async fn a_message_another_worker_is_sending_is_left_to_it_and_a_dead_workers_claim_is_taken_over(backend: Backend) {
        let server = SmtpServer::reserve(plain());
        let app = app_mailing(backend, &server).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, _) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201);
        let row = mail_rows(&app)
            .await
            .into_iter()
            .find(|r| r.kind == "mail_pledge_confirmation")
            .expect("the confirmation's row");
        let donor_id = donor.user["id"].as_i64().unwrap();
        let message_id = format!("<{}.{donor_id}.pledge_confirmation@duijie.localhost>", row.id);
        // Another worker's claim, fresh: it is sending this very message.
        use sea_orm::{ActiveModelTrait, Set};
        mail_deliveries::ActiveModel {
            outbox_id: Set(row.id),
            user_id: Set(donor_id),
            kind: Set(duijie::domain::notification::NotificationKind::PledgeConfirmation),
            message_id: Set(message_id.clone()),
            status: Set(duijie::domain::notification::DeliveryStatus::Sending),
            detail: Set(None),
            created_at: Set(chrono::Utc::now().fixed_offset()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        server.start();
        server.wait_for("the village's mail", |m| m.kind() == "pledge_received").await;
        let deadline = Instant::now() + StdDuration::from_secs(30);
        loop {
            let row = outbox::Entity::find_by_id(row.id).one(&app.db).await.unwrap().unwrap();
            if row.last_error.as_deref().is_some_and(|e| e.contains("another worker")) {
                assert!(row.processed_at.is_none());
                break;
            }
            assert!(Instant::now() < deadline, "the row was not left: {row:?}");
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        assert!(server.received().iter().all(|m| m.kind() != "pledge_confirmation"), "not sent twice");

        // That worker died: once its claim is stale, this one sends the message, once.
        mail_deliveries::Entity::update_many()
            .col_expr(
                mail_deliveries::Column::CreatedAt,
                sea_orm::sea_query::Expr::value((chrono::Utc::now() - Duration::minutes(11)).fixed_offset()),
            )
            .filter(mail_deliveries::Column::MessageId.eq(message_id.clone()))
            .exec(&app.db)
            .await
            .unwrap();
        server.wait_for("the confirmation", |m| m.kind() == "pledge_confirmation").await;
        settled(&app).await;
        assert_eq!(server.received().iter().filter(|m| m.kind() == "pledge_confirmation").count(), 1);
        let delivery = mail_deliveries::Entity::find()
            .filter(mail_deliveries::Column::MessageId.eq(message_id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(delivery.status.as_str(), "sent");
    }
}

db_test! {
    async fn a_request_for_an_offer_mails_the_offerer_and_its_answer_the_cadre_once_each(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let need = crate::pledges::published(&app, 40, 1).await;
        let enterprise = app.login_demo("enterprise").await;
        let cadre = app.login_demo("cadre").await;
        let org = enterprise.organisation_id().await;
        let valid_until = (app.clock.now() + chrono::Duration::days(60)).date_naive();
        let (status, offer) = enterprise
            .post("/api/v1/offers", &json!({"kind": "goods", "unit": "set", "category": "education", "org_id": org, "title": "捐赠学生课桌椅", "description": "企业捐赠一批全新学生课桌椅。", "quantity": 30, "valid_until": valid_until}))
            .await;
        assert_eq!(status, 201, "{offer}");
        let offer = offer["id"].as_i64().unwrap();
        enterprise.post(&format!("/api/v1/offers/{offer}/publish"), &json!({})).await;
        // Published, it is brought to the cadres of the villages it could help, with their needs.
        let brought = server.wait_for("the offer", |m| m.kind() == "offer_for_your_needs").await;
        assert_eq!(brought.to, [CADRE]);
        assert!(brought.subject().contains("捐赠学生课桌椅"), "{}", brought.subject());
        assert!(brought.text().contains("村小学课桌椅"), "{}", brought.text());
        assert!(brought.html().contains(&format!("https://duijie.example/offers/{offer}")));
        let (status, request) = cadre
            .post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 12, "note": "秋季开学前需要"}))
            .await;
        assert_eq!(status, 201, "{request}");
        let asked = server.wait_for("the request", |m| m.kind() == "offer_requested").await;
        assert_eq!(asked.to, ["enterprise@demo.duijie.cn"]);
        assert!(asked.subject().contains("捐赠学生课桌椅"), "{}", asked.subject());
        assert!(asked.text().contains("秋季开学前需要"));
        assert!(asked.html().contains(&format!("https://duijie.example/offers/{offer}")));

        let (status, pledge) = enterprise
            .post(&format!("/api/v1/offer-requests/{}/accept", request["id"]), &json!({}))
            .await;
        assert_eq!(status, 201, "{pledge}");
        let answered = server.wait_for("the answer", |m| m.kind() == "offer_request_answered").await;
        assert_eq!(answered.to, [CADRE]);
        assert!(answered.text().contains("12 套"), "{}", answered.text());
        assert!(answered.html().contains(&format!("https://duijie.example/pledges/{}", pledge["id"])));
        // The pledge's own mail goes out as for any pledge; each mail once.
        server.wait_for("the pledge's confirmation", |m| m.kind() == "pledge_confirmation").await;
        let rows_settled = settled(&app).await;
        assert!(rows_settled.iter().all(|r| r.failed_at.is_none()), "{rows_settled:?}");
        let received = server.received();
        assert!(counts(&received).values().all(|n| *n == 1), "each message once");
        for kind in ["offer_requested", "offer_request_answered"] {
            assert_eq!(received.iter().filter(|m| m.kind() == kind).count(), 1, "{kind}");
        }
    }
}

/// An education need of the demo cadre's village, submitted and verified (published at once,
/// with no notice period); returns its id.
async fn education_need(app: &TestApp, title: &str) -> i64 {
    let cadre = app.login_demo("cadre").await;
    let verifier = app.login_demo("verifier").await;
    let (status, need) = cadre
        .post(
            "/api/v1/needs",
            &json!({
                "beneficiary": "village", "village_code": "441426100200", "category": "education",
                "title": title, "description": "村小学需要新课桌椅，秋季开学前到位。", "unit": "set",
                "target_quantity": 20, "unit_value_fen": 30_000,
                "deadline": (app.clock.now() + chrono::Duration::days(60)).to_rfc3339(),
            }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let id = need["id"].as_i64().unwrap();
    crate::pledges::submit_and_verify(&cadre, &verifier, id).await;
    id
}

db_test! {
    async fn a_follower_hears_of_a_new_need_once_at_once_or_in_the_next_days_digest(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let donor = app.login_demo("donor").await;
        // Two follows the need falls inside: one mail all the same.
        for (kind, target) in [("region", "4414"), ("category", "education")] {
            let (status, body) = donor
                .post("/api/v1/me/follows", &json!({"target_kind": kind, "target": target}))
                .await;
            assert_eq!(status, 201, "{body}");
        }
        let coordinator = app.login_demo("coordinator").await;
        let (_, pairings) = app.get_json("/api/v1/pairings").await;
        let guangzhou = pairings["items"].as_array().unwrap().iter().find(|p| p["program"] == "duikou" && p["targets"].to_string().contains("4414")).unwrap()["id"].as_i64().unwrap();
        let (status, daily) = coordinator
            .post("/api/v1/me/follows", &json!({"target_kind": "pairing", "target": guangzhou.to_string(), "mode": "daily"}))
            .await;
        assert_eq!(status, 201, "{daily}");

        let need = education_need(&app, "墩背村小学新课桌椅").await;
        let alert = server.wait_for("the alert", |m| m.kind() == "need_alert" && m.to == [DONOR]).await;
        assert!(alert.subject().contains("墩背村小学新课桌椅"), "{}", alert.subject());
        assert!(alert.text().contains("广东省梅州市"), "through the first follow: {}", alert.text());
        assert!(alert.html().contains(&format!("https://duijie.example/needs/{need}")));
        settled(&app).await;
        let to_donor = server.received().iter().filter(|m| m.kind() == "need_alert" && m.to == [DONOR]).count();
        assert_eq!(to_donor, 1, "once per person and need");
        assert!(!server.received().iter().any(|m| m.to == ["coordinator@demo.duijie.cn"]), "the digest waits");

        // The next day's tick sends the coordinator's digest, once.
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(app.tick().await.digests, 1);
        assert_eq!(app.tick().await.digests, 0);
        let digest = server.wait_for("the digest", |m| m.kind() == "alert_digest").await;
        assert_eq!(digest.to, ["coordinator@demo.duijie.cn"]);
        assert!(digest.text().contains("墩背村小学新课桌椅"), "{}", digest.text());

        // The alert's one-click link leaves that follow, and only it.
        let token = unsubscribe_token(&alert);
        let page = app.get(&format!("/unsubscribe?token={token}")).await;
        assert!(page.text().await.unwrap().contains("取消关注"));
        let response = app.client.post(app.url(&format!("/unsubscribe?token={token}"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let (_, follows) = donor.get("/api/v1/me/follows").await;
        let left: Vec<&str> = follows["items"].as_array().unwrap().iter().map(|f| f["target_kind"].as_str().unwrap()).collect();
        assert_eq!(left, ["category"], "the region follow is gone");
        let (_, settings) = donor.get("/api/v1/me/notifications").await;
        assert!(settings["notifications"].as_array().unwrap().iter().all(|n| n["email"] == true), "no kind of mail was turned off");
        let deleted = app.client.post(app.url(&format!("/unsubscribe?token={token}"))).send().await.unwrap();
        assert_eq!(deleted.status(), 400, "a follow already left");
    }
}

db_test! {
    async fn an_organisation_with_a_fitting_offer_hears_of_a_new_need(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = app_mailing(backend, &server).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let valid_until = (app.clock.now() + chrono::Duration::days(60)).date_naive();
        let (status, offer) = enterprise
            .post("/api/v1/offers", &json!({"kind": "goods", "unit": "set", "category": "education", "org_id": org, "title": "捐赠学生课桌椅", "description": "企业捐赠一批全新学生课桌椅。", "quantity": 30, "valid_until": valid_until}))
            .await;
        assert_eq!(status, 201, "{offer}");
        enterprise.post(&format!("/api/v1/offers/{}/publish", offer["id"]), &json!({})).await;
        let need = education_need(&app, "杞园村小学课桌椅").await;
        let alert = server.wait_for("the alert", |m| m.kind() == "need_alert").await;
        assert_eq!(alert.to, ["enterprise@demo.duijie.cn"]);
        assert!(alert.text().contains("帮扶资源"), "{}", alert.text());
        assert!(alert.html().contains(&format!("https://duijie.example/needs/{need}")));
    }
}
