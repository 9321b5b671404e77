//! `/api/v1/auth/*` and `/api/v1/me`: registration, sign-in and out, password resets by mail,
//! personal API tokens.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{CSRF_COOKIE, Caller, RequestOrigin, SESSION_COOKIE};
use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::auth::reset::{ForgotPassword, NewPassword};
use crate::service::auth::{self, Credential, Credentials, Registration, TokenRequest};
use crate::store::accounts as account_store;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(register))
        .service(endpoint!(login))
        .service(endpoint!(logout))
        .service(endpoint!(forgot_password))
        .service(endpoint!(reset_password))
        .service(endpoint!(create_token, list_tokens))
        .service(endpoint!(revoke_token))
        .service(endpoint!(me, update_me));
}

/// A role the account holds, with its scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub id: i64,
    pub role: crate::domain::authz::Role,
    pub region_code: Option<String>,
    pub organisation_id: Option<i64>,
    pub pairing_id: Option<i64>,
}

impl From<account_store::GrantRecord> for RoleView {
    fn from(r: account_store::GrantRecord) -> Self {
        Self {
            id: r.id,
            role: r.role,
            region_code: r.region_code,
            organisation_id: r.organisation_id,
            pairing_id: r.pairing_id,
        }
    }
}

/// The signed-in account, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub display_name: String,
    pub locale: String,
    pub roles: Vec<RoleView>,
}

async fn me_view(state: &Context, user: &account_store::User) -> Result<Me, ApiError> {
    let roles = account_store::roles(&state.db, user.id)
        .await?
        .into_iter()
        .map(RoleView::from)
        .collect();
    Ok(Me {
        id: user.id,
        email: user.email.clone(),
        mobile: user.mobile.clone(),
        display_name: user.display_name.clone(),
        locale: user.locale.clone(),
        roles,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub status: &'static str,
    pub message: &'static str,
}

/// Register with an email or mobile number and a password. The answer is the same whether or
/// not the address already had an account.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = Registration,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<Registration>,
) -> Result<HttpResponse, ApiError> {
    auth::register(&state.db, body.into_inner(), &origin.0).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "accepted",
        message: "if this address had no account, it has one now: sign in with it",
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginAnswer {
    pub user: Me,
    /// Send this in the `X-CSRF-Token` header of every request that changes something.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Sign in; sets the session cookie (HttpOnly, SameSite=Lax; Secure as `transport::is_secure`
/// decides).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody, description = "`invalid_credentials`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let ttl = chrono::Duration::hours(i64::from(state.settings.server.session_ttl_hours));
    let session = auth::login(&state.db, &body, &origin.0, user_agent, ttl).await?;
    let max_age = time::Duration::seconds(ttl.num_seconds());
    let session_cookie = Cookie::build(SESSION_COOKIE, session.token)
        .path("/")
        .http_only(true)
        .secure(super::transport::is_secure(&req))
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish();
    let csrf_cookie = Cookie::build(CSRF_COOKIE, session.csrf_token.clone())
        .path("/")
        .http_only(false)
        .secure(super::transport::is_secure(&req))
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish();
    let user = me_view(&state, &session.user).await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie)
        .cookie(csrf_cookie)
        .json(LoginAnswer {
            user,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
        }))
}

/// Ask for a password reset link by mail (it works once, for 30 minutes). The answer is the
/// same whether or not the address has an account; only an account's owner gets a mail. Like
/// registration and sign-in, it needs no session and no CSRF token.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "auth", request_body = ForgotPassword,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody, description = "`validation_failed`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn forgot_password(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<ForgotPassword>,
) -> Result<HttpResponse, ApiError> {
    auth::reset::forgot(&state, body.into_inner(), &origin.0).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "accepted",
        message: "if this address belongs to an account, a link to reset its password is on its way",
    }))
}

/// Set a new password with the token of a reset mail. Every session and API token of the
/// account is revoked, this browser's too: sign in afresh with the new password.
#[utoipa::path(post, path = "/auth/password/reset", tag = "auth", request_body = NewPassword,
    responses((status = 204),
        (status = 400, body = ErrorBody, description = "`invalid_token` (unknown, used or expired: the same for all three), `validation_failed` (the password's rules)"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn reset_password(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<NewPassword>,
) -> Result<HttpResponse, ApiError> {
    auth::reset::reset(&state, body.into_inner(), &origin.0).await?;
    let (gone_session, gone_csrf) = removed_cookies();
    Ok(HttpResponse::NoContent()
        .cookie(gone_session)
        .cookie(gone_csrf)
        .finish())
}

/// Cookies that remove the session's from the browser.
fn removed_cookies() -> (Cookie<'static>, Cookie<'static>) {
    let mut gone_session = Cookie::new(SESSION_COOKIE, "");
    gone_session.set_path("/");
    gone_session.make_removal();
    let mut gone_csrf = Cookie::new(CSRF_COOKIE, "");
    gone_csrf.set_path("/");
    gone_csrf.make_removal();
    (gone_session, gone_csrf)
}

/// Sign out: the session is revoked on the server, so its cookie stops working anywhere.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "`csrf_token_invalid`")))]
pub async fn logout(state: web::Data<Context>, caller: Caller) -> Result<HttpResponse, ApiError> {
    if let Credential::Session { id, .. } = caller.account.credential {
        auth::logout(&state.db, id, &caller.origin).await?;
    }
    let (gone_session, gone_csrf) = removed_cookies();
    Ok(HttpResponse::NoContent()
        .cookie(gone_session)
        .cookie(gone_csrf)
        .finish())
}

/// The signed-in account and its roles.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(state: web::Data<Context>, caller: Caller) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(me_view(&state, caller.user()).await?))
}

/// Changes to the signed-in account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeChange {
    /// The language of the account's mail (and pages): `zh-CN` or `en`.
    #[schema(example = "en")]
    pub locale: Option<String>,
}

/// Change the signed-in account's settings (its language).
#[utoipa::path(patch, path = "/me", tag = "auth", request_body = MeChange,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_me(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<MeChange>,
) -> Result<web::Json<Me>, ApiError> {
    let mut user = caller.user().clone();
    if let Some(locale) = &body.locale {
        user = crate::service::notifications::set_locale(&state, &user, locale).await?;
    }
    Ok(web::Json(me_view(&state, &user).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    /// The secret, shown this once: use it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Create a personal API token with the account's credentials (no cookie, no CSRF token).
#[utoipa::path(post, path = "/auth/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_token(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let (token, secret) = auth::create_api_token(&state.db, &body, &origin.0).await?;
    Ok(HttpResponse::Created().json(NewToken {
        id: token.id,
        name: token.name,
        token: secret,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The account's API tokens (never their secrets).
#[utoipa::path(get, path = "/auth/tokens", tag = "auth",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<web::Json<Vec<TokenView>>, ApiError> {
    let tokens = account_store::list_api_tokens(&state.db, caller.user().id).await?;
    Ok(web::Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// Revoke one of the account's API tokens.
#[utoipa::path(delete, path = "/auth/tokens/{id}", tag = "auth",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth::revoke_api_token(&state.db, caller.actor(), id.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
