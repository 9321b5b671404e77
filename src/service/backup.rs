//! `duijie backup` and `duijie restore` on SQLite.
//!
//! A backup is one SQLite file: the database as one read transaction saw it (`VACUUM INTO`,
//! while `serve` keeps writing: the write-ahead log lets writers go on beside a reader), with
//! the photos of the data directory copied into its `stored_files` table and their keys noted
//! in its `platform_meta`, so that a restore can put them back where the node reads them.
//! The secret key is never in it: the private data in a backup stays sealed.
//!
//! A restore checks the backup (`PRAGMA integrity_check`, its migrations: applied, or applied
//! now when the backup is older than this build), while holding the live database's lock (a
//! database a node has open cannot be taken: restore refuses), keeps the database it replaces
//! beside it, and puts the backup in its place. The search indexes are rebuilt from it by the
//! caller (`cli::restore`): a restored database keeps its instance id, so without that, an
//! index filled after the backup would pass for this database's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use migration::MigratorTrait as _;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode, SqlitePoolOptions,
};
use sea_orm::sqlx::{ConnectOptions as _, Connection as _};
use sea_orm::{ConnectionTrait, DatabaseConnection, SqlxSqliteConnector, Statement};

use crate::config::{FileBackend, Settings};
use crate::store::{files, meta};

/// The `platform_meta` key of a backup listing the photos copied in from the directory (one
/// key a line).
const DIRECTORY_FILES: &str = "backup_directory_files";

/// What a backup holds.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// Each table and its rows, by name.
    pub tables: Vec<(String, u64)>,
    /// The last migration applied to it: its schema version.
    pub schema: String,
    /// Photos copied in from the data directory.
    pub files: u64,
}

/// Writes a backup of the database `db` (SQLite, per `settings`) to `target`; an existing
/// `target` is replaced only with `force`.
pub async fn backup(
    settings: &Settings,
    db: &DatabaseConnection,
    target: &Path,
    force: bool,
) -> anyhow::Result<BackupReport> {
    if target.exists() && !force {
        bail!(
            "{} exists already: choose another file, or add --force to replace it",
            target.display()
        );
    }
    let partial = beside(target, "partial")?;
    let result = async {
        let path = partial
            .to_str()
            .context("the backup's path is not valid UTF-8")?;
        db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
            .await
            .context("copying the database (VACUUM INTO)")?;
        let copy = open_file(&partial).await?;
        let keys = files::copy_to_database(&settings.data_dir.join("files"), &copy)
            .await
            .context("copying the photos into the backup")?;
        if !keys.is_empty() {
            meta::set(&copy, DIRECTORY_FILES, &keys.join("\n")).await?;
        }
        let tables = row_counts(&copy).await?;
        let schema = schema_version(&copy).await?;
        copy.close().await?;
        anyhow::Ok((tables, schema, keys.len() as u64))
    }
    .await;
    let (tables, schema, files) = match result {
        Ok(done) => done,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    // In place whole or not at all; without --force, never over a file that appeared meanwhile.
    let placed = if force {
        std::fs::rename(&partial, target)
    } else {
        std::fs::hard_link(&partial, target).and_then(|()| std::fs::remove_file(&partial))
    };
    if let Err(error) = placed {
        let _ = std::fs::remove_file(&partial);
        return Err(error).with_context(|| format!("writing {}", target.display()));
    }
    Ok(BackupReport {
        path: target.to_path_buf(),
        bytes: std::fs::metadata(target)?.len(),
        tables,
        schema,
        files,
    })
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The database file now holding the backup.
    pub database: PathBuf,
    /// Where the database it replaced was kept.
    pub replaced: Option<PathBuf>,
    /// The backup's migrations applied now (it was older than this build).
    pub migrated: usize,
    pub schema: String,
    /// Photos put back into the data directory.
    pub files: u64,
    /// This database's instance id, which the search indexes are to mirror.
    pub instance: Option<String>,
}

/// Puts the backup `source` in place of the configured SQLite database (see the module's doc).
/// `before_swap` runs once the backup is checked and the database held, before anything is
/// replaced, with the backup's instance id; an error from it stops the restore there.
pub async fn restore<F, Fut>(
    settings: &Settings,
    source: &Path,
    before_swap: F,
) -> anyhow::Result<RestoreReport>
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    if !source.is_file() {
        bail!("{} is not a backup file", source.display());
    }
    let live = crate::store::sqlite_file(settings)?;
    if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Held until the backup is in place: no node may open the database meanwhile.
    let lock = if live.exists() {
        Some(take_database(&live).await?)
    } else {
        None
    };
    let staged = beside(&live, "restoring")?;
    let result = async {
        std::fs::copy(source, &staged)
            .with_context(|| format!("copying {} beside the database", source.display()))?;
        let copy = open_file(&staged).await?;
        let check = copy
            .query_one_raw(Statement::from_string(
                copy.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await?
            .map(|row| row.try_get_by_index::<String>(0))
            .transpose()?
            .unwrap_or_default();
        if check != "ok" {
            bail!(
                "{} fails SQLite's integrity check ({check}): it is not restored",
                source.display()
            );
        }
        let pending = migration::Migrator::get_pending_migrations_read_only(&copy)
            .await
            .with_context(|| {
                format!(
                    "reading the backup's migrations (a backup of a newer version of duijie \
                     cannot be restored by this one): {}",
                    source.display()
                )
            })?
            .len();
        if pending > 0 {
            crate::store::migrate(&copy)
                .await
                .context("applying this version's migrations to the backup")?;
        }
        let files = restore_files(settings, &copy).await?;
        let schema = schema_version(&copy).await?;
        let instance = crate::service::search_identity::stored_instance_id(&copy).await?;
        copy.close().await?;
        anyhow::Ok((pending, schema, files, instance))
    }
    .await;
    let (migrated, schema, files, instance) = match result {
        Ok(done) => done,
        Err(error) => {
            let _ = std::fs::remove_file(&staged);
            return Err(error);
        }
    };
    if let Err(error) = before_swap(instance.clone()).await {
        let _ = std::fs::remove_file(&staged);
        return Err(error);
    }
    // The lock's connection, the last one, folds the write-ahead log into the file it closes.
    if let Some(lock) = lock {
        lock.close().await.context("releasing the database")?;
    }
    let replaced = if live.exists() {
        let kept = beside(&live, &format!("before-restore-{}", timestamp()))?;
        std::fs::rename(&live, &kept)
            .with_context(|| format!("moving {} aside", live.display()))?;
        Some(kept)
    } else {
        None
    };
    // A log left beside the old file would be replayed into the new one.
    for suffix in ["-wal", "-shm"] {
        let mut name = live.clone().into_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", Path::new(&name).display()));
            }
            _ => {}
        }
    }
    std::fs::rename(&staged, &live)
        .with_context(|| format!("putting the backup in place at {}", live.display()))?;
    Ok(RestoreReport {
        database: live,
        replaced,
        migrated,
        schema,
        files,
        instance,
    })
}

/// The backup's photos back where this node reads them: into the data directory when files
/// live there; left in the database's table (where such a node reads them) otherwise.
async fn restore_files(settings: &Settings, copy: &DatabaseConnection) -> anyhow::Result<u64> {
    let Some(listed) = meta::get(copy, DIRECTORY_FILES).await? else {
        return Ok(0);
    };
    let keys: Vec<String> = listed.lines().map(str::to_owned).collect();
    let written = match settings.file_backend() {
        FileBackend::Directory => {
            let root = settings.data_dir.join("files");
            files::copy_out_of_database(copy, &keys, &root)
                .await
                .with_context(|| format!("putting the backup's photos under {}", root.display()))?
        }
        FileBackend::Database => 0,
    };
    meta::remove(copy, DIRECTORY_FILES).await?;
    Ok(written)
}

/// A connection holding the database at `path` for itself, or the refusal when a node has it
/// open: a node's connections keep a shared lock on the file as long as they are open.
async fn take_database(path: &Path) -> anyhow::Result<sea_orm::sqlx::SqliteConnection> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let taken = sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe("BEGIN EXCLUSIVE; COMMIT;"))
        .execute(&mut conn)
        .await;
    if let Err(error) = taken {
        let _ = conn.close().await;
        bail!(
            "the database {} is in use ({error}): stop every `duijie serve` and `duijie worker` \
             on it first, then restore",
            path.display()
        );
    }
    Ok(conn)
}

/// The SQLite file at `path` on a connection of its own, in rollback-journal mode (a copy
/// leaves no log beside it).
async fn open_file(path: &Path) -> anyhow::Result<DatabaseConnection> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Delete);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// A file beside `path`, named after it with `tag` and a random part.
fn beside(path: &Path, tag: &str) -> anyhow::Result<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} names no file", path.display()))?;
    let random = format!("{:08x}", rand::random::<u32>());
    Ok(path.with_file_name(format!("{name}.{tag}-{random}")))
}

fn timestamp() -> String {
    crate::clock::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// Each table of the SQLite database `db` and its rows, by name.
async fn row_counts(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, u64)>> {
    let backend = db.get_database_backend();
    let names = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        ))
        .await?;
    let mut counts = Vec::new();
    for row in names {
        let name: String = row.try_get_by_index(0)?;
        let count = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")),
            ))
            .await?
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        counts.push((name, u64::try_from(count).unwrap_or(0)));
    }
    Ok(counts)
}

/// The last migration applied to `db`.
async fn schema_version(db: &DatabaseConnection) -> anyhow::Result<String> {
    let applied = migration::Migrator::get_applied_migrations_read_only(db).await?;
    Ok(applied
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_else(|| "none".to_owned()))
}
