//! Purchase orders for 扶贫产品 (以购代捐): placed by a buyer with an Idempotency-Key, the stock
//! taken in the same transaction by one guarded update; then each step by its side (decided by
//! `domain::order::decide_order`) on the order's timeline, in the audit log, and mailed to the
//! other side, in one transaction. The delivery data is the buyer's own: the order is read by
//! its two sides only, and nothing of it is public, indexed or logged.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Scope, Target};
use crate::domain::caps::{CapFacts, CapRefusal, check_caps};
use crate::domain::confirmation::Deed;
use crate::domain::order::{
    OrderAction, OrderActor, OrderEventKind, OrderParties, OrderRefusal, OrderStatus, Side,
    decide_order, is_buyer, is_seller, order_value,
};
use crate::domain::product::{ProductRecord, ProductStatus, SaleUnit, may_sell};
use crate::error::{ApiError, ErrorCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::auth::confirm::require as require_confirmed;
use crate::service::idempotency::{self, Claim, IdempotencyKey};
use crate::service::needs::PhotoRef;
use crate::service::paging::Paging;
use crate::service::products::{photos, today};
use crate::service::rate_limit::{Limit, account_limit_at};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::{self, Entry, Origin};
use crate::store::orders::{
    self as order_store, Delivery, NewOrderRow, OrderEvent, OrderFilter, OrderRecord, StepFields,
};
use crate::store::organisations as organisation_store;
use crate::store::outbox::{self, Message};
use crate::store::products::{self as product_store, TradeOwner};
use crate::validation::{Text, request_body};

/// How long a seller has to confirm an order before it expires and its stock returns.
pub const CONFIRM_DAYS: i64 = 3;

request_body! {
    /// An order for a product: how much, and where to deliver it (the buyer's own data, seen by
    /// the buyer and the seller only).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct NewOrder {
        /// Buy for this verified organisation (its admins and members); left out, as oneself.
        pub org_id: Option<i64>,
        /// In the product's unit: at least its minimum order.
        #[rule(range(min = 1, max = 10_000_000))]
        pub quantity: i64,
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 30))]
        pub recipient_name: Text,
        /// A mainland mobile number.
        #[rule(length(min = 11, max = 11))]
        #[rule(mobile)]
        pub recipient_phone: String,
        #[schema(value_type = String)]
        #[rule(length(min = 5, max = 200))]
        pub delivery_address: Text,
        /// For the seller (a delivery window, an invoice's title).
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 500))]
        pub note: Option<Text>,
    }
}

request_body! {
    /// Why the seller cannot fill the order.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct DeclineOrder {
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 500))]
        pub reason: Text,
    }
}

request_body! {
    /// How the order was sent.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct ShipOrder {
        /// The carrier (顺丰, 邮政, the cooperative's own van …).
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 40))]
        pub carrier: Text,
        /// Its tracking number or other reference.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 60))]
        pub tracking_ref: Option<Text>,
    }
}

request_body! {
    /// What arrived, in the product's unit (at most what was ordered).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct ReceiveOrder {
        #[rule(range(min = 0, max = 10_000_000))]
        pub received_quantity: i64,
    }
}

request_body! {
    /// The payment the seller received (the platform takes no money).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct SettleOrder {
        /// The bank transfer's or invoice's reference.
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 60))]
        pub payment_ref: Text,
    }
}

/// A step with what it writes.
#[derive(Debug, Clone)]
pub enum Step {
    Confirm,
    Decline(DeclineOrder),
    Ship(ShipOrder),
    Receive(ReceiveOrder),
    Settle(SettleOrder),
    Cancel,
}

impl Step {
    fn action(&self) -> OrderAction {
        match self {
            Step::Confirm => OrderAction::Confirm,
            Step::Decline(_) => OrderAction::Decline,
            Step::Ship(_) => OrderAction::Ship,
            Step::Receive(_) => OrderAction::Receive,
            Step::Settle(_) => OrderAction::Settle,
            Step::Cancel => OrderAction::Cancel,
        }
    }

    fn validate(&self) -> Result<(), ApiError> {
        let result = match self {
            Step::Confirm | Step::Cancel => Ok(()),
            Step::Decline(b) => b.validate(),
            Step::Ship(b) => b.validate(),
            Step::Receive(b) => b.validate(),
            Step::Settle(b) => b.validate(),
        };
        FieldErrors::of(result).into_result()
    }
}

/// Where to deliver (the buyer's and the seller's only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub recipient_name: String,
    pub recipient_phone: String,
    pub address: String,
}

/// One step of an order's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderTimelineEntry {
    pub kind: OrderEventKind,
    /// e.g. `卖方确认订单`
    pub label: String,
    /// `buyer`, `seller` or `platform`.
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// An order, as its buyer and its seller see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub unit: SaleUnit,
    pub seller_id: i64,
    pub seller_name: String,
    /// The village the product comes from.
    pub village_code: String,
    /// The organisation bought for, if any.
    pub buyer_org_id: Option<i64>,
    /// The organisation's name, or the person's.
    pub buyer_name: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub value_fen: i64,
    /// Whether the product was a certified 扶贫产品 when ordered (only those count as 消费扶贫).
    pub certified: bool,
    pub status: OrderStatus,
    pub delivery: DeliveryView,
    pub note: Option<String>,
    pub decline_reason: Option<String>,
    pub carrier: Option<String>,
    pub tracking_ref: Option<String>,
    pub received_quantity: Option<i64>,
    pub payment_ref: Option<String>,
    /// Until when the seller may confirm.
    pub confirm_by: DateTime<Utc>,
    pub ordered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `buyer`, `seller`, or both: the sides the caller is on.
    pub sides: Vec<String>,
    /// The steps open to the caller now: `confirm`, `decline`, `ship`, `receive`, `settle`,
    /// `cancel`.
    pub actions: Vec<String>,
    pub timeline: Vec<OrderTimelineEntry>,
    /// Photos of what arrived.
    pub photos: Vec<PhotoRef>,
}

/// How a request was answered: afresh, or as the first time under its idempotency key.
pub type Answer = idempotency::Answer<OrderView>;

fn refused(refusal: OrderRefusal) -> ApiError {
    let code = match refusal {
        OrderRefusal::NotSeller | OrderRefusal::NotBuyer | OrderRefusal::PlatformOnly => {
            ErrorCode::Forbidden
        }
        OrderRefusal::WrongStatus { .. } | OrderRefusal::NotDue => ErrorCode::InvalidState,
    };
    ApiError::new(code, refusal.to_string())
}

fn parties(order: &OrderRecord) -> OrderParties<'_> {
    OrderParties {
        buyer_user_id: order.buyer_user_id,
        buyer_org_id: order.buyer_org_id,
        seller_id: order.seller_id,
        village: &order.village,
    }
}

fn out_of_stock(stock: Option<i64>) -> ApiError {
    let mut error = ApiError::new(
        ErrorCode::OutOfStock,
        "not enough of the product is left for this order",
    );
    error.details = Some(json!({ "stock": stock.unwrap_or(0) }));
    error
}

/// The answer to an order beyond the caps on one account.
fn capped(refusal: CapRefusal, unit: SaleUnit) -> ApiError {
    match refusal {
        CapRefusal::TooManyOpen { limit, current } => ApiError::new(
            ErrorCode::OrderLimit,
            format!(
                "you have {current} orders waiting for their sellers to confirm, the most one \
                 account may have at once (at most {limit}); wait for a seller, or cancel one, \
                 before ordering again"
            ),
        )
        .with_details(json!({"limit": limit, "current": current})),
        CapRefusal::OverShare { limit, current } => ApiError::new(
            ErrorCode::OrderShareLimit,
            if current < limit {
                format!(
                    "one person may order at most {limit} of this product's stock at a time and \
                     you have {current} waiting for the seller: order at most {} more, or buy \
                     for your organisation",
                    limit - current
                )
            } else {
                format!(
                    "one person may order at most {limit} of this product's stock at a time and \
                     you have {current} waiting for the seller; order again once the seller \
                     confirms, or buy for your organisation"
                )
            },
        )
        .with_details(json!({"limit": limit, "current": current, "unit": unit})),
    }
}

/// The caps on one account's ordering: at most `order_max_open` orders waiting for their
/// sellers, at most `order_max_share_percent` of a product's stock held by a person in such
/// orders (of the stock as it would be without them), at most `order_rate_per_hour` placed. The
/// account's row is held (before the product's) by the caller, so its requests take turns.
async fn check_account_caps(
    app: &Context,
    txn: &impl ConnectionTrait,
    buyer: &User,
    product: &ProductRecord,
    new: &NewOrder,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let policy = &app.settings.policy;
    let standing = order_store::waiting_on(txn, buyer.id, product.id).await?;
    let facts = CapFacts {
        open: order_store::waiting_count(txn, buyer.id).await?,
        standing,
        quantity: new.quantity,
        // Sold by season (no stock): nothing to corner, no share.
        whole: product.supply.stock.map(|stock| stock + standing),
        minimum: product.min_order,
        for_organisation: new.org_id.is_some(),
    };
    check_caps(&facts, &policy.order_caps()).map_err(|r| capped(r, product.unit))?;
    let per_hour = Limit::per_hour(policy.order_rate_per_hour);
    account_limit_at(
        txn,
        &format!("order:user:{}", buyer.id),
        &per_hour,
        "place at most {} orders",
        now,
    )
    .await
}

/// The operation's name in idempotency hashes.
const CREATE: &str = "order.create";

/// Places an order for a listed product: its quantity taken from the stock by the guarded
/// update, or refused with `out_of_stock` (and what is left).
#[allow(clippy::too_many_arguments)]
pub async fn place(
    app: &Context,
    buyer: &User,
    actor: &Actor,
    product_id: i64,
    new: NewOrder,
    key: Option<IdempotencyKey>,
    origin: &Origin,
) -> Result<Answer, ApiError> {
    require_confirmed(buyer, Deed::Order)?;
    let now = app.clock.now();
    let mut errors = FieldErrors::of(new.validate());
    let txn = crate::store::begin_write(&app.db).await?;
    let pending = match &key {
        None => None,
        Some(key) => {
            match idempotency::begin(&txn, buyer.id, key, CREATE, &(product_id, &new)).await? {
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
    // The buyer's account first, then the product: one lock order.
    account_store::hold(&txn, buyer.id).await?;
    let product = product_store::lock(&txn, product_id)
        .await?
        .filter(|p| p.status.is_public())
        .ok_or_else(|| ApiError::not_found("product"))?;
    if let Some(org) = new.org_id {
        let verified = organisation_store::find(&txn, org)
            .await?
            .is_some_and(|o| o.verified_at.is_some());
        if !verified || !actor.can(Action::PledgeForOrganisation, Target::Organisation(org)) {
            errors.add(
                "org_id",
                FieldError::not_found_reference().because("a verified organisation you act for"),
            );
        }
    }
    if !errors.has("quantity") && new.quantity < product.min_order {
        errors.add(
            "quantity",
            FieldError::below(product.min_order).because("at least the product's minimum order"),
        );
    }
    errors.into_result()?;
    if may_sell(actor, product.seller_id, &product.village) || new.org_id == Some(product.seller_id)
    {
        return Err(ApiError::new(
            ErrorCode::ConflictOfInterest,
            "a seller does not order its own products",
        ));
    }
    let day = today(now);
    let seller = organisation_store::find(&txn, product.seller_id)
        .await?
        .ok_or_else(|| ApiError::internal("a product without its seller"))?;
    if product.status != ProductStatus::Listed || seller.verified_at.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("a product that is {} takes no orders", product.status),
        ));
    }
    if !product.in_season(day) {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "the product is out of season today",
        ));
    }
    let value = order_value(new.quantity, product.unit_price_fen)
        .ok_or_else(|| ApiError::internal("an order's value out of range"))?;
    if new.quantity <= product.supply.stock.unwrap_or(i64::MAX) {
        // (An order beyond the stock is out of stock, whoever places it.)
        check_account_caps(app, &txn, buyer, &product, &new, now).await?;
    }
    if product_store::take_stock(&txn, product.id, new.quantity, now)
        .await?
        .is_none()
    {
        return Err(out_of_stock(product.supply.stock));
    }
    let delivery = Delivery {
        recipient_name: new.recipient_name.trimmed().to_owned(),
        recipient_phone: new.recipient_phone.trim().to_owned(),
        address: new.delivery_address.trimmed().to_owned(),
    };
    let note = new.note.as_ref().and_then(Text::non_blank);
    let order = order_store::insert(
        &txn,
        &NewOrderRow {
            product_id: product.id,
            seller_id: product.seller_id,
            village: &product.village,
            buyer_user_id: buyer.id,
            buyer_org_id: new.org_id,
            quantity: new.quantity,
            unit_price_fen: product.unit_price_fen,
            value_fen: value,
            certified: product.certified_on(day),
            delivery: &delivery,
            buyer_note: note,
            confirm_by: now + Duration::days(CONFIRM_DAYS),
            at: now,
        },
    )
    .await?;
    let event_id = order_store::record_event(
        &txn,
        order.id,
        OrderEventKind::Placed,
        Side::Buyer.as_str(),
        Some(buyer.id),
        None,
        now,
    )
    .await?;
    // The audit log keeps who ordered how much; the delivery data stays on the order.
    audit_order(
        &txn,
        origin,
        "order.place",
        &order,
        json!({"product_id": product.id, "quantity": new.quantity, "value_fen": value,
               "org_id": new.org_id}),
        now,
    )
    .await?;
    outbox::enqueue_all(
        &txn,
        &[
            Message::MailOrderStep {
                order_id: order.id,
                event_id,
                step: OrderEventKind::Placed,
            },
            Message::SearchSyncProduct {
                product_id: product.id,
            },
        ],
        now,
    )
    .await?;
    let view = view_in(app, &txn, &order, actor, Some(&product)).await?;
    if let Some(pending) = pending {
        pending.finish(&txn, 201, &view).await?;
    }
    txn.commit().await?;
    Ok(Answer::Created(Box::new(view)))
}

async fn audit_order(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    action: &str,
    order: &OrderRecord,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_at(
        txn,
        origin,
        Entry {
            action,
            target_kind: "order",
            target_id: order.id.to_string(),
            region_code: Some(order.village.as_str()),
            detail: Some(detail),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The order `id` if `actor` is on one of its sides; "not found" otherwise.
pub(crate) async fn load_readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<OrderRecord, ApiError> {
    order_store::find(db, id)
        .await?
        .filter(|o| is_buyer(actor, &parties(o)) || is_seller(actor, &parties(o)))
        .ok_or_else(|| ApiError::not_found("order"))
}

/// One order, for its buyer or its seller.
pub async fn show(app: &Context, actor: &Actor, id: i64) -> Result<OrderView, ApiError> {
    let order = load_readable(&app.db, actor, id).await?;
    view_in(app, &app.db, &order, actor, None).await
}

/// Takes a step on an order, by its side.
pub async fn step(
    app: &Context,
    actor: &Actor,
    id: i64,
    step: Step,
    origin: &Origin,
) -> Result<OrderView, ApiError> {
    step.validate()?;
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let order = order_store::lock(&txn, id)
        .await?
        .filter(|o| is_buyer(actor, &parties(o)) || is_seller(actor, &parties(o)))
        .ok_or_else(|| ApiError::not_found("order"))?;
    let action = step.action();
    let to = decide_order(
        order.status,
        &parties(&order),
        order.confirm_by,
        action,
        OrderActor::User(actor),
        now,
    )
    .map_err(refused)?;
    let mut fields = StepFields::default();
    let note: Option<String> = match &step {
        Step::Decline(b) => {
            fields.decline_reason = Some(b.reason.trimmed());
            Some(b.reason.trimmed().to_owned())
        }
        Step::Ship(b) => {
            fields.carrier = Some(b.carrier.trimmed());
            fields.tracking_ref = b.tracking_ref.as_ref().and_then(Text::non_blank);
            Some(match fields.tracking_ref {
                Some(reference) => format!("{} {reference}", b.carrier.trimmed()),
                None => b.carrier.trimmed().to_owned(),
            })
        }
        Step::Receive(b) => {
            if b.received_quantity > order.quantity {
                let mut errors = FieldErrors::new();
                errors.add(
                    "received_quantity",
                    FieldError::exceeds(order.quantity).because("at most what was ordered"),
                );
                errors.into_result()?;
            }
            fields.received_quantity = Some(b.received_quantity);
            Some(b.received_quantity.to_string())
        }
        Step::Settle(b) => {
            fields.payment_ref = Some(b.payment_ref.trimmed());
            Some(b.payment_ref.trimmed().to_owned())
        }
        Step::Confirm | Step::Cancel => None,
    };
    let side = action.side();
    apply(
        app,
        &txn,
        &order,
        action,
        to,
        &fields,
        (side, Some(actor.user_id)),
        note.as_deref(),
        now,
    )
    .await?;
    audit_order(
        &txn,
        origin,
        &format!("order.{}", action.as_str()),
        &order,
        json!({"from": order.status, "to": to}),
        now,
    )
    .await?;
    let order = order_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("order"))?;
    let view = view_in(app, &txn, &order, actor, None).await?;
    txn.commit().await?;
    Ok(view)
}

/// Writes a step: the order's row, the stock given back for a declined, cancelled or expired
/// order, the timeline entry and its mail.
#[allow(clippy::too_many_arguments)]
async fn apply(
    _app: &Context,
    txn: &impl ConnectionTrait,
    order: &OrderRecord,
    action: OrderAction,
    to: OrderStatus,
    fields: &StepFields<'_>,
    (side, user): (Side, Option<i64>),
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    order_store::update_step(txn, order.id, to, fields, now).await?;
    let mut messages = Vec::with_capacity(2);
    if action.returns_stock() {
        product_store::return_stock(txn, order.product_id, order.quantity, now).await?;
        messages.push(Message::SearchSyncProduct {
            product_id: order.product_id,
        });
    }
    let event_id = order_store::record_event(
        txn,
        order.id,
        action.event(),
        side.as_str(),
        user,
        note,
        now,
    )
    .await?;
    messages.push(Message::MailOrderStep {
        order_id: order.id,
        event_id,
        step: action.event(),
    });
    outbox::enqueue_all(txn, &messages, now).await?;
    Ok(())
}

/// Expires an order its seller did not confirm by its `confirm_by`, giving its stock back.
/// `false` when it is not (or no longer) due.
pub async fn expire(app: &Context, id: i64) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let Some(order) = order_store::lock(&txn, id).await? else {
        return Ok(false);
    };
    let Ok(to) = decide_order(
        order.status,
        &parties(&order),
        order.confirm_by,
        OrderAction::Expire,
        OrderActor::Platform,
        now,
    ) else {
        return Ok(false);
    };
    apply(
        app,
        &txn,
        &order,
        OrderAction::Expire,
        to,
        &StepFields::default(),
        (Side::Platform, None),
        None,
        now,
    )
    .await?;
    audit_order(
        &txn,
        &Origin::platform(),
        "order.expire",
        &order,
        json!({"confirm_by": order.confirm_by}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Which side's orders to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListSide {
    /// Orders the caller placed, or placed for their organisations.
    Buyer,
    /// Orders for their cooperatives' and villages' products.
    Seller,
}

/// One page of the caller's orders on one side, newest first, optionally of one status, and how
/// many there are.
pub async fn mine(
    app: &Context,
    actor: &Actor,
    side: ListSide,
    status: Option<OrderStatus>,
    paging: Paging,
) -> Result<(Vec<OrderView>, u64), ApiError> {
    let mut filter = OrderFilter {
        statuses: status.into_iter().collect(),
        ..Default::default()
    };
    for grant in &actor.grants {
        match (&grant.scope, side) {
            (Scope::Organisation(org), ListSide::Buyer)
                if actor.can(Action::PledgeForOrganisation, Target::Organisation(*org)) =>
            {
                filter.buyer_orgs.push(*org);
            }
            (Scope::Organisation(org), ListSide::Seller)
                if actor.can(Action::SellProduct, Target::Organisation(*org)) =>
            {
                filter.sellers.push(*org);
            }
            (Scope::Region(region), ListSide::Seller)
                if actor.can(Action::SellProduct, Target::Region(region)) =>
            {
                filter.villages_within.push(region.clone());
            }
            _ => {}
        }
    }
    if side == ListSide::Buyer {
        filter.buyer_user_id = Some(actor.user_id);
    }
    let (orders, total) =
        order_store::list_page(&app.db, &filter, paging.page, paging.per_page).await?;
    let mut views = Vec::with_capacity(orders.len());
    for order in &orders {
        views.push(view_in(app, &app.db, order, actor, None).await?);
    }
    Ok((views, total))
}

fn timeline_entry(event: &OrderEvent) -> OrderTimelineEntry {
    OrderTimelineEntry {
        kind: event.kind,
        label: event.kind.label_zh().to_owned(),
        actor: event.actor_role.clone(),
        note: event.note.clone(),
        at: event.at,
    }
}

/// The steps `actor` may take on `order` now.
fn open_actions(order: &OrderRecord, actor: &Actor, now: DateTime<Utc>) -> Vec<String> {
    OrderAction::BY_PEOPLE
        .into_iter()
        .filter(|a| {
            decide_order(
                order.status,
                &parties(order),
                order.confirm_by,
                *a,
                OrderActor::User(actor),
                now,
            )
            .is_ok()
        })
        .map(|a| a.as_str().to_owned())
        .collect()
}

/// The order as `actor` (one of its sides) sees it.
async fn view_in(
    app: &Context,
    db: &impl ConnectionTrait,
    order: &OrderRecord,
    actor: &Actor,
    product: Option<&ProductRecord>,
) -> Result<OrderView, ApiError> {
    let product = match product {
        Some(p) => p.clone(),
        None => product_store::find(db, order.product_id)
            .await?
            .ok_or_else(|| ApiError::internal("an order without its product"))?,
    };
    let seller_name = organisation_store::find(db, order.seller_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let buyer_name = match order.buyer_org_id {
        Some(org) => organisation_store::find(db, org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => account_store::find(db, order.buyer_user_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
    };
    let mut sides = Vec::new();
    if is_buyer(actor, &parties(order)) {
        sides.push(Side::Buyer.as_str().to_owned());
    }
    if is_seller(actor, &parties(order)) {
        sides.push(Side::Seller.as_str().to_owned());
    }
    let timeline = order_store::timeline(db, order.id)
        .await?
        .iter()
        .map(timeline_entry)
        .collect();
    let photos = product_store::photos_of(db, TradeOwner::Order(order.id))
        .await?
        .iter()
        .map(|p| PhotoRef {
            id: p.public_id.to_string(),
            url: photos::url(&p.public_id),
            width: p.width,
            height: p.height,
            public: false,
        })
        .collect();
    Ok(OrderView {
        id: order.id,
        product_id: order.product_id,
        product_name: product.name.clone(),
        unit: product.unit,
        seller_id: order.seller_id,
        seller_name,
        village_code: order.village.as_str().to_owned(),
        buyer_org_id: order.buyer_org_id,
        buyer_name,
        quantity: order.quantity,
        unit_price_fen: order.unit_price_fen,
        value_fen: order.value_fen,
        certified: order.certified,
        status: order.status,
        delivery: DeliveryView {
            recipient_name: order.delivery.recipient_name.clone(),
            recipient_phone: order.delivery.recipient_phone.clone(),
            address: order.delivery.address.clone(),
        },
        note: order.buyer_note.clone(),
        decline_reason: order.decline_reason.clone(),
        carrier: order.carrier.clone(),
        tracking_ref: order.tracking_ref.clone(),
        received_quantity: order.received_quantity,
        payment_ref: order.payment_ref.clone(),
        confirm_by: order.confirm_by,
        ordered_at: order.ordered_at,
        updated_at: order.updated_at,
        sides,
        actions: open_actions(order, actor, app.clock.now()),
        timeline,
        photos,
    })
}
