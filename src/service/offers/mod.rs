//! Offers of help (帮扶资源): an organisation's or a person's offer, from its draft through
//! publication, pauses, exhaustion and expiry to its withdrawal; every move on the offer's
//! timeline, in the audit log and in the outbox (its search document) in one transaction.
//! Matching (`matching`) and the villages' requests and the pledges made from offers
//! (`requests`) build on it.

pub mod matching;
pub mod requests;
pub mod search;

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::Actor;
use crate::domain::matching::Bond;
use crate::domain::need::{Category, Unit};
use crate::domain::offer::{
    Destination, JobTerms, OfferAction, OfferActor, OfferEventKind, OfferKind, OfferRecord,
    OfferRefusal, OfferShape, OfferStatus, Offerer, PlacedRegion, PublicOffer, check_shape,
    decide_offer, may_manage_offer, public_offer,
};
use crate::domain::pairing::PairingStatus;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::paging::Paging;
use crate::service::pledges::ANONYMOUS;
use crate::store::accounts::User;
use crate::store::audit::{self, Entry, Origin};
use crate::store::offers::{
    self as offer_store, NewOfferEvent, NewOfferRow, OfferContent, OfferEvent, OfferFilter,
};
use crate::store::organisations as organisation_store;
use crate::store::outbox::{self, Message};
use crate::store::pairings as pairing_store;
use crate::store::regions as region_store;
use crate::validation::{Text, request_body};

use self::requests::RequestView;

/// The most of a count (positions, items, sets, kg, person-times) one offer holds.
const MAX_QUANTITY: i64 = 1_000_000;
/// The most one money or purchasing offer holds, in fen: 1 亿元.
const MAX_TOTAL_FEN: i64 = 10_000_000_000;
/// How far ahead an offer may run.
const MAX_VALID_DAYS: i64 = 366;

request_body! {
    /// A new offer, as a draft: what is given, how much, where it may go (`regions`: region
    /// codes of any level, for `destination: regions`), until when.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct NewOffer {
        /// `goods`, `money`, `jobs`, `services` or `purchasing` (a budget for a village's
        /// produce; category `consumption`).
        #[schema(value_type = OfferKind)]
        #[rule(one_of(OfferKind))]
        pub kind: String,
        /// The unit the kind is counted in: `item`, `set` or `kg` for goods, `money` (fen) for
        /// money and purchasing, `position` for jobs, `person_time` for services.
        #[schema(value_type = Unit)]
        #[rule(one_of(Unit))]
        pub unit: String,
        /// Offer for this verified organisation (its admins and members); left out, as
        /// oneself (goods and money only).
        pub org_id: Option<i64>,
        #[serde(flatten)]
        pub fields: OfferFields,
    }
}

request_body! {
    /// What an offer says; its title, description and terms are public, so without private
    /// data. An edit sends all of them again.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct OfferFields {
        #[schema(value_type = Category)]
        #[rule(one_of(Category))]
        pub category: String,
        #[schema(value_type = String)]
        #[rule(length(min = 4, max = 60))]
        #[rule(public_text)]
        pub title: Text,
        #[schema(value_type = String)]
        #[rule(length(min = 10, max = 2000))]
        #[rule(public_text)]
        pub description: Text,
        /// In the unit; fen for money and purchasing (at most 1 亿元), else at most 1,000,000.
        #[rule(range(min = 1))]
        pub quantity: i64,
        /// Show the offerer as 爱心人士 rather than by name.
        #[serde(default)]
        pub anonymous: bool,
        /// `pairings` (an organisation's default: where its pairings help), `regions` (then
        /// `regions`), or `anywhere`. A person's offer goes to `regions` or `anywhere`.
        #[schema(value_type = Option<Destination>)]
        #[rule(one_of(Destination))]
        pub destination: Option<String>,
        /// Region codes of any level, for `destination: regions`.
        #[serde(default)]
        #[rule(region_codes(min = 0, max = crate::domain::offer::MAX_REGIONS))]
        pub regions: Vec<String>,
        /// Its last valid day (China time), after today and within a year.
        pub valid_until: NaiveDate,
        /// Jobs: where the work is.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 60))]
        #[rule(public_text)]
        pub job_place: Option<Text>,
        /// Jobs: monthly pay from, in fen.
        #[rule(range(min = 0, max = 100_000_000))]
        pub pay_min_fen: Option<i64>,
        /// Jobs: monthly pay up to, in fen.
        #[rule(range(min = 0, max = 100_000_000))]
        pub pay_max_fen: Option<i64>,
        /// Jobs: what the work needs (age, skills, health).
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 500))]
        #[rule(public_text)]
        pub requirements: Option<Text>,
        /// Goods: delivered by this day.
        pub deliver_by: Option<NaiveDate>,
    }
}

/// An offer as anyone may see it, with its timeline; `manage` for its offerer's people.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferDetail {
    #[serde(flatten)]
    pub offer: PublicOffer,
    pub timeline: Vec<OfferTimelineEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage: Option<OfferManagement>,
}

/// What the offerer's people see besides the public offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferManagement {
    /// The moves open to them now: `edit`, `publish`, `pause`, `resume`, `withdraw`.
    pub actions: Vec<String>,
    /// The villages' requests for it, newest first.
    pub requests: Vec<RequestView>,
}

/// One entry of an offer's public timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferTimelineEntry {
    pub kind: OfferEventKind,
    /// e.g. `发布`
    pub label: String,
    /// Who acted, as a role: `offerer`, `cadre` or `platform`.
    pub actor: String,
    /// The need it concerned (a request, a pledge made from the offer).
    pub need_id: Option<i64>,
    pub quantity: Option<i64>,
    pub at: DateTime<Utc>,
}

fn timeline_entry(event: &OfferEvent) -> OfferTimelineEntry {
    OfferTimelineEntry {
        kind: event.kind,
        label: event.kind.label_zh().to_owned(),
        actor: event.actor_role.clone(),
        need_id: event.need_id,
        quantity: event.quantity,
        at: event.at,
    }
}

/// The end of `day` in China (UTC+8): an offer valid until a day is valid through it.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let china = FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    let next = day.succ_opt().unwrap_or(day);
    china
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .map(|t| t.to_utc())
        .unwrap_or_else(|| next.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// Today's date in China.
fn today(now: DateTime<Utc>) -> NaiveDate {
    crate::clock::in_beijing(now).date_naive()
}

fn refused(refusal: OfferRefusal) -> ApiError {
    let code = match refusal {
        OfferRefusal::NotOfferer | OfferRefusal::PlatformOnly => ErrorCode::Forbidden,
        OfferRefusal::WrongStatus { .. } | OfferRefusal::OutOfDate | OfferRefusal::NothingLeft => {
            ErrorCode::InvalidState
        }
    };
    ApiError::new(code, refusal.to_string())
}

/// An offer's fields, checked and parsed.
struct Valid {
    kind: OfferKind,
    unit: Unit,
    category: Category,
    title: String,
    description: String,
    quantity: i64,
    anonymous: bool,
    destination: Destination,
    regions: Vec<RegionCode>,
    valid_until: DateTime<Utc>,
    job: JobTerms,
    deliver_by: Option<NaiveDate>,
}

/// `fields` (of an offer of `kind` in `unit`, by `offerer`) checked by their rules and by those
/// between fields, against today and the regions on record.
async fn validate(
    db: &impl ConnectionTrait,
    kind: &str,
    unit: &str,
    offerer: Offerer,
    fields: &OfferFields,
    mut errors: FieldErrors,
    now: DateTime<Utc>,
) -> Result<Valid, ApiError> {
    errors.merge(FieldErrors::of(fields.validate()));
    let kind = OfferKind::parse(kind);
    let unit = Unit::parse(unit);
    let category = Category::parse(&fields.category);
    let destination = match (fields.destination.as_deref(), offerer) {
        (Some(d), _) => Destination::parse(d),
        (None, Offerer::Organisation(_)) => Some(Destination::Pairings),
        (None, Offerer::Person(_)) if fields.regions.is_empty() => Some(Destination::Anywhere),
        (None, Offerer::Person(_)) => Some(Destination::Regions),
    };
    let fail = |errors: &mut FieldErrors, field: &str, error: FieldError| {
        if !errors.has(field) {
            errors.add(field, error);
        }
    };
    let max = if unit == Some(Unit::Money) {
        MAX_TOTAL_FEN
    } else {
        MAX_QUANTITY
    };
    if fields.quantity > max {
        fail(
            &mut errors,
            "quantity",
            FieldError::exceeds(max).because(format!("must be 1 to {max} (money counts fen)")),
        );
    }
    let today = today(now);
    if fields.valid_until > today + Duration::days(MAX_VALID_DAYS) {
        fail(
            &mut errors,
            "valid_until",
            FieldError::new(FieldCode::WithinDays).days(MAX_VALID_DAYS),
        );
    }
    let mut regions: Vec<RegionCode> = fields
        .regions
        .iter()
        .filter_map(|c| RegionCode::parse(c.trim()).ok())
        .collect();
    regions.sort();
    regions.dedup();
    // Their count is the request's rule (`region_codes`).
    if !errors.has("regions") && !regions.is_empty() {
        let known = region_store::find_many(db, &regions).await?;
        if known.len() != regions.len() {
            fail(
                &mut errors,
                "regions",
                FieldError::not_found_reference().because("names a region not on record"),
            );
        }
    }
    let text = |t: &Option<Text>| t.as_ref().and_then(Text::non_blank).map(str::to_owned);
    let job = JobTerms {
        place: text(&fields.job_place),
        pay_min_fen: fields.pay_min_fen,
        pay_max_fen: fields.pay_max_fen,
        requirements: text(&fields.requirements),
    };
    if let (Some(kind), Some(unit), Some(category), Some(destination)) =
        (kind, unit, category, destination)
    {
        let shape = OfferShape {
            kind,
            category,
            unit,
            offerer,
            destination,
            regions: &regions,
            valid_until: fields.valid_until,
            job: &job,
            deliver_by: fields.deliver_by,
            today,
        };
        if let Err(shape_errors) = check_shape(&shape) {
            for e in shape_errors {
                let field = e.field;
                fail(&mut errors, field, FieldError::from(e));
            }
        }
    }
    errors.into_result()?;
    let (Some(kind), Some(unit), Some(category), Some(destination)) =
        (kind, unit, category, destination)
    else {
        return Err(ApiError::internal(
            "an offer's codes passed their rules unparsed",
        ));
    };
    Ok(Valid {
        kind,
        unit,
        category,
        title: fields.title.trimmed().to_owned(),
        description: fields.description.trimmed().to_owned(),
        quantity: fields.quantity,
        anonymous: fields.anonymous,
        destination,
        regions,
        valid_until: end_of_day(fields.valid_until),
        job,
        deliver_by: fields.deliver_by,
    })
}

/// The name the public sees: the organisation's, the person's, or 爱心人士.
async fn display_name(
    db: &impl ConnectionTrait,
    offerer: Offerer,
    person: &User,
    anonymous: bool,
) -> Result<String, ApiError> {
    if anonymous {
        return Ok(ANONYMOUS.to_owned());
    }
    Ok(match offerer {
        Offerer::Organisation(id) => organisation_store::find(db, id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        Offerer::Person(_) => person.display_name.clone(),
    })
}

/// Who offers: the organisation named, if `actor` acts for it and it is verified; else the
/// person. A refusal is the field error of `org_id`.
async fn offerer_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_id: Option<i64>,
) -> Result<Offerer, FieldErrors> {
    let Some(org_id) = org_id else {
        return Ok(Offerer::Person(actor.user_id));
    };
    let refuse = |why: &str| {
        let mut errors = FieldErrors::new();
        errors.add("org_id", FieldError::not_found_reference().because(why));
        errors
    };
    if !may_manage_offer(actor, Offerer::Organisation(org_id)) {
        return Err(refuse("is not an organisation you act for"));
    }
    match organisation_store::find(db, org_id).await {
        Ok(Some(o)) if o.verified_at.is_some() => Ok(Offerer::Organisation(org_id)),
        _ => Err(refuse("is not a verified organisation")),
    }
}

async fn record(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    action: &str,
    offer_id: i64,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_at(
        txn,
        origin,
        Entry {
            action,
            target_kind: "offer",
            target_id: offer_id.to_string(),
            region_code: None,
            detail: Some(detail),
        },
        now,
    )
    .await?;
    Ok(())
}

/// A timeline entry by the offer's own side (`offerer`) or the platform.
pub(crate) async fn event(
    txn: &impl ConnectionTrait,
    offer_id: i64,
    kind: OfferEventKind,
    actor: (&str, Option<i64>),
    about: Option<(i64, i64)>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    offer_store::record_event(
        txn,
        NewOfferEvent {
            offer_id,
            kind,
            actor_role: actor.0,
            actor_user_id: actor.1,
            need_id: about.map(|a| a.0),
            quantity: about.map(|a| a.1),
            note: None,
            at: now,
        },
    )
    .await?;
    Ok(())
}

/// Creates a draft offer.
pub async fn create(
    app: &Context,
    person: &User,
    actor: &Actor,
    new: NewOffer,
    origin: &Origin,
) -> Result<OfferDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let mut errors = FieldErrors::of(new.validate());
    let offerer = match offerer_of(&txn, actor, new.org_id).await {
        Ok(offerer) => offerer,
        Err(refusal) => {
            errors.merge(refusal);
            Offerer::Person(actor.user_id)
        }
    };
    let valid = validate(
        &txn,
        &new.kind,
        &new.unit,
        offerer,
        &new.fields,
        errors,
        now,
    )
    .await?;
    let name = display_name(&txn, offerer, person, valid.anonymous).await?;
    let offer = offer_store::insert(
        &txn,
        &NewOfferRow {
            kind: valid.kind,
            category: valid.category,
            unit: valid.unit,
            title: &valid.title,
            description: &valid.description,
            quantity: valid.quantity,
            offerer,
            offered_by: person.id,
            anonymous: valid.anonymous,
            display_name: &name,
            destination: valid.destination,
            regions: &valid.regions,
            valid_until: valid.valid_until,
            job: &valid.job,
            deliver_by: valid.deliver_by,
            at: now,
        },
    )
    .await?;
    event(
        &txn,
        offer.id,
        OfferEventKind::Created,
        ("offerer", Some(person.id)),
        None,
        now,
    )
    .await?;
    record(
        &txn,
        origin,
        "offer.create",
        offer.id,
        json!({"kind": valid.kind, "quantity": valid.quantity, "organisation_id": new.org_id}),
        now,
    )
    .await?;
    let detail = detail_in(app, &txn, &offer, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// The offer `id` as `who` may see it: a draft or a withdrawn offer only by its offerer's
/// people; to everyone else it is "not found".
pub(crate) async fn load_visible(
    db: &impl ConnectionTrait,
    who: Option<&Actor>,
    id: i64,
) -> Result<OfferRecord, ApiError> {
    let offer = offer_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    visible_to(offer, who)
}

fn visible_to(offer: OfferRecord, who: Option<&Actor>) -> Result<OfferRecord, ApiError> {
    let manager = who.is_some_and(|a| may_manage_offer(a, offer.offerer));
    if manager || offer.status.is_public() {
        Ok(offer)
    } else {
        Err(ApiError::not_found("offer"))
    }
}

/// The regions an offerer's active pairings help, with their programmes (for a person: none).
pub(crate) async fn bonds_of(
    db: &impl ConnectionTrait,
    offerer: Offerer,
) -> Result<Vec<Bond>, ApiError> {
    let Offerer::Organisation(org) = offerer else {
        return Ok(Vec::new());
    };
    Ok(pairing_store::of_organisation(db, org)
        .await?
        .into_iter()
        .filter(|p| p.status == PairingStatus::Active)
        .flat_map(|p| {
            let program = p.program;
            p.targets
                .into_iter()
                .map(move |region| Bond { program, region })
        })
        .collect())
}

/// Where an offer may go, as regions: those it names, or its pairings'; none for anywhere.
pub(crate) fn reach(offer: &OfferRecord, bonds: &[Bond]) -> Vec<RegionCode> {
    match offer.destination {
        Destination::Regions => offer.regions.clone(),
        Destination::Pairings => {
            let mut regions: Vec<RegionCode> = bonds.iter().map(|b| b.region.clone()).collect();
            regions.sort();
            regions.dedup();
            regions
        }
        Destination::Anywhere => Vec::new(),
    }
}

/// The public projections of offers, with the names of where they may go.
pub(crate) async fn public_offers(
    db: &impl ConnectionTrait,
    offers: &[OfferRecord],
) -> Result<Vec<PublicOffer>, ApiError> {
    let mut bonds: HashMap<i64, Vec<Bond>> = HashMap::new();
    let mut reaches = Vec::with_capacity(offers.len());
    for offer in offers {
        let of_offerer = match offer.offerer {
            Offerer::Organisation(org) if offer.destination == Destination::Pairings => {
                if let std::collections::hash_map::Entry::Vacant(slot) = bonds.entry(org) {
                    slot.insert(bonds_of(db, offer.offerer).await?);
                }
                bonds[&org].as_slice()
            }
            _ => &[],
        };
        reaches.push(reach(offer, of_offerer));
    }
    let mut codes: Vec<String> = reaches
        .iter()
        .flatten()
        .map(|r| r.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let names = region_store::names(db, &codes).await?;
    Ok(offers
        .iter()
        .zip(reaches)
        .map(|(offer, reach)| {
            let placed = reach
                .iter()
                .map(|r| PlacedRegion {
                    code: r.as_str().to_owned(),
                    name: names.get(r.as_str()).cloned().unwrap_or_default(),
                })
                .collect();
            public_offer(offer, placed)
        })
        .collect())
}

/// The moves `actor` may make on `offer` now.
fn open_actions(offer: &OfferRecord, actor: &Actor, now: DateTime<Utc>) -> Vec<String> {
    [
        OfferAction::Edit,
        OfferAction::Publish,
        OfferAction::Pause,
        OfferAction::Resume,
        OfferAction::Withdraw,
    ]
    .into_iter()
    .filter(|a| decide_offer(&offer.facts(), *a, OfferActor::User(actor), now).is_ok())
    .map(|a| a.as_str().to_owned())
    .collect()
}

async fn detail_in(
    app: &Context,
    db: &impl ConnectionTrait,
    offer: &OfferRecord,
    who: Option<&Actor>,
) -> Result<OfferDetail, ApiError> {
    let public = public_offers(db, std::slice::from_ref(offer))
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("an offer without its projection"))?;
    let timeline = offer_store::timeline(db, offer.id)
        .await?
        .iter()
        .map(timeline_entry)
        .collect();
    let manage = match who {
        Some(actor) if may_manage_offer(actor, offer.offerer) => Some(OfferManagement {
            actions: open_actions(offer, actor, app.clock.now()),
            requests: requests::of_offer(db, offer.id).await?,
        }),
        _ => None,
    };
    Ok(OfferDetail {
        offer: public,
        timeline,
        manage,
    })
}

/// One offer, with its timeline (and, for its offerer's people, what they may do and the
/// requests for it).
pub async fn show(app: &Context, who: Option<&Actor>, id: i64) -> Result<OfferDetail, ApiError> {
    let offer = load_visible(&app.db, who, id).await?;
    detail_in(app, &app.db, &offer, who).await
}

/// Replaces a draft's or a paused offer's fields (its kind, unit and offerer stay).
pub async fn update(
    app: &Context,
    person: &User,
    actor: &Actor,
    id: i64,
    fields: OfferFields,
    origin: &Origin,
) -> Result<OfferDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let offer = lock_visible(&txn, Some(actor), id).await?;
    decide_offer(
        &offer.facts(),
        OfferAction::Edit,
        OfferActor::User(actor),
        now,
    )
    .map_err(refused)?;
    let valid = validate(
        &txn,
        offer.kind.as_str(),
        offer.unit.as_str(),
        offer.offerer,
        &fields,
        FieldErrors::new(),
        now,
    )
    .await?;
    let name = display_name(&txn, offer.offerer, person, valid.anonymous).await?;
    let written = offer_store::update_content(
        &txn,
        id,
        &OfferContent {
            category: valid.category,
            unit: valid.unit,
            title: &valid.title,
            description: &valid.description,
            quantity: valid.quantity,
            anonymous: valid.anonymous,
            display_name: &name,
            destination: valid.destination,
            regions: &valid.regions,
            valid_until: valid.valid_until,
            job: &valid.job,
            deliver_by: valid.deliver_by,
        },
        now,
    )
    .await?;
    if !written {
        let matched = offer.quantity - offer.remaining;
        return Err(ApiError::field(
            "quantity",
            FieldError::below(matched.max(1)).because(format!(
                "{matched} of it was pledged already; offer at least that"
            )),
        ));
    }
    event(
        &txn,
        id,
        OfferEventKind::Edited,
        ("offerer", Some(person.id)),
        None,
        now,
    )
    .await?;
    record(
        &txn,
        origin,
        "offer.update",
        id,
        json!({"quantity": valid.quantity}),
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncOffer { offer_id: id }, now).await?;
    let offer = offer_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    let detail = detail_in(app, &txn, &offer, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

async fn lock_visible(
    txn: &impl ConnectionTrait,
    who: Option<&Actor>,
    id: i64,
) -> Result<OfferRecord, ApiError> {
    let offer = offer_store::lock(txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    visible_to(offer, who)
}

/// A move by the offerer's people: publish, pause, resume, withdraw.
pub async fn step(
    app: &Context,
    actor: &Actor,
    id: i64,
    action: OfferAction,
    origin: &Origin,
) -> Result<OfferDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let offer = lock_visible(&txn, Some(actor), id).await?;
    let to = decide_offer(&offer.facts(), action, OfferActor::User(actor), now).map_err(refused)?;
    // Its first publication: the cadres of the villages it could help hear of it.
    if action == OfferAction::Publish && offer.published_at.is_none() {
        outbox::enqueue(&txn, &Message::MailOfferPublished { offer_id: id }, now).await?;
    }
    apply_move(
        &txn,
        &offer,
        action,
        to,
        ("offerer", Some(actor.user_id)),
        origin,
        now,
    )
    .await?;
    let offer = offer_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("offer"))?;
    let detail = detail_in(app, &txn, &offer, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Writes a decided move: the status, the timeline, the audit log, the search document.
pub(crate) async fn apply_move(
    txn: &impl ConnectionTrait,
    offer: &OfferRecord,
    action: OfferAction,
    to: OfferStatus,
    actor: (&str, Option<i64>),
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    offer_store::update_status(txn, offer.id, to, now).await?;
    event(txn, offer.id, action.event(), actor, None, now).await?;
    record(
        txn,
        origin,
        &format!("offer.{}", action.as_str()),
        offer.id,
        json!({"from": offer.status, "to": to}),
        now,
    )
    .await?;
    outbox::enqueue(txn, &Message::SearchSyncOffer { offer_id: offer.id }, now).await?;
    Ok(())
}

/// Moves an offer as the platform does when time passes: expires it after its `valid_until`.
/// Returns whether this call moved it.
pub async fn expire(app: &Context, id: i64) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let Some(offer) = offer_store::lock(&txn, id).await? else {
        return Ok(false);
    };
    let Ok(to) = decide_offer(
        &offer.facts(),
        OfferAction::Expire,
        OfferActor::Platform,
        now,
    ) else {
        return Ok(false);
    };
    apply_move(
        &txn,
        &offer,
        OfferAction::Expire,
        to,
        ("platform", None),
        &Origin::platform(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

pub(crate) async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, ApiError> {
    Ok(offer_store::due_for_expiry(db, now, limit).await?)
}

/// Which offers a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub organisation_id: Option<i64>,
    pub status: Option<OfferStatus>,
}

/// One page of the caller's own offers (as a person, and of every organisation they act for),
/// or of one organisation's, newest first, and how many there are: one query, paged in the
/// database.
pub async fn mine(
    app: &Context,
    actor: &Actor,
    filter: &ListFilter,
    paging: Paging,
) -> Result<(Vec<PublicOffer>, u64), ApiError> {
    let offerers = match filter.organisation_id {
        Some(org) => {
            if !may_manage_offer(actor, Offerer::Organisation(org)) {
                return Err(ApiError::forbidden());
            }
            OfferFilter {
                organisations: vec![org],
                ..Default::default()
            }
        }
        None => {
            let mut organisations = Vec::new();
            for grant in &actor.grants {
                if let crate::domain::authz::Scope::Organisation(org) = grant.scope
                    && !organisations.contains(&org)
                    && may_manage_offer(actor, Offerer::Organisation(org))
                {
                    organisations.push(org);
                }
            }
            OfferFilter {
                organisations,
                person: Some(actor.user_id),
                ..Default::default()
            }
        }
    };
    let filter = OfferFilter {
        statuses: filter.status.into_iter().collect(),
        ..offerers
    };
    let (offers, total) =
        offer_store::list_page(&app.db, &filter, paging.page, paging.per_page).await?;
    Ok((public_offers(&app.db, &offers).await?, total))
}

/// One page of the public offers of one organisation, newest first, and how many there are.
pub async fn of_organisation(
    app: &Context,
    org: i64,
    paging: Paging,
) -> Result<(Vec<PublicOffer>, u64), ApiError> {
    if crate::service::organisations::find(&app.db, org)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found("organisation"));
    }
    let filter = OfferFilter {
        statuses: OfferStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_public())
            .collect(),
        organisations: vec![org],
        ..Default::default()
    };
    let (offers, total) =
        offer_store::list_page(&app.db, &filter, paging.page, paging.per_page).await?;
    Ok((public_offers(&app.db, &offers).await?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_runs_through_its_last_day_in_china() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(
            end_of_day(day).to_rfc3339(),
            "2026-12-31T16:00:00+00:00",
            "midnight of 1 January in Beijing"
        );
        let late_evening_utc = Utc.with_ymd_and_hms(2026, 12, 7, 17, 0, 0).unwrap();
        assert_eq!(
            today(late_evening_utc),
            NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()
        );
    }
}
