//! The fault suite (issue #18): the real `duijie serve` as a child process, on SQLite with the
//! embedded engine and on PostgreSQL with Meilisearch, while the test breaks what it stands on:
//! the node is SIGKILLed in the middle of a pledge rush and restarted, Meilisearch and
//! PostgreSQL are stopped and started again, the mail server is away for the whole run, the
//! data directory's disk fills up. Each run is bounded (every wait has a deadline) and stops
//! everything it started, also when it fails.
//!
//! What it checks after each fault: every 2xx pledge exists exactly once and no pledge exists
//! without a 2xx answer to its Idempotency-Key, no need is over-pledged, the outbox drains, every
//! mail arrives exactly once, `duijie reconcile --dry-run` finds no drift, and no request was
//! answered 500. Its report (faults injected, requests sent, answers, invariants checked, lost)
//! is written to `target/fault-report/<stack>.{txt,json}`.

mod disk;
mod meili;
mod postgres;
mod report;
mod rush;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use duijie::domain::pledge::PledgeStatus;
use duijie::store::entity::{needs, outbox, pledges};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::children::{Children, free_port, wait_ready};
use crate::helpers::{TEST_SECRET_KEY, regions_fixture, status_and_json, test_sealer};
use crate::smtp::{Options, SmtpServer};

use report::{Report, Scenario};
use rush::{Donor, RushPlan};

const VILLAGE: &str = "441426100200";
const DONORS: usize = 24;
const DONOR_PASSWORD: &str = "fault-suite-donor-2026";

/// One stack under test: the node, what it stands on, and the test's own view of the database.
struct Stack {
    name: &'static str,
    env: Vec<(&'static str, String)>,
    /// The node's data directory (SQLite, embedded index, files).
    data_dir: PathBuf,
    /// Where the node's log goes (not the data directory: its disk may be full).
    log: PathBuf,
    port: u16,
    base: String,
    children: Children,
    db: DatabaseConnection,
    /// Reserved for the whole run; listening only once the faults are over.
    smtp: SmtpServer,
    cadre: String,
    verifier: String,
    donors: Vec<Donor>,
    report: Report,
}

/// The settings every `duijie` of a stack runs with, besides its database and search engine:
/// mail to the test's SMTP server; pledges uncapped by the per-account limits, so that the rush
/// is decided by the needs' targets alone; the worker polling and retrying fast, and a killed
/// worker's lease short, so that a bounded test sees it catch up.
fn common_env(smtp: &SmtpServer) -> Vec<(&'static str, String)> {
    vec![
        (
            "DUIJIE_SMTP_URL",
            format!("smtp://127.0.0.1:{}?tls=none", smtp.port),
        ),
        ("DUIJIE_NOTICE_DAYS", "0".to_owned()),
        ("DUIJIE_PLEDGE_RATE_PER_HOUR", "10000".to_owned()),
        ("DUIJIE_PLEDGE_MAX_OPEN", "1000".to_owned()),
        ("DUIJIE_PLEDGE_MAX_SHARE_PERCENT", "100".to_owned()),
        ("DUIJIE_OUTBOX_POLL_MS", "50".to_owned()),
        ("DUIJIE_OUTBOX_RETRY_BASE_MS", "100".to_owned()),
        ("DUIJIE_OUTBOX_RETRY_MAX_SECS", "1".to_owned()),
        // A node killed mid-batch holds its rows up this long.
        ("DUIJIE_OUTBOX_LEASE_SECS", "3".to_owned()),
        ("DUIJIE_SCHEDULER_INTERVAL_SECS", "1".to_owned()),
    ]
}

impl Stack {
    /// A stack on `database_url`, its node's settings `env`, prepared (accounts, needs).
    async fn start(
        name: &'static str,
        env: Vec<(&'static str, String)>,
        database_url: &str,
        data_dir: PathBuf,
        logs: &Path,
        children: Children,
        smtp: SmtpServer,
    ) -> Stack {
        let port = free_port();
        let db = sea_orm::Database::connect(database_url).await.unwrap();
        let mut stack = Stack {
            name,
            env,
            data_dir,
            log: logs.join("node.log"),
            port,
            base: format!("http://127.0.0.1:{port}"),
            children,
            db,
            smtp,
            cadre: String::new(),
            verifier: String::new(),
            donors: Vec::new(),
            report: Report::new(name),
        };
        stack.prepare().await;
        stack
    }

    /// Signs a donor up while the SMTP server is away: the scenario that ends when it returns,
    /// and the donor's address.
    async fn sign_up_with_smtp_away(&mut self) -> (Scenario, String) {
        let mut mail = Scenario::new("the SMTP server away for the whole run");
        mail.fault("SMTP server not listening from the start");
        let signed_up = self.sign_up(&mut mail).await;
        (mail, signed_up)
    }

    /// The end of a run: the SMTP server back and every mail in once, no need over-pledged, no
    /// drift, every process still running; the report written.
    async fn finish(&mut self, mail: Scenario, signed_up: &str, started: Instant) {
        self.mail_after_smtp_returns(mail, signed_up).await;
        let mut end = Scenario::new("after the run");
        self.no_need_over_pledged(&mut end).await;
        self.reconcile_clean(&mut end);
        self.children.all_running().unwrap();
        self.report.add(end);
        self.report.finish(started);
    }

    /// `duijie` with the stack's settings, on its data directory.
    fn duijie(&self) -> Command {
        let mut command = crate::cli::duijie(&self.data_dir);
        command
            .env("DUIJIE_SECRET_KEY", TEST_SECRET_KEY)
            .env("RUST_LOG", "info");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Runs a one-off command to its end; its output when it succeeded.
    fn run(&self, args: &[&str]) -> String {
        let output = self.duijie().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "duijie {args:?}: {stderr}");
        stderr
    }

    /// Starts (or restarts) the node on its port, its worker inside.
    fn start_node(&mut self) {
        let mut command = self.duijie();
        command
            .env("DUIJIE_BIND", format!("127.0.0.1:{}", self.port))
            .arg("serve");
        let log = self.log.clone();
        self.children.spawn("node", command, &log);
    }

    /// Sets the stack up: schema, regions, demo accounts, the rush's donors; the node started
    /// and ready; tokens for the cadre, the verifier and each donor.
    async fn prepare(&mut self) {
        self.run(&["migrate"]);
        let fixture = regions_fixture();
        self.run(&["regions", "import", "--from", fixture.to_str().unwrap()]);
        duijie::demo::seed(&self.db, &test_sealer())
            .await
            .expect("seeding the demo accounts");
        let hash = duijie::service::auth::password::hash(DONOR_PASSWORD).unwrap();
        let mut emails = Vec::new();
        for i in 0..DONORS {
            let email = format!("fault.donor{i}@example.cn");
            duijie::store::accounts::insert_user(
                &self.db,
                Some(email.clone()),
                None,
                hash.clone(),
                &format!("演练捐助人{i}"),
                true,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
            emails.push(email);
        }
        self.start_node();
        wait_ready(&mut self.children, &self.base).await;
        self.cadre = self
            .token(
                "cadre@demo.duijie.cn",
                duijie::demo::DEMO_PASSWORD,
                "manage",
            )
            .await;
        self.verifier = self
            .token(
                "verifier@demo.duijie.cn",
                duijie::demo::DEMO_PASSWORD,
                "manage",
            )
            .await;
        for email in emails {
            let token = self.token(&email, DONOR_PASSWORD, "pledge").await;
            self.donors.push(Donor { email, token });
        }
    }

    /// An API token for `login`.
    async fn token(&self, login: &str, password: &str, scope: &str) -> String {
        let (status, body) = status_and_json(
            reqwest::Client::new()
                .post(format!("{}/api/v1/auth/tokens", self.base))
                .json(&json!({"login": login, "password": password, "name": "故障演练", "scope": scope}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "a token for {login}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    fn post(&self, token: &str, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .timeout(Duration::from_secs(30))
    }

    /// A need written by the demo cadre, not yet submitted: the request.
    fn need_request(&self, title: &str, target: i64) -> reqwest::RequestBuilder {
        let deadline = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
        self.post(&self.cadre, "/needs").json(&json!({
            "beneficiary": "village",
            "village_code": VILLAGE,
            "category": "daily_goods",
            "title": title,
            "description": "故障演练：村里冬季需要棉被，按户分发，开春前到位。",
            "unit": "item",
            "target_quantity": target,
            "unit_value_fen": 1_000,
            "min_pledge_quantity": 1,
            "deadline": deadline,
        }))
    }

    /// A need written by the demo cadre, not yet submitted: the answer.
    async fn write_need(&self, title: &str, target: i64) -> (u16, serde_json::Value) {
        match self.need_request(title, target).send().await {
            Ok(response) => status_and_json(response).await,
            Err(e) => panic!("writing need {title}: {e}"),
        }
    }

    /// Publishes `count` needs of `target` units each (written, submitted, verified; no notice
    /// period): their ids.
    async fn publish_needs(&self, label: &str, count: usize, target: i64) -> Vec<i64> {
        let mut ids = Vec::new();
        for i in 0..count {
            let (status, need) = self.write_need(&format!("{label}棉被{i}号"), target).await;
            assert_eq!(status, 201, "{need}");
            let id = need["id"].as_i64().unwrap();
            for (token, action) in [(&self.cadre, "submit"), (&self.verifier, "verify")] {
                let (status, body) = status_and_json(
                    self.post(token, &format!("/needs/{id}/{action}"))
                        .json(&json!({}))
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(status, 200, "{action} need {id}: {body}");
            }
            ids.push(id);
        }
        ids
    }

    /// SIGKILLs the node and starts it again on the same data directory and database.
    async fn kill_and_restart_node(&mut self, scenario: &mut Scenario) {
        self.children.kill("node");
        scenario.fault("SIGKILL the node");
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.start_node();
        wait_ready(&mut self.children, &self.base).await;
        scenario.fault("restart the node on the same data directory and database");
    }

    /// Checks what a rush left behind (see [`rush::check`]) against the database.
    async fn check_rush(&self, scenario: &mut Scenario, outcome: &rush::Outcome, need_ids: &[i64]) {
        rush::check(&self.db, scenario, outcome, need_ids).await;
    }

    /// Waits (30 s at most) until every outbox row is processed, none failed.
    async fn wait_outbox_drained(&self, scenario: &mut Scenario) {
        let started = Instant::now();
        loop {
            let failed = outbox::Entity::find()
                .filter(outbox::Column::FailedAt.is_not_null())
                .count(&self.db)
                .await
                .unwrap();
            if failed > 0 {
                // What failed, and whether what it is about exists: for the reader of a failure.
                let rows = outbox::Entity::find()
                    .filter(outbox::Column::FailedAt.is_not_null())
                    .all(&self.db)
                    .await
                    .unwrap();
                let pledges = pledges::Entity::find().all(&self.db).await.unwrap();
                let ids: Vec<i64> = pledges.iter().map(|p| p.id).collect();
                panic!("outbox rows failed: {rows:#?}\npledges in the database: {ids:?}");
            }
            let waiting = outbox::Entity::find()
                .filter(outbox::Column::ProcessedAt.is_null())
                .count(&self.db)
                .await
                .unwrap();
            if waiting == 0 {
                scenario.passed("the outbox drained, no row failed");
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{waiting} outbox rows did not drain within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `duijie reconcile --dry-run` finds no drift between the database and the index.
    fn reconcile_clean(&self, scenario: &mut Scenario) {
        let output = self
            .duijie()
            .args(["reconcile", "--dry-run"])
            .output()
            .unwrap();
        scenario.check(
            "`duijie reconcile --dry-run` finds zero drift",
            output.status.success(),
            || {
                format!(
                    "reconcile --dry-run: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            },
        );
    }

    /// The index catches up: `duijie reconcile --dry-run` finds no drift within 30 s.
    async fn index_catches_up(&self, scenario: &mut Scenario) {
        let started = Instant::now();
        loop {
            let output = self
                .duijie()
                .args(["reconcile", "--dry-run"])
                .output()
                .unwrap();
            if output.status.success() {
                scenario
                    .passed("the index catches up: `duijie reconcile --dry-run` finds zero drift");
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the index did not catch up within 30 s: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Every need's live pledges add up to its pledged quantity, never above its target.
    async fn no_need_over_pledged(&self, scenario: &mut Scenario) {
        let all_needs = needs::Entity::find().all(&self.db).await.unwrap();
        let all_pledges = pledges::Entity::find().all(&self.db).await.unwrap();
        for need in &all_needs {
            let live: i64 = all_pledges
                .iter()
                .filter(|p| p.need_id == need.id)
                .filter(|p| !matches!(p.status, PledgeStatus::Cancelled | PledgeStatus::Expired))
                .map(|p| p.quantity)
                .sum();
            scenario.check(
                "every need's live pledges add up to its pledged quantity",
                live == need.pledged_quantity,
                || {
                    format!(
                        "need {}: pledges {live}, pledged_quantity {}",
                        need.id, need.pledged_quantity
                    )
                },
            );
            scenario.check(
                "no need is over-pledged",
                need.pledged_quantity <= need.target_quantity,
                || {
                    format!(
                        "need {}: {} of {}",
                        need.id, need.pledged_quantity, need.target_quantity
                    )
                },
            );
        }
    }

    /// The mail server comes back: every mail queued while it was away arrives exactly once —
    /// one confirmation for the sign-up, one for each pledge in the database, to its donor.
    async fn mail_after_smtp_returns(&mut self, mut scenario: Scenario, signed_up: &str) {
        self.smtp.start();
        scenario.fault("start the SMTP server again");
        self.wait_outbox_drained(&mut scenario).await;
        // A second more: a mail sent twice would show now.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let received = self.smtp.received();
        let mut ids: Vec<String> = received.iter().map(|m| m.message_id()).collect();
        ids.sort();
        let all = ids.len();
        ids.dedup();
        scenario.check("no mail arrived twice", ids.len() == all, || {
            format!("{} duplicate mails", all - ids.len())
        });
        let count = |kind: &str, to: &str| {
            received
                .iter()
                .filter(|m| m.kind() == kind && m.to.iter().any(|t| t == to))
                .count()
        };
        let confirmations = count("email_confirmation", signed_up);
        scenario.check(
            "the sign-up's confirmation arrived once",
            confirmations == 1,
            || format!("{confirmations} confirmations to {signed_up}"),
        );
        let all_pledges = pledges::Entity::find().all(&self.db).await.unwrap();
        let mut missing = 0;
        for donor in &self.donors {
            let user = duijie::store::accounts::find_by_email(&self.db, &donor.email)
                .await
                .unwrap()
                .unwrap();
            let expected = all_pledges
                .iter()
                .filter(|p| p.donor_user_id == user.id)
                .count();
            let arrived = count("pledge_confirmation", &donor.email);
            missing += expected.abs_diff(arrived);
            scenario.check(
                "each pledge's confirmation arrived once, to its donor",
                arrived == expected,
                || {
                    format!(
                        "{}: {arrived} confirmations for {expected} pledges",
                        donor.email
                    )
                },
            );
        }
        scenario.mails = all as u64;
        scenario.lost += missing as u64;
        self.report.add(scenario);
    }

    /// Signs a new person up while the mail server is away: 202, the confirmation queued.
    async fn sign_up(&self, scenario: &mut Scenario) -> String {
        let email = format!("fault.signup.{}@example.cn", self.name);
        let (status, body) = status_and_json(
            reqwest::Client::new()
                .post(format!("{}/api/v1/auth/register", self.base))
                .json(&json!({"email": email, "password": DONOR_PASSWORD, "display_name": "演练新用户"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        scenario.count(status, body["error"]["code"].as_str());
        assert_eq!(
            status, 202,
            "signing up while the mail server is away: {body}"
        );
        email
    }

    /// A rush of every donor on `needs`, with `fault` injected while it runs.
    async fn rush_with(
        &mut self,
        scenario: &mut Scenario,
        need_ids: &[i64],
        fault: impl AsyncFnOnce(&mut Stack, &mut Scenario, rush::Progress),
    ) -> rush::Outcome {
        let plan = RushPlan {
            base: self.base.clone(),
            donors: self.donors.clone(),
            needs: need_ids.to_vec(),
            per_donor: 4,
        };
        let progress = rush::Progress::default();
        let running = rush::run(plan, progress.clone());
        let (outcome, _) = tokio::join!(running, fault(self, scenario, progress));
        outcome
    }
}

/// Where the reports go: `target/fault-report/` (or under `CARGO_TARGET_DIR`).
fn report_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("fault-report")
}

/// Where a stack's processes write their logs: `target/fault-report/<stack>-logs/`, emptied
/// first, kept after the run for a reader of a failure.
fn logs_dir(stack: &str) -> PathBuf {
    let dir = report_dir().join(format!("{stack}-logs"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A banner on standard error for a part of the suite that cannot run here.
fn skipped_banner(what: &str, why: &str) {
    eprintln!("################################################################");
    eprintln!("## WARNING: THE FAULT SUITE SKIPS {what}:");
    eprintln!("## {why}");
    eprintln!("################################################################");
}

/// The SMTP server of a stack: its port reserved, nothing listening until the end of the run.
fn smtp_away() -> SmtpServer {
    SmtpServer::reserve(Options {
        tls: false,
        credentials: None,
    })
}

/// The SIGKILL scenario, shared by both stacks: a rush of every donor on three needs whose
/// targets the rush overshoots; the node is killed a third of the way in and restarted, the
/// clients retrying under their Idempotency-Keys.
async fn sigkill_during_rush(stack: &mut Stack) {
    let mut scenario = Scenario::new("SIGKILL the node during a pledge rush");
    let needs = stack.publish_needs("急救", 3, 30).await;
    let outcome = stack
        .rush_with(&mut scenario, &needs, async |stack, scenario, progress| {
            progress.wait_for_third().await;
            stack.kill_and_restart_node(scenario).await;
        })
        .await;
    scenario.absorb(&outcome);
    stack.check_rush(&mut scenario, &outcome, &needs).await;
    stack.no_need_over_pledged(&mut scenario).await;
    scenario.check(
        "the node really was away (clients saw connections fail)",
        outcome.connection_errors > 0,
        || "no request failed to connect: the kill missed the rush".to_owned(),
    );
    stack.report.add(scenario);
}

#[tokio::test]
async fn sqlite_and_the_embedded_engine_live_through_faults() {
    let started = Instant::now();
    let mut children = Children::default();
    let logs = logs_dir("sqlite-embedded");
    // The data directory on a small disk of its own, to fill up; a plain directory if mounting
    // is not allowed here (then the disk-full scenario is skipped).
    let disk = disk::SmallDisk::mount(64);
    let data_dir = match &disk {
        Some(disk) => disk.path().to_path_buf(),
        None => {
            skipped_banner(
                "THE DISK-FULL SCENARIO",
                "mounting a small tmpfs is not permitted here (it needs root)",
            );
            children.keep(tempfile::tempdir().unwrap()).to_path_buf()
        }
    };
    let smtp = smtp_away();
    let database_url = format!("sqlite://{}?mode=rwc", data_dir.join("duijie.db").display());
    let mut env = common_env(&smtp);
    env.push(("DUIJIE_DATABASE_URL", database_url.clone()));
    env.push(("DUIJIE_SEARCH_BACKEND", "embedded".to_owned()));
    let mut stack = Stack::start(
        "sqlite-embedded",
        env,
        &database_url,
        data_dir,
        &logs,
        children,
        smtp,
    )
    .await;
    let (mail, signed_up) = stack.sign_up_with_smtp_away().await;

    sigkill_during_rush(&mut stack).await;
    match &disk {
        Some(disk) => disk::fill_and_recover(&mut stack, disk).await,
        None => stack
            .report
            .skipped
            .push("disk full: mounting a tmpfs is not permitted".to_owned()),
    }

    stack.finish(mail, &signed_up, started).await;
    drop(stack);
    drop(disk);
}

#[tokio::test]
async fn postgres_and_meilisearch_live_through_faults() {
    let Some(meili_bin) = meili::binary() else {
        skipped_banner(
            "THE POSTGRESQL + MEILISEARCH STACK",
            "no Meilisearch binary (set MEILI_BIN, or put one at ../shared/bin/meilisearch)",
        );
        return;
    };
    let Some(pg_bin) = postgres::binaries() else {
        skipped_banner(
            "THE POSTGRESQL + MEILISEARCH STACK",
            "no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin",
        );
        return;
    };
    let started = Instant::now();
    let mut children = Children::default();
    let logs = logs_dir("postgres-meilisearch");
    let data_dir = children.keep(tempfile::tempdir().unwrap()).to_path_buf();
    let server = postgres::Server::start(&pg_bin);
    let search = meili::Server::start(meili_bin, &mut children, &logs).await;
    let smtp = smtp_away();
    let mut env = common_env(&smtp);
    env.push(("DUIJIE_DATABASE_URL", server.url()));
    env.push(("DUIJIE_SEARCH_BACKEND", "meilisearch".to_owned()));
    env.push(("DUIJIE_MEILI_URL", search.url()));
    env.push(("DUIJIE_MEILI_KEY", meili::MASTER_KEY.to_owned()));
    let mut stack = Stack::start(
        "postgres-meilisearch",
        env,
        &server.url(),
        data_dir,
        &logs,
        children,
        smtp,
    )
    .await;
    let (mail, signed_up) = stack.sign_up_with_smtp_away().await;

    sigkill_during_rush(&mut stack).await;
    meili::stop_during_rush(&mut stack, &search).await;
    postgres::restart_during_rush(&mut stack, &server).await;

    stack.finish(mail, &signed_up, started).await;
    drop(stack);
    drop(server);
}
