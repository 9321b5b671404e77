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

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use lettre::message::Mailbox;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

use super::outbox::{DrainReport, Outcome, claim, settle, worker_name};
use crate::domain::notification::NotificationKind;
use crate::mail::templates::{self, Links};
use crate::mail::{self, Envelope, InlineImage, SendError};
use crate::service::notifications::{self, ComposeError, Letter};
use crate::startup::AppState;
use crate::store::entity::{mail_deliveries, outbox};
use crate::store::outbox::Message;

/// Mail rows taken per pass.
const BATCH: u64 = 50;

/// What became of one row.
enum RowOutcome {
    Done,
    Retry(String),
    Fail(String),
}

/// One pass: claims due mail rows and delivers their letters, one row after the other. Once
/// the mail server is found unavailable, the rest of the batch waits without trying.
pub async fn drain_once(app: &AppState, worker: &str) -> Result<DrainReport, DbErr> {
    let rows = claim(
        &app.db,
        worker,
        &Message::MAIL_KINDS,
        BATCH,
        crate::clock::now(),
    )
    .await?;
    let mut report = DrainReport::default();
    let backoff = app.settings.outbox_backoff();
    let give_up = Duration::hours(i64::from(app.settings.mail_give_up_hours));
    let mut unavailable: Option<String> = None;
    for row in &rows {
        let outcome = match &unavailable {
            Some(error) => RowOutcome::Retry(format!(
                "not tried, the mail server was unavailable: {error}"
            )),
            None => deliver_row(app, row).await,
        };
        let now = crate::clock::now();
        match outcome {
            RowOutcome::Done => {
                settle(&app.db, &[row], Outcome::Done, now).await?;
                report.done += 1;
            }
            RowOutcome::Retry(error) if backoff.waited(row.attempts) >= give_up => {
                let reason = format!(
                    "gave up after {} hours of retries: {error}",
                    give_up.num_hours()
                );
                tracing::warn!(row = row.id, kind = %row.kind, %reason, "mail not delivered");
                settle(&app.db, &[row], Outcome::Fail(&reason), now).await?;
                report.failed += 1;
            }
            RowOutcome::Retry(error) => {
                if unavailable.is_none() {
                    tracing::warn!(row = row.id, kind = %row.kind, %error, "mail server unavailable; will retry");
                    unavailable = Some(error.clone());
                }
                settle(&app.db, &[row], Outcome::Retry(&backoff, &error), now).await?;
                report.retried += 1;
            }
            RowOutcome::Fail(error) => {
                tracing::warn!(row = row.id, kind = %row.kind, %error, "mail row cannot be delivered");
                settle(&app.db, &[row], Outcome::Fail(&error), now).await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Delivers the letters of one row that are not yet on record.
async fn deliver_row(app: &AppState, row: &outbox::Model) -> RowOutcome {
    let message = match serde_json::from_str::<Message>(&row.payload) {
        Ok(message) => message,
        Err(e) => return RowOutcome::Fail(format!("unreadable payload: {e}")),
    };
    let Some(kind) = notifications::kind_of(&message) else {
        return RowOutcome::Fail(format!("`{}` is not a mail row", message.kind()));
    };
    let letters = match notifications::letters(&app.db, kind, &message).await {
        Ok(letters) => letters,
        Err(ComposeError::Db(e)) => return RowOutcome::Retry(format!("database: {e}")),
        Err(ComposeError::Unusable(e)) => return RowOutcome::Fail(e),
    };
    let recorded: HashSet<String> = match mail_deliveries::Entity::find()
        .select_only()
        .column(mail_deliveries::Column::MessageId)
        .filter(mail_deliveries::Column::OutboxId.eq(row.id))
        .into_tuple::<String>()
        .all(&app.db)
        .await
    {
        Ok(ids) => ids.into_iter().collect(),
        Err(e) => return RowOutcome::Retry(format!("database: {e}")),
    };
    let from: Mailbox = match app.settings.mail_from.parse() {
        Ok(from) => from,
        Err(e) => return RowOutcome::Retry(format!("mail_from: {e}")),
    };
    let domain = mail::sender_domain(&from);
    for letter in letters {
        let message_id = format!("<{}.{}.{}@{domain}>", row.id, letter.user_id, kind.as_str());
        if recorded.contains(&message_id) {
            continue;
        }
        let (status, detail) = if !letter.wanted {
            ("skipped", Some("turned off by the recipient".to_owned()))
        } else if letter.email.is_none() {
            (
                "skipped",
                Some("the account has no mail address".to_owned()),
            )
        } else {
            match send_letter(app, &from, kind, &letter, &message_id).await {
                Ok(()) => ("sent", None),
                Err(SendError::Permanent(e)) => {
                    tracing::warn!(row = row.id, user_id = letter.user_id, error = %e, "mail refused for good");
                    ("failed", Some(e))
                }
                Err(SendError::Transient(e)) => return RowOutcome::Retry(e),
            }
        };
        if let Err(e) = record(app, row, &letter, kind, &message_id, status, detail).await {
            return RowOutcome::Retry(format!("database: {e}"));
        }
        if status == "sent" {
            tracing::info!(row = row.id, user_id = letter.user_id, kind = kind.as_str(), %message_id, "mail sent");
        }
    }
    RowOutcome::Done
}

async fn send_letter(
    app: &AppState,
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
        base: app.settings.public_base(),
    };
    let token = notifications::unsubscribe_token(app, letter.user_id, kind);
    let unsubscribe = links.unsubscribe(&token);
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
    let text = templates::text_body(&content, kind, letter.locale, &links, &unsubscribe);
    let html = templates::html_body(&content, kind, letter.locale, &links, &unsubscribe, &cids);
    let message = mail::build(
        Envelope {
            from,
            to,
            subject: &content.subject,
            message_id,
            unsubscribe: &unsubscribe,
            language: letter.locale.as_str(),
        },
        text,
        html,
        images,
    )
    .map_err(SendError::Permanent)?;
    app.mailer.send(&message, message_id).await
}

async fn record(
    app: &AppState,
    row: &outbox::Model,
    letter: &Letter,
    kind: NotificationKind,
    message_id: &str,
    status: &str,
    detail: Option<String>,
) -> Result<(), DbErr> {
    mail_deliveries::Entity::insert(mail_deliveries::ActiveModel {
        outbox_id: Set(row.id),
        user_id: Set(letter.user_id),
        kind: Set(kind.as_str().to_owned()),
        message_id: Set(message_id.to_owned()),
        status: Set(status.to_owned()),
        detail: Set(detail.map(|d| d.chars().take(1000).collect())),
        created_at: Set(crate::clock::now().fixed_offset()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([mail_deliveries::Column::MessageId])
    .exec(&app.db)
    .await?;
    Ok(())
}

/// Drains mail rows until the task is aborted: at once again after a full batch, else after
/// `outbox_poll_ms`.
pub fn spawn(app: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = worker_name();
        let poll = StdDuration::from_millis(app.settings.outbox_poll_ms);
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
