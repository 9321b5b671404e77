//! Purchase orders for 扶贫产品 (以购代捐): a buyer — a verified organisation, or a person —
//! orders a quantity of a village's product; the seller confirms (or declines) and ships; the
//! buyer says what arrived; the seller records the payment received (the platform takes no
//! money). Pure rules: who may take which step from where, and what an order counts for.
//!
//! ```text
//! ordered ─confirm─► confirmed ─ship─► shipped ─receive─► received ─settle─► settled
//!    │ └─decline─► declined
//!    ├─cancel (buyer)─► cancelled
//!    └─(confirm_by passed)─► expired
//! ```
//!
//! An order takes its quantity from the product's stock when placed; a declined, cancelled or
//! expired one gives it back.

use chrono::{DateTime, Utc};

use super::authz::{Action, Actor, Target};
use super::product::may_sell;
use super::region::RegionCode;

code_enum! {
    pub enum OrderStatus {
        /// Placed; waiting for the seller.
        Ordered = ("ordered", "待确认"),
        /// The seller will ship it.
        Confirmed = ("confirmed", "已确认"),
        /// The seller cannot fill it.
        Declined = ("declined", "已婉拒"),
        Shipped = ("shipped", "已发货"),
        /// The buyer said what arrived.
        Received = ("received", "已收货"),
        /// The seller recorded the payment received.
        Settled = ("settled", "已结清"),
        /// Taken back by the buyer before the seller confirmed.
        Cancelled = ("cancelled", "已取消"),
        /// Not confirmed in time.
        Expired = ("expired", "已过期"),
    }
}

code_enum! {
    /// A step on an order's timeline.
    pub enum OrderEventKind {
        Placed = ("placed", "下单"),
        Confirmed = ("confirmed", "卖方确认订单"),
        Declined = ("declined", "卖方婉拒订单"),
        Shipped = ("shipped", "已发货"),
        Received = ("received", "买方确认收货"),
        Settled = ("settled", "卖方确认收款"),
        Cancelled = ("cancelled", "买方取消订单"),
        Expired = ("expired", "未及时确认，订单过期"),
    }
}

impl OrderEventKind {
    /// The side told of this step by mail: the other one.
    pub fn told(self) -> Side {
        match self {
            OrderEventKind::Placed | OrderEventKind::Cancelled | OrderEventKind::Received => {
                Side::Seller
            }
            OrderEventKind::Confirmed
            | OrderEventKind::Declined
            | OrderEventKind::Shipped
            | OrderEventKind::Settled
            | OrderEventKind::Expired => Side::Buyer,
        }
    }
}

impl OrderStatus {
    /// Whether it counts toward 消费帮扶 ordered: placed and not undone.
    pub fn counts_as_ordered(self) -> bool {
        !matches!(
            self,
            OrderStatus::Declined | OrderStatus::Cancelled | OrderStatus::Expired
        )
    }

    /// Whether what arrived is known (and counts as received).
    pub fn counts_as_received(self) -> bool {
        matches!(self, OrderStatus::Received | OrderStatus::Settled)
    }

    /// Codes of the statuses that count as ordered, for the figures' SQL.
    pub fn ordered_codes() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|s| s.counts_as_ordered())
            .map(|s| s.as_str())
            .collect()
    }

    /// Codes of the statuses that count as received.
    pub fn received_codes() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|s| s.counts_as_received())
            .map(|s| s.as_str())
            .collect()
    }
}

/// The two sides of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderParties<'a> {
    pub buyer_user_id: i64,
    /// The organisation bought for, if any.
    pub buyer_org_id: Option<i64>,
    /// The selling cooperative.
    pub seller_id: i64,
    pub village: &'a RegionCode,
}

/// Whether `actor` buys for this order: the person who ordered, or the people of the
/// organisation it was ordered for.
pub fn is_buyer(actor: &Actor, parties: &OrderParties<'_>) -> bool {
    actor.user_id == parties.buyer_user_id
        || parties
            .buyer_org_id
            .is_some_and(|org| actor.can(Action::PledgeForOrganisation, Target::Organisation(org)))
}

/// Whether `actor` sells for this order: the cooperative's people, the village's cadres.
pub fn is_seller(actor: &Actor, parties: &OrderParties<'_>) -> bool {
    may_sell(actor, parties.seller_id, parties.village)
}

/// Whether `actor` may read the order, its delivery data included: its two sides only.
pub fn may_read_order(actor: &Actor, parties: &OrderParties<'_>) -> bool {
    is_buyer(actor, parties) || is_seller(actor, parties)
}

/// A step on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderAction {
    Confirm,
    Decline,
    Ship,
    Receive,
    Settle,
    Cancel,
    /// The platform: `confirm_by` passed.
    Expire,
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buyer,
    Seller,
    Platform,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Seller => "seller",
            Side::Platform => "platform",
        }
    }
}

impl OrderAction {
    pub const BY_PEOPLE: [OrderAction; 6] = [
        OrderAction::Confirm,
        OrderAction::Decline,
        OrderAction::Ship,
        OrderAction::Receive,
        OrderAction::Settle,
        OrderAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Confirm => "confirm",
            OrderAction::Decline => "decline",
            OrderAction::Ship => "ship",
            OrderAction::Receive => "receive",
            OrderAction::Settle => "settle",
            OrderAction::Cancel => "cancel",
            OrderAction::Expire => "expire",
        }
    }

    /// The side that takes this step.
    pub fn side(self) -> Side {
        match self {
            OrderAction::Confirm
            | OrderAction::Decline
            | OrderAction::Ship
            | OrderAction::Settle => Side::Seller,
            OrderAction::Receive | OrderAction::Cancel => Side::Buyer,
            OrderAction::Expire => Side::Platform,
        }
    }

    /// The timeline's word for the step.
    pub fn event(self) -> OrderEventKind {
        match self {
            OrderAction::Confirm => OrderEventKind::Confirmed,
            OrderAction::Decline => OrderEventKind::Declined,
            OrderAction::Ship => OrderEventKind::Shipped,
            OrderAction::Receive => OrderEventKind::Received,
            OrderAction::Settle => OrderEventKind::Settled,
            OrderAction::Cancel => OrderEventKind::Cancelled,
            OrderAction::Expire => OrderEventKind::Expired,
        }
    }

    /// Whether the step gives the order's quantity back to the product's stock.
    pub fn returns_stock(self) -> bool {
        matches!(
            self,
            OrderAction::Decline | OrderAction::Cancel | OrderAction::Expire
        )
    }
}

/// Who acts on an order.
#[derive(Debug, Clone, Copy)]
pub enum OrderActor<'a> {
    User(&'a Actor),
    Platform,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderRefusal {
    #[error("only the seller (the cooperative's people, the village's cadres) can do this")]
    NotSeller,
    #[error("only the buyer can do this")]
    NotBuyer,
    #[error("only the platform itself does this")]
    PlatformOnly,
    #[error("an order that is {status} cannot be {action}")]
    WrongStatus {
        status: OrderStatus,
        action: &'static str,
    },
    #[error("the order's confirm_by has not passed yet")]
    NotDue,
}

/// Decides whether `who` may take `action` on an order in `status` with these `parties` at
/// `now` (the order expiring at `confirm_by`), and its next status.
pub fn decide_order(
    status: OrderStatus,
    parties: &OrderParties<'_>,
    confirm_by: DateTime<Utc>,
    action: OrderAction,
    who: OrderActor<'_>,
    now: DateTime<Utc>,
) -> Result<OrderStatus, OrderRefusal> {
    use OrderAction as A;
    use OrderStatus as S;
    match (action.side(), who) {
        (Side::Platform, OrderActor::User(_)) => return Err(OrderRefusal::PlatformOnly),
        (Side::Seller, OrderActor::User(actor)) if !is_seller(actor, parties) => {
            return Err(OrderRefusal::NotSeller);
        }
        (Side::Buyer, OrderActor::User(actor)) if !is_buyer(actor, parties) => {
            return Err(OrderRefusal::NotBuyer);
        }
        (Side::Seller, OrderActor::Platform) => return Err(OrderRefusal::NotSeller),
        (Side::Buyer, OrderActor::Platform) => return Err(OrderRefusal::NotBuyer),
        _ => {}
    }
    match (action, status) {
        (A::Confirm, S::Ordered) => Ok(S::Confirmed),
        (A::Decline, S::Ordered) => Ok(S::Declined),
        (A::Cancel, S::Ordered) => Ok(S::Cancelled),
        (A::Expire, S::Ordered) if now >= confirm_by => Ok(S::Expired),
        (A::Expire, S::Ordered) => Err(OrderRefusal::NotDue),
        (A::Ship, S::Confirmed) => Ok(S::Shipped),
        (A::Receive, S::Shipped) => Ok(S::Received),
        (A::Settle, S::Received) => Ok(S::Settled),
        _ => Err(OrderRefusal::WrongStatus {
            status,
            action: match action {
                A::Confirm => "confirmed",
                A::Decline => "declined",
                A::Ship => "shipped",
                A::Receive => "received",
                A::Settle => "settled",
                A::Cancel => "cancelled",
                A::Expire => "expired",
            },
        }),
    }
}

/// An order's value in fen: its quantity at the price when ordered. `None` when it does not
/// fit in an `i64`.
pub fn order_value(quantity: i64, unit_price_fen: i64) -> Option<i64> {
    quantity.checked_mul(unit_price_fen)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    fn village() -> RegionCode {
        RegionCode::parse("441426100200").unwrap()
    }

    fn actor(user_id: i64, role: Role, scope: Scope) -> Actor {
        Actor {
            user_id,
            grants: vec![Grant { role, scope }],
        }
    }

    fn person(user_id: i64) -> Actor {
        Actor {
            user_id,
            grants: vec![],
        }
    }

    #[test]
    fn each_step_is_taken_by_its_side_from_its_status() {
        let v = village();
        let parties = OrderParties {
            buyer_user_id: 1,
            buyer_org_id: Some(20),
            seller_id: 30,
            village: &v,
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap();
        let confirm_by = now + Duration::days(3);
        let buyer = person(1);
        let colleague = actor(2, Role::OrgMember, Scope::Organisation(20));
        let seller = actor(3, Role::OrgMember, Scope::Organisation(30));
        let cadre = actor(4, Role::Cadre, Scope::Region(v.clone()));
        let stranger = person(5);
        let decide = |status, action, who| {
            decide_order(
                status,
                &parties,
                confirm_by,
                action,
                OrderActor::User(who),
                now,
            )
        };
        use OrderAction as A;
        use OrderStatus as S;
        for (from, action, by, to) in [
            (S::Ordered, A::Confirm, &seller, S::Confirmed),
            (S::Ordered, A::Confirm, &cadre, S::Confirmed),
            (S::Ordered, A::Decline, &seller, S::Declined),
            (S::Ordered, A::Cancel, &buyer, S::Cancelled),
            (S::Ordered, A::Cancel, &colleague, S::Cancelled),
            (S::Confirmed, A::Ship, &seller, S::Shipped),
            (S::Shipped, A::Receive, &colleague, S::Received),
            (S::Received, A::Settle, &cadre, S::Settled),
        ] {
            assert_eq!(decide(from, action, by), Ok(to), "{from} {action:?}");
        }
        assert_eq!(
            decide(S::Ordered, A::Confirm, &buyer),
            Err(OrderRefusal::NotSeller)
        );
        assert_eq!(
            decide(S::Shipped, A::Receive, &seller),
            Err(OrderRefusal::NotBuyer)
        );
        assert_eq!(
            decide(S::Ordered, A::Cancel, &stranger),
            Err(OrderRefusal::NotBuyer)
        );
        assert!(matches!(
            decide(S::Confirmed, A::Cancel, &buyer),
            Err(OrderRefusal::WrongStatus { .. })
        ));
        assert!(matches!(
            decide(S::Ordered, A::Ship, &seller),
            Err(OrderRefusal::WrongStatus { .. })
        ));
        assert!(matches!(
            decide(S::Settled, A::Settle, &seller),
            Err(OrderRefusal::WrongStatus { .. })
        ));
        assert_eq!(
            decide(S::Ordered, A::Expire, &seller),
            Err(OrderRefusal::PlatformOnly)
        );
        let expire = |at| {
            decide_order(
                S::Ordered,
                &parties,
                confirm_by,
                A::Expire,
                OrderActor::Platform,
                at,
            )
        };
        assert_eq!(expire(now), Err(OrderRefusal::NotDue));
        assert_eq!(expire(confirm_by), Ok(S::Expired));
        assert!(may_read_order(&colleague, &parties));
        assert!(may_read_order(&cadre, &parties));
        assert!(!may_read_order(&stranger, &parties));
    }

    #[test]
    fn what_counts_and_what_gives_stock_back() {
        assert_eq!(
            OrderStatus::ordered_codes(),
            vec!["ordered", "confirmed", "shipped", "received", "settled"]
        );
        assert_eq!(OrderStatus::received_codes(), vec!["received", "settled"]);
        let back: Vec<_> = OrderAction::BY_PEOPLE
            .into_iter()
            .chain([OrderAction::Expire])
            .filter(|a| a.returns_stock())
            .collect();
        assert_eq!(
            back,
            vec![
                OrderAction::Decline,
                OrderAction::Cancel,
                OrderAction::Expire
            ]
        );
        assert_eq!(order_value(300, 6000), Some(1_800_000));
        assert_eq!(order_value(i64::MAX, 2), None);
    }
}

/// Hostile input (issue #18): orders moved by random steps of random actors, with the stock
/// they take and give back; order values with any `i64`.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::{VILLAGE, actors, check, quantity};

    const ACTIONS: [OrderAction; 7] = [
        OrderAction::Confirm,
        OrderAction::Decline,
        OrderAction::Ship,
        OrderAction::Receive,
        OrderAction::Settle,
        OrderAction::Cancel,
        OrderAction::Expire,
    ];

    #[test]
    fn random_steps_move_orders_only_along_their_edges_and_stock_never_goes_negative() {
        let actors = actors();
        let village = RegionCode::parse(VILLAGE).unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
        check(
            "order: state machine and stock, random actions by random actors",
            1024,
            (
                0i64..50,
                // Orders: (buyer's user id, organisation bought for, quantity).
                proptest::collection::vec(
                    (
                        1i64..=12,
                        prop_oneof![Just(None), Just(Some(20i64)), Just(Some(30))],
                        1i64..20,
                    ),
                    1..6,
                ),
                prop_oneof![Just(20i64), Just(30), Just(99)],
                proptest::collection::vec(
                    (0usize..6, 0usize..7, 0usize..=actors.len(), 0i64..48),
                    1..40,
                ),
            ),
            |(initial_stock, placed, seller_id, steps)| {
                let mut stock = initial_stock;
                // Orders are placed while the stock holds them, as the guarded update does.
                let mut orders: Vec<(OrderParties<'_>, i64, OrderStatus)> = Vec::new();
                for (buyer, org, quantity) in placed {
                    if quantity <= stock {
                        stock -= quantity;
                        let parties = OrderParties {
                            buyer_user_id: buyer,
                            buyer_org_id: org,
                            seller_id,
                            village: &village,
                        };
                        orders.push((parties, quantity, OrderStatus::Ordered));
                    }
                }
                let confirm_by = t0 + Duration::hours(100);
                let mut now = t0;
                for (which, action, who, hours) in steps {
                    now += Duration::hours(hours);
                    let Some((parties, quantity, status)) = orders.get_mut(which % 6) else {
                        continue;
                    };
                    let action = ACTIONS[action];
                    let actor = actors.get(who);
                    let by = actor.map_or(OrderActor::Platform, OrderActor::User);
                    let from = *status;
                    let Ok(to) = decide_order(from, parties, confirm_by, action, by, now) else {
                        continue;
                    };
                    prop_assert!(
                        !matches!(
                            from,
                            OrderStatus::Declined
                                | OrderStatus::Settled
                                | OrderStatus::Cancelled
                                | OrderStatus::Expired
                        ),
                        "{from} moved on by {action:?}"
                    );
                    match (action.side(), actor) {
                        (Side::Buyer, Some(a)) => prop_assert!(is_buyer(a, parties)),
                        (Side::Seller, Some(a)) => prop_assert!(is_seller(a, parties)),
                        (Side::Platform, None) => prop_assert!(now >= confirm_by),
                        (side, _) => prop_assert!(false, "{side:?} step taken by {actor:?}"),
                    }
                    use OrderAction as A;
                    use OrderStatus as S;
                    let edge = matches!(
                        (from, action, to),
                        (S::Ordered, A::Confirm, S::Confirmed)
                            | (S::Ordered, A::Decline, S::Declined)
                            | (S::Ordered, A::Cancel, S::Cancelled)
                            | (S::Ordered, A::Expire, S::Expired)
                            | (S::Confirmed, A::Ship, S::Shipped)
                            | (S::Shipped, A::Receive, S::Received)
                            | (S::Received, A::Settle, S::Settled)
                    );
                    prop_assert!(edge, "no such edge: {from} {action:?} {to}");
                    if action.returns_stock() {
                        prop_assert!(from.counts_as_ordered() && !to.counts_as_ordered());
                        stock += *quantity;
                    } else {
                        prop_assert_eq!(from.counts_as_ordered(), to.counts_as_ordered());
                    }
                    *status = to;
                    prop_assert!(!to.counts_as_received() || to.counts_as_ordered());
                }
                // Whatever happened, the stock and what orders still hold add up to the start.
                let held: i64 = orders
                    .iter()
                    .filter(|(_, _, s)| s.counts_as_ordered())
                    .map(|(_, q, _)| q)
                    .sum();
                prop_assert!(stock >= 0);
                prop_assert_eq!(stock + held, initial_stock);
                Ok(())
            },
        );
    }

    #[test]
    fn an_order_value_is_exact_or_none_for_any_figures() {
        check(
            "order: value for any quantity and price",
            2048,
            (quantity(), quantity()),
            |(quantity, price)| {
                let exact = i128::from(quantity) * i128::from(price);
                match order_value(quantity, price) {
                    Some(value) => prop_assert_eq!(i128::from(value), exact),
                    None => prop_assert!(i64::try_from(exact).is_err()),
                }
                Ok(())
            },
        );
    }
}
