//! `/api/v1/households`: registered poor households, for their village's cadres and verifiers
//! only. Private fields are masked; `/private` reveals them, audited.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::Caller;
use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::households::{
    self, HouseholdChanges, HouseholdDetail, HouseholdPrivateView, HouseholdView, IncomeView,
    NewHousehold, NewIncome, StatusMove,
};
use crate::service::paging::Paging;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(list, create))
        .service(endpoint!(show, update))
        .service(endpoint!(reveal))
        .service(endpoint!(add_income))
        .service(endpoint!(change_status));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VillageQuery {
    /// The village (12-digit code).
    #[param(pattern = r"^[0-9]{12}$")]
    pub village: String,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

super::page!(
    /// A page of a village's households, private fields masked.
    HouseholdPage of HouseholdView
);

/// The households of a village, private fields masked, oldest first, a page at a time.
#[utoipa::path(get, path = "/households", tag = "households", params(VillageQuery),
    responses((status = 200, body = HouseholdPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<VillageQuery>,
) -> Result<web::Json<HouseholdPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let found = households::list(
        &state.db,
        &state.sealer,
        caller.actor(),
        &query.village,
        paging,
    )
    .await?;
    Ok(web::Json(HouseholdPage::of(found, paging)))
}

/// Register a household (cadres of its village).
#[utoipa::path(post, path = "/households", tag = "households", request_body = NewHousehold,
    responses((status = 201, body = HouseholdView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`household_duplicate`: the ID-card number is already registered")))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewHousehold>,
) -> Result<HttpResponse, ApiError> {
    let household = households::create(
        &state.db,
        &state.sealer,
        caller.actor(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(household))
}

/// One household, masked, with its incomes and register history.
#[utoipa::path(get, path = "/households/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<HouseholdDetail>, ApiError> {
    Ok(web::Json(
        households::detail(&state.db, &state.sealer, caller.actor(), id.into_inner()).await?,
    ))
}

/// The private fields in full (audited).
#[utoipa::path(post, path = "/households/{id}/private", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdPrivateView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reveal(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let private = households::reveal(
        &state.db,
        &state.sealer,
        caller.actor(),
        id.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(private))
}

/// Edit a household (cadres of its village).
#[utoipa::path(patch, path = "/households/{id}", tag = "households", params(("id" = i64, Path)), request_body = HouseholdChanges,
    responses((status = 200, body = HouseholdView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<HouseholdChanges>,
) -> Result<web::Json<HouseholdView>, ApiError> {
    Ok(web::Json(
        households::update(
            &state.db,
            &state.sealer,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            &caller.origin,
        )
        .await?,
    ))
}

/// Record a year's per-capita income.
#[utoipa::path(post, path = "/households/{id}/incomes", tag = "households", params(("id" = i64, Path)), request_body = NewIncome,
    responses((status = 201, body = IncomeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`income_year_recorded`")))]
pub async fn add_income(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewIncome>,
) -> Result<HttpResponse, ApiError> {
    let income = households::add_income(
        &state.db,
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(income))
}

/// Move a household on the register (在档 → 已脱贫 → 返贫), with reason and evidence.
#[utoipa::path(post, path = "/households/{id}/status", tag = "households", params(("id" = i64, Path)), request_body = StatusMove,
    responses((status = 200, body = HouseholdView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: the move is not allowed (yet)")))]
pub async fn change_status(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<StatusMove>,
) -> Result<web::Json<HouseholdView>, ApiError> {
    let exit_line = state.settings.policy.household_exit_income_fen;
    Ok(web::Json(
        households::change_status(
            &state.db,
            &state.sealer,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            exit_line,
            &caller.origin,
        )
        .await?,
    ))
}
