//! Needs over HTTP: recording, verification, the notice period with its objections, the
//! timeline, the scheduler's time-driven moves, the guards against false needs, and photos.

use chrono::{DateTime, Duration, Utc};
use duijie::demo::HOUSEHOLDS;
use duijie::domain::authz::Role;
use duijie::media::samples;
use duijie::store::accounts::{self as account_store, GrantScope};
use duijie::store::entity::{audit_log, outbox, users};
use image::ImageFormat;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, status_and_json};

const VILLAGE: &str = "441426100200"; // 墩背村, 大柘镇, 平远县, 梅州市

fn deadline(app: &TestApp, days: i64) -> String {
    (app.clock.now() + Duration::days(days)).to_rfc3339()
}

/// A village need for 50 desk sets at 300 元 each (15,000 元, under every cap).
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
        "urgency": "urgent",
        "deadline": deadline(app, 60),
    })
}

async fn create(cadre: &Session, body: &Value) -> i64 {
    let (status, need) = cadre.post("/api/v1/needs", body).await;
    assert_eq!(status, 201, "{need}");
    need["id"].as_i64().unwrap()
}

/// The id of one of the demo households of `VILLAGE`.
async fn household_id(cadre: &Session) -> i64 {
    let (status, list) = cadre
        .get(&format!("/api/v1/households?village={VILLAGE}"))
        .await;
    assert_eq!(status, 200, "{list}");
    list["items"][0]["id"].as_i64().unwrap()
}

async fn step(session: &Session, id: i64, what: &str) -> (u16, Value) {
    session
        .post(&format!("/api/v1/needs/{id}/{what}"), &json!({}))
        .await
}

async fn into_notice(cadre: &Session, verifier: &Session, id: i64) -> Value {
    let (status, body) = step(cadre, id, "submit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "submitted");
    let (status, body) = step(verifier, id, "verify").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in_notice");
    body
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

pub(crate) async fn user_id(app: &TestApp, email: &str) -> i64 {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Creates a user holding `role` over `region`, signed in.
async fn staff(app: &TestApp, email: &str, role: Role, region: &str) -> Session {
    let (status, body) = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "display_name": "测试", "password": "a-long-password-1"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let id = user_id(app, email).await;
    grant(app, id, role, region).await;
    app.login(email, "a-long-password-1").await
}

pub(crate) async fn grant(app: &TestApp, user_id: i64, role: Role, region: &str) {
    account_store::grant_role(
        &app.db,
        user_id,
        role,
        GrantScope::Region(region),
        None,
        duijie::clock::now(),
    )
    .await
    .unwrap();
}

db_test! {
    /// The flow of the issue: a cadre records and submits, a verifier verifies, the need is
    /// noticed, a neighbour objects, the verifier dismisses the objection, the notice runs out and
    /// the need is published, with every step on its public timeline.
    async fn a_need_goes_from_draft_through_notice_and_an_objection_to_published(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let household = household_id(&cadre).await;
        let id = create(
            &cadre,
            &json!({
                "beneficiary": "household",
                "household_id": household,
                "category": "medical",
                "title": "轮椅一台",
                "description": "户主因病行动不便，需要轮椅一台，方便就医和日常出行。",
                "unit": "item",
                "target_quantity": 1,
                "unit_value_fen": 80_000,
                "deadline": deadline(&app, 30),
            }),
        )
        .await;

        // A draft is its village's business only.
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 404, "the public does not see a draft");

        let started = app.clock.now();
        let noticed = into_notice(&cadre, &verifier, id).await;
        assert_eq!(
            time(&noticed["notice_ends_at"]),
            started + Duration::days(3),
            "the default notice period is three days"
        );

        // Anyone sees it now, and it is on the public notice list.
        let (status, public) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 200, "{public}");
        assert_eq!(public["status"], "in_notice");
        assert!(public.get("review").is_none(), "no review section for the public");
        assert_eq!(public["beneficiary"]["kind"], "household");
        let (_, notices) = app.get_json("/api/v1/needs/notices?region=4414").await;
        assert!(notices["items"].as_array().unwrap().iter().any(|n| n["id"] == id));

        // A neighbour objects, anonymously, a day in.
        app.clock.advance(Duration::days(1));
        let (status, receipt) = app
            .post_json(
                &format!("/api/v1/needs/{id}/objections"),
                &json!({"reason": "这户人家上个月已经领到了一台轮椅，需求重复。", "contact": "同村村民 139****0000"}),
            )
            .await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt["need_status"], "suspended");
        let objection = receipt["id"].as_i64().unwrap();

        // The objection is the verifiers' to see, with the contact; not the public's.
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}/objections")).await;
        assert_eq!(status, 401);
        let (status, listed) = verifier.get(&format!("/api/v1/needs/{id}/objections")).await;
        assert_eq!(status, 200, "{listed}");
        assert_eq!(listed["items"][0]["contact"], "同村村民 139****0000");
        assert_eq!(listed["items"][0]["signed_in"], false);
        let (_, public) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert!(!public.to_string().contains("需求重复"), "the reason is not public");

        // While suspended the notice clock stands still: two days of examination…
        app.clock.advance(Duration::days(2));
        assert_eq!(app.tick().await.published, 0, "a suspended need is not published");
        let (status, decided) = verifier
            .post(
                &format!("/api/v1/objections/{objection}/dismiss"),
                &json!({"reason": "经入户核实，此前领取的是拐杖，轮椅需求属实。"}),
            )
            .await;
        assert_eq!(status, 200, "{decided}");
        assert_eq!(decided["status"], "dismissed");
        let (_, resumed) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(resumed["status"], "in_notice");
        // …push the end of the notice two days later.
        assert_eq!(
            time(&resumed["notice_ends_at"]),
            started + Duration::days(5)
        );

        // The scheduler publishes it when the notice runs out, not before.
        app.clock.set(started + Duration::days(5) - Duration::seconds(1));
        assert_eq!(app.tick().await.published, 0);
        app.clock.set(started + Duration::days(5));
        assert_eq!(app.tick().await.published, 1);
        assert_eq!(app.tick().await.published, 0, "a second tick does nothing");

        let (_, published) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(published["status"], "published");
        assert_eq!(time(&published["published_at"]), started + Duration::days(5));
        assert_eq!(
            kinds(&published),
            [
                "created",
                "submitted",
                "verified",
                "notice_started",
                "objection_filed",
                "objection_dismissed",
                "notice_resumed",
                "published",
            ]
        );
        let actors: Vec<&str> = published["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["actor"].as_str().unwrap())
            .collect();
        assert_eq!(
            actors,
            ["cadre", "cadre", "verifier", "verifier", "public", "verifier", "verifier", "platform"]
        );
        assert_eq!(published["remaining_quantity"], 1);
        assert_eq!(published["target_value_fen"], 80_000);

        // Every move was audited and announced to the search index, in its own transaction.
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::TargetKind.eq("need"))
            .filter(audit_log::Column::TargetId.eq(id.to_string()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(audited, 6, "create, submit, verify, object, dismiss, end of notice");
        let syncs = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("search_sync_need"))
            .filter(outbox::Column::SubjectId.eq(id.to_string()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(syncs, 6);
        for kind in ["mail_need_verified", "mail_objection_filed"] {
            let mails = outbox::Entity::find()
                .filter(outbox::Column::Kind.eq(kind))
                .filter(outbox::Column::SubjectId.eq(id.to_string()))
                .count(&app.db)
                .await
                .unwrap();
            assert_eq!(mails, 1, "{kind}");
        }
    }
}

db_test! {
    async fn the_public_projection_never_carries_a_households_private_fields(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let household = household_id(&cadre).await;
        let id = create(
            &cadre,
            &json!({
                "beneficiary": "household",
                "household_id": household,
                "category": "daily_goods",
                "title": "冬季棉被两床",
                "description": "家中老人怕冷，需要冬季棉被两床。",
                "unit": "item",
                "target_quantity": 2,
                "unit_value_fen": 15_000,
                "deadline": deadline(&app, 30),
            }),
        )
        .await;
        into_notice(&cadre, &verifier, id).await;
        let response = app.get(&format!("/api/v1/needs/{id}")).await;
        let text = response.text().await.unwrap();
        for household in HOUSEHOLDS {
            for private in [
                household.head_name,
                household.phone,
                household.address,
                household.id_card_first17,
            ] {
                assert!(!text.contains(private), "`{private}` leaked into {text}");
            }
        }
        assert!(!text.contains("household_id"), "{text}");
        let need: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(need["beneficiary"]["household_size"], 3);
        assert_eq!(need["beneficiary"]["poverty_causes"], json!(["illness"]));
        assert_eq!(need["beneficiary"]["summary"], "墩背村委会 · 3口之家 · 因病");
        assert_eq!(
            need["region_codes"],
            json!(["44", "4414", "441426", "441426100", VILLAGE])
        );
        assert_eq!(need["region_names"][4], "墩背村委会");
    }
}

db_test! {
    async fn private_data_in_a_needs_text_is_refused_naming_the_field(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let household = household_id(&cadre).await;
        let head_name = HOUSEHOLDS[0].head_name;
        let cases = [
            ("description", "户主身份证号 11010519491231002X，请核实后帮扶。"),
            ("description", "有意捐赠者请直接联系 138-1234-5678 王书记。"),
            ("title", "捐给13812345678"),
            ("description", &*format!("{head_name}家需要一台轮椅，方便出行。")),
        ];
        for (field, text) in cases {
            let mut body = json!({
                "beneficiary": "household",
                "household_id": household,
                "category": "medical",
                "title": "轮椅一台",
                "description": "户主因病行动不便，需要轮椅一台。",
                "unit": "item",
                "target_quantity": 1,
                "unit_value_fen": 80_000,
                "deadline": deadline(&app, 30),
            });
            body[field] = json!(text);
            let (status, error) = cadre.post("/api/v1/needs", &body).await;
            assert_eq!(status, 422, "{text}: {error}");
            assert_error_code(&error, "private_data");
            assert!(error["error"]["fields"][field].is_array(), "{error}");
        }
        let (_, list) = cadre.get("/api/v1/needs").await;
        assert_eq!(list["total"], 0, "nothing was written");

        // Edits of a draft are held to the same rule.
        let id = create(&cadre, &desks(&app)).await;
        let (status, error) = cadre
            .patch(
                &format!("/api/v1/needs/{id}"),
                &json!({"description": "联系人电话 13912345678，课桌椅50套。"}),
            )
            .await;
        assert_eq!(status, 422);
        assert_error_code(&error, "private_data");
    }
}

db_test! {
    async fn bad_fields_are_refused_each_by_name_and_nothing_is_written(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let (status, error) = cadre
            .post(
                "/api/v1/needs",
                &json!({
                    "beneficiary": "village",
                    "village_code": VILLAGE,
                    "category": "luxury",
                    "title": "桌",
                    "description": "短",
                    "unit": "crate",
                    "target_quantity": 0,
                    "unit_value_fen": -5,
                    "urgency": "whenever",
                    "deadline": deadline(&app, -1),
                }),
            )
            .await;
        assert_eq!(status, 400, "{error}");
        assert_error_code(&error, "validation_failed");
        for field in [
            "category",
            "title",
            "description",
            "unit",
            "target_quantity",
            "unit_value_fen",
            "urgency",
            "deadline",
        ] {
            assert!(error["error"]["fields"][field].is_array(), "{field}: {error}");
        }
        // Absurd totals are refused too: a hundred thousand sets at 10,000 元.
        let mut absurd = desks(&app);
        absurd["target_quantity"] = json!(100_000);
        absurd["unit_value_fen"] = json!(1_000_000);
        let (status, error) = cadre.post("/api/v1/needs", &absurd).await;
        assert_eq!(status, 422, "no schema states a total: {error}");
        assert!(error["error"]["fields"]["target_quantity"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1 亿元"));
        // Someone else's village is not the cadre's to record needs for.
        let mut elsewhere = desks(&app);
        elsewhere["village_code"] = json!("441624100201");
        let (status, error) = cadre.post("/api/v1/needs", &elsewhere).await;
        assert_eq!(status, 403, "{error}");
        let (_, list) = cadre.get("/api/v1/needs").await;
        assert_eq!(list["total"], 0);
    }
}

db_test! {
    async fn a_verifier_never_verifies_a_need_they_recorded(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        // The cadre is made a verifier of the county as well.
        let cadre_id = user_id(&app, "cadre@demo.duijie.cn").await;
        grant(&app, cadre_id, Role::Verifier, "441426").await;
        let cadre = app.login_demo("cadre").await;
        let id = create(&cadre, &desks(&app)).await;
        let (status, _) = step(&cadre, id, "submit").await;
        assert_eq!(status, 200);
        let (status, error) = step(&cadre, id, "verify").await;
        assert_eq!(status, 403, "{error}");
        assert_error_code(&error, "conflict_of_interest");
        let (_, detail) = cadre.get(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["status"], "submitted", "nothing changed");
        assert_eq!(detail["review"]["allowed_actions"], json!(["withdraw"]));
        let (status, error) = cadre
            .post(&format!("/api/v1/needs/{id}/reject"), &json!({"reason": "不通过"}))
            .await;
        assert_eq!(status, 403);
        assert_error_code(&error, "conflict_of_interest");
        // Nor does the author read who objects to their need, once it is in notice.
        let verifier = app.login_demo("verifier").await;
        let (status, _) = step(&verifier, id, "verify").await;
        assert_eq!(status, 200);
        let (status, error) = cadre.get(&format!("/api/v1/needs/{id}/objections")).await;
        assert_eq!(status, 403, "{error}");
        assert_error_code(&error, "conflict_of_interest");
        let (status, _) = step(&cadre, id, "withdraw").await;
        assert_eq!(status, 200);
    }
}

db_test! {
    async fn a_need_above_its_cap_needs_a_second_verification_at_county_level(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let town = staff(&app, "town@example.cn", Role::Verifier, "441426100").await;
        let town_too = staff(&app, "town2@example.cn", Role::Verifier, "441426100").await;
        let county = app.login_demo("verifier").await;
        // 200 sets at 300 元: 60,000 元, above the 50,000 元 cap of education.
        let mut body = desks(&app);
        body["target_quantity"] = json!(200);
        let id = create(&cadre, &body).await;
        let (_, submitted) = step(&cadre, id, "submit").await;
        assert_eq!(submitted["review"]["requires_second_verification"], true);

        let (status, first) = step(&town, id, "verify").await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first["status"], "verified", "waiting for the county");
        let (status, error) = step(&town, id, "verify").await;
        assert_eq!(status, 403);
        assert_error_code(&error, "conflict_of_interest");
        let (status, error) = step(&town_too, id, "verify").await;
        assert_eq!(status, 403, "another town verifier is not the county");
        assert_error_code(&error, "forbidden");
        let (status, second) = step(&county, id, "verify").await;
        assert_eq!(status, 200, "{second}");
        assert_eq!(second["status"], "in_notice");
        assert_eq!(
            kinds(&second),
            ["created", "submitted", "verified", "second_verified", "notice_started"]
        );
    }
}

db_test! {
    async fn an_upheld_objection_rejects_the_need_and_takes_it_out_of_public_view(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let id = create(&cadre, &desks(&app)).await;
        into_notice(&cadre, &verifier, id).await;
        let mut objections = vec![];
        for who in [&donor, &donor] {
            let (status, receipt) = who
                .post(
                    &format!("/api/v1/needs/{id}/objections"),
                    &json!({"reason": "学校去年已经撤并，村里没有小学了。"}),
                )
                .await;
            assert_eq!(status, 201, "{receipt}");
            objections.push(receipt["id"].as_i64().unwrap());
        }
        // Another county's verifier does not even see the objection.
        let elsewhere = app.login_demo("verifier-heyuan").await;
        let (status, _) = elsewhere
            .post(
                &format!("/api/v1/objections/{}/uphold", objections[0]),
                &json!({"reason": "经核实，村小学已撤并。"}),
            )
            .await;
        assert_eq!(status, 404);
        let (status, upheld) = verifier
            .post(
                &format!("/api/v1/objections/{}/uphold", objections[0]),
                &json!({"reason": "经核实，村小学已撤并。"}),
            )
            .await;
        assert_eq!(status, 200, "{upheld}");
        let (_, listed) = verifier.get(&format!("/api/v1/needs/{id}/objections")).await;
        assert!(
            listed["items"].as_array().unwrap().iter().all(|o| o["status"] == "upheld"),
            "the other objection is settled with it: {listed}"
        );
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 404, "a rejected need leaves public view");
        let (_, detail) = cadre.get(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["status"], "rejected");
        assert_eq!(detail["review"]["rejection_reason"], "经核实，村小学已撤并。");
        let (status, error) = verifier
            .post(
                &format!("/api/v1/objections/{}/dismiss", objections[1]),
                &json!({"reason": "重复"}),
            )
            .await;
        assert_eq!(status, 422);
        assert_error_code(&error, "invalid_state");
    }
}

db_test! {
    async fn objections_are_refused_outside_the_notice_and_rate_limited(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let id = create(&cadre, &desks(&app)).await;
        let objection = json!({"reason": "这个需求的数量明显偏多，请核实。"});
        let path = format!("/api/v1/needs/{id}/objections");
        let (status, _) = app.post_json(&path, &objection).await;
        assert_eq!(status, 404, "a draft cannot be seen, let alone objected to");
        into_notice(&cadre, &verifier, id).await;
        let (status, error) = app.post_json(&path, &json!({"reason": "短"})).await;
        assert_eq!(status, 400);
        assert!(error["error"]["fields"]["reason"].is_array());
        for _ in 0..3 {
            let (status, body) = app.post_json(&path, &objection).await;
            assert_eq!(status, 201, "{body}");
        }
        let response = app
            .client
            .post(app.url(&path))
            .json(&objection)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
        // Published needs take no objections through this path.
        let other = create(&cadre, &desks(&app)).await;
        into_notice(&cadre, &verifier, other).await;
        app.clock.advance(Duration::days(3));
        app.tick().await;
        let donor = app.login_demo("donor").await;
        let (status, error) = donor
            .post(&format!("/api/v1/needs/{other}/objections"), &objection)
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
    }
}

db_test! {
    async fn the_scheduler_expires_needs_past_their_deadline_exactly_once(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let mut body = desks(&app);
        body["deadline"] = json!(deadline(&app, 10));
        let id = create(&cadre, &body).await;
        into_notice(&cadre, &verifier, id).await;
        app.clock.advance(Duration::days(3));
        assert_eq!(app.tick().await.published, 1);
        app.clock.advance(Duration::days(7) - Duration::seconds(1));
        assert_eq!(app.tick().await.expired, 0);
        app.clock.advance(Duration::seconds(1));
        let (first, second) = tokio::join!(app.tick(), app.tick());
        assert_eq!(first.expired + second.expired, 1, "two ticks at once move it once");
        let (_, detail) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["status"], "expired");
        assert_eq!(kinds(&detail).iter().filter(|k| *k == "expired").count(), 1);
        // A draft past its deadline is left to its cadre, who can fix the date.
        let draft = create(&cadre, &desks(&app)).await;
        app.clock.advance(Duration::days(61));
        app.tick().await;
        let (_, detail) = cadre.get(&format!("/api/v1/needs/{draft}")).await;
        assert_eq!(detail["status"], "draft");
        let (status, error) = step(&cadre, draft, "submit").await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["fields"]["deadline"].is_array());
    }
}

db_test! {
    async fn the_running_scheduler_publishes_a_need_when_its_notice_ends(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.worker.scheduler_interval_secs = 1).await;
        duijie::demo::seed(&app.db, &crate::helpers::test_sealer())
            .await
            .unwrap();
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let id = create(&cadre, &desks(&app)).await;
        into_notice(&cadre, &verifier, id).await;
        app.clock.advance(Duration::days(3));
        let mut status = Value::Null;
        for _ in 0..50 {
            let (_, detail) = app.get_json(&format!("/api/v1/needs/{id}")).await;
            status = detail["status"].clone();
            if status == "published" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert_eq!(status, "published", "the serve process's own scheduler did it");
    }
}

db_test! {
    async fn with_no_notice_period_a_verified_need_is_published_at_once(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.policy.notice_days = 0).await;
        duijie::demo::seed(&app.db, &crate::helpers::test_sealer())
            .await
            .unwrap();
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let id = create(&cadre, &desks(&app)).await;
        step(&cadre, id, "submit").await;
        let (status, detail) = step(&verifier, id, "verify").await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(detail["status"], "published");
        assert_eq!(kinds(&detail), ["created", "submitted", "verified", "published"]);
    }
}

db_test! {
    async fn only_a_draft_is_edited_and_a_published_need_with_no_pledges_can_be_withdrawn(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let id = create(&cadre, &desks(&app)).await;
        let (status, edited) = cadre
            .patch(&format!("/api/v1/needs/{id}"), &json!({"target_quantity": 40}))
            .await;
        assert_eq!(status, 200, "{edited}");
        assert_eq!(edited["target_quantity"], 40);
        assert_eq!(edited["target_value_fen"], 40 * 30_000);
        // A new unit needs its value per unit anew (a money need's is 1 fen).
        let (status, error) = cadre
            .patch(&format!("/api/v1/needs/{id}"), &json!({"unit": "item"}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["fields"]["unit_value_fen"].is_array(), "{error}");
        let (status, money) = cadre
            .patch(
                &format!("/api/v1/needs/{id}"),
                &json!({"unit": "money", "target_quantity": 1_200_000}),
            )
            .await;
        assert_eq!(status, 200, "{money}");
        assert_eq!(money["unit_value_fen"], 1);
        assert_eq!(money["pledge_kind"], "money");
        let (status, _) = cadre
            .patch(
                &format!("/api/v1/needs/{id}"),
                &json!({"unit": "set", "target_quantity": 40, "unit_value_fen": 30_000}),
            )
            .await;
        assert_eq!(status, 200);
        // A change that changes nothing answers the draft as it is, and records nothing.
        let (_, before) = cadre.get(&format!("/api/v1/needs/{id}")).await;
        for nothing in [json!({}), json!({"title": null, "target_quantity": null})] {
            let (status, same) = cadre.patch(&format!("/api/v1/needs/{id}"), &nothing).await;
            assert_eq!(status, 200, "{nothing}: {same}");
            assert_eq!(same, before, "{nothing}");
        }
        let (status, error) = donor
            .patch(&format!("/api/v1/needs/{id}"), &json!({"target_quantity": 4}))
            .await;
        assert_eq!(status, 404, "a donor cannot even see a draft: {error}");
        let (status, error) = step(&verifier, id, "verify").await;
        assert_eq!(status, 404, "a verifier does not even see a draft: {error}");
        into_notice(&cadre, &verifier, id).await;
        let (status, error) = cadre
            .patch(&format!("/api/v1/needs/{id}"), &json!({"target_quantity": 45}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
        app.clock.advance(Duration::days(3));
        app.tick().await;
        let (status, withdrawn) = step(&cadre, id, "withdraw").await;
        assert_eq!(status, 200, "{withdrawn}");
        assert_eq!(withdrawn["status"], "withdrawn");
        let (status, _) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(status, 404);
    }
}

db_test! {
    async fn the_worklist_shows_each_cadre_and_verifier_their_own_needs(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let other_cadre = app.login_demo("cadre-heyuan").await;
        let verifier = app.login_demo("verifier").await;
        let donor = app.login_demo("donor").await;
        let id = create(&cadre, &desks(&app)).await;
        step(&cadre, id, "submit").await;
        let (status, queue) = verifier.get("/api/v1/needs?status=submitted").await;
        assert_eq!(status, 200, "{queue}");
        assert_eq!(queue["total"], 1);
        assert_eq!(queue["items"][0]["id"], id);
        let (_, theirs) = other_cadre.get("/api/v1/needs").await;
        assert_eq!(theirs["total"], 0, "another county's cadre sees none of it");
        let (status, error) = donor.get("/api/v1/needs").await;
        assert_eq!(status, 403, "{error}");
        let (status, error) = verifier.get("/api/v1/needs?status=lost").await;
        assert_eq!(status, 400);
        assert_error_code(&error, "invalid_parameter");
        for bad in ["per_page=1000", "page=0", "page=99999999999999999999"] {
            let (status, error) = verifier.get(&format!("/api/v1/needs?{bad}")).await;
            assert_eq!(status, 400, "{bad}: {error}");
            assert_error_code(&error, "invalid_parameter");
        }
        // Past 10,000 items deep: narrow the query instead.
        let (status, error) = verifier.get("/api/v1/needs?page=501").await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "page_too_deep");
        // A draft is its cadre's alone until submitted.
        let draft = create(&cadre, &desks(&app)).await;
        let (_, all) = verifier.get("/api/v1/needs").await;
        assert_eq!(all["total"], 1, "the verifier sees the submitted need, not the draft");
        let (status, _) = verifier.get(&format!("/api/v1/needs/{draft}")).await;
        assert_eq!(status, 404);
        let (_, mine) = cadre.get("/api/v1/needs").await;
        assert_eq!(mine["total"], 2);

        // One household's needs, for its page.
        let household = household_id(&cadre).await;
        let mut wheelchair = desks(&app);
        wheelchair["beneficiary"] = json!("household");
        wheelchair["household_id"] = json!(household);
        wheelchair["title"] = json!("轮椅一台");
        let theirs = create(&cadre, &wheelchair).await;
        let (status, page) = cadre.get(&format!("/api/v1/needs?household={household}")).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(page["items"][0]["id"], theirs);
        let (_, none) = other_cadre.get(&format!("/api/v1/needs?household={household}")).await;
        assert_eq!(none["total"], 0, "still only within the caller's villages");
        let (status, _) = cadre.get("/api/v1/needs?household=x").await;
        assert_eq!(status, 400);
    }
}

db_test! {
    async fn photos_lose_their_gps_and_are_served_once_the_need_is_public(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let id = create(&cadre, &desks(&app)).await;
        let upload = |bytes: Vec<u8>, content_type: &'static str| {
            cadre
                .client
                .post(app.url(&format!("/api/v1/needs/{id}/photos?public=true")))
                .header("x-csrf-token", &cadre.csrf_token)
                .header("content-type", content_type)
                .body(bytes)
                .send()
        };
        let original = samples::phone_jpeg_with_gps(64, 32);
        let (status, photo) = status_and_json(upload(original, "image/jpeg").await.unwrap()).await;
        assert_eq!(status, 201, "{photo}");
        assert_eq!((photo["width"].as_i64(), photo["height"].as_i64()), (Some(32), Some(64)));
        let url = photo["url"].as_str().unwrap().to_owned();

        // Not the public's while the need is a draft.
        assert_eq!(app.get(&url).await.status(), 404);
        let mine = cadre.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(mine.status(), 200);
        assert_eq!(mine.headers()["cache-control"], "private, no-store");
        let bytes = mine.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF, no GPS");

        // A type is judged by its content: a GIF is refused whatever it claims to be.
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
        let (status, error) = status_and_json(upload(gif, "image/jpeg").await.unwrap()).await;
        assert_eq!(status, 415, "{error}");
        let (status, error) =
            status_and_json(upload(b"not a picture at all".to_vec(), "image/png").await.unwrap()).await;
        assert_eq!(status, 415, "{error}");
        let big = vec![0xFFu8; 11 * 1024 * 1024];
        let (status, error) = status_and_json(upload(big, "image/jpeg").await.unwrap()).await;
        assert_eq!(status, 413, "{error}");
        assert_error_code(&error, "payload_too_large");

        // A second photo, then removed again.
        let png = samples::picture(20, 20, ImageFormat::Png);
        let (status, second) = status_and_json(upload(png, "image/png").await.unwrap()).await;
        assert_eq!(status, 201, "{second}");
        let (status, _) = cadre
            .send(
                Method::DELETE,
                &format!("/api/v1/needs/{id}/photos/{}", second["id"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(status, 204);

        into_notice(&cadre, &verifier, id).await;
        let public = app.get(&url).await;
        assert_eq!(public.status(), 200);
        assert_eq!(public.headers()["content-type"], "image/jpeg");
        assert!(public.headers()["cache-control"].to_str().unwrap().starts_with("public"));
        let etag = public.headers()["etag"].clone();
        let again = app
            .client
            .get(app.url(&url))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        let (_, detail) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["photos"].as_array().unwrap().len(), 1);

        // Photos are fixed once the need is submitted.
        let late = samples::picture(20, 20, ImageFormat::Png);
        let (status, error) = status_and_json(upload(late, "image/png").await.unwrap()).await;
        assert_eq!(status, 422, "{error}");
    }
}

db_test! {
    async fn concurrent_objections_all_land_and_suspend_the_need_once(backend: Backend) {
        let app = TestApp::spawn_with(backend, |s| s.server.trusted_proxies = "127.0.0.1".into()).await;
        duijie::demo::seed(&app.db, &crate::helpers::test_sealer())
            .await
            .unwrap();
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let id = create(&cadre, &desks(&app)).await;
        into_notice(&cadre, &verifier, id).await;
        let path = app.url(&format!("/api/v1/needs/{id}/objections"));
        let requests = (0..10).map(|i| {
            app.client
                .post(&path)
                .header("x-forwarded-for", format!("203.0.113.{}", i + 1))
                .json(&json!({"reason": format!("第{i}位村民：数量与实际情况不符，请核实。")}))
                .send()
        });
        for response in futures_util::future::join_all(requests).await {
            let (status, body) = status_and_json(response.unwrap()).await;
            assert_eq!(status, 201, "{body}");
        }
        let (_, listed) = verifier.get(&format!("/api/v1/needs/{id}/objections")).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 10);
        assert_eq!(listed["total"], 10);
        // Ten open objections are enough for a verifier to look: more wait for a decision.
        let (status, error) = app
            .post_json(
                &format!("/api/v1/needs/{id}/objections"),
                &json!({"reason": "又一位村民：数量与实际情况不符。"}),
            )
            .await;
        assert_eq!(status, 422, "{error}");
        assert_error_code(&error, "invalid_state");
        let (_, detail) = app.get_json(&format!("/api/v1/needs/{id}")).await;
        assert_eq!(detail["status"], "suspended");
        let filed = kinds(&detail).iter().filter(|k| *k == "objection_filed").count();
        assert_eq!(filed, 1, "the need was suspended once");
    }
}

db_test! {
    async fn the_scheduler_prunes_sessions_long_expired(backend: Backend) {
        use duijie::store::entity::sessions;
        use sea_orm::sea_query::Expr;
        let app = TestApp::spawn_with_demo(backend).await;
        let stale = app.login_demo("donor").await;
        let fresh = app.login_demo("cadre").await;
        let stale_user = stale.user["id"].as_i64().unwrap();
        sessions::Entity::update_many()
            .col_expr(
                sessions::Column::ExpiresAt,
                Expr::value((duijie::clock::now() - Duration::days(2)).fixed_offset()),
            )
            .filter(sessions::Column::UserId.eq(stale_user))
            .exec(&app.db)
            .await
            .unwrap();
        // The app's own scheduler ticks once as it starts and may get there first (it runs
        // beside this test), so what is checked is that the stale session is gone after a tick.
        app.tick().await;
        let left = sessions::Entity::find().all(&app.db).await.unwrap();
        assert!(left.iter().all(|s| s.user_id != stale_user), "the stale session is gone");
        let (status, _) = fresh.get("/api/v1/me").await;
        assert_eq!(status, 200, "a live session is kept");
    }
}

db_test! {
    async fn the_worklist_is_searched_filtered_and_sorted_on_the_server(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let with = |title: &str, description: &str, category: &str| {
            let mut body = desks(&app);
            body["title"] = json!(title);
            body["description"] = json!(description);
            body["category"] = json!(category);
            body
        };
        let desks_id = create(&cadre, &with("村小学课桌椅", "墩背村小学课桌椅破旧，需要新课桌椅五十套。", "education")).await;
        app.clock.advance(Duration::minutes(1));
        let seeds_id = create(&cadre, &with("春耕种子化肥", "合作社春耕缺少种子和化肥，100%用于大田。", "industry")).await;
        app.clock.advance(Duration::minutes(1));
        let roof_id = create(&cadre, &with("危房屋顶修缮", "屋顶漏雨，需要瓦片和人工，秋季前修好。", "housing")).await;
        step(&cadre, seeds_id, "submit").await;
        step(&cadre, roof_id, "submit").await;
        app.clock.advance(Duration::minutes(1));
        let (status, rejected) = verifier
            .post(&format!("/api/v1/needs/{roof_id}/reject"), &json!({"reason": "缺少房屋鉴定照片"}))
            .await;
        assert_eq!(status, 200, "{rejected}");

        let ids = |page: &Value| -> Vec<i64> {
            page["items"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect()
        };
        // Words in the title or the description; LIKE's `%` is a character like any other.
        let (status, found) = cadre.get("/api/v1/needs?q=%E8%AF%BE%E6%A1%8C").await; // 课桌
        assert_eq!(status, 200, "{found}");
        assert_eq!((ids(&found), found["total"].clone()), (vec![desks_id], json!(1)));
        let (_, found) = cadre.get("/api/v1/needs?q=%E7%93%A6%E7%89%87").await; // 瓦片, description only
        assert_eq!(ids(&found), [roof_id]);
        let (_, found) = cadre.get("/api/v1/needs?q=100%25").await;
        assert_eq!(ids(&found), [seeds_id], "100% matches the text holding it");
        let (_, found) = cadre.get("/api/v1/needs?q=%25%25").await;
        assert_eq!(found["total"], 0, "%% is no wildcard: {found}");
        // Several statuses, a category.
        let (_, found) = cadre.get("/api/v1/needs?status=submitted,rejected&sort=created_asc").await;
        assert_eq!(ids(&found), [seeds_id, roof_id]);
        let (_, found) = cadre.get("/api/v1/needs?category=education,housing&sort=created_asc").await;
        assert_eq!(ids(&found), [desks_id, roof_id]);
        // Sorts, with totals that do not depend on the page.
        let (_, found) = cadre.get("/api/v1/needs?sort=created_desc&per_page=2").await;
        assert_eq!((ids(&found), found["total"].clone()), (vec![roof_id, seeds_id], json!(3)));
        let (_, found) = cadre.get("/api/v1/needs?sort=created_desc&per_page=2&page=2").await;
        assert_eq!((ids(&found), found["total"].clone()), (vec![desks_id], json!(3)));
        let (_, found) = cadre.get("/api/v1/needs?sort=updated_desc").await;
        assert_eq!(ids(&found)[0], roof_id, "the rejection changed it last");
        let (_, found) = cadre.get("/api/v1/needs?sort=title").await;
        let titles: Vec<&str> =
            found["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
        let mut sorted = titles.clone();
        sorted.sort();
        assert_eq!(titles, sorted);
        // A verifier's queue holds the submitted need, with what they may do to it.
        let (_, queue) = verifier.get("/api/v1/needs?status=submitted").await;
        assert_eq!(ids(&queue), [seeds_id]);
        let actions = &queue["items"][0]["review"]["allowed_actions"];
        assert!(actions.as_array().unwrap().contains(&json!("verify")), "{actions}");
        // A rejected need carries its reason, for its staff only; it is final (nothing more to
        // do to it: its village records the need anew).
        let (_, mine) = cadre.get("/api/v1/needs?status=rejected").await;
        assert_eq!(mine["items"][0]["review"]["rejection_reason"], "缺少房屋鉴定照片");
        assert_eq!(mine["items"][0]["review"]["allowed_actions"], json!([]), "{mine}");
        let (status, _) = app.get_json(&format!("/api/v1/needs/{roof_id}")).await;
        assert_eq!(status, 404, "a rejected need is no one's but its staff's");
        // Each bad value is refused naming its parameter.
        for (bad, name) in [
            ("status=submitted,lost", "status"),
            ("category=toys", "category"),
            ("sort=newest", "sort"),
        ] {
            let (status, error) = cadre.get(&format!("/api/v1/needs?{bad}")).await;
            assert_eq!(status, 400, "{bad}: {error}");
            assert_error_code(&error, "invalid_parameter");
            assert!(error["error"]["message"].as_str().unwrap().contains(name), "{bad}: {error}");
        }
        let long = "字".repeat(101);
        let (status, error) = cadre.get(&format!("/api/v1/needs?q={long}")).await;
        assert_eq!(status, 400, "{error}");
        assert!(error["error"]["message"].as_str().unwrap().starts_with("q:"), "{error}");
    }
}
