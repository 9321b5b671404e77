//! Who is calling: extractors that recognise the caller from the session cookie or an
//! `Authorization: Bearer` API token, and enforce the CSRF token on cookie-authenticated
//! requests that change something. A handler's signature shows who may call it.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use subtle::ConstantTimeEq;
use tracing_actix_web::RequestId;

use crate::crypto::token_hash;
use crate::domain::api_token::{self, Requirement, TokenScope};
use crate::domain::authz::Actor;
use crate::error::{ApiError, ErrorCode};
use crate::service::Context;
use crate::service::auth::{self, Credential};
use crate::store::accounts::User;
use crate::store::audit::Origin;

pub const SESSION_COOKIE: &str = "duijie_session";
/// Readable by the front end's script, which echoes it in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "duijie_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in caller (401 otherwise) and where the request came from: their account, grants
/// and credential, and the audit log's origin with them as its user. What they may do is the
/// use case's to decide.
pub struct Caller {
    pub account: auth::SignedIn,
    pub origin: Origin,
}

impl Caller {
    pub fn actor(&self) -> &Actor {
        &self.account.actor
    }

    pub fn user(&self) -> &User {
        &self.account.user
    }
}

/// Anyone: the caller when signed in, and where the request came from. Public endpoints that
/// show more to some callers take this.
pub struct MaybeCaller {
    pub account: Option<auth::SignedIn>,
    pub origin: Origin,
}

impl MaybeCaller {
    pub fn actor(&self) -> Option<&Actor> {
        self.account.as_ref().map(|a| &a.actor)
    }
}

/// Where a request came from, for endpoints that recognise no caller (sign-up, sign-in).
pub struct RequestOrigin(pub Origin);

fn state(req: &HttpRequest) -> Result<web::Data<Context>, ApiError> {
    req.app_data::<web::Data<Context>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))
}

pub fn origin_of(req: &HttpRequest) -> Origin {
    Origin {
        user_id: None,
        ip: super::transport::client_address(req).map(|ip| ip.to_string()),
        request_id: req.extensions().get::<RequestId>().map(|id| id.to_string()),
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned()).filter(|token| !token.is_empty())
}

/// The caller a request's `Authorization` header names, found once by [`credentials`] and
/// kept in the request's extensions for the extractors.
#[derive(Clone)]
struct Authorised(auth::SignedIn);

/// Every route, public ones too: a request that carries an `Authorization` header is answered
/// 401 `unauthenticated` unless the header is `Bearer <token>` naming a live API token. A
/// client that sends a credential has to learn that it is bad; served as a visitor, it would
/// take an anonymous answer (fewer fields, no private data) for its account's.
///
/// A session *cookie* is not judged here: a stale one on a public page is served as a
/// visitor (see `recognise`), because browsers keep old cookies and the public site must not
/// break for them.
pub async fn credentials(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(AUTHORIZATION) {
        match from_authorization(req.request()).await {
            Ok(caller) => {
                req.extensions_mut().insert(Authorised(caller));
            }
            Err(refusal) => {
                let refused_token = refusal.code == ErrorCode::Unauthenticated;
                let mut response = req.error_response(refusal);
                if refused_token {
                    response.headers_mut().insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static(INVALID_TOKEN_CHALLENGE),
                    );
                }
                return Ok(response.map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The challenge of a 401 to a bearer token that was sent and is not valid (RFC 6750 §3.1).
const INVALID_TOKEN_CHALLENGE: &str = "Bearer realm=\"duijie\", error=\"invalid_token\"";

/// The one decision on an `Authorization` header: the live API token it names, or 401.
async fn from_authorization(req: &HttpRequest) -> Result<auth::SignedIn, ApiError> {
    if let Some(Authorised(caller)) = req.extensions().get::<Authorised>().cloned() {
        return Ok(caller);
    }
    let refused = || {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "the Authorization header names no valid API token (it is not `Bearer <token>`, or \
             the token has expired or was revoked); send none to be served as a visitor",
        )
    };
    let token = bearer(req).ok_or_else(refused)?;
    auth::caller_from_api_token(&*state(req)?, &token)
        .await?
        .ok_or_else(refused)
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an API token of `scope` may make this request (`domain::api_token`): the one
/// place a token's scope is checked, for every route.
fn check_scope(req: &HttpRequest, scope: TokenScope) -> Result<(), ApiError> {
    let pattern = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
    let route = pattern.strip_prefix("/api/v1").unwrap_or(&pattern);
    match api_token::allows(scope, req.method().as_str(), route) {
        Ok(()) => Ok(()),
        Err(Requirement::Scope(needed)) => Err(ApiError::new(
            ErrorCode::TokenScopeInsufficient,
            format!("this API token's scope is `{scope}`; this request needs the `{needed}` scope"),
        )
        .with_details(serde_json::json!({ "required_scope": needed, "token_scope": scope }))),
        Err(Requirement::Session) => Err(ApiError::new(
            ErrorCode::SessionRequired,
            "this shows a household's private data: sign in on the web; no API token may do it",
        )),
    }
}

async fn recognise(req: &HttpRequest) -> Result<Option<auth::SignedIn>, ApiError> {
    if req.headers().contains_key(AUTHORIZATION) {
        let caller = from_authorization(req).await?;
        if let Credential::ApiToken { scope, .. } = &caller.credential {
            check_scope(req, *scope)?;
        }
        return Ok(Some(caller));
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    // A session that has ended (idle, past its end, signed out) leaves its cookie behind in
    // the browser: the request is a visitor's, and `Caller` answers 401 where one is needed.
    // Unlike a bearer token, it was not sent on purpose: refusing it would break the public
    // pages for everyone whose browser kept an old cookie.
    let Some(caller) = auth::caller_from_session(&*state(req)?, cookie.value()).await? else {
        return Ok(None);
    };
    if let Credential::Session {
        csrf_token_hash, ..
    } = &caller.credential
        && changes_state(req.method())
    {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(token_hash)
            .unwrap_or_default();
        if !bool::from(sent.as_bytes().ct_eq(csrf_token_hash.as_bytes())) {
            return Err(ApiError::new(
                ErrorCode::CsrfTokenInvalid,
                format!("send the csrf_token given at sign-in in the {CSRF_HEADER} header"),
            ));
        }
    }
    Ok(Some(caller))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let account = recognise(&req)
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            let origin = origin_of(&req).with_user(account.user.id);
            Ok(Caller { account, origin })
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let account = recognise(&req).await?;
            let origin = match &account {
                Some(account) => origin_of(&req).with_user(account.user.id),
                None => origin_of(&req),
            };
            Ok(MaybeCaller { account, origin })
        })
    }
}

impl FromRequest for RequestOrigin {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(RequestOrigin(origin_of(req))))
    }
}
