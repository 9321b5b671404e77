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

db_test! {
    async fn a_whole_number_written_with_a_zero_fraction_is_that_integer(backend: Backend) {
        // JSON Schema, which the API document speaks, counts `50.0` as the integer 50; clients
        // whose numbers are all floats write it so.
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let mut body = desks(&app);
        body["target_quantity"] = json!(50.0);
        body["unit_value_fen"] = json!(30_000.0);
        let (status, need) = cadre.post("/api/v1/needs", &body).await;
        assert_eq!(status, 201, "{need}");
        assert_eq!(need["target_quantity"], 50, "{need}");

        // A fraction is still no integer, and nothing more is written.
        body["target_quantity"] = json!(50.5);
        let (status, error) = cadre.post("/api/v1/needs", &body).await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "invalid_json");
        let (_, list) = cadre.get("/api/v1/needs").await;
        assert_eq!(list["total"], 1, "only the first was written");
    }
}

db_test! {
    async fn a_record_named_by_an_id_below_1_is_refused_or_not_found(backend: Backend) {
        // The API document gives every id `minimum: 1`; the server holds to it.
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        for path in ["/api/v1/needs?household=0", "/api/v1/needs?household=-3"] {
            let (status, error) = cadre.get(path).await;
            assert_eq!(status, 400, "{path}: {error}");
            assert_error_code(&error, "invalid_parameter");
            assert!(error["error"]["message"].as_str().unwrap().contains("at least 1"), "{error}");
        }
        let (status, error) = app.get_json("/api/v1/products?seller=0").await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "invalid_parameter");
        let (status, error) = app.get_json("/api/v1/stats?org=0").await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "invalid_parameter");
        // An organisation that does not exist has no offers to list: 404, not an empty list.
        for id in ["0", "999999"] {
            let (status, error) = app.get_json(&format!("/api/v1/organisations/{id}/offers")).await;
            assert_eq!(status, 404, "{id}: {error}");
            assert_error_code(&error, "not_found");
        }
    }
}

db_test! {
    async fn a_password_reset_for_no_address_at_all_is_refused(backend: Backend) {
        // Any address gets the same answer; an empty one is no address, and the document's
        // `minLength: 1` says so.
        let app = TestApp::spawn(backend).await;
        let (status, error) = app
            .post_json("/api/v1/auth/password/forgot", &json!({"email": ""}))
            .await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "validation_failed");
        assert!(error["error"]["fields"]["email"].is_array(), "{error}");
    }
}
