//! The outbox drain: takes due rows in batches, does what they ask, and marks them done — or,
//! when it could not, puts them back with a growing delay (1 s, 2 s, 4 s … up to
//! `outbox_retry_max_secs`), or, when trying again cannot help, marks them failed with the
//! reason. Each batch is leased to one worker (`locked_until`): several workers share the
//! outbox, and on PostgreSQL they claim with `FOR UPDATE SKIP LOCKED` so that they never wait on
//! each other. A worker that dies mid-batch leaves its lease to run out; the rows are then taken
//! again, which every consumer tolerates (search syncs write the need's current state).
//!
//! This drain handles the search rows; mail rows have a drain of their own (`worker::mail`),
//! so that a slow mail server never holds up the search index.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, FromQueryResult};

use crate::service::Context;
use crate::service::search::{self, SyncError};
use crate::store::entity::outbox;
use crate::store::outbox::Message;

/// Rows taken per batch.
pub const BATCH: u64 = 100;
/// How long a batch stays leased to the worker that took it.
const LEASE_SECS: i64 = 120;
/// The kinds of rows this drain handles.
const KINDS: [&str; 1] = ["search_sync_need"];

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub done: usize,
    pub retried: usize,
    pub failed: usize,
}

impl DrainReport {
    pub fn taken(&self) -> usize {
        self.done + self.retried + self.failed
    }
}

/// A name for this worker in the rows it leases.
pub fn worker_name() -> String {
    format!("pid{}-{:08x}", std::process::id(), rand::random::<u32>())
}

/// Leases up to `limit` due rows of the drain's kinds to `worker`, counting the attempt: one
/// transaction picks the rows (on PostgreSQL skipping those another worker is picking) and
/// stamps the lease on exactly those.
pub(super) async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    kinds: &[&str],
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<outbox::Model>, DbErr> {
    let at = now.fixed_offset();
    let mut due = Query::select();
    due.column("id")
        .from("outbox")
        .and_where(Expr::col("processed_at").is_null())
        .and_where(Expr::col("failed_at").is_null())
        .and_where(Expr::col("available_at").lte(at))
        .and_where(Expr::col("kind").is_in(kinds.iter().copied()))
        .and_where(
            Expr::col("locked_until")
                .is_null()
                .or(Expr::col("locked_until").lt(at)),
        )
        .order_by("id", Order::Asc)
        .limit(limit);
    // An idle outbox is the common case: a plain read finds that out without taking a write
    // transaction (on SQLite, the database's one write lock) every poll.
    if db
        .query_one(&due.clone().limit(1).to_owned())
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    if db.get_database_backend() == DatabaseBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let txn = crate::store::begin_write(db).await?;
    let ids: Vec<i64> = txn
        .query_all(&due)
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let lease = Query::update()
        .table("outbox")
        .value(
            "locked_until",
            (now + Duration::seconds(LEASE_SECS)).fixed_offset(),
        )
        .value("locked_by", worker)
        .value("attempts", Expr::col("attempts").add(1))
        .and_where(Expr::col("id").is_in(ids))
        .returning_all()
        .to_owned();
    let rows = txn.query_all(&lease).await?;
    txn.commit().await?;
    let mut claimed = rows
        .iter()
        .map(|row| outbox::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|r| r.id);
    Ok(claimed)
}

/// What becomes of a row after an attempt.
pub(super) enum Outcome<'a> {
    Done,
    /// Try again after the backoff.
    Retry(&'a Backoff, &'a str),
    /// Trying again cannot help: kept, failed, with the reason.
    Fail(&'a str),
    /// Not tried after all: handed back as claimed, the attempt not counted, due at the time.
    Release(DateTime<Utc>, &'a str),
}

/// Records the outcome of an attempt on `rows`. Rows whose lease ran out and passed to another
/// worker are left to that worker.
pub(super) async fn settle(
    db: &impl ConnectionTrait,
    rows: &[&outbox::Model],
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(worker) = rows.first().and_then(|r| r.locked_by.clone()) else {
        return Ok(());
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut statement = Query::update();
    statement
        .table("outbox")
        .value(
            "locked_until",
            Option::<chrono::DateTime<chrono::FixedOffset>>::None,
        )
        .value("locked_by", Option::<String>::None)
        .and_where(Expr::col("id").is_in(ids))
        .and_where(Expr::col("locked_by").eq(worker));
    match outcome {
        Outcome::Done => {
            statement.value("processed_at", now.fixed_offset());
        }
        Outcome::Retry(backoff, error) => {
            // Rows of one batch were taken together, so they share their attempt count.
            let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(1);
            statement.value("last_error", truncate(error, 1000)).value(
                "available_at",
                (now + backoff.after(attempts)).fixed_offset(),
            );
        }
        Outcome::Fail(error) => {
            statement
                .value("last_error", truncate(error, 1000))
                .value("failed_at", now.fixed_offset());
        }
        Outcome::Release(due, error) => {
            statement
                .value("last_error", truncate(error, 1000))
                .value("available_at", due.fixed_offset())
                .value("attempts", Expr::col("attempts").sub(1));
        }
    }
    db.execute(&statement).await?;
    Ok(())
}

fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Delays between attempts: doubling from `base`, never longer than `max`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: StdDuration,
    pub max: StdDuration,
}

impl Backoff {
    /// The delays between retries of outbox rows the settings ask for.
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self {
            base: StdDuration::from_millis(settings.worker.outbox_retry_base_ms),
            max: StdDuration::from_secs(settings.worker.outbox_retry_max_secs),
        }
    }

    /// The wait after the `attempts`-th failed attempt (1, 2, 3 …).
    pub fn after(&self, attempts: i32) -> Duration {
        let exponent = attempts.clamp(1, 31) as u32 - 1;
        let wait = self
            .base
            .checked_mul(1u32 << Ord::min(exponent, 20))
            .unwrap_or(self.max);
        let wait = Ord::min(wait, self.max);
        Duration::from_std(wait).unwrap_or(Duration::seconds(60))
    }

    /// How long a row has been waiting between its attempts after `attempts` failed ones: the
    /// sum of the delays. It measures how long a row has been retried by the drain's own
    /// schedule, whatever clock stamped the row.
    pub fn waited(&self, attempts: i32) -> Duration {
        let max = Duration::from_std(self.max).unwrap_or(Duration::seconds(60));
        let mut total = Duration::zero();
        for n in 1..=attempts {
            let wait = self.after(n);
            if wait >= max {
                return total + max * (attempts - n + 1);
            }
            total += wait;
        }
        total
    }
}

/// One pass: claims a batch and syncs its needs. A batch that fails is split need by need, so
/// that one need that cannot be synced does not hold up the others.
pub async fn drain_once(app: &Context, worker: &str) -> Result<DrainReport, DbErr> {
    let rows = claim(&app.db, worker, &KINDS, BATCH, crate::clock::now()).await?;
    let mut report = DrainReport::default();
    let retry = Backoff::from_settings(&app.settings);
    // Rows by need; a row that cannot be read fails at once.
    let mut by_need: BTreeMap<i64, Vec<&outbox::Model>> = BTreeMap::new();
    for row in &rows {
        let unreadable = match serde_json::from_str::<Message>(&row.payload) {
            Ok(Message::SearchSyncNeed { need_id }) => {
                by_need.entry(need_id).or_default().push(row);
                continue;
            }
            Ok(other) => format!("`{}` is not a search row", other.kind()),
            Err(e) => format!("unreadable payload: {e}"),
        };
        settle(
            &app.db,
            &[row],
            Outcome::Fail(&unreadable),
            crate::clock::now(),
        )
        .await?;
        report.failed += 1;
    }
    if by_need.is_empty() {
        return Ok(report);
    }
    let ids: Vec<i64> = by_need.keys().copied().collect();
    let outcomes: Vec<(Vec<i64>, Result<(), SyncError>)> =
        match search::sync_needs(&app.db, app.search.as_ref(), &ids).await {
            Err(_) if ids.len() > 1 => {
                let mut each = Vec::with_capacity(ids.len());
                for id in ids {
                    let outcome = search::sync_needs(&app.db, app.search.as_ref(), &[id]).await;
                    each.push((vec![id], outcome));
                }
                each
            }
            outcome => vec![(ids, outcome)],
        };
    let now = crate::clock::now();
    for (needs, outcome) in outcomes {
        let rows: Vec<&outbox::Model> = needs.iter().flat_map(|id| by_need[id].clone()).collect();
        match outcome {
            Ok(()) => {
                settle(&app.db, &rows, Outcome::Done, now).await?;
                report.done += rows.len();
            }
            Err(error) => {
                let permanent = error.is_permanent();
                tracing::warn!(
                    needs = ?needs,
                    rows = rows.len(),
                    permanent,
                    %error,
                    "search sync failed"
                );
                let message = error.to_string();
                let outcome = if permanent {
                    report.failed += rows.len();
                    Outcome::Fail(&message)
                } else {
                    report.retried += rows.len();
                    Outcome::Retry(&retry, &message)
                };
                settle(&app.db, &rows, outcome, now).await?;
            }
        }
    }
    Ok(report)
}

/// Prepares the index (filling it from the database if it was just created), then drains the
/// outbox until the task is aborted: at once again after a full batch, else after
/// `outbox_poll_ms`.
pub fn spawn(app: Arc<Context>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = worker_name();
        let poll = StdDuration::from_millis(app.settings.worker.outbox_poll_ms);
        let retry = Backoff::from_settings(&app.settings);
        // The index must exist with its settings before documents go in, and a new one is
        // filled from the database first: both are retried until they succeed.
        let mut failures = 0;
        loop {
            let ready = match app.search.prepare().await {
                Ok(false) => Ok(()),
                Ok(true) => rebuild(&app).await,
                Err(error) => Err(error.to_string()),
            };
            let Err(error) = ready else { break };
            failures += 1;
            let wait = retry.after(failures);
            tracing::warn!(%error, retry_in_ms = wait.num_milliseconds(), "search index not ready");
            tokio::time::sleep(wait.to_std().unwrap_or(poll)).await;
        }
        loop {
            match drain_once(&app, &worker).await {
                Ok(report) if report.taken() as u64 == BATCH => continue,
                Ok(report) => {
                    if report.retried + report.failed > 0 {
                        tracing::info!(
                            done = report.done,
                            retried = report.retried,
                            failed = report.failed,
                            "outbox pass"
                        );
                    }
                }
                Err(error) => tracing::warn!(%error, "outbox pass failed; retrying"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}

/// Fills a new, empty index from the database.
async fn rebuild(app: &Context) -> Result<(), String> {
    tracing::info!(index = %app.search.describe(), "new search index: filling it from the database");
    let report = search::reindex(&app.db, app.search.as_ref(), |_| {})
        .await
        .map_err(|e| format!("filling the new search index: {e}"))?;
    tracing::info!(indexed = report.indexed, "search index filled");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let backoff = Backoff {
            base: StdDuration::from_secs(1),
            max: StdDuration::from_secs(60),
        };
        let waits: Vec<i64> = (1..=8).map(|n| backoff.after(n).num_seconds()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff.after(1000).num_seconds(), 60);
    }

    #[test]
    fn the_time_waited_adds_up_the_delays() {
        let backoff = Backoff {
            base: StdDuration::from_secs(1),
            max: StdDuration::from_secs(60),
        };
        let by_hand = |n: i32| (1..=n).map(|i| backoff.after(i).num_seconds()).sum::<i64>();
        for n in [0, 1, 2, 6, 7, 8, 100] {
            assert_eq!(
                backoff.waited(n).num_seconds(),
                by_hand(n),
                "after {n} attempts"
            );
        }
        // 48 hours of an unreachable server: about 2,880 attempts at the ceiling.
        assert!(backoff.waited(2_880).num_hours() >= 47);
    }
}
