//! Offers of help over HTTP: their life from draft to withdrawal, who may do what, matching both
//! ways with its order and reasons, a village's request becoming a pledge, and the two guarded
//! quantities (the offer's and the need's) under concurrency, on both databases.

use chrono::Duration;
use duijie::store::entity::{needs, offers};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code};
use crate::pledges::{app, published};
use crate::search::api::drained;

/// An offer of `quantity` desk sets for the education category.
fn desks(quantity: i64, valid_days: i64, app: &TestApp) -> Value {
    json!({
        "kind": "goods",
        "unit": "set",
        "category": "education",
        "title": "捐赠学生课桌椅",
        "description": "企业捐赠一批全新学生课桌椅，可送货到村小学。",
        "quantity": quantity,
        "valid_until": (app.clock.now() + Duration::days(valid_days)).date_naive(),
    })
}

/// The enterprise's offer, published; returns its id.
async fn published_offer(app: &TestApp, enterprise: &Session, mut body: Value) -> i64 {
    body["org_id"] = json!(enterprise.organisation_id().await);
    let (status, offer) = enterprise.post("/api/v1/offers", &body).await;
    assert_eq!(status, 201, "{offer}");
    let id = offer["id"].as_i64().unwrap();
    let (status, offer) = enterprise
        .post(&format!("/api/v1/offers/{id}/publish"), &json!({}))
        .await;
    assert_eq!(status, 200, "{offer}");
    assert_eq!(offer["status"], "published");
    let _ = app;
    id
}

async fn offer_row(app: &TestApp, id: i64) -> offers::Model {
    offers::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn need_row(app: &TestApp, id: i64) -> needs::Model {
    needs::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

fn timeline_kinds(offer: &Value) -> Vec<&str> {
    offer["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

db_test! {
    async fn an_offer_goes_from_draft_to_withdrawn_and_only_its_offerer_moves_it(backend: Backend) {
        let app = app(backend).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let mut body = desks(50, 90, &app);
        body["org_id"] = json!(org);
        let (status, draft) = enterprise.post("/api/v1/offers", &body).await;
        assert_eq!(status, 201, "{draft}");
        let id = draft["id"].as_i64().unwrap();
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["destination"], "pairings", "an organisation's default");
        assert_eq!(draft["offered_by_name"], "梅州客都农业发展有限公司（演示）");
        let reach: Vec<&str> = draft["regions"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(reach, ["4414", "441426100200", "441426100201", "4418"], "its pairings' regions");
        assert_eq!(draft["manage"]["actions"], json!(["edit", "publish", "withdraw"]));

        // A draft is the offerer's alone.
        let path = format!("/api/v1/offers/{id}");
        assert_eq!(app.get_json(&path).await.0, 404);
        let donor = app.login_demo("donor").await;
        assert_eq!(donor.get(&path).await.0, 404);
        let (status, body) = donor.post(&format!("{path}/publish"), &json!({})).await;
        assert_eq!(status, 404, "a draft is not there for anyone else: {body}");

        let (status, offer) = enterprise.post(&format!("{path}/publish"), &json!({})).await;
        assert_eq!(status, 200, "{offer}");
        let (status, body) = donor.post(&format!("{path}/pause"), &json!({})).await;
        assert_eq!(status, 403, "{body}");
        assert_error_code(&body, "forbidden");
        let (status, public) = app.get_json(&path).await;
        assert_eq!(status, 200);
        assert_eq!(public["status"], "published");
        assert!(public.get("manage").is_none(), "the public sees no management");

        // Published offers are paused to be edited.
        let mut edit = desks(60, 90, &app);
        edit.as_object_mut().unwrap().remove("kind");
        edit.as_object_mut().unwrap().remove("unit");
        let (status, body) = enterprise
            .send(reqwest::Method::PUT, &path, Some(&edit))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "invalid_state");
        enterprise.post(&format!("{path}/pause"), &json!({})).await;
        let (status, body) = enterprise
            .send(reqwest::Method::PUT, &path, Some(&edit))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["quantity"], 60);
        assert_eq!(body["remaining"], 60);
        let (status, body) = enterprise.post(&format!("{path}/resume"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = enterprise.post(&format!("{path}/withdraw"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "withdrawn");
        assert_eq!(
            timeline_kinds(&body),
            ["created", "published", "paused", "edited", "resumed", "withdrawn"]
        );
        assert_eq!(app.get_json(&path).await.0, 404, "withdrawn offers leave public view");
        let (_, mine) = enterprise.get("/api/v1/me/offers").await;
        assert_eq!(mine["items"][0]["id"], id, "the offerer still lists it");
    }
}

db_test! {
    async fn bad_offers_are_refused_field_by_field_and_change_nothing(backend: Backend) {
        let app = app(backend).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let mut jobs = desks(20, 90, &app);
        jobs["kind"] = json!("jobs");
        jobs["unit"] = json!("item");
        jobs["org_id"] = json!(org);
        jobs["pay_max_fen"] = json!(100);
        jobs["pay_min_fen"] = json!(200);
        let (status, body) = enterprise.post("/api/v1/offers", &jobs).await;
        assert_eq!(status, 422, "the kind decides each, which no schema states: {body}");
        assert_error_code(&body, "validation_failed");
        let fields = &body["error"]["fields"];
        assert_eq!(fields["unit"][0]["code"], "one_of_with");
        assert_eq!(fields["unit"][0]["allowed"], json!(["position"]));
        assert_eq!(fields["job_place"][0]["code"], "required_with");
        assert_eq!(fields["pay_max_fen"][0]["code"], "below");
        assert_eq!(fields["pay_max_fen"][0]["min"], 200);

        // A person offers goods or money only, and has no pairings to send it to.
        let donor = app.login_demo("donor").await;
        let mut person_jobs = desks(5, 90, &app);
        person_jobs["kind"] = json!("jobs");
        person_jobs["unit"] = json!("position");
        person_jobs["destination"] = json!("pairings");
        let (status, body) = donor.post("/api/v1/offers", &person_jobs).await;
        assert_eq!(status, 422, "{body}");
        let fields = &body["error"]["fields"];
        assert_eq!(fields["kind"][0]["allowed"], json!(["goods", "money"]));
        assert_eq!(fields["destination"][0]["allowed"], json!(["regions", "anywhere"]));

        // Private data, a past date, an organisation not one's own, an unknown region.
        let mut bad = desks(5, 90, &app);
        bad["description"] = json!("联系人电话 13800138000，课桌椅直接送到。");
        bad["valid_until"] = json!((app.clock.now() - Duration::days(1)).date_naive());
        bad["org_id"] = json!(org + 1000);
        bad["destination"] = json!("regions");
        bad["regions"] = json!(["441426999999"]);
        let (status, body) = donor.post("/api/v1/offers", &bad).await;
        assert_eq!(status, 422, "{body}");
        let fields = &body["error"]["fields"];
        assert_eq!(fields["description"][0]["code"], "private_data");
        assert_eq!(fields["valid_until"][0]["code"], "future");
        assert_eq!(fields["org_id"][0]["code"], "not_found_reference");
        assert_eq!(fields["regions"][0]["code"], "not_found_reference");
        assert!(!body.to_string().contains("13800138000"), "the value is never echoed");

        let (_, mine) = donor.get("/api/v1/me/offers").await;
        assert_eq!(mine["items"], json!([]), "nothing was written");
        let (_, mine) = enterprise.get("/api/v1/me/offers").await;
        assert_eq!(mine["items"], json!([]));
    }
}

db_test! {
    async fn suggestions_rank_the_paired_offer_first_and_say_why(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 40, 1).await;
        let enterprise = app.login_demo("enterprise").await;
        let donor = app.login_demo("donor").await;
        // The enterprise's, to its pairings (万企帮万村 with the need's village): 30 of 40.
        let paired = published_offer(&app, &enterprise, desks(30, 90, &app)).await;
        // A citizen's, to the whole city: all 40 and more.
        let mut city = desks(100, 90, &app);
        city["destination"] = json!("regions");
        city["regions"] = json!(["4414"]);
        let (status, body) = donor.post("/api/v1/offers", &city).await;
        assert_eq!(status, 201, "{body}");
        let citys = body["id"].as_i64().unwrap();
        donor.post(&format!("/api/v1/offers/{citys}/publish"), &json!({})).await;
        // Elsewhere, another category, or a draft: not candidates.
        let mut elsewhere = desks(100, 90, &app);
        elsewhere["destination"] = json!("regions");
        elsewhere["regions"] = json!(["4416"]);
        let (_, body) = donor.post("/api/v1/offers", &elsewhere).await;
        let far = body["id"].as_i64().unwrap();
        donor.post(&format!("/api/v1/offers/{far}/publish"), &json!({})).await;
        let mut blankets = desks(100, 90, &app);
        blankets["category"] = json!("daily_goods");
        blankets["destination"] = json!("anywhere");
        let (_, body) = donor.post("/api/v1/offers", &blankets).await;
        let other = body["id"].as_i64().unwrap();
        donor.post(&format!("/api/v1/offers/{other}/publish"), &json!({})).await;

        let (status, found) = app.get_json(&format!("/api/v1/needs/{need}/offers")).await;
        assert_eq!(status, 200, "{found}");
        let ids: Vec<i64> = found.as_array().unwrap().iter().map(|s| s["offer"]["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [paired, citys], "the paired offer first; nothing out of reach or of another category");
        assert_eq!(
            found[0]["reasons"],
            json!([
                {"code": "paired", "program": "wanqi"},
                {"code": "covers", "percent": 75},
                {"code": "near", "level": "village"},
            ])
        );
        assert_eq!(found[0]["coverable"], 30);
        assert_eq!(found[1]["reasons"][0], json!({"code": "covers", "percent": 100}));
        assert_eq!(found[1]["reasons"][1], json!({"code": "near", "level": "city"}));

        // And the other way: the needs the enterprise's offer could fill (from the index).
        drained(&app).await;
        let (status, found) = app.get_json(&format!("/api/v1/offers/{paired}/needs")).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
        assert_eq!(found[0]["need"]["id"], need);
        assert_eq!(found[0]["reasons"][0]["code"], "paired");
        let (_, found) = app.get_json(&format!("/api/v1/offers/{far}/needs")).await;
        assert_eq!(found, json!([]), "out of reach");
    }
}

db_test! {
    async fn a_village_asks_for_an_offer_and_its_acceptance_is_a_pledge_on_both_sides(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 40, 1).await;
        let enterprise = app.login_demo("enterprise").await;
        let cadre = app.login_demo("cadre").await;
        let offer = published_offer(&app, &enterprise, desks(30, 90, &app)).await;
        let path = format!("/api/v1/offers/{offer}/requests");

        // Only the need's village asks; not more than the offer can give.
        let donor = app.login_demo("donor").await;
        let (status, body) = donor.post(&path, &json!({"need_id": need, "quantity": 5})).await;
        assert!(matches!(status, 403 | 422), "{status} {body}");
        let (status, body) = cadre.post(&path, &json!({"need_id": need, "quantity": 31})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"]["quantity"][0]["max"], 30);

        let (status, request) = cadre
            .post(&path, &json!({"need_id": need, "quantity": 20, "note": "秋季开学前需要"}))
            .await;
        assert_eq!(status, 201, "{request}");
        assert_eq!(request["status"], "pending");
        let (status, body) = cadre.post(&path, &json!({"need_id": need, "quantity": 5})).await;
        assert_eq!(status, 409, "one waiting request per need and offer: {body}");

        // The enterprise sees it, and accepts: a pledge of 20 sets for the enterprise.
        let (_, detail) = enterprise.get(&format!("/api/v1/offers/{offer}")).await;
        assert_eq!(detail["manage"]["requests"][0]["id"], request["id"]);
        assert_eq!(detail["manage"]["requests"][0]["need_title"], "村小学课桌椅");
        let accept = format!("/api/v1/offer-requests/{}/accept", request["id"]);
        assert_eq!(cadre.post(&accept, &json!({})).await.0, 403, "not the offering side");
        let (status, pledge) = enterprise.post(&accept, &json!({})).await;
        assert_eq!(status, 201, "{pledge}");
        assert_eq!(pledge["quantity"], 20);
        assert_eq!(pledge["need_id"], need);
        assert_eq!(pledge["organisation_id"], enterprise.organisation_id().await);
        let (status, again) = enterprise.post(&accept, &json!({})).await;
        assert_eq!(status, 201, "{again}");
        assert_eq!(again["id"], pledge["id"], "accepting twice is the same pledge");

        assert_eq!(need_row(&app, need).await.pledged_quantity, 20);
        assert_eq!(offer_row(&app, offer).await.remaining, 10);
        let (_, pledges) = app.get_json(&format!("/api/v1/needs/{need}/pledges")).await;
        assert_eq!(pledges["items"].as_array().unwrap().len(), 1, "the village sees the pledge");
        let (_, requests) = cadre.get(&format!("/api/v1/needs/{need}/offer-requests")).await;
        assert_eq!(requests["items"][0]["status"], "accepted");
        assert_eq!(requests["items"][0]["pledge_id"], pledge["id"]);
        let (_, mine) = enterprise.get("/api/v1/me/pledges").await;
        assert_eq!(mine["items"][0]["id"], pledge["id"], "the enterprise's ledger holds it");
        let (_, offer_now) = app.get_json(&format!("/api/v1/offers/{offer}")).await;
        assert_eq!(offer_now["matched"], 20);
        assert_eq!(
            timeline_kinds(&offer_now),
            ["created", "published", "requested", "request_accepted"]
        );

        // The figures, the exports, the coordinator's board and the enterprise's dashboard.
        let (_, stats) = app.get_json("/api/v1/stats").await;
        assert_eq!(
            stats["figures"]["offers"],
            json!({"published": 1, "matched_pledges": 1, "matched_value_fen": 600_000, "median_days_to_match": 0.0})
        );
        let (_, county) = app.get_json("/api/v1/stats?region=441426").await;
        assert_eq!(county["figures"]["offers"]["published"], 1, "matched with a need there");
        let (_, elsewhere) = app.get_json("/api/v1/stats?region=4416").await;
        assert_eq!(elsewhere["figures"]["offers"]["matched_value_fen"], 0);
        let org = enterprise.organisation_id().await;
        let csv = enterprise
            .client
            .get(app.url(&format!("/api/v1/exports/offers?org={org}")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        let csv = csv.text().await.unwrap();
        assert!(csv.contains("帮扶资源编号") && csv.contains("捐赠学生课桌椅"), "{csv}");
        assert!(csv.contains(",20,10,") && csv.contains("6000.00"), "matched 20 of 30, worth 6000 元: {csv}");
        assert_eq!(cadre.get(&format!("/api/v1/exports/offers?org={org}")).await.0, 404);
        let coordinator = app.login_demo("coordinator").await;
        let (_, pairings) = app.get_json("/api/v1/pairings").await;
        let guangzhou = pairings["items"].as_array().unwrap().iter().find(|p| p["program"] == "duikou" && p["targets"].to_string().contains("4414")).unwrap()["id"].as_i64().unwrap();
        let (status, board) = coordinator.get(&format!("/api/v1/pairings/{guangzhou}/board")).await;
        assert_eq!(status, 200, "{board}");
        let on_board = board["offers"].as_array().unwrap().iter().find(|o| o["id"] == offer).unwrap();
        assert_eq!(on_board["matched"], 20, "a member's offer, and how much of it was matched");
        drained(&app).await;
        let (status, dashboard) = enterprise.get(&format!("/api/v1/organisations/{org}/dashboard")).await;
        assert_eq!(status, 200, "{dashboard}");
        assert_eq!(dashboard["offers"][0]["id"], offer);
        assert_eq!(dashboard["needs_for_you"][0]["need"]["id"], need, "20 still needed, 10 still offered");

        // A second request is declined, with a reason the village reads.
        let (_, second) = cadre.post(&path, &json!({"need_id": need, "quantity": 5})).await;
        let decline = format!("/api/v1/offer-requests/{}/decline", second["id"]);
        let (status, body) = enterprise.post(&decline, &json!({"reason": "本批已分配完毕"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "declined");
        assert_eq!(body["decline_reason"], "本批已分配完毕");
        let (status, body) = enterprise.post(&decline, &json!({"reason": "再次婉拒"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(need_row(&app, need).await.pledged_quantity, 20, "a decline pledges nothing");

        // Cancelling the pledge gives its sets back to the offer too.
        let (status, body) = enterprise
            .post(&format!("/api/v1/pledges/{}/cancel", pledge["id"]), &json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(offer_row(&app, offer).await.remaining, 30);
        assert_eq!(need_row(&app, need).await.pledged_quantity, 0);
    }
}

db_test! {
    async fn concurrent_applications_never_take_an_offer_or_a_need_below_zero(backend: Backend) {
        let app = crate::pledges::app_with(backend, crate::pledges::uncapped).await;
        let enterprise = app.login_demo("enterprise").await;
        // The offer is the smaller side: 10 sets for a need of 100.
        let big_need = published(&app, 100, 1).await;
        let small_offer = published_offer(&app, &enterprise, desks(10, 90, &app)).await;
        let path = format!("/api/v1/offers/{small_offer}/apply");
        let one = json!({"need_id": big_need, "quantity": 1});
        let answers = futures_util::future::join_all((0..30).map(|_| enterprise.post(&path, &one))).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 10, "{answers:?}");
        assert!(answers.iter().all(|(s, _)| matches!(*s, 201 | 409 | 422)), "{answers:?}");
        let spent = offer_row(&app, small_offer).await;
        assert_eq!(spent.remaining, 0);
        assert_eq!(spent.status.as_str(), "exhausted");
        assert_eq!(need_row(&app, big_need).await.pledged_quantity, 10);

        // The need is the smaller side: 100 sets for a need of 10.
        let small_need = published(&app, 10, 1).await;
        let big_offer = published_offer(&app, &enterprise, desks(100, 90, &app)).await;
        let path = format!("/api/v1/offers/{big_offer}/apply");
        let one = json!({"need_id": small_need, "quantity": 1});
        let answers = futures_util::future::join_all((0..30).map(|_| enterprise.post(&path, &one))).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 10, "{answers:?}");
        let need = need_row(&app, small_need).await;
        assert_eq!(need.pledged_quantity, 10);
        assert_eq!(need.status.as_str(), "fully_pledged");
        assert_eq!(offer_row(&app, big_offer).await.remaining, 90, "only what was pledged was taken");
    }
}

db_test! {
    async fn an_offer_expires_after_its_last_day_and_unanswered_requests_with_it(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 40, 1).await;
        let enterprise = app.login_demo("enterprise").await;
        let cadre = app.login_demo("cadre").await;
        let offer = published_offer(&app, &enterprise, desks(30, 5, &app)).await;
        let (status, request) = cadre
            .post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 3}))
            .await;
        assert_eq!(status, 201, "{request}");
        app.clock.advance(Duration::days(7));
        let report = app.tick().await;
        assert_eq!(report.offers_expired, 1);
        assert_eq!(report.requests_expired, 1);
        assert_eq!(offer_row(&app, offer).await.status.as_str(), "expired");
        let (_, requests) = cadre.get(&format!("/api/v1/needs/{need}/offer-requests")).await;
        assert_eq!(requests["items"][0]["status"], "expired");
        let (status, body) = enterprise
            .post(&format!("/api/v1/offer-requests/{}/accept", request["id"]), &json!({}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(app.tick().await.offers_expired, 0, "once");
    }
}

/// Searches the offers hall until `found` holds (the worker syncs the index), up to 20 s.
async fn search_offers_until(app: &TestApp, query: &str, found: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let (status, page) = app
            .get_json(&format!("/api/v1/offers/search?{query}"))
            .await;
        assert_eq!(status, 200, "{page}");
        if found(&page) {
            return page;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{query}: {page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn hit_ids(page: &Value) -> Vec<i64> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

db_test! {
    async fn the_offers_hall_finds_live_offers_by_words_and_where_they_may_go(backend: Backend) {
        let app = app(backend).await;
        let enterprise = app.login_demo("enterprise").await;
        let offer = published_offer(&app, &enterprise, desks(30, 90, &app)).await;
        let page = search_offers_until(&app, "q=课桌椅", |p| hit_ids(p) == [offer]).await;
        assert_eq!(page["hits"][0]["offered_by_name"], "梅州客都农业发展有限公司（演示）");
        assert_eq!(page["facets"]["kind"]["goods"], 1);
        assert_eq!(page["facets"]["programmes"]["wanqi"], 1);
        // To its pairings: 梅州 (4414) through 对口帮扶 and the two villages; not 河源 (4416).
        let (_, inside) = app.get_json("/api/v1/offers/search?region=441426100201").await;
        assert_eq!(hit_ids(&inside), [offer]);
        let (_, elsewhere) = app.get_json("/api/v1/offers/search?region=4416").await;
        assert_eq!(hit_ids(&elsewhere), Vec::<i64>::new());
        let (status, body) = app.get_json("/api/v1/offers/search?kind=cash").await;
        assert_eq!(status, 400);
        assert_error_code(&body, "invalid_parameter");
        // Withdrawn, it leaves the hall.
        enterprise.post(&format!("/api/v1/offers/{offer}/withdraw"), &json!({})).await;
        search_offers_until(&app, "q=课桌椅", |p| hit_ids(p).is_empty()).await;
    }
}

db_test! {
    async fn every_offer_and_follow_route_answers_only_whoever_may_use_it(backend: Backend) {
        let app = app(backend).await;
        let need = published(&app, 40, 1).await;
        let enterprise = app.login_demo("enterprise").await;
        let cadre = app.login_demo("cadre").await;
        let donor = app.login_demo("donor").await;
        let offer = published_offer(&app, &enterprise, desks(30, 90, &app)).await;
        let mut draft = desks(5, 90, &app);
        draft["org_id"] = json!(enterprise.organisation_id().await);
        let (_, draft) = enterprise.post("/api/v1/offers", &draft).await;
        let draft = draft["id"].as_i64().unwrap();
        let (_, request) = cadre
            .post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 2}))
            .await;
        let request = request["id"].as_i64().unwrap();
        let (_, follow) = donor.post("/api/v1/me/follows", &json!({"target_kind": "category", "target": "education"})).await;
        let follow = follow["id"].as_i64().unwrap();
        let edit = {
            let mut body = desks(30, 90, &app);
            body.as_object_mut().unwrap().remove("kind");
            body.as_object_mut().unwrap().remove("unit");
            body
        };
        use reqwest::Method as M;
        // (method, path, body, what a visitor gets, what a signed-in stranger — the demo
        // coordinator, who neither offers nor records needs — gets)
        let routes: Vec<(M, String, Value, u16, &[u16])> = vec![
            (M::POST, "/api/v1/offers".into(), json!({}), 401, &[400]),
            (M::GET, "/api/v1/offers/search".into(), json!(null), 200, &[200]),
            (M::GET, "/api/v1/me/offers".into(), json!(null), 401, &[200]),
            (M::GET, format!("/api/v1/offers/{offer}"), json!(null), 200, &[200]),
            (M::GET, format!("/api/v1/offers/{draft}"), json!(null), 404, &[404]),
            (M::PUT, format!("/api/v1/offers/{offer}"), edit.clone(), 401, &[403]),
            (M::PUT, format!("/api/v1/offers/{draft}"), edit, 401, &[404]),
            (M::POST, format!("/api/v1/offers/{offer}/pause"), json!({}), 401, &[403]),
            (M::POST, format!("/api/v1/offers/{offer}/withdraw"), json!({}), 401, &[403]),
            (M::POST, format!("/api/v1/offers/{draft}/publish"), json!({}), 401, &[404]),
            (M::POST, format!("/api/v1/offers/{offer}/resume"), json!({}), 401, &[403]),
            (M::GET, format!("/api/v1/offers/{offer}/needs"), json!(null), 200, &[200]),
            (M::GET, format!("/api/v1/needs/{need}/offers"), json!(null), 200, &[200]),
            (M::GET, format!("/api/v1/organisations/{}/offers", enterprise.organisation_id().await), json!(null), 200, &[200]),
            (M::POST, format!("/api/v1/offers/{offer}/requests"), json!({"need_id": need, "quantity": 1}), 401, &[403]),
            (M::GET, format!("/api/v1/needs/{need}/offer-requests"), json!(null), 401, &[403]),
            (M::POST, format!("/api/v1/offer-requests/{request}/accept"), json!({}), 401, &[403]),
            (M::POST, format!("/api/v1/offer-requests/{request}/decline"), json!({"reason": "不需要了"}), 401, &[403]),
            (M::POST, format!("/api/v1/offer-requests/{request}/withdraw"), json!({}), 401, &[404]),
            (M::POST, format!("/api/v1/offers/{offer}/apply"), json!({"need_id": need, "quantity": 1}), 401, &[403]),
            (M::GET, "/api/v1/me/follows".into(), json!(null), 401, &[200]),
            (M::POST, "/api/v1/me/follows".into(), json!({}), 401, &[400]),
            (M::PATCH, format!("/api/v1/me/follows/{follow}"), json!({"mode": "daily"}), 401, &[404]),
            (M::DELETE, format!("/api/v1/me/follows/{follow}"), json!(null), 401, &[404]),
            (M::GET, format!("/api/v1/exports/offers?org={}", enterprise.organisation_id().await), json!(null), 401, &[404]),
        ];
        let stranger = app.login_demo("coordinator").await;
        for (method, path, body, visitor, signed_in) in routes {
            let mut anonymous = app.client.request(method.clone(), app.url(&path));
            if !body.is_null() {
                anonymous = anonymous.json(&body);
            }
            let status = anonymous.send().await.unwrap().status().as_u16();
            assert_eq!(status, visitor, "a visitor: {method} {path}");
            let body = (!body.is_null()).then_some(&body);
            let (status, answer) = stranger.send(method.clone(), &path, body).await;
            assert!(signed_in.contains(&status), "a stranger: {method} {path}: {status} {answer}");
        }
        // Nothing the strangers tried changed anything.
        assert_eq!(offer_row(&app, offer).await.status.as_str(), "published");
        assert_eq!(offer_row(&app, offer).await.remaining, 30);
        assert_eq!(need_row(&app, need).await.pledged_quantity, 0);
        let (_, follows) = donor.get("/api/v1/me/follows").await;
        assert_eq!(follows["items"][0]["mode"], "instant");
    }
}

db_test! {
    async fn concurrent_acceptances_take_an_offer_to_zero_and_no_further(backend: Backend) {
        let app = app(backend).await;
        let enterprise = app.login_demo("enterprise").await;
        let cadre = app.login_demo("cadre").await;
        let offer = published_offer(&app, &enterprise, desks(10, 90, &app)).await;
        // Twelve needs ask for 1 set each, then the offering side accepts all twelve at once.
        let mut requests = Vec::new();
        for _ in 0..12 {
            let need = published(&app, 5, 1).await;
            let (status, request) = cadre
                .post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 1}))
                .await;
            assert_eq!(status, 201, "{request}");
            requests.push(request["id"].as_i64().unwrap());
        }
        let paths: Vec<String> = requests.iter().map(|id| format!("/api/v1/offer-requests/{id}/accept")).collect();
        let empty = json!({});
        let answers = futures_util::future::join_all(paths.iter().map(|p| enterprise.post(p, &empty))).await;
        let accepted = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(accepted, 10, "{answers:?}");
        assert!(answers.iter().all(|(s, _)| matches!(*s, 201 | 409 | 422)), "{answers:?}");
        let spent = offer_row(&app, offer).await;
        assert_eq!((spent.remaining, spent.status.as_str()), (0, "exhausted"));
        let (_, mine) = enterprise.get("/api/v1/me/pledges").await;
        assert_eq!(mine["total"], 10, "one pledge per accepted request");
        let (_, detail) = enterprise.get(&format!("/api/v1/offers/{offer}")).await;
        let pending = detail["manage"]["requests"].as_array().unwrap().iter().filter(|r| r["status"] == "pending").count();
        assert_eq!(pending, 2, "the two refused stay pending, to decline or to expire");
    }
}
