//! Idempotent creates: a request that creates something may carry an `Idempotency-Key`; a retry
//! of the same request (same user, key, operation and body) gets the first answer again and
//! creates nothing more, and the same key with another request is refused.
//!
//! A use case calls [`begin`] first in its write transaction and [`Pending::finish`] with its
//! answer just before the commit, so that the claim, the change and the saved answer commit
//! together: if the use case fails, its transaction rolls back and the key is free again.
//!
//! ```ignore
//! let txn = store::begin_write(&app.db).await?;
//! let pending = match idempotency::begin(&txn, user.id, &key, "order.create", &request).await? {
//!     Claim::Started(pending) => pending,
//!     Claim::Replay(first) => return Ok(Answer::Replayed(first)),
//! };
//! // … the change …
//! pending.finish(&txn, 201, &view).await?;
//! txn.commit().await?;
//! ```

use sea_orm::ConnectionTrait;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCode};
use crate::store::idempotency as store;
pub use crate::store::idempotency::StoredResponse;

/// An `Idempotency-Key`: 1 to 128 visible ASCII characters, the client's own (keys are per
/// user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        if (1..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "Idempotency-Key: must be 1 to 128 visible ASCII characters",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What [`begin`] found.
#[must_use]
#[derive(Debug)]
pub enum Claim {
    /// The key is this request's: go ahead, then [`Pending::finish`] before the commit.
    Started(Pending),
    /// The same request was answered before: give this answer again, change nothing.
    Replay(StoredResponse),
}

/// How a create under an idempotency key was answered: afresh, or as the first time (its
/// saved status and JSON body, sent again as they were).
pub enum Answer<T> {
    Created(Box<T>),
    Replayed { status: u16, body: String },
}

/// A claimed key waiting for its answer.
#[must_use = "a claimed key keeps an empty answer unless it is finished"]
#[derive(Debug)]
pub struct Pending {
    user_id: i64,
    key: IdempotencyKey,
}

/// The hash that tells a retry from another request under the same key: SHA-256 (hex) of the
/// operation's name and the request's JSON. The operation (`"pledge.create"`) is the use
/// case's own name, not an HTTP route, so that the same key sent to two operations is two
/// requests, and a route's rename changes nothing. `request` holds everything that makes the
/// request what it is (for a pledge: the need and the body).
pub fn request_hash(operation: &str, request: &impl Serialize) -> Result<String, ApiError> {
    let canonical = serde_json::to_string(request).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(format!(
        "{operation}\n{canonical}"
    ))))
}

/// Claims `key` for `user_id`'s request in `txn`, the transaction of the change it guards.
///
/// A concurrent request under the same key waits until this transaction ends (see
/// [`store::claim`]): after its commit it replays the saved answer, after a rollback it takes
/// the key itself. The same key with another operation or body is `idempotency_key_reused`.
pub async fn begin(
    txn: &impl ConnectionTrait,
    user_id: i64,
    key: &IdempotencyKey,
    operation: &str,
    request: &impl Serialize,
) -> Result<Claim, ApiError> {
    let hash = request_hash(operation, request)?;
    // Pruned by the system's clock (see the scheduler), so stamped by it.
    if store::claim(txn, user_id, key.as_str(), &hash, crate::clock::now()).await? {
        return Ok(Claim::Started(Pending {
            user_id,
            key: key.clone(),
        }));
    }
    let first = store::first_claim(txn, user_id, key.as_str())
        .await?
        .ok_or_else(|| ApiError::internal("an idempotency key vanished"))?;
    if first.request_hash != hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for a different request; use a new key",
        ));
    }
    Ok(Claim::Replay(first.response))
}

impl Pending {
    /// Saves the answer (`status` and `body` as JSON) for retries, in `txn` before its commit.
    pub async fn finish(
        self,
        txn: &impl ConnectionTrait,
        status: u16,
        body: &impl Serialize,
    ) -> Result<(), ApiError> {
        let body = serde_json::to_string(body).map_err(ApiError::internal)?;
        store::save_response(
            txn,
            self.user_id,
            self.key.as_str(),
            &StoredResponse { status, body },
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn idempotency_keys_are_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("a1b2-c3d4").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("with space").is_err());
        assert!(IdempotencyKey::parse("键").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
    }

    #[test]
    fn the_same_request_hashes_alike_and_another_body_does_not() {
        let hash = |body| request_hash("order.create", &body).unwrap();
        assert_eq!(hash(json!({"quantity": 2})), hash(json!({"quantity": 2})));
        assert_ne!(hash(json!({"quantity": 2})), hash(json!({"quantity": 3})));
        assert_eq!(hash(json!({})).len(), 64, "fits the column: SHA-256 in hex");
    }

    #[test]
    fn the_same_body_for_another_operation_hashes_otherwise() {
        let body = json!({"quantity": 2});
        assert_ne!(
            request_hash("pledge.create", &body).unwrap(),
            request_hash("order.create", &body).unwrap()
        );
    }
}
