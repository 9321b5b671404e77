//! 扶贫产品 (消费扶贫): `/api/v1/products`, their listing, certification and photos, the
//! products of a village or a cooperative, and `/me/products` for their sellers.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::{Caller, MaybeCaller};
use super::needs::read_limited;
use super::{PageQuery, ServiceConfig, endpoint};
use crate::domain::product::{ProductAction, ProductCategory, PublicProduct};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorBody, ErrorCode, FieldError};
use crate::service::Context;
use crate::service::needs::PhotoRef;
use crate::service::paging::Paging;
use crate::service::products::search::{self as product_search, ProductSearchPage, ProductSort};
use crate::service::products::{self, Certify, NewProduct, ProductDetail, ProductFields, photos};

pub fn routes(cfg: &mut ServiceConfig) {
    // `search` (`/products/search`) before `show` (`/products/{id}`).
    cfg.service(endpoint!(list, create))
        .service(endpoint!(search))
        .service(endpoint!(mine))
        .service(endpoint!(show, update))
        .service(endpoint!(list_for_sale))
        .service(endpoint!(delist))
        .service(endpoint!(certify, revoke))
        .service(endpoint!(add_photo))
        .service(endpoint!(remove_photo));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Products of this region: a village, or any region holding villages.
    #[param(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<String>,
    /// Products of this cooperative.
    #[serde(default, deserialize_with = "super::record_id")]
    pub seller: Option<i64>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

super::page!(
    /// A page of products.
    ProductPage of PublicProduct
);

/// The products on sale of a region or a cooperative, newest first, a page at a time: what a
/// `consumption` need's page links to, and a cooperative's shop. The products hall searches
/// them all (`/products/search`).
#[utoipa::path(get, path = "/products", tag = "products", params(ListQuery),
    responses((status = 200, body = ProductPage),
        (status = 400, body = ErrorBody, description = "`invalid_parameter`: name a region or a seller"),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list(
    state: web::Data<Context>,
    query: web::Query<ListQuery>,
) -> Result<web::Json<ProductPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let region = query
        .region
        .as_deref()
        .map(RegionCode::parse)
        .transpose()
        .map_err(|e| ApiError::new(ErrorCode::InvalidRegionCode, e.to_string()))?;
    if region.is_none() && query.seller.is_none() {
        return Err(ApiError::field(
            "region",
            FieldError::required_with(Some("seller"))
                .because("name a region or a seller; search the products hall at /products/search"),
        ));
    }
    let found = products::of_region(&state, region.as_ref(), query.seller, paging).await?;
    Ok(web::Json(ProductPage::of(found, paging)))
}

/// 消费扶贫 products hall: search the products on sale by words, category, region (products
/// from villages in it), certification, availability and cooperative; facets of category and
/// certification.
///
/// Each facet is counted disjunctively: ignoring its own filter (so ticked values keep the
/// others listed, with the products ticking them would add) and respecting every other one.
#[utoipa::path(get, path = "/products/search", tag = "products",
    params(
        ("q" = Option<String>, Query, description = "Words, in any order"),
        ("category" = Option<Vec<ProductCategory>>, Query, explode, description = "Any of these categories"),
        ("region" = Option<Vec<crate::validation::RegionCodeSchema>>, Query, explode, description = "Products from villages in any of these regions"),
        ("certified" = Option<bool>, Query, description = "Certified 扶贫产品 today, or not"),
        ("available" = Option<bool>, Query, description = "Can be ordered today (in season, in stock), or not"),
        ("seller" = Option<Vec<i64>>, Query, explode, description = "Products of these cooperatives"),
        ("sort" = Option<ProductSort>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 50),
    ),
    responses((status = 200, body = ProductSearchPage),
        (status = 400, body = ErrorBody, description = "`invalid_parameter` or `invalid_region_code`, naming the parameter"),
        (status = 503, body = ErrorBody, description = "`search_unavailable`")))]
pub async fn search(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
) -> Result<web::Json<ProductSearchPage>, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let request = product_search::parse_request(&pairs)?;
    Ok(web::Json(
        product_search::search(state.product_search.as_ref(), &request).await?,
    ))
}

/// A new product, as a draft, for a cooperative (its people, or its village's cadres).
#[utoipa::path(post, path = "/products", tag = "products", request_body = NewProduct,
    responses((status = 201, body = ProductDetail),
        (status = 400, body = ErrorBody, description = "`validation_failed`, by field"),
        (status = 403, body = ErrorBody, description = "not the cooperative's people or its village's cadres")))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewProduct>,
) -> Result<HttpResponse, ApiError> {
    let product =
        products::create(&state, caller.actor(), body.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::Created().json(product))
}

/// The products the caller sells (their cooperatives' and villages'), and, for a verifier, those
/// of their area; every status, newest first, a page at a time.
#[utoipa::path(get, path = "/me/products", tag = "products", params(PageQuery),
    responses((status = 200, body = ProductPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<ProductPage>, ApiError> {
    let paging = query.paging()?;
    let found = products::mine(&state, caller.actor(), paging).await?;
    Ok(web::Json(ProductPage::of(found, paging)))
}

/// A product and its timeline: anyone's once listed; a draft only its sellers' and its area's
/// verifiers', who also get `manage`.
#[utoipa::path(get, path = "/products/{id}", tag = "products", params(("id" = i64, Path)),
    responses((status = 200, body = ProductDetail), (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    Ok(web::Json(
        products::show(&state, caller.actor(), id.into_inner()).await?,
    ))
}

/// Replace a product's fields (its sellers; a price or stock changes orders placed from now).
#[utoipa::path(put, path = "/products/{id}", tag = "products", params(("id" = i64, Path)),
    request_body = ProductFields,
    responses((status = 200, body = ProductDetail),
        (status = 400, body = ErrorBody, description = "`validation_failed`, by field"),
        (status = 409, body = ErrorBody, description = "`conflict`: the stock changed since `stock_seen` was read (orders took from it); `details.stock` is the stock now")))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ProductFields>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    Ok(web::Json(
        products::update(
            &state,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            &caller.origin,
        )
        .await?,
    ))
}

async fn step(
    state: &Context,
    caller: &Caller,
    id: i64,
    action: ProductAction,
) -> Result<web::Json<ProductDetail>, ApiError> {
    Ok(web::Json(
        products::step(state, caller.actor(), id, action, &caller.origin).await?,
    ))
}

/// Put a draft or a delisted product on sale (once its cooperative is verified).
#[utoipa::path(post, path = "/products/{id}/list", tag = "products", params(("id" = i64, Path)),
    responses((status = 200, body = ProductDetail),
        (status = 422, body = ErrorBody, description = "`invalid_state`: listed already, or the cooperative is not verified")))]
pub async fn list_for_sale(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), ProductAction::List).await
}

/// Take a product off sale; its orders go on.
#[utoipa::path(post, path = "/products/{id}/delist", tag = "products", params(("id" = i64, Path)),
    responses((status = 200, body = ProductDetail),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not listed")))]
pub async fn delist(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), ProductAction::Delist).await
}

/// Certify a product as a 扶贫产品 (扶贫产品认定), or renew its certificate: a verifier of its
/// area. Only orders of certified products count as 消费扶贫 in the figures.
#[utoipa::path(put, path = "/products/{id}/certification", tag = "products",
    params(("id" = i64, Path)), request_body = Certify,
    responses((status = 200, body = ProductDetail),
        (status = 403, body = ErrorBody, description = "not a verifier of the product's area")))]
pub async fn certify(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Certify>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    Ok(web::Json(
        products::certify(
            &state,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            &caller.origin,
        )
        .await?,
    ))
}

/// Revoke a product's certification (a verifier of its area).
#[utoipa::path(delete, path = "/products/{id}/certification", tag = "products",
    params(("id" = i64, Path)),
    responses((status = 200, body = ProductDetail),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not certified")))]
pub async fn revoke(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ProductDetail>, ApiError> {
    Ok(web::Json(
        products::revoke(&state, caller.actor(), id.into_inner(), &caller.origin).await?,
    ))
}

/// Add a photo to a product (its sellers): a JPEG, PNG or WebP picture's bytes, re-encoded
/// without its metadata (no GPS). Public with the product; at most 9.
#[utoipa::path(post, path = "/products/{id}/photos", tag = "products", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoRef),
        (status = 400, body = ErrorBody, description = "`invalid_photo`"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: 9 photos already")))]
pub async fn add_photo(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_limited(body, state.settings.server.max_photo_bytes).await?;
    let photo = photos::add_to_product(
        &state,
        caller.actor(),
        id.into_inner(),
        bytes,
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(photo))
}

/// Remove a product's photo (its sellers).
#[utoipa::path(delete, path = "/products/{id}/photos/{photo_id}", tag = "products",
    params(("id" = i64, Path), ("photo_id" = String, Path)), responses((status = 204)))]
pub async fn remove_photo(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, photo_id) = path.into_inner();
    photos::remove_from_product(&state, caller.actor(), id, &photo_id, &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
