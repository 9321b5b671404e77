//! Every list is paged in the database, with `{items, total, page, per_page}`: the pledges of
//! a need, the organisations, a village's households, a need's objections and offer requests,
//! one's API tokens, follows, pledges, offers, products and orders, an organisation's offers,
//! the products of a region or a cooperative. Pages are 1 to 100 long and a list is read at
//! most 10,000 items deep (`page_too_deep` beyond).

use chrono::Duration;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json, test_sealer};
use crate::orders::{order, placed};
use crate::pledges::{app_with, pledge, published, uncapped};
use crate::products::{VILLAGE, cooperative, honey, listed};

/// The ids of a page's items.
fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

/// Every page of `path`, `per_page` at a time: the ids in order, each page saying the same
/// total.
async fn walk(session: &Session, path: &str, per_page: u64) -> Vec<i64> {
    let mut all = Vec::new();
    let mut totals = Vec::new();
    let joint = if path.contains('?') { '&' } else { '?' };
    for page in 1.. {
        let (status, body) = session
            .get(&format!("{path}{joint}page={page}&per_page={per_page}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (body["page"].as_u64(), body["per_page"].as_u64()),
            (Some(page), Some(per_page))
        );
        let found = ids(&body);
        assert!(found.len() as u64 <= per_page);
        all.extend(found);
        let total = body["total"].as_u64().unwrap();
        if let Some(first) = totals.first() {
            assert_eq!(*first, total, "{path}: the same total on every page");
        }
        totals.push(total);
        if page * per_page >= total {
            assert_eq!(
                all.len() as u64,
                body["total"].as_u64().unwrap(),
                "total counts every item"
            );
            return all;
        }
    }
    unreachable!()
}

db_test! {
    async fn the_pledges_of_a_need_and_the_organisations_come_a_page_at_a_time(backend: Backend) {
        let app: TestApp = app_with(backend, uncapped).await;
        let need = published(&app, 10, 1).await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let mut pledged = Vec::new();
        for (who, quantity) in [(&donor, 1), (&enterprise, 2), (&donor, 3)] {
            let (status, body) = pledge(who, need, quantity).await;
            assert_eq!(status, 201, "{body}");
            pledged.push(body["id"].as_i64().unwrap());
        }
        let path = format!("/api/v1/needs/{need}/pledges");
        assert_eq!(walk(&donor, &path, 2).await, pledged, "oldest first, none lost at a page's edge");
        let (_, first) = donor.get(&path).await;
        let path = format!("{path}?");
        assert_eq!((first["total"].as_u64(), first["per_page"].as_u64()), (Some(3), Some(20)));

        // Waiting organisations: every one for an administrator, only one's own for others.
        let mut created = Vec::new();
        for name in ["平远助学会", "蕉岭慈善会", "梅县志愿者协会"] {
            let (status, body) = donor
                .post("/api/v1/organisations", &json!({"kind": "social_org", "name": name, "region_code": "441426"}))
                .await;
            assert_eq!(status, 201, "{body}");
            created.push(body["id"].as_i64().unwrap());
        }
        let admin = app.login_demo("admin").await;
        let waiting = walk(&admin, "/api/v1/organisations?verified=false", 2).await;
        assert!(created.iter().all(|id| waiting.contains(id)), "{waiting:?}");
        assert_eq!(walk(&donor, "/api/v1/organisations?verified=false", 2).await, created);
        let cadre = app.login_demo("cadre").await;
        let (_, none) = cadre.get("/api/v1/organisations?verified=false").await;
        assert_eq!(none["total"], 0);

        let verified = walk(&donor, "/api/v1/organisations?verified=true", 1).await;
        let (_, all) = donor.get("/api/v1/organisations?per_page=100").await;
        assert_eq!(verified, ids(&all), "the same list, by name, a page at a time");
        assert!(verified.len() >= 2, "the demo's verified organisations: {verified:?}");

        // Bounds: a page from 1, 1 to 100 long, at most 10,000 items deep.
        for bad in ["page=0", "per_page=0", "per_page=101", "page=-1"] {
            let (status, body) = donor.get(&format!("{path}{bad}")).await;
            assert_eq!(status, 400, "{bad}: {body}");
        }
        let (status, body) = donor.get(&format!("{path}page=101&per_page=100")).await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "page_too_deep");
        assert_eq!(body["error"]["details"]["max_depth"], 10_000);
        let (status, body) = donor.get(&format!("{path}page=100&per_page=100")).await;
        assert_eq!((status, body["items"].clone()), (200, json!([])), "10,000 deep is allowed");
        let (status, body) = app.get_json("/api/v1/organisations?page=10001").await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "page_too_deep");
    }
}

/// `path` pages as every list does, as `session` reads it: two at a time, every item comes once,
/// in the order of one long page, under the same total; a page past the end is empty; a page
/// of 101 is refused (400) and one past 10,000 items deep is `page_too_deep` (422). The ids, in
/// order.
async fn pages_through(session: &Session, path: &str) -> Vec<i64> {
    let walked = walk(session, path, 2).await;
    assert!(
        walked.len() > 2,
        "{path}: more than one page of two: {walked:?}"
    );
    let mut once = walked.clone();
    once.sort_unstable();
    once.dedup();
    assert_eq!(
        once.len(),
        walked.len(),
        "{path}: no item on two pages: {walked:?}"
    );
    let joint = if path.contains('?') { '&' } else { '?' };
    let (status, long) = session.get(&format!("{path}{joint}per_page=100")).await;
    assert_eq!(status, 200, "{path}: {long}");
    assert_eq!(ids(&long), walked, "{path}: the order of one long page");
    let past = walked.len() / 2 + 2;
    let (status, beyond) = session
        .get(&format!("{path}{joint}page={past}&per_page=2"))
        .await;
    assert_eq!(status, 200, "{path}: {beyond}");
    assert_eq!(beyond["items"], json!([]), "{path}: nothing past the end");
    assert_eq!(beyond["total"], walked.len(), "{path}");
    let (status, body) = session.get(&format!("{path}{joint}per_page=101")).await;
    assert_eq!(status, 400, "{path}: {body}");
    assert_error_code(&body, "invalid_parameter");
    let (status, body) = session
        .get(&format!("{path}{joint}page=101&per_page=100"))
        .await;
    assert_eq!(status, 422, "{path}: {body}");
    assert_error_code(&body, "page_too_deep");
    walked
}

db_test! {
    async fn households_objections_tokens_and_follows_come_a_page_at_a_time(backend: Backend) {
        // Objections are counted per address: the test's requests come through a trusted proxy.
        let app = TestApp::spawn_with(backend, |s| s.server.trusted_proxies = "127.0.0.1".into()).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;

        // A village's households: the demo's two and a third, oldest first.
        let id_card = duijie::domain::id_card::IdCardNumber::complete("44142619800101123").unwrap();
        let (status, created) = cadre
            .post("/api/v1/households", &json!({
                "village_code": VILLAGE, "head_name": "钟玉兰", "id_card_number": id_card.expose(),
                "phone": "138 0013 8000", "address": "墩背村老屋组 1 号", "members_count": 4, "poverty_causes": ["illness"],
            }))
            .await;
        assert_eq!(status, 201, "{created}");
        let households = pages_through(&cadre, &format!("/api/v1/households?village={VILLAGE}")).await;
        assert_eq!(households.len(), 3);
        assert_eq!(households.last(), created["id"].as_i64().as_ref(), "oldest first");

        // A need's objections, newest first, for its verifiers.
        let (status, need) = cadre
            .post("/api/v1/needs", &json!({
                "beneficiary": "village", "village_code": VILLAGE, "category": "education",
                "title": "村小学课桌椅", "description": "村小学需要新课桌椅，秋季开学前到位。",
                "unit": "set", "target_quantity": 10, "unit_value_fen": 30_000,
                "deadline": (app.clock.now() + Duration::days(60)).to_rfc3339(),
            }))
            .await;
        assert_eq!(status, 201, "{need}");
        let need = need["id"].as_i64().unwrap();
        assert_eq!(cadre.post(&format!("/api/v1/needs/{need}/submit"), &json!({})).await.0, 200);
        let (status, body) = verifier.post(&format!("/api/v1/needs/{need}/verify"), &json!({})).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("in_notice")), "{body}");
        let mut filed = Vec::new();
        for i in 1..=3 {
            let response = app.client
                .post(app.url(&format!("/api/v1/needs/{need}/objections")))
                .header("x-forwarded-for", format!("203.0.113.{i}"))
                .json(&json!({"reason": format!("第{i}位村民：数量与实际情况不符，请核实。")}))
                .send()
                .await
                .unwrap();
            let (status, receipt) = status_and_json(response).await;
            assert_eq!(status, 201, "{receipt}");
            filed.push(receipt["id"].as_i64().unwrap());
        }
        filed.reverse();
        assert_eq!(pages_through(&verifier, &format!("/api/v1/needs/{need}/objections")).await, filed, "newest first");

        // One's API tokens, oldest first.
        let donor = app.login_demo("donor").await;
        let mut tokens = Vec::new();
        for name in ["ERP", "台账", "对账"] {
            let (status, created) = app
                .post_json("/api/v1/auth/tokens", &json!({
                    "login": "donor@demo.duijie.cn", "password": duijie::demo::DEMO_PASSWORD,
                    "name": name, "scope": "read",
                }))
                .await;
            assert_eq!(status, 201, "{created}");
            tokens.push(created["id"].as_i64().unwrap());
        }
        assert_eq!(pages_through(&donor, "/api/v1/auth/tokens").await, tokens);

        // One's follows, oldest first.
        let mut follows = Vec::new();
        for (kind, target) in [("region", "4414"), ("category", "education"), ("region", "4416")] {
            let (status, follow) = donor
                .post("/api/v1/me/follows", &json!({"target_kind": kind, "target": target}))
                .await;
            assert_eq!(status, 201, "{follow}");
            follows.push(follow["id"].as_i64().unwrap());
        }
        assert_eq!(pages_through(&donor, "/api/v1/me/follows").await, follows);
    }
}

db_test! {
    async fn pledges_offers_requests_products_and_orders_come_a_page_at_a_time(backend: Backend) {
        let app: TestApp = app_with(backend, uncapped).await;
        let need = published(&app, 100, 1).await;

        // One's pledges, newest first.
        let donor = app.login_demo("donor").await;
        let mut pledged = Vec::new();
        for quantity in [1, 2, 3] {
            let (status, body) = pledge(&donor, need, quantity).await;
            assert_eq!(status, 201, "{body}");
            pledged.push(body["id"].as_i64().unwrap());
        }
        pledged.reverse();
        assert_eq!(pages_through(&donor, "/api/v1/me/pledges").await, pledged);
        let (_, pledged_only) = donor.get("/api/v1/me/pledges?status=pledged&per_page=1").await;
        assert_eq!(pledged_only["total"], 3, "the status filter is counted too");

        // An organisation's offers (public) and one's own (drafts too), newest first.
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let mut offered = Vec::new();
        for quantity in [10, 20, 30] {
            let (status, offer) = enterprise
                .post("/api/v1/offers", &json!({
                    "org_id": org, "kind": "goods", "unit": "set", "category": "education",
                    "title": "捐赠学生课桌椅", "description": "企业捐赠一批全新学生课桌椅，可送货到村小学。",
                    "quantity": quantity,
                    "valid_until": (app.clock.now() + Duration::days(30)).date_naive(),
                }))
                .await;
            assert_eq!(status, 201, "{offer}");
            let id = offer["id"].as_i64().unwrap();
            let (status, body) = enterprise.post(&format!("/api/v1/offers/{id}/publish"), &json!({})).await;
            assert_eq!(status, 200, "{body}");
            offered.push(id);
        }
        let public = pages_through(&donor, &format!("/api/v1/organisations/{org}/offers")).await;
        assert!(offered.iter().all(|id| public.contains(id)), "{public:?}");
        assert!(public.windows(2).all(|w| w[0] > w[1]), "newest first: {public:?}");
        let mine = pages_through(&enterprise, "/api/v1/me/offers").await;
        assert!(offered.iter().all(|id| mine.contains(id)), "{mine:?}");
        let of_org = pages_through(&enterprise, &format!("/api/v1/me/offers?org={org}")).await;
        assert!(offered.iter().all(|id| of_org.contains(id)), "{of_org:?}");

        // The requests made for a need, newest first.
        let cadre = app.login_demo("cadre").await;
        let mut requested = Vec::new();
        for offer in &offered {
            let (status, request) = cadre
                .post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 5}))
                .await;
            assert_eq!(status, 201, "{request}");
            requested.push(request["id"].as_i64().unwrap());
        }
        requested.reverse();
        assert_eq!(pages_through(&cadre, &format!("/api/v1/needs/{need}/offer-requests")).await, requested);

        // A cooperative's products: its shop, its region's, and its sellers' own; newest first.
        let coop = cooperative(&app, true).await;
        let mut products = Vec::new();
        for _ in 0..3 {
            products.push(listed(&coop.member, &honey(coop.id, 50, 1)).await);
        }
        products.reverse();
        assert_eq!(pages_through(&donor, &format!("/api/v1/products?seller={}", coop.id)).await, products);
        let in_village = pages_through(&donor, &format!("/api/v1/products?region={VILLAGE}")).await;
        assert!(products.iter().all(|id| in_village.contains(id)), "{in_village:?}");
        assert_eq!(pages_through(&coop.member, "/api/v1/me/products").await, products);

        // Orders, on both sides, newest first.
        let mut orders = Vec::new();
        for quantity in [1, 2, 3] {
            orders.push(placed(&donor, products[0], &order(quantity)).await);
        }
        orders.reverse();
        assert_eq!(pages_through(&donor, "/api/v1/me/orders?side=buyer").await, orders);
        assert_eq!(pages_through(&coop.admin, "/api/v1/me/orders?side=seller").await, orders);
    }
}
