//! Take-down (撤下核查): a verifier of a need's area takes it out of public view at once, with a
//! reason only its staff read; it leaves the index, the public pages and its photos' public
//! address; its cadres and the donors of its open pledges are mailed; its cadre corrects and
//! resubmits it, or a verifier closes it for good.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use duijie::domain::authz::Role;
use duijie::media::samples;
use duijie::store::entity::audit_log;
use image::ImageFormat;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json, test_sealer};
use crate::mail::{mail_to, plain, private_values, settled};
use crate::needs::{grant, user_id};
use crate::pledges::{pledge, published};
use crate::search::api::drained;
use crate::smtp::SmtpServer;

const VILLAGE: &str = "441426100200";
const REASON: &str = "照片中可见户主的身份证，需重新拍摄";

/// A published need for 10 desk sets, with a photo its cadre published; returns its id and the
/// photo's address.
async fn published_with_photo(app: &TestApp, cadre: &Session, verifier: &Session) -> (i64, String) {
    let (status, need) = cadre
        .post(
            "/api/v1/needs",
            &json!({
                "beneficiary": "village",
                "village_code": VILLAGE,
                "category": "education",
                "title": "村小学课桌椅",
                "description": "村小学需要新课桌椅，秋季开学前到位。",
                "unit": "set",
                "target_quantity": 10,
                "unit_value_fen": 30_000,
                "deadline": (app.clock.now() + Duration::days(60)).to_rfc3339(),
            }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let id = need["id"].as_i64().unwrap();
    let response = cadre
        .client
        .post(app.url(&format!("/api/v1/needs/{id}/photos?public=true")))
        .header("x-csrf-token", &cadre.csrf_token)
        .header("content-type", "image/png")
        .body(samples::picture(24, 16, ImageFormat::Png))
        .send()
        .await
        .unwrap();
    let (status, photo) = status_and_json(response).await;
    assert_eq!(status, 201, "{photo}");
    crate::pledges::submit_and_verify(cadre, verifier, id).await;
    (id, photo["url"].as_str().unwrap().to_owned())
}

async fn take_down(who: &Session, id: i64, reason: &str) -> (u16, Value) {
    who.post(
        &format!("/api/v1/needs/{id}/take-down"),
        &json!({ "reason": reason }),
    )
    .await
}

/// Whether the public search finds need `id`, once every search row is done.
async fn found(app: &TestApp, id: i64) -> bool {
    drained(app).await;
    let (status, body) = app.get_json("/api/v1/needs/search?q=课桌椅").await;
    assert_eq!(status, 200, "{body}");
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == id)
}

/// Waits (up to 20 s) until the public search finds need `id`, or no longer does.
async fn until_found(app: &TestApp, id: i64, expected: bool) {
    let started = Instant::now();
    while found(app, id).await != expected {
        assert!(
            started.elapsed() < StdDuration::from_secs(20),
            "need {id} found: {}",
            !expected
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

db_test! {
    async fn a_verifier_takes_a_published_need_out_of_view_and_its_cadre_corrects_it_back(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = TestApp::spawn_with(backend, mail_to(&server, 0)).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.unwrap();
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let enterprise = app.login_demo("enterprise").await;
        let (id, photo) = published_with_photo(&app, &cadre, &verifier).await;

        // Two open pledges: the donor's not yet sent, the enterprise person's on its way.
        let (status, held) = pledge(&donor, id, 2).await;
        assert_eq!(status, 201, "{held}");
        let held = held["id"].as_i64().unwrap();
        let (status, sent) = pledge(&enterprise, id, 1).await;
        assert_eq!(status, 201, "{sent}");
        let sent = sent["id"].as_i64().unwrap();
        let (status, body) = enterprise
            .post(&format!("/api/v1/pledges/{sent}/ship"), &json!({"reference": "SF100"}))
            .await;
        assert_eq!(status, 200, "{body}");
        until_found(&app, id, true).await;
        assert_eq!(app.get(&photo).await.status(), 200);

        // Not the need's cadre, not a verifier elsewhere, not a donor; not without a reason.
        let elsewhere = app.login_demo("verifier-heyuan").await;
        for who in [&cadre, &elsewhere, &donor] {
            let (status, error) = take_down(who, id, REASON).await;
            assert_eq!(status, 403, "{error}");
            assert_error_code(&error, "forbidden");
        }
        let (status, error) = take_down(&verifier, id, "x").await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "validation_failed");
        assert_eq!(error["error"]["fields"]["reason"][0]["code"], "length", "{error}");

        // The verifier of the county takes it down.
        let (status, detail) = take_down(&verifier, id, REASON).await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "taken_down");
        assert_eq!(detail["review"]["takedown_reason"], REASON);
        assert_eq!(detail["pledged_quantity"], 3, "the pledges are held, not released");
        let (status, error) = take_down(&verifier, id, REASON).await;
        assert_eq!(status, 422, "once: {error}");
        assert_error_code(&error, "invalid_state");

        // Out of public view: the page, the photo, the search.
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 404);
        assert_eq!(app.get(&photo).await.status(), 404);
        until_found(&app, id, false).await;
        let (status, export) = app.get_json("/api/v1/needs/search?q=课桌椅&status=taken_down").await;
        assert!(status == 400 || export["total"] == 0, "{status} {export}");

        // Its cadre reads the reason; the timeline says only that it was withdrawn from view.
        let (status, staff) = cadre.get(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(staff["review"]["takedown_reason"], REASON);
        let timeline = &staff["timeline"];
        let last = timeline.as_array().unwrap().last().unwrap();
        assert_eq!(last["kind"], "taken_down", "{timeline}");
        assert!(!timeline.to_string().contains(REASON), "{timeline}");

        // Audited, with the reason.
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("need.take_down"))
            .filter(audit_log::Column::TargetId.eq(id.to_string()))
            .one(&app.db)
            .await
            .unwrap()
            .expect("an audit entry");
        let audit_detail = audited.detail.unwrap_or_default();
        assert!(audit_detail.contains(REASON) && audit_detail.contains("taken_down"), "{audit_detail}");

        // The unsent pledge is held; its donor still reads it, and may cancel it.
        let (status, error) = donor
            .post(&format!("/api/v1/pledges/{held}/ship"), &json!({"reference": "SF200"}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
        let (status, _) = donor.get(&format!("/api/v1/pledges/{held}")).await;
        assert_eq!(status, 200);

        // Mailed: its cadres with the reason; each donor of an open pledge, without the title or
        // the reason (either may hold what it was taken down for), nor any household's data.
        settled(&app).await;
        let received = server.received();
        let told: Vec<_> = received.iter().filter(|m| m.kind() == "need_taken_down").collect();
        let to = |address: &str| told.iter().find(|m| m.to.iter().any(|a| a == address)).copied();
        let cadres_mail = to("cadre@demo.duijie.cn").expect("the cadre is told");
        assert!(cadres_mail.text().contains(REASON), "{}", cadres_mail.text());
        for address in ["donor@demo.duijie.cn", "enterprise@demo.duijie.cn"] {
            let mail = to(address).unwrap_or_else(|| panic!("{address} is told"));
            let everything = format!("{}\n{}\n{}", mail.subject(), mail.text(), mail.html());
            assert!(everything.contains(&format!("#{id}")), "{everything}");
            for secret in [REASON, "村小学课桌椅"] {
                assert!(!everything.contains(secret), "{address} reads `{secret}`");
            }
            for value in private_values() {
                assert!(!everything.contains(value.as_str()), "{address} reads `{value}`");
            }
        }
        assert!(to("verifier@demo.duijie.cn").is_none(), "the verifier who acted is not told");

        // The cadre corrects it (keeping the target above what is pledged) and submits it again.
        let (status, error) = cadre
            .patch(&format!("/api/v1/needs/{id}"), &json!({"target_quantity": 2}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["fields"]["target_quantity"][0]["code"], "below", "{error}");
        let photo_id = photo.rsplit('/').next().unwrap();
        let (status, body) = cadre
            .patch(&format!("/api/v1/needs/{id}/photos/{photo_id}"), &json!({"public": false}))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = cadre
            .patch(&format!("/api/v1/needs/{id}"), &json!({"title": "村小学课桌椅（新）"}))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = cadre.post(&format!("/api/v1/needs/{id}/submit"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "submitted");
        let (status, body) = verifier.post(&format!("/api/v1/needs/{id}/verify"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "published");

        // Back in view, with its pledges; its public timeline tells of the take-down, not why.
        let (status, public) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 200, "{public}");
        assert_eq!(public["pledged_quantity"], 3);
        assert!(public.get("review").is_none());
        let kinds: Vec<&str> = public["timeline"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
        assert!(kinds.contains(&"taken_down"), "{kinds:?}");
        assert!(!public.to_string().contains(REASON));
        assert_eq!(app.get(&photo).await.status(), 404, "the photo its cadre took back stays private");
        until_found(&app, id, true).await;
        let (status, body) = donor
            .post(&format!("/api/v1/pledges/{held}/ship"), &json!({"reference": "SF200"}))
            .await;
        assert_eq!(status, 200, "shipping resumes: {body}");
    }
}

db_test! {
    async fn the_author_never_takes_down_their_need_and_a_verifier_closes_it_once_no_pledge_is_open(backend: Backend) {
        let app = crate::pledges::app(backend).await;
        // The cadre is a verifier of the county as well.
        let cadre_id = user_id(&app, "cadre@demo.duijie.cn").await;
        grant(&app, cadre_id, Role::Verifier, "441426").await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let id = published(&app, 10, 1).await;

        let (status, error) = take_down(&cadre, id, REASON).await;
        assert_eq!(status, 403, "{error}");
        assert_error_code(&error, "conflict_of_interest");
        let (_, detail) = cadre.get(&format!("/api/v1/needs/{id}")).await;
        assert!(!detail["review"]["allowed_actions"].as_array().unwrap().contains(&json!("take_down")));
        let (_, detail) = verifier.get(&format!("/api/v1/needs/{id}")).await;
        assert!(detail["review"]["allowed_actions"].as_array().unwrap().contains(&json!("take_down")));

        let (status, body) = pledge(&donor, id, 2).await;
        assert_eq!(status, 201, "{body}");
        let pledge_id = body["id"].as_i64().unwrap();
        let (status, body) = take_down(&verifier, id, "疑似虚报，需入户核实").await;
        assert_eq!(status, 200, "{body}");

        // Nobody pledges to it meanwhile.
        let (status, error) = pledge(&donor, id, 1).await;
        assert_eq!(status, 404, "{error}");

        // Not closed while a pledge is open; nor by its author.
        let (status, error) = verifier.post(&format!("/api/v1/needs/{id}/close"), &json!({})).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
        let (status, body) = donor.post(&format!("/api/v1/pledges/{pledge_id}/cancel"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let (status, error) = cadre.post(&format!("/api/v1/needs/{id}/close"), &json!({})).await;
        assert_eq!(status, 403, "{error}");
        assert_error_code(&error, "conflict_of_interest");
        let (status, body) = verifier.post(&format!("/api/v1/needs/{id}/close"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "rejected", "closed for good, out of view for good");
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 404);
        assert!(!found(&app, id).await);

        // Only what is in public view is taken down.
        let (status, error) = take_down(&verifier, id, REASON).await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
    }
}
