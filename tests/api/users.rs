//! `GET /api/v1/users`: administrators find accounts with their roles.

use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code};

db_test! {
    async fn administrators_find_accounts_by_email_mobile_or_name_with_their_roles(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let admin = app.login_demo("admin").await;

        let (status, all) = admin.get("/api/v1/users?per_page=100").await;
        assert_eq!(status, 200, "{all}");
        let total = all["total"].as_u64().unwrap();
        assert_eq!(all["users"].as_array().unwrap().len() as u64, total);
        assert!(total >= 8, "one demo account per role at least: {all}");
        assert!(all["users"][0]["id"].as_i64() > all["users"][1]["id"].as_i64(), "newest first");
        assert!(all.to_string().find("password").is_none(), "no password hash: {all}");

        let (status, found) = admin.get("/api/v1/users?q=CADRE@demo").await;
        assert_eq!(status, 200, "{found}");
        let emails: Vec<&str> = found["users"].as_array().unwrap().iter()
            .map(|u| u["email"].as_str().unwrap()).collect();
        assert!(emails.contains(&"cadre@demo.duijie.cn"), "{emails:?}");
        assert!(emails.iter().all(|e| e.contains("cadre@demo")), "{emails:?}");
        let cadre = found["users"].as_array().unwrap().iter()
            .find(|u| u["email"] == "cadre@demo.duijie.cn").unwrap();
        assert!(cadre["roles"].as_array().unwrap().iter().any(|r| r["role"] == "cadre" && r["region_code"].is_string()), "{cadre}");

        // LIKE's wildcards are text: '%' finds no one rather than everyone.
        let (_, none) = admin.get("/api/v1/users?q=%25").await;
        assert_eq!(none["total"], 0, "{none}");
        let (_, paged) = admin.get("/api/v1/users?per_page=2&page=2").await;
        assert_eq!(paged["users"].as_array().unwrap().len(), 2);
        assert_eq!(paged["total"].as_u64().unwrap(), total);
        assert_eq!(paged["users"][0]["id"], all["users"][2]["id"]);

        for bad in ["per_page=0", "page=0", "per_page=101", "qq=x"] {
            let (status, body) = admin.get(&format!("/api/v1/users?{bad}")).await;
            assert_eq!(status, 400, "{bad}: {body}");
        }
        let verifier = app.login_demo("verifier").await;
        let (status, body) = verifier.get("/api/v1/users").await;
        assert_eq!(status, 403, "{body}");
        assert_error_code(&body, "forbidden");
        let (status, _) = app.get_json("/api/v1/users").await;
        assert_eq!(status, 401);

        // A grant shows in the list at once.
        let donor = all["users"].as_array().unwrap().iter()
            .find(|u| u["email"] == "donor@demo.duijie.cn").unwrap()["id"].as_i64().unwrap();
        let (status, body) = admin.post(&format!("/api/v1/users/{donor}/roles"),
            &json!({"role": "verifier", "region_code": "441426"})).await;
        assert_eq!(status, 201, "{body}");
        let (_, found) = admin.get("/api/v1/users?q=donor@demo").await;
        assert_eq!(found["users"][0]["roles"][0]["role"], "verifier", "{found}");
    }
}
