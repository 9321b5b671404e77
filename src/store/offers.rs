//! Offers' rows, read once into [`OfferRecord`]s; their reach, timeline, the villages' requests
//! for them, and the pledges made from them. An offer's remaining quantity moves only through
//! [`take`] and [`give_back`], guarded updates that keep it between zero and the quantity
//! offered whatever the interleaving, as `store::pledges::take_quantity` does for needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};

use super::entity::{offer_events, offer_pledges, offer_regions, offer_requests, offers};
use crate::domain::need::{Category, Unit};
use crate::domain::offer::{
    Destination, JobTerms, OfferEventKind, OfferKind, OfferRecord, OfferStatus, Offerer,
    RequestStatus,
};
use crate::domain::region::RegionCode;

fn utc(t: Option<sea_orm::prelude::DateTimeWithTimeZone>) -> Option<DateTime<Utc>> {
    t.map(|t| t.to_utc())
}

fn read(row: offers::Model, regions: Vec<RegionCode>) -> OfferRecord {
    OfferRecord {
        id: row.id,
        kind: row.kind,
        category: row.category,
        unit: row.unit,
        title: row.title,
        description: row.description,
        quantity: row.quantity,
        remaining: row.remaining,
        offerer: match row.organisation_id {
            Some(id) => Offerer::Organisation(id),
            None => Offerer::Person(row.offered_by),
        },
        offered_by: row.offered_by,
        anonymous: row.anonymous,
        display_name: row.display_name.unwrap_or_default(),
        destination: row.destination,
        regions,
        valid_until: row.valid_until.to_utc(),
        job: JobTerms {
            place: row.job_place,
            pay_min_fen: row.pay_min_fen,
            pay_max_fen: row.pay_max_fen,
            requirements: row.requirements,
        },
        deliver_by: row.deliver_by,
        status: row.status,
        published_at: utc(row.published_at),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
    }
}

/// The regions each of these offers names, by offer.
async fn regions_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<RegionCode>>, DbErr> {
    let mut out: HashMap<i64, Vec<RegionCode>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows = offer_regions::Entity::find()
            .filter(offer_regions::Column::OfferId.is_in(chunk.to_vec()))
            .order_by_asc(offer_regions::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            let code = RegionCode::parse(&row.region_code).map_err(|_| {
                DbErr::Type(format!(
                    "offer {}: region code `{}` in the database",
                    row.offer_id, row.region_code
                ))
            })?;
            out.entry(row.offer_id).or_default().push(code);
        }
    }
    Ok(out)
}

async fn with_regions(
    db: &impl ConnectionTrait,
    rows: Vec<offers::Model>,
) -> Result<Vec<OfferRecord>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut regions = regions_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let named = regions.remove(&row.id).unwrap_or_default();
            read(row, named)
        })
        .collect())
}

/// An offer to record, as a draft.
pub struct NewOfferRow<'a> {
    pub kind: OfferKind,
    pub category: Category,
    pub unit: Unit,
    pub title: &'a str,
    pub description: &'a str,
    pub quantity: i64,
    pub offerer: Offerer,
    pub offered_by: i64,
    pub anonymous: bool,
    pub display_name: &'a str,
    pub destination: Destination,
    pub regions: &'a [RegionCode],
    pub valid_until: DateTime<Utc>,
    pub job: &'a JobTerms,
    pub deliver_by: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewOfferRow<'_>,
) -> Result<OfferRecord, DbErr> {
    let at = new.at.fixed_offset();
    let row = offers::ActiveModel {
        kind: Set(new.kind),
        category: Set(new.category),
        unit: Set(new.unit),
        title: Set(new.title.to_owned()),
        description: Set(new.description.to_owned()),
        quantity: Set(new.quantity),
        remaining: Set(new.quantity),
        organisation_id: Set(match new.offerer {
            Offerer::Organisation(id) => Some(id),
            Offerer::Person(_) => None,
        }),
        offered_by: Set(new.offered_by),
        anonymous: Set(new.anonymous),
        display_name: Set(Some(new.display_name.to_owned())),
        destination: Set(new.destination),
        valid_until: Set(new.valid_until.fixed_offset()),
        job_place: Set(new.job.place.clone()),
        pay_min_fen: Set(new.job.pay_min_fen),
        pay_max_fen: Set(new.job.pay_max_fen),
        requirements: Set(new.job.requirements.clone()),
        deliver_by: Set(new.deliver_by),
        status: Set(OfferStatus::Draft),
        published_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    write_regions(db, row.id, new.regions).await?;
    Ok(read(row, new.regions.to_vec()))
}

async fn write_regions(
    db: &impl ConnectionTrait,
    offer_id: i64,
    regions: &[RegionCode],
) -> Result<(), DbErr> {
    offer_regions::Entity::delete_many()
        .filter(offer_regions::Column::OfferId.eq(offer_id))
        .exec(db)
        .await?;
    if regions.is_empty() {
        return Ok(());
    }
    let rows: Vec<offer_regions::ActiveModel> = regions
        .iter()
        .map(|r| offer_regions::ActiveModel {
            offer_id: Set(offer_id),
            region_code: Set(r.as_str().to_owned()),
            ..Default::default()
        })
        .collect();
    offer_regions::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// What an edit of a draft or paused offer changes. The quantity offered changes what remains
/// by as much, never below what was already pledged from it.
pub struct OfferContent<'a> {
    pub category: Category,
    pub unit: Unit,
    pub title: &'a str,
    pub description: &'a str,
    pub quantity: i64,
    pub anonymous: bool,
    pub display_name: &'a str,
    pub destination: Destination,
    pub regions: &'a [RegionCode],
    pub valid_until: DateTime<Utc>,
    pub job: &'a JobTerms,
    pub deliver_by: Option<NaiveDate>,
}

/// Writes an edit; `false` when the new quantity is below what was already pledged from the
/// offer (nothing is written then).
pub async fn update_content(
    db: &impl ConnectionTrait,
    id: i64,
    content: &OfferContent<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // remaining' = remaining + (quantity' - quantity), kept ≥ 0 by the guard.
    let delta = Expr::val(content.quantity).sub(Expr::col(offers::Column::Quantity));
    let updated = offers::Entity::update_many()
        .col_expr(
            offers::Column::Remaining,
            Expr::col(offers::Column::Remaining).add(delta.clone()),
        )
        .col_expr(offers::Column::Quantity, Expr::value(content.quantity))
        .col_expr(offers::Column::Category, Expr::value(content.category))
        .col_expr(offers::Column::Unit, Expr::value(content.unit))
        .col_expr(offers::Column::Title, Expr::value(content.title))
        .col_expr(
            offers::Column::Description,
            Expr::value(content.description),
        )
        .col_expr(offers::Column::Anonymous, Expr::value(content.anonymous))
        .col_expr(
            offers::Column::DisplayName,
            Expr::value(content.display_name),
        )
        .col_expr(
            offers::Column::Destination,
            Expr::value(content.destination),
        )
        .col_expr(
            offers::Column::ValidUntil,
            Expr::value(content.valid_until.fixed_offset()),
        )
        .col_expr(
            offers::Column::JobPlace,
            Expr::value(content.job.place.clone()),
        )
        .col_expr(
            offers::Column::PayMinFen,
            Expr::value(content.job.pay_min_fen),
        )
        .col_expr(
            offers::Column::PayMaxFen,
            Expr::value(content.job.pay_max_fen),
        )
        .col_expr(
            offers::Column::Requirements,
            Expr::value(content.job.requirements.clone()),
        )
        .col_expr(offers::Column::DeliverBy, Expr::value(content.deliver_by))
        .col_expr(offers::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(offers::Column::Id.eq(id))
        .filter(Expr::col(offers::Column::Remaining).add(delta).gte(0))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    write_regions(db, id, content.regions).await?;
    Ok(true)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<OfferRecord>, DbErr> {
    let Some(row) = offers::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let regions = regions_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(Some(read(row, regions)))
}

/// As [`find`], holding the offer's row until the transaction ends (on PostgreSQL; SQLite's
/// write transaction holds the whole database). Lock order: an offer before a need.
pub async fn lock(txn: &impl ConnectionTrait, id: i64) -> Result<Option<OfferRecord>, DbErr> {
    let Some(row) = offers::Entity::find_by_id(id)
        .lock(LockType::NoKeyUpdate)
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let regions = regions_of(txn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(read(row, regions)))
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<OfferRecord>, DbErr> {
    let rows = offers::Entity::find()
        .filter(offers::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(offers::Column::Id)
        .all(db)
        .await?;
    with_regions(db, rows).await
}

/// Which offers [`list`] and [`list_page`] return.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub statuses: Vec<OfferStatus>,
    /// Offers of any of these organisations, or (with `person`) that person's own; naming
    /// neither, anyone's.
    pub organisations: Vec<i64>,
    /// Offers a person made as themself.
    pub person: Option<i64>,
    pub categories: Vec<Category>,
}

/// Offers as filtered, newest first, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OfferFilter,
    limit: u64,
) -> Result<Vec<OfferRecord>, DbErr> {
    let rows = filtered(filter).limit(limit).all(db).await?;
    with_regions(db, rows).await
}

/// One page of the offers as filtered, newest first, and how many there are.
pub async fn list_page(
    db: &impl ConnectionTrait,
    filter: &OfferFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<OfferRecord>, u64), DbErr> {
    let (rows, total) = super::page_of(db, filtered(filter), page, per_page).await?;
    Ok((with_regions(db, rows).await?, total))
}

fn filtered(filter: &OfferFilter) -> sea_orm::Select<offers::Entity> {
    let mut query = offers::Entity::find();
    if !filter.statuses.is_empty() {
        query = query.filter(offers::Column::Status.is_in(filter.statuses.clone()));
    }
    let mut offerers = Condition::any();
    if !filter.organisations.is_empty() {
        offerers = offerers.add(offers::Column::OrganisationId.is_in(filter.organisations.clone()));
    }
    if let Some(person) = filter.person {
        offerers = offerers.add(
            Condition::all()
                .add(offers::Column::OrganisationId.is_null())
                .add(offers::Column::OfferedBy.eq(person)),
        );
    }
    if !offerers.is_empty() {
        query = query.filter(offerers);
    }
    if !filter.categories.is_empty() {
        query = query.filter(offers::Column::Category.is_in(filter.categories.clone()));
    }
    query.order_by_desc(offers::Column::Id)
}

/// Published offers still in date with something left at `now` that could be counted against a
/// need of `category` in `unit` (of its unit, or a purchasing budget), newest first: the
/// candidates for such a need (matching then checks reach and amounts).
pub async fn live_fitting(
    db: &impl ConnectionTrait,
    category: Category,
    unit: Unit,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OfferRecord>, DbErr> {
    let rows = offers::Entity::find()
        .filter(offers::Column::Status.eq(OfferStatus::Published))
        .filter(offers::Column::Category.eq(category))
        .filter(
            Condition::any()
                .add(offers::Column::Unit.eq(unit))
                .add(offers::Column::Kind.eq(OfferKind::Purchasing)),
        )
        .filter(offers::Column::ValidUntil.gt(now.fixed_offset()))
        .filter(offers::Column::Remaining.gt(0))
        .order_by_desc(offers::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_regions(db, rows).await
}

/// Writes a move of the offer to `to`, stamping its publication the first time.
pub async fn update_status(
    db: &impl ConnectionTrait,
    id: i64,
    to: OfferStatus,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = offers::ActiveModel {
        id: Unchanged(id),
        status: Set(to),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    };
    if to == OfferStatus::Published {
        // The first publication counts for recency; a resume keeps it.
        let first = offers::Entity::find_by_id(id)
            .select_only()
            .column(offers::Column::PublishedAt)
            .into_tuple::<Option<sea_orm::prelude::DateTimeWithTimeZone>>()
            .one(db)
            .await?
            .flatten();
        if first.is_none() {
            row.published_at = Set(Some(at.fixed_offset()));
        }
    }
    row.update(db).await?;
    Ok(())
}

/// Takes `cost` (> 0) from the offer's remaining quantity if, and only if, the offer is
/// published, in date at `at`, and has that much left: checked by the database in the statement
/// that takes it. Returns what is left when it applied.
pub async fn take(
    txn: &impl ConnectionTrait,
    id: i64,
    cost: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let statement = offers::Entity::update_many()
        .col_expr(
            offers::Column::Remaining,
            Expr::col(offers::Column::Remaining).sub(cost),
        )
        .col_expr(offers::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(offers::Column::Id.eq(id))
        .filter(offers::Column::Status.eq(OfferStatus::Published))
        .filter(offers::Column::ValidUntil.gt(at.fixed_offset()))
        .filter(offers::Column::Remaining.gte(cost))
        .into_query()
        .returning(Query::returning().column(offers::Column::Remaining))
        .to_owned();
    match txn.query_one(&statement).await? {
        Some(row) => Ok(Some(row.try_get("", "remaining")?)),
        None => Ok(None),
    }
}

/// Gives `cost` back to the offer, never above what was offered. Returns what is left, or
/// `None` when it could not (a bookkeeping fault).
pub async fn give_back(
    txn: &impl ConnectionTrait,
    id: i64,
    cost: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let statement = offers::Entity::update_many()
        .col_expr(
            offers::Column::Remaining,
            Expr::col(offers::Column::Remaining).add(cost),
        )
        .col_expr(offers::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(offers::Column::Id.eq(id))
        .filter(
            Expr::col(offers::Column::Remaining)
                .add(cost)
                .lte(Expr::col(offers::Column::Quantity)),
        )
        .into_query()
        .returning(Query::returning().column(offers::Column::Remaining))
        .to_owned();
    match txn.query_one(&statement).await? {
        Some(row) => Ok(Some(row.try_get("", "remaining")?)),
        None => Ok(None),
    }
}

/// Ids of offers published or paused whose `valid_until` passed by `now`.
pub async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .filter(offers::Column::Status.is_in([
            OfferStatus::Published,
            OfferStatus::Paused,
            OfferStatus::Exhausted,
        ]))
        .filter(offers::Column::ValidUntil.lte(now.fixed_offset()))
        .order_by_asc(offers::Column::ValidUntil)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Every offer's id after `after`, in order, at most `limit` (for rebuilding the index).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .filter(offers::Column::Id.gt(after))
        .order_by_asc(offers::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// An entry on an offer's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferEvent {
    pub id: i64,
    pub kind: OfferEventKind,
    /// `offerer`, `cadre` or `platform`.
    pub actor_role: String,
    pub actor_user_id: Option<i64>,
    pub need_id: Option<i64>,
    pub quantity: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub struct NewOfferEvent<'a> {
    pub offer_id: i64,
    pub kind: OfferEventKind,
    pub actor_role: &'a str,
    pub actor_user_id: Option<i64>,
    pub need_id: Option<i64>,
    pub quantity: Option<i64>,
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

pub async fn record_event(
    db: &impl ConnectionTrait,
    event: NewOfferEvent<'_>,
) -> Result<(), DbErr> {
    offer_events::ActiveModel {
        offer_id: Set(event.offer_id),
        kind: Set(event.kind),
        actor_role: Set(event.actor_role.to_owned()),
        actor_user_id: Set(event.actor_user_id),
        need_id: Set(event.need_id),
        quantity: Set(event.quantity),
        note: Set(event.note.map(str::to_owned)),
        created_at: Set(event.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An offer's timeline, oldest first.
pub async fn timeline(db: &impl ConnectionTrait, offer_id: i64) -> Result<Vec<OfferEvent>, DbErr> {
    Ok(offer_events::Entity::find()
        .filter(offer_events::Column::OfferId.eq(offer_id))
        .order_by_asc(offer_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| OfferEvent {
            id: e.id,
            kind: e.kind,
            actor_role: e.actor_role,
            actor_user_id: e.actor_user_id,
            need_id: e.need_id,
            quantity: e.quantity,
            note: e.note,
            at: e.created_at.to_utc(),
        })
        .collect())
}

/// A village's request for an offer, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub id: i64,
    pub offer_id: i64,
    pub need_id: i64,
    /// In the need's unit.
    pub quantity: i64,
    pub note: Option<String>,
    pub requested_by: i64,
    pub status: RequestStatus,
    pub decline_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub pledge_id: Option<i64>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

fn read_request(row: offer_requests::Model) -> RequestRecord {
    RequestRecord {
        id: row.id,
        offer_id: row.offer_id,
        need_id: row.need_id,
        quantity: row.quantity,
        note: row.note,
        requested_by: row.requested_by,
        status: row.status,
        decline_reason: row.decline_reason,
        decided_by: row.decided_by,
        decided_at: utc(row.decided_at),
        pledge_id: row.pledge_id,
        expires_at: row.expires_at.to_utc(),
        created_at: row.created_at.to_utc(),
    }
}

pub struct NewRequestRow<'a> {
    pub offer_id: i64,
    pub need_id: i64,
    pub quantity: i64,
    pub note: Option<&'a str>,
    pub requested_by: i64,
    pub expires_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

pub async fn insert_request(
    db: &impl ConnectionTrait,
    new: &NewRequestRow<'_>,
) -> Result<RequestRecord, DbErr> {
    let row = offer_requests::ActiveModel {
        offer_id: Set(new.offer_id),
        need_id: Set(new.need_id),
        quantity: Set(new.quantity),
        note: Set(new.note.map(str::to_owned)),
        requested_by: Set(new.requested_by),
        status: Set(RequestStatus::Pending),
        expires_at: Set(new.expires_at.fixed_offset()),
        created_at: Set(new.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read_request(row))
}

pub async fn find_request(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<RequestRecord>, DbErr> {
    Ok(offer_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read_request))
}

/// Moves a request from `pending` to `to` if it is still pending: a guarded update, so that of
/// two answers at once exactly one applies. Returns whether it applied.
pub async fn settle_request(
    db: &impl ConnectionTrait,
    id: i64,
    to: RequestStatus,
    decided_by: Option<i64>,
    decline_reason: Option<&str>,
    pledge_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let settled = offer_requests::Entity::update_many()
        .col_expr(offer_requests::Column::Status, Expr::value(to))
        .col_expr(offer_requests::Column::DecidedBy, Expr::value(decided_by))
        .col_expr(
            offer_requests::Column::DeclineReason,
            Expr::value(decline_reason.map(str::to_owned)),
        )
        .col_expr(offer_requests::Column::PledgeId, Expr::value(pledge_id))
        .col_expr(
            offer_requests::Column::DecidedAt,
            Expr::value(at.fixed_offset()),
        )
        .filter(offer_requests::Column::Id.eq(id))
        .filter(offer_requests::Column::Status.eq(RequestStatus::Pending))
        .exec(db)
        .await?;
    Ok(settled.rows_affected == 1)
}

/// Which requests [`requests`] returns.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub offer_ids: Vec<i64>,
    pub need_ids: Vec<i64>,
    pub statuses: Vec<RequestStatus>,
}

/// Requests as filtered, newest first, at most `limit`.
pub async fn requests(
    db: &impl ConnectionTrait,
    filter: &RequestFilter,
    limit: u64,
) -> Result<Vec<RequestRecord>, DbErr> {
    Ok(requests_filtered(filter)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(read_request)
        .collect())
}

/// One page of the requests as filtered, newest first, and how many there are.
pub async fn requests_page(
    db: &impl ConnectionTrait,
    filter: &RequestFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<RequestRecord>, u64), DbErr> {
    let (rows, total) = super::page_of(db, requests_filtered(filter), page, per_page).await?;
    Ok((rows.into_iter().map(read_request).collect(), total))
}

fn requests_filtered(filter: &RequestFilter) -> sea_orm::Select<offer_requests::Entity> {
    let mut which = Condition::all();
    if !filter.offer_ids.is_empty() {
        which = which.add(offer_requests::Column::OfferId.is_in(filter.offer_ids.clone()));
    }
    if !filter.need_ids.is_empty() {
        which = which.add(offer_requests::Column::NeedId.is_in(filter.need_ids.clone()));
    }
    if !filter.statuses.is_empty() {
        which = which.add(offer_requests::Column::Status.is_in(filter.statuses.clone()));
    }
    offer_requests::Entity::find()
        .filter(which)
        .order_by_desc(offer_requests::Column::Id)
}

/// Ids of requests still pending whose answer time passed by `now`.
pub async fn requests_due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    offer_requests::Entity::find()
        .select_only()
        .column(offer_requests::Column::Id)
        .filter(offer_requests::Column::Status.eq(RequestStatus::Pending))
        .filter(offer_requests::Column::ExpiresAt.lte(now.fixed_offset()))
        .order_by_asc(offer_requests::Column::ExpiresAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// A pledge made from an offer: what it took, so that releasing the pledge gives it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferPledge {
    pub offer_id: i64,
    pub pledge_id: i64,
    pub cost: i64,
    pub request_id: Option<i64>,
    pub released_at: Option<DateTime<Utc>>,
}

pub async fn insert_offer_pledge(
    db: &impl ConnectionTrait,
    link: &OfferPledge,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    offer_pledges::ActiveModel {
        offer_id: Set(link.offer_id),
        pledge_id: Set(link.pledge_id),
        cost: Set(link.cost),
        request_id: Set(link.request_id),
        released_at: Set(None),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The unreleased link of a pledge to the offer it was made from, if any.
pub async fn link_of(
    db: &impl ConnectionTrait,
    pledge_id: i64,
) -> Result<Option<OfferPledge>, DbErr> {
    Ok(offer_pledges::Entity::find()
        .filter(offer_pledges::Column::PledgeId.eq(pledge_id))
        .filter(offer_pledges::Column::ReleasedAt.is_null())
        .one(db)
        .await?
        .map(|row| OfferPledge {
            offer_id: row.offer_id,
            pledge_id: row.pledge_id,
            cost: row.cost,
            request_id: row.request_id,
            released_at: None,
        }))
}

/// Marks a pledge's link to its offer released (once: a guarded update) and returns it; `None`
/// when the pledge was not made from an offer or was released already.
pub async fn release_pledge(
    db: &impl ConnectionTrait,
    pledge_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<OfferPledge>, DbErr> {
    let Some(row) = offer_pledges::Entity::find()
        .filter(offer_pledges::Column::PledgeId.eq(pledge_id))
        .filter(offer_pledges::Column::ReleasedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let released = offer_pledges::Entity::update_many()
        .col_expr(
            offer_pledges::Column::ReleasedAt,
            Expr::value(at.fixed_offset()),
        )
        .filter(offer_pledges::Column::Id.eq(row.id))
        .filter(offer_pledges::Column::ReleasedAt.is_null())
        .exec(db)
        .await?;
    Ok((released.rows_affected == 1).then_some(OfferPledge {
        offer_id: row.offer_id,
        pledge_id: row.pledge_id,
        cost: row.cost,
        request_id: row.request_id,
        released_at: Some(at),
    }))
}

/// The pledges made from an offer, oldest first: `(pledge id, cost, request id)`.
pub async fn pledges_of(
    db: &impl ConnectionTrait,
    offer_id: i64,
) -> Result<Vec<OfferPledge>, DbErr> {
    Ok(offer_pledges::Entity::find()
        .filter(offer_pledges::Column::OfferId.eq(offer_id))
        .order_by_asc(offer_pledges::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| OfferPledge {
            offer_id: row.offer_id,
            pledge_id: row.pledge_id,
            cost: row.cost,
            request_id: row.request_id,
            released_at: utc(row.released_at),
        })
        .collect())
}

/// An organisation's offers after id `after`, in id order, at most `limit` (for its export).
pub async fn of_organisation_page(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<OfferRecord>, DbErr> {
    let rows = offers::Entity::find()
        .filter(offers::Column::OrganisationId.eq(organisation_id))
        .filter(offers::Column::Id.gt(after))
        .order_by_asc(offers::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_regions(db, rows).await
}

/// What was matched from each of these offers: the standing pledges made from it (not given
/// back) and their value in fen, by offer.
pub async fn matched(
    db: &impl ConnectionTrait,
    offer_ids: &[i64],
) -> Result<HashMap<i64, (i64, i64)>, DbErr> {
    use super::stats::{PLEDGE_VALUE, STANDING, statement};
    if offer_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = vec!["?"; offer_ids.len()].join(", ");
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            format!(
                "SELECT op.offer_id AS offer_id, COUNT(*) AS pledges, \
                 CAST(SUM({PLEDGE_VALUE}) AS BIGINT) AS value_fen \
                 FROM offer_pledges op JOIN pledges p ON p.id = op.pledge_id \
                 JOIN needs n ON n.id = p.need_id \
                 WHERE op.released_at IS NULL AND {STANDING} AND op.offer_id IN ({marks}) \
                 GROUP BY op.offer_id"
            ),
            offer_ids.iter().map(|id| (*id).into()).collect(),
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "offer_id")?,
                (
                    row.try_get::<i64>("", "pledges")?,
                    row.try_get::<Option<i64>>("", "value_fen")?.unwrap_or(0),
                ),
            ))
        })
        .collect()
}
