//! The transactional outbox: a change that the search index or someone's mailbox must hear
//! about writes a row here in its own transaction; the worker delivers it afterwards, at least
//! once (so every consumer is idempotent).
//!
//! Workers lease due rows in batches ([`claim`]: on PostgreSQL with `FOR UPDATE SKIP LOCKED`,
//! so that they never wait on each other) and [`settle`] each attempt: done, retried later,
//! failed for good, or handed back untried.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use super::entity::outbox::{self, Column};

/// What an outbox row asks the worker to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// Bring the need's search document up to date: upsert it while the public may see the
    /// need, delete it otherwise. Carries only the id: the worker reads the need as it is then.
    SearchSyncNeed { need_id: i64 },
    /// Bring the offer's search document up to date, as for a need.
    SearchSyncOffer { offer_id: i64 },
    /// Bring the product's search document up to date, as for a need.
    SearchSyncProduct { product_id: i64 },
    /// Tell the other side of an order of the step on its timeline (a new order to the seller,
    /// the seller's answer to the buyer, …). Carries the timeline entry: the step is as it was.
    MailOrderStep {
        order_id: i64,
        event_id: i64,
        step: crate::domain::order::OrderEventKind,
    },
    /// Tell the need's cadres that it was verified.
    MailNeedVerified { need_id: i64 },
    /// Tell the need's cadres that it was rejected, and why.
    MailNeedRejected { need_id: i64 },
    /// Tell the need's cadres (with the reason) and the donors of its open pledges (without)
    /// that a verifier took it out of public view.
    MailNeedTakenDown { need_id: i64 },
    /// Tell the need's verifiers that an objection was filed.
    MailObjectionFiled { need_id: i64, objection_id: i64 },
    /// Tell the need's cadres that something was pledged for it.
    MailPledgeReceived { pledge_id: i64 },
    /// Confirm a pledge to its donor.
    MailPledgeConfirmation { pledge_id: i64 },
    /// Tell the need's cadres that a pledge was shipped.
    MailPledgeShipped { pledge_id: i64 },
    /// Tell the donor that the village confirmed the receipt.
    MailReceiptConfirmed { pledge_id: i64 },
    /// Bring the village's thanks to the donor.
    MailPledgeThanked { pledge_id: i64 },
    /// Remind the donor that their pledge is due soon and still unshipped.
    MailPledgeExpiring { pledge_id: i64 },
    /// Tell the donor that their pledge expired unshipped.
    MailPledgeExpired { pledge_id: i64 },
    /// Tell an organisation's administrators that the platform verified it.
    MailOrganisationVerified { organisation_id: i64 },
    /// Tell an organisation's people that a pairing's coordinator invited them to a need.
    MailNeedInvitation { invitation_id: i64 },
    /// Tell an offer's offerer that a village asks for it.
    MailOfferRequested { request_id: i64 },
    /// Tell the cadre who asked for an offer that it was accepted or declined.
    MailOfferRequestAnswered { request_id: i64 },
    /// Tell the cadres of villages with needs a newly published offer could fill.
    MailOfferPublished { offer_id: i64 },
    /// Tell the people with an instant alert for a newly published need.
    MailNeedAlert { need_id: i64 },
    /// A follow's daily digest of `day` (in Beijing).
    MailAlertDigest {
        follow_id: i64,
        day: chrono::NaiveDate,
    },
    /// Send the link of a password reset to its account's owner. Carries only the reset's id:
    /// the token is read (sealed) from its row, never written here.
    MailPasswordReset { reset_id: i64 },
    /// Tell an account's owner that their password was reset.
    MailPasswordChanged { user_id: i64, at: DateTime<Utc> },
    /// Send the link that confirms an account's email address to it. Carries only the
    /// confirmation's id: the token is read (sealed) from its row, never written here.
    MailEmailConfirmation { confirmation_id: i64 },
}

impl Message {
    /// The `kind` of every search-sync row.
    pub const SEARCH_KINDS: [&'static str; 3] = [
        "search_sync_need",
        "search_sync_offer",
        "search_sync_product",
    ];

    /// The `kind` of every mail row.
    pub const MAIL_KINDS: [&'static str; 22] = [
        "mail_need_verified",
        "mail_need_rejected",
        "mail_need_taken_down",
        "mail_objection_filed",
        "mail_pledge_received",
        "mail_pledge_confirmation",
        "mail_pledge_shipped",
        "mail_receipt_confirmed",
        "mail_pledge_thanked",
        "mail_pledge_expiring",
        "mail_pledge_expired",
        "mail_organisation_verified",
        "mail_need_invitation",
        "mail_offer_requested",
        "mail_offer_request_answered",
        "mail_offer_published",
        "mail_need_alert",
        "mail_alert_digest",
        "mail_order_step",
        "mail_password_reset",
        "mail_password_changed",
        "mail_email_confirmation",
    ];

    /// The row's `kind` column: the tag of the message.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::SearchSyncNeed { .. } => "search_sync_need",
            Message::SearchSyncOffer { .. } => "search_sync_offer",
            Message::MailNeedVerified { .. } => "mail_need_verified",
            Message::MailNeedRejected { .. } => "mail_need_rejected",
            Message::MailNeedTakenDown { .. } => "mail_need_taken_down",
            Message::MailObjectionFiled { .. } => "mail_objection_filed",
            Message::MailPledgeReceived { .. } => "mail_pledge_received",
            Message::MailPledgeConfirmation { .. } => "mail_pledge_confirmation",
            Message::MailPledgeShipped { .. } => "mail_pledge_shipped",
            Message::MailReceiptConfirmed { .. } => "mail_receipt_confirmed",
            Message::MailPledgeThanked { .. } => "mail_pledge_thanked",
            Message::MailPledgeExpiring { .. } => "mail_pledge_expiring",
            Message::MailPledgeExpired { .. } => "mail_pledge_expired",
            Message::MailOrganisationVerified { .. } => "mail_organisation_verified",
            Message::MailNeedInvitation { .. } => "mail_need_invitation",
            Message::MailOfferRequested { .. } => "mail_offer_requested",
            Message::MailOfferRequestAnswered { .. } => "mail_offer_request_answered",
            Message::MailOfferPublished { .. } => "mail_offer_published",
            Message::MailNeedAlert { .. } => "mail_need_alert",
            Message::MailAlertDigest { .. } => "mail_alert_digest",
            Message::SearchSyncProduct { .. } => "search_sync_product",
            Message::MailOrderStep { .. } => "mail_order_step",
            Message::MailPasswordReset { .. } => "mail_password_reset",
            Message::MailPasswordChanged { .. } => "mail_password_changed",
            Message::MailEmailConfirmation { .. } => "mail_email_confirmation",
        }
    }

    fn subject(&self) -> (&'static str, i64) {
        match self {
            Message::SearchSyncNeed { need_id }
            | Message::MailNeedVerified { need_id }
            | Message::MailNeedRejected { need_id }
            | Message::MailNeedTakenDown { need_id }
            | Message::MailObjectionFiled { need_id, .. } => ("need", *need_id),
            Message::MailPledgeReceived { pledge_id }
            | Message::MailPledgeConfirmation { pledge_id }
            | Message::MailPledgeShipped { pledge_id }
            | Message::MailReceiptConfirmed { pledge_id }
            | Message::MailPledgeThanked { pledge_id }
            | Message::MailPledgeExpiring { pledge_id }
            | Message::MailPledgeExpired { pledge_id } => ("pledge", *pledge_id),
            Message::MailOrganisationVerified { organisation_id } => {
                ("organisation", *organisation_id)
            }
            Message::MailNeedInvitation { invitation_id } => ("invitation", *invitation_id),
            Message::SearchSyncOffer { offer_id } => ("offer", *offer_id),
            Message::MailOfferRequested { request_id }
            | Message::MailOfferRequestAnswered { request_id } => ("offer_request", *request_id),
            Message::MailOfferPublished { offer_id } => ("offer", *offer_id),
            Message::MailNeedAlert { need_id } => ("need", *need_id),
            Message::MailAlertDigest { follow_id, .. } => ("follow", *follow_id),
            Message::SearchSyncProduct { product_id } => ("product", *product_id),
            Message::MailOrderStep { order_id, .. } => ("order", *order_id),
            Message::MailPasswordReset { reset_id } => ("password_reset", *reset_id),
            Message::MailPasswordChanged { user_id, .. } => ("user", *user_id),
            Message::MailEmailConfirmation { confirmation_id } => {
                ("email_confirmation", *confirmation_id)
            }
        }
    }
}

/// Writes `message` into the outbox, due at once. Call it inside the transaction of the change
/// it announces.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    row(message, now)?.insert(db).await?;
    Ok(())
}

/// As [`enqueue`], several messages in one statement.
pub async fn enqueue_all(
    db: &impl ConnectionTrait,
    messages: &[Message],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows = messages
        .iter()
        .map(|m| row(m, now))
        .collect::<Result<Vec<_>, _>>()?;
    outbox::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

fn row(message: &Message, now: DateTime<Utc>) -> Result<outbox::ActiveModel, DbErr> {
    let (subject_kind, subject_id) = message.subject();
    let payload = serde_json::to_string(message).map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(outbox::ActiveModel {
        kind: Set(message.kind().to_owned()),
        payload: Set(payload),
        subject_kind: Set(Some(subject_kind.to_owned())),
        subject_id: Set(Some(subject_id.to_string())),
        created_at: Set(now.fixed_offset()),
        // The drain runs on the system's clock (`now` may be a test's or the demo's).
        available_at: Set(crate::clock::now().fixed_offset()),
        attempts: Set(0),
        ..Default::default()
    })
}

/// An outbox row leased to a worker.
#[derive(Debug, Clone)]
pub struct Leased {
    pub id: i64,
    /// The message's `kind`.
    pub kind: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// The worker holding the lease.
    pub locked_by: Option<String>,
}

impl Leased {
    /// The message the row carries.
    pub fn message(&self) -> Result<Message, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

/// Leases up to `limit` due rows of these `kinds` to `worker` until `now + lease`, counting
/// the attempt: one transaction picks the rows (on PostgreSQL skipping those another worker is
/// picking) and stamps the lease on exactly those. By id.
pub async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    kinds: &[&str],
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<Leased>, DbErr> {
    let at = now.fixed_offset();
    let mut due = Query::select();
    due.column(Column::Id)
        .from(outbox::Entity)
        .and_where(Expr::col(Column::ProcessedAt).is_null())
        .and_where(Expr::col(Column::FailedAt).is_null())
        .and_where(Expr::col(Column::AvailableAt).lte(at))
        .and_where(Expr::col(Column::Kind).is_in(kinds.iter().copied()))
        .and_where(
            Expr::col(Column::LockedUntil)
                .is_null()
                .or(Expr::col(Column::LockedUntil).lt(at)),
        )
        .order_by(Column::Id, Order::Asc)
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
    let txn = super::begin_write(db).await?;
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
    let stamp = Query::update()
        .table(outbox::Entity)
        .value(Column::LockedUntil, (now + lease).fixed_offset())
        .value(Column::LockedBy, worker)
        .value(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .and_where(Expr::col(Column::Id).is_in(ids))
        .returning_all()
        .to_owned();
    let rows = txn.query_all(&stamp).await?;
    txn.commit().await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            outbox::Model::from_query_result(row, "").map(|row| Leased {
                id: row.id,
                kind: row.kind,
                payload: row.payload,
                attempts: row.attempts,
                locked_by: row.locked_by,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|r| r.id);
    Ok(claimed)
}

/// What becomes of leased rows after an attempt.
pub enum Outcome<'a> {
    Done,
    /// Try again at the time, with the error.
    Retry(DateTime<Utc>, &'a str),
    /// Trying again cannot help: kept, failed, with the reason.
    Fail(&'a str),
    /// Not tried after all: handed back as claimed, the attempt not counted, due at the time.
    Release(DateTime<Utc>, &'a str),
}

/// Records the outcome of an attempt on `rows` (leased together) and ends their lease. Rows
/// whose lease ran out and passed to another worker are left to that worker.
pub async fn settle(
    db: &impl ConnectionTrait,
    rows: &[&Leased],
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(worker) = rows.first().and_then(|r| r.locked_by.clone()) else {
        return Ok(());
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut statement = Query::update();
    statement
        .table(outbox::Entity)
        .value(
            Column::LockedUntil,
            Option::<chrono::DateTime<chrono::FixedOffset>>::None,
        )
        .value(Column::LockedBy, Option::<String>::None)
        .and_where(Expr::col(Column::Id).is_in(ids))
        .and_where(Expr::col(Column::LockedBy).eq(worker));
    match outcome {
        Outcome::Done => {
            statement.value(Column::ProcessedAt, now.fixed_offset());
        }
        Outcome::Retry(due, error) => {
            statement
                .value(Column::LastError, truncate(error, 1000))
                .value(Column::AvailableAt, due.fixed_offset());
        }
        Outcome::Fail(error) => {
            statement
                .value(Column::LastError, truncate(error, 1000))
                .value(Column::FailedAt, now.fixed_offset());
        }
        Outcome::Release(due, error) => {
            statement
                .value(Column::LastError, truncate(error, 1000))
                .value(Column::AvailableAt, due.fixed_offset())
                .value(Column::Attempts, Expr::col(Column::Attempts).sub(1));
        }
    }
    db.execute(&statement).await?;
    Ok(())
}

fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// The undone rows of one kind: what the workers still have to do, and what they gave up on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    pub kind: String,
    /// Rows neither done nor failed (waiting, leased, or waiting for a retry).
    pub pending: i64,
    /// When the oldest pending row was written; `None` when none is pending.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// Rows failed for good, kept until someone looks.
    pub failed: i64,
}

/// The backlog of every kind that has undone rows, in one grouped read (done rows are left out
/// before grouping; they are pruned a week after they were done).
pub async fn backlog(db: &impl ConnectionTrait) -> Result<Vec<Backlog>, DbErr> {
    let pending = || Expr::col(Column::FailedAt).is_null();
    let count_pending: Expr = Expr::case(pending(), 1).into();
    let pending_created: Expr = Expr::case(pending(), Expr::col(Column::CreatedAt)).into();
    let mut query = Query::select();
    query
        .column(Column::Kind)
        .expr_as(count_pending.count(), "pending")
        .expr_as(Expr::col(Column::FailedAt).count(), "failed")
        .expr_as(pending_created.min(), "oldest")
        .from(outbox::Entity)
        .and_where(Expr::col(Column::ProcessedAt).is_null())
        .group_by_col(Column::Kind)
        .order_by(Column::Kind, Order::Asc);
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| {
            Ok(Backlog {
                kind: row.try_get("", "kind")?,
                pending: row.try_get("", "pending")?,
                oldest_pending: row
                    .try_get::<Option<DateTime<chrono::FixedOffset>>>("", "oldest")?
                    .map(|at| at.with_timezone(&Utc)),
                failed: row.try_get("", "failed")?,
            })
        })
        .collect()
}

/// Deletes the rows done before `before` (failed ones stay until someone looks). Returns how
/// many.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = outbox::Entity::delete_many()
        .filter(Column::ProcessedAt.lt(before.fixed_offset()))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn every_mail_message_is_drained_as_mail() {
        let mail = [
            Message::MailNeedVerified { need_id: 1 },
            Message::MailNeedRejected { need_id: 1 },
            Message::MailNeedTakenDown { need_id: 1 },
            Message::MailObjectionFiled {
                need_id: 1,
                objection_id: 1,
            },
            Message::MailPledgeReceived { pledge_id: 1 },
            Message::MailPledgeConfirmation { pledge_id: 1 },
            Message::MailPledgeShipped { pledge_id: 1 },
            Message::MailReceiptConfirmed { pledge_id: 1 },
            Message::MailPledgeThanked { pledge_id: 1 },
            Message::MailPledgeExpiring { pledge_id: 1 },
            Message::MailPledgeExpired { pledge_id: 1 },
            Message::MailOrganisationVerified { organisation_id: 1 },
            Message::MailNeedInvitation { invitation_id: 1 },
            Message::MailOfferRequested { request_id: 1 },
            Message::MailOfferRequestAnswered { request_id: 1 },
            Message::MailOfferPublished { offer_id: 1 },
            Message::MailNeedAlert { need_id: 1 },
            Message::MailAlertDigest {
                follow_id: 1,
                day: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            },
            Message::MailOrderStep {
                order_id: 1,
                event_id: 1,
                step: crate::domain::order::OrderEventKind::Placed,
            },
            Message::MailPasswordReset { reset_id: 1 },
            Message::MailPasswordChanged {
                user_id: 1,
                at: chrono::Utc::now(),
            },
            Message::MailEmailConfirmation { confirmation_id: 1 },
        ];
        let kinds: Vec<&str> = mail.iter().map(Message::kind).collect();
        assert_eq!(kinds, Message::MAIL_KINDS);
        assert!(!Message::MAIL_KINDS.contains(&Message::SearchSyncNeed { need_id: 1 }.kind()));
    }

    #[test]
    fn the_payload_is_tagged_with_the_rows_kind() {
        let message = Message::MailObjectionFiled {
            need_id: 4,
            objection_id: 9,
        };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["kind"], message.kind());
        assert_eq!(serde_json::from_value::<Message>(json).unwrap(), message);
    }
}
