//! Every list is paged in the database, with `{items, total, page, per_page}`: the pledges of
//! a need, the verified organisations and the ones waiting for verification. Pages are 1 to
//! 100 long and a list is read at most 10,000 items deep (`page_too_deep` beyond).

use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code};
use crate::pledges::{app_with, pledge, published, uncapped};

/// The ids of a page's items.
fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

/// Every page of `path`, `per_page` at a time: the ids in order.
async fn walk(session: &Session, path: &str, per_page: u64) -> Vec<i64> {
    let mut all = Vec::new();
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
        if page * per_page >= body["total"].as_u64().unwrap() {
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
