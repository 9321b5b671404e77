//! Purchase orders (以购代捐) over HTTP: every step and who may take it, the stock taken and
//! given back (never below zero under a rush), idempotent retries, expiry on a moved clock, the
//! delivery data kept to the order's two sides, receipt photos, and the mail of each step; on
//! both databases.

use chrono::Duration;
use duijie::media::samples;
use duijie::store::entity::audit_log;
use image::ImageFormat;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json, test_sealer};
use crate::pledges::{app, app_with, uncapped};
use crate::products::{COOP_NAME, Coop, VILLAGE, cooperative, honey, listed, stock};
use crate::smtp::{Received, SmtpServer};

const RECIPIENT: &str = "王收货";
const PHONE: &str = "13912345678";
const ADDRESS: &str = "广州市天河区体育西路 191 号中石化大厦 12 楼";

pub(crate) fn order(quantity: i64) -> Value {
    json!({
        "quantity": quantity,
        "recipient_name": RECIPIENT,
        "recipient_phone": PHONE,
        "delivery_address": ADDRESS,
        "note": "工作日送货",
    })
}

pub(crate) async fn place(buyer: &Session, product: i64, body: &Value) -> (u16, Value) {
    buyer
        .post(&format!("/api/v1/products/{product}/orders"), body)
        .await
}

/// Places an order that must succeed; returns its id.
pub(crate) async fn placed(buyer: &Session, product: i64, body: &Value) -> i64 {
    let (status, order) = place(buyer, product, body).await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "ordered");
    order["id"].as_i64().unwrap()
}

pub(crate) async fn step(who: &Session, order: i64, step: &str, body: Value) -> (u16, Value) {
    who.post(&format!("/api/v1/orders/{order}/{step}"), &body)
        .await
}

/// A verified cooperative with a listed product of `stock` bottles (at least `min` an order).
pub(crate) async fn shop(app: &TestApp, stock: i64, min: i64) -> (Coop, i64) {
    let coop = cooperative(app, true).await;
    let product = listed(&coop.member, &honey(coop.id, stock, min)).await;
    (coop, product)
}

fn kinds(order: &Value) -> Vec<&str> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

async fn receipt_photo(app: &TestApp, who: &Session, order: i64) -> (u16, Value) {
    let response = who
        .client
        .post(app.url(&format!("/api/v1/orders/{order}/photos")))
        .header("x-csrf-token", &who.csrf_token)
        .body(samples::picture(24, 16, ImageFormat::Png))
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

db_test! {
    async fn an_order_goes_from_placed_to_settled_each_step_by_its_side_only(backend: Backend) {
        let app = app(backend).await;
        let (coop, product) = shop(&app, 20, 2).await;
        let donor = app.login_demo("donor").await;

        let (status, error) = place(&donor, product, &order(1)).await;
        assert_eq!(status, 422, "below the minimum order: {error}");
        assert_error_code(&error, "validation_failed");
        assert_eq!(error["error"]["fields"]["quantity"][0]["code"], "below");
        assert_eq!(error["error"]["fields"]["quantity"][0]["min"], 2);
        let mut bad_phone = order(3);
        bad_phone["recipient_phone"] = json!("12345");
        let (status, error) = place(&donor, product, &bad_phone).await;
        assert_eq!(status, 400, "{error}");
        assert!(error["error"]["fields"]["recipient_phone"].is_array());
        let (status, _) = app.post_json(&format!("/api/v1/products/{product}/orders"), &order(3)).await;
        assert_eq!(status, 401, "a visitor signs in to order");
        assert_eq!(stock(&app, product).await, 20, "nothing taken by a refused order");

        let (status, created) = place(&donor, product, &order(3)).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["quantity"], 3);
        assert_eq!(created["value_fen"], 3 * 6800);
        assert_eq!(created["seller_name"], COOP_NAME);
        assert_eq!(created["buyer_org_id"], Value::Null);
        assert_eq!(created["delivery"]["recipient_phone"], PHONE);
        assert_eq!(created["sides"], json!(["buyer"]));
        assert_eq!(created["actions"], json!(["cancel"]));
        let confirm_by: chrono::DateTime<chrono::Utc> = created["confirm_by"].as_str().unwrap().parse().unwrap();
        assert_eq!(confirm_by, app.clock.now() + Duration::days(3));
        assert_eq!(stock(&app, product).await, 17, "taken at once");

        // Its two sides read it; nobody else.
        let path = format!("/api/v1/orders/{id}");
        let (status, seen) = coop.member.get(&path).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen["sides"], json!(["seller"]));
        assert_eq!(seen["actions"], json!(["confirm", "decline"]));
        assert_eq!(seen["delivery"]["address"], ADDRESS, "the seller delivers there");
        let cadre = app.login_demo("cadre").await;
        assert_eq!(cadre.get(&path).await.0, 200, "the village's cadre fills its orders");
        for who in ["enterprise", "coordinator", "cadre-heyuan", "verifier"] {
            let (status, body) = app.login_demo(who).await.get(&path).await;
            assert_eq!(status, 404, "{who}: {body}");
        }
        assert_eq!(app.get_json(&path).await.0, 401, "a visitor is asked to sign in");
        let (_, bought) = donor.get("/api/v1/me/orders?side=buyer").await;
        assert_eq!(bought["items"][0]["id"], id);
        let (_, sold) = coop.admin.get("/api/v1/me/orders?side=seller").await;
        assert_eq!(sold["items"][0]["id"], id);
        let (_, sold) = cadre.get("/api/v1/me/orders?side=seller&status=ordered").await;
        assert_eq!(sold["items"][0]["id"], id);
        let (_, none) = donor.get("/api/v1/me/orders?side=seller").await;
        assert_eq!(none["items"], json!([]));

        // Each step by its side, from its status.
        let (status, body) = step(&donor, id, "confirm", json!({})).await;
        assert_eq!(status, 403, "the buyer does not confirm: {body}");
        assert_error_code(&body, "forbidden");
        let (status, body) = step(&coop.member, id, "ship", json!({"carrier": "顺丰"})).await;
        assert_eq!(status, 422, "not confirmed yet: {body}");
        assert_error_code(&body, "invalid_state");
        let (status, body) = step(&coop.member, id, "cancel", json!({})).await;
        assert_eq!(status, 403, "the seller does not cancel: {body}");
        let (status, body) = step(&app.login_demo("enterprise").await, id, "confirm", json!({})).await;
        assert_eq!(status, 404, "a stranger: {body}");
        let (status, body) = step(&coop.member, id, "confirm", json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "confirmed");
        assert_eq!(body["actions"], json!(["ship"]));
        let (status, body) = step(&coop.admin, id, "confirm", json!({})).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = step(&donor, id, "cancel", json!({})).await;
        assert_eq!(status, 422, "too late to cancel: {body}");
        let (status, body) = step(&coop.member, id, "decline", json!({"reason": "货不够了"})).await;
        assert_eq!(status, 422, "too late to decline: {body}");
        let (status, body) = step(&donor, id, "ship", json!({"carrier": "顺丰"})).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = step(&cadre, id, "ship", json!({"carrier": "顺丰", "tracking_ref": "SF1029384756"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "shipped");
        assert_eq!(body["tracking_ref"], "SF1029384756");
        let (status, body) = step(&coop.member, id, "receive", json!({"received_quantity": 3})).await;
        assert_eq!(status, 403, "the seller does not receive: {body}");
        let (status, body) = step(&coop.member, id, "settle", json!({"payment_ref": "转账 20261207"})).await;
        assert_eq!(status, 422, "not received yet: {body}");
        let (status, body) = step(&donor, id, "receive", json!({"received_quantity": 4})).await;
        assert_eq!(status, 422, "more than ordered: {body}");
        assert_eq!(body["error"]["fields"]["received_quantity"][0]["code"], "exceeds");
        assert_eq!(body["error"]["fields"]["received_quantity"][0]["max"], 3);
        let (status, body) = step(&donor, id, "receive", json!({"received_quantity": 3})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["received_quantity"], 3);
        let (status, body) = step(&donor, id, "settle", json!({"payment_ref": "转账 20261207"})).await;
        assert_eq!(status, 403, "the buyer does not settle: {body}");
        let (status, body) = step(&coop.admin, id, "settle", json!({"payment_ref": "转账 20261207"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "settled");
        assert_eq!(body["payment_ref"], "转账 20261207");
        assert_eq!(body["actions"], json!([]));
        assert_eq!(kinds(&body), ["placed", "confirmed", "shipped", "received", "settled"]);
        let actors: Vec<&str> = body["timeline"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap()).collect();
        assert_eq!(actors, ["buyer", "seller", "seller", "buyer", "seller"]);
        let (status, body) = step(&coop.admin, id, "settle", json!({"payment_ref": "转账 20261207"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(stock(&app, product).await, 17, "a filled order keeps its stock taken");
    }
}

db_test! {
    async fn an_organisation_buys_and_a_declined_or_cancelled_order_gives_its_stock_back(backend: Backend) {
        let app = app(backend).await;
        let (coop, product) = shop(&app, 20, 2).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let donor = app.login_demo("donor").await;

        let mut for_org = order(5);
        for_org["org_id"] = json!(org);
        let (status, error) = place(&donor, product, &for_org).await;
        assert_eq!(status, 422, "not an organisation the donor acts for: {error}");
        assert_eq!(error["error"]["fields"]["org_id"][0]["code"], "not_found_reference");
        let (status, bought) = place(&enterprise, product, &for_org).await;
        assert_eq!(status, 201, "{bought}");
        let id = bought["id"].as_i64().unwrap();
        assert_eq!(bought["buyer_org_id"], org);
        assert_eq!(bought["buyer_name"], "梅州客都农业发展有限公司（演示）");
        assert_eq!(stock(&app, product).await, 15);
        let (_, mine) = enterprise.get("/api/v1/me/orders?side=buyer").await;
        assert_eq!(mine["items"][0]["id"], id);
        assert_eq!(donor.get(&format!("/api/v1/orders/{id}")).await.0, 404);

        let (status, body) = step(&coop.member, id, "decline", json!({})).await;
        assert_eq!(status, 400, "a decline gives its reason: {body}");
        let (status, body) = step(&enterprise, id, "decline", json!({"reason": "本季已售完"})).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = step(&coop.member, id, "decline", json!({"reason": "本季已售完"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "declined");
        assert_eq!(body["decline_reason"], "本季已售完");
        assert_eq!(stock(&app, product).await, 20, "declined: the stock is back");
        let (status, body) = step(&enterprise, id, "cancel", json!({})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(stock(&app, product).await, 20, "given back once");

        let id = placed(&donor, product, &order(4)).await;
        assert_eq!(stock(&app, product).await, 16);
        let (status, body) = step(&enterprise, id, "cancel", json!({})).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = step(&donor, id, "cancel", json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "cancelled");
        assert_eq!(kinds(&body), ["placed", "cancelled"]);
        assert_eq!(stock(&app, product).await, 20, "cancelled: the stock is back");
        let (status, body) = step(&donor, id, "cancel", json!({})).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = step(&coop.member, id, "confirm", json!({})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(stock(&app, product).await, 20);

        // A member buys for the organisation; a colleague takes the buyer's steps.
        let donor_id = donor.user["id"].as_i64().unwrap();
        let (status, _) = enterprise
            .post(&format!("/api/v1/users/{donor_id}/roles"), &json!({"role": "org_member", "organisation_id": org}))
            .await;
        assert_eq!(status, 201);
        let id = placed(&donor, product, &for_org).await;
        let (_, theirs) = enterprise.get("/api/v1/me/orders?side=buyer").await;
        assert_eq!(theirs["items"][0]["id"], id, "the organisation's order is its people's");
        assert_eq!(theirs["items"][0]["sides"], json!(["buyer"]));
        step(&coop.member, id, "confirm", json!({})).await;
        step(&coop.member, id, "ship", json!({"carrier": "邮政"})).await;
        let (status, body) = step(&enterprise, id, "receive", json!({"received_quantity": 5})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(stock(&app, product).await, 15);

        // An organisation not yet verified does not buy.
        let (status, pending) = donor
            .post("/api/v1/organisations", &json!({"kind": "social_org", "name": "某某公益协会"}))
            .await;
        assert_eq!(status, 201, "{pending}");
        let mut unverified = order(2);
        unverified["org_id"] = pending["id"].clone();
        let (status, error) = place(&donor, product, &unverified).await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["fields"]["org_id"][0]["code"], "not_found_reference");
        assert_eq!(stock(&app, product).await, 15);
    }
}

db_test! {
    async fn an_order_not_confirmed_in_three_days_expires_and_its_stock_returns(backend: Backend) {
        let app = app(backend).await;
        let (coop, product) = shop(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let waiting = placed(&donor, product, &order(4)).await;
        let enterprise = app.login_demo("enterprise").await;
        let confirmed = placed(&enterprise, product, &order(2)).await;
        let (status, _) = step(&coop.member, confirmed, "confirm", json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(stock(&app, product).await, 4);

        app.clock.advance(Duration::days(3) - Duration::seconds(1));
        assert_eq!(app.tick().await.orders_expired, 0, "not yet");
        app.clock.advance(Duration::seconds(2));
        assert_eq!(app.tick().await.orders_expired, 1);
        assert_eq!(app.tick().await.orders_expired, 0, "once");
        let (_, expired) = donor.get(&format!("/api/v1/orders/{waiting}")).await;
        assert_eq!(expired["status"], "expired");
        assert_eq!(kinds(&expired), ["placed", "expired"]);
        assert_eq!(expired["timeline"][1]["actor"], "platform");
        assert_eq!(expired["actions"], json!([]));
        let (_, still) = enterprise.get(&format!("/api/v1/orders/{confirmed}")).await;
        assert_eq!(still["status"], "confirmed", "a confirmed order does not expire");
        assert_eq!(stock(&app, product).await, 8, "the expired order's 4 are back");
        let (status, body) = step(&coop.member, waiting, "confirm", json!({})).await;
        assert_eq!(status, 422, "too late: {body}");
    }
}

db_test! {
    async fn the_sellers_own_people_do_not_buy_and_nothing_is_sold_off_sale_or_out_of_season(backend: Backend) {
        let app = app(backend).await;
        let (coop, product) = shop(&app, 10, 1).await;
        for seller in [&coop.member, &coop.admin, &app.login_demo("cadre").await] {
            let (status, body) = place(seller, product, &order(1)).await;
            assert_eq!(status, 403, "{body}");
            assert_error_code(&body, "conflict_of_interest");
        }
        let mut for_coop = order(1);
        for_coop["org_id"] = json!(coop.id);
        let (status, body) = place(&coop.admin, product, &for_coop).await;
        assert_eq!(status, 403, "{body}");
        assert_error_code(&body, "conflict_of_interest");
        assert_eq!(stock(&app, product).await, 10);

        let donor = app.login_demo("donor").await;
        let (status, body) = place(&donor, product, &order(11)).await;
        assert_eq!(status, 409, "{body}");
        assert_error_code(&body, "out_of_stock");
        assert_eq!(body["error"]["details"]["stock"], 10);

        let (status, _) = coop.member.post(&format!("/api/v1/products/{product}/delist"), &json!({})).await;
        assert_eq!(status, 200);
        let (status, body) = place(&donor, product, &order(1)).await;
        assert_eq!(status, 422, "delisted: {body}");
        assert_error_code(&body, "invalid_state");

        // Made to order in a season that has not begun.
        let today = app.clock.now().date_naive();
        let mut seasonal = honey(coop.id, 0, 1);
        seasonal.as_object_mut().unwrap().remove("stock");
        seasonal["season_from"] = json!(today + Duration::days(10));
        seasonal["season_to"] = json!(today + Duration::days(60));
        let later = listed(&coop.member, &seasonal).await;
        let (_, detail) = app.get_json(&format!("/api/v1/products/{later}")).await;
        assert_eq!(detail["product"]["available"], false);
        let (status, body) = place(&donor, later, &order(1)).await;
        assert_eq!(status, 422, "out of season: {body}");
        assert_error_code(&body, "invalid_state");
        app.clock.advance(Duration::days(11));
        let (status, body) = place(&donor, later, &order(500)).await;
        assert_eq!(status, 201, "in season, made to order: {body}");
        assert_eq!(stock(&app, later).await, Value::Null);

        // A draft is not there to order.
        let (_, draft) = coop.member.post("/api/v1/products", &honey(coop.id, 10, 1)).await;
        let (status, _) = place(&donor, draft["product"]["id"].as_i64().unwrap(), &order(1)).await;
        assert_eq!(status, 404);
    }
}

db_test! {
    async fn twenty_five_buyers_rushing_a_stock_of_ten_get_exactly_ten_orders(backend: Backend) {
        let app = app_with(backend, uncapped).await;
        let (_coop, product) = shop(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let url = app.url(&format!("/api/v1/products/{product}/orders"));
        let body = order(1);
        let requests = (0..25).map(|i| {
            // Two buyers, each request a click of its own (its own key).
            let buyer = if i % 2 == 0 { &donor } else { &enterprise };
            buyer
                .client
                .post(&url)
                .header("x-csrf-token", &buyer.csrf_token)
                .header("idempotency-key", format!("rush-{i}"))
                .json(&body)
                .send()
        });
        let mut answers = Vec::new();
        for response in futures_util::future::join_all(requests).await {
            answers.push(status_and_json(response.unwrap()).await);
        }
        let created: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 201).map(|(_, b)| b).collect();
        let refused: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 409).map(|(_, b)| b).collect();
        assert_eq!(created.len(), 10, "{answers:?}");
        assert_eq!(refused.len(), 15, "{answers:?}");
        for body in refused {
            assert_error_code(body, "out_of_stock");
            assert_eq!(body["error"]["details"]["stock"], 0);
        }
        assert_eq!(stock(&app, product).await, 0);
        let mut ordered = 0;
        for side in [&donor, &enterprise] {
            let (_, mine) = side.get("/api/v1/me/orders?side=buyer").await;
            ordered += mine["items"].as_array().unwrap().iter().map(|o| o["quantity"].as_i64().unwrap()).sum::<i64>();
        }
        assert_eq!(ordered, 10, "the orders hold exactly what the stock gave");
        let (_, detail) = app.get_json(&format!("/api/v1/products/{product}")).await;
        assert_eq!(detail["product"]["available"], false, "sold out");
    }
}

db_test! {
    async fn concurrent_orders_and_cancellations_keep_the_stock_exact(backend: Backend) {
        let app = app_with(backend, uncapped).await;
        let (coop, product) = shop(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let mut first = Vec::new();
        for _ in 0..6 {
            first.push(placed(&donor, product, &order(1)).await);
        }
        let declined = first.pop().unwrap();
        let cancels = first.iter().map(|id| step(&donor, *id, "cancel", json!({})));
        let body = order(1);
        let orders = (0..30).map(|_| place(&enterprise, product, &body));
        let (cancelled, placed_now, declined) = tokio::join!(
            futures_util::future::join_all(cancels),
            futures_util::future::join_all(orders),
            step(&coop.member, declined, "decline", json!({"reason": "这瓶留给展销会"})),
        );
        assert!(cancelled.iter().all(|(s, _)| *s == 200), "{cancelled:?}");
        assert_eq!(declined.0, 200, "{declined:?}");
        assert!(placed_now.iter().all(|(s, _)| matches!(*s, 201 | 409)), "{placed_now:?}");
        let created = placed_now.iter().filter(|(s, _)| *s == 201).count() as i64;
        assert!(created >= 4, "at least what was never taken: {created}");
        let left = stock(&app, product).await.as_i64().unwrap();
        assert_eq!(left + created, 10, "what is left and what is ordered make the stock");
        let more = futures_util::future::join_all((0..12).map(|_| place(&enterprise, product, &body))).await;
        let added = more.iter().filter(|(s, _)| *s == 201).count() as i64;
        assert_eq!(created + added, 10);
        assert_eq!(stock(&app, product).await, 0);
    }
}

db_test! {
    async fn a_retried_order_with_the_same_idempotency_key_orders_once(backend: Backend) {
        let app = app(backend).await;
        let (_coop, product) = shop(&app, 20, 1).await;
        let donor = app.login_demo("donor").await;
        let url = app.url(&format!("/api/v1/products/{product}/orders"));
        let send = |key: &'static str, quantity: i64| {
            donor
                .client
                .post(&url)
                .header("x-csrf-token", &donor.csrf_token)
                .header("idempotency-key", key)
                .json(&order(quantity))
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
        assert_eq!(again["id"], first["id"], "the same order");
        assert_eq!(again, first, "the first answer, word for word");
        assert_eq!(stock(&app, product).await, 17, "taken once");

        let (status, error) = status_and_json(send("double-click-1", 4).await.unwrap()).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "idempotency_key_reused");
        assert_eq!(stock(&app, product).await, 17);

        // Six at once under one new key: one order.
        let burst = futures_util::future::join_all((0..6).map(|_| send("burst-2", 2))).await;
        let mut ids = std::collections::BTreeSet::new();
        for response in burst {
            let (status, body) = status_and_json(response.unwrap()).await;
            assert_eq!(status, 201, "{body}");
            ids.insert(body["id"].as_i64().unwrap());
        }
        assert_eq!(ids.len(), 1);
        assert_eq!(stock(&app, product).await, 15);
        let (_, mine) = donor.get("/api/v1/me/orders?side=buyer").await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    }
}

/// Every place a delivery detail must not be.
const PRIVATE: [&str; 3] = [RECIPIENT, PHONE, ADDRESS];

#[track_caller]
fn assert_private(what: &str, text: &str) {
    for value in PRIVATE {
        assert!(!text.contains(value), "{what} shows `{value}`: {text}");
    }
}

db_test! {
    async fn the_delivery_data_stays_on_the_order_and_receipt_photos_with_its_two_sides(backend: Backend) {
        let app = app(backend).await;
        let (coop, product) = shop(&app, 20, 1).await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let mut for_org = order(2);
        for_org["org_id"] = json!(enterprise.organisation_id().await);
        let id = placed(&enterprise, product, &for_org).await;
        let (status, _) = step(&coop.member, id, "confirm", json!({})).await;
        assert_eq!(status, 200);

        // Not before it shipped; not by the seller.
        let (status, body) = receipt_photo(&app, &enterprise, id).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = step(&coop.member, id, "ship", json!({"carrier": "合作社自送"})).await;
        assert_eq!(status, 200);
        let (status, body) = receipt_photo(&app, &coop.member, id).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = receipt_photo(&app, &donor, id).await;
        assert_eq!(status, 404, "{body}");
        let (status, photo) = receipt_photo(&app, &enterprise, id).await;
        assert_eq!(status, 201, "{photo}");
        assert_eq!(photo["public"], false);
        let url = photo["url"].as_str().unwrap().to_owned();
        let (_, seen) = coop.member.get(&format!("/api/v1/orders/{id}")).await;
        assert_eq!(seen["photos"][0]["url"], url.as_str());
        for (who, session) in [("the buyer", &enterprise), ("the seller", &coop.member), ("the village's cadre", &app.login_demo("cadre").await)] {
            let response = session.client.get(app.url(&url)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{who}");
        }
        for (who, session) in [("a stranger", &donor), ("the verifier", &app.login_demo("verifier").await)] {
            let response = session.client.get(app.url(&url)).send().await.unwrap();
            assert_eq!(response.status(), 404, "{who}");
        }
        assert_eq!(app.get(&url).await.status(), 404, "a visitor");

        // A listed product's photo is anyone's.
        let response = coop
            .member
            .client
            .post(app.url(&format!("/api/v1/products/{product}/photos")))
            .header("x-csrf-token", &coop.member.csrf_token)
            .body(samples::phone_jpeg_with_gps(40, 30))
            .send()
            .await
            .unwrap();
        let (status, shown) = status_and_json(response).await;
        assert_eq!(status, 201, "{shown}");
        assert_eq!(shown["public"], true);
        let response = app.get(shown["url"].as_str().unwrap()).await;
        assert_eq!(response.status(), 200);
        let (status, body) = receipt_photo(&app, &donor, id).await;
        assert_eq!(status, 404, "{body}");

        // Nowhere public, nor in the audit log.
        let visitor_paths = [
            format!("/api/v1/products/{product}"),
            format!("/api/v1/products?region={VILLAGE}"),
            "/api/v1/products?region=4414".to_owned(),
            format!("/api/v1/products?seller={}", coop.id),
            "/api/v1/needs/search".to_owned(),
            format!("/api/v1/regions/{VILLAGE}"),
            "/api/v1/offers/search".to_owned(),
            "/api/v1/stats".to_owned(),
        ];
        for path in visitor_paths {
            let response = app.get(&path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_private(&path, &response.text().await.unwrap());
        }
        let (_, as_seller) = coop.member.get(&format!("/api/v1/products/{product}")).await;
        assert_private("the product to its seller", &as_seller.to_string());
        let log = audit_log::Entity::find().all(&app.db).await.unwrap();
        assert!(log.iter().any(|e| e.action == "order.place"), "the order is logged");
        for entry in log {
            assert_private(&format!("audit {}", entry.action), &format!("{entry:?}"));
        }
    }
}

db_test! {
    async fn each_step_of_an_order_is_mailed_to_the_other_side_in_chinese_without_the_delivery_data(backend: Backend) {
        let server = SmtpServer::start_new(crate::mail::plain());
        let app = TestApp::spawn_with(backend, crate::mail::mail_to(&server, 0)).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let (coop, product) = shop(&app, 20, 1).await;
        let donor = app.login_demo("donor").await;
        let seller_people = ["coop-admin@example.cn", "coop-member@example.cn"];

        let id = placed(&donor, product, &order(3)).await;
        let new = server.wait_for("the new order", |m| m.kind() == "order_for_seller").await;
        let told = order_mails(&server, "order_for_seller", 2).await;
        let mut to: Vec<String> = told.iter().flat_map(|m| m.to.clone()).collect();
        to.sort();
        assert_eq!(to, seller_people, "the cooperative's people");
        assert!(new.subject().contains("新订单") && new.subject().contains("墩背村百花蜜"), "{}", new.subject());
        assert!(new.text().contains(&format!("#{id}")), "{}", new.text());
        assert!(new.html().contains(&format!("https://duijie.example/orders/{id}")), "{}", new.html());
        for mail in &told {
            assert_private("the seller's mail", &format!("{}\n{}\n{}", mail.subject(), mail.text(), mail.html()));
        }

        let mut buyer_mails = 0;
        for (who, name, body, words) in [
            (&coop.member, "confirm", json!({}), "已确认"),
            (&coop.member, "ship", json!({"carrier": "顺丰", "tracking_ref": "SF1029384756"}), "已发货"),
        ] {
            let (status, answer) = step(who, id, name, body).await;
            assert_eq!(status, 200, "{answer}");
            buyer_mails += 1;
            let mails = order_mails(&server, "order_for_buyer", buyer_mails).await;
            let mail = mails.last().unwrap();
            assert_eq!(mail.to, ["donor@demo.duijie.cn"], "{name}");
            assert!(mail.subject().contains(words), "{name}: {}", mail.subject());
        }
        let shipped = order_mails(&server, "order_for_buyer", 2).await.pop().unwrap();
        assert!(shipped.text().contains("SF1029384756"), "{}", shipped.text());
        let (status, _) = step(&donor, id, "receive", json!({"received_quantity": 3})).await;
        assert_eq!(status, 200);
        let received = order_mails(&server, "order_for_seller", 4).await;
        assert!(received[2..].iter().all(|m| m.subject().contains("已确认收货")), "{:?}", received.iter().map(Received::subject).collect::<Vec<_>>());
        let (status, _) = step(&coop.admin, id, "settle", json!({"payment_ref": "转账 20261207"})).await;
        assert_eq!(status, 200);
        let settled = order_mails(&server, "order_for_buyer", 3).await.pop().unwrap();
        assert!(settled.subject().contains("已结清"), "{}", settled.subject());

        // A decline and a cancellation, to the other side each.
        let declined = placed(&donor, product, &order(1)).await;
        order_mails(&server, "order_for_seller", 6).await;
        step(&coop.member, declined, "decline", json!({"reason": "本季已售完"})).await;
        let mail = order_mails(&server, "order_for_buyer", 4).await.pop().unwrap();
        assert!(mail.subject().contains("未被接受") && mail.text().contains("本季已售完"), "{}", mail.text());
        let cancelled = placed(&donor, product, &order(1)).await;
        order_mails(&server, "order_for_seller", 8).await;
        step(&donor, cancelled, "cancel", json!({})).await;
        let mails = order_mails(&server, "order_for_seller", 10).await;
        assert!(mails[8..].iter().all(|m| m.subject().contains("取消")), "{:?}", mails.iter().map(Received::subject).collect::<Vec<_>>());
        for mail in server.received() {
            assert_private("a mail", &format!("{}\n{}\n{}", mail.subject(), mail.text(), mail.html()));
        }
    }
}

/// Waits (up to 20 s) until `count` order mails of `kind` arrived; returns them in order.
async fn order_mails(server: &SmtpServer, kind: &str, count: usize) -> Vec<Received> {
    let started = std::time::Instant::now();
    loop {
        let found: Vec<Received> = server
            .received()
            .into_iter()
            .filter(|m| m.kind() == kind)
            .collect();
        if found.len() >= count {
            assert_eq!(found.len(), count, "no more than expected of {kind}");
            return found;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{kind}: {} of {count}",
            found.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn certify(verifier: &Session, product: i64, until: &str) -> u16 {
    let body = json!({"certificate_no": "扶贫产品认定〔2026〕1号", "certified_until": until});
    let path = format!("/api/v1/products/{product}/certification");
    verifier
        .send(reqwest::Method::PUT, &path, Some(&body))
        .await
        .0
}

/// The 消费帮扶 figures of a region (of the platform for `""`).
async fn consumption(app: &TestApp, region: &str) -> Value {
    let path = if region.is_empty() {
        "/api/v1/stats".to_owned()
    } else {
        format!("/api/v1/stats?region={region}")
    };
    let (status, body) = app.get_json(&path).await;
    assert_eq!(status, 200, "{body}");
    body["figures"]["consumption"].clone()
}

db_test! {
    async fn consumption_figures_count_certified_purchases_and_add_up_across_regions(backend: Backend) {
        let app = app(backend).await;
        let verifier = app.login_demo("verifier").await;
        let (coop, product) = shop(&app, 100, 1).await;
        // A second village's cooperative, in another province's city (河源, 4416).
        let heyuan_admin = crate::products::register(&app, "heyuan-coop@example.cn", "城西村合作社").await;
        let (status, org) = heyuan_admin
            .post("/api/v1/organisations", &json!({"kind": "cooperative", "name": "城西村猕猴桃合作社", "region_code": "441624100201"}))
            .await;
        assert_eq!(status, 201, "{org}");
        let heyuan = org["id"].as_i64().unwrap();
        crate::products::verify(&app, heyuan).await;
        let mut kiwi = honey(heyuan, 100, 1);
        kiwi["name"] = json!("和平猕猴桃");
        kiwi["category"] = json!("fruit");
        kiwi["unit_price_fen"] = json!(1_000);
        let kiwi = listed(&heyuan_admin, &kiwi).await;
        // A cooperative names its village.
        let (status, body) = heyuan_admin
            .post("/api/v1/organisations", &json!({"kind": "cooperative", "name": "无村合作社", "region_code": "441624"}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"]["region_code"][0]["levels"], json!(["village"]));

        // Certified: the honey (by 平远县's verifier) and the kiwis (by 和平县's).
        let until = (app.clock.now() + Duration::days(300)).date_naive().to_string();
        assert_eq!(certify(&verifier, product, &until).await, 200);
        let heyuan_verifier = app.login_demo("verifier-heyuan").await;
        assert_eq!(certify(&heyuan_verifier, kiwi, &until).await, 200);

        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let mut for_org = order(10);
        for_org["org_id"] = json!(org);
        let honey_order = placed(&enterprise, product, &for_org).await; // 10 × 68 元
        placed(&donor, kiwi, &order(30)).await; // 30 × 10 元, waiting
        let declined = placed(&donor, kiwi, &order(5)).await;
        assert_eq!(step(&coop.member, honey_order, "confirm", json!({})).await.0, 200);
        assert_eq!(step(&coop.member, honey_order, "ship", json!({"carrier": "邮政"})).await.0, 200);
        assert_eq!(step(&enterprise, honey_order, "receive", json!({"received_quantity": 8})).await.0, 200);
        assert_eq!(step(&heyuan_admin, declined, "decline", json!({"reason": "已售罄"})).await.0, 200);
        // An uncertified product's purchase is told apart.
        let mut jam = honey(coop.id, 10, 1);
        jam["name"] = json!("墩背村果酱");
        jam["unit_price_fen"] = json!(2_000);
        let jam = listed(&coop.member, &jam).await;
        placed(&donor, jam, &order(2)).await;

        let platform = consumption(&app, "").await;
        assert_eq!(platform["orders"], 2, "the honey and the kiwis waiting; not the declined, not the jam");
        assert_eq!(platform["ordered_value_fen"], 10 * 6_800 + 30 * 1_000);
        assert_eq!(platform["received_value_fen"], 8 * 6_800);
        assert_eq!(platform["uncertified_ordered_value_fen"], 2 * 2_000);
        assert_eq!(consumption(&app, "4414").await["ordered_value_fen"], 10 * 6_800);
        assert_eq!(consumption(&app, "4416").await["ordered_value_fen"], 30 * 1_000);
        assert_eq!(consumption(&app, "441624100201").await["received_value_fen"], 0);

        // By region: the cities add up to the province, the province to the platform.
        let (_, cities) = app.get_json("/api/v1/stats/regions?region=44").await;
        let children = cities["children"].as_array().unwrap();
        let sum = |field: &str| children.iter().map(|c| c[field].as_i64().unwrap()).sum::<i64>();
        assert_eq!(sum("consumption_ordered_fen"), platform["ordered_value_fen"].as_i64().unwrap());
        assert_eq!(sum("consumption_received_fen"), platform["received_value_fen"].as_i64().unwrap());
        let province = consumption(&app, "44").await;
        assert_eq!(province, platform);

        // The enterprise's own figures and ledger: its purchase, no delivery data.
        let (status, own) = enterprise.get(&format!("/api/v1/stats?org={org}")).await;
        assert_eq!(status, 200);
        assert_eq!(own["figures"]["consumption"]["ordered_value_fen"], 10 * 6_800);
        let (status, dashboard) = enterprise.get(&format!("/api/v1/organisations/{org}/dashboard")).await;
        assert_eq!(status, 200, "{dashboard}");
        assert_eq!(dashboard["purchases"][0]["order_id"], honey_order);
        let ledger = enterprise
            .client
            .get(app.url(&format!("/api/v1/exports/purchases?org={org}")))
            .send()
            .await
            .unwrap();
        assert_eq!(ledger.status(), 200);
        let csv = ledger.text().await.unwrap();
        assert!(csv.contains("订单编号") && csv.contains("墩背村百花蜜") && csv.contains("544.00"), "{csv}");
        assert!(!csv.contains(PHONE) && !csv.contains(ADDRESS));
        assert_eq!(donor.get(&format!("/api/v1/exports/purchases?org={org}")).await.0, 404);
    }
}
