//! A link sent by mail that proves its follower reads an account's mail (a password reset, an
//! email confirmation): when its token may still be used. Pure rules; the token itself (random,
//! known to the database by its hash) is `service::auth::mail_link`'s.

use chrono::{DateTime, Duration, Utc};

/// What is on record of one link's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkToken {
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Why a token no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Used once already (or retired when another link of its account was used).
    Used,
    /// Past its expiry.
    Expired,
}

/// When a link sent at `sent_at` that lasts `ttl` stops working.
pub fn expires_at(sent_at: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    sent_at + ttl
}

/// Whether `token` may be used at `now`: never used, and not yet expired (at its expiry
/// instant it is expired).
pub fn check(token: &LinkToken, now: DateTime<Utc>) -> Result<(), Refusal> {
    if token.used_at.is_some() {
        return Err(Refusal::Used);
    }
    if now >= token.expires_at {
        return Err(Refusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sent() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap()
    }

    fn fresh(ttl: Duration) -> LinkToken {
        LinkToken {
            expires_at: expires_at(sent(), ttl),
            used_at: None,
        }
    }

    #[test]
    fn a_fresh_token_works_until_its_expiry_and_not_a_moment_longer() {
        let ttl = Duration::hours(48);
        assert_eq!(fresh(ttl).expires_at, sent() + ttl);
        assert_eq!(check(&fresh(ttl), sent()), Ok(()));
        assert_eq!(
            check(&fresh(ttl), sent() + ttl - Duration::microseconds(1)),
            Ok(())
        );
        assert_eq!(check(&fresh(ttl), sent() + ttl), Err(Refusal::Expired));
    }

    #[test]
    fn a_used_token_is_refused_even_before_its_expiry() {
        let used = LinkToken {
            used_at: Some(sent() + Duration::minutes(1)),
            ..fresh(Duration::hours(1))
        };
        assert_eq!(
            check(&used, sent() + Duration::minutes(2)),
            Err(Refusal::Used)
        );
        assert_eq!(check(&used, sent() + Duration::days(3)), Err(Refusal::Used));
    }
}
