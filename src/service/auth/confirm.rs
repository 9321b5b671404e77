//! Accounts that prove their owner: the link that confirms an account's email address, sent on
//! registration (and again on request), and the gate every use case that lets an account act
//! asks (`domain::confirmation`). The link is [`super::mail_link`]'s, shared with the password
//! reset: random, known by its hash, usable once, expiring (`email_confirm_ttl_hours`, 48 h by
//! default); its mail is always sent.
//!
//! A mobile-only account confirms by adding an email address ([`resend`] with one): no SMS
//! provider is configured in this product (the extension point is `domain::confirmation`).
//!
//! Unlike a password reset's, a confirmation's refusals are told apart: a link used already is
//! `already_confirmed` (the person may simply have clicked twice), an unknown or expired one is
//! `invalid_token`. Whoever holds the token learns nothing from that about anyone else.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, SqlErr};
use serde::Deserialize;
use validator::Validate;

use super::mail_link::{self, Purpose, Recipient};
use crate::domain::confirmation::{self, Deed, Unconfirmed};
use crate::domain::mail_link::Refusal;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::Context;
use crate::service::rate_limit::{Limit, limit_at};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::{self, Origin};
use crate::store::mail_links::{self as store, LinkTable};
use crate::store::outbox::Message;
use crate::validation::{Text, request_body};

/// Confirmation mails one account may ask for again: enough for a lost mail or two, not a mail
/// bomb (the one sent on registration does not count).
pub const RESEND_PER_ACCOUNT: Limit = Limit {
    hits: 3,
    window: Duration::hours(1),
};
/// Confirmation attempts (right or wrong tokens) from one client address.
pub const CONFIRM_PER_ADDRESS: Limit = Limit {
    hits: 30,
    window: Duration::hours(1),
};

const CONFIRMATION: Purpose = Purpose {
    table: LinkTable::EmailConfirmations,
    mail: |confirmation_id| Message::MailEmailConfirmation { confirmation_id },
};

request_body! {
    /// The token from the confirmation mail's link.
    #[derive(Deserialize, utoipa::ToSchema, Validate)]
    pub struct ConfirmEmail {
        /// The `token` of the link in the confirmation mail.
        #[rule(length(min = 1, max = 128))]
        pub token: String,
    }
}

request_body! {
    /// Ask for the confirmation mail again. An account with no email address (registered with
    /// a mobile number) gives the address to confirm here; one with an address sends nothing.
    #[derive(Deserialize, utoipa::ToSchema, Validate, Default)]
    pub struct ResendConfirmation {
        /// Only for an account with no email address yet.
        #[schema(value_type = Option<String>)]
        #[rule(email)]
        #[rule(length(max = 254))]
        pub email: Option<Text>,
    }
}

/// The refusal of a use case to an account not confirmed yet: 403 `email_unconfirmed`, naming
/// what it tried (`details.deed`).
pub fn require(user: &User, deed: Deed) -> Result<(), ApiError> {
    confirmation::may_act(user.confirmed_at, deed).map_err(|Unconfirmed(deed)| {
        let message = match user.email {
            Some(_) => "confirm your email address first: follow the link in the mail we sent you, or ask for a new one",
            None => "add an email address to your account and confirm it first: this account has only a mobile number",
        };
        ApiError::new(ErrorCode::EmailUnconfirmed, message)
            .with_details(serde_json::json!({ "deed": deed.as_str() }))
    })
}

/// The refusal of a grant to an account not confirmed yet: 422 `grantee_unconfirmed`.
pub fn require_grantee(grantee: &User) -> Result<(), ApiError> {
    confirmation::may_act(grantee.confirmed_at, Deed::HoldRole).map_err(|_| {
        ApiError::new(
            ErrorCode::GranteeUnconfirmed,
            "this account has not confirmed its email address yet: it can be granted a role once it has",
        )
    })
}

/// Sends `user_id` a link confirming `email` (in `txn`, with its mail), audited.
pub async fn send(
    txn: &impl ConnectionTrait,
    app: &Context,
    user_id: i64,
    email: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let ttl = app.settings.policy.email_confirm_ttl();
    let id = mail_link::issue(
        txn,
        &CONFIRMATION,
        mail_link::mint(app, CONFIRMATION.table),
        Recipient {
            user_id,
            email: Some(email),
            expires_at: crate::domain::mail_link::expires_at(now, ttl),
        },
        origin,
        now,
    )
    .await?;
    audit::record(
        txn,
        &origin.with_user(user_id),
        "user.confirmation_sent",
        "user",
        user_id,
        None,
        Some(serde_json::json!({ "confirmation_id": id })),
    )
    .await?;
    Ok(())
}

/// The account's owner proved they read `email` (a confirmation or a password reset link):
/// the account is confirmed if it was not, and its other confirmation links retire. Whether
/// it was confirmed now.
pub async fn confirmed_by_mail(
    txn: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    if !account_store::confirm(txn, user_id, email, now).await? {
        return Ok(false);
    }
    store::retire_all(txn, LinkTable::EmailConfirmations, user_id, now).await?;
    audit::record(
        txn,
        &origin.with_user(user_id),
        "user.confirm_email",
        "user",
        user_id,
        None,
        None,
    )
    .await?;
    Ok(true)
}

fn already_confirmed() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyConfirmed,
        "this email address is confirmed already: there is nothing more to do",
    )
}

/// An unknown, expired or dead link, with how long a link works (`details.valid_hours`), which
/// the page says.
fn invalid_token(app: &Context) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidToken,
        "this confirmation link is not valid: it may have expired; sign in and ask for a new one",
    )
    .with_details(serde_json::json!({ "valid_hours": app.settings.policy.email_confirm_ttl_hours }))
}

/// Confirms the address of the account whose confirmation token this is. Needs no session:
/// the link may be opened in another browser than the one signed in.
pub async fn confirm(app: &Context, req: ConfirmEmail, origin: &Origin) -> Result<(), ApiError> {
    req.validate()?;
    let (link, usable) = mail_link::look_up(
        app,
        LinkTable::EmailConfirmations,
        &req.token,
        origin,
        "email_confirm",
        &CONFIRM_PER_ADDRESS,
    )
    .await?
    .ok_or_else(|| invalid_token(app))?;
    let user = account_store::find(&app.db, link.user_id)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(|| invalid_token(app))?;
    match usable {
        Ok(()) => {}
        Err(Refusal::Used) if user.confirmed_at.is_some() => return Err(already_confirmed()),
        Err(_) => return Err(invalid_token(app)),
    }
    let email = link.email.ok_or_else(|| invalid_token(app))?;
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    // The guarded use: of two requests with the same token, one confirms.
    if !store::take(&txn, LinkTable::EmailConfirmations, link.id, now).await? {
        txn.rollback().await?;
        return Err(already_confirmed());
    }
    if !confirmed_by_mail(&txn, user.id, &email, origin, now).await? {
        // Confirmed through another link meanwhile, or the address is no longer the account's.
        txn.rollback().await?;
        return Err(
            if user.confirmed_at.is_some() || user.email.as_deref() == Some(&email) {
                already_confirmed()
            } else {
                invalid_token(app)
            },
        );
    }
    txn.commit().await?;
    Ok(())
}

/// Mails the signed-in account a new confirmation link; for an account with no address, to
/// the one it gives (which becomes its address). A taken address is answered as any other —
/// nothing is set and nothing sent — so that this cannot tell who has an account. The answer
/// is how many hours the link works, the same in both cases.
pub async fn resend(
    app: &Context,
    user: &User,
    req: ResendConfirmation,
    origin: &Origin,
) -> Result<u32, ApiError> {
    req.validate()?;
    if user.confirmed_at.is_some() {
        return Err(already_confirmed());
    }
    let given = req
        .email
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_lowercase);
    let email = match (&user.email, given) {
        (Some(own), None) => own.clone(),
        (Some(own), Some(given)) if *own == given => given,
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "email",
                FieldError::new(crate::error::FieldCode::Absent).because(
                    "this account has an email address already: its confirmation goes there",
                ),
            ));
        }
        (None, Some(given)) => given,
        (None, None) => {
            return Err(ApiError::field(
                "email",
                FieldError::required_with(None).because(
                    "this account has only a mobile number: give an email address to confirm",
                ),
            ));
        }
    };
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    limit_at(
        &txn,
        &format!("email_confirm_resend:user:{}", user.id),
        &RESEND_PER_ACCOUNT,
        now,
    )
    .await?;
    if user.email.is_none() {
        match account_store::add_email(&txn, user.id, &email, now).await {
            Ok(true) => {}
            Ok(false) => {
                txn.rollback().await?;
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "this account was given an email address meanwhile: reload and try again",
                ));
            }
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                // Taken by another account: say nothing different (the hit still counts).
                txn.rollback().await?;
                tracing::info!(
                    "confirmation asked for an address another account has; nothing sent"
                );
                return Ok(app.settings.policy.email_confirm_ttl_hours);
            }
            Err(err) => return Err(err.into()),
        }
    }
    send(&txn, app, user.id, &email, origin, now).await?;
    txn.commit().await?;
    Ok(app.settings.policy.email_confirm_ttl_hours)
}

impl std::fmt::Debug for ConfirmEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmEmail").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ResendConfirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResendConfirmation").finish_non_exhaustive()
    }
}
