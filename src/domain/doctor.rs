//! How `duijie doctor` judges what it found: each check's status, the outbox's ages against
//! their thresholds, and the exit code a monitoring system reads (the Nagios convention). Pure,
//! so every case is a unit test; the checks themselves are `service::doctor`'s.

use serde::Serialize;

/// A check's verdict, worst last (so that the worst of several is their maximum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One line of the report: `OK|WARN|FAIL <check>: <detail>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub status: Status,
    pub check: String,
    pub detail: String,
}

impl Finding {
    pub fn new(status: Status, check: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            status,
            check: check.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_str(),
            self.check,
            self.detail
        )
    }
}

/// The exit code for monitoring: 0 all OK, 1 some WARN, 2 some FAIL (3, the doctor itself
/// could not run, is decided where that happens).
pub fn exit_code(findings: &[Finding]) -> u8 {
    match findings.iter().map(|f| f.status).max() {
        None | Some(Status::Ok) => 0,
        Some(Status::Warn) => 1,
        Some(Status::Fail) => 2,
    }
}

/// How long outbox messages may wait before they are worth a look (`warn`) or an alarm
/// (`fail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxThresholds {
    pub warn: chrono::Duration,
    pub fail: chrono::Duration,
}

/// The verdict on one kind of outbox message whose oldest pending one has waited `oldest`.
pub fn pending_status(oldest: chrono::Duration, thresholds: OutboxThresholds) -> Status {
    if oldest >= thresholds.fail {
        Status::Fail
    } else if oldest >= thresholds.warn {
        Status::Warn
    } else {
        Status::Ok
    }
}

/// A duration as a person reads it: `42s`, `7m 5s`, `3h 20m`, `2d 4h`.
pub fn human(duration: chrono::Duration) -> String {
    let secs = duration.num_seconds().max(0);
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn the_exit_code_is_the_worst_finding_in_the_nagios_convention() {
        let ok = Finding::new(Status::Ok, "database", "reachable");
        let warn = Finding::new(Status::Warn, "mail", "off");
        let fail = Finding::new(Status::Fail, "secret key", "wrong");
        assert_eq!(exit_code(&[]), 0);
        assert_eq!(exit_code(&[ok.clone(), ok.clone()]), 0);
        assert_eq!(exit_code(&[ok.clone(), warn.clone()]), 1);
        assert_eq!(exit_code(&[fail.clone(), warn.clone(), ok]), 2);
        assert_eq!(warn.to_string(), "WARN mail: off");
        assert_eq!(fail.to_string(), "FAIL secret key: wrong");
    }

    #[test]
    fn an_outbox_kind_warns_then_fails_as_its_oldest_message_ages() {
        let limits = OutboxThresholds {
            warn: Duration::minutes(5),
            fail: Duration::minutes(60),
        };
        assert_eq!(pending_status(Duration::seconds(0), limits), Status::Ok);
        assert_eq!(pending_status(Duration::seconds(299), limits), Status::Ok);
        assert_eq!(pending_status(Duration::minutes(5), limits), Status::Warn);
        assert_eq!(pending_status(Duration::minutes(59), limits), Status::Warn);
        assert_eq!(pending_status(Duration::minutes(60), limits), Status::Fail);
        assert_eq!(pending_status(Duration::days(3), limits), Status::Fail);
    }

    #[test]
    fn durations_read_in_their_largest_units() {
        assert_eq!(human(Duration::seconds(42)), "42s");
        assert_eq!(human(Duration::seconds(425)), "7m 5s");
        assert_eq!(human(Duration::seconds(12_000)), "3h 20m");
        assert_eq!(human(Duration::hours(52)), "2d 4h");
        assert_eq!(human(Duration::seconds(-3)), "0s");
    }
}
