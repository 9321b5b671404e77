//! Idempotency keys' rows: a user's key, the hash of the request first made under it, and the
//! answer first given. Every function works inside the caller's transaction, so that a claim,
//! the change it guards and the saved answer commit (or roll back) together.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, TryInsertResult,
};

use super::entity::idempotency_keys::{self, Column, Entity};

/// The answer first given under a key, to give again word for word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// The first request under a key, as stored.
#[derive(Debug, Clone)]
pub struct FirstClaim {
    pub request_hash: String,
    pub response: StoredResponse,
}

/// Claims `(user_id, key)` for the request hashed `request_hash`, with no answer yet. `true`:
/// the key is this request's. `false`: an earlier request holds it; see [`first_claim`].
///
/// A concurrent claim of the same key waits in this statement (PostgreSQL, on the uncommitted
/// row) or before its transaction begins (SQLite, one writer at a time) until the first
/// transaction ends: after a commit it finds the key taken, after a rollback it takes it.
pub async fn claim(
    txn: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
    request_hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = idempotency_keys::ActiveModel {
        user_id: Set(user_id),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        response_status: Set(0),
        response_body: Set(String::new()),
        created_at: Set(at.fixed_offset()),
    };
    let inserted = Entity::insert(row)
        .on_conflict_do_nothing_on([Column::UserId, Column::Key])
        .exec_without_returning(txn)
        .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(1)))
}

/// The request that first claimed `(user_id, key)` and the answer it saved.
pub async fn first_claim(
    txn: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
) -> Result<Option<FirstClaim>, DbErr> {
    let Some(row) = Entity::find_by_id((user_id, key.to_owned()))
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let status = u16::try_from(row.response_status).map_err(|_| {
        DbErr::Custom(format!(
            "idempotency key with response status {}",
            row.response_status
        ))
    })?;
    Ok(Some(FirstClaim {
        request_hash: row.request_hash,
        response: StoredResponse {
            status,
            body: row.response_body,
        },
    }))
}

/// Saves the answer to the request that claimed `(user_id, key)`, before its commit.
pub async fn save_response(
    txn: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
    response: &StoredResponse,
) -> Result<(), DbErr> {
    let status = i16::try_from(response.status)
        .map_err(|_| DbErr::Custom(format!("response status {}", response.status)))?;
    Entity::update_many()
        .col_expr(Column::ResponseStatus, Expr::value(status))
        .col_expr(Column::ResponseBody, Expr::value(response.body.as_str()))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::Key.eq(key))
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes the keys claimed before `older_than`, with their saved answers. Returns how many.
pub async fn prune(db: &impl ConnectionTrait, older_than: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = Entity::delete_many()
        .filter(Column::CreatedAt.lt(older_than.fixed_offset()))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
