//! What each `duijie` subcommand does, apart from parsing its arguments.

use std::path::PathBuf;

use anyhow::Context;

use anyhow::bail;
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::startup::Application;
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

pub async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    for line in settings.describe() {
        tracing::info!("{line}");
    }
    if demo {
        let db = store::connect(&settings)
            .await
            .context("connecting to the database")?;
        if settings.auto_migrate {
            store::migrate(&db).await.context("applying migrations")?;
        }
        if region_store::count(&db).await? == 0 {
            import_regions_into(&db, &settings, None).await?;
        }
        seed_demo_into(&db, &settings, 0).await?;
    }
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
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
    let report = service::demo::seed(db, &sealer).await?;
    let needs = service::demo::needs::seed(db, settings, sealer.clone(), extra_needs).await?;
    let pledges = service::demo::pledges::seed(db, settings, sealer).await?;
    tracing::info!(
        users = report.users,
        roles = report.roles,
        organisations = report.organisations,
        villages = report.villages,
        pairings = report.pairings,
        households = report.households,
        needs,
        pledges,
        "demo data set in place (counts are what this run created)"
    );
    let accounts: Vec<&str> = service::demo::account_emails().collect();
    tracing::info!(
        password = service::demo::DEMO_PASSWORD,
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

/// A subcommand whose capability has not landed yet says so, and fails.
pub fn not_yet(command: &str, arrives_with: &str) -> anyhow::Result<()> {
    anyhow::bail!("`duijie {command}` is not available yet: it arrives with {arrives_with}")
}
