//! Authentication: registration, sign-in and sign-out (sessions), personal API tokens,
//! recognising the caller of a request from a session cookie or a bearer token (the HTTP
//! extractors that ask for it are `http/auth.rs`), and the hashing of passwords ([`password`]).
//!
//! Sign-in failures say the same thing whether the account exists or not, and take the same
//! time (a password is verified against a dummy hash when there is no account); registration
//! answers the same whether the address was new or taken. Attempts are rate-limited per login
//! and per address. A forgotten password is reset by mail ([`reset`]); an account's email
//! address is confirmed by mail ([`confirm`]) before it may act. Both links are
//! [`mail_link`]s.

pub mod confirm;
pub mod mail_link;
pub mod password;
pub mod reset;

use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr, SqlErr};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use validator::Validate;

use crate::crypto::{random_token, token_hash};
use crate::domain::authz::Actor;
use crate::domain::phone::{Mobile, normalise_login};
use crate::error::{ApiError, ErrorCode, FieldError, FieldErrors};
use crate::service::rate_limit::{Limit, address_key, limit};
use crate::store::accounts::{
    self as account_store, ApiToken, NewApiTokenRow, NewSessionRow, User,
};
use crate::store::audit::{self, Origin};
use crate::store::rate_limits;
use crate::validation::{Text, request_body};

/// Sign-in attempts for one login (email or mobile) from one address, until one succeeds.
pub const LOGIN_PER_ACCOUNT_AND_ADDRESS: Limit = Limit {
    hits: 10,
    window: Duration::minutes(15),
};
/// Sign-in attempts for one login from everywhere: the ceiling on a distributed guess. (Whoever
/// sends this many can keep the account waiting; that is the price of the ceiling.)
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    hits: 50,
    window: Duration::minutes(15),
};
/// Sign-in attempts from one address.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    hits: 100,
    window: Duration::minutes(15),
};
/// Registrations from one address.
pub const REGISTER_PER_ADDRESS: Limit = Limit {
    hits: 20,
    window: Duration::hours(1),
};

/// Prefix of personal API tokens, so they are recognisable in a leaked file.
pub const API_TOKEN_PREFIX: &str = "djt_";

fn login_key(login: &str) -> String {
    // Hashed, so the limits table holds no email or phone number.
    let digest = Sha256::digest(normalise_login(login).as_bytes());
    format!("login:account:{}", hex::encode(&digest[..16]))
}

/// Builds the (slow) dummy hash ahead of the first sign-in, so that the first unknown login
/// takes no longer than any other.
pub fn warm_up() {
    let _ = dummy_hash();
}

request_body! {
    /// A new account: an email address or a mobile number (or both) to sign in with.
    #[derive(Deserialize, utoipa::ToSchema, Validate)]
    pub struct Registration {
        #[schema(value_type = Option<String>)]
        #[rule(email)]
        #[rule(length(max = 254))]
        pub email: Option<Text>,
        #[schema(value_type = Option<String>)]
        #[rule(mobile)]
        pub mobile: Option<Text>,
        /// Counted as typed, spaces and all.
        #[rule(length(min = 10, max = 128))]
        pub password: String,
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 50))]
        pub display_name: Text,
    }
}

/// Registers an account, not confirmed yet, and mails a link confirming its email address (a
/// mobile-only account is told to add one). The outcome looks the same whether or not the
/// email or mobile number was already taken (in which case nothing is created, and nothing is
/// sent: a "someone tried to register with your address" mail would let anyone send mail to
/// any address, and the owner learns nothing they can act on — a stranger without the mail
/// cannot use the address).
pub async fn register(
    app: &crate::service::Context,
    reg: Registration,
    origin: &Origin,
) -> Result<(), ApiError> {
    let db = &app.db;
    let mut fields = FieldErrors::of(reg.validate());
    let email = reg
        .email
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_lowercase);
    // A valid number when one is given, by its rule.
    let mobile = reg
        .mobile
        .as_ref()
        .and_then(Text::non_blank)
        .map(Mobile::parse)
        .and_then(Result::ok);
    if email.is_none() && reg.mobile.as_ref().and_then(Text::non_blank).is_none() {
        fields.add(
            "email",
            FieldError::required().because("give an email address or a mobile number"),
        );
    }
    fields.into_result()?;
    let display_name = reg.display_name.trimmed();
    if let Some(ip) = &origin.ip {
        limit(
            db,
            &format!("register:ip:{}", address_key(ip)),
            &REGISTER_PER_ADDRESS,
        )
        .await?;
    }

    let plain = reg.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&plain))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let now = app.clock.now();
    let txn = crate::store::begin_write(db).await?;
    let inserted = account_store::insert_user(
        &txn,
        email.clone(),
        mobile.map(|m| m.expose().to_owned()),
        hash,
        display_name,
        false,
        now,
    )
    .await;
    match inserted {
        Ok(user) => {
            audit::record(
                &txn,
                &origin.with_user(user.id),
                "user.register",
                "user",
                user.id,
                None,
                None,
            )
            .await?;
            if let Some(email) = &email {
                confirm::send(&txn, app, user.id, email, origin, now).await?;
            }
            txn.commit().await?;
        }
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // Taken: say nothing different. The owner can sign in or reset their password.
            txn.rollback().await?;
            tracing::info!(
                "registration for an address that already has an account; nothing created"
            );
        }
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    /// Email address or mobile number.
    pub login: String,
    pub password: String,
}

/// A hash to verify against when the account does not exist, so that a wrong login takes as
/// long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(&random_token()).expect("hashing a random string"))
}

/// The account the credentials open, after the rate limits.
async fn check_credentials(
    db: &DatabaseConnection,
    creds: &Credentials,
    origin: &Origin,
) -> Result<User, ApiError> {
    let address = origin.ip.as_deref().map(address_key).unwrap_or_default();
    let account_and_address = format!("{}:{address}", login_key(&creds.login));
    limit(db, &account_and_address, &LOGIN_PER_ACCOUNT_AND_ADDRESS).await?;
    limit(db, &login_key(&creds.login), &LOGIN_PER_ACCOUNT).await?;
    if !address.is_empty() {
        limit(db, &format!("login:ip:{address}"), &LOGIN_PER_ADDRESS).await?;
    }
    let user = account_store::find_by_login(db, &creds.login).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let plain = creds.password.clone();
    let matches = tokio::task::spawn_blocking(move || password::verify(&plain, &stored))
        .await
        .map_err(ApiError::internal)?;
    match user {
        Some(user) if matches && user.is_active => {
            // The owner got in: the failed guesses before no longer count against them.
            rate_limits::clear(db, &account_and_address).await?;
            Ok(user)
        }
        _ => Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "the login or the password is wrong",
        )),
    }
}

/// A new browser session: the secrets go to the client once, only their hashes are kept.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

pub async fn login(
    db: &DatabaseConnection,
    creds: &Credentials,
    origin: &Origin,
    user_agent: Option<&str>,
    ttl: Duration,
) -> Result<NewSession, ApiError> {
    let user = check_credentials(db, creds, origin).await?;
    let token = random_token();
    let csrf_token = random_token();
    let now = crate::clock::now();
    let expires_at = now + ttl;
    let user_agent: Option<String> = user_agent.map(|ua| ua.chars().take(200).collect());
    let txn = crate::store::begin_write(db).await?;
    let session = account_store::insert_session(
        &txn,
        &NewSessionRow {
            user_id: user.id,
            token_hash: &token_hash(&token),
            csrf_token_hash: &token_hash(&csrf_token),
            ip: origin.ip.as_deref(),
            user_agent: user_agent.as_deref(),
            at: now,
            expires_at,
        },
    )
    .await?;
    account_store::record_login(&txn, user.id, now).await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "session.create",
        "session",
        session.id,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(NewSession {
        token,
        csrf_token,
        expires_at,
        user,
    })
}

pub async fn logout(
    db: &DatabaseConnection,
    session_id: i64,
    origin: &Origin,
) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(db).await?;
    if account_store::revoke_session(&txn, session_id, crate::clock::now()).await? {
        audit::record(
            &txn,
            origin,
            "session.revoke",
            "session",
            session_id,
            None,
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

request_body! {
    #[derive(Deserialize, utoipa::ToSchema, Validate)]
    pub struct TokenRequest {
        pub login: String,
        pub password: String,
        /// What the token is for, e.g. "ERP integration".
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 100))]
        pub name: Text,
    }
}

/// Creates a personal API token; the secret is returned once and stored only as a hash.
pub async fn create_api_token(
    db: &DatabaseConnection,
    req: &TokenRequest,
    origin: &Origin,
) -> Result<(ApiToken, String), ApiError> {
    req.validate()?;
    let name = req.name.trimmed();
    let creds = Credentials {
        login: req.login.clone(),
        password: req.password.clone(),
    };
    let user = check_credentials(db, &creds, origin).await?;
    let secret = format!("{API_TOKEN_PREFIX}{}", random_token());
    let prefix: String = secret.chars().take(12).collect();
    let now = crate::clock::now();
    let txn = crate::store::begin_write(db).await?;
    let token = account_store::insert_api_token(
        &txn,
        &NewApiTokenRow {
            user_id: user.id,
            name,
            token_hash: &token_hash(&secret),
            prefix: &prefix,
            at: now,
        },
    )
    .await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "api_token.create",
        "api_token",
        token.id,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok((token, secret))
}

pub async fn revoke_api_token(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    origin: &Origin,
) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(db).await?;
    if !account_store::revoke_api_token(&txn, actor.user_id, id, crate::clock::now()).await? {
        return Err(ApiError::not_found("token"));
    }
    audit::record(
        &txn,
        origin,
        "api_token.revoke",
        "api_token",
        id,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How the caller of a request proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    Session { id: i64, csrf_token_hash: String },
    ApiToken { id: i64 },
}

/// The signed-in caller: their account, their grants, and how they signed in.
#[derive(Clone)]
pub struct SignedIn {
    pub user: User,
    pub actor: Actor,
    pub credential: Credential,
}

/// Recognises a session token (from the cookie).
pub async fn caller_from_session(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<SignedIn>, DbErr> {
    let now = crate::clock::now();
    let Some((session, user)) = account_store::find_session(db, &token_hash(token), now).await?
    else {
        return Ok(None);
    };
    if !user.is_active {
        return Ok(None);
    }
    account_store::touch_session(db, &session, now).await?;
    let actor = account_store::load_actor(db, user.id).await?;
    Ok(Some(SignedIn {
        user,
        actor,
        credential: Credential::Session {
            id: session.id,
            csrf_token_hash: session.csrf_token_hash,
        },
    }))
}

/// Recognises a personal API token (from `Authorization: Bearer`).
pub async fn caller_from_api_token(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<Option<SignedIn>, DbErr> {
    let now = crate::clock::now();
    let Some((token, user)) = account_store::find_api_token(db, &token_hash(secret), now).await?
    else {
        return Ok(None);
    };
    if !user.is_active {
        return Ok(None);
    }
    account_store::touch_api_token(db, &token, now).await?;
    let actor = account_store::load_actor(db, user.id).await?;
    Ok(Some(SignedIn {
        user,
        actor,
        credential: Credential::ApiToken { id: token.id },
    }))
}

/// Audit helper: the JSON detail naming changed fields without their values.
pub fn changed_fields(names: &[&str]) -> serde_json::Value {
    json!({ "changed": names })
}

// Requests that carry passwords, and the caller (whose account row holds the password hash),
// print without them, so that a stray `{:?}` cannot put a secret in a log line.
impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("user_id", &self.user.id)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_compared_as_stored() {
        assert_eq!(login_key("138 0013 8000"), login_key("13800138000"));
    }
}
