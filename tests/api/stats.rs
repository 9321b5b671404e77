//! Pairings, assessment figures, coordination boards and exports, checked against figures
//! computed by hand on a small seeded world, on both databases.
//!
//! The world, on a clock starting 2026-03-01 10:00 Beijing time (values per unit in fen):
//! - A: 墩背村, a household's need, 10 sets × 30,000, published day 0. Day 1 the enterprise
//!   (客都农业) pledges 4, day 3 the donor 6 (fully pledged); both ship; the village confirms
//!   4 on day 5 and 6 on day 6 (fulfilled on day 6).
//! - B: 墩背村, 5 kg × 10,000, published day 0; the donor pledges 2 on day 2 and never ships:
//!   overdue once its 30 days are up.
//! - C: 墩背村, money, 100,000 fen (¥1,000), published day 0; the enterprise pledges 50,000 on
//!   day 35 (April), ships, the village confirms it on day 36.
//! - D: 城西村 in 河源 (outside 梅州), 3 sets × 20,000; the donor pledges all 3 on day 1.
//!
//! "Now" is day 40 (2026-04-10).

use chrono::{DateTime, Duration, TimeZone, Utc};
use duijie::media::samples;
use image::ImageFormat;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, test_sealer};

const DUNBEI: &str = "441426100200";
const CHENGXI: &str = "441624100201";

fn day0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()
}

struct World {
    app: TestApp,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    enterprise_org: i64,
    guangzhou_pairing: i64,
    wanqi_pairing: i64,
}

async fn need(app: &TestApp, cadre: &Session, verifier: &Session, body: Value) -> i64 {
    let mut body = body;
    body["deadline"] = json!((app.clock.now() + Duration::days(120)).to_rfc3339());
    body["description"] = json!("村里需要，请社会各界帮助。");
    let (status, created) = cadre.post("/api/v1/needs", &body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, body) = cadre
        .post(&format!("/api/v1/needs/{id}/submit"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = verifier
        .post(&format!("/api/v1/needs/{id}/verify"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
    id
}

async fn pledge(donor: &Session, need: i64, quantity: i64, org: Option<i64>) -> i64 {
    let (status, body) = donor
        .post(
            &format!("/api/v1/needs/{need}/pledges"),
            &json!({"quantity": quantity, "org_id": org}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn deliver(app: &TestApp, donor: &Session, cadre: &Session, pledge: i64, received: i64) {
    let (status, body) = donor
        .post(
            &format!("/api/v1/pledges/{pledge}/ship"),
            &json!({"reference": "SF0001"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let response = cadre
        .client
        .post(app.url(&format!("/api/v1/pledges/{pledge}/photos")))
        .header("x-csrf-token", &cadre.csrf_token)
        .body(samples::picture(16, 16, ImageFormat::Png))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, body) = cadre
        .post(
            &format!("/api/v1/pledges/{pledge}/confirm"),
            &json!({"received_quantity": received}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn pairing_named(app: &TestApp, program: &str, fragment: &str) -> i64 {
    let (status, list) = app
        .get_json(&format!("/api/v1/pairings?program={program}"))
        .await;
    assert_eq!(status, 200, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str().unwrap().contains(fragment))
        .unwrap_or_else(|| panic!("no pairing {fragment} in {list}"))["id"]
        .as_i64()
        .unwrap()
}

async fn world(backend: crate::helpers::Backend) -> World {
    world_with(backend, |_| {}).await
}

/// The world, with settings changed by `configure`.
async fn world_with(
    backend: crate::helpers::Backend,
    configure: impl FnOnce(&mut duijie::config::Settings),
) -> World {
    // One person gives whole small needs here, and every pledge has the usual 30 days: the
    // caps on one account and the large pledges' shorter time have tests of their own.
    let app = TestApp::spawn_with(backend, |s| {
        s.policy.notice_days = 0;
        s.policy.pledge_max_share_percent = 100;
        s.policy.large_pledge_due_days = s.policy.pledge_due_days;
        configure(s);
    })
    .await;
    duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
    app.clock.set(day0());
    let cadre = app.login_demo("cadre").await;
    let verifier = app.login_demo("verifier").await;
    let cadre_heyuan = app.login_demo("cadre-heyuan").await;
    let verifier_heyuan = app.login_demo("verifier-heyuan").await;
    let donor = app.login_demo("donor").await;
    let enterprise = app.login_demo("enterprise").await;
    let enterprise_org = enterprise.organisation_id().await;
    let (_, households) = cadre
        .get(&format!("/api/v1/households?village={DUNBEI}"))
        .await;
    let household = households["items"][0]["id"].as_i64().unwrap();

    let a = need(
        &app,
        &cadre,
        &verifier,
        json!({"beneficiary": "household", "household_id": household, "category": "education",
        "title": "学生书桌", "unit": "set", "target_quantity": 10, "unit_value_fen": 30_000}),
    )
    .await;
    let b = need(
        &app,
        &cadre,
        &verifier,
        json!({"beneficiary": "village", "village_code": DUNBEI, "category": "daily_goods",
        "title": "冬季大米", "unit": "kg", "target_quantity": 5, "unit_value_fen": 10_000}),
    )
    .await;
    let c = need(
        &app,
        &cadre,
        &verifier,
        json!({"beneficiary": "village", "village_code": DUNBEI, "category": "industry",
        "title": "蜂箱启动资金", "unit": "money", "target_quantity": 100_000}),
    )
    .await;
    let d = need(
        &app,
        &cadre_heyuan,
        &verifier_heyuan,
        json!({"beneficiary": "village", "village_code": CHENGXI, "category": "education",
        "title": "图书角书架", "unit": "set", "target_quantity": 3, "unit_value_fen": 20_000}),
    )
    .await;

    app.clock.set(day0() + Duration::days(1));
    let a_org = pledge(&enterprise, a, 4, Some(enterprise_org)).await;
    pledge(&donor, d, 3, None).await;
    app.clock.set(day0() + Duration::days(2));
    pledge(&donor, b, 2, None).await;
    app.clock.set(day0() + Duration::days(3));
    let a_donor = pledge(&donor, a, 6, None).await;
    app.clock.set(day0() + Duration::days(5));
    deliver(&app, &enterprise, &cadre, a_org, 4).await;
    app.clock.set(day0() + Duration::days(6));
    deliver(&app, &donor, &cadre, a_donor, 6).await;
    app.clock.set(day0() + Duration::days(35));
    let c_org = pledge(&enterprise, c, 50_000, Some(enterprise_org)).await;
    app.clock.set(day0() + Duration::days(36));
    deliver(&app, &enterprise, &cadre, c_org, 50_000).await;
    app.clock.set(day0() + Duration::days(40));

    World {
        guangzhou_pairing: pairing_named(&app, "duikou", "广州").await,
        wanqi_pairing: pairing_named(&app, "wanqi", "客都农业").await,
        app,
        a,
        b,
        c,
        d,
        enterprise_org,
    }
}

/// The figures of 梅州 (and of the pairings that help it), by hand.
fn meizhou_figures() -> Value {
    json!({
        "needs": {"published": 3, "fully_pledged": 1, "fulfilled": 1, "open": 2,
                  "fully_pledged_rate": 0.3333, "fulfilled_rate": 0.3333,
                  "target_value_fen": 450_000, "open_value_fen": 80_000},
        "pledges": {"made": 4, "pledged_value_fen": 370_000, "delivered_value_fen": 350_000, "overdue": 1},
        "households_reached": 1,
        "villages_reached": 1,
        "median_days_to_first_pledge": 2.0,
        "median_days_to_fulfilment": 6.0,
        "series": [
            {"month": "2026-03", "needs_published": 3, "pledged_value_fen": 320_000, "delivered_value_fen": 300_000},
            {"month": "2026-04", "needs_published": 0, "pledged_value_fen": 50_000, "delivered_value_fen": 50_000},
        ],
        "offers": {"published": 0, "matched_pledges": 0, "matched_value_fen": 0, "median_days_to_match": null},
        "consumption": {"orders": 0, "ordered_value_fen": 0, "received_value_fen": 0,
                        "households_supported": 0, "uncertified_ordered_value_fen": 0},
    })
}

db_test! {
    async fn figures_by_region_compare_the_divisions_of_a_region(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let (status, provinces) = app.get_json("/api/v1/stats/regions").await;
        assert_eq!(status, 200, "{provinces}");
        assert_eq!(provinces["region"], Value::Null);
        assert_eq!(provinces["children"], json!([{
            "code": "44", "name": "广东省", "needs_published": 4, "needs_open": 2, "needs_fulfilled": 1,
            "target_value_fen": 510_000, "open_value_fen": 80_000, "delivered_value_fen": 350_000,
            "consumption_ordered_fen": 0, "consumption_received_fen": 0,
        }]));

        let (status, cities) = app.get_json("/api/v1/stats/regions?region=44").await;
        assert_eq!(status, 200, "{cities}");
        assert_eq!(cities["region"]["name"], "广东省");
        // 梅州 as its own figures give it; 河源 holds D alone, fully pledged, nothing arrived.
        let meizhou = meizhou_figures();
        assert_eq!(cities["children"], json!([
            {"code": "4414", "name": "梅州市", "needs_published": 3, "needs_open": 2, "needs_fulfilled": 1,
             "target_value_fen": meizhou["needs"]["target_value_fen"], "open_value_fen": meizhou["needs"]["open_value_fen"],
             "delivered_value_fen": meizhou["pledges"]["delivered_value_fen"],
             "consumption_ordered_fen": 0, "consumption_received_fen": 0},
            {"code": "4416", "name": "河源市", "needs_published": 1, "needs_open": 0, "needs_fulfilled": 0,
             "target_value_fen": 60_000, "open_value_fen": 0, "delivered_value_fen": 0,
             "consumption_ordered_fen": 0, "consumption_received_fen": 0},
        ]));
        let (_, towns) = app.get_json("/api/v1/stats/regions?region=441426").await;
        assert_eq!(towns["children"].as_array().unwrap().len(), 1, "{towns}");
        assert_eq!(towns["children"][0]["code"], "441426100");
        let (status, villages) = app.get_json(&format!("/api/v1/stats/regions?region={DUNBEI}")).await;
        assert_eq!(status, 200);
        assert_eq!(villages["children"], json!([]), "nothing below a village");

        let (status, body) = app.get_json("/api/v1/stats/regions?region=44x").await;
        assert_eq!(status, 400);
        assert_error_code(&body, "invalid_region_code");
        let (status, body) = app.get_json("/api/v1/stats/regions?region=4499").await;
        assert_eq!(status, 404);
        assert_error_code(&body, "region_not_found");
        let (status, _) = app.get_json("/api/v1/stats/regions?regio=44").await;
        assert_eq!(status, 400);
    }
}

db_test! {
    async fn figures_for_regions_pairings_an_organisation_and_the_platform_match_the_hand_count(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        for region in ["4414", "441426", "441426100", DUNBEI] {
            let (status, body) = app.get_json(&format!("/api/v1/stats?region={region}")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["figures"], meizhou_figures(), "region {region}");
            assert_eq!(body["scope"]["kind"], "region");
        }
        let (_, meizhou) = app.get_json("/api/v1/stats?region=4414").await;
        assert_eq!(meizhou["scope"]["name"], "梅州市");
        for pairing in [w.guangzhou_pairing, w.wanqi_pairing] {
            let (status, body) = app.get_json(&format!("/api/v1/stats?pairing={pairing}")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["figures"], meizhou_figures(), "pairing {pairing}");
        }

        // 河源 holds D alone: fully pledged the day after it went public, nothing arrived yet.
        let (_, heyuan) = app.get_json("/api/v1/stats?region=4416").await;
        assert_eq!(heyuan["figures"]["needs"]["published"], 1);
        assert_eq!(heyuan["figures"]["needs"]["fully_pledged"], 1);
        assert_eq!(heyuan["figures"]["needs"]["fully_pledged_rate"], 1.0);
        assert_eq!(heyuan["figures"]["pledges"]["pledged_value_fen"], 60_000);
        assert_eq!(heyuan["figures"]["pledges"]["delivered_value_fen"], 0);
        assert_eq!(heyuan["figures"]["median_days_to_first_pledge"], 1.0);
        assert_eq!(heyuan["figures"]["median_days_to_fulfilment"], Value::Null);
        let (_, empty) = app.get_json("/api/v1/stats?region=4418").await;
        assert_eq!(empty["figures"]["needs"]["published"], 0);
        assert_eq!(empty["figures"]["needs"]["fully_pledged_rate"], 0.0);
        assert_eq!(empty["figures"]["series"], json!([]));

        let (_, platform) = app.get_json("/api/v1/stats").await;
        assert_eq!(platform["scope"]["kind"], "platform");
        assert_eq!(platform["figures"]["needs"]["published"], 4);
        assert_eq!(platform["figures"]["pledges"]["made"], 5);
        assert_eq!(platform["figures"]["pledges"]["pledged_value_fen"], 430_000);
        assert_eq!(platform["figures"]["median_days_to_first_pledge"], 1.5, "A 1, D 1, B 2, C 35");

        // The enterprise's own: its pledges to A and C, and the needs it pledged to.
        let org = w.enterprise_org;
        let (status, body) = app.get_json(&format!("/api/v1/stats?org={org}")).await;
        assert_eq!(status, 404, "an organisation's figures are its own: {body}");
        let enterprise = app.login_demo("enterprise").await;
        let (status, body) = enterprise.get(&format!("/api/v1/stats?org={org}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["figures"], json!({
            "needs": {"published": 2, "fully_pledged": 1, "fulfilled": 1, "open": 1,
                      "fully_pledged_rate": 0.5, "fulfilled_rate": 0.5,
                      "target_value_fen": 400_000, "open_value_fen": 50_000},
            "pledges": {"made": 2, "pledged_value_fen": 170_000, "delivered_value_fen": 170_000, "overdue": 0},
            "households_reached": 1,
            "villages_reached": 1,
            "median_days_to_first_pledge": 18.0,
            "median_days_to_fulfilment": 6.0,
            "series": [
                {"month": "2026-03", "needs_published": 2, "pledged_value_fen": 120_000, "delivered_value_fen": 120_000},
                {"month": "2026-04", "needs_published": 0, "pledged_value_fen": 50_000, "delivered_value_fen": 50_000},
            ],
            "offers": {"published": 0, "matched_pledges": 0, "matched_value_fen": 0, "median_days_to_match": null},
            "consumption": {"orders": 0, "ordered_value_fen": 0, "received_value_fen": 0,
                            "households_supported": 0, "uncertified_ordered_value_fen": 0},
        }));

        // The same sums straight from the rows, to the fen.
        let pledges = duijie::store::entity::pledges::Entity::find().all(&app.db).await.unwrap();
        let needs = duijie::store::entity::needs::Entity::find().all(&app.db).await.unwrap();
        let value = |p: &duijie::store::entity::pledges::Model| {
            needs.iter().find(|n| n.id == p.need_id).unwrap().unit_value_fen
        };
        let delivered: i64 = pledges.iter().map(|p| p.received_quantity.unwrap_or(0) * value(p)).sum();
        assert_eq!(platform["figures"]["pledges"]["delivered_value_fen"], delivered);

        // 400 for what the document states; 422 for filters that exclude each other.
        for (bad, expected) in [("region=44x", 400), ("region=4414&org=1", 422), ("regio=4414", 400), ("pairing=abc", 400)] {
            let (status, body) = app.get_json(&format!("/api/v1/stats?{bad}")).await;
            assert_eq!(status, expected, "{bad}: {body}");
        }
        let (status, body) = app.get_json("/api/v1/stats?region=4499").await;
        assert_eq!(status, 404);
        assert_error_code(&body, "region_not_found");
    }
}

db_test! {
    async fn the_coordinators_board_shows_gaps_members_and_overdue_pledges_and_invites_a_member(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let pairing = w.guangzhou_pairing;
        let coordinator = app.login_demo("coordinator").await;
        let donor = app.login_demo("donor").await;
        let (status, _) = donor.get(&format!("/api/v1/pairings/{pairing}/board")).await;
        assert_eq!(status, 403);

        let (_, orgs) = app.get_json("/api/v1/organisations").await;
        let unit = orgs["items"].as_array().unwrap().iter().find(|o| o["kind"] == "designated_unit").unwrap()["id"].as_i64().unwrap();
        let (status, again) = coordinator
            .post(&format!("/api/v1/pairings/{pairing}/members"), &json!({"organisation_id": w.enterprise_org}))
            .await;
        assert_eq!(status, 409, "the demo's enterprise helps through 广州's pairing already: {again}");
        let (status, view) = coordinator
            .post(&format!("/api/v1/pairings/{pairing}/members"), &json!({"organisation_id": unit}))
            .await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["members"].as_array().unwrap().len(), 2);
        let (status, _) = donor
            .post(&format!("/api/v1/pairings/{pairing}/members"), &json!({"organisation_id": unit}))
            .await;
        assert_eq!(status, 403);

        let (status, board) = coordinator.get(&format!("/api/v1/pairings/{pairing}/board")).await;
        assert_eq!(status, 200, "{board}");
        assert_eq!(board["figures"], meizhou_figures());
        let gaps: Vec<i64> = board["gaps"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
        assert_eq!(gaps.iter().copied().collect::<std::collections::BTreeSet<_>>(), [w.b, w.c].into(), "the open needs of 梅州");
        assert_eq!(board["gaps_total"], 2);
        assert_eq!(board["gaps_value_fen"], 80_000);
        let members = board["members"].as_array().unwrap();
        let enterprise = members.iter().find(|m| m["organisation"]["id"] == w.enterprise_org).unwrap();
        assert_eq!(enterprise["pledges"], 2);
        assert_eq!(enterprise["pledged_value_fen"], 170_000);
        assert_eq!(enterprise["delivered_value_fen"], 170_000);
        assert_eq!(enterprise["overdue"], 0);
        let office = members.iter().find(|m| m["organisation"]["kind"] == "paired_city").expect("the helping office");
        assert_eq!(office["pledges"], 0);
        assert_eq!(members.len(), 3, "the office, the enterprise and the unit");
        let overdue = board["overdue"].as_array().unwrap();
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0]["need_id"], w.b);
        assert_eq!(overdue[0]["quantity"], 2);

        // Invitations: to an open need in the regions, a member, once.
        let invite = |need: i64, org: i64| json!({"need_id": need, "organisation_id": org, "message": "请关注冬季大米"});
        let (status, made) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.b, w.enterprise_org)).await;
        assert_eq!(status, 201, "{made}");
        let (status, _) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.b, w.enterprise_org)).await;
        assert_eq!(status, 409);
        let (status, body) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.d, w.enterprise_org)).await;
        assert_eq!(status, 422, "D is in 河源: {body}");
        assert!(body["error"]["fields"]["need_id"].is_array());
        let (status, body) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.a, w.enterprise_org)).await;
        assert_eq!(status, 422, "A is fulfilled: {body}");
        let outsider = duijie::store::entity::organisations::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.kind.as_str() == "social_org")
            .unwrap()
            .id;
        let (status, body) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.c, outsider)).await;
        assert_eq!(status, 422, "a rule no schema states: {body}");
        assert!(body["error"]["fields"]["organisation_id"].is_array());

        // The invitation is mailed to the enterprise's people.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let dir = app.state.settings.data_dir.join("mail");
        loop {
            let found = std::fs::read_dir(&dir).ok().into_iter().flatten().any(|e| {
                e.unwrap().file_name().to_string_lossy().contains(".need_invitation@")
            });
            if found {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no invitation mail");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let (_, board) = coordinator.get(&format!("/api/v1/pairings/{pairing}/board")).await;
        assert_eq!(board["invitations"].as_array().unwrap().len(), 1);

        // Not in another pairing's name, even for a village both help; not once it has ended.
        let (status, _) = coordinator
            .post(&format!("/api/v1/pairings/{}/invitations", w.wanqi_pairing), &invite(w.c, w.enterprise_org))
            .await;
        assert_eq!(status, 403);
        let (status, _) = coordinator.patch(&format!("/api/v1/pairings/{pairing}"), &json!({"status": "ended"})).await;
        assert_eq!(status, 200);
        let (status, body) = coordinator.post(&format!("/api/v1/pairings/{pairing}/invitations"), &invite(w.c, w.enterprise_org)).await;
        assert_eq!(status, 422, "{body}");
    }
}

db_test! {
    async fn pairings_are_set_up_by_administrators_to_their_programmes_shape(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let admin = app.login_demo("admin").await;
        let coordinator = app.login_demo("coordinator").await;
        let (status, list) = app.get_json("/api/v1/pairings").await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], 8, "the demo's six 对口帮扶 pairs, a 万企帮万村 and a 定点扶贫 pairing");
        let all: Vec<i64> = list["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        let (_, first) = app.get_json("/api/v1/pairings?per_page=5").await;
        let (_, second) = app.get_json("/api/v1/pairings?per_page=5&page=2").await;
        let paged: Vec<i64> = [&first, &second].iter().flat_map(|p| p["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap())).collect();
        assert_eq!(paged, all, "a page at a time, by id, in the database");
        let (status, body) = app.get_json("/api/v1/pairings?per_page=100&page=101").await;
        assert_eq!(status, 422);
        assert_error_code(&body, "page_too_deep");
        let guangzhou = list["items"].as_array().unwrap().iter().find(|p| p["id"] == w.guangzhou_pairing).unwrap();
        assert_eq!(guangzhou["helper_region"]["name"], "广州市");
        let targets: Vec<&str> = guangzhou["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(targets, ["梅州市", "清远市"]);
        let (_, in_pingyuan) = app.get_json("/api/v1/pairings?region=441426").await;
        assert_eq!(in_pingyuan["total"], 3, "Guangzhou's (梅州 around it), the enterprise's and the unit's (villages inside)");

        let body = json!({"program": "duikou", "name": "测试结对", "helper_region_code": "4401", "targets": ["441426100200"], "starts_on": "2026-01-01"});
        let (status, _) = coordinator.post("/api/v1/pairings", &body).await;
        assert_eq!(status, 403, "coordinators manage their pairing, they do not set up others");
        let (status, error) = admin.post("/api/v1/pairings", &body).await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["fields"]["targets"].is_array(), "对口帮扶 helps cities or counties: {error}");
        let (status, error) = admin.post("/api/v1/pairings", &json!({"program": "duikou", "name": "测试结对", "helper_region_code": "4401",
            "targets": ["441426"], "starts_on": "2026-06-01", "ends_on": "2026-01-01"})).await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["fields"]["ends_on"].is_array());
        // 1 to 200 regions helped, as the document states: more or none is malformed.
        let too_many: Vec<String> = (0..201).map(|i| format!("441426{:03}", i)).collect();
        for targets in [json!([]), json!(too_many)] {
            let (status, error) = admin.post("/api/v1/pairings", &json!({"program": "duikou", "name": "测试结对",
                "helper_region_code": "4401", "targets": targets, "starts_on": "2026-01-01"})).await;
            assert_eq!(status, 400, "{error}");
            let field = &error["error"]["fields"]["targets"][0];
            assert_eq!((field["code"].as_str(), field["min"].as_i64(), field["max"].as_i64()), (Some("items"), Some(1), Some(200)), "{error}");
        }
        let (status, created) = admin.post("/api/v1/pairings", &json!({"program": "duikou", "name": "广州 → 平远县 结对", "helper_region_code": "4401",
            "targets": ["441426"], "starts_on": "2026-01-01"})).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();

        let (status, _) = coordinator.patch(&format!("/api/v1/pairings/{id}"), &json!({"status": "ended"})).await;
        assert_eq!(status, 403, "not this coordinator's pairing");
        let (status, body) = coordinator
            .patch(&format!("/api/v1/pairings/{}", w.guangzhou_pairing), &json!({"targets": ["4414", "4401"]}))
            .await;
        assert_eq!(status, 403, "a coordinator does not widen their own reach: {body}");
        let (status, body) = admin
            .patch(&format!("/api/v1/pairings/{id}"), &json!({"targets": ["441426", "441624"]}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["targets"].as_array().unwrap().len(), 2);
        let (status, changed) = coordinator
            .patch(&format!("/api/v1/pairings/{}", w.guangzhou_pairing), &json!({"ends_on": "2026-03-31"}))
            .await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["ends_on"], "2026-03-31");
        assert_eq!(changed["in_force"], false, "today is 2026-04-10");
        let (status, error) = coordinator
            .patch(&format!("/api/v1/pairings/{}", w.guangzhou_pairing), &json!({"status": "paused"}))
            .await;
        assert_eq!(status, 400, "{error}");
        let (_, cleared) = coordinator
            .patch(&format!("/api/v1/pairings/{}", w.guangzhou_pairing), &json!({"ends_on": null}))
            .await;
        assert_eq!(cleared["ends_on"], Value::Null);
        assert_eq!(cleared["in_force"], true);
    }
}

/// The rows of a CSV download, its byte-order mark checked.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a UTF-8 byte-order mark first"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The text of the first worksheet of an XLSX workbook.
fn xlsx_sheet(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip archive");
    let mut sheet = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    let mut shared = String::new();
    if let Ok(mut file) = archive.by_name("xl/sharedStrings.xml") {
        file.read_to_string(&mut shared).unwrap();
    }
    format!("{sheet}{shared}")
}

db_test! {
    async fn the_ledger_and_a_regions_needs_export_as_csv_and_xlsx_in_yuan_to_the_fen(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let org = w.enterprise_org;
        let enterprise = app.login_demo("enterprise").await;
        let donor = app.login_demo("donor").await;
        let (status, _) = donor.get(&format!("/api/v1/exports/ledger?org={org}")).await;
        assert_eq!(status, 404, "a ledger is its organisation's");

        let response = enterprise.client.get(app.url(&format!("/api/v1/exports/ledger?org={org}"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
        let rows = csv_rows(&response.bytes().await.unwrap());
        assert_eq!(rows[0][0], "认捐编号");
        assert_eq!(rows[0][10], "认捐价值（元）");
        assert_eq!(rows.len(), 3, "the header and its two pledges");
        assert_eq!(rows[1][3], "学生书桌");
        assert_eq!(rows[1][7], "4");
        assert_eq!(rows[1][9], "300.00");
        assert_eq!(rows[1][10], "1200.00");
        assert_eq!(rows[1][11], "已收到");
        assert_eq!(rows[1][16], "1200.00");
        assert_eq!(rows[2][3], "蜂箱启动资金");
        assert_eq!(rows[2][9], "0.01", "money is counted in fen, one yuan a hundred of them");
        assert_eq!(rows[2][10], "500.00");
        assert_eq!(rows[2][1], "2026-04-05 10:00", "Beijing time");

        let response = enterprise.client.get(app.url(&format!("/api/v1/exports/ledger?org={org}&format=xlsx"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let sheet = xlsx_sheet(&response.bytes().await.unwrap());
        assert!(sheet.contains("认捐价值（元）") && sheet.contains("学生书桌"), "{sheet}");
        assert!(sheet.contains("<v>1200</v>") && sheet.contains("<v>500</v>"), "yuan as numbers: {sheet}");

        let response = app.get("/api/v1/exports/needs?region=4414").await;
        assert_eq!(response.status(), 200);
        let rows = csv_rows(&response.bytes().await.unwrap());
        assert_eq!(rows[0][1], "标题");
        let titles: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(titles, ["学生书桌", "冬季大米", "蜂箱启动资金"]);
        assert_eq!(rows[1][12], "3000.00");
        assert_eq!(rows[1][13], "3000.00");
        assert_eq!(rows[1][3], "已完成");
        assert_eq!(rows[3][12], "1000.00");
        assert_eq!(rows[3][13], "500.00");
        let everything = rows.concat().join(",");
        for private in duijie::demo::HOUSEHOLDS.iter().map(|h| h.head_name) {
            assert!(!everything.contains(private), "the export holds no household's name");
        }
        let response = app.get("/api/v1/exports/needs?region=4414&format=xlsx").await;
        assert_eq!(response.status(), 200);
        assert!(xlsx_sheet(&response.bytes().await.unwrap()).contains("蜂箱启动资金"));
        let (status, body) = app.get_json("/api/v1/exports/needs?region=4414&format=pdf").await;
        assert_eq!(status, 400, "{body}");
        let (status, _) = app.get_json("/api/v1/exports/needs?region=99").await;
        assert_eq!(status, 404);
    }
}

/// The `filename*` of a `Content-Disposition`, percent-decoded.
fn file_name_zh(disposition: &str) -> String {
    let encoded = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .expect("a filename*");
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            decoded.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}

db_test! {
    async fn an_export_over_its_row_cap_is_refused_and_taken_in_parts(backend: Backend) {
        let w = world_with(backend, |s| s.server.export_max_rows = 2).await;
        let app = &w.app;
        let (status, body) = app.get_json("/api/v1/exports/needs?region=4414").await;
        assert_eq!(status, 422, "three needs, two allowed: {body}");
        assert_error_code(&body, "export_too_large");
        assert_eq!(body["error"]["details"]["max_rows"], 2);
        assert!(body["error"]["message"].as_str().unwrap().contains("more than 2 rows"));
        let (status, _) = app.get_json("/api/v1/exports/needs?region=4414&format=xlsx").await;
        assert_eq!(status, 422, "an XLSX likewise");
        let (status, body) = app.get_json("/api/v1/exports/needs?region=4414&after=-1").await;
        assert_eq!(status, 400, "{body}");

        // The rest after the first need: two rows, within the cap.
        let response = app.get(&format!("/api/v1/exports/needs?region=4414&after={}", w.a)).await;
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment; filename=\"needs-4414.csv\"; "), "{disposition}");
        assert_eq!(file_name_zh(&disposition), "需求-梅州市.csv");
        let rows = csv_rows(&response.bytes().await.unwrap());
        let titles: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(titles, ["冬季大米", "蜂箱启动资金"]);

        // The enterprise's ledger holds two pledges: exactly the cap is allowed.
        let enterprise = app.login_demo("enterprise").await;
        let org = w.enterprise_org;
        let response = enterprise.client.get(app.url(&format!("/api/v1/exports/ledger?org={org}&format=xlsx"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with(&format!("attachment; filename=\"ledger-organisation-{org}.xlsx\"; ")), "{disposition}");
        assert!(file_name_zh(&disposition).starts_with("台账-"), "{disposition}");
    }
}

db_test! {
    async fn an_enterprise_sees_its_paired_villages_open_needs_and_figures(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let org = w.enterprise_org;
        let enterprise = app.login_demo("enterprise").await;
        let (status, dashboard) = enterprise.get(&format!("/api/v1/organisations/{org}/dashboard")).await;
        assert_eq!(status, 200, "{dashboard}");
        let pairings: Vec<i64> = dashboard["pairings"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert_eq!(pairings, [w.guangzhou_pairing, w.wanqi_pairing], "as a member of 广州's, as the helper of its own");
        let villages: Vec<&str> = dashboard["pairings"][1]["targets"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
        assert_eq!(villages, [DUNBEI, "441426100201"]);
        let open: Vec<i64> = dashboard["open_needs"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
        assert_eq!(open.len(), 2);
        assert!(open.contains(&w.b) && open.contains(&w.c));
        assert_eq!(dashboard["open_needs_value_fen"], 80_000);
        assert_eq!(dashboard["figures"]["pledges"]["delivered_value_fen"], 170_000);
        let donor = app.login_demo("donor").await;
        let (status, _) = donor.get(&format!("/api/v1/organisations/{org}/dashboard")).await;
        assert_eq!(status, 404);
    }
}
