//! The mail drain: takes due mail rows of the outbox, turns each into its letters (one per
//! recipient, `service::notifications`), and sends them through the configured [`Mailer`].
//!
//! A message goes out at most once per outbox row and recipient: its Message-ID is derived from
//! both (`<row.user.kind@domain>`), and each outcome is recorded in `mail_deliveries` under it
//! before the row is done, so a retried row skips whoever already has their mail. The one
//! window left is a crash between the server's "250 accepted" and that record: the retry then
//! sends the same Message-ID again, which receiving systems may collapse.
//!
//! While the server is unreachable or answers "try later" (4xx), rows wait with the outbox's
//! doubling delay, until the delays add up to `mail_give_up_hours`; a refusal for good (5xx, a bad address) is
//! recorded as `failed` for that recipient and not retried.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use lettre::message::Mailbox;
use sea_orm::DbErr;

use super::outbox::{Backoff, DrainReport, claim, worker_name};
use crate::domain::notification::{DeliveryStatus, NotificationKind};
use crate::mail::templates::{self, Links};
use crate::mail::{self, Envelope, InlineImage, SendError};
use crate::metrics::MailFailure;
use crate::service::Context;
use crate::service::notifications::{self, ComposeError, Letter};
use crate::store::mail::{self as deliveries, Claim, NewDelivery};
use crate::store::outbox::{self, Leased, Message, Outcome};

/// Mail rows taken per pass.
const BATCH: u64 = 50;

/// A claim older than this is a worker that died mid-send: another may take it over.
const STALE_CLAIM_MINUTES: i64 = 10;

/// What became of one row.
enum RowOutcome {
    Done,
    /// Try again after the backoff.
    Retry(String),
    /// The mail server cannot take mail: try this row and the rest of the batch again later.
    Unavailable(String),
    Fail(String),
}

/// One pass: claims due mail rows and delivers their letters, one row after the other. Once
/// the mail server is found unavailable, the rest of the batch waits without trying.
pub async fn drain_once(app: &Context, worker: &str) -> Result<DrainReport, DbErr> {
    let rows = claim(
        app,
        worker,
        &Message::MAIL_KINDS,
        BATCH,
        crate::clock::now(),
    )
    .await?;
    let mut report = DrainReport::default();
    let backoff = Backoff::from_settings(&app.settings);
    let give_up = Duration::hours(i64::from(app.settings.mail.give_up_hours));
    let mut unavailable: Option<String> = None;
    for row in &rows {
        let now = crate::clock::now();
        if let Some(error) = &unavailable {
            // Not tried: handed back as it was, without counting an attempt.
            let wait = backoff.after(1);
            outbox::settle(&app.db, &[row], Outcome::Release(now + wait, error), now).await?;
            report.retried += 1;
            continue;
        }
        let outcome = deliver_row(app, row).await;
        let now = crate::clock::now();
        let retry = match outcome {
            RowOutcome::Done => {
                outbox::settle(&app.db, &[row], Outcome::Done, now).await?;
                report.done += 1;
                continue;
            }
            RowOutcome::Fail(error) => {
                tracing::warn!(row = row.id, kind = %row.kind, %error, "mail row cannot be delivered");
                outbox::settle(&app.db, &[row], Outcome::Fail(&error), now).await?;
                report.failed += 1;
                continue;
            }
            RowOutcome::Unavailable(error) => {
                tracing::warn!(row = row.id, kind = %row.kind, %error, "mail server unavailable; will retry");
                unavailable = Some(error.clone());
                error
            }
            RowOutcome::Retry(error) => error,
        };
        if backoff.waited(row.attempts) >= give_up {
            let reason = format!(
                "gave up after {} hours of retries: {retry}",
                give_up.num_hours()
            );
            tracing::warn!(row = row.id, kind = %row.kind, %reason, "mail not delivered");
            outbox::settle(&app.db, &[row], Outcome::Fail(&reason), now).await?;
            report.failed += 1;
        } else {
            let due = now + backoff.after(row.attempts);
            outbox::settle(&app.db, &[row], Outcome::Retry(due, &retry), now).await?;
            report.retried += 1;
        }
    }
    Ok(report)
}

/// Delivers the letters of one row that are not yet on record.
async fn deliver_row(app: &Context, row: &Leased) -> RowOutcome {
    let message = match row.message() {
        Ok(message) => message,
        Err(e) => return RowOutcome::Fail(format!("unreadable payload: {e}")),
    };
    let Some(kind) = notifications::kind_of(&message) else {
        return RowOutcome::Fail(format!("`{}` is not a mail row", message.kind()));
    };
    let letters = match notifications::letters(app, kind, &message).await {
        Ok(letters) => letters,
        Err(ComposeError::Db(e)) => return RowOutcome::Retry(format!("database: {e}")),
        Err(ComposeError::Unusable(e)) => return RowOutcome::Fail(e),
    };
    let recorded = match deliveries::settled(&app.db, row.id).await {
        Ok(ids) => ids,
        Err(e) => return RowOutcome::Retry(format!("database: {e}")),
    };
    let from: Mailbox = match app.settings.mail.from.parse() {
        Ok(from) => from,
        Err(e) => return RowOutcome::Retry(format!("mail_from: {e}")),
    };
    let domain = mail::sender_domain(&from);
    let mut left_to_another = false;
    for letter in letters {
        let message_id = format!("<{}.{}.{}@{domain}>", row.id, letter.user_id, kind.as_str());
        if recorded.contains(&message_id) {
            continue;
        }
        let skipped = if !letter.wanted {
            Some("turned off by the recipient")
        } else if letter.email.is_none() {
            Some("the account has no mail address")
        } else {
            None
        };
        let new = NewDelivery {
            outbox_id: row.id,
            user_id: letter.user_id,
            kind,
            message_id: &message_id,
            skipped,
        };
        let now = crate::clock::now();
        let stale = now - Duration::minutes(STALE_CLAIM_MINUTES);
        let claim = match deliveries::claim(&app.db, &new, stale, now).await {
            Ok(claim) => claim,
            Err(e) => return RowOutcome::Retry(format!("database: {e}")),
        };
        match claim {
            Claim::Recorded => continue,
            Claim::Taken => {
                left_to_another = true;
                continue;
            }
            Claim::Mine => {}
        }
        let sent = send_letter(app, &from, kind, &letter, &message_id).await;
        count(app, kind, &sent);
        let (status, detail) = match sent {
            Ok(()) => (DeliveryStatus::Sent, None),
            Err(SendError::Permanent(e)) => {
                tracing::warn!(row = row.id, user_id = letter.user_id, error = %e, "mail refused for good");
                (DeliveryStatus::Failed, Some(e))
            }
            Err(error) => {
                // Not sent: the claim goes, so that the retry can send it.
                if let Err(e) = deliveries::release(&app.db, &message_id).await {
                    tracing::warn!(%message_id, error = %e, "could not release a mail claim; it expires");
                }
                return match error {
                    SendError::Unavailable(e) => RowOutcome::Unavailable(e),
                    SendError::Transient(e) | SendError::Permanent(e) => RowOutcome::Retry(e),
                };
            }
        };
        if let Err(e) = deliveries::finish(&app.db, &message_id, status, detail).await {
            return RowOutcome::Retry(format!("database: {e}"));
        }
        if status == DeliveryStatus::Sent {
            tracing::info!(row = row.id, user_id = letter.user_id, kind = kind.as_str(), %message_id, "mail sent");
        }
    }
    if left_to_another {
        // Another worker is sending some of this row's mail: look again once it is done.
        return RowOutcome::Retry("another worker is sending part of this row".into());
    }
    RowOutcome::Done
}

/// Counts the attempt in the process's metrics.
fn count(app: &Context, kind: NotificationKind, sent: &Result<(), SendError>) {
    match sent {
        Ok(()) => app.metrics.mail_sent(kind),
        Err(error) => app.metrics.mail_failed(
            kind,
            match error {
                SendError::Permanent(_) => MailFailure::Refused,
                SendError::Transient(_) => MailFailure::Temporary,
                SendError::Unavailable(_) => MailFailure::Unavailable,
            },
        ),
    }
}

async fn send_letter(
    app: &Context,
    from: &Mailbox,
    kind: NotificationKind,
    letter: &Letter,
    message_id: &str,
) -> Result<(), SendError> {
    let address = letter.email.as_deref().unwrap_or_default();
    let to = Mailbox::new(
        Some(letter.name.clone()),
        address
            .parse()
            .map_err(|e| SendError::Permanent(format!("not a mail address: {e}")))?,
    );
    let links = Links {
        base: app.settings.server.public_base(),
    };
    // Mail a follow brought is left by leaving the follow; any other, by turning its kind off;
    // the security mail about the account itself is not left at all.
    let unsubscribe = if kind.always_sent() {
        None
    } else {
        let token = match letter.unfollow {
            Some(follow_id) => {
                crate::service::follows::unfollow_token(app, letter.user_id, follow_id)
            }
            None => notifications::unsubscribe_token(app, letter.user_id, kind),
        };
        Some(links.unsubscribe(&token))
    };
    let content = templates::content(kind, &letter.facts, &letter.name, letter.locale, &links);
    let mut images = Vec::new();
    for (i, key) in letter.photos.iter().enumerate() {
        match app.files.get(key).await {
            Ok(jpeg) => images.push(InlineImage {
                content_id: format!("photo{}.{}", i + 1, message_id.trim_matches(['<', '>'])),
                jpeg,
            }),
            // A photo that cannot be read is left out rather than holding up the thanks.
            Err(e) => tracing::warn!(%key, error = %e, "receipt photo missing from the mail"),
        }
    }
    let cids: Vec<String> = images.iter().map(|i| i.content_id.clone()).collect();
    let unsubscribe = unsubscribe.as_deref();
    let text = templates::text_body(&content, kind, letter.locale, &links, unsubscribe);
    let html = templates::html_body(&content, kind, letter.locale, &links, unsubscribe, &cids);
    let message = mail::build(
        Envelope {
            from,
            to,
            subject: &content.subject,
            message_id,
            unsubscribe,
            language: letter.locale.as_str(),
        },
        text,
        html,
        images,
    )
    .map_err(SendError::Permanent)?;
    app.mailer.send(&message, message_id).await
}

/// Drains mail rows until the task is aborted: at once again after a full batch, else after
/// `outbox_poll_ms`.
pub fn spawn(app: Arc<Context>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = worker_name();
        let poll = StdDuration::from_millis(app.settings.worker.outbox_poll_ms);
        tracing::info!(mail = %app.mailer.describe(), "mail worker running");
        loop {
            match drain_once(&app, &worker).await {
                Ok(report) if report.taken() as u64 == BATCH && report.retried == 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "mail pass failed; retrying"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}
