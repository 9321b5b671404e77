//! The `duijie` binary itself: configuration errors, the import command, and a graceful stop.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::db_test;
use crate::helpers::{TestDatabase, regions_fixture};

pub fn duijie(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_duijie"));
    command
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    // The tests' own DUIJIE_* settings must not leak in from the developer's shell.
    for (key, _) in std::env::vars() {
        if key.starts_with("DUIJIE_") {
            command.env_remove(key);
        }
    }
    command
        .env("DUIJIE_DATA_DIR", dir)
        .env("DUIJIE_SECRET_KEY", "7e".repeat(32))
        .env("NO_COLOR", "1");
    command
}

/// `serve --demo`, told it may run on PostgreSQL when the test does.
pub fn demo_args(backend: crate::helpers::Backend) -> Vec<&'static str> {
    match backend {
        crate::helpers::Backend::Sqlite => vec!["serve", "--demo"],
        crate::helpers::Backend::Postgres => vec!["serve", "--demo", "--demo-anywhere"],
    }
}

/// `duijie serve --demo` running on a free loopback port, its log kept for the end.
pub struct DemoServer {
    pub base: String,
    child: std::process::Child,
}

impl DemoServer {
    /// Starts it and waits until it answers `/healthz`.
    pub async fn start(
        dir: &std::path::Path,
        database: &TestDatabase,
        backend: crate::helpers::Backend,
    ) -> Self {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let child = duijie(dir)
            .env("DUIJIE_DATABASE_URL", &database.url)
            .env("DUIJIE_BIND", format!("127.0.0.1:{port}"))
            .env("DUIJIE_REGIONS_DIR", regions_fixture())
            .args(demo_args(backend))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(format!("{base}/healthz")).await {
                assert_eq!(response.status(), 200);
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "serve did not come up"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { base, child }
    }

    /// A client signed in as the demo account `login`, and its CSRF token.
    pub async fn sign_in(&self, login: &str) -> (reqwest::Client, String) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let answer: serde_json::Value = client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"login": login, "password": duijie::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let csrf = answer["csrf_token"].as_str().unwrap().to_owned();
        (client, csrf)
    }

    /// Stops it with SIGTERM: whether it stopped cleanly, and its log.
    pub async fn stop(self) -> (bool, String) {
        let mut child = self.child;
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = tokio::task::spawn_blocking(move || {
            let _ = child.wait();
            child
        })
        .await
        .unwrap()
        .wait_with_output()
        .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

#[test]
fn a_bad_setting_stops_start_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = duijie(dir.path())
        .env("DUIJIE_NOTICE_DAYS", "three")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DUIJIE_NOTICE_DAYS"), "{stderr}");
    assert!(
        !dir.path().join("duijie.db").exists(),
        "nothing was created"
    );
}

#[test]
fn a_typo_in_the_configuration_file_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("duijie.toml"), "notice_dais = 3\n").unwrap();
    let output = duijie(dir.path()).arg("migrate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("notice_dais"), "{stderr}");
}

db_test! {
    async fn reindex_builds_the_index_and_reconcile_finds_and_repairs_drift(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let run = |args: &[&str]| {
            let output = duijie(dir.path())
                .env("DUIJIE_DATABASE_URL", &database.url)
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            (output.status.code(), stderr)
        };
        let fixture = regions_fixture();
        let import = ["regions", "import", "--from", fixture.to_str().unwrap()];
        assert_eq!(run(&import).0, Some(0));
        // The demo's sixteen needs; no worker runs, so the index knows none of them.
        assert_eq!(run(&["seed", "demo"]).0, Some(0));
        let (code, stderr) = run(&["reconcile", "--dry-run"]);
        assert_eq!(code, Some(1), "drift is an error under --dry-run: {stderr}");
        assert!(stderr.contains("missing=11"), "{stderr}");

        let (code, stderr) = run(&["reindex"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("indexed=11"), "{stderr}");
        // No terminal here: progress is logged instead of drawn.
        assert!(stderr.contains("reading needs read=16 total=16"), "{stderr}");
        let (code, stderr) = run(&["reconcile", "--dry-run"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("checked=11 missing=0 stale=0 extra=0"), "{stderr}");

        // Three more published needs behind the index's back: reconcile repairs them.
        assert_eq!(run(&["seed", "demo", "--needs", "3"]).0, Some(0));
        let (code, stderr) = run(&["reconcile"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("missing=3"), "{stderr}");
        assert!(stderr.contains("repaired=true"), "{stderr}");
        let (code, stderr) = run(&["reconcile", "--dry-run"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("checked=14 missing=0 stale=0 extra=0"), "{stderr}");
    }
}

db_test! {
    async fn regions_import_from_a_directory_is_idempotent(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let run = || {
            let output = duijie(dir.path())
                .env("DUIJIE_DATABASE_URL", &database.url)
                .args(["regions", "import", "--from"])
                .arg(regions_fixture())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(output.status.success(), "{stderr}");
            stderr
        };
        let first = run();
        assert!(first.contains("inserted=166"), "{first}");
        let second = run();
        assert!(second.contains("inserted=0") && second.contains("unchanged=166"), "{second}");
    }
}

db_test! {
    async fn serve_with_demo_answers_and_stops_gracefully_on_sigterm(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let server = DemoServer::start(dir.path(), &database, backend).await;
        let base = &server.base;
        let children: serde_json::Value = reqwest::get(format!("{base}/api/v1/regions/4414/children"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(children["children"].as_array().unwrap().len(), 8);

        // A cadre registers a household over HTTP, once with a body of the wrong shape (whose
        // error message echoes the value) and once properly: neither reaches the log.
        let secret_id = duijie::domain::id_card::IdCardNumber::complete("44142619930303123").unwrap();
        let (client, csrf) = server.sign_in("cadre@demo.duijie.cn").await;
        let household = |id: serde_json::Value| {
            serde_json::json!({
                "village_code": "441426100201", "head_name": "邱美玲", "id_card_number": id,
                "phone": "13912345678", "address": "杞园村秘密地址 8 号", "members_count": 2,
                "poverty_causes": ["illness"]
            })
        };
        let send = |body: serde_json::Value| {
            client
                .post(format!("{base}/api/v1/households"))
                .header("x-csrf-token", &csrf)
                .json(&body)
                .send()
        };
        let wrong_shape = send(household(serde_json::json!([secret_id.expose()]))).await.unwrap();
        assert_eq!(wrong_shape.status(), 400);
        let created = send(household(serde_json::json!(secret_id.expose()))).await.unwrap();
        assert_eq!(created.status(), 201);
        // Someone searches for a person by name: the query string is not logged either.
        let searched = client
            .get(format!("{base}/api/v1/needs/search?q=%E9%82%B1%E7%BE%8E%E7%8E%B2"))
            .send()
            .await
            .unwrap();
        assert_eq!(searched.status(), 200);

        let (stopped, stderr) = server.stop().await;
        assert!(stopped, "{stderr}");
        assert!(stderr.contains("demo data set in place"), "{stderr}");
        assert!(stderr.contains("households=5"), "the demo registered its households: {stderr}");
        assert!(stderr.contains("stopped"), "{stderr}");
        // Registering households, by the seed and over HTTP, logged nothing private.
        for h in duijie::demo::HOUSEHOLDS {
            for value in [h.head_name, h.phone, h.address, h.id_card().expose()] {
                assert!(!stderr.contains(value), "the log holds `{value}`");
            }
        }
        for value in ["邱美玲", "%E9%82%B1", "q=", "13912345678", "秘密地址", secret_id.expose(), "19930303"] {
            assert!(!stderr.contains(value), "the log holds `{value}`");
        }
        assert!(stderr.contains("request finished"), "one line per request: {stderr}");
    }
}

db_test! {
    async fn create_admin_makes_an_administrator_who_can_sign_in(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let run = |password: &str| {
            let mut child = duijie(dir.path())
                .env("DUIJIE_DATABASE_URL", &database.url)
                .args(["user", "create-admin", "--email", "Root@Example.cn", "--name", "根管理员"])
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
            child.wait_with_output().unwrap()
        };
        let short = run("short");
        assert!(!short.status.success());
        assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));

        let output = run("a very long admin password");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("a very long admin password"), "the password is not echoed");
        let again = run("a very long admin password");
        assert!(!again.status.success(), "a second admin with the same email is refused");

        use duijie::store::entity::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let mut settings = crate::helpers::test_settings(dir.path(), &database.url);
        settings.secret_key = None;
        let db = duijie::store::connect(&settings).await.unwrap();
        let user = users::Entity::find().filter(users::Column::Email.eq("root@example.cn")).one(&db).await.unwrap().unwrap();
        assert!(duijie::service::auth::password::verify("a very long admin password", &user.password_hash));
        let actor = duijie::store::accounts::load_actor(&db, user.id).await.unwrap();
        assert!(actor.has_role(duijie::domain::authz::Role::Admin));
    }
}

db_test! {
    async fn a_worker_process_keeps_the_search_of_a_serve_without_one_fresh(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let start = |args: &[&str], env: &[(&str, &str)]| {
            duijie(dir.path())
                .env("DUIJIE_DATABASE_URL", &database.url)
                .env("DUIJIE_BIND", format!("127.0.0.1:{port}"))
                .env("DUIJIE_REGIONS_DIR", regions_fixture())
                .env("DUIJIE_OUTBOX_POLL_MS", "50")
                .envs(env.iter().copied())
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        // An API node that drains no outbox (and, logging warnings only, cannot fill the
        // pipe), and a worker beside it that writes the index.
        let serve = start(&demo_args(backend), &[("DUIJIE_RUN_WORKER", "false"), ("RUST_LOG", "warn")]);
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{base}/healthz")).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "serve did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let worker = start(&["worker"], &[]);
        // The worker fills the new index from the database; the server's searches see its
        // commits without a restart.
        let found = loop {
            let body: serde_json::Value = reqwest::get(format!("{base}/api/v1/needs/search?q=课桌椅"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if body["total"].as_u64().unwrap_or(0) > 0 {
                break body;
            }
            assert!(started.elapsed() < Duration::from_secs(90), "search never filled: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(found["hits"][0]["region_codes"][4], "441426100200", "{found}");

        for child in [&serve, &worker] {
            let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
            assert!(status.success());
        }
        let (serve, worker) = tokio::task::spawn_blocking(move || {
            (serve.wait_with_output().unwrap(), worker.wait_with_output().unwrap())
        })
        .await
        .unwrap();
        let log = String::from_utf8_lossy(&worker.stderr);
        assert!(worker.status.success(), "{log}");
        assert!(log.contains("search index filled"), "{log}");
        assert!(log.contains("worker stopped"), "{log}");
        assert!(serve.status.success(), "{}", String::from_utf8_lossy(&serve.stderr));
    }
}

#[tokio::test]
async fn serve_demo_stays_on_sqlite_on_a_loopback_address_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |env: &[(&str, &str)], args: &[&str]| {
        let output = duijie(dir.path())
            .envs(env.iter().copied())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // Every machine on the network would reach it.
    let (ok, stderr) = serve(&[("DUIJIE_BIND", "0.0.0.0:0")], &["serve", "--demo"]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("`serve --demo` refuses to start"),
        "{stderr}"
    );
    assert!(stderr.contains("0.0.0.0:0 (DUIJIE_BIND)"), "{stderr}");
    assert!(
        stderr.contains("DUIJIE_BIND=127.0.0.1:8080"),
        "it says what to do: {stderr}"
    );
    assert!(stderr.contains("--demo-anywhere"), "{stderr}");
    assert!(
        !dir.path().join("duijie.db").exists(),
        "nothing was created"
    );

    // A PostgreSQL database, even on this machine (it is not reached: refused first).
    let postgres = [
        ("DUIJIE_DATABASE_URL", "postgres://nobody@127.0.0.1:9/none"),
        ("DUIJIE_BIND", "[::1]:0"),
    ];
    let (ok, stderr) = serve(&postgres, &["serve", "--demo"]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("its database is PostgreSQL"), "{stderr}");
    assert!(
        !stderr.contains("DUIJIE_BIND)"),
        "[::1] is loopback: {stderr}"
    );

    // Told otherwise, it serves (here on every address of this machine).
    let port = {
        let listener = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut child = duijie(dir.path())
        .env("DUIJIE_BIND", format!("0.0.0.0:{port}"))
        .env("DUIJIE_REGIONS_DIR", regions_fixture())
        .env("RUST_LOG", "warn")
        .args(["serve", "--demo", "--demo-anywhere"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .is_err()
    {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("serve --demo --demo-anywhere stopped: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
    // And `--demo-anywhere` means nothing without `--demo`.
    let (ok, stderr) = serve(&[], &["serve", "--demo-anywhere"]);
    assert!(!ok && stderr.contains("--demo"), "{stderr}");
}
