//! `/api/v1/pairings`: 结对 — the list anyone may read, set-up by administrators, management by
//! coordinators, the coordination board, members and invitations to needs.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::Caller;
use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::pairings::{
    self, Board, InvitationView, NewInvitation, NewPairing, PairingChange, PairingView,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(list, create))
        .service(endpoint!(show, update))
        .service(endpoint!(board))
        .service(endpoint!(add_member))
        .service(endpoint!(remove_member))
        .service(endpoint!(invite));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PairingQuery {
    /// `wanqi`, `duikou` or `dingdian`.
    #[param(value_type = Option<crate::domain::pairing::Program>)]
    pub program: Option<String>,
    /// Pairings helping this region, a region inside it or one around it.
    #[param(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<String>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// A page of pairings.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PairingPage {
    pub items: Vec<PairingView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The pairings by id, a page at a time (public: 结对 relationships are announced).
#[utoipa::path(get, path = "/pairings", tag = "pairings", params(PairingQuery),
    responses((status = 200, body = PairingPage), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list(
    state: web::Data<Context>,
    query: web::Query<PairingQuery>,
) -> Result<web::Json<PairingPage>, ApiError> {
    let paging = crate::service::paging::Paging::parse(query.page, query.per_page)?;
    let (items, total) = pairings::list(
        &state,
        query.program.as_deref(),
        query.region.as_deref(),
        paging,
    )
    .await?;
    Ok(web::Json(PairingPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// One pairing.
#[utoipa::path(get, path = "/pairings/{id}", tag = "pairings", params(("id" = i64, Path)),
    responses((status = 200, body = PairingView), (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<Context>,
    id: web::Path<i64>,
) -> Result<web::Json<PairingView>, ApiError> {
    Ok(web::Json(pairings::show(&state, id.into_inner()).await?))
}

/// Set up a pairing (administrators).
#[utoipa::path(post, path = "/pairings", tag = "pairings", request_body = NewPairing,
    responses((status = 201, body = PairingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewPairing>,
) -> Result<HttpResponse, ApiError> {
    let view = pairings::create(&state, caller.actor(), body.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Change a pairing's name, end date, status or regions (its coordinators, administrators).
#[utoipa::path(patch, path = "/pairings/{id}", tag = "pairings", params(("id" = i64, Path)),
    request_body = PairingChange,
    responses((status = 200, body = PairingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<PairingChange>,
) -> Result<web::Json<PairingView>, ApiError> {
    Ok(web::Json(
        pairings::update(
            &state,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            &caller.origin,
        )
        .await?,
    ))
}

/// The coordination board: the pairing's figures, unpledged gaps, each member's pledges and
/// deliveries, overdue pledges and invitations (its coordinators, administrators).
#[utoipa::path(get, path = "/pairings/{id}/board", tag = "pairings", params(("id" = i64, Path)),
    responses((status = 200, body = Board), (status = 403, body = ErrorBody)))]
pub async fn board(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Board>, ApiError> {
    Ok(web::Json(
        pairings::board(&state, caller.actor(), id.into_inner()).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub organisation_id: i64,
}

/// Add a verified organisation to those helping through the pairing (its coordinators,
/// administrators); `409` if it is one already.
#[utoipa::path(post, path = "/pairings/{id}/members", tag = "pairings", params(("id" = i64, Path)),
    request_body = NewMember,
    responses((status = 200, body = PairingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_member(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewMember>,
) -> Result<web::Json<PairingView>, ApiError> {
    Ok(web::Json(
        pairings::add_member(
            &state,
            caller.actor(),
            id.into_inner(),
            body.organisation_id,
            &caller.origin,
        )
        .await?,
    ))
}

/// Remove a member organisation (its coordinators, administrators).
#[utoipa::path(delete, path = "/pairings/{id}/members/{organisation_id}", tag = "pairings",
    params(("id" = i64, Path), ("organisation_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn remove_member(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, organisation_id) = path.into_inner();
    pairings::remove_member(&state, caller.actor(), id, organisation_id, &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invite a member organisation to pledge toward an open need in the pairing's regions (its
/// coordinators); its people get a mail. Once per need and organisation (`409` after).
#[utoipa::path(post, path = "/pairings/{id}/invitations", tag = "pairings", params(("id" = i64, Path)),
    request_body = NewInvitation,
    responses((status = 201, body = InvitationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewInvitation>,
) -> Result<HttpResponse, ApiError> {
    let invitation = pairings::invite(
        &state,
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(invitation))
}
