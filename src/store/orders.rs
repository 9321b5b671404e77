//! Purchase orders' rows, read once into [`OrderRecord`]s, and their timeline. The delivery
//! data on an order is the buyer's own: the service shows it to the order's two sides only.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::{order_events, orders};
use crate::domain::order::{OrderEventKind, OrderStatus};
use crate::domain::region::RegionCode;

/// Where to deliver, as the buyer wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub recipient_name: String,
    pub recipient_phone: String,
    pub address: String,
}

/// An order's row, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: i64,
    pub product_id: i64,
    pub seller_id: i64,
    pub village: RegionCode,
    pub buyer_user_id: i64,
    pub buyer_org_id: Option<i64>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub value_fen: i64,
    pub certified: bool,
    pub status: OrderStatus,
    pub delivery: Delivery,
    pub buyer_note: Option<String>,
    pub decline_reason: Option<String>,
    pub carrier: Option<String>,
    pub tracking_ref: Option<String>,
    pub received_quantity: Option<i64>,
    pub payment_ref: Option<String>,
    pub confirm_by: DateTime<Utc>,
    pub ordered_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

fn utc(t: Option<sea_orm::prelude::DateTimeWithTimeZone>) -> Option<DateTime<Utc>> {
    t.map(|t| t.to_utc())
}

fn read(row: orders::Model) -> Result<OrderRecord, DbErr> {
    let village = RegionCode::parse(&row.village_code).map_err(|_| {
        DbErr::Type(format!(
            "order {}: village code `{}` in the database",
            row.id, row.village_code
        ))
    })?;
    Ok(OrderRecord {
        id: row.id,
        product_id: row.product_id,
        seller_id: row.seller_id,
        village,
        buyer_user_id: row.buyer_user_id,
        buyer_org_id: row.buyer_org_id,
        quantity: row.quantity,
        unit_price_fen: row.unit_price_fen,
        value_fen: row.value_fen,
        certified: row.certified,
        status: row.status,
        delivery: Delivery {
            recipient_name: row.recipient_name,
            recipient_phone: row.recipient_phone,
            address: row.delivery_address,
        },
        buyer_note: row.buyer_note,
        decline_reason: row.decline_reason,
        carrier: row.carrier,
        tracking_ref: row.tracking_ref,
        received_quantity: row.received_quantity,
        payment_ref: row.payment_ref,
        confirm_by: row.confirm_by.to_utc(),
        ordered_at: row.ordered_at.to_utc(),
        confirmed_at: utc(row.confirmed_at),
        shipped_at: utc(row.shipped_at),
        received_at: utc(row.received_at),
        settled_at: utc(row.settled_at),
        closed_at: utc(row.closed_at),
        updated_at: row.updated_at.to_utc(),
    })
}

fn read_all(rows: Vec<orders::Model>) -> Result<Vec<OrderRecord>, DbErr> {
    rows.into_iter().map(read).collect()
}

/// An order to record.
pub struct NewOrderRow<'a> {
    pub product_id: i64,
    pub seller_id: i64,
    pub village: &'a RegionCode,
    pub buyer_user_id: i64,
    pub buyer_org_id: Option<i64>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub value_fen: i64,
    pub certified: bool,
    pub delivery: &'a Delivery,
    pub buyer_note: Option<&'a str>,
    pub confirm_by: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewOrderRow<'_>,
) -> Result<OrderRecord, DbErr> {
    let at = new.at.fixed_offset();
    let row = orders::ActiveModel {
        product_id: Set(new.product_id),
        seller_id: Set(new.seller_id),
        village_code: Set(new.village.as_str().to_owned()),
        buyer_user_id: Set(new.buyer_user_id),
        buyer_org_id: Set(new.buyer_org_id),
        quantity: Set(new.quantity),
        unit_price_fen: Set(new.unit_price_fen),
        value_fen: Set(new.value_fen),
        certified: Set(new.certified),
        status: Set(OrderStatus::Ordered),
        recipient_name: Set(new.delivery.recipient_name.clone()),
        recipient_phone: Set(new.delivery.recipient_phone.clone()),
        delivery_address: Set(new.delivery.address.clone()),
        buyer_note: Set(new.buyer_note.map(str::to_owned)),
        decline_reason: Set(None),
        carrier: Set(None),
        tracking_ref: Set(None),
        received_quantity: Set(None),
        payment_ref: Set(None),
        confirm_by: Set(new.confirm_by.fixed_offset()),
        ordered_at: Set(at),
        confirmed_at: Set(None),
        shipped_at: Set(None),
        received_at: Set(None),
        settled_at: Set(None),
        closed_at: Set(None),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    read(row)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<OrderRecord>, DbErr> {
    orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// The order, its row locked until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database).
pub async fn lock(txn: &impl ConnectionTrait, id: i64) -> Result<Option<OrderRecord>, DbErr> {
    let mut query = orders::Entity::find_by_id(id);
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    query.one(txn).await?.map(read).transpose()
}

/// How many of the buyer's orders wait for their seller to confirm, whoever they were for.
pub async fn waiting_count(db: &impl ConnectionTrait, buyer_user_id: i64) -> Result<i64, DbErr> {
    let count = orders::Entity::find()
        .filter(orders::Column::BuyerUserId.eq(buyer_user_id))
        .filter(orders::Column::Status.eq(OrderStatus::Ordered))
        .count(db)
        .await?;
    Ok(i64::try_from(count).unwrap_or(i64::MAX))
}

/// What the buyer holds for themselves (not for an organisation) of a product's stock in
/// orders waiting for the seller.
pub async fn waiting_on(
    db: &impl ConnectionTrait,
    buyer_user_id: i64,
    product_id: i64,
) -> Result<i64, DbErr> {
    let quantities: Vec<i64> = orders::Entity::find()
        .select_only()
        .column(orders::Column::Quantity)
        .filter(orders::Column::BuyerUserId.eq(buyer_user_id))
        .filter(orders::Column::ProductId.eq(product_id))
        .filter(orders::Column::BuyerOrgId.is_null())
        .filter(orders::Column::Status.eq(OrderStatus::Ordered))
        .into_tuple()
        .all(db)
        .await?;
    Ok(quantities.iter().sum())
}

/// What a step writes on the order besides its status.
#[derive(Debug, Clone, Default)]
pub struct StepFields<'a> {
    pub decline_reason: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub tracking_ref: Option<&'a str>,
    pub received_quantity: Option<i64>,
    pub payment_ref: Option<&'a str>,
}

/// Moves the order to `to`, stamping the step's time and writing its fields.
pub async fn update_step(
    db: &impl ConnectionTrait,
    id: i64,
    to: OrderStatus,
    fields: &StepFields<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let stamp = Set(Some(at.fixed_offset()));
    let mut row = orders::ActiveModel {
        id: Unchanged(id),
        status: Set(to),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    };
    match to {
        OrderStatus::Confirmed => row.confirmed_at = stamp,
        OrderStatus::Shipped => {
            row.shipped_at = stamp;
            row.carrier = Set(fields.carrier.map(str::to_owned));
            row.tracking_ref = Set(fields.tracking_ref.map(str::to_owned));
        }
        OrderStatus::Received => {
            row.received_at = stamp;
            row.received_quantity = Set(fields.received_quantity);
        }
        OrderStatus::Settled => {
            row.settled_at = stamp;
            row.payment_ref = Set(fields.payment_ref.map(str::to_owned));
        }
        OrderStatus::Declined => {
            row.closed_at = stamp;
            row.decline_reason = Set(fields.decline_reason.map(str::to_owned));
        }
        OrderStatus::Cancelled | OrderStatus::Expired => row.closed_at = stamp,
        OrderStatus::Ordered => {}
    }
    row.update(db).await?;
    Ok(())
}

/// Whose orders [`list`] returns: any of these conditions.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Placed by this person (as themself or for an organisation).
    pub buyer_user_id: Option<i64>,
    /// Placed for these organisations.
    pub buyer_orgs: Vec<i64>,
    /// Sold by these cooperatives.
    pub sellers: Vec<i64>,
    /// Of products from these regions (a village's cadres fill its cooperative's orders).
    pub villages_within: Vec<RegionCode>,
    pub statuses: Vec<OrderStatus>,
    pub product_id: Option<i64>,
}

/// One page of the orders matching any of the filter's parties (and its statuses and product),
/// newest first, and how many there are. A filter naming no party matches nothing.
pub async fn list_page(
    db: &impl ConnectionTrait,
    filter: &OrderFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<OrderRecord>, u64), DbErr> {
    let mut parties = Condition::any();
    let mut named = false;
    if let Some(user) = filter.buyer_user_id {
        parties = parties.add(orders::Column::BuyerUserId.eq(user));
        named = true;
    }
    if !filter.buyer_orgs.is_empty() {
        parties = parties.add(orders::Column::BuyerOrgId.is_in(filter.buyer_orgs.clone()));
        named = true;
    }
    if !filter.sellers.is_empty() {
        parties = parties.add(orders::Column::SellerId.is_in(filter.sellers.clone()));
        named = true;
    }
    for region in &filter.villages_within {
        parties = parties.add(orders::Column::VillageCode.starts_with(region.as_str()));
        named = true;
    }
    if !named {
        return Ok((Vec::new(), 0));
    }
    let mut query = orders::Entity::find().filter(parties);
    if !filter.statuses.is_empty() {
        query = query.filter(orders::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(product) = filter.product_id {
        query = query.filter(orders::Column::ProductId.eq(product));
    }
    let query = query.order_by_desc(orders::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((read_all(rows)?, total))
}

/// Ids of orders still waiting for their seller whose `confirm_by` passed by `now`.
pub async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    orders::Entity::find()
        .select_only()
        .column(orders::Column::Id)
        .filter(orders::Column::Status.eq(OrderStatus::Ordered))
        .filter(orders::Column::ConfirmBy.lte(now.fixed_offset()))
        .order_by_asc(orders::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// An organisation's purchases after id `after`, in id order, at most `limit` (its ledger).
pub async fn of_buyer_org_page(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<OrderRecord>, DbErr> {
    let rows = orders::Entity::find()
        .filter(orders::Column::BuyerOrgId.eq(organisation_id))
        .filter(orders::Column::Id.gt(after))
        .order_by_asc(orders::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    read_all(rows)
}

/// An entry on an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub id: i64,
    pub order_id: i64,
    pub kind: OrderEventKind,
    /// `buyer`, `seller` or `platform`.
    pub actor_role: String,
    pub actor_user_id: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn record_event(
    db: &impl ConnectionTrait,
    order_id: i64,
    kind: OrderEventKind,
    actor_role: &str,
    actor_user_id: Option<i64>,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = order_events::ActiveModel {
        order_id: Set(order_id),
        kind: Set(kind),
        actor_role: Set(actor_role.to_owned()),
        actor_user_id: Set(actor_user_id),
        note: Set(note.map(str::to_owned)),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

fn read_event(e: order_events::Model) -> OrderEvent {
    OrderEvent {
        id: e.id,
        order_id: e.order_id,
        kind: e.kind,
        actor_role: e.actor_role,
        actor_user_id: e.actor_user_id,
        note: e.note,
        at: e.created_at.to_utc(),
    }
}

/// An order's timeline, oldest first.
pub async fn timeline(db: &impl ConnectionTrait, order_id: i64) -> Result<Vec<OrderEvent>, DbErr> {
    Ok(order_events::Entity::find()
        .filter(order_events::Column::OrderId.eq(order_id))
        .order_by_asc(order_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read_event)
        .collect())
}

/// One timeline entry (for its mail).
pub async fn find_event(db: &impl ConnectionTrait, id: i64) -> Result<Option<OrderEvent>, DbErr> {
    Ok(order_events::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read_event))
}
