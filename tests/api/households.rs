use duijie::demo::HOUSEHOLDS;
use duijie::store::entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, assert_error_code};

const DUNBEI: &str = "441426100200"; // 墩背村, 平远县 (梅州): the demo cadre's
const CHENGXI: &str = "441624100201"; // 城西村, 和平县 (河源): not the demo cadre's

fn new_household(village: &str, id_first17: &str) -> serde_json::Value {
    let id = duijie::domain::id_card::IdCardNumber::complete(id_first17).unwrap();
    json!({
        "village_code": village,
        "head_name": "钟玉兰",
        "id_card_number": id.expose(),
        "phone": "138 0013 8000",
        "address": "墩背村老屋组 1 号",
        "members_count": 4,
        "poverty_causes": ["illness", "lack_labour"]
    })
}

async fn household_id_of(app: &TestApp, village: &str) -> i64 {
    let cadre = app
        .login_demo(if village == CHENGXI {
            "cadre-heyuan"
        } else {
            "cadre"
        })
        .await;
    let (_, list) = cadre
        .get(&format!("/api/v1/households?village={village}"))
        .await;
    list["items"][0]["id"].as_i64().unwrap()
}

db_test! {
    async fn a_cadre_registers_a_household_seen_masked_and_revealed_only_on_request(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let (status, created) = cadre.post("/api/v1/households", &new_household(DUNBEI, "44142619900101123")).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["head_name_masked"], "钟**");
        assert_eq!(created["phone_masked"], "138****8000");
        assert!(created["id_card_masked"].as_str().unwrap().starts_with("4414**********"));
        assert!(!created.to_string().contains("19900101"), "{created}");
        assert_eq!(created["poverty_causes"], json!(["illness", "lack_labour"]));

        let (_, list) = cadre.get(&format!("/api/v1/households?village={DUNBEI}")).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "two demo households and the new one");
        assert_eq!(list["total"], 3);
        assert!(!list.to_string().contains("钟玉兰"));

        let id = created["id"].as_i64().unwrap();
        let (status, _) = cadre.get(&format!("/api/v1/households/{id}/private")).await;
        assert_eq!(status, 405, "revealing is a POST, under the CSRF check");
        let (status, private) = cadre.post(&format!("/api/v1/households/{id}/private"), &json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(private["head_name"], "钟玉兰");
        assert_eq!(private["phone"], "13800138000");

        let actions: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::TargetKind.eq("household"))
            .filter(audit_log::Column::TargetId.eq(id.to_string()))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                let detail = row.detail.unwrap_or_default();
                assert!(!detail.contains("钟玉兰") && !detail.contains("13800138000"), "{detail}");
                row.action
            })
            .collect();
        assert_eq!(actions, ["household.create", "household.reveal"]);
    }
}

db_test! {
    async fn the_same_person_cannot_be_registered_twice_even_elsewhere(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let taken = HOUSEHOLDS.iter().find(|h| h.village == DUNBEI).unwrap();
        let mut body = new_household(CHENGXI, "44142619900101123");
        body["id_card_number"] = json!(taken.id_card().expose().to_lowercase());
        let heyuan = app.login_demo("cadre-heyuan").await;
        let (status, error) = heyuan.post("/api/v1/households", &body).await;
        assert_eq!(status, 409, "{error}");
        assert_error_code(&error, "household_duplicate");
        assert!(error["error"]["fields"]["id_card_number"].is_array());
        assert!(!error.to_string().contains(DUNBEI), "the answer does not say where");
        let probes = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("household.duplicate_refused"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(probes.len(), 1, "the refused attempt is audited");
        assert!(probes[0].detail.as_deref().unwrap().contains(DUNBEI), "with where the record is");
    }
}

db_test! {
    async fn a_meizhou_cadre_cannot_touch_a_heyuan_village(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let heyuan_household = household_id_of(&app, CHENGXI).await;
        let cadre = app.login_demo("cadre").await;
        let (status, body) = cadre.post("/api/v1/households", &new_household(CHENGXI, "44162419900101123")).await;
        assert_eq!(status, 403, "{body}");
        assert_error_code(&body, "forbidden");
        let (status, body) = cadre.get(&format!("/api/v1/households?village={CHENGXI}")).await;
        assert_eq!(status, 403, "{body}");
        // By its id, a household out of scope is not even confirmed to exist.
        let (status, body) = cadre.get(&format!("/api/v1/households/{heyuan_household}")).await;
        assert_eq!(status, 404, "{body}");
        let (status, _) = cadre.post(&format!("/api/v1/households/{heyuan_household}/private"), &json!({})).await;
        assert_eq!(status, 404);
        let (status, _) = cadre.patch(&format!("/api/v1/households/{heyuan_household}"), &json!({"members_count": 9})).await;
        assert_eq!(status, 404);
        let (status, _) = cadre.patch(&format!("/api/v1/households/{heyuan_household}"), &json!({})).await;
        assert_eq!(status, 404, "changing nothing is no way round the scope");
        let (status, _) = cadre
            .post(&format!("/api/v1/households/{heyuan_household}/incomes"), &json!({"year": 2023, "per_capita_income_fen": 1}))
            .await;
        assert_eq!(status, 404);
    }
}

db_test! {
    async fn verifiers_see_their_county_masked_and_admins_donors_and_strangers_see_nothing(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let id = household_id_of(&app, DUNBEI).await;
        let verifier = app.login_demo("verifier").await;
        let (status, list) = verifier.get(&format!("/api/v1/households?village={DUNBEI}")).await;
        assert_eq!(status, 200);
        assert_eq!(list["items"][0]["head_name_masked"], "陈**");
        let (status, _) = verifier.post(&format!("/api/v1/households/{id}/private"), &json!({})).await;
        assert_eq!(status, 200, "verifiers of the county may reveal");
        let (status, _) = verifier.post("/api/v1/households", &new_household(DUNBEI, "44142619900101123")).await;
        assert_eq!(status, 403, "but not register households");

        for who in ["admin", "donor", "enterprise", "coordinator", "cadre-heyuan"] {
            let session = app.login_demo(who).await;
            let (status, body) = session.get(&format!("/api/v1/households?village={DUNBEI}")).await;
            assert_eq!(status, 403, "{who}: {body}");
            let (status, body) = session.get(&format!("/api/v1/households/{id}")).await;
            assert_eq!(status, 404, "{who}: {body}");
            let (status, body) = session.post(&format!("/api/v1/households/{id}/private"), &json!({})).await;
            assert_eq!(status, 404, "{who}: {body}");
        }
        let (status, body) = app.get_json(&format!("/api/v1/households/{id}")).await;
        assert_eq!(status, 401);
        assert_error_code(&body, "unauthenticated");
    }
}

db_test! {
    async fn bad_household_input_is_refused_naming_each_field_and_changes_nothing(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let (status, body) = cadre
            .post(
                "/api/v1/households",
                &json!({
                    "village_code": DUNBEI,
                    "head_name": "",
                    "id_card_number": "441426199001011230",
                    "phone": "12345",
                    "members_count": 0,
                    "poverty_causes": ["laziness"]
                }),
            )
            .await;
        assert_eq!(status, 400);
        assert_error_code(&body, "validation_failed");
        for field in ["head_name", "id_card_number", "phone", "members_count", "poverty_causes"] {
            assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
        }
        let (_, list) = cadre.get(&format!("/api/v1/households?village={DUNBEI}")).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
    }
}

db_test! {
    async fn a_household_leaves_the_register_only_after_two_good_years_and_can_fall_back(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let id = household_id_of(&app, DUNBEI).await;
        let cadre = app.login_demo("cadre").await;
        let exit = json!({"to": "exited", "reason": "产业帮扶后收入稳定", "evidence": "2023 年收入核查表"});

        let (status, body) = cadre.post(&format!("/api/v1/households/{id}/status"), &exit).await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "invalid_state");

        for (year, fen) in [(2022, 420_000), (2023, 465_000)] {
            let (status, body) = cadre
                .post(&format!("/api/v1/households/{id}/incomes"), &json!({"year": year, "per_capita_income_fen": fen}))
                .await;
            assert_eq!(status, 201, "{body}");
        }
        let (status, body) = cadre
            .post(&format!("/api/v1/households/{id}/incomes"), &json!({"year": 2023, "per_capita_income_fen": 1}))
            .await;
        assert_eq!(status, 409);
        assert_error_code(&body, "income_year_recorded");

        let (status, body) = cadre.post(&format!("/api/v1/households/{id}/status"), &exit).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["register_status"], "exited");
        let (status, body) = cadre
            .post(&format!("/api/v1/households/{id}/status"), &json!({"to": "returned", "reason": "因病返贫", "evidence": "住院证明"}))
            .await;
        assert_eq!(status, 200, "{body}");

        let (_, detail) = cadre.get(&format!("/api/v1/households/{id}")).await;
        let moves: Vec<&str> = detail["status_history"].as_array().unwrap().iter().map(|m| m["to_status"].as_str().unwrap()).collect();
        assert_eq!(moves, ["registered", "exited", "returned"]);
        assert_eq!(detail["incomes"].as_array().unwrap().len(), 2);
    }
}

db_test! {
    async fn a_household_edit_changes_what_it_names_and_an_edit_of_nothing_changes_nothing(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let id = household_id_of(&app, DUNBEI).await;
        let edits = || async {
            audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("household.update"))
                .all(&app.db)
                .await
                .unwrap()
                .len()
        };
        let (status, edited) = cadre
            .patch(&format!("/api/v1/households/{id}"), &json!({"members_count": 6, "address": "墩背村新屋组 8 号"}))
            .await;
        assert_eq!(status, 200, "several fields in one edit: {edited}");
        assert_eq!(edited["members_count"], 6);
        assert_eq!(edits().await, 1);
        for nothing in [json!({}), json!({"members_count": null, "head_name": null})] {
            let (status, same) = cadre.patch(&format!("/api/v1/households/{id}"), &nothing).await;
            assert_eq!(status, 200, "{nothing}: {same}");
            assert_eq!(same, edited, "{nothing}");
        }
        assert_eq!(edits().await, 1, "an edit of nothing is not recorded");
    }
}
