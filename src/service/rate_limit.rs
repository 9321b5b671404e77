//! Rate limits: how many attempts a key may make in a window, counted in the database
//! ([`crate::store::rate_limits`]) so that every API node shares the count. The limits
//! themselves stand beside the use cases they guard (sign-in and registration in
//! [`super::auth`], objections in [`super::needs::objections`]; pledges and orders per account,
//! from the settings, in [`super::pledges`] and [`super::orders`]).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::error::{ApiError, ErrorCode};
use crate::store::rate_limits;

/// Attempts allowed per window.
pub struct Limit {
    pub hits: i32,
    pub window: Duration,
}

impl Limit {
    /// `hits` an hour (a setting's `…_per_hour`).
    pub fn per_hour(hits: u32) -> Self {
        Self {
            hits: i32::try_from(hits).unwrap_or(i32::MAX),
            window: Duration::hours(1),
        }
    }
}

/// Counts an attempt against `key`; refuses with 429 and how long to wait when over the limit.
pub async fn limit(db: &DatabaseConnection, key: &str, limit: &Limit) -> Result<(), ApiError> {
    limit_at(db, key, limit, crate::clock::now()).await
}

/// As [`limit`], at `now` (the use case's clock) and on any connection: inside a use case's
/// write transaction the hit counts only if the use case commits, so what is limited is what
/// was made (pledges, orders), not what was refused.
pub async fn limit_at(
    db: &impl ConnectionTrait,
    key: &str,
    limit: &Limit,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (hits, started) = rate_limits::hit(db, key, limit.window, now).await?;
    if hits > limit.hits {
        let retry_after = (started + limit.window - now).num_seconds().max(1);
        return Err(ApiError::rate_limited(retry_after as u64));
    }
    Ok(())
}

/// As [`limit_at`], for what one account may make an hour: its refusal says so in words,
/// `"one account may make at most 10 pledges an hour; try again in 12 minutes"` for `what`
/// `"make at most {} pledges"` (the `{}` is the limit); a database error keeps its own.
pub async fn account_limit_at(
    db: &impl ConnectionTrait,
    key: &str,
    per_hour: &Limit,
    what: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    limit_at(db, key, per_hour, now)
        .await
        .map_err(|e| match e.code {
            ErrorCode::RateLimited => ApiError {
                message: format!(
                    "one account may {} an hour; try again in {}",
                    what.replace("{}", &per_hour.hits.to_string()),
                    wait_in_words(e.retry_after.unwrap_or(60))
                ),
                ..e
            },
            _ => e,
        })
}

/// How long to wait, for a person: "30 seconds", "1 minute", "12 minutes".
pub fn wait_in_words(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} seconds"),
        60..=119 => "1 minute".to_owned(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// A client address as rate limits count it: IPv6 clients by their /64, since one host
/// commonly holds a whole /64.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_reads_in_seconds_or_minutes() {
        assert_eq!(wait_in_words(45), "45 seconds");
        assert_eq!(wait_in_words(60), "1 minute");
        assert_eq!(wait_in_words(3600), "60 minutes");
        assert_eq!(wait_in_words(3599), "60 minutes");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
    }
}
