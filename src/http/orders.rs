//! Purchase orders (以购代捐): `POST /products/{id}/orders` (with an `Idempotency-Key`), each
//! order's steps by its side, and `/me/orders` for buyers and sellers. An order is read by its
//! two sides only: its delivery data is the buyer's own.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::Caller;
use super::needs::read_limited;
use super::pledges::{created, idempotency_key};
use super::{ServiceConfig, endpoint};
use crate::domain::order::OrderStatus;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::service::Context;
use crate::service::needs::PhotoRef;
use crate::service::orders::{
    self, DeclineOrder, ListSide, NewOrder, OrderView, ReceiveOrder, SettleOrder, ShipOrder, Step,
};
use crate::service::paging::Paging;
use crate::service::products::photos;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(place))
        .service(endpoint!(mine))
        .service(endpoint!(show))
        .service(endpoint!(confirm))
        .service(endpoint!(decline))
        .service(endpoint!(ship))
        .service(endpoint!(receive))
        .service(endpoint!(settle))
        .service(endpoint!(cancel))
        .service(endpoint!(add_photo));
}

/// Order a listed product, for oneself or for a verified organisation one acts for. The
/// quantity is taken from the stock at once (a declined, cancelled or expired order gives it
/// back); the seller has 3 days to confirm. With an `Idempotency-Key` header, a retry of the
/// same request gets the first answer again (`Idempotent-Replayed: true`) and orders nothing
/// more.
///
/// One account may have at most `order_max_open` (10) orders waiting for their sellers, hold
/// in them at most `order_max_share_percent` (50 %) of a product's stock unless it buys for a
/// verified organisation, and place at most `order_rate_per_hour` (10) orders an hour.
#[utoipa::path(post, path = "/products/{id}/orders", tag = "orders",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$", description = "1 to 128 visible ASCII characters, kept for at least 24 hours")),
    request_body = NewOrder,
    responses((status = 201, body = OrderView),
        (status = 400, body = ErrorBody, description = "`validation_failed`, by field (a quantity under the minimum order names it)"),
        (status = 403, body = ErrorBody, description = "`conflict_of_interest`: the seller's own people; `email_unconfirmed`: the account has not confirmed its email address yet, with `details.deed` (`order`); `forbidden`: not acting for that organisation; `csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`out_of_stock`, with `details.stock`"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not on sale, or out of season; `idempotency_key_reused`; `order_limit`: too many orders waiting for their sellers, with `details.limit` and `details.current`; `order_share_limit`: more than a person's share of the stock, with `details.limit`, `details.current` (held already) and `details.unit`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`: too many orders this hour; `Retry-After` says how many seconds to wait")))]
pub async fn place(
    state: web::Data<Context>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<NewOrder>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let answer = orders::place(
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineQuery {
    /// `buyer`: the orders one placed, or placed for one's organisations; `seller`: the orders
    /// for one's cooperatives' and villages' products.
    #[param(inline)]
    pub side: ListSide,
    /// Only orders in this status.
    #[param(value_type = Option<OrderStatus>)]
    pub status: Option<String>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

super::page!(
    /// A page of orders.
    OrderPage of OrderView
);

/// 我的订单: the caller's orders on one side, newest first, a page at a time.
#[utoipa::path(get, path = "/me/orders", tag = "orders", params(MineQuery),
    responses((status = 200, body = OrderPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<MineQuery>,
) -> Result<web::Json<OrderPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("status: one of {}", OrderStatus::codes()),
            )
        })?),
    };
    let found = orders::mine(&state, caller.actor(), query.side, status, paging).await?;
    Ok(web::Json(OrderPage::of(found, paging)))
}

/// An order with its timeline, for its buyer and its seller (anyone else: 404).
#[utoipa::path(get, path = "/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OrderView>, ApiError> {
    Ok(web::Json(
        orders::show(&state, caller.actor(), id.into_inner()).await?,
    ))
}

async fn take(
    state: &Context,
    caller: &Caller,
    id: i64,
    step: Step,
) -> Result<web::Json<OrderView>, ApiError> {
    Ok(web::Json(
        orders::step(state, caller.actor(), id, step, &caller.origin).await?,
    ))
}

/// The seller confirms the order: it will ship.
#[utoipa::path(post, path = "/orders/{id}/confirm", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderView),
        (status = 403, body = ErrorBody, description = "not the seller"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not waiting for the seller")))]
pub async fn confirm(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(&state, &caller, id.into_inner(), Step::Confirm).await
}

/// The seller declines the order, with a reason; its quantity returns to the stock.
#[utoipa::path(post, path = "/orders/{id}/decline", tag = "orders", params(("id" = i64, Path)),
    request_body = DeclineOrder,
    responses((status = 200, body = OrderView),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not waiting for the seller")))]
pub async fn decline(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<DeclineOrder>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(
        &state,
        &caller,
        id.into_inner(),
        Step::Decline(body.into_inner()),
    )
    .await
}

/// The seller ships a confirmed order.
#[utoipa::path(post, path = "/orders/{id}/ship", tag = "orders", params(("id" = i64, Path)),
    request_body = ShipOrder,
    responses((status = 200, body = OrderView),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not confirmed")))]
pub async fn ship(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ShipOrder>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(
        &state,
        &caller,
        id.into_inner(),
        Step::Ship(body.into_inner()),
    )
    .await
}

/// The buyer says what arrived (at most what was ordered).
#[utoipa::path(post, path = "/orders/{id}/receive", tag = "orders", params(("id" = i64, Path)),
    request_body = ReceiveOrder,
    responses((status = 200, body = OrderView),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not shipped")))]
pub async fn receive(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ReceiveOrder>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(
        &state,
        &caller,
        id.into_inner(),
        Step::Receive(body.into_inner()),
    )
    .await
}

/// The seller records the payment received (the platform takes no money).
#[utoipa::path(post, path = "/orders/{id}/settle", tag = "orders", params(("id" = i64, Path)),
    request_body = SettleOrder,
    responses((status = 200, body = OrderView),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not received")))]
pub async fn settle(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<SettleOrder>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(
        &state,
        &caller,
        id.into_inner(),
        Step::Settle(body.into_inner()),
    )
    .await
}

/// The buyer cancels the order before the seller confirmed it; its quantity returns to the
/// stock.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderView),
        (status = 422, body = ErrorBody, description = "`invalid_state`: confirmed already")))]
pub async fn cancel(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OrderView>, ApiError> {
    take(&state, &caller, id.into_inner(), Step::Cancel).await
}

/// Add a photo of what arrived (the buyer, once it shipped; at most 3): seen by the order's two
/// sides only.
#[utoipa::path(post, path = "/orders/{id}/photos", tag = "orders", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoRef),
        (status = 400, body = ErrorBody, description = "`invalid_photo`"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not shipped yet, or 3 photos already")))]
pub async fn add_photo(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_limited(body, state.settings.server.max_photo_bytes).await?;
    let photo = photos::add_to_order(
        &state,
        caller.actor(),
        id.into_inner(),
        bytes,
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(photo))
}
