//! Pledges over HTTP: the never-over-pledged invariant under concurrency, idempotent retries,
//! the lifecycle to the doorstep (ship, photo, partial receipt, thanks), expiry on a moved
//! clock, and who may do what.

use chrono::Duration;
use duijie::media::samples;
use duijie::store::entity::{need_events, needs, outbox, pledges};
use image::ImageFormat;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json, test_sealer};

const VILLAGE: &str = "441426100200";

/// An application with the demo accounts and no notice period, so that a verified need is
/// published at once.
pub(crate) async fn app(backend: crate::helpers::Backend) -> TestApp {
    app_with(backend, |_| {}).await
}

/// As [`app`], with other settings changed by `configure`.
pub(crate) async fn app_with(
    backend: crate::helpers::Backend,
    configure: impl FnOnce(&mut duijie::config::Settings),
) -> TestApp {
    let app = TestApp::spawn_with(backend, |s| {
        s.policy.notice_days = 0;
        configure(s);
    })
    .await;
    duijie::demo::seed(&app.db, &test_sealer())
        .await
        .expect("seeding the demo accounts");
    app
}

/// The caps on one account (open pledges and orders, a person's share, the hourly rates) out
/// of the way: for the tests of an invariant under a rush from one or two accounts, which
/// would otherwise test the caps instead (they have tests of their own, in `abuse.rs`).
pub(crate) fn uncapped(s: &mut duijie::config::Settings) {
    s.policy.pledge_max_open = 1000;
    s.policy.pledge_max_share_percent = 100;
    s.policy.pledge_rate_per_hour = 10_000;
    s.policy.order_max_open = 1000;
    s.policy.order_max_share_percent = 100;
    s.policy.order_rate_per_hour = 10_000;
}

/// Publishes a village need for `target` desk sets and returns its id.
pub(crate) async fn published(app: &TestApp, target: i64, min: i64) -> i64 {
    published_titled(app, "村小学课桌椅", target, min).await
}

/// Publishes a village need called `title` for `target` sets of education and returns its id.
pub(crate) async fn published_titled(app: &TestApp, title: &str, target: i64, min: i64) -> i64 {
    let cadre = app.login_demo("cadre").await;
    let verifier = app.login_demo("verifier").await;
    let (status, need) = cadre
        .post(
            "/api/v1/needs",
            &json!({
                "beneficiary": "village",
                "village_code": VILLAGE,
                "category": "education",
                "title": title,
                "description": "村小学需要新课桌椅，秋季开学前到位。",
                "unit": "set",
                "target_quantity": target,
                "unit_value_fen": 30_000,
                "min_pledge_quantity": min,
                "deadline": (app.clock.now() + Duration::days(60)).to_rfc3339(),
            }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let id = need["id"].as_i64().unwrap();
    submit_and_verify(&cadre, &verifier, id).await;
    id
}

/// Submits a draft need and verifies it: published at once, with no notice period.
pub(crate) async fn submit_and_verify(cadre: &Session, verifier: &Session, id: i64) {
    let (status, body) = cadre
        .post(&format!("/api/v1/needs/{id}/submit"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = verifier
        .post(&format!("/api/v1/needs/{id}/verify"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
}

pub(crate) async fn pledge(donor: &Session, need: i64, quantity: i64) -> (u16, Value) {
    donor
        .post(
            &format!("/api/v1/needs/{need}/pledges"),
            &json!({"quantity": quantity}),
        )
        .await
}

/// The village's cadre adds a photo of what arrived to pledge `id`; returns the answer.
async fn receipt_photo(
    app: &TestApp,
    cadre: &Session,
    id: i64,
    bytes: Vec<u8>,
) -> reqwest::Response {
    cadre
        .client
        .post(app.url(&format!("/api/v1/pledges/{id}/photos")))
        .header("x-csrf-token", &cadre.csrf_token)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn need_row(app: &TestApp, id: i64) -> needs::Model {
    needs::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The need's pledged total equals the sum its active pledges contribute, and never exceeds
/// the target.
async fn assert_totals_hold(app: &TestApp, need: i64) -> i64 {
    let rows = pledges::Entity::find()
        .filter(pledges::Column::NeedId.eq(need))
        .all(&app.db)
        .await
        .unwrap();
    let active: i64 = rows
        .iter()
        .map(|p| match p.status.as_str() {
            "pledged" | "shipped" => p.quantity,
            "received" | "thanked" => p.received_quantity.unwrap(),
            _ => 0,
        })
        .sum();
    let row = need_row(app, need).await;
    assert_eq!(
        row.pledged_quantity, active,
        "the total is the sum of active pledges"
    );
    assert!(
        row.pledged_quantity <= row.target_quantity,
        "never over the target"
    );
    let full = row.pledged_quantity == row.target_quantity;
    assert_eq!(
        row.status.as_str() == "fully_pledged",
        full && row.received_quantity < row.target_quantity
    );
    active
}

async fn kinds(app: &TestApp, need: i64) -> Vec<String> {
    let (_, detail) = app.get_json(&format!("/api/v1/needs/{need}")).await;
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

db_test! {
    async fn sixty_four_concurrent_pledges_on_a_target_of_ten_leave_exactly_ten(backend: Backend) {
        let app = app_with(backend, uncapped).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let path = format!("/api/v1/needs/{need}/pledges");
        let one = json!({"quantity": 1});
        let requests = (0..64).map(|_| donor.post(&path, &one));
        let answers = futures_util::future::join_all(requests).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        let refused: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 409).map(|(_, b)| b).collect();
        assert_eq!(created, 10, "{answers:?}");
        assert_eq!(refused.len(), 54, "every other request is a 409: {answers:?}");
        for body in refused {
            assert_error_code(body, "need_over_pledged");
            assert_eq!(body["error"]["details"]["remaining_quantity"], 0);
        }
        assert_eq!(assert_totals_hold(&app, need).await, 10);
        assert_eq!(need_row(&app, need).await.status.as_str(), "fully_pledged");
        let filled = kinds(&app, need).await.iter().filter(|k| *k == "fully_pledged").count();
        assert_eq!(filled, 1);
    }
}

db_test! {
    async fn concurrent_pledges_and_cancellations_keep_the_totals_exact(backend: Backend) {
        let app = app_with(backend, uncapped).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let mut first = vec![];
        for _ in 0..6 {
            let (status, body) = pledge(&donor, need, 1).await;
            assert_eq!(status, 201, "{body}");
            first.push(body["id"].as_i64().unwrap());
        }
        let path = format!("/api/v1/needs/{need}/pledges");
        let cancels = first.iter().map(|id| {
            let donor = &donor;
            async move { donor.post(&format!("/api/v1/pledges/{id}/cancel"), &json!({})).await }
        });
        let one = json!({"quantity": 1});
        let pledges = (0..64).map(|_| enterprise.post(&path, &one));
        let (cancelled, pledged) = tokio::join!(
            futures_util::future::join_all(cancels),
            futures_util::future::join_all(pledges)
        );
        assert!(cancelled.iter().all(|(s, _)| *s == 200), "{cancelled:?}");
        let created = pledged.iter().filter(|(s, _)| *s == 201).count() as i64;
        assert!(pledged.iter().all(|(s, _)| *s == 201 || *s == 409), "{pledged:?}");
        let active = assert_totals_hold(&app, need).await;
        assert_eq!(active, created, "the six cancelled leave only the new ones");
        // Whatever the interleaving, another burst fills it to exactly ten.
        let more = futures_util::future::join_all((0..32).map(|_| enterprise.post(&path, &one))).await;
        let added = more.iter().filter(|(s, _)| *s == 201).count() as i64;
        assert_eq!(assert_totals_hold(&app, need).await, 10);
        assert_eq!(created + added, 10);
        assert_eq!(need_row(&app, need).await.status.as_str(), "fully_pledged");
    }
}

db_test! {
    async fn a_retried_pledge_with_the_same_idempotency_key_pledges_once(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let url = app.url(&format!("/api/v1/needs/{need}/pledges"));
        let send = |key: &'static str, quantity: i64| {
            donor
                .client
                .post(&url)
                .header("x-csrf-token", &donor.csrf_token)
                .header("idempotency-key", key)
                .json(&json!({"quantity": quantity, "message": "开学前送到"}))
                .send()
        };
        let first = send("double-click-1", 3).await.unwrap();
        assert_eq!(first.status(), 201);
        assert!(first.headers().get("idempotent-replayed").is_none());
        let (_, first) = status_and_json(first).await;
        let again = send("double-click-1", 3).await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let (_, again) = status_and_json(again).await;
        assert_eq!(again, first, "the first answer, word for word");

        let (status, error) = status_and_json(send("double-click-1", 4).await.unwrap()).await;
        assert_eq!(status, 422);
        assert_error_code(&error, "idempotency_key_reused");
        let elsewhere = published(&app, 10, 1).await;
        let (status, error) = status_and_json(
            donor
                .client
                .post(app.url(&format!("/api/v1/needs/{elsewhere}/pledges")))
                .header("x-csrf-token", &donor.csrf_token)
                .header("idempotency-key", "double-click-1")
                .json(&json!({"quantity": 3, "message": "开学前送到"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 422, "the same key for another need: {error}");

        // Eight at once under one new key: one pledge.
        let burst = futures_util::future::join_all((0..8).map(|_| send("burst-2", 2))).await;
        let ids: std::collections::BTreeSet<i64> = {
            let mut ids = std::collections::BTreeSet::new();
            for response in burst {
                let (status, body) = status_and_json(response.unwrap()).await;
                assert_eq!(status, 201, "{body}");
                ids.insert(body["id"].as_i64().unwrap());
            }
            ids
        };
        assert_eq!(ids.len(), 1);
        assert_eq!(assert_totals_hold(&app, need).await, 5);

        // A key is the user's own: another donor's same key is another request.
        let enterprise = app.login_demo("enterprise").await;
        let other = enterprise
            .client
            .post(&url)
            .header("x-csrf-token", &enterprise.csrf_token)
            .header("idempotency-key", "double-click-1")
            .json(&json!({"quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 201);
        let bad = donor
            .client
            .post(&url)
            .header("x-csrf-token", &donor.csrf_token)
            .header("idempotency-key", "has spaces in it")
            .json(&json!({"quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert_eq!(assert_totals_hold(&app, need).await, 6);
    }
}

db_test! {
    async fn an_unshipped_pledge_expires_on_its_due_date_and_its_quantity_returns(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        // The whole need, for an organisation (a person may pledge half): a large pledge.
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let (status, pledge) = enterprise
            .post(&format!("/api/v1/needs/{need}/pledges"), &json!({"quantity": 10, "org_id": org}))
            .await;
        assert_eq!(status, 201, "{pledge}");
        assert_eq!(need_row(&app, need).await.status.as_str(), "fully_pledged");
        let due: chrono::DateTime<chrono::Utc> = pledge["due_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(due, app.clock.now() + Duration::days(7), "7 days for a large pledge by default");

        app.clock.set(due - Duration::seconds(1));
        assert_eq!(app.tick().await.pledges_expired, 0);
        app.clock.set(due);
        assert_eq!(app.tick().await.pledges_expired, 1);
        assert_eq!(app.tick().await.pledges_expired, 0, "once");

        let (_, mine) = enterprise.get("/api/v1/me/pledges").await;
        assert_eq!(mine["items"][0]["status"], "expired");
        assert_eq!(mine["items"][0]["next_step"], Value::Null);
        let row = need_row(&app, need).await;
        assert_eq!((row.status.as_str(), row.pledged_quantity), ("published", 0));
        let timeline = kinds(&app, need).await;
        assert!(timeline.ends_with(&["pledge_expired".into(), "reopened".into()]), "{timeline:?}");
        let mails = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("mail_pledge_expired"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(mails, 1);
        // A shipped pledge is on its way: it does not expire.
        let (_, shipped) = self::pledge(&donor, need, 4).await;
        let id = shipped["id"].as_i64().unwrap();
        let (status, _) = donor
            .post(&format!("/api/v1/pledges/{id}/ship"), &json!({"reference": "SF1234567890"}))
            .await;
        assert_eq!(status, 200);
        app.clock.advance(Duration::days(31));
        assert_eq!(app.tick().await.pledges_expired, 0);
    }
}

db_test! {
    async fn desks_are_pledged_in_parts_received_in_part_and_the_rest_goes_back(backend: Backend) {
        // A generous person gives 30 of the 50 desks: a deployment that lets one person hold
        // 60 % of a need.
        let app = app_with(backend, |s| s.policy.pledge_max_share_percent = 60).await;
        let need = published(&app, 50, 1).await;
        let cadre = app.login_demo("cadre").await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let third = app.login_demo("coordinator").await;

        // An enterprise pledges 20 for its organisation, a donor the other 30 anonymously.
        let org = enterprise.organisation_id().await;
        let (status, a) = enterprise
            .post(
                &format!("/api/v1/needs/{need}/pledges"),
                &json!({"quantity": 20, "org_id": org, "message": "祝同学们学习进步"}),
            )
            .await;
        assert_eq!(status, 201, "{a}");
        assert_eq!(a["kind"], "goods");
        let (status, b) = donor
            .post(
                &format!("/api/v1/needs/{need}/pledges"),
                &json!({"quantity": 30, "anonymous": true}),
            )
            .await;
        assert_eq!(status, 201, "{b}");
        // A third is told kindly that it is all pledged.
        let (status, error) = pledge(&third, need, 1).await;
        assert_eq!(status, 409);
        assert_error_code(&error, "need_over_pledged");
        assert!(error["error"]["message"].as_str().unwrap().contains("fully pledged"));

        let (_, public) = app.get_json(&format!("/api/v1/needs/{need}/pledges")).await;
        let names: Vec<&str> = public["items"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["梅州客都农业发展有限公司（演示）", "爱心人士"]);
        let (_, donor_me) = donor.get("/api/v1/me").await;
        let real_name = donor_me["display_name"].as_str().unwrap();
        assert!(!public.to_string().contains(real_name), "the anonymous donor stays anonymous");
        let (_, detail) = app.get_json(&format!("/api/v1/needs/{need}")).await;
        assert!(!detail.to_string().contains(real_name));

        // The enterprise ships; the cadre must show a photo before confirming 15 of the 20.
        let a_id = a["id"].as_i64().unwrap();
        let (status, error) = cadre.post(&format!("/api/v1/pledges/{a_id}/ship"), &json!({"reference": "x"})).await;
        assert_eq!(status, 403, "only the donor ships: {error}");
        let (status, shipped) = enterprise
            .post(&format!("/api/v1/pledges/{a_id}/ship"), &json!({"carrier": "顺丰", "reference": "SF1029384756"}))
            .await;
        assert_eq!(status, 200, "{shipped}");
        assert_eq!(shipped["next_step"], "await_receipt");
        let (status, error) = enterprise
            .post(&format!("/api/v1/pledges/{a_id}/cancel"), &json!({}))
            .await;
        assert_eq!(status, 422, "too late to cancel: {error}");
        let (status, error) = enterprise
            .post(&format!("/api/v1/pledges/{a_id}/confirm"), &json!({"received_quantity": 20}))
            .await;
        assert_eq!(status, 403, "a donor does not confirm their own receipt: {error}");
        let heyuan = app.login_demo("cadre-heyuan").await;
        let (status, _) = heyuan
            .post(&format!("/api/v1/pledges/{a_id}/confirm"), &json!({"received_quantity": 20}))
            .await;
        assert_eq!(status, 404, "another village's cadre does not see it");
        let (status, error) = cadre
            .post(&format!("/api/v1/pledges/{a_id}/confirm"), &json!({"received_quantity": 15}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["message"].as_str().unwrap().contains("photo"));
        let photo = receipt_photo(&app, &cadre, a_id, samples::phone_jpeg_with_gps(40, 30)).await;
        assert_eq!(photo.status(), 201);
        let (status, received) = cadre
            .post(&format!("/api/v1/pledges/{a_id}/confirm"), &json!({"received_quantity": 15}))
            .await;
        assert_eq!(status, 200, "{received}");
        assert_eq!(received["received_quantity"], 15);
        assert_eq!(received["receipt_photos"].as_array().unwrap().len(), 1);
        let row = need_row(&app, need).await;
        assert_eq!(
            (row.status.as_str(), row.pledged_quantity, row.received_quantity),
            ("published", 45, 15),
            "the five that did not arrive are open again"
        );
        assert_totals_hold(&app, need).await;

        // The rest arrives; the need is fulfilled once every desk is in.
        let b_id = b["id"].as_i64().unwrap();
        let (_, c) = pledge(&third, need, 5).await;
        let c_id = c["id"].as_i64().unwrap();
        for (session, id, quantity) in [(&donor, b_id, 30), (&third, c_id, 5)] {
            let (status, _) = session
                .post(&format!("/api/v1/pledges/{id}/ship"), &json!({"reference": "自送到村"}))
                .await;
            assert_eq!(status, 200);
            let photo = receipt_photo(&app, &cadre, id, samples::picture(20, 20, ImageFormat::Png)).await;
            assert_eq!(photo.status(), 201);
            let (status, body) = cadre
                .post(&format!("/api/v1/pledges/{id}/confirm"), &json!({"received_quantity": quantity}))
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let row = need_row(&app, need).await;
        assert_eq!((row.status.as_str(), row.received_quantity), ("fulfilled", 50));

        // The village thanks the enterprise, which sees it; then closes the need.
        // A thanks note is public: it must not name anyone's phone (nor, on a household's need,
        // the household).
        let (status, error) = cadre
            .post(&format!("/api/v1/pledges/{a_id}/thanks"), &json!({"note": "有事联系校长 13912345678"}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "private_data");
        let (status, thanked) = cadre
            .post(&format!("/api/v1/pledges/{a_id}/thanks"), &json!({"note": "课桌椅已经用上了，谢谢！"}))
            .await;
        assert_eq!(status, 200, "{thanked}");
        let (_, mine) = enterprise.get("/api/v1/me/pledges?status=thanked").await;
        assert_eq!(mine["items"][0]["thanks_note"], "课桌椅已经用上了，谢谢！");
        let (status, closed) = cadre.post(&format!("/api/v1/needs/{need}/close"), &json!({})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["status"], "closed");
        let timeline = kinds(&app, need).await;
        for kind in ["pledged", "fully_pledged", "shipped", "received", "reopened", "fulfilled", "thanked", "closed"] {
            assert!(timeline.iter().any(|k| k == kind), "{kind} in {timeline:?}");
        }
        // The pledge events name the donor as they chose to be shown.
        let labels: Vec<Option<String>> = need_events::Entity::find()
            .filter(need_events::Column::NeedId.eq(need))
            .filter(need_events::Column::Kind.eq("pledged"))
            .order_by_asc(need_events::Column::Id)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.actor_label)
            .collect();
        assert_eq!(labels[1].as_deref(), Some("爱心人士"));
    }
}

db_test! {
    async fn a_pledge_respects_the_needs_status_minimum_and_the_donors_rights(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 50, 10).await;
        let donor = app.login_demo("donor").await;
        let other = app.login_demo("enterprise").await;
        let (status, error) = pledge(&donor, need, 3).await;
        assert_eq!(status, 422, "below the minimum: {error}");
        assert!(error["error"]["fields"]["quantity"].is_array());
        let (status, error) = donor
            .post(
                &format!("/api/v1/needs/{need}/pledges"),
                &json!({"quantity": 10, "message": "有事请打 13812345678"}),
            )
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "private_data");
        let (status, error) = pledge(&donor, need, 51).await;
        assert_eq!(status, 409);
        assert_eq!(error["error"]["details"]["remaining_quantity"], 50);
        let (status, error) = donor
            .post(&format!("/api/v1/needs/{need}/pledges"), &json!({"quantity": 10, "org_id": 1}))
            .await;
        assert_eq!(status, 422, "not the donor's organisation: {error}");
        let (_, mine) = pledge(&donor, need, 25).await;
        let (status, body) = pledge(&app.login_demo("coordinator").await, need, 20).await;
        assert_eq!(status, 201, "{body}");
        // Exactly what remains is welcome even below the minimum.
        let (status, body) = pledge(&other, need, 5).await;
        assert_eq!(status, 201, "{body}");
        let id = mine["id"].as_i64().unwrap();
        let (status, _) = other.get(&format!("/api/v1/pledges/{id}")).await;
        assert_eq!(status, 404, "someone else's pledge is not there for them");
        let (status, _) = other.post(&format!("/api/v1/pledges/{id}/cancel"), &json!({})).await;
        assert_eq!(status, 404);
        let (status, cancelled) = donor.post(&format!("/api/v1/pledges/{id}/cancel"), &json!({})).await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(need_row(&app, need).await.pledged_quantity, 25, "the third's 20 and the other's 5");
        // A need not yet published takes no pledge.
        let cadre = app.login_demo("cadre").await;
        let (_, draft) = cadre
            .post(
                "/api/v1/needs",
                &json!({
                    "beneficiary": "village", "village_code": VILLAGE, "category": "education",
                    "title": "图书角书架", "description": "村小学图书角需要书架两个。",
                    "unit": "item", "target_quantity": 2, "unit_value_fen": 50_000,
                    "deadline": (app.clock.now() + Duration::days(30)).to_rfc3339(),
                }),
            )
            .await;
        let (status, _) = pledge(&donor, draft["id"].as_i64().unwrap(), 1).await;
        assert_eq!(status, 404, "a draft is not there for a donor");
        let (status, error) = app
            .post_json(&format!("/api/v1/needs/{need}/pledges"), &json!({"quantity": 1}))
            .await;
        assert_eq!(status, 401, "{error}");
    }
}

db_test! {
    async fn a_cadre_who_pledges_to_their_own_village_does_not_confirm_it(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 10, 1).await;
        let cadre = app.login_demo("cadre").await;
        let (status, mine) = pledge(&cadre, need, 2).await;
        assert_eq!(status, 201, "{mine}");
        let id = mine["id"].as_i64().unwrap();
        let (status, _) = cadre.post(&format!("/api/v1/pledges/{id}/ship"), &json!({"reference": "自送"})).await;
        assert_eq!(status, 200);
        let photo = receipt_photo(&app, &cadre, id, samples::picture(20, 20, ImageFormat::Png)).await;
        assert_eq!(photo.status(), 201);
        let (status, error) = cadre
            .post(&format!("/api/v1/pledges/{id}/confirm"), &json!({"received_quantity": 2}))
            .await;
        assert_eq!(status, 403, "{error}");
        assert_error_code(&error, "conflict_of_interest");
        assert_eq!(need_row(&app, need).await.received_quantity, 0);
    }
}

db_test! {
    async fn a_need_past_its_deadline_waits_for_the_help_on_its_way(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (_, mine) = pledge(&donor, need, 3).await;
        let id = mine["id"].as_i64().unwrap();
        let (status, _) = donor.post(&format!("/api/v1/pledges/{id}/ship"), &json!({"reference": "SF1"})).await;
        assert_eq!(status, 200);
        app.clock.advance(Duration::days(61));
        assert_eq!(app.tick().await.expired, 0, "three sets are on their way");
        assert_eq!(need_row(&app, need).await.status.as_str(), "published");
        let (status, error) = pledge(&donor, need, 1).await;
        assert_eq!(status, 422, "no new pledges past the deadline: {error}");
        // Once the help has arrived and nothing is open, it expires.
        let cadre = app.login_demo("cadre").await;
        let photo = receipt_photo(&app, &cadre, id, samples::picture(20, 20, ImageFormat::Png)).await;
        assert_eq!(photo.status(), 201);
        let (status, _) = cadre
            .post(&format!("/api/v1/pledges/{id}/confirm"), &json!({"received_quantity": 3}))
            .await;
        assert_eq!(status, 200);
        assert_eq!(app.tick().await.expired, 1, "nothing is on its way any more");
        let row = need_row(&app, need).await;
        assert_eq!((row.status.as_str(), row.received_quantity), ("expired", 3));
    }
}

db_test! {
    async fn a_thanks_note_never_names_the_household_it_helped(backend: Backend) {
        let app = app(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let (_, households) = cadre.get(&format!("/api/v1/households?village={VILLAGE}")).await;
        let household = households["items"][0]["id"].as_i64().unwrap();
        let (status, need) = cadre
            .post(
                "/api/v1/needs",
                &json!({
                    "beneficiary": "household", "household_id": household, "category": "medical",
                    "title": "轮椅一台", "description": "户主因病行动不便，需要轮椅一台。",
                    "unit": "item", "target_quantity": 1, "unit_value_fen": 80_000,
                    "deadline": (app.clock.now() + Duration::days(30)).to_rfc3339(),
                }),
            )
            .await;
        assert_eq!(status, 201, "{need}");
        let need = need["id"].as_i64().unwrap();
        cadre.post(&format!("/api/v1/needs/{need}/submit"), &json!({})).await;
        verifier.post(&format!("/api/v1/needs/{need}/verify"), &json!({})).await;
        let (_, pledge) = pledge(&donor, need, 1).await;
        let id = pledge["id"].as_i64().unwrap();
        donor.post(&format!("/api/v1/pledges/{id}/ship"), &json!({"reference": "JD1"})).await;
        receipt_photo(&app, &cadre, id, samples::picture(20, 20, ImageFormat::Png)).await;
        let (status, _) = cadre
            .post(&format!("/api/v1/pledges/{id}/confirm"), &json!({"received_quantity": 1}))
            .await;
        assert_eq!(status, 200);
        let head = duijie::demo::HOUSEHOLDS[0].head_name;
        let (status, error) = cadre
            .post(&format!("/api/v1/pledges/{id}/thanks"), &json!({"note": format!("{head}一家感谢您的轮椅！")}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "private_data");
        let (_, public) = app.get_json(&format!("/api/v1/needs/{need}/pledges")).await;
        assert!(!public.to_string().contains(head));
    }
}

db_test! {
    async fn my_pledges_are_searched_by_need_title_filtered_and_sorted(backend: Backend) {
        let app = app(backend).await;
        let desks = published(&app, 50, 1).await;
        let books = published_titled(&app, "图书角_100%新书", 50, 1).await;
        let donor = app.login_demo("donor").await;
        let mut ids = Vec::new();
        for (need, quantity) in [(desks, 2), (books, 5), (desks, 3)] {
            let (status, body) = pledge(&donor, need, quantity).await;
            assert_eq!(status, 201, "{body}");
            ids.push(body["id"].as_i64().unwrap());
        }
        let (status, body) = donor
            .post(&format!("/api/v1/pledges/{}/cancel", ids[2]), &json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        let listed = |page: &Value| -> Vec<i64> {
            page["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect()
        };
        let (status, all) = donor.get("/api/v1/me/pledges").await;
        assert_eq!(status, 200, "{all}");
        assert_eq!(listed(&all), [ids[2], ids[1], ids[0]], "newest first");
        let (_, oldest) = donor.get("/api/v1/me/pledges?sort=oldest&per_page=2").await;
        assert_eq!((listed(&oldest), oldest["total"].clone()), (vec![ids[0], ids[1]], json!(3)));
        let (_, largest) = donor.get("/api/v1/me/pledges?sort=quantity_desc").await;
        assert_eq!(listed(&largest), [ids[1], ids[2], ids[0]]);
        // By the need's title; `_` and `%` are characters like any other.
        let (_, found) = donor.get("/api/v1/me/pledges?q=%E5%9B%BE%E4%B9%A6").await; // 图书
        assert_eq!(listed(&found), [ids[1]]);
        let (_, found) = donor.get("/api/v1/me/pledges?q=_100%25").await;
        assert_eq!(listed(&found), [ids[1]]);
        let (_, found) = donor.get("/api/v1/me/pledges?q=%25%25").await;
        assert_eq!(found["total"], 0, "{found}");
        // Several statuses.
        let (_, open) = donor.get("/api/v1/me/pledges?status=pledged,shipped").await;
        assert_eq!(listed(&open), [ids[1], ids[0]]);
        let (_, cancelled) = donor.get("/api/v1/me/pledges?status=cancelled").await;
        assert_eq!(listed(&cancelled), [ids[2]]);
        // Another donor's list holds none of them.
        let (_, theirs) = app.login_demo("enterprise").await.get("/api/v1/me/pledges?q=%E5%9B%BE%E4%B9%A6").await;
        assert_eq!(theirs["total"], 0);
        for (bad, name) in [("status=pledged,lost", "status"), ("sort=amount", "sort")] {
            let (status, error) = donor.get(&format!("/api/v1/me/pledges?{bad}")).await;
            assert_eq!(status, 400, "{bad}: {error}");
            assert_error_code(&error, "invalid_parameter");
            assert!(error["error"]["message"].as_str().unwrap().starts_with(name), "{error}");
        }
    }
}
