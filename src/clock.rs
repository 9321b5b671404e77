//! The platform's notion of "now": UTC, to the microsecond, so that a timestamp reads back the
//! same from PostgreSQL (microseconds) and SQLite (text), and compares correctly on both.
//! Every timestamp the platform writes or compares against comes from here, never from SQL's
//! own clock.
//!
//! Where time drives behaviour (a need's notice period ending, its deadline passing), the code
//! asks a [`Clock`] handed to it rather than the free [`now`], so that tests can set the time.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Timelike, Utc};

/// The system's time, truncated to whole microseconds.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// A source of the current time: the system's, or a manual one that only moves when told to.
/// Cheap to clone; clones of a manual clock share its time.
#[derive(Clone)]
pub struct Clock(Source);

#[derive(Clone)]
enum Source {
    System,
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn system() -> Self {
        Self(Source::System)
    }

    /// A clock standing at `at` until [`Clock::advance`] or [`Clock::set`] moves it.
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self(Source::Manual(Arc::new(Mutex::new(truncate(at)))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => now(),
            Source::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward; a system clock cannot be moved and ignores this.
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(at) = &self.0 {
            let mut at = at.lock().unwrap_or_else(|e| e.into_inner());
            *at = truncate(*at + by);
        }
    }

    /// Sets a manual clock; a system clock ignores this.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Source::Manual(at) = &self.0 {
            *at.lock().unwrap_or_else(|e| e.into_inner()) = truncate(to);
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Source::System => f.write_str("Clock::System"),
            Source::Manual(_) => write!(f, "Clock::Manual({})", self.now()),
        }
    }
}

/// A moment in Beijing time (UTC+8), where the platform's people live: for what they read (mail,
/// exports) and the days and months they count in.
pub fn in_beijing(at: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
    at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset"))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Timelike, Utc};

    use super::Clock;

    #[test]
    fn now_has_whole_microseconds() {
        assert_eq!(super::now().nanosecond() % 1_000, 0);
    }

    #[test]
    fn a_manual_clock_moves_only_when_told_and_its_clones_follow() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        let clock = Clock::manual(start);
        let clone = clock.clone();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::days(3));
        assert_eq!(clone.now(), start + Duration::days(3));
        clone.set(start);
        assert_eq!(clock.now(), start);
    }
}
