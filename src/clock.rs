//! The platform's notion of "now": UTC, to the microsecond, so that a timestamp reads back the
//! same from PostgreSQL (microseconds) and SQLite (text), and compares correctly on both.
//! Every timestamp the platform writes or compares against comes from here, never from SQL's
//! own clock.

use chrono::{DateTime, Timelike, Utc};

pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_has_whole_microseconds() {
        assert_eq!(super::now().nanosecond() % 1_000, 0);
    }
    use chrono::Timelike;
}
