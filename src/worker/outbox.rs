//! The outbox drain: takes due rows in batches, does what they ask, and marks them done — or,
//! when it could not, puts them back with a growing delay (1 s, 2 s, 4 s … up to
//! `outbox_retry_max_secs`), or, when trying again cannot help, marks them failed with the
//! reason. Each batch is leased to one worker (`locked_until`, see [`outbox::claim`]): several
//! workers share the outbox, and on PostgreSQL they claim with `FOR UPDATE SKIP LOCKED` so that
//! they never wait on each other. A worker that dies mid-batch leaves its lease to run out; the
//! rows are then taken again, which every consumer tolerates (search syncs write the need's
//! current state).
//!
//! This drain handles the search rows (needs', offers' and products'); mail rows have a drain of
//! their own (`worker::mail`), so that a slow mail server never holds up the search index.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use sea_orm::DbErr;

use crate::service::Context;
use crate::service::offers::search as offer_search;
use crate::service::products::search as product_search;
use crate::service::search::{self, SyncError};
use crate::service::search_identity::{self, IdentityError};
use crate::store::outbox::{self, Leased, Message, Outcome};

/// Rows taken per batch.
pub const BATCH: u64 = 100;
/// The kinds of rows this drain handles.
const KINDS: [&str; 3] = Message::SEARCH_KINDS;

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

/// Leases up to `limit` due rows of the drain's `kinds` to `worker` for `outbox_lease_secs`
/// (how long a worker that died mid-batch holds its rows up).
pub(super) async fn claim(
    app: &Context,
    worker: &str,
    kinds: &[&str],
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Leased>, DbErr> {
    let lease = Duration::seconds(app.settings.worker.outbox_lease_secs as i64);
    outbox::claim(&app.db, worker, kinds, limit, lease, now).await
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

/// One pass: claims a batch and syncs its needs, offers and products. A batch that fails is split record
/// by record, so that one that cannot be synced does not hold up the others.
pub async fn drain_once(app: &Context, worker: &str) -> Result<DrainReport, DbErr> {
    let rows = claim(app, worker, &KINDS, BATCH, crate::clock::now()).await?;
    let mut report = DrainReport::default();
    // Rows by need, by offer and by product; a row that cannot be read fails at once.
    let mut by_need: BTreeMap<i64, Vec<&Leased>> = BTreeMap::new();
    let mut by_offer: BTreeMap<i64, Vec<&Leased>> = BTreeMap::new();
    let mut by_product: BTreeMap<i64, Vec<&Leased>> = BTreeMap::new();
    for row in &rows {
        let unreadable = match row.message() {
            Ok(Message::SearchSyncNeed { need_id }) => {
                by_need.entry(need_id).or_default().push(row);
                continue;
            }
            Ok(Message::SearchSyncOffer { offer_id }) => {
                by_offer.entry(offer_id).or_default().push(row);
                continue;
            }
            Ok(Message::SearchSyncProduct { product_id }) => {
                by_product.entry(product_id).or_default().push(row);
                continue;
            }
            Ok(other) => format!("`{}` is not a search row", other.kind()),
            Err(e) => format!("unreadable payload: {e}"),
        };
        outbox::settle(
            &app.db,
            &[row],
            Outcome::Fail(&unreadable),
            crate::clock::now(),
        )
        .await?;
        report.failed += 1;
    }
    sync_and_settle(app, "needs", &by_need, &mut report, |ids| async move {
        search::sync_needs(&app.db, app.search.as_ref(), &ids).await
    })
    .await?;
    sync_and_settle(app, "offers", &by_offer, &mut report, |ids| async move {
        offer_search::sync_offers(&app.db, app.offer_search.as_ref(), &ids).await
    })
    .await?;
    // A product's document holds what is true today (certified, available): the app's clock.
    sync_and_settle(
        app,
        "products",
        &by_product,
        &mut report,
        |ids| async move {
            let now = app.clock.now();
            product_search::sync_products(&app.db, app.product_search.as_ref(), &ids, now).await
        },
    )
    .await?;
    Ok(report)
}

/// Syncs the records of `rows` (by id) together, or one by one when together fails, and
/// settles their rows by the outcome: done, retried later, or failed for good.
async fn sync_and_settle<F, Fut>(
    app: &Context,
    what: &str,
    rows: &BTreeMap<i64, Vec<&Leased>>,
    report: &mut DrainReport,
    sync: F,
) -> Result<(), DbErr>
where
    F: Fn(Vec<i64>) -> Fut,
    Fut: std::future::Future<Output = Result<(), SyncError>>,
{
    if rows.is_empty() {
        return Ok(());
    }
    let retry = Backoff::from_settings(&app.settings);
    let ids: Vec<i64> = rows.keys().copied().collect();
    let outcomes: Vec<(Vec<i64>, Result<(), SyncError>)> = match sync(ids.clone()).await {
        Err(_) if ids.len() > 1 => {
            let mut each = Vec::with_capacity(ids.len());
            for id in ids {
                each.push((vec![id], sync(vec![id]).await));
            }
            each
        }
        outcome => vec![(ids, outcome)],
    };
    let now = crate::clock::now();
    for (ids, outcome) in outcomes {
        let leased: Vec<&Leased> = ids.iter().flat_map(|id| rows[id].clone()).collect();
        match outcome {
            Ok(()) => {
                outbox::settle(&app.db, &leased, Outcome::Done, now).await?;
                report.done += leased.len();
            }
            Err(error) => {
                let permanent = error.is_permanent();
                tracing::warn!(
                    what,
                    ids = ?ids,
                    rows = leased.len(),
                    permanent,
                    %error,
                    "search sync failed"
                );
                let message = error.to_string();
                let outcome = if permanent {
                    report.failed += leased.len();
                    Outcome::Fail(&message)
                } else {
                    report.retried += leased.len();
                    // Rows of one batch were taken together, so they share their attempt count.
                    let attempts = leased.iter().map(|r| r.attempts).max().unwrap_or(1);
                    Outcome::Retry(now + retry.after(attempts), &message)
                };
                outbox::settle(&app.db, &leased, outcome, now).await?;
            }
        }
    }
    Ok(())
}

/// Makes the indexes this database's (`service::search_identity::make_indexes_current`: each is
/// filled from the database when it is new, another database's or schema's, or its last fill
/// never finished), then drains the outbox until the task is aborted: at once again after a full batch, else
/// after `outbox_poll_ms`.
pub fn spawn(app: Arc<Context>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = worker_name();
        let poll = StdDuration::from_millis(app.settings.worker.outbox_poll_ms);
        let retry = Backoff::from_settings(&app.settings);
        // The indexes must exist with their settings, and hold this database's documents,
        // before changes go in: retried until they do. A fill that failed half-way is marked
        // unfinished, so the next attempt fills again. An index refused (another database's,
        // `refuse`) waits for `duijie reindex`; `/readyz` says so meanwhile.
        let mut failures = 0;
        loop {
            let error = match search_identity::make_indexes_current(&app).await {
                Ok(()) => break,
                Err(error) => error,
            };
            failures += 1;
            let wait = retry.after(failures);
            match error {
                IdentityError::Refused(message) => {
                    tracing::error!(retry_in_ms = wait.num_milliseconds(), "{message}")
                }
                error => tracing::warn!(
                    %error,
                    retry_in_ms = wait.num_milliseconds(),
                    "search index not ready"
                ),
            }
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
