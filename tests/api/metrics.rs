//! `/metrics` on its own listener: scraped over HTTP, parsed line by line as the Prometheus
//! text format, and its figures held against what happened (requests by route pattern and
//! status, mail sent and refused) and against the database (the outbox's backlog).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Duration as ChronoDuration;
use duijie::store::entity::outbox;
use duijie::store::outbox::Message;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::db_test;
use crate::helpers::{TestApp, TestDatabase};
use crate::mail::plain;
use crate::smtp::SmtpServer;

/// One sample line.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A scrape, parsed: the families (name → type) and the samples.
#[derive(Debug)]
struct Exposition {
    families: BTreeMap<String, String>,
    samples: Vec<Sample>,
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `{a="x",b="y"}` → the labels, and what follows the closing brace.
fn parse_labels(text: &str, line: &str) -> (BTreeMap<String, String>, String) {
    let mut labels = BTreeMap::new();
    let mut rest = text.strip_prefix('{').expect("labels open with {");
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return (labels, after.to_owned());
        }
        let (name, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("a label name and =\" in {line:?}"));
        assert!(is_label_name(name), "label name {name:?} in {line:?}");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => panic!("bad escape {other:?} in {line:?}"),
                },
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => panic!("unterminated label value in {line:?}"),
            }
        };
        assert!(
            labels.insert(name.to_owned(), value).is_none(),
            "label {name} twice in {line:?}"
        );
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// Parses the Prometheus text format (0.0.4) strictly: every line a comment of HELP or TYPE, or
/// a sample of a family declared by both before it.
fn parse(text: &str) -> Exposition {
    let mut helps = BTreeSet::new();
    let mut families = BTreeMap::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'), "the exposition ends with a newline");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("# HELP name text");
            assert!(is_metric_name(name), "{line:?}");
            assert!(!help.trim().is_empty(), "help for {name}");
            assert!(helps.insert(name.to_owned()), "HELP twice for {name}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name type");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line:?}"
            );
            assert!(helps.contains(name), "TYPE before HELP for {name}");
            assert!(
                families.insert(name.to_owned(), kind.to_owned()).is_none(),
                "TYPE twice for {name}"
            );
            continue;
        }
        assert!(!line.starts_with('#'), "an unexpected comment {line:?}");
        assert!(!line.is_empty(), "an empty line");
        let name_end = line
            .find(['{', ' '])
            .expect("a name then labels or a value");
        let name = &line[..name_end];
        assert!(is_metric_name(name), "{line:?}");
        let (labels, rest) = if line[name_end..].starts_with('{') {
            parse_labels(&line[name_end..], line)
        } else {
            (BTreeMap::new(), line[name_end..].to_owned())
        };
        let value = rest
            .strip_prefix(' ')
            .unwrap_or_else(|| panic!("one space before the value in {line:?}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("a number in {line:?}")),
        };
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .filter_map(|suffix| name.strip_suffix(suffix))
            .find(|base| families.get(*base).is_some_and(|k| k == "histogram"))
            .unwrap_or(name);
        assert!(
            families.contains_key(family),
            "the sample {line:?} of no declared family"
        );
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    Exposition { families, samples }
}

impl Exposition {
    /// The value of the one sample of `name` with exactly these labels (0 when absent).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let found: Vec<&Sample> = self
            .samples
            .iter()
            .filter(|s| s.name == name && s.labels == wanted)
            .collect();
        assert!(found.len() <= 1, "{name} {labels:?} twice");
        found.first().map_or(0.0, |s| s.value)
    }

    fn of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }
}

async fn scrape(client: &reqwest::Client, port: u16) -> Exposition {
    let response = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .expect("the metrics listener answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse(&response.text().await.unwrap())
}

/// The database's own count of pending rows (neither done nor failed), by kind.
async fn pending_in_database(app: &TestApp) -> BTreeMap<String, f64> {
    let mut pending = BTreeMap::new();
    for row in outbox::Entity::find().all(&app.db).await.unwrap() {
        if row.processed_at.is_none() && row.failed_at.is_none() {
            *pending.entry(row.kind).or_insert(0.0) += 1.0;
        }
    }
    pending
}

/// Every outbox kind's pending figure in the scrape is the database's.
fn assert_outbox_matches(scraped: &Exposition, database: &BTreeMap<String, f64>) {
    let kinds: Vec<&str> = Message::SEARCH_KINDS
        .iter()
        .chain(&Message::MAIL_KINDS)
        .copied()
        .collect();
    for kind in &kinds {
        assert_eq!(
            scraped.value("duijie_outbox_pending", &[("kind", kind)]),
            database.get(*kind).copied().unwrap_or(0.0),
            "pending {kind}"
        );
    }
    assert_eq!(
        scraped.of("duijie_outbox_pending").count(),
        kinds.len(),
        "one series per kind"
    );
}

db_test! {
    async fn metrics_count_requests_by_route_pattern_mail_by_outcome_and_read_the_outbox_from_the_database(backend: Backend) {
        let server = SmtpServer::start_new(plain());
        let app = TestApp::spawn_with(backend, |s| {
            crate::mail::mail_to(&server, 0)(s);
            s.server.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
            // The outbox stays as the test leaves it; the test drains the mail itself.
            s.worker.run = false;
        })
        .await;
        let metrics_port = app.metrics_port.expect("a metrics listener");
        let client = reqwest::Client::new();

        // A 200, a 404 on a route with an id, a 422, a 404 on no route at all.
        assert_eq!(app.get("/healthz").await.status(), 200);
        assert_eq!(app.get("/healthz").await.status(), 200);
        let (status, _) = app.get_json("/api/v1/needs/987654321").await;
        assert_eq!(status, 404);
        let (status, _) = app
            .post_json("/api/v1/auth/password/reset", &json!({"token": "", "password": "a new password 1"}))
            .await;
        assert_eq!(status, 422);
        let (status, _) = app.get_json("/api/v1/no-such-thing/5550001?q=13800138000").await;
        assert_eq!(status, 404);

        // Work for the workers: two letters to send, and search syncs written two minutes ago.
        for email in ["metrics-ok@example.cn", "metrics-refused@example.cn"] {
            let (status, body) = app
                .post_json("/api/v1/auth/register", &json!({"email": email, "password": "a long password 7", "display_name": "度量"}))
                .await;
            assert_eq!(status, 202, "{body}");
        }
        server.refuse("metrics-refused@example.cn");
        let written = app.clock.now() - ChronoDuration::seconds(120);
        duijie::store::outbox::enqueue_all(
            &app.db,
            &[Message::SearchSyncNeed { need_id: 1 }, Message::SearchSyncNeed { need_id: 2 }, Message::SearchSyncProduct { product_id: 3 }],
            written,
        )
        .await
        .unwrap();

        let first = scrape(&client, metrics_port).await;

        // Requests, by route pattern and status; the scrape itself is not among them.
        let requests = "duijie_http_requests_total";
        assert_eq!(first.families[requests], "counter");
        assert_eq!(first.value(requests, &[("method", "GET"), ("route", "/healthz"), ("status", "200")]), 2.0);
        assert_eq!(first.value(requests, &[("method", "GET"), ("route", "/api/v1/needs/{id}"), ("status", "404")]), 1.0);
        assert_eq!(first.value(requests, &[("method", "POST"), ("route", "/api/v1/auth/password/reset"), ("status", "422")]), 1.0);
        assert_eq!(first.value(requests, &[("method", "GET"), ("route", "unmatched"), ("status", "404")]), 1.0);
        assert_eq!(first.value(requests, &[("method", "POST"), ("route", "/api/v1/auth/register"), ("status", "202")]), 2.0);
        assert_eq!(first.of(requests).map(|s| s.value).sum::<f64>(), 7.0, "{:?}", first.of(requests).collect::<Vec<_>>());
        assert!(!first.of(requests).any(|s| s.labels["route"] == "/metrics"));

        // No id, path, query or address in any label.
        for sample in &first.samples {
            for value in sample.labels.values() {
                for private in ["987654321", "5550001", "no-such-thing", "13800138000", "example.cn", "?"] {
                    assert!(!value.contains(private), "{sample:?} carries {private}");
                }
            }
            if let Some(route) = sample.labels.get("route") {
                assert!(route.starts_with('/') || route == "unmatched" || route == "frontend", "{sample:?}");
            }
        }

        // The latency histogram: cumulative buckets, its count the requests of its route.
        let histogram = "duijie_http_request_duration_seconds";
        assert_eq!(first.families[histogram], "histogram");
        let routes: BTreeSet<(String, String)> = first
            .of(requests)
            .map(|s| (s.labels["method"].clone(), s.labels["route"].clone()))
            .collect();
        for (method, route) in &routes {
            let mut buckets: Vec<(f64, f64)> = first
                .of(&format!("{histogram}_bucket"))
                .filter(|s| &s.labels["method"] == method && &s.labels["route"] == route)
                .map(|s| {
                    let le = match s.labels["le"].as_str() {
                        "+Inf" => f64::INFINITY,
                        le => le.parse().unwrap(),
                    };
                    (le, s.value)
                })
                .collect();
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert_eq!(buckets.len(), 12, "11 bounds and +Inf for {method} {route}");
            assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "cumulative: {buckets:?}");
            let count = first.value(&format!("{histogram}_count"), &[("method", method), ("route", route)]);
            let answered: f64 = first
                .of(requests)
                .filter(|s| &s.labels["method"] == method && &s.labels["route"] == route)
                .map(|s| s.value)
                .sum();
            assert_eq!(count, answered, "{method} {route}");
            assert_eq!(buckets.last().unwrap().1, count, "+Inf is the count");
            assert!(first.value(&format!("{histogram}_sum"), &[("method", method), ("route", route)]) > 0.0);
        }

        // The outbox, as the database has it; the search rows waited two minutes.
        let database = pending_in_database(&app).await;
        assert_eq!(database.get("search_sync_need"), Some(&2.0));
        assert_eq!(database.get("mail_email_confirmation"), Some(&2.0));
        assert_outbox_matches(&first, &database);
        let need_age = first.value("duijie_outbox_oldest_age_seconds", &[("kind", "search_sync_need")]);
        assert!((120.0..3600.0).contains(&need_age), "{need_age}");
        let lag = first.value("duijie_search_sync_lag_seconds", &[]);
        assert!((120.0..3600.0).contains(&lag), "{lag}");
        assert_eq!(first.value("duijie_outbox_oldest_age_seconds", &[("kind", "mail_need_verified")]), 0.0);
        assert_eq!(first.value("duijie_database_up", &[]), 1.0);

        // The pool: this process's connections, within the configured most.
        let max = first.value("duijie_db_pool_max_connections", &[]);
        assert_eq!(max, f64::from(app.state.settings.database.max_connections));
        let idle = first.value("duijie_db_pool_connections", &[("state", "idle")]);
        let in_use = first.value("duijie_db_pool_connections", &[("state", "in_use")]);
        assert!(idle + in_use >= 1.0 && idle + in_use <= max, "idle {idle}, in use {in_use}");

        assert!(first.value("duijie_process_start_time_seconds", &[]) > 1.7e9);
        assert_eq!(first.value("duijie_build_info", &[("version", env!("CARGO_PKG_VERSION"))]), 1.0);
        assert_eq!(first.value("duijie_mail_sent_total", &[("kind", "email_confirmation")]), 0.0);

        // The mail drain sends one letter and has the other refused for good.
        duijie::worker::mail::drain_once(&app.state, "metrics-test").await.unwrap();
        assert_eq!(server.received().len(), 1);

        let second = scrape(&client, metrics_port).await;
        assert_eq!(second.value("duijie_mail_sent_total", &[("kind", "email_confirmation")]), 1.0);
        assert_eq!(second.value("duijie_mail_failed_total", &[("kind", "email_confirmation"), ("error", "refused")]), 1.0);
        assert_eq!(second.of("duijie_mail_failed_total").map(|s| s.value).sum::<f64>(), 1.0);
        let database = pending_in_database(&app).await;
        assert_eq!(database.get("mail_email_confirmation"), None, "both rows are done");
        assert_outbox_matches(&second, &database);
        assert_eq!(second.value(requests, &[("method", "GET"), ("route", "/healthz"), ("status", "200")]), 2.0, "scrapes are not counted");

        // Anything but GET /metrics is not there.
        let other = client.get(format!("http://127.0.0.1:{metrics_port}/healthz")).send().await.unwrap();
        assert_eq!(other.status(), 404);
        app.stop().await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (60 s at most) until `url` answers 200, and returns its body.
async fn wait_for(url: &str, child: &mut std::process::Child) -> String {
    let started = Instant::now();
    loop {
        if let Ok(response) = reqwest::get(url).await
            && response.status() == 200
        {
            return response.text().await.unwrap();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the process stopped: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{url} did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn terminate(mut child: std::process::Child) {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success(), "a clean stop");
}

db_test! {
    async fn the_real_binary_serves_metrics_on_its_own_address_from_serve_and_from_worker(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let (bind, metrics) = (free_port(), free_port());
        let mut serve = crate::cli::duijie(dir.path())
            .env("DUIJIE_DATABASE_URL", &database.url)
            .env("DUIJIE_BIND", format!("127.0.0.1:{bind}"))
            .env("DUIJIE_METRICS_LISTEN", format!("127.0.0.1:{metrics}"))
            .env("RUST_LOG", "warn")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(&format!("http://127.0.0.1:{bind}/healthz"), &mut serve).await;
        let text = wait_for(&format!("http://127.0.0.1:{metrics}/metrics"), &mut serve).await;
        let scraped = parse(&text);
        assert!(
            scraped.value("duijie_http_requests_total", &[("method", "GET"), ("route", "/healthz"), ("status", "200")]) >= 1.0,
            "{text}"
        );
        assert_eq!(scraped.value("duijie_database_up", &[]), 1.0);
        // The API's own address does not serve them.
        let api = reqwest::get(format!("http://127.0.0.1:{bind}/metrics")).await.unwrap();
        assert!(!api.text().await.unwrap().contains("duijie_http_requests_total"));
        terminate(serve);

        // `duijie worker` reports the shared outbox too (the embedded index takes one process
        // at a time: serve has stopped).
        let metrics = free_port();
        let mut worker = crate::cli::duijie(dir.path())
            .env("DUIJIE_DATABASE_URL", &database.url)
            .env("DUIJIE_METRICS_LISTEN", format!("127.0.0.1:{metrics}"))
            .env("RUST_LOG", "warn")
            .arg("worker")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let text = wait_for(&format!("http://127.0.0.1:{metrics}/metrics"), &mut worker).await;
        let scraped = parse(&text);
        assert_eq!(scraped.value("duijie_database_up", &[]), 1.0);
        assert_eq!(scraped.of("duijie_outbox_pending").count(), Message::SEARCH_KINDS.len() + Message::MAIL_KINDS.len());
        assert_eq!(scraped.of("duijie_http_requests_total").count(), 0, "a worker answers no API requests");
        terminate(worker);
    }
}
