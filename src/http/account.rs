//! `/api/v1/auth/*` and `/api/v1/me`: registration, sign-in and out, email confirmation and
//! password resets by mail, personal API tokens.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{CSRF_COOKIE, Caller, RequestOrigin, SESSION_COOKIE};
use super::{PageQuery, ServiceConfig, endpoint};
use crate::domain::api_token::TokenScope;
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::auth::confirm::{ConfirmEmail, ResendConfirmation};
use crate::service::auth::reset::{ForgotPassword, NewPassword};
use crate::service::auth::{self, Credential, Credentials, Registration, TokenRequest};
use crate::store::accounts as account_store;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(register))
        .service(endpoint!(login))
        .service(endpoint!(logout))
        .service(endpoint!(forgot_password))
        .service(endpoint!(reset_password))
        .service(endpoint!(confirm_email))
        .service(endpoint!(resend_confirmation))
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
    /// Whether the account's owner confirmed its email address: until then it may not pledge,
    /// order, act for an organisation or be granted a role (`email_unconfirmed`).
    pub confirmed: bool,
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
        confirmed: user.confirmed_at.is_some(),
        roles,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub status: &'static str,
    pub message: &'static str,
}

/// Register with an email or mobile number and a password. The answer is the same whether or
/// not the address already had an account. A new account with an email address is mailed a
/// link to confirm it (`/confirm-email?token=…`); it may pledge, order, act for an
/// organisation or be granted a role once confirmed.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = Registration,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After"),
        (status = 503, body = ErrorBody, description = "`server_busy` (too many passwords being checked: the queue is full), `database_unavailable` or `storage_full`, with Retry-After")))]
pub async fn register(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<Registration>,
) -> Result<HttpResponse, ApiError> {
    auth::register(&state, body.into_inner(), &origin.0).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        status: "accepted",
        message: "if this address had no account, it has one now: sign in with it",
    }))
}

/// A confirmation link is on its way (or, for an address another account has, nothing is sent:
/// the answer is the same).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmationSent {
    pub status: &'static str,
    pub message: &'static str,
    /// How many hours the mailed link works (`email_confirm_ttl_hours`).
    pub valid_hours: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginAnswer {
    pub user: Me,
    /// Send this in the `X-CSRF-Token` header of every request that changes something.
    pub csrf_token: String,
    /// The session's absolute end; it ends sooner when left unused for the idle timeout.
    pub expires_at: DateTime<Utc>,
}

/// Sign in; sets the session cookie (HttpOnly, SameSite=Lax; Secure as `transport::is_secure`
/// decides). The session ends after `session_idle_minutes` unused, and at the latest
/// `session_staff_hours` (cadres, verifiers, administrators) or `session_hours` (everyone else)
/// after sign-in: `expires_at`.
///
/// Failed sign-ins are throttled: after 5 failures on an account from one address, each further
/// attempt from there waits 30 seconds, doubling up to 15 minutes, from the last failure; an
/// account takes at most 100 failures in any hour. A success clears its address's failures, a
/// password reset all of the account's.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody, description = "`invalid_credentials`"),
        (status = 429, body = ErrorBody, description = "`sign_in_delayed` (too many failed sign-ins on this account from here, or on this account in the last hour: `details.retry_after` seconds, `details.wait_minutes` rounded up, `details.reason` `address` or `account`) or `rate_limited` (too many sign-ins from this address), with Retry-After"),
        (status = 503, body = ErrorBody, description = "`server_busy` (too many passwords being checked: the queue is full), `database_unavailable` or `storage_full`, with Retry-After")))]
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
    let session = auth::login(&state, &body, &origin.0, user_agent).await?;
    let max_age = time::Duration::seconds(session.lifetime.num_seconds());
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
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After"),
        (status = 503, body = ErrorBody, description = "`server_busy` (too many passwords being checked: the queue is full), `database_unavailable` or `storage_full`, with Retry-After")))]
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

/// Confirm the account's email address with the token of the confirmation mail's link. Needs
/// no session and no CSRF token (the link may be opened in any browser).
#[utoipa::path(post, path = "/auth/email/confirm", tag = "auth", request_body = ConfirmEmail,
    responses((status = 204, description = "The account is confirmed."),
        (status = 400, body = ErrorBody, description = "`invalid_token` (unknown or expired: ask for a new link; `details.valid_hours`, how long a link works), `validation_failed`"),
        (status = 409, body = ErrorBody, description = "`already_confirmed`: the link was used (the address is confirmed already)"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn confirm_email(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<ConfirmEmail>,
) -> Result<HttpResponse, ApiError> {
    auth::confirm::confirm(&state, body.into_inner(), &origin.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mail the signed-in, unconfirmed account a new confirmation link (at most 3 an hour). An
/// account with only a mobile number gives the email address to confirm (no SMS provider is
/// configured); an address another account has is answered the same, and nothing is sent.
#[utoipa::path(post, path = "/auth/email/resend", tag = "auth", request_body = ResendConfirmation,
    responses((status = 202, body = ConfirmationSent),
        (status = 400, body = ErrorBody, description = "`validation_failed`: `email` missing for an account with none, or given for one that has one"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`already_confirmed`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn resend_confirmation(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<ResendConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let valid_hours =
        auth::confirm::resend(&state, caller.user(), body.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::Accepted().json(ConfirmationSent {
        status: "accepted",
        message: "a new confirmation link is on its way",
        valid_hours,
    }))
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
        auth::logout(&state, id, &caller.origin).await?;
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
    #[schema(example = "en", pattern = "^(zh-CN|en)$")]
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
    /// The secret, shown this once: use it as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub details: TokenView,
}

/// Create a personal API token with the account's credentials (no cookie, no CSRF token): its
/// scope (`read` unless given) and its life (90 days unless given, at most 365). The sign-in
/// throttle applies to the credentials.
#[utoipa::path(post, path = "/auth/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 400, body = ErrorBody, description = "`validation_failed` (`name`, `expires_in_days`) or `invalid_json` (an unknown `scope`)"),
        (status = 401, body = ErrorBody, description = "`invalid_credentials`"),
        (status = 429, body = ErrorBody, description = "`sign_in_delayed` or `rate_limited`, with Retry-After"),
        (status = 503, body = ErrorBody, description = "`server_busy` (too many passwords being checked: the queue is full), `database_unavailable` or `storage_full`, with Retry-After")))]
pub async fn create_token(
    state: web::Data<Context>,
    origin: RequestOrigin,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let (token, secret) = auth::create_api_token(&state, &body, &origin.0).await?;
    Ok(HttpResponse::Created().json(NewToken {
        token: secret,
        details: TokenView::from(token),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<account_store::ApiToken> for TokenView {
    fn from(t: account_store::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scope: t.scope,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

super::page!(
    /// A page of the account's API tokens.
    TokenPage of TokenView
);

/// The account's API tokens, revoked and expired ones too, with their scope, expiry and last
/// use (never their secrets), oldest first, a page at a time.
#[utoipa::path(get, path = "/auth/tokens", tag = "auth", params(PageQuery),
    responses((status = 200, body = TokenPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list_tokens(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<TokenPage>, ApiError> {
    let paging = query.paging()?;
    let (tokens, total) =
        account_store::api_tokens_page(&state.db, caller.user().id, paging.page, paging.per_page)
            .await?;
    let items = tokens.into_iter().map(TokenView::from).collect();
    Ok(web::Json(TokenPage::of((items, total), paging)))
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
    auth::revoke_api_token(&state, caller.actor(), id.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
