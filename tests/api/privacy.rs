//! Private household data never reaches a public or donor-visible response.

use duijie::demo::HOUSEHOLDS;
use sea_orm::EntityTrait;

use crate::db_test;
use crate::helpers::TestApp;

/// Every private value of the demo households, in the forms it could leak in.
fn private_values() -> Vec<String> {
    let mut values = Vec::new();
    for h in HOUSEHOLDS {
        values.push(h.head_name.to_owned());
        values.push(h.id_card().expose().to_owned());
        values.push(h.id_card_first17[6..14].to_owned()); // the birth date
        values.push(h.phone.to_owned());
        values.push(h.address.to_owned());
    }
    values
}

fn url_escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[track_caller]
fn assert_clean(path: &str, body: &str) {
    for value in private_values() {
        assert!(!body.contains(&value), "{path} leaks `{value}`");
    }
}

db_test! {
    async fn no_public_or_donor_response_holds_a_private_household_field(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let settings = app.state.settings.as_ref().clone();
        let sealer = std::sync::Arc::new(crate::helpers::test_sealer());
        duijie::demo::needs::seed(&app.db, &settings, sealer.clone(), 0).await.unwrap();
        duijie::demo::pledges::seed(&app.db, &settings, sealer).await.unwrap();
        let pledge_ids: Vec<i64> = duijie::store::entity::pledges::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert!(!pledge_ids.is_empty());
        let cadre = app.login_demo("cadre").await;
        let (_, list) = cadre.get("/api/v1/households?village=441426100200").await;
        let household = list["items"][0]["id"].as_i64().unwrap();
        let need_ids: Vec<i64> = duijie::store::entity::needs::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|n| n.id)
            .collect();

        let (_, orgs) = app.get_json("/api/v1/organisations").await;
        let mut paths = vec![
            "/healthz".to_owned(),
            "/readyz".to_owned(),
            "/api/v1/openapi.json".to_owned(),
            "/api/v1/regions".to_owned(),
            "/api/v1/regions/441426100200".to_owned(),
            "/api/v1/regions/441426100/children".to_owned(),
            "/api/v1/organisations".to_owned(),
            "/api/v1/me".to_owned(),
            "/api/v1/auth/tokens".to_owned(),
            "/api/v1/households?village=441426100200".to_owned(),
            format!("/api/v1/households/{household}"),
        ];
        paths.push("/api/v1/needs/notices".to_owned());
        // The search index holds the public needs, and nothing private of their households.
        crate::search::api::drained(&app).await;
        let (_, everything) = app.get_json("/api/v1/needs/search?per_page=100").await;
        assert!(everything["total"].as_u64().unwrap() >= 10, "{everything}");
        for h in HOUSEHOLDS {
            for private in [h.head_name, h.address, h.phone] {
                let (status, found) = app
                    .get_json(&format!("/api/v1/needs/search?q={}", url_escape(private)))
                    .await;
                assert_eq!(status, 200, "{found}");
                assert_eq!(found["total"], 0, "searching `{private}` finds a need: {found}");
            }
        }
        paths.push("/api/v1/needs/search?per_page=100".to_owned());
        paths.push("/api/v1/needs/search?q=%E6%95%99%E8%82%B2&per_page=100".to_owned());
        paths.push("/api/v1/me/pledges".to_owned());
        for id in &pledge_ids {
            paths.push(format!("/api/v1/pledges/{id}"));
        }
        for id in &need_ids {
            paths.push(format!("/api/v1/needs/{id}"));
            paths.push(format!("/api/v1/needs/{id}/pledges"));
        }
        for org in orgs["items"].as_array().unwrap() {
            paths.push(format!("/api/v1/organisations/{}", org["id"]));
        }

        let mut checked = 0;
        for path in &paths {
            let anonymous = app.get(path).await.text().await.unwrap();
            assert_clean(path, &anonymous);
            checked += 1;
        }
        for who in ["donor", "enterprise", "coordinator", "admin"] {
            let session = app.login_demo(who).await;
            assert_clean("login answer", &session.user.to_string());
            for path in &paths {
                let (_, body) = session.get(path).await;
                assert_clean(&format!("{who} {path}"), &body.to_string());
                checked += 1;
            }
            let (status, body) = session.post(&format!("/api/v1/households/{household}/private"), &serde_json::json!({})).await;
            assert_eq!(status, 404, "{who}");
            assert_clean(&format!("{who} reveal"), &body.to_string());
        }
        assert_eq!(checked, paths.len() * 5);

        // The cadre of the village does see them, so the check above can fail.
        let (_, private) = cadre.post(&format!("/api/v1/households/{household}/private"), &serde_json::json!({})).await;
        assert!(private_values().iter().any(|v| private.to_string().contains(v)));
    }
}
