//! A password reset's link: how long it lasts. When a link may still be used is
//! [`super::mail_link`]'s rule, shared with the email confirmation's.

use chrono::{DateTime, Duration, Utc};

/// How long a reset link works after it was asked for.
pub const RESET_TTL: Duration = Duration::minutes(30);

/// When a token asked for at `requested_at` stops working.
pub fn expires_at(requested_at: DateTime<Utc>) -> DateTime<Utc> {
    super::mail_link::expires_at(requested_at, RESET_TTL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail_link::{LinkToken, Refusal, check};
    use chrono::TimeZone;

    #[test]
    fn a_reset_link_works_for_thirty_minutes() {
        let asked = Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
        let token = LinkToken {
            expires_at: expires_at(asked),
            used_at: None,
        };
        assert_eq!(check(&token, asked + Duration::minutes(29)), Ok(()));
        assert_eq!(
            check(&token, asked + Duration::minutes(30)),
            Err(Refusal::Expired)
        );
    }
}
