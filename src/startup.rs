//! Building the application from its settings: shared by `duijie serve` and the tests, which
//! bind port 0 and talk HTTP to what this returns.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;

use crate::clock::Clock;
use crate::config::{FileBackend, Settings};
use crate::crypto::Sealer;
use crate::mail::Mailer;
use crate::search::{self, Document, NeedDocument, OfferDocument, ProductDocument, SearchIndex};
use crate::secret::SecretKey;
use crate::service::Context;
use crate::store::files::FileStore;
use crate::{http, store, worker};

/// Lines for the start-up log saying what this instance runs on (database, search, mail); no
/// secret in them.
pub fn describe(settings: &Settings) -> Vec<String> {
    let mail = match Mailer::from_settings(settings) {
        Ok(mailer) => mailer.describe(),
        Err(e) => format!("not usable ({e})"),
    };
    let mut lines = settings.describe();
    lines.push(format!("mail: {mail}"));
    lines
}

/// The use cases' context over the search engine the settings choose.
pub fn context(
    db: DatabaseConnection,
    settings: Settings,
    sealer: Arc<Sealer>,
    clock: Clock,
) -> anyhow::Result<Context> {
    let search = search::open(&settings)?;
    let offer_search = search::open_offers(&settings)?;
    let product_search = search::open_products(&settings)?;
    context_with_search(
        db,
        settings,
        sealer,
        clock,
        search,
        offer_search,
        product_search,
    )
}

/// The use cases' context over search indexes of the caller's (needs, offers, products): the
/// file store and the mail transport are built here, from the settings.
pub fn context_with_search(
    db: DatabaseConnection,
    settings: Settings,
    sealer: Arc<Sealer>,
    clock: Clock,
    search: Arc<dyn SearchIndex<NeedDocument>>,
    offer_search: Arc<dyn SearchIndex<OfferDocument>>,
    product_search: Arc<dyn SearchIndex<ProductDocument>>,
) -> anyhow::Result<Context> {
    let files = files(&settings, &db);
    let mailer = Mailer::from_settings(&settings).map_err(anyhow::Error::msg)?;
    let hashing = crate::service::auth::hashing::HashPool::new(
        settings.server.hash_workers,
        settings.server.hash_queue,
    );
    Ok(Context {
        db,
        hashing,
        settings: Arc::new(settings),
        sealer,
        clock,
        files,
        search,
        search_config: Arc::new(NeedDocument::config()),
        offer_search,
        offer_search_config: Arc::new(OfferDocument::config()),
        product_search,
        product_search_config: Arc::new(ProductDocument::config()),
        mailer: Arc::new(mailer),
        metrics: Arc::new(crate::metrics::Metrics::new()),
    })
}

/// Where uploaded files live (`DUIJIE_FILES`): under the data directory, or in the database
/// for every node to read. A node storing them in the database whose directory still holds
/// files from before serves those from there, and says so: only `duijie files to-database`
/// makes them readable on the other nodes.
fn files(settings: &Settings, db: &DatabaseConnection) -> FileStore {
    let dir = settings.data_dir.join("files");
    match settings.file_backend() {
        FileBackend::Directory => FileStore::new(dir),
        FileBackend::Database => {
            if crate::store::files::directory_has_files(&dir) {
                tracing::warn!(
                    dir = %dir.display(),
                    "files are kept in the database, but this directory still holds files from \
                     before: this node serves them from here, other nodes do not see them until \
                     `duijie files to-database` moves them"
                );
                return FileStore::database_over(db.clone(), dir);
            }
            FileStore::database(db.clone())
        }
    }
}

/// The metrics listener (`DUIJIE_METRICS_LISTEN`), bound and not yet serving: `GET /metrics`
/// and nothing else, on one worker thread, on an address of its own so that the public proxy
/// in front of the API never exposes it.
pub struct MetricsServer {
    port: u16,
    server: Server,
}

/// A metrics listener serving in a task of its own.
pub struct RunningMetrics {
    handle: actix_web::dev::ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl MetricsServer {
    /// Binds `address` for the metrics of the process whose context is `state`.
    pub fn bind(address: std::net::SocketAddr, state: web::Data<Context>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(address)
            .with_context(|| format!("binding the metrics listener {address}"))?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(http::metrics::routes)
        })
        .workers(1)
        // The process's own shutdown stops it (`RunningMetrics::stop`).
        .disable_signals()
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped.
    pub fn spawn(self) -> RunningMetrics {
        RunningMetrics {
            handle: self.server.handle(),
            task: tokio::spawn(self.server),
        }
    }
}

impl RunningMetrics {
    /// Stops the listener, letting a scrape under way finish.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        let _ = self.task.await;
    }
}

/// A built, bound, not yet running application.
pub struct Application {
    port: u16,
    server: Server,
    /// The metrics listener, when `DUIJIE_METRICS_LISTEN` asks for one.
    metrics: Option<MetricsServer>,
    state: web::Data<Context>,
    /// The scheduler and, unless turned off, the outbox workers (search and mail).
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Connects to the database (migrating it if so configured), loads the secret key and binds
    /// the listening socket.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = store::connect(&settings)
            .await
            .context("connecting to the database")?;
        if settings.database.auto_migrate {
            store::migrate(&db).await.context("applying migrations")?;
        }
        Self::build_with_db(settings, db).await
    }

    /// As [`Application::build`], on a database connection the caller has prepared.
    pub async fn build_with_db(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, db, Clock::system()).await
    }

    /// As [`Application::build_with_db`], telling the time by `clock` (tests move it).
    pub async fn build_with_clock(
        settings: Settings,
        db: DatabaseConnection,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let search = search::open(&settings).context("opening the needs index")?;
        let offer_search = search::open_offers(&settings).context("opening the offers index")?;
        let product_search =
            search::open_products(&settings).context("opening the products index")?;
        Self::build_with_search(settings, db, clock, search, offer_search, product_search).await
    }

    /// As [`Application::build_with_clock`], over search indexes of the caller's (needs,
    /// offers, products).
    pub async fn build_with_search(
        settings: Settings,
        db: DatabaseConnection,
        clock: Clock,
        search: Arc<dyn SearchIndex<NeedDocument>>,
        offer_search: Arc<dyn SearchIndex<OfferDocument>>,
        product_search: Arc<dyn SearchIndex<ProductDocument>>,
    ) -> anyhow::Result<Self> {
        let sealer = load_sealer(&settings, &db).await?;
        tokio::task::spawn_blocking(|| {
            crate::service::auth::warm_up();
            search::text::warm_up();
        })
        .await?;
        let listener = TcpListener::bind(settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let max_json_bytes = settings.server.max_json_bytes;
        let shutdown_timeout = settings.server.shutdown_timeout_secs;
        let metrics_listen = settings.server.metrics_listen;
        let run_worker = settings.worker.run;
        let state = web::Data::new(context_with_search(
            db,
            settings,
            Arc::new(sealer),
            clock,
            search,
            offer_search,
            product_search,
        )?);
        // Bound before any background task starts: an address in use fails the build cleanly.
        let metrics = metrics_listen
            .map(|address| MetricsServer::bind(address, state.clone()))
            .transpose()?;
        // The database's instance id is made on its first start; set to `refuse`, a node does
        // not start on an index of another database or schema.
        crate::service::search_identity::check_at_start(&state)
            .await
            .context("checking the search indexes against the database")?;
        let mut background = vec![worker::scheduler::spawn(state.clone().into_inner())];
        if run_worker {
            background.push(worker::outbox::spawn(state.clone().into_inner()));
            background.push(worker::mail::spawn(state.clone().into_inner()));
        }
        let app_state = state.clone();

        let server = HttpServer::new(move || {
            let app = App::new()
                .app_data(state.clone())
                .configure(|cfg| http::extractor_config(cfg, max_json_bytes));
            http::with_routes(app)
                .default_service(web::to(http::frontend::serve))
                // `2.0` is the integer 2 in a JSON body, as JSON Schema has it.
                .wrap(from_fn(http::whole_numbers))
                // A bad `Authorization` header is refused on every route, before any handler.
                .wrap(from_fn(http::auth::credentials))
                // Outermost last: the logger opens the request's span, the request id is then
                // known to everything inside, and panics are caught inside both.
                .wrap(from_fn(http::catch_panic))
                // Gzip or Brotli where the client accepts it: the app's scripts and the JSON,
                // on a rural phone connection.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(http::security_headers())
                .wrap(from_fn(http::transport::hsts))
                .wrap(from_fn(http::request_id_header))
                .wrap(TracingLogger::<http::RequestSpans>::new())
                // Outermost of all, so that its time is the whole of the request's.
                .wrap(from_fn(http::metrics::count_requests))
        })
        .listen(listener)?
        .shutdown_timeout(shutdown_timeout)
        .run();
        Ok(Self {
            port,
            server,
            metrics,
            state: app_state,
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The metrics listener's port, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(MetricsServer::port)
    }

    /// A handle to stop the server (tests stop one node before starting the next).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// What the handlers share (tests call services and the scheduler through it).
    pub fn state(&self) -> web::Data<Context> {
        self.state.clone()
    }

    /// Serves until SIGINT or SIGTERM (or its [`Application::server_handle`] stops it), then
    /// lets in-flight requests finish (graceful shutdown) and ends the background tasks: when it
    /// returns, they have let go of what they held (the embedded indexes' write locks).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(MetricsServer::spawn);
        let result = self.server.await;
        if let Some(metrics) = metrics {
            metrics.stop().await;
        }
        for task in &self.background {
            task.abort();
        }
        for task in self.background {
            let _ = task.await;
        }
        result
    }
}

/// The sealer for private fields, from the configured secret key (or, on SQLite only, one kept
/// in the data directory) and, during a key rotation, the previous key; checked against the
/// keys the database says its data is under.
pub async fn load_sealer(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<Sealer> {
    let mut sealer = key_ring(settings)?;
    crate::service::keys::admit_node(db, &mut sealer).await?;
    Ok(sealer)
}

/// The sealer of the configured keys, not yet checked against a database.
pub fn key_ring(settings: &Settings) -> anyhow::Result<Sealer> {
    if settings.secret_key.is_none() && settings.uses_postgres() {
        anyhow::bail!(
            "DUIJIE_SECRET_KEY is required with PostgreSQL: every node must encrypt private \
             household data with the same key (generate one with `openssl rand -hex 32`)"
        );
    }
    let (secret_key, generated) =
        SecretKey::load_or_generate(settings.secret_key.as_ref(), &settings.data_dir)
            .context("loading the secret key")?;
    if generated {
        tracing::warn!(
            file = %settings.data_dir.join("secret.key").display(),
            "no DUIJIE_SECRET_KEY configured: generated one into the data directory; \
             back it up, private household data cannot be read without it"
        );
    }
    let previous = settings
        .previous_secret_key
        .as_ref()
        .map(|key| SecretKey::parse(secrecy::ExposeSecret::expose_secret(key)))
        .transpose()
        .map_err(|e| anyhow::anyhow!("DUIJIE_PREVIOUS_SECRET_KEY {e}"))?;
    Ok(Sealer::with_previous(&secret_key, previous.as_ref()))
}
