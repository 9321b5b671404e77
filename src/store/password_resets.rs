//! Password resets: a row per request, its token known by its hash. Using a token is one
//! guarded update (`used_at IS NULL`), so that two requests racing with the same token cannot
//! both reset the password.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::password_resets;
use crate::domain::password_reset::ResetToken;

/// A reset on record.
#[derive(Clone)]
pub struct ResetRecord {
    pub id: i64,
    pub user_id: i64,
    /// SHA-256 of the token: the row's random key, which its sealed copy is bound to.
    pub token_hash: String,
    pub token: ResetToken,
    /// The token sealed for the mail; none once used.
    pub token_sealed: Option<Vec<u8>>,
    pub requested_from: Option<String>,
    pub created_at: DateTime<Utc>,
}

// Printed without the sealed token.
impl std::fmt::Debug for ResetRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetRecord")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// A reset to record.
pub struct NewReset<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub token_sealed: Vec<u8>,
    pub requested_from: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn read(row: password_resets::Model) -> ResetRecord {
    ResetRecord {
        id: row.id,
        user_id: row.user_id,
        token_hash: row.token_hash,
        token: ResetToken {
            expires_at: row.expires_at.to_utc(),
            used_at: row.used_at.map(|t| t.to_utc()),
        },
        token_sealed: row.token_sealed,
        requested_from: row.requested_from,
        created_at: row.created_at.to_utc(),
    }
}

pub async fn insert(db: &impl ConnectionTrait, new: NewReset<'_>) -> Result<ResetRecord, DbErr> {
    let row = password_resets::ActiveModel {
        user_id: Set(new.user_id),
        token_hash: Set(new.token_hash.to_owned()),
        token_sealed: Set(Some(new.token_sealed)),
        requested_from: Set(new.requested_from.map(|a| a.chars().take(64).collect())),
        created_at: Set(new.at.fixed_offset()),
        expires_at: Set(new.expires_at.fixed_offset()),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read(row))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ResetRecord>, DbErr> {
    Ok(password_resets::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read))
}

/// The reset whose token has this hash.
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<ResetRecord>, DbErr> {
    Ok(password_resets::Entity::find()
        .filter(password_resets::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(read))
}

/// Uses the reset `id` at `now`, wiping its sealed token; false when it was used already.
pub async fn take(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::UsedAt,
            Expr::value(now.fixed_offset()),
        )
        .col_expr(
            password_resets::Column::TokenSealed,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(password_resets::Column::Id.eq(id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Retires every reset of the account not used yet (its password was just set): how many.
pub async fn retire_all(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::UsedAt,
            Expr::value(now.fixed_offset()),
        )
        .col_expr(
            password_resets::Column::TokenSealed,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(password_resets::Column::UserId.eq(user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// A reset's sealed token, as a key rotation reads it.
pub struct SealedToken {
    pub id: i64,
    pub token_hash: String,
    pub sealed: Vec<u8>,
}

/// Resets after `after` that still hold a sealed token, at most `limit`, by id.
pub async fn sealed_batch(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<SealedToken>, DbErr> {
    Ok(password_resets::Entity::find()
        .filter(password_resets::Column::Id.gt(after))
        .filter(password_resets::Column::TokenSealed.is_not_null())
        .order_by_asc(password_resets::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(SealedToken {
                id: row.id,
                token_hash: row.token_hash,
                sealed: row.token_sealed?,
            })
        })
        .collect())
}

pub async fn sealed_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    password_resets::Entity::find()
        .filter(password_resets::Column::TokenSealed.is_not_null())
        .count(db)
        .await
}

/// Writes reset `id`'s token re-sealed, unless it changed since it was read as `was` (used
/// meanwhile): then false.
pub async fn reseal(
    db: &impl ConnectionTrait,
    id: i64,
    was: &[u8],
    now: Vec<u8>,
) -> Result<bool, DbErr> {
    let result = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::TokenSealed, Expr::value(now))
        .filter(password_resets::Column::Id.eq(id))
        .filter(password_resets::Column::TokenSealed.eq(was.to_vec()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
