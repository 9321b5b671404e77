//! `/api/v1/organisations`: 帮扶主体, public once verified.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::{Caller, MaybeCaller};
use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::organisations::{self, NewOrganisation, Organisation};
use crate::service::paging::Paging;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(list, create))
        .service(endpoint!(show))
        .service(endpoint!(verify));
}

/// An organisation as anyone may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    pub kind: crate::domain::organisation::OrganisationKind,
    pub name: String,
    /// 统一社会信用代码 (public registration data).
    pub credit_code: Option<String>,
    pub region_code: Option<String>,
    pub description: Option<String>,
    /// Only verified organisations appear as such in public.
    pub verified: bool,
    pub verified_at: Option<DateTime<Utc>>,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            kind: o.kind,
            name: o.name,
            credit_code: o.credit_code,
            region_code: o.region_code,
            description: o.description,
            verified: o.verified_at.is_some(),
            verified_at: o.verified_at.map(|t| t.to_utc()),
        }
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganisationQuery {
    /// `false`: the ones waiting for verification that the caller may verify (administrators)
    /// or manages, oldest first; signing in is needed. Otherwise the verified ones, by name.
    pub verified: Option<bool>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// A page of organisations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub items: Vec<OrganisationView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The verified organisations (public), or those waiting for verification, a page at a time.
#[utoipa::path(get, path = "/organisations", tag = "organisations", params(OrganisationQuery),
    responses((status = 200, body = OrganisationPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list(
    state: web::Data<Context>,
    caller: MaybeCaller,
    query: web::Query<OrganisationQuery>,
) -> Result<web::Json<OrganisationPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let (orgs, total) = if query.verified == Some(false) {
        let actor = caller.actor().ok_or_else(ApiError::unauthenticated)?;
        organisations::list_unverified(&state.db, actor, paging).await?
    } else {
        organisations::list_verified(&state.db, paging).await?
    };
    Ok(web::Json(OrganisationPage {
        items: orgs.into_iter().map(OrganisationView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// Register an organisation; its creator administers it. It is public once an administrator
/// verifies it.
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = NewOrganisation,
    responses((status = 201, body = OrganisationView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`email_unconfirmed`: the account has not confirmed its email address yet, with `details.deed` (`act_for_organisation`); `csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`organisation_duplicate`")))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let org = organisations::create(
        &state.db,
        caller.user(),
        caller.actor(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(OrganisationView::from(org)))
}

/// One organisation: verified ones to anyone, unverified ones to their own people and
/// administrators.
#[utoipa::path(get, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationView), (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<OrganisationView>, ApiError> {
    let actor = caller.actor();
    let org = organisations::visible(&state.db, actor, id.into_inner()).await?;
    Ok(web::Json(org.into()))
}

/// Mark an organisation verified (administrators).
#[utoipa::path(post, path = "/organisations/{id}/verify", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn verify(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OrganisationView>, ApiError> {
    let org =
        organisations::verify(&state.db, caller.actor(), id.into_inner(), &caller.origin).await?;
    Ok(web::Json(org.into()))
}
