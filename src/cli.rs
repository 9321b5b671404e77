//! What each `duijie` subcommand does, apart from parsing its arguments.

use std::path::PathBuf;

use anyhow::Context as _;

use anyhow::bail;
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::startup::{Application, MetricsServer};
use crate::store::regions as region_store;
use crate::{service, store};

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = store::connect(settings)
        .await
        .context("connecting to the database")?;
    store::migrate(&db).await.context("applying migrations")?;
    tracing::info!("database schema is up to date");
    Ok(())
}

pub async fn serve(settings: Settings, demo: bool, demo_anywhere: bool) -> anyhow::Result<()> {
    if demo && !demo_anywhere {
        demo_stays_home(&settings)?;
    }
    for line in crate::startup::describe(&settings) {
        tracing::info!("{line}");
    }
    if demo {
        let db = store::connect(&settings)
            .await
            .context("connecting to the database")?;
        if settings.database.auto_migrate {
            store::migrate(&db).await.context("applying migrations")?;
        }
        if region_store::count(&db).await? == 0 {
            import_regions_into(&db, &settings, None).await?;
        }
        seed_demo_into(&db, &settings, 0).await?;
    }
    if crate::http::frontend::is_built(&settings.server.frontend_dir) {
        tracing::info!(from = %settings.server.frontend_dir.display(), "web front end");
    } else {
        tracing::warn!(
            "the web front end is not built ({} has no index.html): only the API is served; \
             run `npm ci && npm run build` in frontend/",
            settings.server.frontend_dir.display()
        );
    }
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "listening");
    if let Some(port) = app.metrics_port() {
        tracing::info!(port, "metrics listening (GET /metrics)");
    }
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

/// The demo's accounts share a published password: `serve --demo` runs where only this machine
/// reaches it, on a database of its own, unless told otherwise.
fn demo_stays_home(settings: &Settings) -> anyhow::Result<()> {
    let bind = settings.server.bind;
    let mut wrong = Vec::new();
    if settings.uses_postgres() {
        wrong.push("its database is PostgreSQL (DUIJIE_DATABASE_URL)".to_owned());
    }
    if !bind.ip().is_loopback() {
        wrong.push(format!(
            "it would listen on {bind} (DUIJIE_BIND), which other machines reach"
        ));
    }
    if wrong.is_empty() {
        return Ok(());
    }
    bail!(
        "`serve --demo` refuses to start: {}. The demo's accounts all have the published \
         password `{}`, so it runs on SQLite on a loopback address only: unset \
         DUIJIE_DATABASE_URL and set DUIJIE_BIND=127.0.0.1:8080, or add `--demo-anywhere` if \
         exposing the demo is really meant",
        wrong.join(", and "),
        crate::demo::DEMO_PASSWORD
    )
}

/// Re-seals every private value under the configured key (see `service::keys`), printing its
/// progress.
pub async fn rotate_keys(
    settings: &Settings,
    batch_size: u64,
    max_batches: Option<u64>,
) -> anyhow::Result<()> {
    if settings.secret_key.is_none() && settings.previous_secret_key.is_some() {
        bail!("set DUIJIE_SECRET_KEY to the new key (generate one with `openssl rand -hex 32`)");
    }
    let db = connect_migrated(settings).await?;
    let sealer = crate::startup::key_ring(settings)?;
    let options = service::keys::RotateOptions {
        batch_size,
        max_batches,
    };
    let report = service::keys::rotate(&db, &sealer, options, |p| {
        tracing::info!(
            pass = p.pass,
            table = %p.table,
            read = p.read,
            total = p.total,
            resealed = p.resealed,
            "re-sealing"
        );
    })
    .await?;
    tracing::info!(
        households = report.households_resealed,
        mail_links = report.links_resealed,
        unreadable = report.unreadable,
        batches = report.batches,
        "re-sealed under the new key"
    );
    if report.unreadable > 0 {
        tracing::warn!(
            unreadable = report.unreadable,
            "some values opened under neither key (each is logged above with its place); \
             they were left as they are and stay unreadable"
        );
    }
    if report.finished {
        tracing::info!(
            "key rotation finished: every value is under the new key; nodes start with it \
             alone now (DUIJIE_PREVIOUS_SECRET_KEY is no longer needed) and refuse the old one"
        );
    } else {
        tracing::info!(
            "stopped after {} batches as asked: the rotation is under way; run \
             `duijie keys rotate` again to finish it",
            report.batches
        );
    }
    Ok(())
}

pub async fn import_regions(settings: &Settings, from: Option<PathBuf>) -> anyhow::Result<()> {
    let db = connect_migrated(settings).await?;
    import_regions_into(&db, settings, from).await
}

async fn import_regions_into(
    db: &DatabaseConnection,
    settings: &Settings,
    from: Option<PathBuf>,
) -> anyhow::Result<()> {
    let dir = service::regions::locate(
        from.or_else(|| settings.regions_dir.clone()),
        &settings.data_dir,
    )?;
    tracing::info!(from = %dir.display(), "importing administrative divisions");
    let report = service::regions::import(db, &dir).await?;
    tracing::info!(
        read = report.read,
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        seconds = format!("{:.1}", report.elapsed.as_secs_f64()),
        "administrative divisions imported"
    );
    Ok(())
}

pub async fn seed_demo(settings: &Settings, needs: u32) -> anyhow::Result<()> {
    let db = connect_migrated(settings).await?;
    seed_demo_into(&db, settings, needs).await
}

async fn seed_demo_into(
    db: &DatabaseConnection,
    settings: &Settings,
    extra_needs: u32,
) -> anyhow::Result<()> {
    let sealer = std::sync::Arc::new(crate::startup::load_sealer(settings, db).await?);
    let report = crate::demo::seed(db, &sealer).await?;
    let needs = crate::demo::needs::seed(db, settings, sealer.clone(), extra_needs).await?;
    let pledges = crate::demo::pledges::seed(db, settings, sealer.clone()).await?;
    let offers = crate::demo::offers::seed(db, settings, sealer.clone()).await?;
    let products = crate::demo::products::seed(db, settings, sealer).await?;
    tracing::info!(
        users = report.users,
        roles = report.roles,
        organisations = report.organisations,
        villages = report.villages,
        pairings = report.pairings,
        households = report.households,
        needs,
        pledges,
        offers,
        products,
        "demo data set in place (counts are what this run created)"
    );
    let accounts: Vec<&str> = crate::demo::account_emails().collect();
    tracing::info!(
        password = crate::demo::DEMO_PASSWORD,
        "demo accounts: {}",
        accounts.join(", ")
    );
    Ok(())
}

pub async fn create_admin(settings: &Settings, email: &str, name: &str) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    if !validator::ValidateEmail::validate_email(&email) {
        bail!("--email: `{email}` is not an email address");
    }
    eprintln!("password for {email} (at least 12 characters), then Enter:");
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 12 {
        bail!("the password must be at least 12 characters long");
    }
    let db = connect_migrated(settings).await?;
    let id = service::accounts::create_admin(&db, &email, name, password).await?;
    tracing::info!(user_id = id, email = %email, "administrator created");
    Ok(())
}

/// Connects to the database and brings its schema up to date.
async fn connect_migrated(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = store::connect(settings)
        .await
        .context("connecting to the database")?;
    store::migrate(&db).await.context("applying migrations")?;
    Ok(db)
}

/// Rewrites the search indexes (needs, with a progress bar on standard error, then offers and
/// products) from the database, and marks each as this database's once it is complete
/// (`service::search_identity::rebuild`): an index of another database or schema becomes this
/// one's, whatever `search_on_mismatch` says.
pub async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    use service::search_identity::rebuild;
    let db = connect_migrated(settings).await?;
    let instance = service::search_identity::instance_id(&db).await?;
    let index = crate::search::open(settings).context("opening the search index")?;
    let total = service::search::needs_count(&db).await?;
    tracing::info!(index = %index.describe(), needs = total, "rebuilding the search index");
    let started = std::time::Instant::now();
    let mut progress = Progress::new(total);
    let mut removed = 0;
    let indexed = rebuild(index.as_ref(), "needs", &instance, || async {
        let report = service::search::reindex(&db, index.as_ref(), |read| progress.show(read))
            .await
            .map_err(|e| e.to_string())?;
        removed = report.removed;
        Ok(report.indexed)
    })
    .await
    .context("rebuilding the search index")?;
    progress.finish();
    tracing::info!(
        indexed,
        removed,
        seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
        "search index rebuilt"
    );
    let offers = crate::search::open_offers(settings).context("opening the offers index")?;
    let indexed = rebuild(offers.as_ref(), "offers", &instance, || async {
        service::offers::search::reindex_offers(&db, offers.as_ref())
            .await
            .map_err(|e| e.to_string())
    })
    .await
    .context("rebuilding the offers index")?;
    tracing::info!(index = %offers.describe(), indexed, "offers index rebuilt");
    let products = crate::search::open_products(settings).context("opening the products index")?;
    let indexed = rebuild(products.as_ref(), "products", &instance, || async {
        service::products::search::reindex_products(&db, products.as_ref(), crate::clock::now())
            .await
            .map_err(|e| e.to_string())
    })
    .await
    .context("rebuilding the products index")?;
    tracing::info!(index = %products.describe(), indexed, "products index rebuilt");
    tracing::info!(instance = %instance, "the search indexes mirror this database");
    Ok(())
}

/// Progress of a long command: a bar on a terminal; on a log (no terminal), a line every few
/// seconds and one at the end.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    read: u64,
    logged: std::time::Instant,
}

impl Progress {
    fn new(total: u64) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} needs read ({per_sec}, {eta} left)",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Self {
            bar,
            total,
            read: 0,
            logged: std::time::Instant::now(),
        }
    }

    fn show(&mut self, read: u64) {
        self.read = read;
        match &self.bar {
            Some(bar) => bar.set_position(read),
            None if self.logged.elapsed() >= std::time::Duration::from_secs(5) => {
                self.logged = std::time::Instant::now();
                tracing::info!(read, total = self.total, "reading needs");
            }
            None => {}
        }
    }

    fn finish(self) {
        match self.bar {
            Some(bar) => bar.finish(),
            None => tracing::info!(read = self.read, total = self.total, "reading needs"),
        }
    }
}

/// Compares the index with the database; repairs unless `dry_run`. Drift left in place is an
/// error, so that a scheduled check fails loudly.
pub async fn reconcile(settings: &Settings, dry_run: bool) -> anyhow::Result<()> {
    let db = connect_migrated(settings).await?;
    let index = crate::search::open(settings).context("opening the search index")?;
    index
        .prepare()
        .await
        .context("preparing the search index")?;
    let drift = service::search::reconcile(&db, index.as_ref(), !dry_run)
        .await
        .context("comparing the search index with the database")?;
    let sample = |ids: &[i64]| {
        ids.iter()
            .take(20)
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    tracing::info!(
        checked = drift.checked,
        missing = drift.missing.len(),
        stale = drift.stale.len(),
        extra = drift.extra.len(),
        missing_ids = %sample(&drift.missing),
        stale_ids = %sample(&drift.stale),
        extra_ids = %sample(&drift.extra),
        repaired = drift.repaired,
        "search index reconciled"
    );
    if dry_run && !drift.is_clean() {
        bail!(
            "the search index has drifted from the database; run `duijie reconcile` to repair it"
        );
    }
    Ok(())
}

/// Moves the data directory's files into the database (`duijie files to-database`).
pub async fn files_to_database(settings: &Settings) -> anyhow::Result<()> {
    if !settings.uses_postgres() {
        bail!(
            "files are kept in the database only on PostgreSQL: set DUIJIE_DATABASE_URL to the \
             PostgreSQL database the nodes share"
        );
    }
    let db = connect_migrated(settings).await?;
    let dir = settings.data_dir.join("files");
    tracing::info!(from = %dir.display(), "moving files into the database");
    let report = store::files::move_to_database(&dir, &db)
        .await
        .with_context(|| format!("moving the files under {}", dir.display()))?;
    tracing::info!(
        moved = report.moved,
        already_there = report.already_there,
        conflicts = report.conflicts,
        "files moved into the database"
    );
    if settings.file_backend() != crate::config::FileBackend::Database {
        tracing::warn!(
            "DUIJIE_FILES is `directory`: the nodes still read the directory; set \
             DUIJIE_FILES=database (or unset it) so that they read the database"
        );
    }
    if report.conflicts > 0 {
        bail!(
            "{} file(s) were left in {}: the database holds other bytes under their keys",
            report.conflicts,
            dir.display()
        );
    }
    Ok(())
}

/// The background work without the HTTP API, until SIGINT or SIGTERM.
pub async fn worker(settings: Settings) -> anyhow::Result<()> {
    for line in crate::startup::describe(&settings) {
        tracing::info!("{line}");
    }
    let db = connect_migrated(&settings).await?;
    let metrics_listen = settings.server.metrics_listen;
    let sealer = std::sync::Arc::new(crate::startup::load_sealer(&settings, &db).await?);
    let state = std::sync::Arc::new(
        crate::startup::context(db, settings, sealer, crate::clock::Clock::system())
            .context("opening the search index")?,
    );
    service::search_identity::check_at_start(&state)
        .await
        .context("checking the search indexes against the database")?;
    let metrics = match metrics_listen {
        Some(address) => {
            let server = MetricsServer::bind(address, actix_web::web::Data::from(state.clone()))?;
            tracing::info!(port = server.port(), "metrics listening (GET /metrics)");
            Some(server.spawn())
        }
        None => None,
    };
    let tasks = [
        crate::worker::outbox::spawn(state.clone()),
        crate::worker::mail::spawn(state.clone()),
        crate::worker::scheduler::spawn(state),
    ];
    tracing::info!("worker running: outbox (search and mail) and scheduler");
    shutdown_signal().await;
    for task in &tasks {
        task.abort();
    }
    if let Some(metrics) = metrics {
        metrics.stop().await;
    }
    tracing::info!("worker stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Writes an online backup of the SQLite database, with the data directory's photos, to
/// `target` (`duijie backup`); on PostgreSQL, says what to use instead.
pub async fn backup(settings: &Settings, target: PathBuf, force: bool) -> anyhow::Result<()> {
    if settings.uses_postgres() {
        bail!(
            "`duijie backup` copies a SQLite database; on PostgreSQL use its own tools: \
             `pg_dump -Fc` to back up, `pg_restore` then `duijie reindex` to restore (README, \
             \"Operations\")"
        );
    }
    let file = store::sqlite_file(settings)?;
    if !file.exists() {
        bail!("there is no database at {} to back up", file.display());
    }
    let db = connect_migrated(settings).await?;
    let report = service::backup::backup(settings, &db, &target, force).await?;
    println!(
        "wrote {} ({} bytes), schema {}",
        report.path.display(),
        report.bytes,
        report.schema
    );
    for (table, rows) in &report.tables {
        println!("  {table}: {rows} rows");
    }
    println!(
        "  photos copied in from {}: {}",
        settings.data_dir.join("files").display(),
        report.files
    );
    println!(
        "The private data in it is sealed with the secret key, which it does not hold: keep \
         the key (DUIJIE_SECRET_KEY, or {}) safe, apart from the backup.",
        settings.data_dir.join(crate::secret::KEY_FILE).display()
    );
    Ok(())
}

/// Puts a backup in place of the SQLite database and rebuilds the search indexes from it
/// (`duijie restore`).
pub async fn restore(settings: &Settings, source: PathBuf) -> anyhow::Result<()> {
    if settings.uses_postgres() {
        bail!(
            "`duijie restore` restores a SQLite backup; on PostgreSQL use `pg_restore`, then \
             `duijie reindex` (README, \"Operations\")"
        );
    }
    // Nothing is replaced until every index is marked as being filled: from then on no node
    // takes an index filled from the database before the restore for this one's (it keeps its
    // instance id), even should the rebuild below stop half-way.
    let report = service::backup::restore(settings, &source, |instance| async move {
        mark_indexes_filling(settings, instance.as_deref()).await
    })
    .await?;
    println!(
        "restored {} into {} (schema {}{})",
        source.display(),
        report.database.display(),
        report.schema,
        if report.migrated > 0 {
            format!(", {} migration(s) applied now", report.migrated)
        } else {
            String::new()
        }
    );
    if let Some(kept) = &report.replaced {
        println!(
            "the database it replaced is kept at {}: delete it once satisfied",
            kept.display()
        );
    }
    println!("photos put back: {}", report.files);
    reindex(settings)
        .await
        .context("rebuilding the search indexes from the restored database")?;
    println!("search indexes rebuilt from the restored database");
    Ok(())
}

/// Marks every search index as being filled from the database `instance` (when the backup has
/// one; one without has never had a node, and no index can pass for its).
async fn mark_indexes_filling(settings: &Settings, instance: Option<&str>) -> anyhow::Result<()> {
    use crate::search::{IndexIdentity, NeedDocument, OfferDocument, ProductDocument};
    let Some(instance) = instance else {
        return Ok(());
    };
    let needs = crate::search::open(settings).context("opening the search index")?;
    needs
        .set_identity(&IndexIdentity::of::<NeedDocument>(instance).filling())
        .await
        .context("marking the needs index as being rebuilt")?;
    let offers = crate::search::open_offers(settings).context("opening the offers index")?;
    offers
        .set_identity(&IndexIdentity::of::<OfferDocument>(instance).filling())
        .await
        .context("marking the offers index as being rebuilt")?;
    let products = crate::search::open_products(settings).context("opening the products index")?;
    products
        .set_identity(&IndexIdentity::of::<ProductDocument>(instance).filling())
        .await
        .context("marking the products index as being rebuilt")?;
    Ok(())
}

/// Checks the platform (`duijie doctor`), printing a line per check (or one JSON document), and
/// returns the exit code for monitoring.
pub async fn doctor(
    settings: &Settings,
    thresholds: crate::domain::doctor::OutboxThresholds,
    json: bool,
) -> anyhow::Result<u8> {
    use crate::domain::doctor::{Status, exit_code};
    let findings = service::doctor::examine(settings, doctor_keys(settings), thresholds).await;
    let code = exit_code(&findings);
    let text = if json {
        let worst = findings
            .iter()
            .map(|f| f.status)
            .max()
            .unwrap_or(Status::Ok);
        let document = serde_json::json!({
            "status": worst,
            "exit_code": code,
            "checks": findings,
        });
        serde_json::to_string_pretty(&document)?
    } else {
        findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    // A reader that stopped reading (`| head`) changes nothing about the verdict: the exit
    // code still says it.
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(code)
}

/// The keys `duijie doctor` checks: the configured ones, never a key generated now.
fn doctor_keys(settings: &Settings) -> service::doctor::Keys {
    let key_file = settings.data_dir.join(crate::secret::KEY_FILE);
    let from = match &settings.secret_key {
        Some(_) => "DUIJIE_SECRET_KEY".to_owned(),
        None if key_file.exists() => key_file.display().to_string(),
        None => {
            return Err(format!(
                "DUIJIE_SECRET_KEY is not set and there is no {}: the private data cannot be \
                 opened",
                key_file.display()
            ));
        }
    };
    let sealer = crate::startup::key_ring(settings).map_err(|e| format!("{from}: {e:#}"))?;
    Ok((sealer, from))
}
