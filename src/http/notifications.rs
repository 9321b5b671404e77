//! `/api/v1/me/notifications`: which mail an account receives; and `/unsubscribe`, the page
//! behind the one-click link in every mail (RFC 8058: a POST unsubscribes at once, a GET only
//! asks, so that link checkers that follow links change nothing).

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::{Caller, RequestOrigin};
use super::{Endpoint, ServiceConfig, endpoint};
use crate::domain::locale::Locale;
use crate::domain::notification::NotificationKind;
use crate::error::{ApiError, ErrorBody};
use crate::mail::templates::escape;
use crate::service::Context;
use crate::service::follows;
use crate::service::notifications::{self, Preferences, PreferencesChange};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(preferences, update_preferences));
}

/// The page outside `/api/v1`, where mail links lead.
pub fn page_routes(cfg: &mut ServiceConfig) {
    cfg.service(
        Endpoint::undocumented("/unsubscribe")
            .get(ask)
            .post(unsubscribe),
    );
}

/// The account's notification settings: each kind of mail, on or off.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications",
    responses((status = 200, body = Preferences), (status = 401, body = ErrorBody)))]
pub async fn preferences(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<web::Json<Preferences>, ApiError> {
    Ok(web::Json(
        notifications::preferences(&state.db, caller.user()).await?,
    ))
}

/// Turn kinds of mail on or off: `{"email": {"pledge_received": false}}`. An unknown kind is
/// `400 validation_failed` naming `email.<kind>`, and changes nothing.
#[utoipa::path(patch, path = "/me/notifications", tag = "notifications",
    request_body = PreferencesChange,
    responses((status = 200, body = Preferences), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_preferences(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<PreferencesChange>,
) -> Result<web::Json<Preferences>, ApiError> {
    let answer =
        notifications::update_preferences(&state, caller.user(), body.into_inner(), &caller.origin)
            .await?;
    Ok(web::Json(answer))
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /unsubscribe?token=…`: a page that asks before turning the mail off (or, for a
/// follow's alerts, before leaving the follow).
pub async fn ask(state: web::Data<Context>, query: web::Query<TokenQuery>) -> HttpResponse {
    match notifications::read_unsubscribe_token(&state, &query.token) {
        None if follows::read_unfollow_token(&state, &query.token).is_some() => {
            let token = escape(&query.token);
            page(
                200,
                "取消关注 · Unfollow",
                &format!(
                    "<p>不再关注，也不再接收这项关注的新需求提醒？</p>\
                     <p lang=\"en\">Stop following, and stop the alerts it brings?</p>\
                     <form method=\"post\" action=\"/unsubscribe?token={token}\">\
                     <button type=\"submit\">取消关注 · Unfollow</button></form>",
                ),
            )
        }
        None => invalid(),
        Some((_, kind)) => {
            let zh = kind.label_zh();
            let en = kind.label_en();
            let token = escape(&query.token);
            page(
                200,
                "退订邮件通知 · Unsubscribe",
                &format!(
                    "<p>不再接收「{zh}」邮件通知？</p>\
                     <p lang=\"en\">Stop receiving “{en}” mail?</p>\
                     <form method=\"post\" action=\"/unsubscribe?token={token}\">\
                     <button type=\"submit\">退订 · Unsubscribe</button></form>",
                ),
            )
        }
    }
}

/// `POST /unsubscribe?token=…` (RFC 8058 one-click, or the page's button): turns that kind of
/// mail off for the account the token names.
pub async fn unsubscribe(
    state: web::Data<Context>,
    origin: RequestOrigin,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ApiError> {
    if let Some((locale, named)) =
        follows::unfollow_by_token(&state, &query.token, &origin.0).await?
    {
        let named = escape(&named);
        return Ok(page(
            200,
            "已取消关注 · Unfollowed",
            &match locale {
                Locale::ZhCn => format!("<p>已取消关注「{named}」，不会再收到它的新需求提醒。</p>"),
                Locale::En => format!("<p>You no longer follow “{named}”, nor get its alerts.</p>"),
            },
        ));
    }
    Ok(
        match notifications::unsubscribe(&state, &query.token, &origin.0).await? {
            None => invalid(),
            Some((locale, kind)) => done(locale, kind, &state.settings.server.public_base()),
        },
    )
}

fn done(locale: Locale, kind: NotificationKind, base: &str) -> HttpResponse {
    let preferences = escape(&format!("{base}/me/notifications"));
    let body = match locale {
        Locale::ZhCn => format!(
            "<p>已退订「{}」邮件通知。</p><p><a href=\"{preferences}\">管理全部通知</a></p>",
            kind.label_zh()
        ),
        Locale::En => format!(
            "<p>You will no longer receive “{}” mail.</p><p><a href=\"{preferences}\">All notification settings</a></p>",
            kind.label_en()
        ),
    };
    page(200, "已退订 · Unsubscribed", &body)
}

fn invalid() -> HttpResponse {
    page(
        400,
        "链接无效 · Invalid link",
        "<p>这个退订链接无效或不完整，请从邮件中重新打开，或登录后在通知设置中管理。</p>\
         <p lang=\"en\">This unsubscribe link is not valid or complete. Open it again from the \
         mail, or sign in and change your notification settings.</p>",
    )
}

fn page(status: u16, title: &str, body: &str) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header(("cache-control", "no-store"))
        // The address holds the token: it goes nowhere else.
        .insert_header(("referrer-policy", "no-referrer"))
        .body(format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>{title} · 对接 Duijie</title>\
             <style>body{{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;\
             max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#1f2329}}\
             button{{font-size:1rem;padding:.5rem 1.25rem;background:#c0392b;color:#fff;border:0;\
             border-radius:4px;cursor:pointer}}button:focus{{outline:3px solid #1f2329}}</style>\
             </head><body><h1>{title}</h1>{body}</body></html>"
        ))
}
