//! The caps on one account (issue #16, "pledge abuse", and the same for orders): no stranger
//! ties up a village's needs with pledges, nor a product's stock with orders, they never mean
//! to honour. Each cap refuses with its code and changes nothing; an organisation's people are
//! not held to a person's share; the count frees up as pledges ship or are cancelled and as
//! orders are confirmed or cancelled; a rush by one account cannot pass a count; the hourly
//! rates answer 429 with Retry-After until the clock moves on; a large pledge has less time to
//! ship. On both databases.

use chrono::{DateTime, Duration, Utc};
use duijie::store::entity::{needs, pledges};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json};
use crate::orders::{order, place, placed, shop, step};
use crate::pledges::{app, app_with, pledge, published};
use crate::products::{register, stock};

async fn pledged_quantity(app: &TestApp, need: i64) -> i64 {
    needs::Entity::find_by_id(need)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .pledged_quantity
}

async fn pledge_rows(app: &TestApp) -> u64 {
    pledges::Entity::find().count(&app.db).await.unwrap()
}

async fn pledge_for(who: &Session, need: i64, quantity: i64, org: i64) -> (u16, Value) {
    who.post(
        &format!("/api/v1/needs/{need}/pledges"),
        &json!({"quantity": quantity, "org_id": org}),
    )
    .await
}

fn due(pledge: &Value) -> DateTime<Utc> {
    pledge["due_at"].as_str().unwrap().parse().unwrap()
}

db_test! {
    async fn a_person_may_pledge_half_a_need_and_an_organisation_more(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = pledge(&donor, need, 4).await;
        assert_eq!(status, 201, "{body}");
        let rows = pledge_rows(&app).await;

        let (status, error) = pledge(&donor, need, 2).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "pledge_share_limit");
        assert_eq!(error["error"]["details"], json!({"limit": 5, "current": 4, "unit": "set"}));
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("at most 1 more"), "{message}");
        assert_eq!(pledged_quantity(&app, need).await, 4, "nothing changed");
        assert_eq!(pledge_rows(&app).await, rows);

        let (status, body) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201, "up to half: {body}");
        // An organisation's people pledge for it beyond a person's half…
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let (status, body) = pledge_for(&enterprise, need, 5, org).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(pledged_quantity(&app, need).await, 10);

        // …and a cancelled pledge no longer counts toward the donor's share.
        let other = published(&app, 10, 1).await;
        let (_, first) = pledge(&donor, other, 5).await;
        let (status, _) = pledge(&donor, other, 1).await;
        assert_eq!(status, 422);
        let id = first["id"].as_i64().unwrap();
        let (status, body) = donor.post(&format!("/api/v1/pledges/{id}/cancel"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = pledge(&donor, other, 5).await;
        assert_eq!(status, 201, "{body}");
    }
}

db_test! {
    async fn unshipped_pledges_are_capped_per_account_until_one_ships_or_is_cancelled(backend: Backend) {
        let app = app_with(backend, |s| s.policy.pledge_max_open = 3).await;
        let need = published(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        let mut ids = vec![];
        for _ in 0..3 {
            let (status, body) = pledge(&donor, need, 1).await;
            assert_eq!(status, 201, "{body}");
            ids.push(body["id"].as_i64().unwrap());
        }
        let (status, error) = pledge(&donor, need, 1).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "pledge_limit");
        assert_eq!(error["error"]["details"], json!({"limit": 3, "current": 3}));
        assert_eq!(pledged_quantity(&app, need).await, 3, "nothing changed");
        // Pledges for an organisation count too: the cap is the account's.
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        for expected in [201, 201, 201, 422] {
            let (status, body) = pledge_for(&enterprise, need, 1, org).await;
            assert_eq!(status, expected, "{body}");
        }

        let (status, body) = donor
            .post(&format!("/api/v1/pledges/{}/ship", ids[0]), &json!({"reference": "SF0001"}))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201, "a shipped pledge frees its place: {body}");
        let (status, _) = pledge(&donor, need, 1).await;
        assert_eq!(status, 422);
        let (status, body) = donor.post(&format!("/api/v1/pledges/{}/cancel", ids[1]), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201, "so does a cancelled one: {body}");
    }
}

db_test! {
    async fn a_rush_by_one_account_never_passes_its_caps(backend: Backend) {
        let app = app_with(backend, |s| {
            s.policy.pledge_max_open = 5;
            s.policy.pledge_rate_per_hour = 10_000;
        })
        .await;
        let donor = app.login_demo("donor").await;
        // The count: 30 pledges at once on a need of 100, at most 5 open.
        let need = published(&app, 100, 1).await;
        let path = format!("/api/v1/needs/{need}/pledges");
        let one = json!({"quantity": 1});
        let answers = futures_util::future::join_all((0..30).map(|_| donor.post(&path, &one))).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 5, "{answers:?}");
        for (status, body) in answers.iter().filter(|(s, _)| *s != 201) {
            assert_eq!(*status, 422, "{body}");
            assert_error_code(body, "pledge_limit");
        }
        assert_eq!(pledged_quantity(&app, need).await, 5);

        // The share: 30 pledges at once on a need of 6 from a new account, at most 3 in all.
        let coordinator = register(&app, "rush@example.cn", "冲量").await;
        let small = published(&app, 6, 1).await;
        let path = format!("/api/v1/needs/{small}/pledges");
        let answers = futures_util::future::join_all((0..30).map(|_| coordinator.post(&path, &one))).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 3, "{answers:?}");
        assert!(answers.iter().all(|(s, b)| *s == 201 || b["error"]["code"] == "pledge_share_limit"), "{answers:?}");
        assert_eq!(pledged_quantity(&app, small).await, 3);
    }
}

db_test! {
    async fn pledging_faster_than_the_hourly_rate_waits_for_the_clock(backend: Backend) {
        let app = app_with(backend, |s| s.policy.pledge_rate_per_hour = 3).await;
        let need = published(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        for _ in 0..3 {
            let (status, body) = pledge(&donor, need, 1).await;
            assert_eq!(status, 201, "{body}");
        }
        let response = donor
            .client
            .post(app.url(&format!("/api/v1/needs/{need}/pledges")))
            .header("x-csrf-token", &donor.csrf_token)
            .json(&json!({"quantity": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&retry_after), "{retry_after}");
        let (_, error) = status_and_json(response).await;
        assert_error_code(&error, "rate_limited");
        assert!(error["error"]["message"].as_str().unwrap().contains("3 pledges an hour"), "{error}");
        assert_eq!(pledged_quantity(&app, need).await, 3, "nothing changed");
        // Another account is not held back by this one.
        let (status, body) = pledge(&app.login_demo("coordinator").await, need, 1).await;
        assert_eq!(status, 201, "{body}");

        app.clock.advance(Duration::seconds(retry_after));
        let (status, body) = pledge(&donor, need, 1).await;
        assert_eq!(status, 201, "the next hour: {body}");
    }
}

db_test! {
    async fn a_large_pledge_has_a_week_to_ship_and_a_small_one_a_month(backend: Backend) {
        let app = app(backend).await;
        // 100 desk sets at 300 元.
        let need = published(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        let (status, small) = pledge(&donor, need, 16).await;
        assert_eq!(status, 201, "{small}");
        assert_eq!(due(&small), app.clock.now() + Duration::days(30), "4,800 元: a month");
        let (status, large) = pledge(&app.login_demo("coordinator").await, need, 17).await;
        assert_eq!(status, 201, "{large}");
        assert_eq!(due(&large), app.clock.now() + Duration::days(7), "5,100 元: a week");
        // Half of a need, whatever it is worth, is large too.
        let cheap = published(&app, 2, 1).await;
        let (status, half) = pledge(&donor, cheap, 1).await;
        assert_eq!(status, 201, "{half}");
        assert_eq!(due(&half), app.clock.now() + Duration::days(7));
        let (_, error) = pledge(&donor, cheap, 1).await;
        assert_error_code(&error, "pledge_share_limit");

        // The large pledge expires after its week, and its desks go back to the need.
        app.clock.advance(Duration::days(7));
        assert_eq!(app.tick().await.pledges_expired, 2);
        assert_eq!(pledged_quantity(&app, need).await, 16);
    }
}

db_test! {
    async fn a_person_may_order_half_a_stock_and_an_organisation_more(backend: Backend) {
        let app = app(backend).await;
        let (_coop, product) = shop(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        placed(&donor, product, &order(4)).await;
        let (status, error) = place(&donor, product, &order(2)).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "order_share_limit");
        assert_eq!(error["error"]["details"], json!({"limit": 5, "current": 4, "unit": "bottle"}));
        assert_eq!(stock(&app, product).await, 6, "nothing changed");
        placed(&donor, product, &order(1)).await;

        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let mut for_org = order(5);
        for_org["org_id"] = json!(org);
        placed(&enterprise, product, &for_org).await;
        assert_eq!(stock(&app, product).await, 0);
    }
}

db_test! {
    async fn orders_waiting_for_their_seller_are_capped_until_confirmed_or_cancelled(backend: Backend) {
        let app = app_with(backend, |s| s.policy.order_max_open = 2).await;
        let (coop, product) = shop(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        let first = placed(&donor, product, &order(1)).await;
        let second = placed(&donor, product, &order(1)).await;
        let (status, error) = place(&donor, product, &order(1)).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "order_limit");
        assert_eq!(error["error"]["details"], json!({"limit": 2, "current": 2}));
        assert_eq!(stock(&app, product).await, 98, "nothing changed");

        let (status, body) = step(&coop.member, first, "confirm", json!({})).await;
        assert_eq!(status, 200, "{body}");
        placed(&donor, product, &order(1)).await;
        let (status, _) = place(&donor, product, &order(1)).await;
        assert_eq!(status, 422);
        let (status, body) = step(&donor, second, "cancel", json!({})).await;
        assert_eq!(status, 200, "{body}");
        placed(&donor, product, &order(1)).await;
    }
}

db_test! {
    async fn a_rush_of_orders_by_one_account_never_passes_its_cap(backend: Backend) {
        let app = app_with(backend, |s| {
            s.policy.order_max_open = 3;
            s.policy.order_rate_per_hour = 10_000;
        })
        .await;
        let (_coop, product) = shop(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        let body = order(1);
        let answers = futures_util::future::join_all((0..20).map(|_| place(&donor, product, &body))).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 3, "{answers:?}");
        assert!(answers.iter().all(|(s, b)| *s == 201 || b["error"]["code"] == "order_limit"), "{answers:?}");
        assert_eq!(stock(&app, product).await, 97);
    }
}

db_test! {
    async fn ordering_faster_than_the_hourly_rate_waits_for_the_clock(backend: Backend) {
        let app = app_with(backend, |s| s.policy.order_rate_per_hour = 2).await;
        let (_coop, product) = shop(&app, 100, 1).await;
        let donor = app.login_demo("donor").await;
        placed(&donor, product, &order(1)).await;
        placed(&donor, product, &order(1)).await;
        let response = donor
            .client
            .post(app.url(&format!("/api/v1/products/{product}/orders")))
            .header("x-csrf-token", &donor.csrf_token)
            .json(&order(1))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
        let (_, error) = status_and_json(response).await;
        assert_error_code(&error, "rate_limited");
        assert_eq!(stock(&app, product).await, 98, "nothing changed");
        app.clock.advance(Duration::hours(1));
        placed(&donor, product, &order(1)).await;
    }
}
