//! Follows over HTTP: following, changing and leaving, and bad follows refused by field.

use serde_json::json;

use crate::db_test;
use crate::helpers::assert_error_code;
use crate::pledges::app;

db_test! {
    async fn a_person_follows_changes_and_leaves_and_bad_follows_name_their_field(backend: Backend) {
        let app = app(backend).await;
        assert_eq!(app.get_json("/api/v1/me/follows").await.0, 401);
        let donor = app.login_demo("donor").await;
        let (status, city) = donor
            .post("/api/v1/me/follows", &json!({"target_kind": "region", "target": "4414"}))
            .await;
        assert_eq!(status, 201, "{city}");
        assert_eq!(city["label"], "广东省梅州市");
        assert_eq!(city["mode"], "instant");
        let (status, again) = donor
            .post("/api/v1/me/follows", &json!({"target_kind": "region", "target": "4414", "mode": "daily"}))
            .await;
        assert_eq!(status, 201, "{again}");
        assert_eq!(again["id"], city["id"], "the same follow, its mode changed");
        assert_eq!(again["mode"], "daily");
        // 400 for what the API document states (the kinds, the modes), 422 for what the kind
        // makes of the target, and for what is on record.
        for (body, field, code, expected) in [
            (json!({"target_kind": "village", "target": "4414"}), "target_kind", "one_of", 400),
            (json!({"target_kind": "region", "target": "44142"}), "target", "region_level", 422),
            (json!({"target_kind": "region", "target": "449999"}), "target", "not_found_reference", 422),
            (json!({"target_kind": "category", "target": "toys"}), "target", "one_of_with", 422),
            (json!({"target_kind": "pairing", "target": "99999"}), "target", "not_found_reference", 422),
            (json!({"target_kind": "category", "target": "education", "mode": "weekly"}), "mode", "one_of", 400),
        ] {
            let (status, error) = donor.post("/api/v1/me/follows", &body).await;
            assert_eq!(status, expected, "{body}: {error}");
            assert_error_code(&error, "validation_failed");
            assert_eq!(error["error"]["fields"][field][0]["code"], code, "{body}: {error}");
        }
        let id = city["id"].as_i64().unwrap();
        let (status, changed) = donor
            .patch(&format!("/api/v1/me/follows/{id}"), &json!({"mode": "instant"}))
            .await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["mode"], "instant");
        let other = app.login_demo("coordinator").await;
        let (status, _) = other.send(reqwest::Method::DELETE, &format!("/api/v1/me/follows/{id}"), None).await;
        assert_eq!(status, 404, "not theirs");
        let (status, _) = donor.send(reqwest::Method::DELETE, &format!("/api/v1/me/follows/{id}"), None).await;
        assert_eq!(status, 204);
        let (_, follows) = donor.get("/api/v1/me/follows").await;
        assert_eq!(follows["items"], json!([]));
    }
}
