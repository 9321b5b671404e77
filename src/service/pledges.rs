//! Pledges (认捐): made by donors toward published needs, never beyond the target, tracked from
//! shipment to the village's confirmed receipt and thanks.
//!
//! The invariant (a need's active pledges never exceed its target) is one guarded update,
//! [`pledge_store::take_quantity`]: `pledged + q <= target` is checked by the database in the
//! statement that adds `q`, so no interleaving of requests on any number of nodes can pass it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, PledgeParties, Target, may_read_pledge};
use crate::domain::caps::{CapFacts, CapRefusal, check_caps};
use crate::domain::confirmation::Deed;
use crate::domain::need::{EventKind, NeedAction, NeedStatus, PledgeKind, Unit, Who, decide};
use crate::domain::pledge::{
    PledgeAction, PledgeActor, PledgeFacts, PledgeRefusal, PledgeStatus, QuantityRefusal,
    check_quantity, decide_pledge, due_days, receipt,
};
use crate::domain::projection::NeedRecord;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError};
use crate::service::Context;
use crate::service::auth::confirm::require as require_confirmed;
use crate::service::idempotency::{self, Claim, IdempotencyKey};
use crate::service::needs::photos::{self, Owner};
use crate::service::needs::{self, Extra, Move, PhotoRef};
use crate::service::offers;
use crate::service::paging::Paging;
use crate::service::rate_limit::{Limit, account_limit_at};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::{self, Entry, Origin};
use crate::store::needs as need_store;
use crate::store::organisations as organisation_store;
use crate::store::outbox::{self, Message};
use crate::store::pledges::{
    self as pledge_store, MinePledgeSort, NewPledgeRow, PledgeRecord, Stamp,
};
use crate::validation::{Text, request_body};

/// The public name of an anonymous donor.
pub const ANONYMOUS: &str = "爱心人士";

request_body! {
    /// A pledge toward a need. (Its quantity is checked against the need: at least 1, at least
    /// the need's smallest pledge, at most what remains.)
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct NewPledge {
        /// In the need's unit; fen for a money need.
        #[schema(minimum = 1)]
        pub quantity: i64,
        /// Show the donor as 爱心人士 rather than by name.
        #[serde(default)]
        pub anonymous: bool,
        /// A message to the village, shown with the pledge: public, so without private data.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 200))]
        #[rule(public_text)]
        pub message: Option<Text>,
        /// Pledge on behalf of this verified organisation (its admins and members).
        pub org_id: Option<i64>,
    }
}

/// A pledge as its donor and the need's village see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeView {
    pub id: i64,
    pub need_id: i64,
    pub need_title: String,
    pub kind: PledgeKind,
    pub unit: Unit,
    pub quantity: i64,
    pub received_quantity: Option<i64>,
    pub status: PledgeStatus,
    /// What the donor does next: `ship` (or cancel), `await_receipt`, `await_thanks`; none once
    /// done.
    pub next_step: Option<String>,
    pub organisation_id: Option<i64>,
    pub anonymous: bool,
    /// The name shown in public.
    pub display_name: String,
    pub message: Option<String>,
    /// Ship by then, or the pledge expires and its quantity returns to the need.
    pub due_at: DateTime<Utc>,
    pub shipment_carrier: Option<String>,
    pub shipment_reference: Option<String>,
    pub thanks_note: Option<String>,
    pub receipt_photos: Vec<PhotoRef>,
    pub created_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub thanked_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
}

/// A pledge as anyone sees it on its need.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPledge {
    pub id: i64,
    pub display_name: String,
    pub quantity: i64,
    pub received_quantity: Option<i64>,
    pub status: PledgeStatus,
    pub message: Option<String>,
    pub thanks_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
}

/// How a request was answered: afresh, or as the first time under its idempotency key.
pub type Answer = idempotency::Answer<PledgeView>;

fn refused(refusal: PledgeRefusal) -> ApiError {
    let code = match refusal {
        PledgeRefusal::NotDonor | PledgeRefusal::NotVillage | PledgeRefusal::PlatformOnly => {
            ErrorCode::Forbidden
        }
        PledgeRefusal::OwnPledge => ErrorCode::ConflictOfInterest,
        PledgeRefusal::WrongStatus { .. }
        | PledgeRefusal::NoReceiptPhoto
        | PledgeRefusal::NotDue
        | PledgeRefusal::NeedOnHold => ErrorCode::InvalidState,
    };
    ApiError::new(code, refusal.to_string())
}

fn over_pledged(remaining: i64, unit: Unit) -> ApiError {
    ApiError::new(
        ErrorCode::NeedOverPledged,
        if remaining > 0 {
            format!("only {remaining} remain to be pledged; thank you for pledging what remains")
        } else {
            "this need is already fully pledged; thank you, and see the other needs".to_owned()
        },
    )
    .with_details(json!({"remaining_quantity": remaining, "unit": unit}))
}

/// Whose initiative a pledge is: the donor's own (held to the caps on one account), or the
/// village's, whose request for an offer its offerer accepted (the village asked for it, so it
/// ties nothing up against the village's will: not capped, though it counts as open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Initiative {
    Donor,
    Village,
}

/// The answer to a pledge beyond the caps on one account.
fn capped(refusal: CapRefusal, unit: Unit) -> ApiError {
    match refusal {
        CapRefusal::TooManyOpen { limit, current } => ApiError::new(
            ErrorCode::PledgeLimit,
            format!(
                "you have {current} pledges not yet shipped, the most one account may have at \
                 once (at most {limit}); ship or cancel one before pledging again"
            ),
        )
        .with_details(json!({"limit": limit, "current": current})),
        CapRefusal::OverShare { limit, current } => ApiError::new(
            ErrorCode::PledgeShareLimit,
            if current < limit {
                format!(
                    "one person may pledge at most {limit} of this need and you have pledged \
                     {current}: pledge at most {} more, or pledge for your organisation",
                    limit - current
                )
            } else {
                format!(
                    "one person may pledge at most {limit} of this need and you have pledged \
                     {current}; leave the rest to others, or pledge for your organisation"
                )
            },
        )
        .with_details(json!({"limit": limit, "current": current, "unit": unit})),
    }
}

/// The caps on one account's pledging (issue #16): at most `pledge_max_open` unshipped, at most
/// `pledge_max_share_percent` of one need for a person, at most `pledge_rate_per_hour` made. The
/// account's row is held first, so that its requests take turns at the counts (and at the rate
/// limit's count, which commits with the pledge: a refused pledge does not count).
async fn check_account_caps(
    app: &Context,
    txn: &impl ConnectionTrait,
    donor: &User,
    need: &NeedRecord,
    new: &NewPledge,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let policy = &app.settings.policy;
    account_store::hold(txn, donor.id).await?;
    let facts = CapFacts {
        open: pledge_store::open_count(txn, donor.id).await?,
        standing: pledge_store::standing_on(txn, donor.id, need.id).await?,
        quantity: new.quantity,
        whole: Some(need.target_quantity),
        minimum: need.min_pledge_quantity,
        for_organisation: new.org_id.is_some(),
    };
    check_caps(&facts, &policy.pledge_caps()).map_err(|r| capped(r, need.unit))?;
    let per_hour = Limit::per_hour(policy.pledge_rate_per_hour);
    account_limit_at(
        txn,
        &format!("pledge:user:{}", donor.id),
        &per_hour,
        "make at most {} pledges",
        now,
    )
    .await
}

/// Gives `quantity` back to the need; a release the totals cannot take is a bookkeeping bug.
async fn release(
    txn: &impl ConnectionTrait,
    need_id: i64,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if quantity == 0 || pledge_store::give_back_quantity(txn, need_id, quantity, now).await? {
        Ok(())
    } else {
        Err(ApiError::internal(format!(
            "need {need_id} cannot release {quantity}: its pledged total is lower"
        )))
    }
}

/// Moves the need as its new totals dictate: fully pledged, back to published, fulfilled.
async fn follow_totals(
    app: &Context,
    txn: &impl ConnectionTrait,
    need_id: i64,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let rules = needs::rules(app);
    let mut need = needs::lock(txn, need_id)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    for action in [NeedAction::Fill, NeedAction::Release, NeedAction::Complete] {
        let facts = needs::facts(&need, 0);
        if let Ok(change) = decide(&facts, action, Who::Platform, &rules, now) {
            let step = Move {
                action,
                who: Who::Platform,
                change,
                extra: Extra::default(),
            };
            need = needs::apply(txn, &need, step, origin, now).await?;
        }
    }
    Ok(())
}

/// A timeline entry about a pledge: the donor's public name shows on its making and shipping.
async fn event(
    txn: &impl ConnectionTrait,
    pledge: &PledgeRecord,
    kind: EventKind,
    actor: (&str, Option<i64>),
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let label = matches!(kind, EventKind::Pledged | EventKind::Shipped)
        .then(|| pledge.display_name.clone())
        .flatten();
    pledge_store::record_event(txn, pledge, kind, actor.0, label, actor.1, now).await?;
    Ok(())
}

async fn record(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    action: &str,
    pledge: &PledgeRecord,
    region: &str,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_at(
        txn,
        origin,
        Entry {
            action,
            target_kind: "pledge",
            target_id: pledge.id.to_string(),
            region_code: Some(region),
            detail: Some(detail),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The operation's name in idempotency hashes: a key once used to pledge is for pledging.
const CREATE: &str = "pledge.create";

/// What a retry must repeat to be the same pledge: the need and the body.
fn idempotent_request(need_id: i64, new: &NewPledge) -> impl Serialize + '_ {
    (need_id, new)
}

/// Pledges toward a published need.
pub async fn pledge(
    app: &Context,
    donor: &User,
    actor: &Actor,
    need_id: i64,
    new: NewPledge,
    key: Option<IdempotencyKey>,
    origin: &Origin,
) -> Result<Answer, ApiError> {
    require_confirmed(donor, Deed::Pledge)?;
    let now = app.clock.now();
    new.validate()?;
    let txn = crate::store::begin_write(&app.db).await?;
    let pending = match &key {
        None => None,
        Some(key) => {
            let request = idempotent_request(need_id, &new);
            match idempotency::begin(&txn, donor.id, key, CREATE, &request).await? {
                Claim::Started(pending) => Some(pending),
                Claim::Replay(first) => {
                    return Ok(Answer::Replayed {
                        status: first.status,
                        body: first.body,
                    });
                }
            }
        }
    };

    let (_, view) = pledge_in(
        app,
        &txn,
        donor,
        actor,
        need_id,
        &new,
        Initiative::Donor,
        origin,
        now,
    )
    .await?;
    if let Some(pending) = pending {
        pending.finish(&txn, 201, &view).await?;
    }
    txn.commit().await?;
    Ok(Answer::Created(Box::new(view)))
}

/// Everything a pledge writes, inside the caller's write transaction: the checks against the
/// need as it is now, the pledge row, the need's timeline, the audit entry, the outbox rows,
/// and last the guarded update of the need's pledged total. Pledging directly and accepting an
/// offer's request (`service::offers`) both come through here; the caps on one account hold
/// for what is the donor's own initiative.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn pledge_in(
    app: &Context,
    txn: &impl ConnectionTrait,
    donor: &User,
    actor: &Actor,
    need_id: i64,
    new: &NewPledge,
    initiative: Initiative,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(PledgeRecord, PledgeView), ApiError> {
    let message = new
        .message
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_owned);
    let need = needs::load_visible(txn, Some(actor), need_id).await?;
    if let Some(message) = &message {
        needs::check_public_text(app, txn, need.household_id, &[("message", message)]).await?;
    }
    let status = need.status;
    if status == NeedStatus::FullyPledged {
        return Err(over_pledged(0, need.unit));
    }
    if !status.accepts_pledges() {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("a need that is {status} takes no pledges; only published needs do"),
        ));
    }
    if now >= need.deadline {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "the need's deadline has passed; it takes no more pledges",
        ));
    }
    let remaining = need.target_quantity - need.pledged_quantity;
    check_quantity(new.quantity, need.min_pledge_quantity, remaining).map_err(|e| match e {
        QuantityRefusal::OverPledged { remaining } => over_pledged(remaining, need.unit),
        QuantityRefusal::NotPositive => ApiError::field(
            "quantity",
            FieldError::new(FieldCode::Range)
                .min(1)
                .because(e.to_string()),
        ),
        QuantityRefusal::BelowMinimum { minimum, .. } => ApiError::field(
            "quantity",
            FieldError::below(minimum).because(e.to_string()),
        ),
    })?;
    let display_name = match new.org_id {
        Some(org_id) => {
            if !actor.can(Action::PledgeForOrganisation, Target::Organisation(org_id)) {
                return Err(ApiError::field(
                    "org_id",
                    FieldError::not_found_reference().because("is not an organisation you act for"),
                ));
            }
            organisation_store::find(txn, org_id)
                .await?
                .filter(|o| o.verified_at.is_some())
                .map(|o| o.name)
                .ok_or_else(|| {
                    ApiError::field(
                        "org_id",
                        FieldError::not_found_reference().because("is not a verified organisation"),
                    )
                })?
        }
        None => donor.display_name.clone(),
    };
    if initiative == Initiative::Donor {
        check_account_caps(app, txn, donor, &need, new, now).await?;
    }
    let days = due_days(
        new.quantity,
        need.unit_value_fen,
        need.target_quantity,
        &app.settings.policy.pledge_due(),
    );
    let pledge = pledge_store::insert(
        txn,
        &NewPledgeRow {
            need_id,
            donor_user_id: donor.id,
            organisation_id: new.org_id,
            quantity: new.quantity,
            anonymous: new.anonymous,
            display_name: if new.anonymous {
                ANONYMOUS
            } else {
                &display_name
            },
            message: message.as_deref(),
            due_at: now + Duration::days(i64::from(days)),
            at: now,
        },
    )
    .await?;
    event(
        txn,
        &pledge,
        EventKind::Pledged,
        ("donor", Some(donor.id)),
        now,
    )
    .await?;
    record(
        txn,
        origin,
        "pledge.create",
        &pledge,
        need.village.as_str(),
        json!({"need_id": need_id, "quantity": new.quantity}),
        now,
    )
    .await?;
    let messages = [
        Message::SearchSyncNeed { need_id },
        Message::MailPledgeReceived {
            pledge_id: pledge.id,
        },
        Message::MailPledgeConfirmation {
            pledge_id: pledge.id,
        },
    ];
    outbox::enqueue_all(txn, &messages, now).await?;
    // The guarded update last: on PostgreSQL it takes the need's row lock, held to the commit,
    // so everything else is written before it and other pledges wait as little as possible.
    let Some(totals) = pledge_store::take_quantity(
        txn,
        need_id,
        new.quantity,
        new.quantity < need.min_pledge_quantity,
        now,
    )
    .await?
    else {
        // Someone else's pledge got there first, or the need moved on: say which.
        let fresh = needs::lock(txn, need_id)
            .await?
            .ok_or_else(|| ApiError::not_found("need"))?;
        if !matches!(
            fresh.status,
            NeedStatus::Published | NeedStatus::FullyPledged
        ) {
            return Err(ApiError::new(
                ErrorCode::InvalidState,
                format!("the need is now {}; it takes no pledges", fresh.status),
            ));
        }
        return Err(over_pledged(
            fresh.target_quantity - fresh.pledged_quantity,
            fresh.unit,
        ));
    };
    // A pledge can only fill a need: nothing else to follow while some remains.
    if totals.pledged == totals.target {
        follow_totals(app, txn, need_id, origin, now).await?;
    }
    let view = view_of(&pledge, &need, Vec::new());
    Ok((pledge, view))
}

/// The pledge as its donor and village see it, read in `db`.
async fn view_in(db: &impl ConnectionTrait, pledge: &PledgeRecord) -> Result<PledgeView, ApiError> {
    let need = need_store::find(db, pledge.need_id)
        .await?
        .ok_or_else(|| ApiError::internal("a pledge without its need"))?;
    let photos: Vec<PhotoRef> = crate::store::photos::of(db, Owner::Pledge(pledge.id))
        .await?
        .iter()
        .map(PhotoRef::from)
        .collect();
    Ok(view_of(pledge, &need, photos))
}

/// The pledge as its donor and village see it, from records at hand.
fn view_of(pledge: &PledgeRecord, need: &NeedRecord, photos: Vec<PhotoRef>) -> PledgeView {
    let unit = need.unit;
    let status = pledge.status;
    PledgeView {
        id: pledge.id,
        need_id: need.id,
        need_title: need.title.clone(),
        kind: unit.pledge_kind(),
        unit,
        quantity: pledge.quantity,
        received_quantity: pledge.received_quantity,
        status,
        next_step: status.donor_next_step().map(str::to_owned),
        organisation_id: pledge.organisation_id,
        anonymous: pledge.anonymous,
        display_name: pledge
            .display_name
            .clone()
            .unwrap_or_else(|| ANONYMOUS.to_owned()),
        message: pledge.message.clone(),
        due_at: pledge.due_at,
        shipment_carrier: pledge.shipment_carrier.clone(),
        shipment_reference: pledge.shipment_reference.clone(),
        thanks_note: pledge.thanks_note.clone(),
        receipt_photos: photos,
        created_at: pledge.created_at,
        shipped_at: pledge.shipped_at,
        received_at: pledge.received_at,
        thanked_at: pledge.thanked_at,
        cancelled_at: pledge.cancelled_at,
        expired_at: pledge.expired_at,
    }
}

fn may_see(actor: &Actor, pledge: &PledgeRecord, village: &RegionCode) -> bool {
    let parties = PledgeParties {
        donor_user_id: pledge.donor_user_id,
        organisation_id: pledge.organisation_id,
    };
    may_read_pledge(actor, &parties, village)
}

/// The pledge and its need, for its donor or its village (or anyone, for the platform's own
/// `None`); anyone else gets 404.
async fn find_pledge(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<(PledgeRecord, NeedRecord, RegionCode), ApiError> {
    let pledge = pledge_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pledge"))?;
    let need = need_store::find(db, pledge.need_id)
        .await?
        .ok_or_else(|| ApiError::not_found("pledge"))?;
    let village = need.village.clone();
    if actor.is_some_and(|a| !may_see(a, &pledge, &village)) {
        return Err(ApiError::not_found("pledge"));
    }
    Ok((pledge, need, village))
}

/// As [`find_pledge`], holding the need's row and then the pledge's until the transaction
/// ends. Who may see it is checked before any lock is taken (its donor and village never
/// change), so a stranger's request holds nothing.
async fn lock_pledge(
    txn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<(PledgeRecord, NeedRecord, RegionCode), ApiError> {
    let (_, need, village) = find_pledge(txn, actor, id).await?;
    // The need first, as every need move does, then the pledge: one lock order, no deadlock.
    let need = needs::lock(txn, need.id)
        .await?
        .ok_or_else(|| ApiError::not_found("pledge"))?;
    let pledge = pledge_store::lock(txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pledge"))?;
    Ok((pledge, need, village))
}

/// One pledge, for its donor or its need's village.
pub async fn show(app: &Context, actor: &Actor, id: i64) -> Result<PledgeView, ApiError> {
    let (pledge, _, _) = find_pledge(&app.db, Some(actor), id).await?;
    view_in(&app.db, &pledge).await
}

/// A move of a pledge by its donor or its village.
#[derive(Debug)]
pub enum Step {
    Ship(Shipment),
    Cancel,
    Confirm { received_quantity: i64 },
    Thank(Thanks),
}

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct Shipment {
        /// The carrier (顺丰, 中国邮政…) or the paying bank; optional.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 50))]
        pub carrier: Option<Text>,
        /// Tracking number, transfer reference, or how the job or service was arranged.
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 100))]
        pub reference: Text,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptConfirmation {
    /// What arrived: the pledged quantity, or less (the rest goes back to the need).
    #[schema(minimum = 1)]
    pub received_quantity: i64,
}

request_body! {
    /// A village's thanks to the donor: public, so without private data.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct Thanks {
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 500))]
        #[rule(public_text)]
        pub note: Text,
    }
}

/// Moves a pledge one step: ship or cancel (its donor), confirm the receipt or thank (its
/// village's cadres).
pub async fn step(
    app: &Context,
    actor: &Actor,
    id: i64,
    step: Step,
    origin: &Origin,
) -> Result<PledgeView, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    if matches!(step, Step::Cancel) {
        offers::requests::lock_source(&txn, id).await?;
    }
    let (pledge, need, village) = lock_pledge(&txn, Some(actor), id).await?;
    let action = match &step {
        Step::Ship(_) => PledgeAction::Ship,
        Step::Cancel => PledgeAction::Cancel,
        Step::Confirm { .. } => PledgeAction::Confirm,
        Step::Thank(_) => PledgeAction::Thank,
    };
    let facts = PledgeFacts {
        status: pledge.status,
        donor_user_id: pledge.donor_user_id,
        village,
        quantity: pledge.quantity,
        due_at: pledge.due_at,
        has_receipt_photo: photos::count(&txn, Owner::Pledge(id)).await? > 0,
        need_taken_down: need.status == NeedStatus::TakenDown,
    };
    let to = decide_pledge(&facts, action, PledgeActor::User(actor), now).map_err(refused)?;
    let (stamp, kind, role, mail, detail) = match step {
        Step::Ship(shipment) => {
            shipment.validate()?;
            let carrier = shipment
                .carrier
                .as_ref()
                .and_then(Text::non_blank)
                .map(str::to_owned);
            let reference = shipment.reference.trimmed().to_owned();
            (
                Stamp::Shipped { carrier, reference },
                EventKind::Shipped,
                "donor",
                Some(Message::MailPledgeShipped { pledge_id: id }),
                json!({}),
            )
        }
        Step::Cancel => {
            release(&txn, need.id, pledge.quantity, now).await?;
            offers::requests::release(&txn, id, origin, now).await?;
            (
                Stamp::Cancelled,
                EventKind::PledgeCancelled,
                "donor",
                None,
                json!({"released": pledge.quantity}),
            )
        }
        Step::Confirm { received_quantity } => {
            let receipt = receipt(pledge.quantity, received_quantity).map_err(|e| {
                ApiError::field(
                    "received_quantity",
                    FieldError::exceeds(pledge.quantity).because(e),
                )
            })?;
            release(&txn, need.id, receipt.released, now).await?;
            pledge_store::add_received_quantity(&txn, need.id, receipt.received).await?;
            (
                Stamp::Received {
                    quantity: receipt.received,
                    confirmed_by: actor.user_id,
                },
                EventKind::Received,
                "cadre",
                Some(Message::MailReceiptConfirmed { pledge_id: id }),
                json!({"received": receipt.received, "released": receipt.released}),
            )
        }
        Step::Thank(thanks) => {
            thanks.validate()?;
            let note = thanks.note.trimmed().to_owned();
            needs::check_public_text(app, &txn, need.household_id, &[("note", &note)]).await?;
            (
                Stamp::Thanked { note },
                EventKind::Thanked,
                "cadre",
                Some(Message::MailPledgeThanked { pledge_id: id }),
                json!({}),
            )
        }
    };
    let pledge = pledge_store::record_move(&txn, id, to, stamp, now).await?;
    event(&txn, &pledge, kind, (role, Some(actor.user_id)), now).await?;
    record(
        &txn,
        origin,
        &format!("pledge.{}", action.as_str()),
        &pledge,
        need.village.as_str(),
        detail,
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id: need.id }, now).await?;
    if let Some(mail) = mail {
        outbox::enqueue(&txn, &mail, now).await?;
    }
    follow_totals(app, &txn, need.id, origin, now).await?;
    let view = view_in(&txn, &pledge).await?;
    txn.commit().await?;
    Ok(view)
}

/// Adds a photo of what arrived to a shipped pledge (its village's cadres).
pub async fn add_receipt_photo(
    app: &Context,
    actor: &Actor,
    id: i64,
    bytes: Vec<u8>,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    let check = |pledge: &PledgeRecord, village: &RegionCode| -> Result<(), ApiError> {
        if !actor.can(Action::ConfirmReceipt, Target::Region(village)) {
            return Err(ApiError::forbidden());
        }
        if pledge.status != PledgeStatus::Shipped {
            return Err(ApiError::new(
                ErrorCode::InvalidState,
                "a receipt photo is added to a shipped pledge, before its receipt is confirmed",
            ));
        }
        Ok(())
    };
    // Checked before the costly decode, and again under the locks.
    let (pledge, _, village) = find_pledge(&app.db, Some(actor), id).await?;
    check(&pledge, &village)?;
    let photo = photos::prepare(app, bytes).await?;
    let txn = crate::store::begin_write(&app.db).await?;
    let (pledge, need, village) = lock_pledge(&txn, Some(actor), id).await?;
    check(&pledge, &village)?;
    record(
        &txn,
        origin,
        "pledge.photo_add",
        &pledge,
        need.village.as_str(),
        json!({"sha256": photo.sha256}),
        now,
    )
    .await?;
    let row = photos::save(
        app,
        &txn,
        Owner::Pledge(id),
        &photo,
        false,
        actor.user_id,
        now,
    )
    .await?;
    photos::commit_saved(app, txn, &row).await
}
/// One page of the pledges toward a need, oldest first, as anyone who may see the need sees
/// them, and how many there are.
/// The pledges toward a need, as anyone who may see the need sees them.
pub async fn of_need(
    app: &Context,
    actor: Option<&Actor>,
    need_id: i64,
    paging: Paging,
) -> Result<(Vec<PublicPledge>, u64), ApiError> {
    needs::load_visible(&app.db, actor, need_id).await?;
    let (rows, total) =
        pledge_store::of_need_page(&app.db, need_id, paging.page, paging.per_page).await?;
    let pledges = rows
        .into_iter()
        .map(|p| PublicPledge {
            id: p.id,
            display_name: p.display_name.unwrap_or_else(|| ANONYMOUS.to_owned()),
            quantity: p.quantity,
            received_quantity: p.received_quantity,
            status: p.status,
            message: p.message,
            thanks_note: p.thanks_note,
            created_at: p.created_at,
            shipped_at: p.shipped_at,
            received_at: p.received_at,
        })
        .collect();
    Ok((pledges, total))
}

/// One page of the caller's own pledges, newest first, optionally in one status, and how many
/// there are.
/// 我的认捐's parameters as the query string gives them; [`mine`] reads them, refusing each bad
/// one by its name.
#[derive(Debug, Default, Clone, Copy)]
pub struct MineParams<'a> {
    pub status: Option<&'a str>,
    pub q: Option<&'a str>,
    pub sort: Option<&'a str>,
}

pub async fn mine(
    app: &Context,
    actor: &Actor,
    params: MineParams<'_>,
    paging: Paging,
) -> Result<(Vec<PledgeView>, u64), ApiError> {
    let statuses = crate::service::list_params::several(
        "status",
        params.status,
        PledgeStatus::parse,
        PledgeStatus::codes,
    )?;
    let sort = crate::service::list_params::one(
        "sort",
        params.sort,
        MinePledgeSort::parse,
        MinePledgeSort::codes,
    )?
    .unwrap_or(MinePledgeSort::Newest);
    let words = crate::service::list_params::words(params.q)?;
    let list = pledge_store::MinePledges {
        statuses: &statuses,
        words: words.as_deref(),
        sort,
    };
    let (rows, total) =
        pledge_store::of_donor_page(&app.db, actor.user_id, &list, paging.page, paging.per_page)
            .await?;
    // Their needs and receipt photos in two queries, not two per pledge.
    let need_ids: Vec<i64> = rows.iter().map(|p| p.need_id).collect();
    let needs: std::collections::HashMap<i64, NeedRecord> =
        need_store::find_many(&app.db, &need_ids)
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
    let pledge_ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut photos = crate::store::photos::of_pledges(&app.db, &pledge_ids).await?;
    let views = rows
        .iter()
        .map(|row| {
            let need = needs
                .get(&row.need_id)
                .ok_or_else(|| ApiError::internal("a pledge without its need"))?;
            let receipts = photos.remove(&row.id).unwrap_or_default();
            Ok(view_of(
                row,
                need,
                receipts.iter().map(PhotoRef::from).collect(),
            ))
        })
        .collect::<Result<_, ApiError>>()?;
    Ok((views, total))
}

/// Ids of pledges still unshipped past their due date, oldest first.
pub(crate) async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, ApiError> {
    Ok(pledge_store::due_for_expiry(db, now, limit).await?)
}

/// Reminds the donors of pledges due within `within` and still unshipped, once per pledge:
/// each reminder is a guarded update of the pledge's `reminded_at` and the mail's outbox row,
/// in one transaction, so that several nodes ticking at once remind each donor once. Returns
/// how many were reminded.
pub(crate) async fn remind_due(
    app: &Context,
    within: Duration,
    limit: u64,
) -> Result<usize, ApiError> {
    let now = app.clock.now();
    let due = pledge_store::due_for_reminder(&app.db, now, now + within, limit).await?;
    let mut reminded = 0;
    for id in due {
        let txn = crate::store::begin_write(&app.db).await?;
        if pledge_store::mark_reminded(&txn, id, now).await? {
            outbox::enqueue(&txn, &Message::MailPledgeExpiring { pledge_id: id }, now).await?;
            reminded += 1;
        }
        txn.commit().await?;
    }
    Ok(reminded)
}

/// Expires pledge `id` if it is still unshipped past its due date (the scheduler); its quantity
/// returns to the need and its donor is told. Returns whether this call expired it.
pub async fn expire(app: &Context, id: i64) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let origin = Origin::platform();
    let txn = crate::store::begin_write(&app.db).await?;
    offers::requests::lock_source(&txn, id).await?;
    let (pledge, need, village) = lock_pledge(&txn, None, id).await?;
    let facts = PledgeFacts {
        status: pledge.status,
        donor_user_id: pledge.donor_user_id,
        village,
        quantity: pledge.quantity,
        due_at: pledge.due_at,
        has_receipt_photo: false,
        need_taken_down: need.status == NeedStatus::TakenDown,
    };
    let Ok(to) = decide_pledge(&facts, PledgeAction::Expire, PledgeActor::Platform, now) else {
        return Ok(false);
    };
    release(&txn, need.id, pledge.quantity, now).await?;
    offers::requests::release(&txn, id, &origin, now).await?;
    let pledge = pledge_store::record_move(&txn, id, to, Stamp::Expired, now).await?;
    event(
        &txn,
        &pledge,
        EventKind::PledgeExpired,
        ("platform", None),
        now,
    )
    .await?;
    record(
        &txn,
        &origin,
        "pledge.expire",
        &pledge,
        need.village.as_str(),
        json!({"released": pledge.quantity, "by": "platform"}),
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id: need.id }, now).await?;
    outbox::enqueue(&txn, &Message::MailPledgeExpired { pledge_id: id }, now).await?;
    follow_totals(app, &txn, need.id, &origin, now).await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_hashes_alike_and_another_does_not() {
        let new = |quantity| NewPledge {
            quantity,
            anonymous: false,
            message: None,
            org_id: None,
        };
        let request_hash = |need_id, new: &NewPledge| {
            idempotency::request_hash(CREATE, &idempotent_request(need_id, new)).unwrap()
        };
        assert_eq!(request_hash(1, &new(2)), request_hash(1, &new(2)));
        assert_ne!(request_hash(1, &new(2)), request_hash(1, &new(3)));
        assert_ne!(request_hash(1, &new(2)), request_hash(2, &new(2)));
    }
}
