//! Transitions that happen because time passes: a need's notice period ends (it is published),
//! a need's deadline passes (it expires), a pledge's due date passes unshipped (it expires and
//! its quantity returns to the need), or is near (its donor is reminded); an offer's
//! `valid_until` passes, or a village's request for one goes unanswered; once a day, a
//! product's search document is resynced when its certification lapsed or its season began or
//! ended (what the public sees of it turned with the date alone). Runs inside every `serve`
//! process; each move is a guarded update, so several nodes ticking at once move each need
//! exactly once. Also prunes
//! what has outlived its use: expired sessions, old rate-limit windows and idempotency keys.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use sea_orm::{ConnectionTrait, DbErr};

use crate::domain::need::NeedAction;
use crate::error::ApiError;
use crate::service::Context;
use crate::service::{follows, needs, offers, pledges};

/// Needs moved per kind and tick; more wait for the next tick.
const BATCH: u64 = 500;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub published: usize,
    pub expired: usize,
    /// Pledges unshipped past their due date, their quantity returned to their needs.
    pub pledges_expired: usize,
    /// Donors reminded that their unshipped pledge is due soon.
    pub pledges_reminded: usize,
    /// Offers past their `valid_until`.
    pub offers_expired: usize,
    /// Villages' requests for offers left unanswered past their time.
    pub requests_expired: usize,
    /// Purchase orders their seller did not confirm in time, their stock returned.
    pub orders_expired: usize,
    /// Follows' daily digests queued.
    pub digests: usize,
    /// Products whose search documents were queued for a resync, the date having turned their
    /// certification or their season.
    pub products_resynced: usize,
    pub pruned: u64,
}

/// One pass: publishes the needs whose notice has ended, expires those whose deadline has
/// passed, prunes stale rows. Idempotent: a second tick at the same time does nothing.
pub async fn tick(app: &Context) -> Result<TickReport, ApiError> {
    let now = app.clock.now();
    let mut report = TickReport::default();
    for id in needs::due_for_publication(&app.db, now, BATCH).await? {
        report.published += usize::from(advance(app, id, NeedAction::EndNotice).await);
    }
    for id in needs::due_for_expiry(&app.db, now, BATCH).await? {
        report.expired += usize::from(advance(app, id, NeedAction::Expire).await);
    }
    for id in pledges::due_for_expiry(&app.db, now, BATCH).await? {
        match pledges::expire(app, id).await {
            Ok(expired) => report.pledges_expired += usize::from(expired),
            Err(error) => {
                tracing::warn!(pledge_id = id, %error, "scheduler could not expire a pledge");
            }
        }
    }
    for id in offers::due_for_expiry(&app.db, now, BATCH).await? {
        match offers::expire(app, id).await {
            Ok(expired) => report.offers_expired += usize::from(expired),
            Err(error) => {
                tracing::warn!(offer_id = id, %error, "scheduler could not expire an offer");
            }
        }
    }
    for id in offers::requests::due_for_expiry(&app.db, now, BATCH).await? {
        match offers::requests::expire(app, id).await {
            Ok(expired) => report.requests_expired += usize::from(expired),
            Err(error) => {
                tracing::warn!(request_id = id, %error, "scheduler could not expire a request");
            }
        }
    }
    for id in crate::store::orders::due_for_expiry(&app.db, now, BATCH).await? {
        match crate::service::orders::expire(app, id).await {
            Ok(expired) => report.orders_expired += usize::from(expired),
            Err(error) => {
                tracing::warn!(order_id = id, %error, "scheduler could not expire an order");
            }
        }
    }
    report.digests = follows::send_digests(app).await?;
    report.products_resynced = crate::service::products::search::resync_day(app, BATCH).await?;
    if app.settings.policy.pledge_reminder_days > 0 {
        let within = Duration::days(i64::from(app.settings.policy.pledge_reminder_days));
        report.pledges_reminded = pledges::remind_due(app, within, BATCH).await?;
    }
    // Sessions, rate limits and idempotency keys are stamped by the system's clock, not the
    // (in tests, movable) clock that drives needs.
    report.pruned = prune(&app.db, crate::clock::now()).await?;
    Ok(report)
}

/// One need's move; a need that fails is logged and left for the next tick, so that it cannot
/// hold up the others.
async fn advance(app: &Context, id: i64, action: NeedAction) -> bool {
    match needs::advance_by_time(app, id, action).await {
        Ok(moved) => moved,
        Err(error) => {
            tracing::warn!(need_id = id, action = action.as_str(), %error, "scheduler could not move a need");
            false
        }
    }
}

/// Deletes sessions a day past their end, rate-limit windows a day old, failed sign-ins out of
/// their window (`domain::sign_in::WINDOW`), idempotency keys two
/// days old (they are promised for one) and outbox rows done a week ago.
async fn prune(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let day_ago = now - Duration::days(1);
    let mut pruned = crate::store::accounts::prune_sessions(db, day_ago).await?;
    pruned += crate::store::rate_limits::prune(db, day_ago).await?;
    pruned += crate::store::sign_in_failures::prune(db, crate::domain::sign_in::window_start(now))
        .await?;
    pruned += crate::store::idempotency::prune(db, now - Duration::days(2)).await?;
    // Done outbox rows are kept a week for inspection; failed ones until someone looks.
    pruned += crate::store::outbox::prune(db, now - Duration::days(7)).await?;
    Ok(pruned)
}

/// Ticks every `scheduler_interval_secs` until the task is aborted.
pub fn spawn(app: Arc<Context>) -> tokio::task::JoinHandle<()> {
    let every = StdDuration::from_secs(app.settings.worker.scheduler_interval_secs);
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match tick(&app).await {
                Ok(report)
                    if report.published
                        + report.expired
                        + report.pledges_expired
                        + report.pledges_reminded
                        + report.offers_expired
                        + report.requests_expired
                        + report.digests
                        + report.products_resynced
                        > 0 =>
                {
                    tracing::info!(
                        published = report.published,
                        expired = report.expired,
                        pledges_expired = report.pledges_expired,
                        pledges_reminded = report.pledges_reminded,
                        offers_expired = report.offers_expired,
                        requests_expired = report.requests_expired,
                        digests = report.digests,
                        products_resynced = report.products_resynced,
                        "scheduler moved needs, pledges and offers"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "scheduler tick failed; retrying next tick"),
            }
        }
    })
}
