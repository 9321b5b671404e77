//! Who sees which photo, over HTTP: every kind of photo × every kind of caller, the need's
//! photo list as each sees it, random ids, and publishing and taking back a need's photo.

use duijie::media::samples;
use image::ImageFormat;
use reqwest::Method;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, status_and_json};
use crate::pledges::{app, submit_and_verify};

const PASSWORD: &str = "correct horse battery";

/// Uploads a picture to `path` as `who`; returns the photo's answer.
async fn upload(app: &TestApp, who: &Session, path: &str) -> Value {
    let response = who
        .client
        .post(app.url(path))
        .header("x-csrf-token", &who.csrf_token)
        .header("content-type", "image/png")
        .body(samples::picture(24, 16, ImageFormat::Png))
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 201, "{path}: {body}");
    body
}

/// A new account, signed in.
async fn citizen(app: &TestApp, email: &str) -> Session {
    app.register_confirmed(email, PASSWORD, "张先生").await
}

/// Records a draft need in the demo village and returns its id.
async fn draft(cadre: &Session, app: &TestApp) -> i64 {
    let (status, need) = cadre
        .post(
            "/api/v1/needs",
            &json!({
                "beneficiary": "village",
                "village_code": "441426100200",
                "category": "infrastructure",
                "title": "村道路灯维修",
                "description": "村口至小学的路灯坏了六盏，晚上学生回家不安全。",
                "unit": "item",
                "target_quantity": 6,
                "unit_value_fen": 50_000,
                "deadline": (app.clock.now() + chrono::Duration::days(30)).to_rfc3339(),
            }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    need["id"].as_i64().unwrap()
}

/// What `who` (nobody: `None`) gets for `url`: the status, and the cache rule on a 200.
async fn fetch(app: &TestApp, who: Option<&Session>, url: &str) -> (u16, Option<String>) {
    let client = who.map_or(&app.client, |s| &s.client);
    let response = client.get(app.url(url)).send().await.unwrap();
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    if status == 200 {
        assert_eq!(response.headers()["content-type"], "image/jpeg");
    } else {
        let (_, body) = status_and_json(response).await;
        assert_eq!(body["error"]["code"], "not_found", "{url}: {body}");
    }
    (status, cache.filter(|_| status == 200))
}

db_test! {
    async fn every_photo_kind_is_served_only_to_whoever_may_see_it(backend: Backend) {
        let app = app(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let enterprise = app.login_demo("enterprise").await;
        let admin = app.login_demo("admin").await;
        let far_cadre = app.login_demo("cadre-heyuan").await;
        let far_verifier = app.login_demo("verifier-heyuan").await;
        let coordinator = app.login_demo("coordinator").await;
        let donor = app.login_demo("donor").await;
        let passer_by = citizen(&app, "passer-by@example.cn").await;

        // A colleague of the enterprise's, and the head of another organisation.
        let colleague = citizen(&app, "colleague@example.cn").await;
        let org = enterprise.organisation_id().await;
        let (status, body) = enterprise
            .post(
                &format!("/api/v1/users/{}/roles", colleague.user["id"]),
                &json!({"role": "org_member", "organisation_id": org}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let colleague = app.login("colleague@example.cn", PASSWORD).await;
        let other_org = citizen(&app, "other-org@example.cn").await;
        let (status, body) = other_org
            .post(
                "/api/v1/organisations",
                &json!({"kind": "social_org", "name": "另一家公益组织"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let other_org = app.login("other-org@example.cn", PASSWORD).await;

        // A need that goes public with one photo published and one kept back.
        let public_id = draft(&cadre, &app).await;
        let shown = upload(&app, &cadre, &format!("/api/v1/needs/{public_id}/photos?public=true")).await;
        let kept = upload(&app, &cadre, &format!("/api/v1/needs/{public_id}/photos")).await;
        assert_eq!((shown["public"].as_bool(), kept["public"].as_bool()), (Some(true), Some(false)));
        submit_and_verify(&cadre, &verifier, public_id).await;

        // A draft's photo, published by its cadre but not yet verified.
        let draft_id = draft(&cadre, &app).await;
        let in_draft = upload(&app, &cadre, &format!("/api/v1/needs/{draft_id}/photos?public=true")).await;

        // A receipt photo: the enterprise pledges for its organisation and ships; the cadre
        // photographs what arrived.
        let (status, pledge) = enterprise
            .post(
                &format!("/api/v1/needs/{public_id}/pledges"),
                &json!({"quantity": 2, "org_id": org}),
            )
            .await;
        assert_eq!(status, 201, "{pledge}");
        let pledge = pledge["id"].as_i64().unwrap();
        let (status, body) = enterprise
            .post(&format!("/api/v1/pledges/{pledge}/ship"), &json!({"reference": "SF1234567890"}))
            .await;
        assert_eq!(status, 200, "{body}");
        let receipt = upload(&app, &cadre, &format!("/api/v1/pledges/{pledge}/photos")).await;
        assert_eq!(receipt["public"], false);

        // Ids are random: 32 hex digits each, nothing in common with a row number.
        let ids: Vec<&str> = [&shown, &kept, &in_draft, &receipt]
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        for (photo, id) in [&shown, &kept, &in_draft, &receipt].iter().zip(&ids) {
            assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
            assert_eq!(photo["url"], format!("/api/v1/photos/{id}"));
        }
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len());

        // Every kind × every caller: P public, S private (no-store), - as if absent.
        let urls = [&shown, &kept, &in_draft, &receipt].map(|p| p["url"].as_str().unwrap().to_owned());
        let callers: [(&str, Option<&Session>, &str); 12] = [
            ("nobody signed in", None, "P---"),
            ("a passer-by", Some(&passer_by), "P---"),
            ("another donor", Some(&donor), "P---"),
            ("the pledge's donor", Some(&enterprise), "P--S"),
            ("a colleague of the donor's organisation", Some(&colleague), "P--S"),
            ("another organisation", Some(&other_org), "P---"),
            ("the village's cadre", Some(&cadre), "PSSS"),
            ("the county's verifier", Some(&verifier), "PS-S"),
            ("a cadre elsewhere", Some(&far_cadre), "P---"),
            ("a verifier elsewhere", Some(&far_verifier), "P---"),
            ("the pairing's coordinator", Some(&coordinator), "P---"),
            ("an administrator", Some(&admin), "P---"),
        ];
        for (name, who, expected) in callers {
            for (url, rule) in urls.iter().zip(expected.chars()) {
                let (status, cache) = fetch(&app, who, url).await;
                let got = match (status, cache.as_deref()) {
                    (200, Some(c)) if c.starts_with("public") => 'P',
                    (200, Some("private, no-store")) => 'S',
                    (404, None) => '-',
                    other => panic!("{name}, {url}: {other:?}"),
                };
                assert_eq!(got, rule, "{name}, {url}");
            }
        }

        // An id that was never given looks the same as one that is hidden.
        for url in ["/api/v1/photos/00000000000000000000000000000000", "/api/v1/photos/1", "/api/v1/photos/..%2F..%2Fsecret.key"] {
            assert_eq!(fetch(&app, None, url).await, (404, None), "{url}");
        }

        // The need's page lists the published photo to the public, both to its staff.
        let (_, seen) = app.get_json(&format!("/api/v1/needs/{public_id}")).await;
        let listed = |detail: &Value| -> Vec<String> {
            detail["photos"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(listed(&seen), vec![ids[0].to_owned()]);
        let (_, seen) = verifier.get(&format!("/api/v1/needs/{public_id}")).await;
        assert_eq!(listed(&seen), vec![ids[0].to_owned(), ids[1].to_owned()]);
        // A pledge's public entry carries no receipt photo; the donor's own view does.
        let (_, public_pledges) = app.get_json(&format!("/api/v1/needs/{public_id}/pledges")).await;
        assert!(!public_pledges.to_string().contains(ids[3]), "{public_pledges}");
        let (status, mine) = colleague.get(&format!("/api/v1/pledges/{pledge}")).await;
        assert_eq!(status, 200, "{mine}");
        assert_eq!(mine["receipt_photos"][0]["id"], ids[3]);
        let (status, _) = other_org.get(&format!("/api/v1/pledges/{pledge}")).await;
        assert_eq!(status, 404);
    }
}

db_test! {
    async fn a_cadre_publishes_a_draft_photo_and_the_staff_may_take_one_back_at_any_time(backend: Backend) {
        let app = app(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let id = draft(&cadre, &app).await;
        let kept = upload(&app, &cadre, &format!("/api/v1/needs/{id}/photos")).await;
        let shown = upload(&app, &cadre, &format!("/api/v1/needs/{id}/photos?public=true")).await;
        let path_of = |photo: &Value| format!("/api/v1/needs/{id}/photos/{}", photo["id"].as_str().unwrap());
        let url_of = |photo: &Value| photo["url"].as_str().unwrap().to_owned();

        // A draft's photos are its cadres' to choose: others do not even find the draft.
        let (status, _) = donor.patch(&path_of(&kept), &json!({"public": true})).await;
        assert_eq!(status, 404);
        let (status, body) = cadre.patch(&path_of(&kept), &json!({"public": "yes"})).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = cadre.patch(&path_of(&kept), &json!({"public": true})).await;
        assert_eq!((status, &body["public"]), (200, &json!(true)), "{body}");
        let (status, body) = cadre.patch(&path_of(&kept), &json!({"public": false})).await;
        assert_eq!((status, &body["public"]), (200, &json!(false)), "{body}");

        // Once submitted, nothing more is shown: what the public sees is what was verified.
        submit_and_verify(&cadre, &verifier, id).await;
        let (status, body) = cadre.patch(&path_of(&kept), &json!({"public": true})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "invalid_state");
        assert_eq!(fetch(&app, None, &url_of(&kept)).await, (404, None));
        assert_eq!(fetch(&app, None, &url_of(&shown)).await.0, 200);

        // A verifier never shows a photo, but takes one back at once (a face slipped through).
        let (status, _) = verifier.patch(&path_of(&kept), &json!({"public": true})).await;
        assert_eq!(status, 403);
        let (status, body) = verifier.patch(&path_of(&shown), &json!({"public": false})).await;
        assert_eq!((status, &body["public"]), (200, &json!(false)), "{body}");
        assert_eq!(fetch(&app, None, &url_of(&shown)).await, (404, None));
        let (status, cache) = fetch(&app, Some(&verifier), &url_of(&shown)).await;
        assert_eq!((status, cache.as_deref()), (200, Some("private, no-store")));
        let (_, detail) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["photos"], json!([]));

        // Each change is in the audit log; a request that changes nothing adds nothing.
        let (status, _) = verifier.patch(&path_of(&shown), &json!({"public": false})).await;
        assert_eq!(status, 200);
        let actions: Vec<String> = {
            use duijie::store::entity::audit_log;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
            audit_log::Entity::find()
                .filter(audit_log::Column::TargetId.eq(id.to_string()))
                .order_by_asc(audit_log::Column::Id)
                .all(&app.db)
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.action)
                .filter(|a| a.starts_with("need.photo"))
                .collect()
        };
        assert_eq!(
            actions,
            ["need.photo_add", "need.photo_add", "need.photo_publish", "need.photo_unpublish", "need.photo_unpublish"]
        );

        // A photo is found only under its own need.
        let other = draft(&cadre, &app).await;
        let foreign = format!("/api/v1/needs/{other}/photos/{}", kept["id"].as_str().unwrap());
        let (status, _) = cadre.send(Method::DELETE, &foreign, None).await;
        assert_eq!(status, 404);
        let (status, _) = cadre.patch(&foreign, &json!({"public": false})).await;
        assert_eq!(status, 404);
    }
}
