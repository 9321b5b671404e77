//! Failed sign-ins, one row each, shared by every API node: the counts behind the throttle of
//! `domain::sign_in`. An attempt is recorded before its password is checked (so that attempts
//! made at once from one place see one another), and forgotten again if it was refused or
//! succeeded.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::sign_in_failures as failures;
use crate::domain::sign_in::{ACCOUNT_FAILURES_PER_WINDOW, Failures};

/// Records an attempt on `account` from `address` at `at`, as a failure until forgotten; its
/// id.
pub async fn record(
    db: &impl ConnectionTrait,
    account: &str,
    address: &str,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = failures::ActiveModel {
        account_key: Set(account.to_owned()),
        address_key: Set(address.to_owned()),
        failed_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The failures on `account` after `since` recorded before the attempt `before` (its id).
pub async fn count(
    db: &impl ConnectionTrait,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
    before: i64,
) -> Result<Failures, DbErr> {
    let on_account = || {
        failures::Entity::find()
            .filter(failures::Column::AccountKey.eq(account))
            .filter(failures::Column::FailedAt.gt(since.fixed_offset()))
            .filter(failures::Column::Id.lt(before))
    };
    let account_count = on_account().count(db).await?;
    let account_ceiling_at = on_account()
        .select_only()
        .column(failures::Column::FailedAt)
        .order_by_desc(failures::Column::FailedAt)
        .order_by_desc(failures::Column::Id)
        .offset(u64::from(ACCOUNT_FAILURES_PER_WINDOW) - 1)
        .limit(1)
        .into_tuple::<sea_orm::prelude::DateTimeWithTimeZone>()
        .one(db)
        .await?;
    let on_pair = || on_account().filter(failures::Column::AddressKey.eq(address));
    let pair_count = on_pair().count(db).await?;
    let pair_last_at = on_pair()
        .select_only()
        .column_as(failures::Column::FailedAt.max(), "last")
        .into_tuple::<Option<sea_orm::prelude::DateTimeWithTimeZone>>()
        .one(db)
        .await?
        .flatten();
    Ok(Failures {
        account: u32::try_from(account_count).unwrap_or(u32::MAX),
        account_ceiling_at: account_ceiling_at.map(|t| t.to_utc()),
        pair: u32::try_from(pair_count).unwrap_or(u32::MAX),
        pair_last_at: pair_last_at.map(|t| t.to_utc()),
    })
}

/// Forgets one recorded attempt (it was refused before its password was checked).
pub async fn forget(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    failures::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Forgets the failures on `account` from `address` (its owner signed in from there).
pub async fn clear_pair(
    db: &impl ConnectionTrait,
    account: &str,
    address: &str,
) -> Result<(), DbErr> {
    failures::Entity::delete_many()
        .filter(failures::Column::AccountKey.eq(account))
        .filter(failures::Column::AddressKey.eq(address))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures on any of `accounts`, from every address (a password reset).
pub async fn clear_accounts(db: &impl ConnectionTrait, accounts: &[String]) -> Result<(), DbErr> {
    failures::Entity::delete_many()
        .filter(Expr::col(failures::Column::AccountKey).is_in(accounts.iter().map(String::as_str)))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the failures from before `before`; how many.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(failures::Entity::delete_many()
        .filter(failures::Column::FailedAt.lt(before.fixed_offset()))
        .exec(db)
        .await?
        .rows_affected)
}
