//! Pledges (认捐): a donor's commitment toward a need, tracked to the doorstep.
//!
//! ```text
//! pledged ─ship─► shipped ─confirm (with photo)─► received ─thank─► thanked
//!    │
//!    ├─cancel (donor, before shipment)─► cancelled
//!    └─(due date passes)─► expired
//! ```
//!
//! While its need is taken down (撤下核查, see `need`), a pledge not yet sent is held: it cannot
//! be marked shipped, and its donor may cancel it or wait for the need to come back.
//!
//! The arithmetic of the need's totals lives here too: what a new pledge may be, what a receipt
//! gives back. The invariant itself (the active pledges never exceed the target) is held by one
//! guarded update in the database, which this module's checks only pre-empt.

use chrono::{DateTime, Utc};

use super::authz::{Action, Actor, Target, authorize};
use super::region::RegionCode;

code_enum! {
    pub enum PledgeStatus {
        /// Committed; not yet sent.
        Pledged = ("pledged", "已认捐"),
        /// Sent, transferred or arranged by the donor.
        Shipped = ("shipped", "已发出"),
        /// The village confirmed what arrived.
        Received = ("received", "已收到"),
        /// The village thanked the donor.
        Thanked = ("thanked", "已致谢"),
        /// Taken back by the donor before shipment.
        Cancelled = ("cancelled", "已取消"),
        /// Not shipped by its due date; its quantity went back to the need.
        Expired = ("expired", "已逾期"),
    }
}

impl PledgeStatus {
    /// Whether the pledge counts toward the need's pledged total.
    pub fn is_active(self) -> bool {
        !matches!(self, PledgeStatus::Cancelled | PledgeStatus::Expired)
    }

    /// What the donor does next, if anything: `ship` (or `cancel`), or nothing while the
    /// village acts.
    pub fn donor_next_step(self) -> Option<&'static str> {
        match self {
            PledgeStatus::Pledged => Some("ship"),
            PledgeStatus::Shipped => Some("await_receipt"),
            PledgeStatus::Received => Some("await_thanks"),
            PledgeStatus::Thanked | PledgeStatus::Cancelled | PledgeStatus::Expired => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PledgeAction {
    /// The donor marks it sent (a tracking number, a transfer reference).
    Ship,
    /// The village confirms what arrived, with a photo.
    Confirm,
    /// The village thanks the donor.
    Thank,
    /// The donor takes it back before shipment.
    Cancel,
    /// The platform expires it when its due date passes unshipped.
    Expire,
}

impl PledgeAction {
    pub const ALL: [PledgeAction; 5] = [
        PledgeAction::Ship,
        PledgeAction::Confirm,
        PledgeAction::Thank,
        PledgeAction::Cancel,
        PledgeAction::Expire,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PledgeAction::Ship => "ship",
            PledgeAction::Confirm => "confirm",
            PledgeAction::Thank => "thank",
            PledgeAction::Cancel => "cancel",
            PledgeAction::Expire => "expire",
        }
    }
}

/// Who acts on a pledge.
#[derive(Debug, Clone, Copy)]
pub enum PledgeActor<'a> {
    User(&'a Actor),
    Platform,
}

/// What [`decide_pledge`] needs to know about a pledge.
#[derive(Debug, Clone)]
pub struct PledgeFacts {
    pub status: PledgeStatus,
    pub donor_user_id: i64,
    /// The village of the pledge's need.
    pub village: RegionCode,
    pub quantity: i64,
    pub due_at: DateTime<Utc>,
    /// Whether a photo of the receipt has been added.
    pub has_receipt_photo: bool,
    /// Whether the pledge's need is taken down (out of public view, being checked).
    pub need_taken_down: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PledgeRefusal {
    #[error("only the pledge's donor can do this")]
    NotDonor,
    #[error("only the cadres of the need's village can do this")]
    NotVillage,
    #[error("the pledge's own donor cannot confirm or thank it; another cadre of the village must")]
    OwnPledge,
    #[error("only the platform itself does this")]
    PlatformOnly,
    #[error("a pledge that is {status} cannot be {}", past(*.action))]
    WrongStatus {
        status: PledgeStatus,
        action: PledgeAction,
    },
    #[error("add a photo of what arrived before confirming the receipt")]
    NoReceiptPhoto,
    #[error("the pledge is not due yet")]
    NotDue,
    #[error(
        "the need is withdrawn from view while a verifier checks it: hold the shipment until it \
         is back, or cancel the pledge"
    )]
    NeedOnHold,
}

fn past(action: PledgeAction) -> &'static str {
    match action {
        PledgeAction::Ship => "marked shipped",
        PledgeAction::Confirm => "confirmed as received",
        PledgeAction::Thank => "thanked",
        PledgeAction::Cancel => "cancelled",
        PledgeAction::Expire => "expired",
    }
}

/// Decides whether `who` may take `action` on the pledge at `now`, and its next status.
pub fn decide_pledge(
    facts: &PledgeFacts,
    action: PledgeAction,
    who: PledgeActor<'_>,
    now: DateTime<Utc>,
) -> Result<PledgeStatus, PledgeRefusal> {
    use PledgeAction as A;
    use PledgeStatus as S;
    match (action, who) {
        (A::Ship | A::Cancel, PledgeActor::User(actor)) if actor.user_id != facts.donor_user_id => {
            return Err(PledgeRefusal::NotDonor);
        }
        (A::Confirm | A::Thank, PledgeActor::User(actor))
            if authorize(
                actor,
                Action::ConfirmReceipt,
                Target::Region(&facts.village),
            )
            .is_err() =>
        {
            return Err(PledgeRefusal::NotVillage);
        }
        (A::Expire, PledgeActor::User(_)) => return Err(PledgeRefusal::PlatformOnly),
        // A cadre who pledged to their own village does not confirm their own delivery.
        (A::Confirm | A::Thank, PledgeActor::User(actor))
            if actor.user_id == facts.donor_user_id =>
        {
            return Err(PledgeRefusal::OwnPledge);
        }
        (A::Ship | A::Cancel | A::Confirm | A::Thank, PledgeActor::Platform) => {
            return Err(PledgeRefusal::NotDonor);
        }
        _ => {}
    }
    match (action, facts.status) {
        (A::Ship, S::Pledged) if facts.need_taken_down => Err(PledgeRefusal::NeedOnHold),
        (A::Ship, S::Pledged) => Ok(S::Shipped),
        (A::Cancel, S::Pledged) => Ok(S::Cancelled),
        (A::Expire, S::Pledged) if now >= facts.due_at => Ok(S::Expired),
        (A::Expire, S::Pledged) => Err(PledgeRefusal::NotDue),
        (A::Confirm, S::Shipped) if !facts.has_receipt_photo => Err(PledgeRefusal::NoReceiptPhoto),
        (A::Confirm, S::Shipped) => Ok(S::Received),
        (A::Thank, S::Received) => Ok(S::Thanked),
        (action, status) => Err(PledgeRefusal::WrongStatus { status, action }),
    }
}

/// Why a pledge's quantity is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityRefusal {
    #[error("the quantity must be at least 1")]
    NotPositive,
    #[error("this need takes pledges of at least {minimum} (or exactly the {remaining} remaining)")]
    BelowMinimum { minimum: i64, remaining: i64 },
    #[error("only {remaining} remain to be pledged")]
    OverPledged { remaining: i64 },
}

/// Whether a pledge of `quantity` fits a need with `remaining` left and a minimum pledge of
/// `minimum`. A pledge of exactly what remains is always welcome, even below the minimum.
pub fn check_quantity(quantity: i64, minimum: i64, remaining: i64) -> Result<(), QuantityRefusal> {
    if quantity < 1 {
        return Err(QuantityRefusal::NotPositive);
    }
    if quantity > remaining {
        return Err(QuantityRefusal::OverPledged {
            remaining: remaining.max(0),
        });
    }
    if quantity < minimum && quantity != remaining {
        return Err(QuantityRefusal::BelowMinimum { minimum, remaining });
    }
    Ok(())
}

/// How long a donor has to ship: `days`, or `large_days` for a large pledge — one worth at
/// least `large_fen`, or at least `large_share_percent` of its need's target — since a large
/// pledge left unshipped keeps more of a village waiting (settings `pledge_due_days`,
/// `large_pledge_due_days`, `large_pledge_fen`, `large_pledge_share_percent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueRules {
    pub days: u32,
    pub large_days: u32,
    pub large_fen: i64,
    pub large_share_percent: i64,
}

/// Whether a pledge of `quantity` toward a need of `target` at `unit_value_fen` each is large.
pub fn is_large(quantity: i64, unit_value_fen: i64, target: i64, rules: &DueRules) -> bool {
    let value = i128::from(quantity) * i128::from(unit_value_fen);
    let share =
        i128::from(quantity) * 100 >= i128::from(target) * i128::from(rules.large_share_percent);
    value >= i128::from(rules.large_fen) || share
}

/// The days a pledge has to ship (see [`DueRules`]).
pub fn due_days(quantity: i64, unit_value_fen: i64, target: i64, rules: &DueRules) -> u32 {
    if is_large(quantity, unit_value_fen, target, rules) {
        rules.large_days.min(rules.days)
    } else {
        rules.days
    }
}

/// What a confirmed receipt does to the need's totals: the received quantity counts as
/// received, and what was pledged but did not arrive goes back to be pledged again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub received: i64,
    pub released: i64,
}

pub fn receipt(pledged: i64, received: i64) -> Result<Receipt, String> {
    if !(1..=pledged).contains(&received) {
        return Err(format!("must be 1 to {pledged}, the quantity pledged"));
    }
    Ok(Receipt {
        received,
        released: pledged - received,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    const DONOR: i64 = 10;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap()
    }

    fn facts(status: PledgeStatus) -> PledgeFacts {
        PledgeFacts {
            status,
            donor_user_id: DONOR,
            village: RegionCode::parse("441426100200").unwrap(),
            quantity: 5,
            due_at: t0(),
            has_receipt_photo: true,
            need_taken_down: false,
        }
    }

    fn donor() -> Actor {
        Actor {
            user_id: DONOR,
            grants: vec![],
        }
    }

    fn cadre() -> Actor {
        Actor {
            user_id: 1,
            grants: vec![Grant {
                role: Role::Cadre,
                scope: Scope::Region(RegionCode::parse("441426100200").unwrap()),
            }],
        }
    }

    #[test]
    fn a_pledge_is_held_while_its_need_is_taken_down_but_may_be_cancelled() {
        let mut held = facts(PledgeStatus::Pledged);
        held.need_taken_down = true;
        let donor = donor();
        let act = |facts: &PledgeFacts, action| {
            decide_pledge(facts, action, PledgeActor::User(&donor), t0())
        };
        assert_eq!(
            act(&held, PledgeAction::Ship),
            Err(PledgeRefusal::NeedOnHold)
        );
        assert_eq!(
            act(&held, PledgeAction::Cancel),
            Ok(PledgeStatus::Cancelled)
        );
        // Help already on its way is still confirmed when it arrives.
        let mut sent = facts(PledgeStatus::Shipped);
        sent.need_taken_down = true;
        let confirmed = decide_pledge(
            &sent,
            PledgeAction::Confirm,
            PledgeActor::User(&cadre()),
            t0(),
        );
        assert_eq!(confirmed, Ok(PledgeStatus::Received));
    }

    #[test]
    fn every_status_and_action_pair_moves_as_the_design_says() {
        use PledgeAction as A;
        use PledgeStatus as S;
        let donor = donor();
        let cadre = cadre();
        let expected = |status: S, action: A| match (status, action) {
            (S::Pledged, A::Ship) => Some(S::Shipped),
            (S::Pledged, A::Cancel) => Some(S::Cancelled),
            (S::Pledged, A::Expire) => Some(S::Expired),
            (S::Shipped, A::Confirm) => Some(S::Received),
            (S::Received, A::Thank) => Some(S::Thanked),
            _ => None,
        };
        for &status in S::ALL {
            for action in A::ALL {
                let who = match action {
                    A::Ship | A::Cancel => PledgeActor::User(&donor),
                    A::Confirm | A::Thank => PledgeActor::User(&cadre),
                    A::Expire => PledgeActor::Platform,
                };
                let got = decide_pledge(&facts(status), action, who, t0());
                match expected(status, action) {
                    Some(to) => assert_eq!(got, Ok(to), "{status} × {action:?}"),
                    None => assert_eq!(
                        got,
                        Err(PledgeRefusal::WrongStatus { status, action }),
                        "{status} × {action:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn each_action_belongs_to_its_actor() {
        let donor = donor();
        let cadre = cadre();
        let stranger = Actor {
            user_id: 99,
            grants: vec![],
        };
        let f = facts(PledgeStatus::Pledged);
        for (action, wrong, refusal) in [
            (PledgeAction::Ship, &cadre, PledgeRefusal::NotDonor),
            (PledgeAction::Cancel, &stranger, PledgeRefusal::NotDonor),
            (PledgeAction::Expire, &donor, PledgeRefusal::PlatformOnly),
        ] {
            let got = decide_pledge(&f, action, PledgeActor::User(wrong), t0());
            assert_eq!(got, Err(refusal), "{action:?}");
        }
        let shipped = facts(PledgeStatus::Shipped);
        for wrong in [&donor, &stranger] {
            let got = decide_pledge(
                &shipped,
                PledgeAction::Confirm,
                PledgeActor::User(wrong),
                t0(),
            );
            assert_eq!(got, Err(PledgeRefusal::NotVillage));
        }
    }

    #[test]
    fn a_cadre_never_confirms_their_own_pledge() {
        let mut shipped = facts(PledgeStatus::Shipped);
        let cadre = cadre();
        shipped.donor_user_id = cadre.user_id;
        for action in [PledgeAction::Confirm, PledgeAction::Thank] {
            let got = decide_pledge(&shipped, action, PledgeActor::User(&cadre), t0());
            assert_eq!(got, Err(PledgeRefusal::OwnPledge), "{action:?}");
        }
    }

    #[test]
    fn a_receipt_needs_a_photo_and_expiry_waits_for_the_due_date() {
        let mut shipped = facts(PledgeStatus::Shipped);
        shipped.has_receipt_photo = false;
        let cadre = cadre();
        let got = decide_pledge(
            &shipped,
            PledgeAction::Confirm,
            PledgeActor::User(&cadre),
            t0(),
        );
        assert_eq!(got, Err(PledgeRefusal::NoReceiptPhoto));
        let pledged = facts(PledgeStatus::Pledged);
        let early = t0() - Duration::seconds(1);
        let got = decide_pledge(&pledged, PledgeAction::Expire, PledgeActor::Platform, early);
        assert_eq!(got, Err(PledgeRefusal::NotDue));
    }

    #[test]
    fn quantities_respect_the_remaining_and_the_minimum() {
        assert_eq!(check_quantity(0, 1, 10), Err(QuantityRefusal::NotPositive));
        assert_eq!(
            check_quantity(11, 1, 10),
            Err(QuantityRefusal::OverPledged { remaining: 10 })
        );
        assert_eq!(
            check_quantity(2, 5, 10),
            Err(QuantityRefusal::BelowMinimum {
                minimum: 5,
                remaining: 10
            })
        );
        assert_eq!(
            check_quantity(3, 5, 3),
            Ok(()),
            "exactly the rest is welcome"
        );
        assert_eq!(check_quantity(10, 5, 10), Ok(()));
    }

    #[test]
    fn a_partial_receipt_releases_the_rest() {
        assert_eq!(
            receipt(20, 15),
            Ok(Receipt {
                received: 15,
                released: 5
            })
        );
        assert!(receipt(20, 0).is_err());
        assert!(receipt(20, 21).is_err());
    }

    #[test]
    fn a_large_pledge_by_value_or_by_share_has_less_time_to_ship() {
        let rules = DueRules {
            days: 30,
            large_days: 7,
            large_fen: 500_000,
            large_share_percent: 50,
        };
        // 300 元 desk sets, a need of 100: 16 sets is 4,800 元 and 16 %.
        assert_eq!(due_days(16, 30_000, 100, &rules), 30);
        assert_eq!(due_days(17, 30_000, 100, &rules), 7, "5,100 元");
        // Cheap items: half the need is large whatever it is worth.
        assert_eq!(due_days(49, 100, 100, &rules), 30);
        assert_eq!(due_days(50, 100, 100, &rules), 7);
        assert_eq!(
            due_days(1, 100, 1, &rules),
            7,
            "the whole of a one-item need"
        );
        // Money, in fen.
        assert_eq!(due_days(499_999, 1, 10_000_000, &rules), 30);
        assert_eq!(due_days(500_000, 1, 10_000_000, &rules), 7);
        assert!(
            is_large(i64::MAX, i64::MAX, i64::MAX, &rules),
            "no overflow"
        );
        let longer = DueRules {
            large_days: 60,
            ..rules
        };
        assert_eq!(
            due_days(100, 100, 100, &longer),
            30,
            "never longer than usual"
        );
    }

    #[test]
    fn only_cancelled_and_expired_pledges_stop_counting() {
        let active: Vec<&str> = PledgeStatus::ALL
            .iter()
            .filter(|s| s.is_active())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(active, ["pledged", "shipped", "received", "thanked"]);
    }
}

/// Hostile input (issue #18): random steps by random actors, and the arithmetic of quantities
/// with any `i64`.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::{VILLAGE, actors, check, quantity};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn random_steps_by_random_actors_move_a_pledge_only_along_its_edges() {
        let actors = actors();
        check(
            "pledge: state machine, random actions by random actors",
            1024,
            (
                1usize..=actors.len() + 1,
                any::<bool>(),
                proptest::collection::vec(
                    (
                        0usize..5,
                        0usize..=actors.len(),
                        0i64..72,
                        any::<bool>(),
                        any::<bool>(),
                    ),
                    1..30,
                ),
            ),
            |(donor, photo, steps)| {
                let mut facts = PledgeFacts {
                    status: PledgeStatus::Pledged,
                    donor_user_id: donor as i64,
                    village: RegionCode::parse(VILLAGE).unwrap(),
                    quantity: 5,
                    due_at: t0() + Duration::hours(200),
                    has_receipt_photo: photo,
                    need_taken_down: false,
                };
                let mut now = t0();
                for (action, who, hours, taken_down, add_photo) in steps {
                    now += Duration::hours(hours);
                    facts.need_taken_down = taken_down;
                    facts.has_receipt_photo |= add_photo;
                    let action = PledgeAction::ALL[action];
                    // The last index stands for the platform.
                    let actor = actors.get(who);
                    let by = actor.map_or(PledgeActor::Platform, PledgeActor::User);
                    let from = facts.status;
                    let decided = decide_pledge(&facts, action, by, now);
                    let terminal = matches!(
                        from,
                        PledgeStatus::Thanked | PledgeStatus::Cancelled | PledgeStatus::Expired
                    );
                    let Ok(to) = decided else { continue };
                    prop_assert!(!terminal, "{from} moved on by {action:?}");
                    let village_cadre = actor.is_some_and(|a| {
                        a.can(Action::ConfirmReceipt, Target::Region(&facts.village))
                    });
                    let is_donor = actor.is_some_and(|a| a.user_id == facts.donor_user_id);
                    use PledgeAction as A;
                    use PledgeStatus as S;
                    match (from, action, to) {
                        (S::Pledged, A::Ship, S::Shipped) => {
                            prop_assert!(is_donor && !facts.need_taken_down)
                        }
                        (S::Pledged, A::Cancel, S::Cancelled) => prop_assert!(is_donor),
                        (S::Pledged, A::Expire, S::Expired) => {
                            prop_assert!(actor.is_none() && now >= facts.due_at)
                        }
                        (S::Shipped, A::Confirm, S::Received) => {
                            prop_assert!(village_cadre && !is_donor && facts.has_receipt_photo)
                        }
                        (S::Received, A::Thank, S::Thanked) => {
                            prop_assert!(village_cadre && !is_donor)
                        }
                        edge => prop_assert!(false, "no such edge: {edge:?}"),
                    }
                    prop_assert_eq!(to.is_active(), !matches!(to, S::Cancelled | S::Expired));
                    facts.status = to;
                }
                Ok(())
            },
        );
    }

    #[test]
    fn pledges_taken_against_a_target_never_pass_it_whatever_the_quantities() {
        check(
            "pledge: quantities against a target never over-pledge",
            2048,
            (
                prop_oneof![1i64..100, Just(i64::MAX), (i64::MAX / 2)..=i64::MAX],
                prop_oneof![Just(1i64), 1i64..20, quantity()],
                proptest::collection::vec((quantity(), any::<bool>()), 1..40),
            ),
            |(target, minimum, requests)| {
                let mut pledged: i64 = 0;
                let mut open: Vec<i64> = Vec::new();
                for (quantity, release_first) in requests {
                    if release_first && let Some(q) = open.pop() {
                        pledged -= q;
                    }
                    let remaining = target - pledged;
                    prop_assert!((0..=target).contains(&remaining));
                    match check_quantity(quantity, minimum, remaining) {
                        Ok(()) => {
                            prop_assert!((1..=remaining).contains(&quantity));
                            prop_assert!(quantity >= minimum || quantity == remaining);
                            pledged += quantity;
                            open.push(quantity);
                        }
                        Err(QuantityRefusal::NotPositive) => prop_assert!(quantity < 1),
                        Err(QuantityRefusal::OverPledged { remaining: told }) => {
                            prop_assert!(quantity > remaining && told == remaining.max(0))
                        }
                        Err(QuantityRefusal::BelowMinimum { .. }) => {
                            prop_assert!(quantity < minimum && quantity != remaining)
                        }
                    }
                    prop_assert!((0..=target).contains(&pledged));
                }
                Ok(())
            },
        );
    }

    #[test]
    fn a_receipt_splits_a_pledge_into_received_and_released_for_any_figures() {
        check(
            "pledge: receipt arithmetic",
            2048,
            (quantity(), quantity()),
            |(pledged, received)| {
                match receipt(pledged, received) {
                    Ok(r) => {
                        prop_assert!(r.received >= 1 && r.released >= 0);
                        prop_assert_eq!(
                            i128::from(r.received) + i128::from(r.released),
                            i128::from(pledged)
                        );
                    }
                    Err(message) => {
                        prop_assert!(received < 1 || received > pledged);
                        prop_assert!(message.contains(&pledged.to_string()));
                    }
                }
                Ok(())
            },
        );
    }

    #[test]
    fn a_due_date_is_never_longer_than_the_rule_for_any_figures() {
        check(
            "pledge: due days for any quantity, value and target",
            2048,
            (
                quantity(),
                quantity(),
                quantity(),
                0u32..400,
                0u32..400,
                quantity(),
                -5i64..120,
            ),
            |(quantity, value, target, days, large_days, large_fen, share)| {
                let rules = DueRules {
                    days,
                    large_days,
                    large_fen,
                    large_share_percent: share,
                };
                let due = due_days(quantity, value, target, &rules);
                prop_assert!(due <= days);
                if is_large(quantity, value, target, &rules) {
                    prop_assert_eq!(due, large_days.min(days));
                } else {
                    prop_assert_eq!(due, days);
                }
                Ok(())
            },
        );
    }
}
