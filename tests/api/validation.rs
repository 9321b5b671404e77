//! A request body that breaks the rules is answered `400 validation_failed`, naming each field
//! at fault with the rule's code and parameters (for the front end to say in its user's
//! language), and changes nothing.

use chrono::Duration;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code};

const VILLAGE: &str = "441426100200"; // 墩背村

fn desks(app: &TestApp) -> Value {
    json!({
        "beneficiary": "village",
        "village_code": VILLAGE,
        "category": "education",
        "title": "村小学课桌椅",
        "description": "墩背村小学现有课桌椅破旧，需要新课桌椅50套，秋季开学前到位。",
        "unit": "set",
        "target_quantity": 50,
        "unit_value_fen": 30_000,
        "deadline": (app.clock.now() + Duration::days(60)).to_rfc3339(),
    })
}

db_test! {
    async fn a_need_without_its_deadline_is_refused_naming_the_field_and_nothing_is_written(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let mut body = desks(&app);
        body.as_object_mut().unwrap().remove("deadline");
        let (status, error) = cadre.post("/api/v1/needs", &body).await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "validation_failed");
        assert_eq!(error["error"]["fields"]["deadline"][0]["code"], "required", "{error}");
        assert!(error["error"]["message"].as_str().unwrap().contains("deadline"), "{error}");
        let (_, list) = cadre.get("/api/v1/needs").await;
        assert_eq!(list["total"], 0, "nothing was written");
    }
}

db_test! {
    async fn each_field_error_carries_its_rules_code_and_parameters(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let mut body = desks(&app);
        body["title"] = json!("  桌椅  ");
        body["unit"] = json!("crate");
        let (status, error) = cadre.post("/api/v1/needs", &body).await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "validation_failed");
        let fields = &error["error"]["fields"];
        // Counted without the spaces around it, as it would be stored.
        assert_eq!(
            fields["title"],
            json!([{"code": "length", "min": 4, "max": 60, "message": "must be 4 to 60 characters"}])
        );
        assert_eq!(fields["unit"][0]["code"], "one_of", "{error}");
        assert!(fields["unit"][0]["allowed"].as_array().unwrap().contains(&json!("set")), "{error}");
        let (_, list) = cadre.get("/api/v1/needs").await;
        assert_eq!(list["total"], 0);
    }
}
