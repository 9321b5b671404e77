//! Follows (关注): `/api/v1/me/follows` — follow a region, a category, a pairing or an
//! organisation, choose instant or daily alerts, leave.

use actix_web::{HttpResponse, web};

use super::auth::Caller;
use super::{PageQuery, ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::follows::{self, FollowChange, FollowView, NewFollow};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(mine, create))
        .service(endpoint!(change, remove));
}

super::page!(
    /// A page of the caller's follows.
    FollowPage of FollowView
);

/// 我的关注: the caller's follows, oldest first, a page at a time.
#[utoipa::path(get, path = "/me/follows", tag = "follows", params(PageQuery),
    responses((status = 200, body = FollowPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<FollowPage>, ApiError> {
    let paging = query.paging()?;
    let found = follows::mine(&state, caller.user(), paging).await?;
    Ok(web::Json(FollowPage::of(found, paging)))
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
