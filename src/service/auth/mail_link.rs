//! What a password reset and an email confirmation share: a link sent by mail whose token is
//! random (256 bits), known to the database by its SHA-256 hash, kept sealed on its row for the
//! mail worker (which writes the letter after the request's transaction) until used, and
//! usable once before it expires (`domain::mail_link`). The token never reaches the logs, the
//! audit log or the outbox: the outbox row carries the link's id.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::crypto::{Place, random_token, token_hash};
use crate::domain::mail_link::{self, Refusal};
use crate::error::ApiError;
use crate::service::Context;
use crate::service::rate_limit::{Limit, address_key, limit};
use crate::store::audit::Origin;
use crate::store::mail_links::{self as store, LinkRecord, LinkTable, NewLink};
use crate::store::outbox::{self, Message};

/// A fresh token's hash and sealed copy. Minted whether or not a link is then recorded, so
/// that a request for an address with no account takes about as long.
pub struct Minted {
    hash: String,
    sealed: Vec<u8>,
}

pub fn mint(app: &Context, table: LinkTable) -> Minted {
    let token = random_token();
    let hash = token_hash(&token);
    // Sealed for the token's hash, the link's random unique key (its id comes with the insert).
    let sealed = app
        .sealer
        .seal(&Place::mail_link(table.name(), &hash), &token);
    Minted { hash, sealed }
}

/// What a link is for: its table, and the outbox message that mails it.
pub struct Purpose {
    pub table: LinkTable,
    pub mail: fn(i64) -> Message,
}

/// Whom a link goes to and until when it works.
pub struct Recipient<'a> {
    pub user_id: i64,
    /// The address an email confirmation confirms.
    pub email: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// Records the link of `minted` for `to`, and queues its mail in the same transaction: its id.
pub async fn issue(
    txn: &impl ConnectionTrait,
    purpose: &Purpose,
    minted: Minted,
    to: Recipient<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let id = store::insert(
        txn,
        purpose.table,
        NewLink {
            user_id: to.user_id,
            token_hash: &minted.hash,
            token_sealed: minted.sealed,
            requested_from: origin.ip.as_deref(),
            at: now,
            expires_at: to.expires_at,
            email: to.email,
        },
    )
    .await?;
    outbox::enqueue(txn, &(purpose.mail)(id), now).await?;
    Ok(id)
}

/// The link whose token this is, and whether it may still be used at the app's time; none for
/// a token never issued. Attempts are counted per client address under `limit_key` first.
pub async fn look_up(
    app: &Context,
    table: LinkTable,
    token: &str,
    origin: &Origin,
    limit_key: &str,
    per_address: &Limit,
) -> Result<Option<(LinkRecord, Result<(), Refusal>)>, ApiError> {
    if let Some(ip) = &origin.ip {
        limit(
            &app.db,
            &format!("{limit_key}:ip:{}", address_key(ip)),
            per_address,
        )
        .await?;
    }
    let now = app.clock.now();
    Ok(
        store::find_by_hash(&app.db, table, &token_hash(token.trim()))
            .await?
            .map(|link| {
                let usable = mail_link::check(&link.token, now);
                (link, usable)
            }),
    )
}
