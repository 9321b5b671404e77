//! Mail deliveries: one row per mail to one person, keyed by its Message-ID, saying what became
//! of it ([`DeliveryStatus`]). A `sending` row is a worker's claim on the mail; the others are
//! final, and a retried outbox row skips whoever has one.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
    TryInsertResult,
};

use super::entity::mail_deliveries::{self, Column, Entity};
use crate::domain::notification::{DeliveryStatus, NotificationKind};

/// A mail to claim.
pub struct NewDelivery<'a> {
    pub outbox_id: i64,
    pub user_id: i64,
    pub kind: NotificationKind,
    pub message_id: &'a str,
    /// Why there is nothing to send, if there is not: the mail is then recorded as skipped at
    /// once.
    pub skipped: Option<&'a str>,
}

/// Whose a mail is to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The claimant's: send it.
    Mine,
    /// Sent, failed or skipped already.
    Recorded,
    /// Another worker is sending it.
    Taken,
}

/// The Message-IDs of the outbox row's mail with a final status.
pub async fn settled(db: &impl ConnectionTrait, outbox_id: i64) -> Result<HashSet<String>, DbErr> {
    let ids: Vec<String> = Entity::find()
        .select_only()
        .column(Column::MessageId)
        .filter(Column::OutboxId.eq(outbox_id))
        .filter(Column::Status.ne(DeliveryStatus::Sending))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Claims a mail: a `sending` row, or at once the final `skipped` one when there is nothing to
/// send. A `sending` claim made before `stale_before` (its worker died) is taken over.
pub async fn claim(
    db: &impl ConnectionTrait,
    new: &NewDelivery<'_>,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Claim, DbErr> {
    let inserted = Entity::insert(mail_deliveries::ActiveModel {
        outbox_id: Set(new.outbox_id),
        user_id: Set(new.user_id),
        kind: Set(new.kind),
        message_id: Set(new.message_id.to_owned()),
        status: Set(if new.skipped.is_some() {
            DeliveryStatus::Skipped
        } else {
            DeliveryStatus::Sending
        }),
        detail: Set(new.skipped.map(str::to_owned)),
        created_at: Set(now.fixed_offset()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([Column::MessageId])
    .exec_without_returning(db)
    .await?;
    if matches!(inserted, TryInsertResult::Inserted(1)) {
        return Ok(if new.skipped.is_some() {
            Claim::Recorded
        } else {
            Claim::Mine
        });
    }
    let taken_over = Entity::update_many()
        .col_expr(Column::CreatedAt, Expr::value(now.fixed_offset()))
        .filter(Column::MessageId.eq(new.message_id))
        .filter(Column::Status.eq(DeliveryStatus::Sending))
        .filter(Column::CreatedAt.lt(stale_before.fixed_offset()))
        .exec(db)
        .await?;
    if taken_over.rows_affected == 1 {
        return Ok(Claim::Mine);
    }
    let status: Option<DeliveryStatus> = Entity::find()
        .select_only()
        .column(Column::Status)
        .filter(Column::MessageId.eq(new.message_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(match status {
        Some(DeliveryStatus::Sending) => Claim::Taken,
        Some(_) => Claim::Recorded,
        // Released in between: the next pass claims it.
        None => Claim::Taken,
    })
}

/// Records what became of a claimed mail, with the detail (its first 1,000 characters).
pub async fn finish(
    db: &impl ConnectionTrait,
    message_id: &str,
    status: DeliveryStatus,
    detail: Option<String>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(
            Column::Detail,
            Expr::value(detail.map(|d| d.chars().take(1000).collect::<String>())),
        )
        .filter(Column::MessageId.eq(message_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives up the claim on a mail that was not sent, so that a retry may send it.
pub async fn release(db: &impl ConnectionTrait, message_id: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::MessageId.eq(message_id))
        .filter(Column::Status.eq(DeliveryStatus::Sending))
        .exec(db)
        .await?;
    Ok(())
}
