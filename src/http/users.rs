//! `/api/v1/users`: administrators find accounts, and grant and revoke roles.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::RoleView;
use super::auth::Caller;
use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::accounts::{self, NewGrant};
use crate::service::paging::Paging;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(list))
        .service(endpoint!(grant))
        .service(endpoint!(revoke));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Part of an email, a mobile number or a name.
    pub q: Option<String>,
    /// From 1.
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    pub per_page: Option<u64>,
}

/// An account as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub display_name: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub roles: Vec<RoleView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Find accounts, newest first (administrators).
#[utoipa::path(get, path = "/users", tag = "users", params(UserQuery),
    responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<UserQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let (found, total) =
        accounts::list_users(&state.db, caller.actor(), query.q.as_deref(), paging).await?;
    let users = found
        .into_iter()
        .map(|(user, roles)| UserSummary {
            id: user.id,
            email: user.email,
            mobile: user.mobile,
            display_name: user.display_name,
            is_active: user.is_active,
            created_at: user.created_at.to_utc(),
            last_login_at: user.last_login_at.map(|t| t.to_utc()),
            roles: roles.into_iter().map(RoleView::from).collect(),
        })
        .collect();
    Ok(web::Json(UserPage {
        users,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// Grant a role with its scope (administrators). 201 when granted, 200 when already held.
#[utoipa::path(post, path = "/users/{id}/roles", tag = "users", params(("id" = i64, Path)), request_body = NewGrant,
    responses((status = 201), (status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`grantee_unconfirmed`: the account has not confirmed its email address yet; `invalid_state`: an administrator cannot also be a cadre or a verifier")))]
pub async fn grant(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewGrant>,
) -> Result<HttpResponse, ApiError> {
    let granted = accounts::grant(
        &state.db,
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(if granted {
        HttpResponse::Created().finish()
    } else {
        HttpResponse::Ok().finish()
    })
}

/// Revoke a grant (administrators).
#[utoipa::path(delete, path = "/users/{id}/roles/{grant_id}", tag = "users", params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, grant_id) = path.into_inner();
    accounts::revoke(&state.db, caller.actor(), user_id, grant_id, &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
