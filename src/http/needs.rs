//! `/api/v1/needs`: recording, verification, public notice, objections and photos of needs;
//! `/api/v1/objections/{id}/…` for verifiers' decisions; `/api/v1/photos/{id}` serves photos.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use validator::Validate;

use super::auth::{Caller, MaybeCaller};
use super::{PageQuery, ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::service::Context;
use crate::service::needs::objections::{
    self, Decision, NewObjection, ObjectionReceipt, ObjectionView,
};
use crate::service::needs::{
    self, NeedChanges, NeedDetail, NeedPage, NewNeed, PhotoRef, Reason, Step, WorklistPage,
    WorklistParams, photos, photos::Publication,
};
use crate::service::paging::Paging;

pub fn routes(cfg: &mut ServiceConfig) {
    // `notices` (`/needs/notices`) before `show` (`/needs/{id}`), which would otherwise take
    // `notices` for an id.
    cfg.service(endpoint!(worklist, create))
        .service(endpoint!(notices))
        .service(endpoint!(show, update))
        .service(endpoint!(submit))
        .service(endpoint!(verify))
        .service(endpoint!(reject))
        .service(endpoint!(withdraw))
        .service(endpoint!(close))
        .service(endpoint!(take_down))
        .service(endpoint!(list_objections, object))
        .service(endpoint!(add_photo))
        .service(endpoint!(publish_photo, remove_photo))
        .service(endpoint!(uphold))
        .service(endpoint!(dismiss))
        .service(endpoint!(photo));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistQuery {
    /// Words in the title or the description (at most 100 characters, no U+0000).
    #[param(max_length = 100, pattern = r"^[^\x00]*$")]
    pub q: Option<String>,
    /// Only needs in any of these statuses, comma-separated (`submitted` for a review queue,
    /// `submitted,verified`), each a `NeedStatus`.
    #[param(
        pattern = r"^(draft|submitted|verified|in_notice|published|fully_pledged|fulfilled|closed|rejected|withdrawn|suspended|expired|taken_down)(,(draft|submitted|verified|in_notice|published|fully_pledged|fulfilled|closed|rejected|withdrawn|suspended|expired|taken_down))*$",
        example = "submitted,verified"
    )]
    pub status: Option<String>,
    /// Only needs of any of these categories, comma-separated, each a `Category`.
    #[param(
        pattern = r"^(education|medical|industry|employment|housing|infrastructure|daily_goods|consumption)(,(education|medical|industry|employment|housing|infrastructure|daily_goods|consumption))*$",
        example = "education"
    )]
    pub category: Option<String>,
    /// Only needs in this region (any level: 2 to 12 digits).
    #[param(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<String>,
    /// Only the needs of this household.
    #[serde(default, deserialize_with = "super::record_id")]
    pub household: Option<i64>,
    /// The order: most recently changed first unless given; ties by id, newest first.
    #[param(value_type = Option<crate::store::needs::WorklistSort>)]
    pub sort: Option<String>,
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    pub per_page: Option<u64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Only needs in this region (any level: 2 to 12 digits).
    #[param(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The caller's worklist: needs of their villages (cadres) or towns and counties (verifiers),
/// searched, filtered and sorted, each with what its staff see of it (`review`: a rejection's
/// reason, the caller's next actions).
#[utoipa::path(get, path = "/needs", tag = "needs", params(WorklistQuery),
    responses((status = 200, body = WorklistPage),
        (status = 400, body = ErrorBody, description = "`invalid_parameter` naming the parameter (`q`, `status`, `category`, `sort`, `page`, `per_page`, `household`), or `invalid_region_code`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn worklist(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<WorklistQuery>,
) -> Result<web::Json<WorklistPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let params = WorklistParams {
        status: query.status.as_deref(),
        category: query.category.as_deref(),
        region: query.region.as_deref(),
        household: query.household,
        q: query.q.as_deref(),
        sort: query.sort.as_deref(),
    };
    Ok(web::Json(
        needs::worklist(&state, caller.actor(), params, paging).await?,
    ))
}

/// Needs in their public notice period (公示), open to objections; soonest to end first.
#[utoipa::path(get, path = "/needs/notices", tag = "needs", params(NoticeQuery),
    responses((status = 200, body = NeedPage)))]
pub async fn notices(
    state: web::Data<Context>,
    query: web::Query<NoticeQuery>,
) -> Result<web::Json<NeedPage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    Ok(web::Json(
        needs::notices(&state, query.region.as_deref(), paging).await?,
    ))
}

/// Record a need as a draft (cadres of its village).
#[utoipa::path(post, path = "/needs", tag = "needs", request_body = NewNeed,
    responses((status = 201, body = NeedDetail), (status = 400, body = ErrorBody,
        description = "`validation_failed`, or `private_data` when the title or description carries an ID-card or phone number or the household's name"),
        (status = 403, body = ErrorBody)))]
pub async fn create(
    state: web::Data<Context>,
    caller: Caller,
    body: web::Json<NewNeed>,
) -> Result<HttpResponse, ApiError> {
    let need = needs::create(&state, caller.actor(), body.into_inner(), &caller.origin).await?;
    Ok(HttpResponse::Created().json(need))
}

/// A need: its public projection and timeline for anyone once it is in notice; for its cadres
/// and verifiers at any stage, with a `review` section.
#[utoipa::path(get, path = "/needs/{id}", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedDetail)))]
pub async fn show(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    let actor = caller.actor();
    Ok(web::Json(
        needs::detail(&state, actor, id.into_inner()).await?,
    ))
}

/// Edit a draft (its village's cadres).
#[utoipa::path(patch, path = "/needs/{id}", tag = "needs", params(("id" = i64, Path)),
    request_body = NeedChanges,
    responses((status = 200, body = NeedDetail), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`conflict`: changed meanwhile"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not a draft")))]
pub async fn update(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<NeedChanges>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    Ok(web::Json(
        needs::update(
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
    step: Step,
) -> Result<web::Json<NeedDetail>, ApiError> {
    Ok(web::Json(
        needs::step(state, caller.actor(), id, step, &caller.origin).await?,
    ))
}

/// Submit a draft for verification (its village's cadres). The text is checked for private data
/// again, and the need's value against its category's cap.
#[utoipa::path(post, path = "/needs/{id}/submit", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedDetail), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn submit(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), Step::Submit).await
}

/// Verify a submitted need (its town's or county's verifiers, never the need's author). A need
/// above its category's value cap needs a second verification by another county-level verifier.
/// Verified, the need enters its notice period (or is published at once with no notice period).
#[utoipa::path(post, path = "/needs/{id}/verify", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedDetail),
        (status = 403, body = ErrorBody, description = "`forbidden`, or `conflict_of_interest` for the need's author or its first verifier"),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn verify(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), Step::Verify).await
}

/// Reject a submitted need, with the reason its cadre will read (verifiers).
#[utoipa::path(post, path = "/needs/{id}/reject", tag = "needs", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = NeedDetail), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn reject(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Reason>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    body.validate()?;
    let reason = body.into_inner().reason.to_string();
    step(&state, &caller, id.into_inner(), Step::Reject { reason }).await
}

/// Withdraw a need that nobody has pledged to (its village's cadres).
#[utoipa::path(post, path = "/needs/{id}/withdraw", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedDetail), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn withdraw(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), Step::Withdraw).await
}

/// Close a fulfilled need (its village's cadres), or a taken-down one for good (its area's
/// verifiers, once no pledge to it is open): that one is left rejected, out of public view.
#[utoipa::path(post, path = "/needs/{id}/close", tag = "needs", params(("id" = i64, Path)),
    responses((status = 200, body = NeedDetail), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`")))]
pub async fn close(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    step(&state, &caller, id.into_inner(), Step::Close).await
}

/// Take a need in public view (in notice, published or fully pledged) out of it at once, with
/// the reason (撤下核查: private data slipped through, fraud suspected): its area's verifiers,
/// never its author. It leaves the search index and the public pages; its cadres read the
/// reason and may correct it and submit it again, or a verifier closes it; the donors of its
/// open pledges are told (their pledges stay, held: they may cancel). The public timeline says
/// only that it was withdrawn from view.
#[utoipa::path(post, path = "/needs/{id}/take-down", tag = "needs", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = NeedDetail),
        (status = 400, body = ErrorBody, description = "`validation_failed`: the reason's length"),
        (status = 403, body = ErrorBody, description = "`forbidden`, or `conflict_of_interest` for the need's author"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not in public view, or suspended by an objection")))]
pub async fn take_down(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Reason>,
) -> Result<web::Json<NeedDetail>, ApiError> {
    body.validate()?;
    let reason = body.into_inner().reason.to_string();
    step(&state, &caller, id.into_inner(), Step::TakeDown { reason }).await
}

/// Object to a need in its notice period (异议/举报): anyone, signed in or not; the contact is
/// seen by verifiers only. The need is suspended until a verifier decides.
#[utoipa::path(post, path = "/needs/{id}/objections", tag = "needs", params(("id" = i64, Path)),
    request_body = NewObjection,
    responses((status = 201, body = ObjectionReceipt),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not in notice"),
        (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn object(
    state: web::Data<Context>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    body: web::Json<NewObjection>,
) -> Result<HttpResponse, ApiError> {
    let receipt = objections::file(
        &state,
        caller.actor(),
        id.into_inner(),
        body.into_inner(),
        caller.origin.ip.as_deref(),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(receipt))
}

super::page!(
    /// A page of the objections against a need.
    ObjectionPage of ObjectionView
);

/// The objections against a need, with the objectors' contacts (its verifiers), newest first,
/// a page at a time.
#[utoipa::path(get, path = "/needs/{id}/objections", tag = "needs", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = ObjectionPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`page_too_deep`, with `details.max_depth`")))]
pub async fn list_objections(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<ObjectionPage>, ApiError> {
    let paging = query.paging()?;
    let found = objections::list(&state, caller.actor(), id.into_inner(), paging).await?;
    Ok(web::Json(ObjectionPage::of(found, paging)))
}

async fn decide(
    state: &Context,
    caller: &Caller,
    id: i64,
    decision: Decision,
    body: &Reason,
) -> Result<web::Json<ObjectionView>, ApiError> {
    body.validate()?;
    Ok(web::Json(
        objections::decide_objection(
            state,
            caller.actor(),
            id,
            decision,
            &body.reason,
            &caller.origin,
        )
        .await?,
    ))
}

/// Uphold an objection: the need is rejected, with the reason (verifiers).
#[utoipa::path(post, path = "/objections/{id}/uphold", tag = "needs", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = ObjectionView), (status = 422, body = ErrorBody, description = "`invalid_state`: already decided")))]
pub async fn uphold(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Reason>,
) -> Result<web::Json<ObjectionView>, ApiError> {
    decide(&state, &caller, id.into_inner(), Decision::Uphold, &body).await
}

/// Dismiss an objection: the notice resumes where it stood once no objection is left open
/// (verifiers).
#[utoipa::path(post, path = "/objections/{id}/dismiss", tag = "needs", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = ObjectionView), (status = 422, body = ErrorBody, description = "`invalid_state`: already decided")))]
pub async fn dismiss(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<Reason>,
) -> Result<web::Json<ObjectionView>, ApiError> {
    decide(&state, &caller, id.into_inner(), Decision::Dismiss, &body).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// `true` shows the photo to the public once the need is public; by default only the
    /// need's cadres and verifiers see it. Never publish a face, an ID card or a house number.
    pub public: Option<bool>,
}

/// Add a photo to a draft (its village's cadres): the raw bytes of a JPEG, PNG or WebP picture
/// as the body. It is re-encoded as JPEG with every piece of metadata (EXIF, GPS) removed.
#[utoipa::path(post, path = "/needs/{id}/photos", tag = "needs",
    params(("id" = i64, Path), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoRef),
        (status = 400, body = ErrorBody, description = "`invalid_photo`: unreadable or too many pixels"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody, description = "not a JPEG, PNG or WebP picture"),
        (status = 422, body = ErrorBody, description = "`invalid_state`: not a draft, or 9 photos already")))]
pub async fn add_photo(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<PhotoQuery>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_limited(body, state.settings.server.max_photo_bytes).await?;
    let photo = photos::add(
        &state,
        caller.actor(),
        id.into_inner(),
        bytes,
        query.public.unwrap_or(false),
        &caller.origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(photo))
}

/// Show a need's photo to the public, or take it back: publishing is its cadres' while the
/// need is a draft (what the public sees is verified); taking back is its cadres' and
/// verifiers' at any time.
#[utoipa::path(patch, path = "/needs/{id}/photos/{photo_id}", tag = "needs",
    params(("id" = i64, Path), ("photo_id" = String, Path)),
    request_body = Publication,
    responses((status = 200, body = PhotoRef), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`invalid_state`: publishing, and not a draft")))]
pub async fn publish_photo(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(i64, String)>,
    body: web::Json<Publication>,
) -> Result<web::Json<PhotoRef>, ApiError> {
    let (need_id, photo_id) = path.into_inner();
    Ok(web::Json(
        photos::publish(
            &state,
            caller.actor(),
            need_id,
            &photo_id,
            body.public,
            &caller.origin,
        )
        .await?,
    ))
}

/// The body, refused with 413 as soon as it grows past `max` bytes.
pub(super) async fn read_limited(mut body: web::Payload, max: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("the upload broke off: {e}"),
            )
        })?;
        if bytes.len() + chunk.len() > max {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("the photo is larger than {max} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidPhoto,
            "the body is empty: send the picture's bytes",
        ));
    }
    Ok(bytes)
}

/// Remove a photo from a draft (its village's cadres).
#[utoipa::path(delete, path = "/needs/{id}/photos/{photo_id}", tag = "needs",
    params(("id" = i64, Path), ("photo_id" = String, Path)),
    responses((status = 204), (status = 422, body = ErrorBody, description = "`invalid_state`: not a draft")))]
pub async fn remove_photo(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (need_id, photo_id) = path.into_inner();
    photos::remove(&state, caller.actor(), need_id, &photo_id, &caller.origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A photo (JPEG). A need's photo its cadre published, once the need is public, is anyone's;
/// every other photo is only for the need's staff (a receipt's, for whoever may read its
/// pledge), served `private, no-store`. Anyone else is told it does not exist.
#[utoipa::path(get, path = "/photos/{id}", tag = "needs",
    params(("id" = String, Path, description = "32 hex digits, as in a photo's `url`")),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 304),
        (status = 404, body = ErrorBody)))]
pub async fn photo(
    state: web::Data<Context>,
    caller: MaybeCaller,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor();
    let served = photos::serve(&state, actor, &id).await?;
    let etag = format!("\"{}\"", served.sha256);
    // A photo never changes under its id, but its need may leave public view (rejected,
    // withdrawn): shared caches keep a public one only briefly, then revalidate by its ETag.
    let cache = if served.public {
        "public, max-age=60"
    } else {
        "private, no-store"
    };
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged && served.public {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(crate::media::Photo::CONTENT_TYPE)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(served.jpeg))
}
