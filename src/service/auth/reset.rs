//! Forgotten passwords (OWASP ASVS 4.0.3 V2.5): a reset link by mail, whose token is random
//! (256 bits), known to the database by its SHA-256 hash, usable once and for 30 minutes
//! (`domain::password_reset`). Asking answers the same whether or not the address has an
//! account, and does the same token work either way; only an active account with that address
//! gets a mail. Resetting sets the new password (by the rules of registration), retires every
//! other reset of the account, revokes every session and API token, forgets the account's
//! failed sign-ins (so that its owner can sign in at once), and tells the owner by mail.
//!
//! The reset does not sign anyone in: the person signs in with their new password, on the page
//! the front end takes them to (ASVS 2.5: recovery should not be a way in by itself; and
//! signing in proves the new password was typed as meant).
//!
//! The link itself — its token, its row, its mail — is [`super::mail_link`]'s, shared with the
//! email confirmation. Following it also confirms the account's address, if it was not yet:
//! whoever set a password through it reads that mail.

use chrono::Duration;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use validator::Validate;

use super::mail_link::{self, Purpose, Recipient};
use super::password;
use crate::domain::password_reset;
use crate::error::{ApiError, ErrorCode};
use crate::service::Context;
use crate::service::rate_limit::{Limit, address_key, limit};
use crate::store::accounts as account_store;
use crate::store::audit::{self, Origin};
use crate::store::mail_links::{self as store, LinkTable};
use crate::store::outbox::{self, Message};

use crate::validation::{Text, request_body};

const RESET: Purpose = Purpose {
    table: LinkTable::PasswordResets,
    mail: |reset_id| Message::MailPasswordReset { reset_id },
};

/// Resets asked for one mail address: enough for a lost mail or two, not a mail bomb.
pub const FORGOT_PER_EMAIL: Limit = Limit {
    hits: 5,
    window: Duration::hours(1),
};
/// Resets asked from one client address.
pub const FORGOT_PER_ADDRESS: Limit = Limit {
    hits: 20,
    window: Duration::hours(1),
};
/// Reset attempts (right or wrong tokens) from one client address.
pub const RESET_PER_ADDRESS: Limit = Limit {
    hits: 30,
    window: Duration::hours(1),
};

request_body! {
    /// Ask for a password reset link by mail.
    #[derive(Deserialize, utoipa::ToSchema, Validate)]
    pub struct ForgotPassword {
        /// The account's email address.
        #[schema(value_type = String)]
        #[rule(email)]
        #[rule(length(min = 1, max = 254))]
        pub email: Text,
    }
}

request_body! {
    /// A new password, with the token from the reset mail's link.
    #[derive(Deserialize, utoipa::ToSchema, Validate)]
    pub struct NewPassword {
        /// The `token` of the link in the reset mail.
        pub token: String,
        /// The rules of registration. Counted as typed, spaces and all.
        #[rule(length(min = 10, max = 128))]
        pub password: String,
    }
}

fn email_key(email: &str) -> String {
    // Hashed, so the limits table holds no mail address.
    let digest = Sha256::digest(email.as_bytes());
    format!("password_forgot:email:{}", hex::encode(&digest[..16]))
}

/// Mails a reset link to the active account with this address, if there is one. The caller
/// learns nothing either way.
pub async fn forgot(app: &Context, req: ForgotPassword, origin: &Origin) -> Result<(), ApiError> {
    req.validate()?;
    let email = req.email.trimmed().to_lowercase();
    if let Some(ip) = &origin.ip {
        limit(
            &app.db,
            &format!("password_forgot:ip:{}", address_key(ip)),
            &FORGOT_PER_ADDRESS,
        )
        .await?;
    }
    limit(&app.db, &email_key(&email), &FORGOT_PER_EMAIL).await?;

    // The token's work is done whether or not there is an account, so that both answers take
    // about as long.
    let minted = mail_link::mint(app, RESET.table);
    let now = app.clock.now();
    let user = account_store::find_by_email(&app.db, &email)
        .await?
        .filter(|u| u.is_active);
    let Some(user) = user else {
        tracing::info!("password reset asked for an address with no active account; nothing sent");
        return Ok(());
    };
    let txn = crate::store::begin_write(&app.db).await?;
    let reset_id = mail_link::issue(
        &txn,
        &RESET,
        minted,
        Recipient {
            user_id: user.id,
            email: None,
            expires_at: password_reset::expires_at(now),
        },
        origin,
        now,
    )
    .await?;
    audit::record(
        &txn,
        origin,
        "user.password_reset_requested",
        "user",
        user.id,
        None,
        Some(serde_json::json!({ "reset_id": reset_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn invalid_token() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidToken,
        "this password reset link is not valid: it may have expired or been used; ask for a new one",
    )
}

/// Sets the password of the account whose reset token this is, once.
pub async fn reset(app: &Context, req: NewPassword, origin: &Origin) -> Result<(), ApiError> {
    let now = app.clock.now();
    // Unknown, used and expired tokens are one refusal: nothing tells them apart.
    let reset = mail_link::look_up(
        app,
        LinkTable::PasswordResets,
        &req.token,
        origin,
        "password_reset",
        &RESET_PER_ADDRESS,
    )
    .await?
    .and_then(|(reset, usable)| usable.is_ok().then_some(reset))
    .ok_or_else(invalid_token)?;
    let user = account_store::find(&app.db, reset.user_id)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(invalid_token)?;
    req.validate()?;

    let plain = req.password;
    let hash = app
        .hashing
        .run(move || password::hash(&plain))
        .await?
        .map_err(ApiError::internal)?;
    let txn = crate::store::begin_write(&app.db).await?;
    // The guarded use: of two requests with the same token, one resets the password.
    if !store::take(&txn, LinkTable::PasswordResets, reset.id, now).await? {
        txn.rollback().await?;
        return Err(invalid_token());
    }
    account_store::set_password(&txn, user.id, &hash, now).await?;
    store::retire_all(&txn, LinkTable::PasswordResets, user.id, now).await?;
    if let Some(email) = &user.email {
        super::confirm::confirmed_by_mail(&txn, user.id, email, origin, now).await?;
    }
    let sessions = account_store::revoke_all_sessions(&txn, user.id, now).await?;
    let tokens = account_store::revoke_all_api_tokens(&txn, user.id, now).await?;
    // The failed sign-ins counted against the account, from every address.
    super::forget_failures(&txn, &user).await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "user.password_reset",
        "user",
        user.id,
        None,
        Some(serde_json::json!({
            "reset_id": reset.id,
            "sessions_revoked": sessions,
            "api_tokens_revoked": tokens,
        })),
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailPasswordChanged {
            user_id: user.id,
            at: now,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// The request carrying a password and a token prints without them.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ForgotPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForgotPassword").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::auth::Registration;

    fn registration(password: &str) -> Registration {
        serde_json::from_value(serde_json::json!({
            "email": "a@example.cn",
            "password": password,
            "display_name": "A",
        }))
        .unwrap()
    }

    fn new_password(password: &str) -> NewPassword {
        serde_json::from_value(serde_json::json!({"token": "t", "password": password})).unwrap()
    }

    fn password_errors<T: Validate>(body: &T) -> serde_json::Value {
        let fields = crate::error::FieldErrors::of(body.validate());
        serde_json::to_value(&fields).unwrap()["password"].clone()
    }

    #[test]
    fn a_new_password_follows_the_rules_of_registration() {
        for password in [
            "",
            "short",
            "123456789",
            "1234567890",
            &"x".repeat(128),
            &"x".repeat(129),
        ] {
            assert_eq!(
                password_errors(&new_password(password)),
                password_errors(&registration(password)),
                "{} characters",
                password.len()
            );
        }
        assert!(password_errors(&new_password("123456789")).is_array());
        assert!(password_errors(&new_password("1234567890")).is_null());
    }

    #[test]
    fn the_limits_table_holds_no_mail_address() {
        assert!(!email_key("chen@example.cn").contains("chen"));
        assert_eq!(email_key("chen@example.cn"), email_key("chen@example.cn"));
    }
}
