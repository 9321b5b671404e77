//! `/api/v1/users/{id}/roles`: administrators grant and revoke roles.

use actix_web::{HttpResponse, web};

use super::auth::{Auth, RequestOrigin};
use super::endpoint;
use crate::error::{ApiError, ErrorBody};
use crate::service::accounts::{self, NewGrant};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/users/{id}/roles").post(grant))
        .service(endpoint("/users/{id}/roles/{grant_id}").delete(revoke));
}

/// Grant a role with its scope (administrators). 201 when granted, 200 when already held.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = i64, Path)), request_body = NewGrant,
    responses((status = 201), (status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grant(
    state: web::Data<AppState>,
    caller: Auth,
    origin: RequestOrigin,
    id: web::Path<i64>,
    body: web::Json<NewGrant>,
) -> Result<HttpResponse, ApiError> {
    let granted = accounts::grant(
        &state.db,
        &caller.0.actor,
        id.into_inner(),
        body.into_inner(),
        &caller.origin(&origin),
    )
    .await?;
    Ok(if granted {
        HttpResponse::Created().finish()
    } else {
        HttpResponse::Ok().finish()
    })
}

/// Revoke a grant (administrators).
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{grant_id}", tag = "users", params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Auth,
    origin: RequestOrigin,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, grant_id) = path.into_inner();
    accounts::revoke(
        &state.db,
        &caller.0.actor,
        user_id,
        grant_id,
        &caller.origin(&origin),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
