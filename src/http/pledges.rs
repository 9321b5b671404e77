//! Pledges: `POST /api/v1/needs/{id}/pledges` (with `Idempotency-Key`), the public list of a
//! need's pledges, a donor's own, and the moves of `/api/v1/pledges/{id}/…`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{Caller, MaybeCaller};
use super::needs::read_limited;
use super::{PageQuery, ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::idempotency::{Answer, IdempotencyKey};
use crate::service::needs::PhotoRef;
use crate::service::paging::Paging;
use crate::service::pledges::{
    self, NewPledge, PledgeView, PublicPledge, ReceiptConfirmation, Shipment, Step, Thanks,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(of_need, create))
        .service(endpoint!(mine))
        .service(endpoint!(show))
        .service(endpoint!(ship))
        .service(endpoint!(cancel))
        .service(endpoint!(add_photo))
        .service(endpoint!(confirm))
        .service(endpoint!(thank));
}

/// The header that makes a pledge safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Pledge toward a published need. With an `Idempotency-Key` header, a retry of the same
/// request (same key, same body) gets the first answer again (`Idempotent-Replayed: true`)
/// and pledges nothing more; the same key with another body is refused.
///
/// One account may have at most `pledge_max_open` (20) pledges unshipped, hold for itself at
/// most `pledge_max_share_percent` (50 %) of one need unless it pledges for a verified
/// organisation, and make at most `pledge_rate_per_hour` (10) pledges an hour. A large pledge
/// (worth 5,000 元 or more, or half the need) is due in `large_pledge_due_days` (7), not 30.
#[utoipa::path(post, path = "/needs/{id}/pledges", tag = "pledges",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$", description = "1 to 128 visible ASCII characters, kept for at least 24 hours")),
    request_body = NewPledge,
    responses((status = 201, body = PledgeView),
        (status = 403, body = ErrorBody, description = "`email_unconfirmed`: the account has not confirmed its email address yet, with `details.deed` (`pledge`); `forbidden`: not acting for that organisation; `csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`need_over_pledged`, with `details.remaining_quantity`"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not published; `idempotency_key_reused`; `pledge_limit`: too many unshipped pledges, with `details.limit` and `details.current`; `pledge_share_limit`: more than a person's share of the need, with `details.limit`, `details.current` (held already) and `details.unit`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`: too many pledges this hour; `Retry-After` says how many seconds to wait")))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<NewPledge>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let answer = pledges::pledge(
        &state,
        caller.user(),
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        key,
        &caller.origin,
    )
    .await?;
    created(answer)
}

/// A page of pledges toward a need.
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgePage {
    pub items: Vec<PublicPledge>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The pledges toward a need, oldest first, a page at a time, as the public sees them (names
/// as the donors chose).
#[utoipa::path(get, path = "/needs/{id}/pledges", tag = "pledges", params(("id" = i64, Path, minimum = 1), PageQuery),
    responses((status = 200, body = PledgePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn of_need(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<PledgePage>, ApiError> {
    let paging = query.paging()?;
    let actor = caller.actor();
    let (items, total) = pledges::of_need(&state, actor, id.into_inner(), paging).await?;
    Ok(web::Json(PledgePage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineQuery {
    /// Words in the title of the pledge's need (at most 100 characters, no U+0000).
    #[param(max_length = 100, pattern = r"^[^\x00]*$")]
    pub q: Option<String>,
    /// Only pledges in any of these statuses, comma-separated, each a `PledgeStatus`.
    #[param(
        pattern = r"^(pledged|shipped|received|thanked|cancelled|expired)(,(pledged|shipped|received|thanked|cancelled|expired))*$",
        example = "pledged,shipped"
    )]
    pub status: Option<String>,
    /// The order: newest first unless given; ties by id.
    #[param(value_type = Option<crate::store::pledges::MinePledgeSort>)]
    pub sort: Option<String>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

super::page!(
    /// A page of the caller's pledges.
    MyPledgePage of PledgeView
);

/// 我的认捐: the caller's pledges, newest first, each with its next step, a page at a time.
#[utoipa::path(get, path = "/me/pledges", tag = "pledges", params(MineQuery),
    responses((status = 200, body = MyPledgePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<MineQuery>,
) -> Result<web::Json<MyPledgePage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let params = pledges::MineParams {
        status: query.status.as_deref(),
        q: query.q.as_deref(),
        sort: query.sort.as_deref(),
    };
    let found = pledges::mine(&state, caller.actor(), params, paging).await?;
    Ok(web::Json(MyPledgePage::of(found, paging)))
}

/// One pledge, for its donor and its need's cadres and verifiers.
#[utoipa::path(get, path = "/pledges/{id}", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = PledgeView)))]
pub async fn show(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<PledgeView>, ApiError> {
    Ok(web::Json(
        pledges::show(&state, caller.actor(), id.into_inner()).await?,
    ))
}

async fn step(
    state: &Context,
    caller: &Caller,
    id: i64,
    step: Step,
) -> Result<web::Json<PledgeView>, ApiError> {
    Ok(web::Json(
        pledges::step(state, caller.actor(), id, step, &caller.origin).await?,
    ))
}

/// Mark a pledge shipped, transferred or arranged (its donor).
#[utoipa::path(post, path = "/pledges/{id}/ship", tag = "pledges", params(("id" = i64, Path)),
    request_body = Shipment,
    responses((status = 200, body = PledgeView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn ship(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Shipment>,
) -> Result<web::Json<PledgeView>, ApiError> {
    step(
        &state,
        &caller,
        id.into_inner(),
        Step::Ship(body.into_inner()),
    )
    .await
}

/// Cancel a pledge before it is shipped (its donor); its quantity returns to the need.
#[utoipa::path(post, path = "/pledges/{id}/cancel", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = PledgeView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: already shipped")))]
pub async fn cancel(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<PledgeView>, ApiError> {
    step(&state, &caller, id.into_inner(), Step::Cancel).await
}

/// Add a photo of what arrived to a shipped pledge (the need's village's cadres): the raw
/// bytes of a JPEG, PNG or WebP picture, re-encoded without metadata.
#[utoipa::path(post, path = "/pledges/{id}/photos", tag = "pledges", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoRef), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not shipped")))]
pub async fn add_photo(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_limited(body, state.settings.server.max_photo_bytes).await?;
    let photo = pledges::add_receipt_photo(
        &state,
        caller.actor(),
        id.into_inner(),
        bytes,
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(photo))
}

/// Confirm what arrived (the need's village's cadres, after adding a photo). Less than pledged
/// is a partial receipt: the rest returns to the need.
#[utoipa::path(post, path = "/pledges/{id}/confirm", tag = "pledges", params(("id" = i64, Path)),
    request_body = ReceiptConfirmation,
    responses((status = 200, body = PledgeView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not shipped, or no receipt photo yet")))]
pub async fn confirm(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ReceiptConfirmation>,
) -> Result<web::Json<PledgeView>, ApiError> {
    let received_quantity = body.received_quantity;
    step(
        &state,
        &caller,
        id.into_inner(),
        Step::Confirm { received_quantity },
    )
    .await
}

/// Thank the donor for a received pledge (the need's village's cadres).
#[utoipa::path(post, path = "/pledges/{id}/thanks", tag = "pledges", params(("id" = i64, Path)),
    request_body = Thanks,
    responses((status = 200, body = PledgeView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not received")))]
pub async fn thank(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Thanks>,
) -> Result<web::Json<PledgeView>, ApiError> {
    step(
        &state,
        &caller,
        id.into_inner(),
        Step::Thank(body.into_inner()),
    )
    .await
}

/// The `Idempotency-Key` header of a create, if sent; a value that is not 1 to 128 visible
/// ASCII characters is refused.
pub(super) fn idempotency_key(req: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    req.headers()
        .get(IDEMPOTENCY_KEY)
        // A value that is not visible ASCII reads as empty, which the parser refuses.
        .map(|v| IdempotencyKey::parse(v.to_str().unwrap_or_default()))
        .transpose()
}

/// A create's answer: 201 with what was made, or the first answer again under its key
/// (`Idempotent-Replayed: true`).
pub(super) fn created<T: serde::Serialize>(answer: Answer<T>) -> Result<HttpResponse, ApiError> {
    Ok(match answer {
        Answer::Created(view) => HttpResponse::Created().json(view),
        Answer::Replayed { status, body } => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(status).map_err(ApiError::internal)?,
        )
        .content_type("application/json")
        .insert_header(("idempotent-replayed", "true"))
        .body(body),
    })
}
