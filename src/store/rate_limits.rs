//! Fixed-window rate-limit counters shared by every API node.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// Counts one hit on `key` and returns the hits in the current window and when it began. A
/// window that began `window` ago or earlier starts afresh (so that waiting the `Retry-After`
/// a refusal gave is enough). One statement, so concurrent hits all count.
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(i32, DateTime<Utc>), DbErr> {
    let now_tz = now.fixed_offset();
    let expired =
        || Expr::col(("rate_limits", "window_started_at")).lte((now - window).fixed_offset());
    let stmt = Query::insert()
        .into_table("rate_limits")
        .columns(["key", "window_started_at", "hits"])
        .values_panic([key.into(), now_tz.into(), 1.into()])
        .on_conflict(
            OnConflict::column("key")
                .values([
                    (
                        "hits",
                        CaseStatement::new()
                            .case(expired(), Expr::val(1))
                            .finally(Expr::col(("rate_limits", "hits")).add(1))
                            .into(),
                    ),
                    (
                        "window_started_at",
                        CaseStatement::new()
                            .case(expired(), Expr::val(now_tz))
                            .finally(Expr::col(("rate_limits", "window_started_at")))
                            .into(),
                    ),
                ])
                .to_owned(),
        )
        .returning(Query::returning().columns(["hits", "window_started_at"]))
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::Custom("rate limit upsert returned no row".to_owned()))?;
    let hits: i32 = row.try_get("", "hits")?;
    let started: chrono::DateTime<chrono::FixedOffset> = row.try_get("", "window_started_at")?;
    Ok((hits, started.with_timezone(&Utc)))
}

/// Deletes the windows that started before `before`; how many.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let stmt = Query::delete()
        .from_table("rate_limits")
        .and_where(Expr::col("window_started_at").lt(before.fixed_offset()))
        .to_owned();
    Ok(db.execute(&stmt).await?.rows_affected())
}
