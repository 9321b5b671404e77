//! Accounts that prove their owner: a new account is mailed a link (through the real SMTP
//! server) that confirms it once; until then it may not pledge (itself or through an offer),
//! order, register an organisation or be granted a role; the link expires; a mobile-only account confirms by
//! adding an email address; asking again is limited.

use chrono::Duration;
use duijie::store::entity::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::{Session, TestApp, assert_error_code, link_token};
use crate::mail::{mail_to, plain};
use crate::smtp::SmtpServer;

const PASSWORD: &str = "a-long-password-1";
const LINK: &str = "/confirm-email?token=";

async fn register(app: &TestApp, body: Value) -> (u16, Value) {
    app.post_json("/api/v1/auth/register", &body).await
}

async fn confirm(app: &TestApp, token: &str) -> (u16, Value) {
    app.post_json("/api/v1/auth/email/confirm", &json!({ "token": token }))
        .await
}

async fn confirmed(session: &Session) -> bool {
    let (status, me) = session.get("/api/v1/me").await;
    assert_eq!(status, 200);
    me["confirmed"].as_bool().expect("`confirmed` in /me")
}

#[track_caller]
fn assert_unconfirmed(answer: &(u16, Value), deed: &str) {
    assert_eq!(answer.0, 403, "{deed}: {}", answer.1);
    assert_error_code(&answer.1, "email_unconfirmed");
    assert_eq!(answer.1["error"]["details"]["deed"], deed);
}

db_test! {
    async fn a_new_account_is_mailed_a_link_that_confirms_it_once(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = TestApp::spawn_with(backend, mail_to(&server, 0)).await;
        let first = register(&app, json!({"email": "Lin@Example.cn", "password": PASSWORD, "display_name": "林老师"})).await;
        assert_eq!(first.0, 202);
        let lin = app.login("lin@example.cn", PASSWORD).await;
        assert!(!confirmed(&lin).await, "not confirmed on registration");

        let mail = app.nth_mail("lin@example.cn", "email_confirmation", 1).await;
        let text = mail.text();
        assert!(text.contains(&format!("https://duijie.example{LINK}")), "{text}");
        assert!(text.contains("确认邮箱") && text.contains("才能认捐"), "{text}");
        assert!(mail.header("List-Unsubscribe").is_none(), "always sent: no unsubscribe");
        let token = link_token(&mail, LINK);
        assert_eq!(token.len(), 64, "256 random bits");

        // Registering the taken address again answers the same and sends nothing: the one
        // mail row is the first registration's.
        let again = register(&app, json!({"email": "lin@example.cn", "password": "another password", "display_name": "冒名"})).await;
        assert_eq!(again, first, "nothing tells a taken address apart");
        let mail_rows = outbox::Entity::find()
            .filter(outbox::Column::Kind.is_in(duijie::store::outbox::Message::MAIL_KINDS))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(mail_rows.len(), 1, "{mail_rows:?}");

        let (status, body) = confirm(&app, &"0".repeat(64)).await;
        assert_eq!(status, 422);
        assert_error_code(&body, "invalid_token");
        let (status, body) = confirm(&app, &token).await;
        assert_eq!(status, 204, "{body}");
        assert!(confirmed(&lin).await, "the signed-in session sees it at once");
        let (status, body) = confirm(&app, &token).await;
        assert_eq!(status, 409, "confirming twice: {body}");
        assert_error_code(&body, "already_confirmed");
        let (status, body) = lin.post("/api/v1/auth/email/resend", &json!({})).await;
        assert_eq!(status, 409, "{body}");
        assert_error_code(&body, "already_confirmed");
    }
}

db_test! {
    async fn every_gate_refuses_an_unconfirmed_account_and_opens_once_it_confirms(backend: Backend) {
        let app = crate::pledges::app(backend).await;
        let need = crate::pledges::published(&app, 10, 1).await;
        let (_, product) = crate::orders::shop(&app, 100, 1).await;
        let (status, _) = register(&app, json!({"email": "he@example.cn", "password": PASSWORD, "display_name": "何先生"})).await;
        assert_eq!(status, 202);
        let he = app.login("he@example.cn", PASSWORD).await;
        let he_id = he.user["id"].as_i64().unwrap();
        let admin = app.login_demo("admin").await;
        let grant = json!({"role": "cadre", "region_code": "441426100200"});
        let organisation = json!({"kind": "enterprise", "name": "平远何氏商贸有限公司", "credit_code": "91330100799655058B", "region_code": "441426"});

        assert_unconfirmed(&crate::pledges::pledge(&he, need, 1).await, "pledge");
        assert_unconfirmed(&crate::orders::place(&he, product, &crate::orders::order(1)).await, "order");
        assert_unconfirmed(&he.post("/api/v1/organisations", &organisation).await, "act_for_organisation");
        let (status, body) = admin.post(&format!("/api/v1/users/{he_id}/roles"), &grant).await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "grantee_unconfirmed");
        // A personal offer may be made, but applying it to a need or accepting a village's
        // request for it pledges: the same gate.
        let (status, offer) = he.post("/api/v1/offers", &json!({
            "kind": "goods", "unit": "set", "category": "education", "title": "捐赠学生课桌椅",
            "description": "个人捐赠几套全新学生课桌椅，可送货到村小学。", "quantity": 5,
            "valid_until": (app.clock.now() + Duration::days(30)).date_naive(),
        })).await;
        assert_eq!(status, 201, "{offer}");
        let offer = offer["id"].as_i64().unwrap();
        let (status, body) = he.post(&format!("/api/v1/offers/{offer}/publish"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        let cadre = app.login_demo("cadre").await;
        let (status, request) = cadre.post(&format!("/api/v1/offers/{offer}/requests"), &json!({"need_id": need, "quantity": 1})).await;
        assert_eq!(status, 201, "{request}");
        let accept = format!("/api/v1/offer-requests/{}/accept", request["id"]);
        assert_unconfirmed(&he.post(&accept, &json!({})).await, "pledge");
        assert_unconfirmed(&he.post(&format!("/api/v1/offers/{offer}/apply"), &json!({"need_id": need, "quantity": 1})).await, "pledge");
        let (_, mine) = he.get("/api/v1/me/pledges").await;
        assert_eq!(mine["items"], json!([]), "nothing was made");

        app.confirm_through_mail("he@example.cn").await;
        let (status, body) = he.post(&accept, &json!({})).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = crate::pledges::pledge(&he, need, 1).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = crate::orders::place(&he, product, &crate::orders::order(1)).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = he.post("/api/v1/organisations", &organisation).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = admin.post(&format!("/api/v1/users/{he_id}/roles"), &grant).await;
        assert_eq!(status, 201, "{body}");
    }
}

db_test! {
    async fn a_mobile_only_account_confirms_by_adding_an_address_and_links_expire(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, _) = register(&app, json!({"mobile": "13800138000", "password": PASSWORD, "display_name": "吴大姐"})).await;
        assert_eq!(status, 202);
        let wu = app.login("13800138000", PASSWORD).await;
        assert!(!confirmed(&wu).await);

        let (status, body) = wu.post("/api/v1/auth/email/resend", &json!({})).await;
        assert_eq!(status, 422, "an address to confirm is needed: {body}");
        assert!(body["error"]["fields"]["email"].is_array(), "{body}");
        let (status, body) = wu.post("/api/v1/auth/email/resend", &json!({"email": "Wu@Example.cn"})).await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["valid_hours"], 48, "the page says how long the link works: {body}");
        let first = link_token(&app.nth_mail("wu@example.cn", "email_confirmation", 1).await, LINK);

        // 48 hours by default: at the 48th hour the link is dead.
        app.clock.advance(Duration::hours(48));
        let (status, body) = confirm(&app, &first).await;
        assert_eq!(status, 422, "{body}");
        assert_error_code(&body, "invalid_token");
        assert_eq!(body["error"]["details"]["valid_hours"], 48, "{body}");
        assert!(!confirmed(&wu).await);

        // Three more an hour (the address is the account's now), then 429.
        for _ in 0..3 {
            let (status, body) = wu.post("/api/v1/auth/email/resend", &json!({})).await;
            assert_eq!(status, 202, "{body}");
        }
        let (status, body) = wu.post("/api/v1/auth/email/resend", &json!({})).await;
        assert_eq!(status, 429, "{body}");
        assert_error_code(&body, "rate_limited");
        let (status, body) = wu.post("/api/v1/auth/email/resend", &json!({"email": "other@example.cn"})).await;
        assert_eq!(status, 422, "the address is the account's now: {body}");

        let newest = link_token(&app.nth_mail("wu@example.cn", "email_confirmation", 4).await, LINK);
        let (status, body) = confirm(&app, &newest).await;
        assert_eq!(status, 204, "{body}");
        assert!(confirmed(&wu).await);
    }
}
