//! A password reset's token: how long it lasts and when it may still be used. Pure rules; the
//! token itself (random, known to the database by its hash) is `service::auth::reset`'s.

use chrono::{DateTime, Duration, Utc};

/// How long a reset link works after it was asked for.
pub const RESET_TTL: Duration = Duration::minutes(30);

/// What is on record of one reset token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetToken {
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Why a token no longer resets anything. The person asking is told neither: every refusal
/// reads the same (`invalid_token`), as does a token that was never issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Used once already (or its account's password was reset through another token).
    Used,
    /// Older than [`RESET_TTL`].
    Expired,
}

/// When a token asked for at `requested_at` stops working.
pub fn expires_at(requested_at: DateTime<Utc>) -> DateTime<Utc> {
    requested_at + RESET_TTL
}

/// Whether `token` may reset a password at `now`: never used, and not yet expired (at its
/// expiry instant it is expired).
pub fn check(token: &ResetToken, now: DateTime<Utc>) -> Result<(), Refusal> {
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

    fn asked() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap()
    }

    fn fresh() -> ResetToken {
        ResetToken {
            expires_at: expires_at(asked()),
            used_at: None,
        }
    }

    #[test]
    fn a_fresh_token_works_for_thirty_minutes_and_not_a_moment_longer() {
        assert_eq!(fresh().expires_at, asked() + Duration::minutes(30));
        assert_eq!(check(&fresh(), asked()), Ok(()));
        assert_eq!(
            check(
                &fresh(),
                asked() + Duration::minutes(30) - Duration::microseconds(1)
            ),
            Ok(())
        );
        assert_eq!(
            check(&fresh(), asked() + Duration::minutes(30)),
            Err(Refusal::Expired)
        );
        assert_eq!(
            check(&fresh(), asked() + Duration::days(2)),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn a_used_token_is_refused_even_within_its_thirty_minutes() {
        let used = ResetToken {
            used_at: Some(asked() + Duration::minutes(1)),
            ..fresh()
        };
        assert_eq!(
            check(&used, asked() + Duration::minutes(2)),
            Err(Refusal::Used)
        );
        assert_eq!(
            check(&used, asked() + Duration::hours(1)),
            Err(Refusal::Used)
        );
    }
}
