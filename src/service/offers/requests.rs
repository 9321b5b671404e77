//! From an offer to a pledge: a village's cadre asks for an offer for one of its needs, the
//! offering side accepts (a pledge on the need, through the same path as any pledge) or
//! declines with a reason; or the offering side applies its offer to a need directly. Either
//! way the pledge's cost is taken from the offer by a guarded update in the same transaction as
//! the pledge's own guarded update of the need, so neither side ever goes below zero; lock
//! order is the offer's row, then the need's. A pledge made from an offer that is cancelled or
//! expires gives its cost back ([`release`]).

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Target};
use crate::domain::confirmation::Deed;
use crate::domain::need::Unit;
use crate::domain::offer::{
    OfferAction, OfferActor, OfferEventKind, OfferRecord, Offerer, RequestStatus, decide_offer,
    may_manage_offer, offer_cost,
};
use crate::domain::projection::NeedRecord;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::Context;
use crate::service::auth::confirm::require as require_confirmed;
use crate::service::needs;
use crate::service::paging::Paging;
use crate::service::pledges::{self, Initiative, NewPledge, PledgeView};
use crate::store::accounts::User;
use crate::store::audit::{self, Entry, Origin};
use crate::store::needs as need_store;
use crate::store::offers::{
    self as offer_store, NewRequestRow, OfferPledge, RequestFilter, RequestRecord,
};
use crate::store::outbox::{self, Message};
use crate::validation::{Text, request_body};

use super::matching::fit_of;
use super::{apply_move, event};

/// How long the offering side has to answer a request.
const ANSWER_DAYS: i64 = 14;

request_body! {
    /// A village's request for an offer, for one of its needs.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct NewRequest {
        pub need_id: i64,
        /// In the need's unit: at most what the offer can pay for and the need has left.
        #[rule(range(min = 1))]
        pub quantity: i64,
        /// A word to the offering side (public data only: it may be shown on the offer).
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 500))]
        #[rule(public_text)]
        pub note: Option<Text>,
    }
}

request_body! {
    /// Applying an offer to a need directly (the offering side's own choice).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct Application {
        pub need_id: i64,
        /// In the need's unit.
        #[rule(range(min = 1))]
        pub quantity: i64,
    }
}

request_body! {
    /// Why a request is declined; the village's cadres read it.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct Decline {
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 500))]
        #[rule(public_text)]
        pub reason: Text,
    }
}

/// A request as the village and the offering side see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub offer_id: i64,
    pub offer_title: String,
    pub need_id: i64,
    pub need_title: String,
    /// In the need's unit.
    pub quantity: i64,
    pub unit: Unit,
    pub note: Option<String>,
    pub status: RequestStatus,
    pub decline_reason: Option<String>,
    /// The pledge it became, once accepted.
    pub pledge_id: Option<i64>,
    /// Unanswered by then, it expires.
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

async fn views(
    db: &impl ConnectionTrait,
    requests: Vec<RequestRecord>,
) -> Result<Vec<RequestView>, ApiError> {
    let mut need_ids: Vec<i64> = requests.iter().map(|r| r.need_id).collect();
    need_ids.sort();
    need_ids.dedup();
    let mut offer_ids: Vec<i64> = requests.iter().map(|r| r.offer_id).collect();
    offer_ids.sort();
    offer_ids.dedup();
    let needs = need_store::find_many(db, &need_ids).await?;
    let offers = offer_store::find_many(db, &offer_ids).await?;
    Ok(requests
        .into_iter()
        .map(|r| {
            let need = needs.iter().find(|n| n.id == r.need_id);
            let offer = offers.iter().find(|o| o.id == r.offer_id);
            RequestView {
                id: r.id,
                offer_id: r.offer_id,
                offer_title: offer.map(|o| o.title.clone()).unwrap_or_default(),
                need_id: r.need_id,
                need_title: need.map(|n| n.title.clone()).unwrap_or_default(),
                quantity: r.quantity,
                unit: need.map(|n| n.unit).unwrap_or(Unit::Item),
                note: r.note,
                status: r.status,
                decline_reason: r.decline_reason,
                pledge_id: r.pledge_id,
                expires_at: r.expires_at,
                created_at: r.created_at,
                decided_at: r.decided_at,
            }
        })
        .collect())
}

/// The requests for an offer, newest first (for its offerer's people).
pub(crate) async fn of_offer(
    db: &impl ConnectionTrait,
    offer_id: i64,
) -> Result<Vec<RequestView>, ApiError> {
    let requests = offer_store::requests(
        db,
        &RequestFilter {
            offer_ids: vec![offer_id],
            ..Default::default()
        },
        200,
    )
    .await?;
    views(db, requests).await
}

/// One page of the requests made for a need, newest first, and how many there are: for its
/// village's cadres and verifiers.
pub async fn of_need(
    app: &Context,
    actor: &Actor,
    need_id: i64,
    paging: Paging,
) -> Result<(Vec<RequestView>, u64), ApiError> {
    let need = needs::load_visible(&app.db, Some(actor), need_id).await?;
    if !crate::domain::authz::sees_need_as_staff(actor, &need.village, false) {
        return Err(ApiError::forbidden());
    }
    let (requests, total) = offer_store::requests_page(
        &app.db,
        &RequestFilter {
            need_ids: vec![need_id],
            ..Default::default()
        },
        paging.page,
        paging.per_page,
    )
    .await?;
    Ok((views(&app.db, requests).await?, total))
}

fn audit_entry<'a>(
    action: &'a str,
    id: i64,
    region: &'a str,
    detail: serde_json::Value,
) -> Entry<'a> {
    Entry {
        action,
        target_kind: "offer_request",
        target_id: id.to_string(),
        region_code: Some(region),
        detail: Some(detail),
    }
}

/// Checks that `quantity` of `need` can come from `offer` now, and what it costs the offer.
async fn check_fit(
    app: &Context,
    txn: &impl ConnectionTrait,
    need: &NeedRecord,
    offer: &OfferRecord,
    quantity: i64,
) -> Result<i64, ApiError> {
    let Some(fit) = fit_of(app, txn, need, offer).await? else {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "this offer cannot fill this need now: it must be live, of the need's category and \
             unit, reach the need's village, and have enough left for the need's smallest pledge",
        ));
    };
    if quantity > fit.coverable {
        return Err(ApiError::field(
            "quantity",
            FieldError::exceeds(fit.coverable).because(format!(
                "at most {} can come from this offer for this need now",
                fit.coverable
            )),
        ));
    }
    let remaining = need.target_quantity - need.pledged_quantity;
    if quantity < need.min_pledge_quantity && quantity != remaining {
        return Err(ApiError::field(
            "quantity",
            FieldError::below(need.min_pledge_quantity).because("below the need's smallest pledge"),
        ));
    }
    offer_cost(offer.unit, need.unit, need.unit_value_fen, quantity)
        .ok_or_else(|| ApiError::internal("an offer that fits a need cannot be counted against it"))
}

/// A cadre of the need's village asks for the offer.
pub async fn request(
    app: &Context,
    actor: &Actor,
    offer_id: i64,
    new: NewRequest,
    origin: &Origin,
) -> Result<RequestView, ApiError> {
    let now = app.clock.now();
    new.validate()?;
    let txn = crate::store::begin_write(&app.db).await?;
    let offer = super::load_visible(&txn, Some(actor), offer_id).await?;
    let need = needs::load_visible(&txn, Some(actor), new.need_id)
        .await
        .map_err(|_| {
            ApiError::field(
                "need_id",
                FieldError::not_found_reference().because("is not a need you can see"),
            )
        })?;
    if !actor.can(Action::RequestOffer, Target::Region(&need.village)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "only the cadres of the need's village can ask for an offer for it",
        ));
    }
    check_fit(app, &txn, &need, &offer, new.quantity).await?;
    let open = offer_store::requests(
        &txn,
        &RequestFilter {
            offer_ids: vec![offer_id],
            need_ids: vec![need.id],
            statuses: vec![RequestStatus::Pending],
        },
        1,
    )
    .await?;
    if !open.is_empty() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "this need already has a request for this offer waiting for an answer",
        ));
    }
    let note = new.note.as_ref().and_then(Text::non_blank);
    if let Some(note) = note {
        needs::check_public_text(app, &txn, need.household_id, &[("note", note)]).await?;
    }
    let request = offer_store::insert_request(
        &txn,
        &NewRequestRow {
            offer_id,
            need_id: need.id,
            quantity: new.quantity,
            note,
            requested_by: actor.user_id,
            expires_at: (now + Duration::days(ANSWER_DAYS)).min(offer.valid_until),
            at: now,
        },
    )
    .await?;
    event(
        &txn,
        offer_id,
        OfferEventKind::Requested,
        ("cadre", Some(actor.user_id)),
        Some((need.id, new.quantity)),
        now,
    )
    .await?;
    audit::record_at(
        &txn,
        origin,
        audit_entry(
            "offer_request.create",
            request.id,
            need.village.as_str(),
            json!({"offer_id": offer_id, "need_id": need.id, "quantity": new.quantity}),
        ),
        now,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailOfferRequested {
            request_id: request.id,
        },
        now,
    )
    .await?;
    let view = views(&txn, vec![request]).await?.remove(0);
    txn.commit().await?;
    Ok(view)
}

/// Makes the pledge of `quantity` toward `need_id` from `offer` inside `txn`: the offer's cost
/// first (its row, then the need's), then the pledge as any pledge is made, then the link.
#[allow(clippy::too_many_arguments)]
async fn pledge_from(
    app: &Context,
    txn: &impl ConnectionTrait,
    person: &User,
    actor: &Actor,
    offer: &OfferRecord,
    need: &NeedRecord,
    quantity: i64,
    request_id: Option<i64>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<PledgeView, ApiError> {
    let cost = check_fit(app, txn, need, offer, quantity).await?;
    let Some(left) = offer_store::take(txn, offer.id, cost, now).await? else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the offer has not that much left now; look at it again",
        )
        .with_details(json!({"remaining": offer.remaining})));
    };
    let pledge = NewPledge {
        quantity,
        anonymous: offer.anonymous,
        message: None,
        org_id: match offer.offerer {
            Offerer::Organisation(id) => Some(id),
            Offerer::Person(_) => None,
        },
    };
    // A request the village made is its own initiative; an offer applied to a need is the
    // offerer's.
    let initiative = match request_id {
        Some(_) => Initiative::Village,
        None => Initiative::Donor,
    };
    let (record, view) = pledges::pledge_in(
        app, txn, person, actor, need.id, &pledge, initiative, origin, now,
    )
    .await?;
    offer_store::insert_offer_pledge(
        txn,
        &OfferPledge {
            offer_id: offer.id,
            pledge_id: record.id,
            cost,
            request_id,
            released_at: None,
        },
        now,
    )
    .await?;
    if left == 0 {
        let mut spent = offer.clone();
        spent.remaining = 0;
        if let Ok(to) = decide_offer(
            &spent.facts(),
            OfferAction::Exhaust,
            OfferActor::Platform,
            now,
        ) {
            apply_move(
                txn,
                &spent,
                OfferAction::Exhaust,
                to,
                ("platform", None),
                origin,
                now,
            )
            .await?;
        }
    }
    outbox::enqueue(txn, &Message::SearchSyncOffer { offer_id: offer.id }, now).await?;
    Ok(view)
}

fn not_offerer() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "only the offering organisation's people, or the person who made the offer, can answer",
    )
}

/// A request and its offer (the offer's row held), for the offering side to answer.
async fn answerable(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    request_id: i64,
) -> Result<(RequestRecord, OfferRecord), ApiError> {
    let request = offer_store::find_request(txn, request_id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    let offer = offer_store::lock(txn, request.offer_id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    if !may_manage_offer(actor, offer.offerer) {
        return Err(not_offerer());
    }
    Ok((request, offer))
}

/// The offering side accepts a pending request: it becomes a pledge. Accepting one already
/// accepted answers with its pledge again.
pub async fn accept(
    app: &Context,
    person: &User,
    actor: &Actor,
    request_id: i64,
    origin: &Origin,
) -> Result<PledgeView, ApiError> {
    // Accepting pledges the offer's help toward the need.
    require_confirmed(person, Deed::Pledge)?;
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let (request, offer) = answerable(&txn, actor, request_id).await?;
    if let (RequestStatus::Accepted, Some(pledge_id)) = (request.status, request.pledge_id) {
        drop(txn);
        return pledges::show(app, actor, pledge_id).await;
    }
    if request.status != RequestStatus::Pending {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("a request that is {} cannot be accepted", request.status),
        ));
    }
    let need = needs::load_visible(&txn, None, request.need_id).await?;
    let view = pledge_from(
        app,
        &txn,
        person,
        actor,
        &offer,
        &need,
        request.quantity,
        Some(request.id),
        origin,
        now,
    )
    .await?;
    if !offer_store::settle_request(
        &txn,
        request.id,
        RequestStatus::Accepted,
        Some(actor.user_id),
        None,
        Some(view.id),
        now,
    )
    .await?
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the request was answered meanwhile",
        ));
    }
    event(
        &txn,
        offer.id,
        OfferEventKind::RequestAccepted,
        ("offerer", Some(actor.user_id)),
        Some((need.id, request.quantity)),
        now,
    )
    .await?;
    audit::record_at(
        &txn,
        origin,
        audit_entry(
            "offer_request.accept",
            request.id,
            need.village.as_str(),
            json!({"pledge_id": view.id}),
        ),
        now,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailOfferRequestAnswered {
            request_id: request.id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// The offering side declines a pending request, saying why.
pub async fn decline(
    app: &Context,
    actor: &Actor,
    request_id: i64,
    decline: Decline,
    origin: &Origin,
) -> Result<RequestView, ApiError> {
    let now = app.clock.now();
    decline.validate()?;
    let txn = crate::store::begin_write(&app.db).await?;
    let (request, offer) = answerable(&txn, actor, request_id).await?;
    let reason = decline.reason.trimmed();
    if !offer_store::settle_request(
        &txn,
        request.id,
        RequestStatus::Declined,
        Some(actor.user_id),
        Some(reason),
        None,
        now,
    )
    .await?
    {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("a request that is {} cannot be declined", request.status),
        ));
    }
    event(
        &txn,
        offer.id,
        OfferEventKind::RequestDeclined,
        ("offerer", Some(actor.user_id)),
        Some((request.need_id, request.quantity)),
        now,
    )
    .await?;
    let village = need_store::find(&txn, request.need_id)
        .await?
        .map(|n| n.village.as_str().to_owned())
        .unwrap_or_default();
    audit::record_at(
        &txn,
        origin,
        audit_entry(
            "offer_request.decline",
            request.id,
            &village,
            json!({"offer_id": offer.id}),
        ),
        now,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailOfferRequestAnswered {
            request_id: request.id,
        },
        now,
    )
    .await?;
    let settled = offer_store::find_request(&txn, request.id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    let view = views(&txn, vec![settled]).await?.remove(0);
    txn.commit().await?;
    Ok(view)
}

/// The offering side applies its offer to a need directly: a pledge at once.
pub async fn apply(
    app: &Context,
    person: &User,
    actor: &Actor,
    offer_id: i64,
    application: Application,
    origin: &Origin,
) -> Result<PledgeView, ApiError> {
    // Applying an offer to a need pledges toward it.
    require_confirmed(person, Deed::Pledge)?;
    let now = app.clock.now();
    application.validate()?;
    let txn = crate::store::begin_write(&app.db).await?;
    let offer = offer_store::lock(&txn, offer_id)
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    if !may_manage_offer(actor, offer.offerer) {
        return Err(if offer.status.is_public() {
            not_offerer()
        } else {
            ApiError::not_found("offer")
        });
    }
    let need = needs::load_visible(&txn, None, application.need_id)
        .await
        .map_err(|_| {
            ApiError::field(
                "need_id",
                FieldError::not_found_reference().because("is not a published need"),
            )
        })?;
    let view = pledge_from(
        app,
        &txn,
        person,
        actor,
        &offer,
        &need,
        application.quantity,
        None,
        origin,
        now,
    )
    .await?;
    event(
        &txn,
        offer.id,
        OfferEventKind::Applied,
        ("offerer", Some(actor.user_id)),
        Some((need.id, application.quantity)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view)
}

/// Locks the offer a pledge was made from, if any, before the pledge's need is locked (one lock
/// order: offer, need, pledge).
pub(crate) async fn lock_source(
    txn: &impl ConnectionTrait,
    pledge_id: i64,
) -> Result<(), ApiError> {
    if let Some(link) = offer_store::link_of(txn, pledge_id).await? {
        offer_store::lock(txn, link.offer_id).await?;
    }
    Ok(())
}

/// Gives a released pledge's cost back to the offer it was made from, if any, and reopens the
/// offer if it was exhausted. Called inside the pledge's cancellation or expiry.
pub(crate) async fn release(
    txn: &impl ConnectionTrait,
    pledge_id: i64,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some(link) = offer_store::release_pledge(txn, pledge_id, now).await? else {
        return Ok(());
    };
    if offer_store::give_back(txn, link.offer_id, link.cost, now)
        .await?
        .is_none()
    {
        return Err(ApiError::internal(format!(
            "offer {} cannot take back {}: above what it offered",
            link.offer_id, link.cost
        )));
    }
    let offer = offer_store::find(txn, link.offer_id)
        .await?
        .ok_or_else(|| ApiError::internal("a pledge's offer is gone"))?;
    event(
        txn,
        offer.id,
        OfferEventKind::PledgeReleased,
        ("platform", None),
        None,
        now,
    )
    .await?;
    if let Ok(to) = decide_offer(
        &offer.facts(),
        OfferAction::Replenish,
        OfferActor::Platform,
        now,
    ) {
        apply_move(
            txn,
            &offer,
            OfferAction::Replenish,
            to,
            ("platform", None),
            origin,
            now,
        )
        .await?;
    } else {
        outbox::enqueue(txn, &Message::SearchSyncOffer { offer_id: offer.id }, now).await?;
    }
    Ok(())
}

/// Expires request `id` if it is still pending past its answer time. Returns whether it did.
pub async fn expire(app: &Context, id: i64) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let expired =
        offer_store::settle_request(&txn, id, RequestStatus::Expired, None, None, None, now)
            .await?;
    txn.commit().await?;
    Ok(expired)
}

pub(crate) async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, ApiError> {
    Ok(offer_store::requests_due_for_expiry(db, now, limit).await?)
}

/// The cadre who asked (or another of the village) takes a pending request back.
pub async fn withdraw(
    app: &Context,
    actor: &Actor,
    request_id: i64,
    origin: &Origin,
) -> Result<RequestView, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let request = offer_store::find_request(&txn, request_id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    let need = need_store::find(&txn, request.need_id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    if !actor.can(Action::RequestOffer, Target::Region(&need.village)) {
        return Err(ApiError::not_found("request"));
    }
    if !offer_store::settle_request(
        &txn,
        request.id,
        RequestStatus::Withdrawn,
        Some(actor.user_id),
        None,
        None,
        now,
    )
    .await?
    {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("a request that is {} cannot be withdrawn", request.status),
        ));
    }
    audit::record_at(
        &txn,
        origin,
        audit_entry(
            "offer_request.withdraw",
            request.id,
            need.village.as_str(),
            json!({"offer_id": request.offer_id}),
        ),
        now,
    )
    .await?;
    let settled = offer_store::find_request(&txn, request.id)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))?;
    let view = views(&txn, vec![settled]).await?.remove(0);
    txn.commit().await?;
    Ok(view)
}
