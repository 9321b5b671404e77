//! Caps on what one account may hold open at once, so that no stranger can tie up a village's
//! needs with pledges they never mean to ship, nor a product's stock with orders they never
//! mean to take (issue #16, "pledge abuse"). The same two rules for pledges and for orders:
//!
//! - **open**: at most `max_open` of the account's own pledges not yet shipped (orders not yet
//!   confirmed by their seller), whoever they are for;
//! - **share**: at most `max_share_percent` of one need's target (one product's stock) held by
//!   one person for themselves. People acting for a verified organisation are not held to it:
//!   the organisation answers for them.
//!
//! Both are decided here from counts the store reads under the account's lock, so two
//! requests at once cannot both pass a count that only one of them fits.

/// The limits of a deployment (`pledge_max_open`/`pledge_max_share_percent`,
/// `order_max_open`/`order_max_share_percent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub max_open: i64,
    /// 1 to 100; 100 lets one person take the whole.
    pub max_share_percent: i64,
}

/// What [`check_caps`] weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapFacts {
    /// The account's pledges not yet shipped (orders waiting for their seller), before this one.
    pub open: i64,
    /// What the person already holds for themselves on this need (of this product's stock).
    pub standing: i64,
    /// What they ask for now.
    pub quantity: i64,
    /// The whole the share is taken of: the need's target; for a product, its stock as it
    /// would be without this person's waiting orders. `None` for a product sold by season
    /// (no stock to corner): no share.
    pub whole: Option<i64>,
    /// The smallest quantity that can be asked for at all (a need's minimum pledge, a
    /// product's minimum order): a share never forbids what the minimum demands.
    pub minimum: i64,
    /// Acting for a verified organisation: not held to the share.
    pub for_organisation: bool,
}

/// Which cap a request would pass, with the figures a person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CapRefusal {
    /// `current` open already, at most `limit`.
    #[error("{current} open already; at most {limit} at a time")]
    TooManyOpen { limit: i64, current: i64 },
    /// One person may hold at most `limit` of the whole; `current` held already.
    #[error("one person may hold at most {limit} of it, and {current} are held already")]
    OverShare { limit: i64, current: i64 },
}

/// The most one person may hold of `whole`: `percent` of it, rounded up (so that a need of one
/// item can be pledged by one person), and never less than `minimum`.
pub fn share_limit(whole: i64, percent: i64, minimum: i64) -> i64 {
    let share = (i128::from(whole.max(0)) * i128::from(percent.clamp(0, 100)) + 99) / 100;
    i64::try_from(share).unwrap_or(i64::MAX).max(minimum)
}

/// Whether one more pledge (order) of `facts.quantity` fits the caps.
pub fn check_caps(facts: &CapFacts, caps: &Caps) -> Result<(), CapRefusal> {
    if facts.open >= caps.max_open {
        return Err(CapRefusal::TooManyOpen {
            limit: caps.max_open,
            current: facts.open,
        });
    }
    // At 100 % the share is off: what is left of the whole is the need's (the stock's) own
    // guarded update to answer, with its own code.
    if !facts.for_organisation
        && caps.max_share_percent < 100
        && let Some(whole) = facts.whole
    {
        let limit = share_limit(whole, caps.max_share_percent, facts.minimum);
        // What does not fit in an `i64` is over any limit (saturating would let it pass a
        // limit of `i64::MAX`, which a huge minimum makes).
        if facts
            .standing
            .checked_add(facts.quantity)
            .is_none_or(|held| held > limit)
        {
            return Err(CapRefusal::OverShare {
                limit,
                current: facts.standing,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps {
        max_open: 20,
        max_share_percent: 50,
    };

    fn facts(open: i64, standing: i64, quantity: i64, whole: i64) -> CapFacts {
        CapFacts {
            open,
            standing,
            quantity,
            whole: Some(whole),
            minimum: 1,
            for_organisation: false,
        }
    }

    #[test]
    fn the_twenty_first_open_pledge_is_refused() {
        assert_eq!(check_caps(&facts(19, 0, 1, 100), &CAPS), Ok(()));
        assert_eq!(
            check_caps(&facts(20, 0, 1, 100), &CAPS),
            Err(CapRefusal::TooManyOpen {
                limit: 20,
                current: 20
            })
        );
    }

    #[test]
    fn an_organisation_is_held_to_the_count_but_not_the_share() {
        let mut f = facts(20, 0, 100, 100);
        f.for_organisation = true;
        assert!(matches!(
            check_caps(&f, &CAPS),
            Err(CapRefusal::TooManyOpen { .. })
        ));
        f.open = 0;
        assert_eq!(check_caps(&f, &CAPS), Ok(()));
    }

    #[test]
    fn a_person_holds_at_most_half_counting_what_they_hold() {
        assert_eq!(check_caps(&facts(0, 0, 50, 100), &CAPS), Ok(()));
        assert_eq!(
            check_caps(&facts(0, 0, 51, 100), &CAPS),
            Err(CapRefusal::OverShare {
                limit: 50,
                current: 0
            })
        );
        assert_eq!(
            check_caps(&facts(1, 40, 11, 100), &CAPS),
            Err(CapRefusal::OverShare {
                limit: 50,
                current: 40
            })
        );
        assert_eq!(check_caps(&facts(1, 40, 10, 100), &CAPS), Ok(()));
    }

    #[test]
    fn without_a_whole_or_at_a_hundred_percent_there_is_no_share() {
        let mut f = facts(0, 1_000, 1_000, 1);
        f.whole = None;
        assert_eq!(check_caps(&f, &CAPS), Ok(()));
        let off = Caps {
            max_share_percent: 100,
            ..CAPS
        };
        assert_eq!(check_caps(&facts(0, 10, 1, 10), &off), Ok(()));
    }

    #[test]
    fn a_share_rounds_up_and_never_forbids_the_minimum() {
        assert_eq!(
            share_limit(1, 50, 1),
            1,
            "one item can be given by one person"
        );
        assert_eq!(share_limit(3, 50, 1), 2);
        assert_eq!(
            share_limit(10, 50, 8),
            8,
            "the minimum pledge stays possible"
        );
        assert_eq!(share_limit(10, 100, 1), 10);
        assert_eq!(share_limit(i64::MAX, 100, 1), i64::MAX, "no overflow");
        assert_eq!(share_limit(0, 50, 1), 1);
    }

    /// Found by a property test (issue #18): with a limit of `i64::MAX` (a huge minimum),
    /// a request whose sum with what is held overflowed saturated to the limit and passed.
    #[test]
    fn a_request_whose_sum_with_what_is_held_overflows_is_over_the_share() {
        let facts = CapFacts {
            open: 0,
            standing: 3,
            quantity: i64::MAX - 2,
            whole: Some(0),
            minimum: i64::MAX,
            for_organisation: false,
        };
        let caps = Caps {
            max_open: i64::MAX,
            max_share_percent: 1,
        };
        assert_eq!(
            check_caps(&facts, &caps),
            Err(CapRefusal::OverShare {
                limit: i64::MAX,
                current: 3
            })
        );
    }
}

/// Hostile input (issue #18): the caps with any `i64` figures.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::{check, quantity};

    #[test]
    fn the_share_limit_is_the_rounded_up_percentage_and_at_least_the_minimum() {
        check(
            "caps: share limit for any whole, percent and minimum",
            2048,
            (quantity(), -10i64..120, quantity()),
            |(whole, percent, minimum)| {
                let limit = share_limit(whole, percent, minimum);
                prop_assert!(limit >= minimum);
                let exact =
                    (i128::from(whole.max(0)) * i128::from(percent.clamp(0, 100)) + 99) / 100;
                prop_assert_eq!(i128::from(limit), exact.max(i128::from(minimum)));
                // Never more than the whole, unless the minimum demands it.
                if (0..=100).contains(&percent) && whole >= 0 {
                    prop_assert!(limit <= whole.max(minimum));
                }
                // More of the whole, or a larger share, never lowers the limit.
                if whole < i64::MAX {
                    prop_assert!(share_limit(whole + 1, percent, minimum) >= limit);
                }
                prop_assert!(share_limit(whole, percent.saturating_add(1), minimum) >= limit);
                Ok(())
            },
        );
    }

    #[test]
    fn a_request_passes_the_caps_only_within_both() {
        check(
            "caps: open and share checks for any figures",
            2048,
            (
                (
                    quantity(),
                    quantity(),
                    quantity(),
                    proptest::option::of(quantity()),
                ),
                (quantity(), any::<bool>(), quantity(), 1i64..=100),
            ),
            |((open, standing, quantity, whole), (minimum, for_organisation, max_open, share))| {
                let facts = CapFacts {
                    open,
                    standing,
                    quantity,
                    whole,
                    minimum,
                    for_organisation,
                };
                let caps = Caps {
                    max_open,
                    max_share_percent: share,
                };
                let share_applies = !for_organisation && share < 100 && whole.is_some();
                let over_share = whole.is_some_and(|w| {
                    i128::from(standing) + i128::from(quantity)
                        > i128::from(share_limit(w, share, minimum))
                });
                match check_caps(&facts, &caps) {
                    Ok(()) => {
                        prop_assert!(open < max_open);
                        prop_assert!(!share_applies || !over_share);
                    }
                    Err(CapRefusal::TooManyOpen { limit, current }) => {
                        prop_assert!(open >= max_open && limit == max_open && current == open)
                    }
                    Err(CapRefusal::OverShare { limit, current }) => {
                        prop_assert!(open < max_open && share_applies && current == standing);
                        prop_assert_eq!(limit, share_limit(whole.unwrap(), share, minimum));
                        // A sum that does not fit in an `i64`, either way, is refused too.
                        prop_assert!(over_share || standing.checked_add(quantity).is_none());
                    }
                }
                Ok(())
            },
        );
    }
}
