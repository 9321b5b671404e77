//! Sign-in throttling (OWASP ASVS 4.0.3 V2.2.1) without a lock-out weapon, as pure rules over
//! the failures the store counted:
//!
//! - **Per account, a ceiling**: at most [`ACCOUNT_FAILURES_PER_WINDOW`] failed sign-ins in any
//!   [`WINDOW`] (a true sliding window: the failures of the last hour at the clock's time, each
//!   ageing out on its own). A distributed guess at one password gets no further than that.
//! - **Per (account, address), growing delays**: after [`FREE_FAILURES`] failures from one
//!   address, each further attempt from there waits [`delay_after`] the last failure, doubling
//!   up to [`MAX_DELAY`]. A stranger's failures slow the stranger, never the owner at another
//!   address (below the ceiling).
//!
//! A successful sign-in forgets its pair's failures; a password reset forgets the account's,
//! so that its owner can always sign in after one.

use chrono::{DateTime, Duration, Utc};

/// The sliding window of the per-account ceiling, and how long a pair's failures are
/// remembered.
pub const WINDOW: Duration = Duration::hours(1);
/// Failed sign-ins one account may take in any [`WINDOW`].
pub const ACCOUNT_FAILURES_PER_WINDOW: u32 = 100;
/// Failures from one address that cost no wait (typos happen).
pub const FREE_FAILURES: u32 = 5;
/// The wait after the first failure beyond the free ones; it doubles with each further one.
pub const FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest wait between two attempts from one address.
pub const MAX_DELAY: Duration = Duration::minutes(15);

/// The failures counted before an attempt, within [`WINDOW`] of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Against the account, from every address.
    pub account: u32,
    /// When the failure fell that, ageing out, lets the account be tried again once it is at
    /// its ceiling: the [`ACCOUNT_FAILURES_PER_WINDOW`]-th most recent one.
    pub account_ceiling_at: Option<DateTime<Utc>>,
    /// Against the account from this address.
    pub pair: u32,
    /// The latest of them.
    pub pair_last_at: Option<DateTime<Utc>>,
}

/// Why an attempt must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The account took its hour's worth of failures.
    Account { until: DateTime<Utc> },
    /// This address failed too often on this account lately.
    Pair { until: DateTime<Utc> },
}

impl Wait {
    pub fn until(&self) -> DateTime<Utc> {
        match self {
            Wait::Account { until } | Wait::Pair { until } => *until,
        }
    }

    /// Whole seconds from `now` (at least 1), for `Retry-After`.
    pub fn seconds_from(&self, now: DateTime<Utc>) -> u64 {
        let millis = (self.until() - now).num_milliseconds().max(1);
        u64::try_from(millis).unwrap_or(1).div_ceil(1000)
    }
}

/// The failures that count at `now` fell after this instant.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - WINDOW
}

/// The wait after the last of `failures` from one address: none for the first
/// [`FREE_FAILURES`], then [`FIRST_DELAY`] doubling with each one, at most [`MAX_DELAY`].
pub fn delay_after(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = failures - FREE_FAILURES;
    // 30 s × 2^5 is past 15 min already: no need to compute further.
    if doublings >= 5 {
        return MAX_DELAY;
    }
    (FIRST_DELAY * (1 << doublings)).min(MAX_DELAY)
}

/// Whether an attempt may go ahead at `now`, given the failures before it.
pub fn check(failures: &Failures, now: DateTime<Utc>) -> Result<(), Wait> {
    if failures.account >= ACCOUNT_FAILURES_PER_WINDOW {
        // The ceiling's oldest failure ages out at the end of its window: one more attempt then.
        let until = failures
            .account_ceiling_at
            .map_or(now + WINDOW, |at| at + WINDOW);
        if until > now {
            return Err(Wait::Account { until });
        }
    }
    if let Some(last) = failures.pair_last_at {
        let until = last + delay_after(failures.pair);
        if until > now {
            return Err(Wait::Pair { until });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn pair(count: u32, last: i64) -> Failures {
        Failures {
            account: count,
            account_ceiling_at: None,
            pair: count,
            pair_last_at: Some(at(last)),
        }
    }

    #[test]
    fn delays_start_after_a_few_failures_double_and_stop_growing_at_the_cap() {
        let secs = |n| delay_after(n).num_seconds();
        assert_eq!((0..FREE_FAILURES).map(secs).sum::<i64>(), 0);
        assert_eq!(secs(5), 30);
        assert_eq!(secs(6), 60);
        assert_eq!(secs(7), 120);
        assert_eq!(secs(8), 240);
        assert_eq!(secs(9), 480);
        assert_eq!(secs(10), 900);
        assert_eq!(secs(11), 900);
        assert_eq!(secs(u32::MAX), 900);
    }

    #[test]
    fn a_pair_waits_its_delay_from_its_last_failure_and_not_a_second_more() {
        assert_eq!(check(&pair(4, 0), at(0)), Ok(()));
        assert_eq!(
            check(&pair(5, 0), at(10)),
            Err(Wait::Pair { until: at(30) })
        );
        assert_eq!(check(&pair(5, 0), at(30)), Ok(()));
        let wait = check(&pair(7, 100), at(101)).unwrap_err();
        assert_eq!(wait.seconds_from(at(101)), 119);
    }

    #[test]
    fn an_account_at_its_ceiling_reopens_when_the_oldest_counted_failure_ages_out() {
        let full = Failures {
            account: ACCOUNT_FAILURES_PER_WINDOW,
            account_ceiling_at: Some(at(0)),
            pair: 0,
            pair_last_at: None,
        };
        assert_eq!(
            check(&full, at(3599)),
            Err(Wait::Account { until: at(3600) })
        );
        assert_eq!(check(&full, at(3600)), Ok(()));
        let below = Failures {
            account: ACCOUNT_FAILURES_PER_WINDOW - 1,
            ..full
        };
        assert_eq!(
            check(&below, at(1)),
            Ok(()),
            "a clean address below the ceiling"
        );
    }

    #[test]
    fn the_window_is_the_last_hour_at_the_clocks_time() {
        assert_eq!(window_start(at(7200)), at(3600));
    }
}
