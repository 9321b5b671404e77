//! 扶贫产品 over HTTP: a cooperative's product from draft to sale and off it, who may write and
//! see it, its field rules, and a verifier's certification; on both databases.

use chrono::Duration;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code};
use crate::pledges::app;

/// The demo cadre's village, where the test cooperative is.
pub(crate) const VILLAGE: &str = "441426100200";
pub(crate) const PASSWORD: &str = "a long password for tests";

/// A new account, signed in.
pub(crate) async fn register(app: &TestApp, email: &str, name: &str) -> Session {
    app.register_confirmed(email, PASSWORD, name).await
}

/// A village cooperative of [`VILLAGE`]: its administrator and a member, both signed in.
pub(crate) struct Coop {
    pub id: i64,
    pub admin: Session,
    pub member: Session,
}

pub(crate) const COOP_NAME: &str = "墩背村蜂蜜专业合作社";

/// Registers a cooperative (its administrator creates it and takes in a member); verified by
/// the demo administrator when `verified`.
pub(crate) async fn cooperative(app: &TestApp, verified: bool) -> Coop {
    let admin = register(app, "coop-admin@example.cn", "合作社理事长").await;
    let (status, org) = admin
        .post(
            "/api/v1/organisations",
            &json!({"kind": "cooperative", "name": COOP_NAME, "region_code": VILLAGE}),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let id = org["id"].as_i64().unwrap();
    let member = register(app, "coop-member@example.cn", "合作社社员").await;
    let member_id = member.user["id"].as_i64().unwrap();
    let (status, body) = admin
        .post(
            &format!("/api/v1/users/{member_id}/roles"),
            &json!({"role": "org_member", "organisation_id": id}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    if verified {
        verify(app, id).await;
    }
    Coop { id, admin, member }
}

pub(crate) async fn verify(app: &TestApp, org: i64) {
    let admin = app.login_demo("admin").await;
    let (status, body) = admin
        .post(&format!("/api/v1/organisations/{org}/verify"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
}

/// A product of the cooperative: honey by the bottle, from a stock.
pub(crate) fn honey(seller: i64, stock: i64, min_order: i64) -> Value {
    json!({
        "seller_id": seller,
        "category": "honey",
        "name": "墩背村百花蜜",
        "description": "墩背村蜂农散养的土蜂百花蜜，每年秋季采收，玻璃瓶装。",
        "unit": "bottle",
        "unit_price_fen": 6800,
        "stock": stock,
        "min_order": min_order,
        "households_supported": 12,
    })
}

/// Creates `body` as `seller` and lists it; returns its id.
pub(crate) async fn listed(seller: &Session, body: &Value) -> i64 {
    let (status, draft) = seller.post("/api/v1/products", body).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["product"]["id"].as_i64().unwrap();
    let (status, product) = seller
        .post(&format!("/api/v1/products/{id}/list"), &json!({}))
        .await;
    assert_eq!(status, 200, "{product}");
    assert_eq!(product["product"]["status"], "listed");
    id
}

/// The product's stock, as the public sees it.
pub(crate) async fn stock(app: &TestApp, id: i64) -> Value {
    let (status, detail) = app.get_json(&format!("/api/v1/products/{id}")).await;
    assert_eq!(status, 200, "{detail}");
    detail["product"]["stock"].clone()
}

fn timeline_kinds(detail: &Value) -> Vec<&str> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

db_test! {
    async fn a_cooperatives_product_goes_from_draft_to_sale_and_back_and_only_its_sellers_move_it(backend: Backend) {
        let app = app(backend).await;
        let coop = cooperative(&app, false).await;
        let member = &coop.member;

        // Each rule names its field.
        let today = app.clock.now().date_naive();
        let mut no_supply = honey(coop.id, 10, 2);
        no_supply.as_object_mut().unwrap().remove("stock");
        let mut backwards = honey(coop.id, 10, 2);
        backwards["season_from"] = json!(today + Duration::days(20));
        backwards["season_to"] = json!(today + Duration::days(10));
        let above_stock = honey(coop.id, 10, 20);
        let mut bad_category = honey(coop.id, 10, 2);
        bad_category["category"] = json!("snacks");
        let mut phone = honey(coop.id, 10, 2);
        phone["description"] = json!("百花蜜，订购请直接联系 13800138000 老陈。");
        // 400 for a code the document lists, 422 for the rules it cannot state.
        for (body, field, code, expected) in [
            (&no_supply, "stock", "required_with", 422),
            (&backwards, "season_to", "not_before", 422),
            (&above_stock, "min_order", "exceeds", 422),
            (&bad_category, "category", "one_of", 400),
            (&phone, "description", "private_data", 422),
        ] {
            let (status, error) = member.post("/api/v1/products", body).await;
            assert_eq!(status, expected, "{field}: {error}");
            assert_eq!(error["error"]["fields"][field][0]["code"], code, "{field}: {error}");
            assert!(!error.to_string().contains("13800138000"), "the value is never echoed");
        }
        let (_, mine) = member.get("/api/v1/me/products").await;
        assert_eq!(mine["items"], json!([]), "nothing was written");

        // A draft is its sellers' and the area's verifier's.
        let (status, draft) = member.post("/api/v1/products", &honey(coop.id, 10, 2)).await;
        assert_eq!(status, 201, "{draft}");
        let id = draft["product"]["id"].as_i64().unwrap();
        assert_eq!(draft["product"]["status"], "draft");
        assert_eq!(draft["product"]["seller_name"], COOP_NAME);
        assert_eq!(draft["product"]["origin"]["code"], VILLAGE);
        assert_eq!(draft["manage"]["seller_verified"], false);
        let path = format!("/api/v1/products/{id}");
        assert_eq!(app.get_json(&path).await.0, 404, "the public does not see a draft");
        let donor = app.login_demo("donor").await;
        assert_eq!(donor.get(&path).await.0, 404, "nor does a stranger");
        let enterprise = app.login_demo("enterprise").await;
        assert_eq!(enterprise.get(&path).await.0, 404, "nor another organisation");
        assert_eq!(app.login_demo("cadre-heyuan").await.get(&path).await.0, 404);
        let verifier = app.login_demo("verifier").await;
        let (status, seen) = verifier.get(&path).await;
        assert_eq!(status, 200, "{seen}");
        assert!(seen["manage"]["actions"].as_array().unwrap().contains(&json!("certify")));
        let cadre = app.login_demo("cadre").await;
        assert_eq!(cadre.get(&path).await.0, 200, "the village's cadre sells for it");
        assert_eq!(coop.admin.get(&path).await.0, 200);
        let (status, body) = donor.post(&format!("{path}/list"), &json!({})).await;
        assert_eq!(status, 404, "a stranger cannot list a draft they cannot see: {body}");

        // Unverified, the cooperative cannot put it on sale.
        let (status, body) = member.post(&format!("{path}/list"), &json!({})).await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "invalid_state");
        verify(&app, coop.id).await;
        let (status, body) = member.post(&format!("{path}/list"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["product"]["status"], "listed");
        assert_eq!(body["product"]["available"], true);
        let (status, public) = app.get_json(&path).await;
        assert_eq!(status, 200, "{public}");
        assert!(public["manage"].is_null(), "the public manages nothing");
        let (_, in_village) = app.get_json(&format!("/api/v1/products?region={VILLAGE}")).await;
        assert_eq!(ids(&in_village), [id]);
        let (_, in_city) = app.get_json("/api/v1/products?region=4414").await;
        assert_eq!(ids(&in_city), [id]);
        let (_, elsewhere) = app.get_json("/api/v1/products?region=4416").await;
        assert_eq!(ids(&elsewhere), Vec::<i64>::new());
        let (_, shop) = app.get_json(&format!("/api/v1/products?seller={}", coop.id)).await;
        assert_eq!(ids(&shop), [id]);
        let (status, body) = member.post(&format!("{path}/list"), &json!({})).await;
        assert_eq!(status, 422, "listed already: {body}");
        let (status, body) = donor.post(&format!("{path}/delist"), &json!({})).await;
        assert_eq!(status, 403, "{body}");
        assert_error_code(&body, "forbidden");
        let (status, body) = verifier.post(&format!("{path}/delist"), &json!({})).await;
        assert_eq!(status, 403, "a verifier certifies, it does not sell: {body}");

        // Delisted, it stays readable but leaves the lists; then goes back on sale.
        let (status, body) = member.post(&format!("{path}/delist"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["product"]["status"], "delisted");
        assert_eq!(body["product"]["available"], false);
        assert_eq!(app.get_json(&path).await.0, 200);
        let (_, in_village) = app.get_json(&format!("/api/v1/products?region={VILLAGE}")).await;
        assert_eq!(ids(&in_village), Vec::<i64>::new());
        let (status, body) = member.post(&format!("{path}/delist"), &json!({})).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = coop.admin.post(&format!("{path}/list"), &json!({})).await;
        assert_eq!(status, 200);

        // An edit; a new stock shows as a restock.
        let mut edit = honey(coop.id, 30, 2);
        edit.as_object_mut().unwrap().remove("seller_id");
        edit["unit_price_fen"] = json!(7200);
        let (status, body) = donor.send(reqwest::Method::PUT, &path, Some(&edit)).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = member.send(reqwest::Method::PUT, &path, Some(&edit)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["product"]["stock"], 30);
        assert_eq!(body["product"]["unit_price_fen"], 7200);
        assert_eq!(
            timeline_kinds(&body),
            ["created", "listed", "delisted", "listed", "edited", "restocked"]
        );
        let restock = body["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(restock["note"], "30");
        let mut bad_edit = edit.clone();
        bad_edit["min_order"] = json!(31);
        let (status, body) = member.send(reqwest::Method::PUT, &path, Some(&bad_edit)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"]["min_order"][0]["code"], "exceeds");
        assert_eq!(stock(&app, id).await, 30, "a refused edit changes nothing");
        // An edit from a form loaded before orders took from the stock does not give it back.
        let mut stale = edit.clone();
        stale["stock"] = json!(40);
        stale["stock_seen"] = json!(25);
        let (status, body) = member.send(reqwest::Method::PUT, &path, Some(&stale)).await;
        assert_eq!(status, 409, "{body}");
        assert_error_code(&body, "conflict");
        assert_eq!(body["error"]["details"]["stock"], 30);
        assert_eq!(stock(&app, id).await, 30);
        stale["stock_seen"] = json!(30);
        let (status, body) = member.send(reqwest::Method::PUT, &path, Some(&stale)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(stock(&app, id).await, 40);
        stale["stock"] = json!(30);
        stale["stock_seen"] = json!(40);
        let (status, _) = member.send(reqwest::Method::PUT, &path, Some(&stale)).await;
        assert_eq!(status, 200);
        let (_, mine) = member.get("/api/v1/me/products").await;
        assert_eq!(ids(&mine), [id]);
        let (_, theirs) = verifier.get("/api/v1/me/products").await;
        assert_eq!(ids(&theirs), [id], "the area's verifier lists it too");
    }
}

db_test! {
    async fn only_a_cooperative_sells_and_only_its_people_and_its_villages_cadres_write_for_it(backend: Backend) {
        let app = app(backend).await;
        let coop = cooperative(&app, true).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.organisation_id().await;
        let (status, body) = enterprise.post("/api/v1/products", &honey(org, 10, 1)).await;
        assert_eq!(status, 422, "an enterprise is no cooperative: {body}");
        assert_eq!(body["error"]["fields"]["seller_id"][0]["code"], "not_found_reference");
        let (status, body) = enterprise.post("/api/v1/products", &honey(coop.id, 10, 1)).await;
        assert_eq!(status, 403, "not the cooperative's: {body}");
        let donor = app.login_demo("donor").await;
        let (status, body) = donor.post("/api/v1/products", &honey(coop.id, 10, 1)).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = app.login_demo("cadre-heyuan").await.post("/api/v1/products", &honey(coop.id, 10, 1)).await;
        assert_eq!(status, 403, "a cadre of another village: {body}");
        assert_error_code(&body, "forbidden");
        let (status, body) = app.login_demo("verifier").await.post("/api/v1/products", &honey(coop.id, 10, 1)).await;
        assert_eq!(status, 403, "a verifier does not sell: {body}");

        // The village's cadre writes and lists for the cooperative.
        let cadre = app.login_demo("cadre").await;
        let id = listed(&cadre, &honey(coop.id, 10, 1)).await;
        let (_, detail) = coop.member.get(&format!("/api/v1/products/{id}")).await;
        assert_eq!(detail["product"]["seller_id"], coop.id);
        assert!(detail["manage"]["actions"].as_array().unwrap().contains(&json!("delist")));
        // Another village of the cooperative's region is not its to name.
        let mut elsewhere = honey(coop.id, 10, 1);
        elsewhere["village_code"] = json!("441426100201");
        let (status, body) = coop.member.post("/api/v1/products", &elsewhere).await;
        assert_eq!(status, 422, "a rule no schema states: {body}");
        assert!(body["error"]["fields"]["village_code"].is_array(), "{body}");
    }
}

db_test! {
    async fn a_verifier_of_the_area_certifies_a_product_and_revokes_it(backend: Backend) {
        let app = app(backend).await;
        let coop = cooperative(&app, true).await;
        let mut body = honey(coop.id, 10, 1);
        body["households_supported"] = json!(3);
        let id = listed(&coop.member, &body).await;
        let path = format!("/api/v1/products/{id}");
        let (_, public) = app.get_json(&path).await;
        assert_eq!(public["product"]["certified"], false);
        assert_eq!(public["product"]["households_supported"], Value::Null, "fewer than 5 are not counted in public");
        assert_eq!(public["product"]["few_households"], true);

        let until = (app.clock.now() + Duration::days(365)).date_naive();
        let certificate = json!({"certificate_no": "平扶产认〔2026〕12号", "certified_until": until});
        let cert = format!("{path}/certification");
        for who in ["cadre", "verifier-heyuan", "donor"] {
            let session = app.login_demo(who).await;
            let (status, body) = session.send(reqwest::Method::PUT, &cert, Some(&certificate)).await;
            assert_eq!(status, 403, "{who}: {body}");
        }
        for seller in [&coop.member, &coop.admin] {
            let (status, body) = seller.send(reqwest::Method::PUT, &cert, Some(&certificate)).await;
            assert_eq!(status, 403, "a seller does not certify its own: {body}");
        }
        let verifier = app.login_demo("verifier").await;
        let past = json!({"certificate_no": "平扶产认〔2026〕12号", "certified_until": (app.clock.now() - Duration::days(1)).date_naive()});
        let (status, body) = verifier.send(reqwest::Method::PUT, &cert, Some(&past)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"]["certified_until"][0]["code"], "future");
        let (status, body) = verifier.send(reqwest::Method::PUT, &cert, Some(&certificate)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["product"]["certified"], true);
        let (_, public) = app.get_json(&path).await;
        assert_eq!(public["product"]["certified"], true);
        assert_eq!(public["product"]["certification"]["certificate_no"], "平扶产认〔2026〕12号");
        assert_eq!(public["product"]["certification"]["certified_until"], json!(until));
        assert!(timeline_kinds(&public).contains(&"certified"));

        let (status, body) = coop.member.send(reqwest::Method::DELETE, &cert, None).await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = verifier.send(reqwest::Method::DELETE, &cert, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["product"]["certified"], false);
        assert_eq!(body["product"]["certification"], Value::Null);
        let (_, public) = app.get_json(&path).await;
        assert_eq!(public["product"]["certified"], false);
        assert!(timeline_kinds(&public).contains(&"certification_revoked"));
        let (status, body) = verifier.send(reqwest::Method::DELETE, &cert, None).await;
        assert_eq!(status, 422, "not certified any more: {body}");
        assert_error_code(&body, "invalid_state");

        // Five households and more are counted in public.
        let mut edit = body_without_seller(&honey(coop.id, 10, 1));
        edit["households_supported"] = json!(5);
        let (status, body) = coop.member.send(reqwest::Method::PUT, &path, Some(&edit)).await;
        assert_eq!(status, 200, "{body}");
        let (_, public) = app.get_json(&path).await;
        assert_eq!(public["product"]["households_supported"], 5);
        assert_eq!(public["product"]["few_households"], false);
    }
}

/// A product's body as an edit sends it (without its seller).
pub(crate) fn body_without_seller(body: &Value) -> Value {
    let mut edit = body.clone();
    edit.as_object_mut().unwrap().remove("seller_id");
    edit
}
