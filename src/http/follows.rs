//! Follows (关注): `/api/v1/me/follows` — follow a region, a category, a pairing or an
//! organisation, choose instant or daily alerts, leave.

use actix_web::{HttpResponse, web};

use super::auth::Caller;
use super::{ServiceConfig, endpoint};
use crate::error::ApiError;
use crate::service::Context;
use crate::service::follows::{self, FollowChange, FollowView, NewFollow};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(mine, create))
        .service(endpoint!(change, remove));
}

/// 我的关注: the caller's follows, oldest first.
#[utoipa::path(get, path = "/me/follows", tag = "follows",
    responses((status = 200, body = Vec<FollowView>)))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
) -> Result<web::Json<Vec<FollowView>>, ApiError> {
    Ok(web::Json(follows::mine(&state, caller.user()).await?))
}

/// Follow a region (any level), a category, a pairing or a verified organisation: each need
/// published inside it is mailed at once (`instant`) or in a daily digest (`daily`), once per
/// need. Following the same thing again changes the mode.
#[utoipa::path(post, path = "/me/follows", tag = "follows", request_body = NewFollow,
    responses((status = 201, body = FollowView)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewFollow>,
) -> Result<HttpResponse, ApiError> {
    let follow = follows::follow(&state, caller.user(), body.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::Created().json(follow))
}

/// Change how a follow's alerts come.
#[utoipa::path(patch, path = "/me/follows/{id}", tag = "follows", params(("id" = i64, Path)),
    request_body = FollowChange, responses((status = 200, body = FollowView)))]
pub async fn change(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<FollowChange>,
) -> Result<web::Json<FollowView>, ApiError> {
    Ok(web::Json(
        follows::change(&state, caller.user(), id.into_inner(), body.into_inner()).await?,
    ))
}

/// Leave a follow.
#[utoipa::path(delete, path = "/me/follows/{id}", tag = "follows", params(("id" = i64, Path)),
    responses((status = 204)))]
pub async fn remove(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    follows::unfollow(&state, caller.user(), id.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
