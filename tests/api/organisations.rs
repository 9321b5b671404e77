use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code};

db_test! {
    async fn an_enterprise_is_public_only_once_an_administrator_verifies_it(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = donor
            .post("/api/v1/organisations", &json!({"kind": "enterprise", "name": "平远脐橙合作社", "credit_code": "91330100799655058C"}))
            .await;
        assert_eq!(status, 422, "a check character no schema states: {body}");
        assert!(body["error"]["fields"]["credit_code"][0]["message"].as_str().unwrap().contains("check character"));

        let (status, created) = donor
            .post("/api/v1/organisations", &json!({"kind": "enterprise", "name": "平远脐橙合作社", "credit_code": "91330100799655058B", "region_code": "441426"}))
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["verified"], false);
        let id = created["id"].as_i64().unwrap();

        let (_, public) = app.get_json("/api/v1/organisations").await;
        assert!(public["items"].as_array().unwrap().iter().all(|o| o["id"] != id));
        let (status, _) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
        assert_eq!(status, 404, "unverified: not public");
        let (status, _) = donor.get(&format!("/api/v1/organisations/{id}")).await;
        assert_eq!(status, 200, "its own administrator sees it");
        let (_, me) = donor.get("/api/v1/me").await;
        assert!(me["roles"].as_array().unwrap().iter().any(|r| r["role"] == "org_admin" && r["organisation_id"] == id));

        // The waiting list: every waiting one for administrators, one's own for its people.
        let admin = app.login_demo("admin").await;
        let (status, waiting) = admin.get("/api/v1/organisations?verified=false").await;
        assert_eq!(status, 200, "{waiting}");
        assert!(waiting["items"].as_array().unwrap().iter().any(|o| o["id"] == id), "{waiting}");
        assert!(waiting["items"].as_array().unwrap().iter().all(|o| o["verified"] == false));
        let (_, own) = donor.get("/api/v1/organisations?verified=false").await;
        assert_eq!(own["items"].as_array().unwrap().iter().map(|o| o["id"].clone()).collect::<Vec<_>>(), vec![json!(id)]);
        let (_, others) = app.login_demo("cadre").await.get("/api/v1/organisations?verified=false").await;
        assert_eq!(others, json!({"items": [], "total": 0, "page": 1, "per_page": 20}), "nobody else's");
        let (status, _) = app.get_json("/api/v1/organisations?verified=false").await;
        assert_eq!(status, 401);
        let (status, _) = app.get_json("/api/v1/organisations?verified=maybe").await;
        assert_eq!(status, 400);

        let (status, body) = donor.post(&format!("/api/v1/organisations/{id}/verify"), &json!({})).await;
        assert_eq!(status, 403, "{body}");
        let (status, verified) = admin.post(&format!("/api/v1/organisations/{id}/verify"), &json!({})).await;
        assert_eq!(status, 200, "{verified}");
        assert_eq!(verified["verified"], true);
        let (_, waiting) = admin.get("/api/v1/organisations?verified=false").await;
        assert!(waiting["items"].as_array().unwrap().iter().all(|o| o["id"] != id), "off the waiting list");
        let (status, _) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
        assert_eq!(status, 200);

        let (status, body) = admin
            .post("/api/v1/organisations", &json!({"kind": "enterprise", "name": "冒名企业", "credit_code": "91330100799655058b"}))
            .await;
        assert_eq!(status, 409, "a verified organisation holds the code");
        assert_error_code(&body, "organisation_duplicate");
    }
}

db_test! {
    async fn an_unverified_claim_on_a_credit_code_cannot_block_the_real_enterprise(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let squatter = app.login_demo("donor").await;
        let body = json!({"kind": "enterprise", "name": "某某实业", "credit_code": "91330100799655058B"});
        let (status, squatted) = squatter.post("/api/v1/organisations", &body).await;
        assert_eq!(status, 201);
        let real = app.login_demo("enterprise").await;
        let (status, genuine) = real.post("/api/v1/organisations", &body).await;
        assert_eq!(status, 201, "the real enterprise registers all the same: {genuine}");

        let admin = app.login_demo("admin").await;
        let (status, _) = admin.post(&format!("/api/v1/organisations/{}/verify", genuine["id"]), &json!({})).await;
        assert_eq!(status, 200);
        let (status, body) = admin.post(&format!("/api/v1/organisations/{}/verify", squatted["id"]), &json!({})).await;
        assert_eq!(status, 409, "only one verified organisation per code: {body}");
        assert_error_code(&body, "organisation_duplicate");
    }
}

db_test! {
    async fn an_enterprise_without_a_credit_code_is_refused(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let donor = app.login_demo("donor").await;
        let (status, body) = donor.post("/api/v1/organisations", &json!({"kind": "enterprise", "name": "无码公司"})).await;
        assert_eq!(status, 422, "an enterprise needs its credit code: {body}");
        assert!(body["error"]["fields"]["credit_code"].is_array());
        let (status, body) = donor.post("/api/v1/organisations", &json!({"kind": "charity", "name": "某某会"})).await;
        assert_eq!(status, 400, "unknown kind: {body}");
    }
}

db_test! {
    async fn an_administrator_grants_a_scoped_role_that_takes_effect(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let newcomer = app.register_confirmed("newcadre@example.cn", "a long password", "新村官").await;
        let user_id = newcomer.user["id"].as_i64().unwrap();
        let household = json!({
            "village_code": "441426101200", "head_name": "古德才",
            "id_card_number": duijie::domain::id_card::IdCardNumber::complete("44142619660606123").unwrap().expose(),
            "members_count": 2, "poverty_causes": ["lack_water"]
        });
        let (status, _) = newcomer.post("/api/v1/households", &household).await;
        assert_eq!(status, 403);

        let admin = app.login_demo("admin").await;
        let (status, body) = admin.post(&format!("/api/v1/users/{user_id}/roles"), &json!({"role": "cadre", "region_code": "441426"})).await;
        assert_eq!(status, 422, "a cadre is scoped to a village: {body}");
        let (status, _) = admin.post(&format!("/api/v1/users/{user_id}/roles"), &json!({"role": "cadre", "region_code": "441426101200"})).await;
        assert_eq!(status, 201);
        let (status, _) = admin.post(&format!("/api/v1/users/{user_id}/roles"), &json!({"role": "cadre", "region_code": "441426101200"})).await;
        assert_eq!(status, 200, "granting twice changes nothing");
        let (status, _) = newcomer.post("/api/v1/households", &household).await;
        assert_eq!(status, 201, "the new grant holds at once");

        let (status, _) = newcomer.post(&format!("/api/v1/users/{user_id}/roles"), &json!({"role": "admin"})).await;
        assert_eq!(status, 403, "a cadre grants no roles");

        let admin_id = admin.user["id"].as_i64().unwrap();
        let (status, _) = admin.post(&format!("/api/v1/users/{admin_id}/roles"), &json!({"role": "verifier", "region_code": "441426"})).await;
        assert_eq!(status, 403, "no one grants roles to themselves");
        let (status, body) = admin.post(&format!("/api/v1/users/{user_id}/roles"), &json!({"role": "admin"})).await;
        assert_eq!(status, 422, "a cadre does not become an administrator: {body}");
        let coordinator = app.login_demo("coordinator").await;
        let coordinator_id = coordinator.user["id"].as_i64().unwrap();
        let (status, _) = admin.post(&format!("/api/v1/users/{coordinator_id}/roles"), &json!({"role": "admin"})).await;
        assert_eq!(status, 201);
        let (status, body) = admin.post(&format!("/api/v1/users/{coordinator_id}/roles"), &json!({"role": "verifier", "region_code": "441426"})).await;
        assert_eq!(status, 422, "nor an administrator a verifier: {body}");
    }
}

db_test! {
    async fn an_organisation_administrator_takes_in_members_of_their_own_organisation_only(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let enterprise = app.login_demo("enterprise").await;
        let org = enterprise.user["roles"][0]["organisation_id"].as_i64().unwrap();
        let donor = app.login_demo("donor").await;
        let donor_id = donor.user["id"].as_i64().unwrap();

        let (status, _) = enterprise.post(&format!("/api/v1/users/{donor_id}/roles"), &json!({"role": "org_member", "organisation_id": org})).await;
        assert_eq!(status, 201);
        let (_, me) = donor.get("/api/v1/me").await;
        let grant = me["roles"].as_array().unwrap().iter().find(|r| r["organisation_id"] == org).unwrap().clone();
        assert_eq!(grant["role"], "org_member");

        let (_, orgs) = app.get_json("/api/v1/organisations").await;
        let other = orgs["items"].as_array().unwrap().iter().find(|o| o["id"] != org).unwrap()["id"].as_i64().unwrap();
        let (status, _) = enterprise.post(&format!("/api/v1/users/{donor_id}/roles"), &json!({"role": "org_member", "organisation_id": other})).await;
        assert_eq!(status, 403, "not another organisation's");
        let (status, _) = enterprise.post(&format!("/api/v1/users/{donor_id}/roles"), &json!({"role": "cadre", "region_code": "441426100200"})).await;
        assert_eq!(status, 403, "nor platform roles");

        let (status, _) = enterprise.send(reqwest::Method::DELETE, &format!("/api/v1/users/{donor_id}/roles/{}", grant["id"]), None).await;
        assert_eq!(status, 204);
        let (_, me) = donor.get("/api/v1/me").await;
        assert!(me["roles"].as_array().unwrap().is_empty());
    }
}
