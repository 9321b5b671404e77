//! Persistence: the connection to SQLite or PostgreSQL, the generated entities, and the queries
//! the services use.

pub mod codes;
pub mod entity;
pub mod regions;

use std::str::FromStr;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseBackend;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    DatabaseConnection, DatabaseConnectionType, DatabaseTransaction, DbErr, SqliteTransactionMode,
    SqlxPostgresConnector, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use secrecy::ExposeSecret;

use crate::config::Settings;

/// Opens a connection pool to the configured database.
///
/// SQLite is set up for a server: write-ahead log (readers never wait for the writer),
/// foreign keys on, and a busy timeout so concurrent writers queue instead of failing.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let url = settings.database_url();
    let url = url.expose_secret();
    let conn_err = |e: sea_orm::sqlx::Error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into()));
    if settings.uses_postgres() {
        let options = PgConnectOptions::from_str(url).map_err(conn_err)?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.database.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(conn_err)?;
        Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
    } else {
        if settings.database.url.is_none() {
            std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
                DbErr::Custom(format!(
                    "cannot create data directory {}: {e}",
                    settings.data_dir.display()
                ))
            })?;
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(conn_err)?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.database.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|conn, _| Box::pin(still_usable(conn)))
            .connect_with(options)
            .await
            .map_err(conn_err)?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    }
}

/// How the connection pool is used at this moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open, idle or lent out.
    pub open: u32,
    /// Open connections no query holds.
    pub idle: u32,
    /// The most the pool opens (`database_max_connections`).
    pub max: u32,
}

impl PoolUse {
    /// Open connections a query (or a transaction) holds.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// The pool's use, read off the pool itself (no query); `None` for a connection that is not a
/// pool.
pub fn pool_use(db: &DatabaseConnection) -> Option<PoolUse> {
    fn of<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolUse {
        PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            Some(of(db.get_postgres_connection_pool()))
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            Some(of(db.get_sqlite_connection_pool()))
        }
        _ => None,
    }
}

/// The configured SQLite database's file (an error on PostgreSQL, or for a database in memory).
pub fn sqlite_file(settings: &Settings) -> Result<std::path::PathBuf, DbErr> {
    if settings.uses_postgres() {
        return Err(DbErr::Custom(
            "the database is PostgreSQL, not a SQLite file".into(),
        ));
    }
    let url = settings.database_url();
    let options = SqliteConnectOptions::from_str(url.expose_secret())
        .map_err(|e| DbErr::Custom(format!("reading the SQLite database's address: {e}")))?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Err(DbErr::Custom("the SQLite database is not a file".into()));
    }
    Ok(path.to_path_buf())
}

/// Whether a SQLite connection given back to the pool may be used again: not if it still counts
/// itself inside a transaction. When a write fails with SQLITE_FULL or an I/O error, SQLite may
/// roll the whole transaction back by itself; the ROLLBACK that follows then fails ("no
/// transaction is active") and sqlx keeps counting the transaction as open. Used again, such a
/// connection would begin its next transaction with a SAVEPOINT (a deferred transaction, not
/// `BEGIN IMMEDIATE`) and, after a failure there, roll back only to that savepoint and stay in
/// the transaction: what it answered as written later would never be committed (the fault suite
/// saw 2xx pledges vanish after a full disk). Closed instead; the pool opens a fresh one.
async fn still_usable(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Connection;
    // Runs any rollback still queued by a dropped transaction first.
    conn.ping().await?;
    let usable = !conn.is_in_transaction();
    if !usable {
        tracing::warn!("closing a database connection left inside a failed transaction");
    }
    Ok(usable)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with "busy"
/// when another writer got in between, where an immediate one waits its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Applies every pending migration. On PostgreSQL, nodes starting together take turns (an
/// advisory lock held on a connection of its own) instead of racing to create the same tables.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    const LOCK: i64 = 0x0064_756a_6965; // "duijie"
    let conn_err = |e: sea_orm::sqlx::Error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into()));
    let mut lock = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(conn_err)?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LOCK)
        .execute(&mut *lock)
        .await
        .map_err(conn_err)?;
    let result = Migrator::up(db, None).await;
    sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK)
        .execute(&mut *lock)
        .await
        .map_err(conn_err)?;
    result
}
pub mod accounts;
pub mod audit;
pub mod consumption;
pub mod exports;
pub mod files;
pub mod follows;
pub mod households;
pub mod idempotency;
pub mod mail;
pub mod mail_links;
pub mod meta;
pub mod needs;
pub mod notifications;
pub mod objections;
pub mod offers;
pub mod orders;
pub mod organisations;
pub mod outbox;
pub mod pairings;
pub mod photos;
pub mod pledges;
pub mod products;
pub mod rate_limits;
pub mod seed;
pub mod sign_in_failures;
pub mod stats;

/// `column` holds `words` (trimmed, non-empty), LIKE's own characters (`%`, `_`, `\\`) matched
/// as themselves: the workspace lists' `q`.
pub(crate) fn contains(
    column: impl sea_orm::sea_query::IntoColumnRef,
    words: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
    let escaped = words
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::col(column).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// One page of `query`'s rows (`page` counts from 1) and how many rows it has in all: a
/// `LIMIT`/`OFFSET` and a `COUNT` in the database, never the whole list in memory. Any query
/// that pages (`Select`, `SelectTwo` of a row and its related one, …).
pub async fn page_of<'db, C, Q>(
    db: &'db C,
    query: Q,
    page: u64,
    per_page: u64,
) -> Result<(Vec<<Q::Selector as sea_orm::SelectorTrait>::Item>, u64), DbErr>
where
    C: sea_orm::ConnectionTrait,
    Q: sea_orm::PaginatorTrait<'db, C>,
{
    let paginator = query.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    Ok((rows, total))
}
