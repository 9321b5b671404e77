//! The process's metrics, in the Prometheus text format (version 0.0.4), served on a listener
//! of their own (`DUIJIE_METRICS_LISTEN`, see `startup::MetricsServer`).
//!
//! Each process counts what it does itself: the requests it answered (`http`), the mail it sent
//! (`worker::mail`). What the processes share is read from the database when scraped
//! ([`Metrics::render`]): the outbox's backlog per kind, and from it the search sync lag; so any
//! node reports it, and several nodes report the same figures.
//!
//! Labels are bounded and public by construction: a route is its pattern
//! (`/api/v1/needs/{id}`), never the path; a method outside the standard ones is `other`; kinds
//! are the code's own names. No id, query string or person's data can become a label.
//!
//! README.md, "Operations: metrics", documents every family (a test holds it to that).

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

use crate::domain::notification::NotificationKind;
use crate::store::PoolUse;
use crate::store::outbox::{Backlog, Message};

/// The `Content-Type` of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The route of a request no route matched that the web front end answered (a page or a file
/// of the build).
pub const ROUTE_FRONTEND: &str = "frontend";
/// The route of a request no route matched and nothing answered but an error (a 404, a 405).
pub const ROUTE_UNMATCHED: &str = "unmatched";

/// Upper bounds of the request-duration buckets, in seconds: Prometheus's usual ones, from a
/// cached page (5 ms) to a large export (10 s).
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailFailureLabels {
    kind: &'static str,
    error: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

type Seconds = Gauge<f64, AtomicU64>;

/// Why a letter was not sent on this attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFailure {
    /// The server refused it for good (5xx, a bad address): not tried again for this recipient.
    Refused,
    /// The server said "try later" (4xx), or something else failed that a retry may mend.
    Temporary,
    /// The server could not be reached: the row waits, with the rest of its batch.
    Unavailable,
}

impl MailFailure {
    fn as_str(self) -> &'static str {
        match self {
            MailFailure::Refused => "refused",
            MailFailure::Temporary => "temporary",
            MailFailure::Unavailable => "unavailable",
        }
    }
}

/// What the scrape read from outside the process.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The outbox's backlog by kind; `None` when the database did not answer.
    pub backlog: Option<Vec<Backlog>>,
    /// The connection pool's use; `None` for a connection that is not a pool.
    pub pool: Option<PoolUse>,
    /// The time of the scrape, for the ages.
    pub now: DateTime<Utc>,
}

/// The metric families of one process.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    mail_sent: Family<MailLabels, Counter>,
    mail_failed: Family<MailFailureLabels, Counter>,
    outbox_pending: Family<KindLabels, Gauge>,
    outbox_failed: Family<KindLabels, Gauge>,
    outbox_oldest_age: Family<KindLabels, Seconds>,
    search_sync_lag: Seconds,
    database_up: Gauge,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    /// Scrapes set the database's gauges, then encode them: one at a time, so that two
    /// scrapes at once do not mix their readings.
    render: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "duijie_http_requests",
            "HTTP requests answered by this process, by method, route pattern and status",
            requests.clone(),
        );
        let request_seconds: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "duijie_http_request_duration",
            "Time from a request's arrival to its response's head, by method and route pattern",
            Unit::Seconds,
            request_seconds.clone(),
        );
        let mail_sent = Family::<MailLabels, Counter>::default();
        registry.register(
            "duijie_mail_sent",
            "Letters the mail server accepted (or written to files without one), by kind",
            mail_sent.clone(),
        );
        let mail_failed = Family::<MailFailureLabels, Counter>::default();
        registry.register(
            "duijie_mail_failed",
            "Attempts to send a letter that failed, by kind and error: refused (for good), \
             temporary or unavailable (retried)",
            mail_failed.clone(),
        );
        let outbox_pending = Family::<KindLabels, Gauge>::default();
        registry.register(
            "duijie_outbox_pending",
            "Outbox rows neither done nor failed, by kind (read from the database at scrape)",
            outbox_pending.clone(),
        );
        let outbox_oldest_age = Family::<KindLabels, Seconds>::default();
        registry.register_with_unit(
            "duijie_outbox_oldest_age",
            "Age of the oldest pending outbox row, by kind; 0 when none is pending",
            Unit::Seconds,
            outbox_oldest_age.clone(),
        );
        let outbox_failed = Family::<KindLabels, Gauge>::default();
        registry.register(
            "duijie_outbox_failed",
            "Outbox rows failed for good and kept for someone to look at, by kind",
            outbox_failed.clone(),
        );
        let search_sync_lag = Seconds::default();
        registry.register_with_unit(
            "duijie_search_sync_lag",
            "Age of the oldest change not yet in the search indexes (needs, offers, products); \
             0 when they are up to date",
            Unit::Seconds,
            search_sync_lag.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "duijie_database_up",
            "1 when the database answered this scrape's read of the outbox, 0 when it did not \
             (the outbox and search lag figures are then left out)",
            database_up.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "duijie_db_pool_connections",
            "Database connections this process holds open, by state: idle or in_use",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "duijie_db_pool_max_connections",
            "The most database connections this process opens",
            pool_max.clone(),
        );
        let started = Seconds::default();
        started.set(unix_seconds(Utc::now()));
        registry.register_with_unit(
            "duijie_process_start_time",
            "When this process started, in seconds since the Unix epoch",
            Unit::Seconds,
            started,
        );
        registry.register(
            "duijie_build",
            "The version of duijie this process runs",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Self {
            registry,
            requests,
            request_seconds,
            mail_sent,
            mail_failed,
            outbox_pending,
            outbox_failed,
            outbox_oldest_age,
            search_sync_lag,
            database_up,
            pool_connections,
            pool_max,
            render: Mutex::new(()),
        }
    }

    /// Counts a request answered with `status` after `elapsed`, under its route pattern (or
    /// [`ROUTE_FRONTEND`], [`ROUTE_UNMATCHED`]).
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_owned(),
                status,
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels {
                method,
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a letter the mail server accepted.
    pub fn mail_sent(&self, kind: NotificationKind) {
        self.mail_sent
            .get_or_create(&MailLabels {
                kind: kind.as_str(),
            })
            .inc();
    }

    /// Counts an attempt to send a letter that failed.
    pub fn mail_failed(&self, kind: NotificationKind, failure: MailFailure) {
        self.mail_failed
            .get_or_create(&MailFailureLabels {
                kind: kind.as_str(),
                error: failure.as_str(),
            })
            .inc();
    }

    /// The whole exposition: this process's counters, and the gauges of what was `observed`.
    /// Every outbox kind the code writes has its gauges, 0 when it has no rows.
    pub fn render(&self, observed: &Observed) -> String {
        let _one_at_a_time = self.render.lock().unwrap_or_else(|e| e.into_inner());
        self.outbox_pending.clear();
        self.outbox_failed.clear();
        self.outbox_oldest_age.clear();
        self.pool_connections.clear();
        match &observed.backlog {
            Some(backlog) => {
                self.database_up.set(1);
                self.set_backlog(backlog, observed.now);
            }
            None => {
                self.database_up.set(0);
                self.search_sync_lag.set(0.0);
            }
        }
        if let Some(pool) = observed.pool {
            for (state, n) in [("idle", pool.idle), ("in_use", pool.in_use())] {
                self.pool_connections
                    .get_or_create(&PoolLabels { state })
                    .set(i64::from(n));
            }
            self.pool_max.set(i64::from(pool.max));
        }
        let mut text = String::new();
        // Writing into a String cannot fail; an encoder error would be a bug of ours (a label
        // the format cannot hold), and it is better to answer the partial text than nothing.
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::warn!(error = %e, "metrics could not be encoded completely");
        }
        text
    }

    fn set_backlog(&self, backlog: &[Backlog], now: DateTime<Utc>) {
        let age = |row: &Backlog| {
            row.oldest_pending
                .map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0))
        };
        let known = Message::SEARCH_KINDS.iter().chain(&Message::MAIL_KINDS);
        for kind in known {
            let labels = KindLabels {
                kind: (*kind).to_owned(),
            };
            self.outbox_pending.get_or_create(&labels).set(0);
            self.outbox_failed.get_or_create(&labels).set(0);
            self.outbox_oldest_age.get_or_create(&labels).set(0.0);
        }
        let mut lag: f64 = 0.0;
        for row in backlog {
            let labels = KindLabels {
                kind: row.kind.clone(),
            };
            self.outbox_pending.get_or_create(&labels).set(row.pending);
            self.outbox_failed.get_or_create(&labels).set(row.failed);
            self.outbox_oldest_age.get_or_create(&labels).set(age(row));
            if Message::SEARCH_KINDS.contains(&row.kind.as_str()) {
                lag = lag.max(age(row));
            }
        }
        self.search_sync_lag.set(lag);
    }
}

/// The method as a label: one of the standard methods, else `other` (a client may send any
/// token as a method, and each would be a series of its own).
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "other",
    }
}

fn unix_seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp_micros() as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(backlog: Vec<Backlog>, now: DateTime<Utc>) -> Observed {
        Observed {
            backlog: Some(backlog),
            pool: Some(PoolUse {
                open: 3,
                idle: 1,
                max: 10,
            }),
            now,
        }
    }

    /// The families a render writes, from its `# TYPE` lines.
    fn families(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|line| line.strip_prefix("# TYPE "))
            .filter_map(|rest| rest.split(' ').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_readme_documents_every_metric_family() {
        // A family with no series yet is not written: give each one.
        let metrics = Metrics::new();
        metrics.observe_request("GET", "/healthz", 200, Duration::from_millis(1));
        metrics.mail_sent(NotificationKind::PledgeReceived);
        metrics.mail_failed(NotificationKind::PledgeReceived, MailFailure::Refused);
        let text = metrics.render(&observed(Vec::new(), Utc::now()));
        let readme = include_str!("../README.md");
        let section = readme
            .split("## Operations: metrics")
            .nth(1)
            .expect("README.md has a section \"Operations: metrics\"");
        let section = section.split("\n## ").next().unwrap_or(section);
        let names = families(&text);
        assert_eq!(names.len(), 13, "{names:?}");
        let missing: Vec<&String> = names
            .iter()
            .filter(|name| !section.contains(&format!("`{name}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "README.md, \"Operations: metrics\", does not name {missing:?}"
        );
    }

    #[test]
    fn ages_are_measured_from_the_oldest_pending_row_and_search_lag_from_search_kinds_only() {
        let now = Utc::now();
        let backlog = vec![
            Backlog {
                kind: "mail_need_verified".into(),
                pending: 2,
                oldest_pending: Some(now - chrono::Duration::seconds(90)),
                failed: 1,
            },
            Backlog {
                kind: "search_sync_offer".into(),
                pending: 1,
                oldest_pending: Some(now - chrono::Duration::seconds(7)),
                failed: 0,
            },
            Backlog {
                kind: "search_sync_need".into(),
                pending: 0,
                oldest_pending: None,
                failed: 4,
            },
        ];
        let text = Metrics::new().render(&observed(backlog, now));
        let has = |line: &str| text.lines().any(|l| l == line);
        assert!(
            has("duijie_outbox_pending{kind=\"mail_need_verified\"} 2"),
            "{text}"
        );
        assert!(
            has("duijie_outbox_oldest_age_seconds{kind=\"mail_need_verified\"} 90.0"),
            "{text}"
        );
        assert!(
            has("duijie_outbox_failed{kind=\"search_sync_need\"} 4"),
            "{text}"
        );
        assert!(
            has("duijie_outbox_oldest_age_seconds{kind=\"search_sync_need\"} 0.0"),
            "{text}"
        );
        assert!(
            has("duijie_outbox_pending{kind=\"search_sync_product\"} 0"),
            "{text}"
        );
        assert!(has("duijie_search_sync_lag_seconds 7.0"), "{text}");
        assert!(has("duijie_database_up 1"), "{text}");
        assert!(
            has("duijie_db_pool_connections{state=\"in_use\"} 2"),
            "{text}"
        );
        assert!(has("duijie_db_pool_max_connections 10"), "{text}");
    }

    #[test]
    fn without_the_database_the_outbox_figures_are_left_out_not_zero() {
        let metrics = Metrics::new();
        let now = Utc::now();
        let backlog = vec![Backlog {
            kind: "search_sync_need".into(),
            pending: 3,
            oldest_pending: Some(now - chrono::Duration::seconds(5)),
            failed: 0,
        }];
        metrics.render(&observed(backlog, now));
        let text = metrics.render(&Observed {
            backlog: None,
            pool: None,
            now,
        });
        assert!(text.lines().any(|l| l == "duijie_database_up 0"), "{text}");
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("duijie_outbox_pending{")),
            "{text}"
        );
    }

    #[test]
    fn an_unusual_method_is_one_label_not_one_per_token() {
        let metrics = Metrics::new();
        for method in ["BREW", "PROPFIND", "GET"] {
            metrics.observe_request(method, "/healthz", 200, Duration::from_millis(3));
        }
        let text = metrics.render(&observed(Vec::new(), Utc::now()));
        assert!(
            text.lines().any(|l| l
                == "duijie_http_requests_total{method=\"other\",route=\"/healthz\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(!text.contains("BREW"), "{text}");
    }
}
