//! Offers of help (帮扶资源): `/api/v1/offers` and their moves, matching both ways
//! (`/needs/{id}/offers`, `/offers/{id}/needs`), and the villages' requests for offers.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::auth::{Caller, MaybeCaller};
use super::{PageQuery, ServiceConfig, endpoint};
use crate::domain::need::Category;
use crate::domain::offer::{OfferAction, OfferKind, OfferStatus, PublicOffer};
use crate::domain::pairing::Program;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::service::Context;
use crate::service::offers::matching::{self, NeedSuggestion, OfferSuggestion};
use crate::service::offers::requests::{self, Application, Decline, NewRequest, RequestView};
use crate::service::offers::search::{self as offer_search, OfferSearchPage, OfferSort};
use crate::service::offers::{self, ListFilter, NewOffer, OfferDetail, OfferFields};
use crate::service::paging::Paging;
use crate::service::pledges::PledgeView;

pub fn routes(cfg: &mut ServiceConfig) {
    // `search` (`/offers/search`) before `show` (`/offers/{id}`).
    cfg.service(endpoint!(create))
        .service(endpoint!(search))
        .service(endpoint!(mine))
        .service(endpoint!(show, update))
        .service(endpoint!(publish))
        .service(endpoint!(pause))
        .service(endpoint!(resume))
        .service(endpoint!(withdraw))
        .service(endpoint!(needs_for_offer))
        .service(endpoint!(offers_for_need))
        .service(endpoint!(of_organisation))
        .service(endpoint!(create_request))
        .service(endpoint!(requests_of_need))
        .service(endpoint!(accept))
        .service(endpoint!(decline))
        .service(endpoint!(withdraw_request))
        .service(endpoint!(apply));
}

/// The statuses an offer search may filter by: the public ones ([`OfferStatus::is_public`]).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PublicOfferStatus {
    Published,
    Paused,
    Exhausted,
    Expired,
}

/// 帮扶资源大厅: search the live offers by words, kind, category, region (offers that may go
/// there), organisation and programme; facets of kind, category and programme.
///
/// Each facet is counted disjunctively: ignoring its own filter (so ticked values keep the
/// others listed, with the offers ticking them would add) and respecting every other one.
#[utoipa::path(get, path = "/offers/search", tag = "offers",
    params(
        ("q" = Option<String>, Query, description = "Words, in any order"),
        ("kind" = Option<Vec<OfferKind>>, Query, explode, description = "Any of these kinds"),
        ("category" = Option<Vec<Category>>, Query, explode),
        ("region" = Option<Vec<crate::validation::RegionCodeSchema>>, Query, explode, description = "Offers that may go to this region or into it"),
        ("org" = Option<Vec<i64>>, Query, explode, description = "Offers of these organisations"),
        ("programme" = Option<Vec<Program>>, Query, explode, description = "Offers of organisations in pairings of these programmes"),
        ("status" = Option<Vec<PublicOfferStatus>>, Query, explode, description = "Public statuses; `published` when left out"),
        ("sort" = Option<OfferSort>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 50),
    ),
    responses((status = 200, body = OfferSearchPage),
        (status = 503, body = ErrorBody, description = "`search_unavailable`")))]
pub async fn search(
    state: web::Data<Context>,
    req: actix_web::HttpRequest,
) -> Result<web::Json<OfferSearchPage>, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let request = offer_search::parse_request(&pairs)?;
    Ok(web::Json(
        offer_search::search(state.offer_search.as_ref(), &request).await?,
    ))
}

/// Offer help, as a draft: for a verified organisation one acts for (`org_id`), or as oneself
/// (goods and money).
#[utoipa::path(post, path = "/offers", tag = "offers", request_body = NewOffer,
    responses((status = 201, body = OfferDetail)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewOffer>,
) -> Result<HttpResponse, ApiError> {
    let offer = offers::create(
        &state,
        caller.user(),
        caller.actor(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(offer))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineQuery {
    /// Only one organisation's offers (one the caller acts for).
    pub org: Option<i64>,
    /// Only offers in this status.
    #[param(value_type = Option<OfferStatus>)]
    pub status: Option<String>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

super::page!(
    /// A page of offers.
    OfferPage of PublicOffer
);

/// 我的帮扶资源: the caller's offers, as themself and for every organisation they act for,
/// newest first, drafts included, a page at a time.
#[utoipa::path(get, path = "/me/offers", tag = "offers", params(MineQuery),
    responses((status = 200, body = OfferPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn mine(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<MineQuery>,
) -> Result<web::Json<OfferPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(OfferStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("status: one of {}", OfferStatus::codes()),
            )
        })?),
    };
    let filter = ListFilter {
        organisation_id: query.org,
        status,
    };
    let found = offers::mine(&state, caller.actor(), &filter, paging).await?;
    Ok(web::Json(OfferPage::of(found, paging)))
}

/// An offer and its timeline, for anyone once published; drafts only for the offerer's
/// people, who also get `manage` (their next moves and the requests for it).
#[utoipa::path(get, path = "/offers/{id}", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferDetail)))]
pub async fn show(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    Ok(web::Json(
        offers::show(&state, caller.actor(), id.into_inner()).await?,
    ))
}

/// Edit a draft or a paused offer (all its fields again; its kind, unit and offerer stay).
#[utoipa::path(put, path = "/offers/{id}", tag = "offers", params(("id" = i64, Path)),
    request_body = OfferFields,
    responses((status = 200, body = OfferDetail),
        (status = 422, body = ErrorBody, description = "`invalid_state`: published; pause it first")))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<OfferFields>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    Ok(web::Json(
        offers::update(
            &state,
            caller.user(),
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
    action: OfferAction,
) -> Result<web::Json<OfferDetail>, ApiError> {
    Ok(web::Json(
        offers::step(state, caller.actor(), id, action, &caller.origin).await?,
    ))
}

/// Publish a draft: it is matched with needs and open to requests.
#[utoipa::path(post, path = "/offers/{id}/publish", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferDetail)))]
pub async fn publish(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), OfferAction::Publish).await
}

/// Pause a published offer (to edit it, or for a while).
#[utoipa::path(post, path = "/offers/{id}/pause", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferDetail)))]
pub async fn pause(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), OfferAction::Pause).await
}

/// Publish a paused offer again.
#[utoipa::path(post, path = "/offers/{id}/resume", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferDetail)))]
pub async fn resume(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), OfferAction::Resume).await
}

/// Take an offer back (what was pledged from it stays pledged).
#[utoipa::path(post, path = "/offers/{id}/withdraw", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferDetail)))]
pub async fn withdraw(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OfferDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), OfferAction::Withdraw).await
}

/// The needs an offer could fill, best first, each with its reasons (结对帮扶 · 同县 · 可满足
/// 80%): a ranking, not a list to page through — the best 20 at most, chosen from the 200 most
/// urgent open needs it could fill within its reach.
#[utoipa::path(get, path = "/offers/{id}/needs", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<NeedSuggestion>, description = "At most 20, best first")))]
pub async fn needs_for_offer(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<NeedSuggestion>>, ApiError> {
    Ok(web::Json(
        matching::needs_for_offer(&state, caller.actor(), id.into_inner()).await?,
    ))
}

/// The offers that could fill a published need, best first, each with its reasons: a ranking,
/// not a list to page through — the best 20 at most, chosen from the newest 500 live offers of
/// the need's category that count in its unit.
#[utoipa::path(get, path = "/needs/{id}/offers", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<OfferSuggestion>, description = "At most 20, best first")))]
pub async fn offers_for_need(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<OfferSuggestion>>, ApiError> {
    Ok(web::Json(
        matching::offers_for_need(&state, caller.actor(), id.into_inner()).await?,
    ))
}

/// An organisation's public offers, newest first, a page at a time.
#[utoipa::path(get, path = "/organisations/{id}/offers", tag = "offers",
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = OfferPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn of_organisation(
    state: web::Data<Context>,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<OfferPage>, ApiError> {
    let paging = query.paging()?;
    let found = offers::of_organisation(&state, id.into_inner(), paging).await?;
    Ok(web::Json(OfferPage::of(found, paging)))
}

/// Ask for an offer for one of the village's needs (its cadres).
#[utoipa::path(post, path = "/offers/{id}/requests", tag = "offers", params(("id" = i64, Path)),
    request_body = NewRequest,
    responses((status = 201, body = RequestView),
        (status = 409, body = ErrorBody, description = "`conflict`: a request is already waiting"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: the offer cannot fill the need")))]
pub async fn create_request(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NewRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = requests::request(
        &state,
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(request))
}

super::page!(
    /// A page of the requests made for a need.
    RequestPage of RequestView
);

/// The requests made for a need (its cadres and verifiers), newest first, a page at a time.
#[utoipa::path(get, path = "/needs/{id}/offer-requests", tag = "offers",
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = RequestPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn requests_of_need(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<RequestPage>, ApiError> {
    let paging = query.paging()?;
    let found = requests::of_need(&state, caller.actor(), id.into_inner(), paging).await?;
    Ok(web::Json(RequestPage::of(found, paging)))
}

/// Accept a request (the offering side): it becomes a pledge on the need, its cost taken from
/// the offer. Accepting it again answers with the same pledge.
#[utoipa::path(post, path = "/offer-requests/{id}/accept", tag = "offers",
    params(("id" = i64, Path)),
    responses((status = 201, body = PledgeView),
        (status = 403, body = ErrorBody, description = "`email_unconfirmed`: the account has not confirmed its email address yet, with `details.deed` (`pledge`: accepting pledges the offer); `forbidden`: not the offer's; `csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`conflict`: the offer has not that much left; `need_over_pledged`")))]
pub async fn accept(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let pledge = requests::accept(
        &state,
        caller.user(),
        caller.actor(),
        id.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(pledge))
}

/// Decline a request, saying why (the offering side).
#[utoipa::path(post, path = "/offer-requests/{id}/decline", tag = "offers",
    params(("id" = i64, Path)), request_body = Decline,
    responses((status = 200, body = RequestView)))]
pub async fn decline(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Decline>,
) -> Result<web::Json<RequestView>, ApiError> {
    Ok(web::Json(
        requests::decline(
            &state,
            caller.actor(),
            id.into_inner(),
            body.into_inner(),
            &caller.origin,
        )
        .await?,
    ))
}

/// Take a pending request back (the village's cadres).
#[utoipa::path(post, path = "/offer-requests/{id}/withdraw", tag = "offers",
    params(("id" = i64, Path)), responses((status = 200, body = RequestView)))]
pub async fn withdraw_request(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<RequestView>, ApiError> {
    Ok(web::Json(
        requests::withdraw(&state, caller.actor(), id.into_inner(), &caller.origin).await?,
    ))
}

/// Apply an offer to a need directly (the offering side): a pledge at once.
#[utoipa::path(post, path = "/offers/{id}/apply", tag = "offers", params(("id" = i64, Path)),
    request_body = Application,
    responses((status = 201, body = PledgeView),
        (status = 403, body = ErrorBody, description = "`email_unconfirmed`: the account has not confirmed its email address yet, with `details.deed` (`pledge`: applying pledges the offer); `forbidden`: not the offer's; `csrf_token_invalid`"),
        (status = 409, body = ErrorBody, description = "`conflict`: the offer has not that much left; `need_over_pledged`"),
        (status = 422, body = ErrorBody, description = "`pledge_limit`, `pledge_share_limit`: the caps on one account's pledges, as in pledging directly (a request the village made and the offerer accepts is not held to them)"),
        (status = 429, body = ErrorBody, description = "`rate_limited`: too many pledges this hour; `Retry-After` says how many seconds to wait")))]
pub async fn apply(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Application>,
) -> Result<HttpResponse, ApiError> {
    let pledge = requests::apply(
        &state,
        caller.user(),
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(pledge))
}
