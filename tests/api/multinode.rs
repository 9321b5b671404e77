//! Several nodes behave as one platform (README, "Running several nodes"): two `duijie serve`
//! API nodes with `DUIJIE_RUN_WORKER=false` and two `duijie worker` processes, the real binary
//! as child processes, each with a data directory of its own, on one PostgreSQL database and one
//! Meilisearch server. The test alternates between the nodes through a whole pledge story:
//! sessions, idempotency keys, rate limits, photos and the outbox (search and mail) are shared,
//! and every mail arrives once although two workers and four schedulers run.
//!
//! Runs only on PostgreSQL and Meilisearch (`TEST_POSTGRES_URL`, `MEILI_URL`); skipped with a
//! word on standard error without either.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use duijie::media::samples;
use duijie::search::{NeedDocument, OfferDocument, ProductDocument};
use duijie::store::entity::{outbox, pledges};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::children::{Children, free_port, wait_ready};
use crate::helpers::{
    Backend, TEST_SECRET_KEY, TestDatabase, assert_error_code, postgres_enabled, regions_fixture,
    status_and_json, test_sealer,
};
use crate::search::{drop_meili_index, meili_enabled, meili_server, unique_index_name};
use crate::smtp::{Options, SmtpServer};

const VILLAGE: &str = "441426100200";
const DONOR: &str = "chunjie.donor@example.cn";
const PASSWORD: &str = "spring-festival-2026";

/// The settings every process shares: one database, one key, one Meilisearch and its indexes,
/// one mail server; the nodes' schedulers tick every second.
struct Shared {
    env: Vec<(&'static str, String)>,
}

/// `duijie` with the shared settings and a data directory of its own.
fn duijie(shared: &Shared, dir: &Path) -> Command {
    let mut command = crate::cli::duijie(dir);
    command
        .env("DUIJIE_SECRET_KEY", TEST_SECRET_KEY)
        .env("RUST_LOG", "info");
    for (key, value) in &shared.env {
        command.env(key, value);
    }
    command
}

/// Starts `args` as `name` with a data directory of its own, its log in that directory.
fn start(
    cluster: &mut Children,
    shared: &Shared,
    name: &str,
    args: &[&str],
    env: &[(&str, String)],
) {
    let dir = cluster.keep(tempfile::tempdir().unwrap()).to_path_buf();
    let mut command = duijie(shared, &dir);
    for (key, value) in env {
        command.env(key, value);
    }
    command.args(args);
    cluster.spawn(name, command, &dir.join(format!("{name}.log")));
}

/// Starts an API node without workers; its base URL.
fn serve(cluster: &mut Children, shared: &Shared, name: &str) -> String {
    let port = free_port();
    start(
        cluster,
        shared,
        name,
        &["serve"],
        &[
            ("DUIJIE_BIND", format!("127.0.0.1:{port}")),
            ("DUIJIE_RUN_WORKER", "false".to_owned()),
        ],
    );
    format!("http://127.0.0.1:{port}")
}

/// Runs a one-off `duijie` command to its end.
fn run(shared: &Shared, args: &[&str]) {
    run_in(shared, tempfile::tempdir().unwrap().path(), args);
}

/// Runs a one-off `duijie` command to its end, on the data directory `dir`.
fn run_in(shared: &Shared, dir: &Path, args: &[&str]) {
    let output = duijie(shared, dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "duijie {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A browser's cookie jar, sent to whichever node a request goes to (as behind a load balancer:
/// the nodes share one host here, and cookies do not mind ports).
struct Person {
    client: reqwest::Client,
    csrf: String,
}

impl Person {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            csrf: String::new(),
        }
    }

    async fn sign_in(&mut self, node: &str, login: &str, password: &str) {
        let (status, body) = status_and_json(
            self.client
                .post(format!("{node}/api/v1/auth/login"))
                .json(&json!({"login": login, "password": password}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "signing in as {login} on {node}: {body}");
        self.csrf = body["csrf_token"].as_str().unwrap().to_owned();
    }

    async fn demo(node: &str, who: &str) -> Self {
        let mut person = Self::new();
        person
            .sign_in(
                node,
                &format!("{who}@demo.duijie.cn"),
                duijie::demo::DEMO_PASSWORD,
            )
            .await;
        person
    }

    fn post(&self, node: &str, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{node}/api/v1{path}"))
            .header("x-csrf-token", &self.csrf)
    }

    async fn post_json(&self, node: &str, path: &str, body: &Value) -> (u16, Value) {
        status_and_json(self.post(node, path).json(body).send().await.unwrap()).await
    }

    async fn get(&self, node: &str, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{node}/api/v1{path}"))
            .send()
            .await
            .unwrap()
    }
}

/// Waits (20 s at most) until the needs search on `node` for `q` finds `need`.
async fn wait_searchable(node: &str, q: &str, need: i64) {
    let started = Instant::now();
    loop {
        let response = reqwest::get(format!("{node}/api/v1/needs/search?q={q}"))
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;
        let found = status == 200
            && body["hits"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i["id"] == need));
        if found {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "need {need} never became searchable on {node}: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_api_nodes_and_two_workers_behave_as_one_platform() {
    if !postgres_enabled() || !meili_enabled() {
        eprintln!("skipping the multi-node test: it needs PostgreSQL and Meilisearch");
        return;
    }
    let started = Instant::now();
    let database = TestDatabase::create(Backend::Postgres, Path::new("")).await;
    let (meili_url, meili_key) = meili_server().unwrap();
    let indexes = [
        unique_index_name(),
        unique_index_name(),
        unique_index_name(),
    ];
    // Deletes the test's Meilisearch indexes when it ends, however it ends.
    struct DropIndexes(Option<(String, Option<String>, [String; 3])>);
    impl Drop for DropIndexes {
        fn drop(&mut self) {
            let Some((url, key, [needs, offers, products])) = self.0.take() else {
                return;
            };
            let key = key.map(secrecy::SecretString::from);
            drop_meili_index::<NeedDocument>(Some((url.clone(), key.clone(), needs)));
            drop_meili_index::<OfferDocument>(Some((url.clone(), key.clone(), offers)));
            drop_meili_index::<ProductDocument>(Some((url, key, products)));
        }
    }
    let _indexes = DropIndexes(Some((
        meili_url.clone(),
        meili_key.clone(),
        indexes.clone(),
    )));
    let smtp = SmtpServer::start_new(Options {
        tls: false,
        credentials: None,
    });

    let mut env = vec![
        ("DUIJIE_DATABASE_URL", database.url.clone()),
        ("DUIJIE_SEARCH_BACKEND", "meilisearch".to_owned()),
        ("DUIJIE_MEILI_URL", meili_url),
        ("DUIJIE_SEARCH_INDEX", indexes[0].clone()),
        ("DUIJIE_SEARCH_OFFERS_INDEX", indexes[1].clone()),
        ("DUIJIE_SEARCH_PRODUCTS_INDEX", indexes[2].clone()),
        (
            "DUIJIE_SMTP_URL",
            format!("smtp://127.0.0.1:{}?tls=none", smtp.port),
        ),
        ("DUIJIE_NOTICE_DAYS", "0".to_owned()),
        ("DUIJIE_PLEDGE_RATE_PER_HOUR", "3".to_owned()),
        ("DUIJIE_SCHEDULER_INTERVAL_SECS", "1".to_owned()),
        ("DUIJIE_OUTBOX_POLL_MS", "50".to_owned()),
    ];
    if let Some(key) = meili_key {
        env.push(("DUIJIE_MEILI_KEY", key));
    }
    let shared = Shared { env };

    // One database, migrated and loaded once, as an operator does before starting the nodes.
    run(&shared, &["migrate"]);
    let fixture = regions_fixture();
    run(
        &shared,
        &["regions", "import", "--from", fixture.to_str().unwrap()],
    );
    let db = sea_orm::Database::connect(&database.url).await.unwrap();
    duijie::demo::seed(&db, &test_sealer())
        .await
        .expect("seeding the demo accounts");

    // A node that kept its photos on its own disk before moves them into the database; again
    // changes nothing.
    let old_node = tempfile::tempdir().unwrap();
    let kept = duijie::store::files::FileStore::new(old_node.path().join("files"));
    kept.put("photos/0a/before.jpg", b"a photo from before")
        .await
        .unwrap();
    run_in(&shared, old_node.path(), &["files", "to-database"]);
    run_in(&shared, old_node.path(), &["files", "to-database"]);
    let stored = duijie::store::files::FileStore::database(db.clone());
    assert_eq!(
        stored.get("photos/0a/before.jpg").await.unwrap(),
        b"a photo from before"
    );
    assert!(!old_node.path().join("files/photos/0a/before.jpg").exists());

    let mut cluster = Children::default();
    let a = serve(&mut cluster, &shared, "node-a");
    let b = serve(&mut cluster, &shared, "node-b");
    start(&mut cluster, &shared, "worker-1", &["worker"], &[]);
    start(&mut cluster, &shared, "worker-2", &["worker"], &[]);
    wait_ready(&mut cluster, &a).await;
    wait_ready(&mut cluster, &b).await;

    // Registered on A, confirmed through the mail on B, signed in on A: the session works on B.
    let (status, body) = status_and_json(
        reqwest::Client::new()
            .post(format!("{a}/api/v1/auth/register"))
            .json(&json!({"email": DONOR, "password": PASSWORD, "display_name": "春节捐助人"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "registering on A: {body}");
    let mail = smtp
        .wait_for("the confirmation mail", |m| {
            m.kind() == "email_confirmation" && m.to.iter().any(|to| to == DONOR)
        })
        .await;
    let token = crate::helpers::link_token(&mail, "/confirm-email?token=");
    let (status, body) = status_and_json(
        reqwest::Client::new()
            .post(format!("{b}/api/v1/auth/email/confirm"))
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 204, "confirming on B: {body}");
    let mut donor = Person::new();
    donor.sign_in(&a, DONOR, PASSWORD).await;
    let (status, me) = status_and_json(donor.get(&b, "/me").await).await;
    assert_eq!(status, 200, "A's session on B: {me}");
    assert_eq!(me["email"], DONOR);

    // The cadre writes the need on B, the verifier verifies it on A: published (no notice).
    let cadre = Person::demo(&b, "cadre").await;
    let verifier = Person::demo(&a, "verifier").await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
    let (status, need) = cadre
        .post_json(
            &b,
            "/needs",
            &json!({
                "beneficiary": "village",
                "village_code": VILLAGE,
                "category": "education",
                "title": "春节前的村小学课桌椅",
                "description": "村小学需要新课桌椅，春节后开学前到位。",
                "unit": "set",
                "target_quantity": 10,
                "unit_value_fen": 30_000,
                "min_pledge_quantity": 1,
                "deadline": deadline,
            }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let need = need["id"].as_i64().unwrap();
    let (status, body) = cadre
        .post_json(&b, &format!("/needs/{need}/submit"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = verifier
        .post_json(&a, &format!("/needs/{need}/verify"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
    // A worker put it in the one index both nodes search.
    wait_searchable(&a, "课桌椅", need).await;
    wait_searchable(&b, "课桌椅", need).await;

    // A pledge on A under an Idempotency-Key, retried on B: one pledge, the first answer.
    let pledge = |node: &str, key: Option<&str>| {
        let mut request = donor
            .post(node, &format!("/needs/{need}/pledges"))
            .json(&json!({"quantity": 1, "message": "春节快乐"}));
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    let first = pledge(&a, Some("spring-rush-1")).await.unwrap();
    assert_eq!(first.status(), 201);
    let (_, first) = status_and_json(first).await;
    let retry = pledge(&b, Some("spring-rush-1")).await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let (_, retry) = status_and_json(retry).await;
    assert_eq!(retry, first, "B answers with what A answered");
    let count = || {
        pledges::Entity::find()
            .filter(pledges::Column::NeedId.eq(need))
            .count(&db)
    };
    assert_eq!(count().await.unwrap(), 1);

    // Three pledges an hour, counted across both nodes: the fourth is refused, on either.
    for node in [&b, &a] {
        let (status, body) = status_and_json(pledge(node, None).await.unwrap()).await;
        assert_eq!(status, 201, "{body}");
    }
    let refused = pledge(&b, None).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let (_, error) = status_and_json(refused).await;
    assert_error_code(&error, "rate_limited");
    let (status, _) = status_and_json(pledge(&a, None).await.unwrap()).await;
    assert_eq!(status, 429, "A counts what B counted");
    assert_eq!(count().await.unwrap(), 3);

    // Shipped on A; the receipt photo is uploaded on B and read on A; the receipt confirmed
    // on A, which B's photo allows.
    let pledge_id = first["id"].as_i64().unwrap();
    let (status, body) = donor
        .post_json(
            &a,
            &format!("/pledges/{pledge_id}/ship"),
            &json!({"reference": "自送到村"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, photo) = status_and_json(
        cadre
            .post(&b, &format!("/pledges/{pledge_id}/photos"))
            .body(samples::phone_jpeg_with_gps(40, 30))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{photo}");
    let url = photo["url"].as_str().unwrap();
    let read = |node: String| {
        let client = cadre.client.clone();
        let url = format!("{node}{url}");
        async move { client.get(url).send().await.unwrap() }
    };
    let on_a = read(a.clone()).await;
    assert_eq!(on_a.status(), 200, "B's photo read on A");
    let cache_control = on_a.headers()["cache-control"].to_str().unwrap().to_owned();
    let on_a = on_a.bytes().await.unwrap();
    let on_b = read(b.clone()).await;
    assert_eq!(on_b.headers()["cache-control"], cache_control.as_str());
    assert_eq!(
        on_a,
        on_b.bytes().await.unwrap(),
        "the same bytes from both"
    );
    assert!(on_a.starts_with(&[0xff, 0xd8]), "a JPEG");
    let (status, body) = cadre
        .post_json(
            &a,
            &format!("/pledges/{pledge_id}/confirm"),
            &json!({"received_quantity": 1}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["receipt_photos"].as_array().unwrap().len(), 1);
    for dir in cluster.dirs() {
        assert!(
            !dir.join("files").exists(),
            "no node kept the photo on its own disk"
        );
    }

    // The outbox drains: every mail once, though two workers drain it and four schedulers tick.
    let drained = Instant::now();
    loop {
        let failed = outbox::Entity::find()
            .filter(outbox::Column::FailedAt.is_not_null())
            .all(&db)
            .await
            .unwrap();
        assert!(failed.is_empty(), "outbox rows failed: {failed:?}");
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::ProcessedAt.is_null())
            .count(&db)
            .await
            .unwrap();
        if waiting == 0 {
            break;
        }
        assert!(
            drained.elapsed() < Duration::from_secs(30),
            "{waiting} outbox rows never drained"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A second's more ticking: a scheduler or worker acting twice would show now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = smtp.received();
    let mut ids: Vec<String> = received.iter().map(|m| m.message_id()).collect();
    ids.sort();
    let all = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), all, "a mail was sent twice: {ids:?}");
    let to_donor = |kind: &str| {
        received
            .iter()
            .filter(|m| m.kind() == kind && m.to.iter().any(|to| to == DONOR))
            .count()
    };
    assert_eq!(to_donor("email_confirmation"), 1);
    assert_eq!(to_donor("pledge_confirmation"), 3, "one for each pledge");
    assert_eq!(to_donor("receipt_confirmed"), 1);
    cluster.all_running().unwrap();
    drop(cluster);
    eprintln!(
        "multi-node story: 2 API nodes, 2 workers, {} mails, {:.1} s",
        all,
        started.elapsed().as_secs_f64()
    );
}

/// Ticks the scheduler as two nodes at once (the same database, at the same moment).
async fn tick_twice(app: &crate::helpers::TestApp) -> duijie::worker::scheduler::TickReport {
    let (one, two) = tokio::join!(
        duijie::worker::scheduler::tick(&app.state),
        duijie::worker::scheduler::tick(&app.state)
    );
    let (one, two) = (one.expect("a tick"), two.expect("a tick"));
    duijie::worker::scheduler::TickReport {
        published: one.published + two.published,
        pledges_reminded: one.pledges_reminded + two.pledges_reminded,
        pledges_expired: one.pledges_expired + two.pledges_expired,
        ..Default::default()
    }
}

crate::db_test! {
    async fn schedulers_ticking_at_once_on_several_nodes_act_once(backend: Backend) {
        use duijie::domain::need::EventKind;
        use duijie::store::entity::need_events;

        // Every `serve` and every `duijie worker` runs a scheduler: each of its moves is a
        // guarded update, so two ticking at the same moment publish, remind and expire once.
        let app = crate::helpers::TestApp::spawn(backend).await;
        duijie::demo::seed(&app.db, &test_sealer()).await.expect("seeding the demo accounts");
        let cadre = app.login_demo("cadre").await;
        let verifier = app.login_demo("verifier").await;
        let mut needs = Vec::new();
        for title in ["村小学课桌椅", "村卫生室药柜", "村图书室书架"] {
            let (status, need) = cadre
                .post(
                    "/api/v1/needs",
                    &json!({
                        "beneficiary": "village", "village_code": VILLAGE, "category": "education",
                        "title": title, "description": "村里需要，开学前到位。", "unit": "set",
                        "target_quantity": 10, "unit_value_fen": 30_000, "min_pledge_quantity": 1,
                        "deadline": (app.clock.now() + chrono::Duration::days(90)).to_rfc3339(),
                    }),
                )
                .await;
            assert_eq!(status, 201, "{need}");
            let id = need["id"].as_i64().unwrap();
            let (status, _) = cadre.post(&format!("/api/v1/needs/{id}/submit"), &json!({})).await;
            assert_eq!(status, 200);
            let (status, body) = verifier.post(&format!("/api/v1/needs/{id}/verify"), &json!({})).await;
            assert_eq!((status, body["status"].as_str()), (200, Some("in_notice")), "{body}");
            needs.push(id);
        }
        app.clock.advance(chrono::Duration::days(app.state.settings.policy.notice_days.into()));
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(tick_twice(&app).await.published, 3);
        for &id in &needs {
            let published = need_events::Entity::find()
                .filter(need_events::Column::NeedId.eq(id))
                .filter(need_events::Column::Kind.eq(EventKind::Published))
                .count(&app.db)
                .await
                .unwrap();
            assert_eq!(published, 1, "need {id} published once");
        }

        let donor = app.login_demo("donor").await;
        let (status, pledge) = donor
            .post(&format!("/api/v1/needs/{}/pledges", needs[0]), &json!({"quantity": 1}))
            .await;
        assert_eq!(status, 201, "{pledge}");
        let due_at = chrono::DateTime::parse_from_rfc3339(pledge["due_at"].as_str().unwrap()).unwrap();
        let reminder = chrono::Duration::days(app.state.settings.policy.pledge_reminder_days.into());
        app.clock.set(due_at.with_timezone(&chrono::Utc) - reminder + chrono::Duration::hours(1));
        assert_eq!(tick_twice(&app).await.pledges_reminded, 1);
        let reminders = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("mail_pledge_expiring"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(reminders, 1, "one reminder queued");
        app.clock.set(due_at.with_timezone(&chrono::Utc) + chrono::Duration::hours(1));
        assert_eq!(tick_twice(&app).await.pledges_expired, 1);
        let (_, after) = donor.get(&format!("/api/v1/pledges/{}", pledge["id"])).await;
        assert_eq!(after["status"], "expired", "{after}");
    }
}
