//! Pledges' rows, read once into [`PledgeRecord`]s, and what a pledge writes on its need: the
//! guarded update of the need's pledged total that keeps the invariant (a need's active pledges
//! never exceed its target), the received total, and the timeline entries about the pledge.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, UpdateMany,
};

use super::entity::{need_events, needs, pledges};
use crate::domain::need::{EventKind, NeedStatus};
use crate::domain::pledge::PledgeStatus;

/// A pledge's row, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PledgeRecord {
    pub id: i64,
    pub need_id: i64,
    pub donor_user_id: i64,
    pub organisation_id: Option<i64>,
    /// In the need's unit; fen for a money need.
    pub quantity: i64,
    pub status: PledgeStatus,
    pub anonymous: bool,
    /// The name shown in public: the donor's, their organisation's, or 爱心人士.
    pub display_name: Option<String>,
    pub message: Option<String>,
    pub due_at: DateTime<Utc>,
    pub shipment_carrier: Option<String>,
    pub shipment_reference: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_quantity: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub received_confirmed_by: Option<i64>,
    pub thanks_note: Option<String>,
    pub thanked_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reminded_at: Option<DateTime<Utc>>,
}

/// A pledge to record, in status `pledged`.
pub struct NewPledgeRow<'a> {
    pub need_id: i64,
    pub donor_user_id: i64,
    pub organisation_id: Option<i64>,
    pub quantity: i64,
    pub anonymous: bool,
    pub display_name: &'a str,
    pub message: Option<&'a str>,
    pub due_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

/// What a move of a pledge writes besides its new status and `updated_at`.
pub enum Stamp {
    Shipped {
        carrier: Option<String>,
        reference: String,
    },
    Cancelled,
    Received {
        quantity: i64,
        confirmed_by: i64,
    },
    Thanked {
        note: String,
    },
    Expired,
}

/// A need's totals after a pledge's quantity went onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedTotals {
    pub pledged: i64,
    pub target: i64,
}

fn read(row: pledges::Model) -> PledgeRecord {
    let utc = |t: Option<sea_orm::prelude::DateTimeWithTimeZone>| t.map(|t| t.to_utc());
    PledgeRecord {
        id: row.id,
        need_id: row.need_id,
        donor_user_id: row.donor_user_id,
        organisation_id: row.organisation_id,
        quantity: row.quantity,
        status: row.status,
        anonymous: row.anonymous,
        display_name: row.display_name,
        message: row.message,
        due_at: row.due_at.to_utc(),
        shipment_carrier: row.shipment_carrier,
        shipment_reference: row.shipment_reference,
        shipped_at: utc(row.shipped_at),
        received_quantity: row.received_quantity,
        received_at: utc(row.received_at),
        received_confirmed_by: row.received_confirmed_by,
        thanks_note: row.thanks_note,
        thanked_at: utc(row.thanked_at),
        cancelled_at: utc(row.cancelled_at),
        expired_at: utc(row.expired_at),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
        reminded_at: utc(row.reminded_at),
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewPledgeRow<'_>,
) -> Result<PledgeRecord, DbErr> {
    let at = new.at.fixed_offset();
    let row = pledges::ActiveModel {
        need_id: Set(new.need_id),
        donor_user_id: Set(new.donor_user_id),
        organisation_id: Set(new.organisation_id),
        quantity: Set(new.quantity),
        status: Set(PledgeStatus::Pledged),
        anonymous: Set(new.anonymous),
        display_name: Set(Some(new.display_name.to_owned())),
        message: Set(new.message.map(str::to_owned)),
        due_at: Set(new.due_at.fixed_offset()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read(row))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<PledgeRecord>, DbErr> {
    Ok(pledges::Entity::find_by_id(id).one(db).await?.map(read))
}

/// As [`find`], holding the pledge's row until the transaction ends (on PostgreSQL; SQLite's
/// write transaction holds the whole database). Take the need's lock first: one lock order.
pub async fn lock(txn: &impl ConnectionTrait, id: i64) -> Result<Option<PledgeRecord>, DbErr> {
    Ok(pledges::Entity::find_by_id(id)
        .lock(LockType::NoKeyUpdate)
        .one(txn)
        .await?
        .map(read))
}

/// The pledges toward a need, oldest first.
pub async fn of_need(db: &impl ConnectionTrait, need_id: i64) -> Result<Vec<PledgeRecord>, DbErr> {
    Ok(pledges::Entity::find()
        .filter(pledges::Column::NeedId.eq(need_id))
        .order_by_asc(pledges::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect())
}

/// One page of the pledges toward a need, oldest first, and how many there are.
pub async fn of_need_page(
    db: &impl ConnectionTrait,
    need_id: i64,
    page: u64,
    per_page: u64,
) -> Result<(Vec<PledgeRecord>, u64), DbErr> {
    let query = pledges::Entity::find()
        .filter(pledges::Column::NeedId.eq(need_id))
        .order_by_asc(pledges::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read).collect(), total))
}

/// One page of a donor's pledges, newest first, optionally in one status, and how many there
/// are.
pub async fn of_donor_page(
    db: &impl ConnectionTrait,
    donor_user_id: i64,
    list: &MinePledges<'_>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<PledgeRecord>, u64), DbErr> {
    let mut query = pledges::Entity::find().filter(pledges::Column::DonorUserId.eq(donor_user_id));
    if !list.statuses.is_empty() {
        query = query.filter(pledges::Column::Status.is_in(list.statuses.iter().copied()));
    }
    if let Some(words) = list.words {
        // By its need's title (public text): a subquery, not a join, so the rows stay pledges.
        query = query.filter(
            pledges::Column::NeedId.in_subquery(
                Query::select()
                    .column(needs::Column::Id)
                    .from(needs::Entity)
                    .and_where(super::contains(needs::Column::Title, words))
                    .to_owned(),
            ),
        );
    }
    let (rows, total) = super::page_of(db, list.sort.apply(query), page, per_page).await?;
    Ok((rows.into_iter().map(read).collect(), total))
}

/// What the donor's list of their pledges (我的认捐) asks for.
#[derive(Debug, Clone, Copy)]
pub struct MinePledges<'a> {
    /// Any of these statuses (every status when empty).
    pub statuses: &'a [PledgeStatus],
    /// Words in the title of the pledge's need.
    pub words: Option<&'a str>,
    pub sort: MinePledgeSort,
}

crate::domain::code_enum! {
    /// How the donor's pledges are ordered (`sort`); ties by id, in the same direction.
    pub enum MinePledgeSort {
        /// Newest first (the default).
        Newest = ("newest", "最新"),
        /// Oldest first.
        Oldest = ("oldest", "最早"),
        /// The largest quantity first.
        QuantityDesc = ("quantity_desc", "数量从多到少"),
        /// The smallest quantity first.
        QuantityAsc = ("quantity_asc", "数量从少到多"),
    }
}

impl MinePledgeSort {
    fn apply(self, query: sea_orm::Select<pledges::Entity>) -> sea_orm::Select<pledges::Entity> {
        use pledges::Column::{Id, Quantity};
        use sea_orm::Order::{Asc, Desc};
        match self {
            Self::Newest => query.order_by(Id, Desc),
            Self::Oldest => query.order_by(Id, Asc),
            Self::QuantityDesc => query.order_by(Quantity, Desc).order_by(Id, Desc),
            Self::QuantityAsc => query.order_by(Quantity, Asc).order_by(Id, Asc),
        }
    }
}

/// How many of the donor's pledges are not yet shipped, whoever they were made for.
pub async fn open_count(db: &impl ConnectionTrait, donor_user_id: i64) -> Result<i64, DbErr> {
    let count = pledges::Entity::find()
        .filter(pledges::Column::DonorUserId.eq(donor_user_id))
        .filter(pledges::Column::Status.eq(PledgeStatus::Pledged))
        .count(db)
        .await?;
    Ok(i64::try_from(count).unwrap_or(i64::MAX))
}

/// What the donor holds for themselves on a need: their own pledges (not for an organisation)
/// pledged or shipped and not yet confirmed by the village.
pub async fn standing_on(
    db: &impl ConnectionTrait,
    donor_user_id: i64,
    need_id: i64,
) -> Result<i64, DbErr> {
    let quantities: Vec<i64> = pledges::Entity::find()
        .select_only()
        .column(pledges::Column::Quantity)
        .filter(pledges::Column::DonorUserId.eq(donor_user_id))
        .filter(pledges::Column::NeedId.eq(need_id))
        .filter(pledges::Column::OrganisationId.is_null())
        .filter(pledges::Column::Status.is_in([PledgeStatus::Pledged, PledgeStatus::Shipped]))
        .into_tuple()
        .all(db)
        .await?;
    Ok(quantities.iter().sum())
}

/// An organisation's pledges after id `after`, in id order, at most `limit`.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<PledgeRecord>, DbErr> {
    Ok(pledges::Entity::find()
        .filter(pledges::Column::OrganisationId.eq(organisation_id))
        .filter(pledges::Column::Id.gt(after))
        .order_by_asc(pledges::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect())
}

/// Ids of pledges still unshipped at `now`, past their due date, the most overdue first.
pub async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    pledges::Entity::find()
        .select_only()
        .column(pledges::Column::Id)
        .filter(pledges::Column::Status.eq(PledgeStatus::Pledged))
        .filter(pledges::Column::DueAt.lte(now.fixed_offset()))
        .order_by_asc(pledges::Column::DueAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Ids of pledges still unshipped and not yet reminded, due after `now` and by `until`, the
/// soonest due first.
pub async fn due_for_reminder(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    pledges::Entity::find()
        .select_only()
        .column(pledges::Column::Id)
        .filter(pledges::Column::Status.eq(PledgeStatus::Pledged))
        .filter(pledges::Column::RemindedAt.is_null())
        .filter(pledges::Column::DueAt.lte(until.fixed_offset()))
        .filter(pledges::Column::DueAt.gt(now.fixed_offset()))
        .order_by_asc(pledges::Column::DueAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Stamps pledge `id` as reminded if it is still unshipped and was not reminded yet: a guarded
/// update, so that of several nodes reminding at once exactly one gets `true`.
pub async fn mark_reminded(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let marked = pledges::Entity::update_many()
        .col_expr(pledges::Column::RemindedAt, Expr::value(at.fixed_offset()))
        .filter(pledges::Column::Id.eq(id))
        .filter(pledges::Column::Status.eq(PledgeStatus::Pledged))
        .filter(pledges::Column::RemindedAt.is_null())
        .exec(db)
        .await?;
    Ok(marked.rows_affected == 1)
}

/// Writes a move of pledge `id` to status `to`, stamped at `at`, and reads the pledge back.
pub async fn record_move(
    db: &impl ConnectionTrait,
    id: i64,
    to: PledgeStatus,
    stamp: Stamp,
    at: DateTime<Utc>,
) -> Result<PledgeRecord, DbErr> {
    let at = at.fixed_offset();
    let mut row = pledges::ActiveModel {
        id: Unchanged(id),
        status: Set(to),
        updated_at: Set(at),
        ..Default::default()
    };
    match stamp {
        Stamp::Shipped { carrier, reference } => {
            row.shipment_carrier = Set(carrier);
            row.shipment_reference = Set(Some(reference));
            row.shipped_at = Set(Some(at));
        }
        Stamp::Cancelled => row.cancelled_at = Set(Some(at)),
        Stamp::Received {
            quantity,
            confirmed_by,
        } => {
            row.received_quantity = Set(Some(quantity));
            row.received_at = Set(Some(at));
            row.received_confirmed_by = Set(Some(confirmed_by));
        }
        Stamp::Thanked { note } => {
            row.thanks_note = Set(Some(note));
            row.thanked_at = Set(Some(at));
        }
        Stamp::Expired => row.expired_at = Set(Some(at)),
    }
    Ok(read(row.update(db).await?))
}

/// Writes an entry about `pledge` on its need's timeline.
pub async fn record_event(
    db: &impl ConnectionTrait,
    pledge: &PledgeRecord,
    kind: EventKind,
    actor_role: &str,
    actor_label: Option<String>,
    actor_user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    need_events::ActiveModel {
        need_id: Set(pledge.need_id),
        kind: Set(kind),
        actor_role: Set(Some(actor_role.to_owned())),
        actor_label: Set(actor_label),
        actor_user_id: Set(actor_user_id),
        pledge_id: Set(Some(pledge.id)),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The update of a need's pledged total by `delta`, bumping its version.
fn pledged_total(need_id: i64, delta: i64, at: DateTime<Utc>) -> UpdateMany<needs::Entity> {
    needs::Entity::update_many()
        .col_expr(
            needs::Column::PledgedQuantity,
            Expr::col(needs::Column::PledgedQuantity).add(delta),
        )
        .col_expr(
            needs::Column::Version,
            Expr::col(needs::Column::Version).add(1),
        )
        .col_expr(needs::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(needs::Column::Id.eq(need_id))
}

/// The invariant's guarded update: adds `quantity` (> 0) to the need's pledged total if, and
/// only if, the need is published and `pledged + quantity <= target` — checked by the database
/// in the statement that adds it, so no interleaving of requests on any number of nodes can
/// pass the target. `must_complete`: take it only as exactly what remains. Returns the new
/// totals when it applied. On PostgreSQL the statement holds the need's row lock to the commit.
pub async fn take_quantity(
    txn: &impl ConnectionTrait,
    need_id: i64,
    quantity: i64,
    must_complete: bool,
    at: DateTime<Utc>,
) -> Result<Option<NeedTotals>, DbErr> {
    let mut update = pledged_total(need_id, quantity, at)
        .filter(needs::Column::Status.eq(NeedStatus::Published))
        .filter(
            Expr::col(needs::Column::PledgedQuantity)
                .add(quantity)
                .lte(Expr::col(needs::Column::TargetQuantity)),
        );
    if must_complete {
        // A pledge below the minimum is taken only as exactly what remains.
        update = update.filter(
            Expr::col(needs::Column::PledgedQuantity)
                .add(quantity)
                .eq(Expr::col(needs::Column::TargetQuantity)),
        );
    }
    let statement = update
        .into_query()
        .returning(Query::returning().columns([
            needs::Column::PledgedQuantity,
            needs::Column::TargetQuantity,
        ]))
        .to_owned();
    match txn.query_one(&statement).await? {
        Some(row) => Ok(Some(NeedTotals {
            pledged: row.try_get("", "pledged_quantity")?,
            target: row.try_get("", "target_quantity")?,
        })),
        None => Ok(None),
    }
}

/// Gives `quantity` (> 0) back from the need's pledged total, if the total holds that much.
/// Returns whether it applied.
pub async fn give_back_quantity(
    txn: &impl ConnectionTrait,
    need_id: i64,
    quantity: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let given = pledged_total(need_id, -quantity, at)
        .filter(Expr::col(needs::Column::PledgedQuantity).gte(quantity))
        .exec(txn)
        .await?;
    Ok(given.rows_affected == 1)
}

/// Adds what arrived of a pledge to the need's received total.
pub async fn add_received_quantity(
    txn: &impl ConnectionTrait,
    need_id: i64,
    quantity: i64,
) -> Result<(), DbErr> {
    needs::Entity::update_many()
        .col_expr(
            needs::Column::ReceivedQuantity,
            Expr::col(needs::Column::ReceivedQuantity).add(quantity),
        )
        .filter(needs::Column::Id.eq(need_id))
        .exec(txn)
        .await?;
    Ok(())
}
