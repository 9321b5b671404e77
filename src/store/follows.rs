//! Follows and the alerts of published needs they bring. An alert is one row per person and
//! need (a unique key), written in the transaction that publishes the need, so that a person
//! hears of a need once however many of their follows it falls inside; a daily digest claims
//! its alerts with a guarded update, so that two nodes ticking at once send it once.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entity::{follows, need_alerts};
use crate::domain::follow::{AlertMode, FollowKind, FollowTarget};

/// A follow, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub id: i64,
    pub user_id: i64,
    pub target: FollowTarget,
    pub mode: AlertMode,
    pub created_at: DateTime<Utc>,
}

fn read(row: follows::Model) -> Result<Follow, DbErr> {
    let target = FollowTarget::parse(row.target_kind, &row.target).map_err(|_| {
        DbErr::Type(format!(
            "follow {}: `{}` is not a {} in the database",
            row.id, row.target, row.target_kind
        ))
    })?;
    Ok(Follow {
        id: row.id,
        user_id: row.user_id,
        target,
        mode: row.mode,
        created_at: row.created_at.to_utc(),
    })
}

/// Records a follow, or, when the person follows that already, changes its mode. Returns it.
pub async fn upsert(
    db: &impl ConnectionTrait,
    user_id: i64,
    target: &FollowTarget,
    mode: AlertMode,
    at: DateTime<Utc>,
) -> Result<Follow, DbErr> {
    let row = follows::ActiveModel {
        user_id: Set(user_id),
        target_kind: Set(target.kind()),
        target: Set(target.value()),
        mode: Set(mode),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    };
    follows::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                follows::Column::UserId,
                follows::Column::TargetKind,
                follows::Column::Target,
            ])
            .update_column(follows::Column::Mode)
            .to_owned(),
        )
        .exec(db)
        .await?;
    let row = follows::Entity::find()
        .filter(follows::Column::UserId.eq(user_id))
        .filter(follows::Column::TargetKind.eq(target.kind()))
        .filter(follows::Column::Target.eq(target.value()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the follow just written".into()))?;
    read(row)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Follow>, DbErr> {
    follows::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// A person's follows, oldest first.
pub async fn of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Follow>, DbErr> {
    follows::Entity::find()
        .filter(follows::Column::UserId.eq(user_id))
        .order_by_asc(follows::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect()
}

/// One page of a person's follows, oldest first, and how many they have.
pub async fn of_user_page(
    db: &impl ConnectionTrait,
    user_id: i64,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Follow>, u64), DbErr> {
    let query = follows::Entity::find()
        .filter(follows::Column::UserId.eq(user_id))
        .order_by_asc(follows::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read).collect::<Result<_, _>>()?, total))
}

pub async fn set_mode(db: &impl ConnectionTrait, id: i64, mode: AlertMode) -> Result<(), DbErr> {
    follows::Entity::update_many()
        .col_expr(follows::Column::Mode, Expr::value(mode))
        .filter(follows::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a follow, and the alerts it brought that no mail carried yet.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    need_alerts::Entity::delete_many()
        .filter(need_alerts::Column::FollowId.eq(id))
        .filter(need_alerts::Column::Mode.eq(AlertMode::Daily))
        .filter(need_alerts::Column::DigestDay.is_null())
        .exec(db)
        .await?;
    let deleted = follows::Entity::delete_by_id(id).exec(db).await?;
    Ok(deleted.rows_affected == 1)
}

/// Every follow whose target is one of these: the follows a published need falls inside, for
/// the targets the need's place, category, pairings and their organisations make.
pub async fn of_targets(
    db: &impl ConnectionTrait,
    targets: &[FollowTarget],
) -> Result<Vec<Follow>, DbErr> {
    let mut any = Condition::any();
    for kind in FollowKind::ALL {
        let values: Vec<String> = targets
            .iter()
            .filter(|t| t.kind() == *kind)
            .map(FollowTarget::value)
            .collect();
        if !values.is_empty() {
            any = any.add(
                Condition::all()
                    .add(follows::Column::TargetKind.eq(*kind))
                    .add(follows::Column::Target.is_in(values)),
            );
        }
    }
    follows::Entity::find()
        .filter(any)
        .order_by_asc(follows::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect()
}

/// An alert to write: a person, and the follow it came through (none for an offer's match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAlert {
    pub user_id: i64,
    pub follow_id: Option<i64>,
    pub mode: AlertMode,
}

/// Writes the alerts of need `need_id`, skipping anyone who has one for it already. Returns
/// how many were new.
pub async fn insert_alerts(
    db: &impl ConnectionTrait,
    need_id: i64,
    alerts: &[NewAlert],
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut written = 0;
    for alert in alerts {
        let row = need_alerts::ActiveModel {
            user_id: Set(alert.user_id),
            need_id: Set(need_id),
            follow_id: Set(alert.follow_id),
            mode: Set(alert.mode),
            digest_day: Set(None),
            created_at: Set(at.fixed_offset()),
            ..Default::default()
        };
        let inserted = need_alerts::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([need_alerts::Column::UserId, need_alerts::Column::NeedId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        written += inserted;
    }
    Ok(written)
}

/// One alert, as a mail composes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub user_id: i64,
    pub need_id: i64,
    pub follow_id: Option<i64>,
}

fn alert(row: need_alerts::Model) -> Alert {
    Alert {
        user_id: row.user_id,
        need_id: row.need_id,
        follow_id: row.follow_id,
    }
}

/// The instant alerts of a need: who hears of it at once.
pub async fn instant_alerts(db: &impl ConnectionTrait, need_id: i64) -> Result<Vec<Alert>, DbErr> {
    Ok(need_alerts::Entity::find()
        .filter(need_alerts::Column::NeedId.eq(need_id))
        .filter(need_alerts::Column::Mode.eq(AlertMode::Instant))
        .order_by_asc(need_alerts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(alert)
        .collect())
}

/// The follows with daily alerts written before `before` that no digest carried yet.
pub async fn follows_due_for_digest(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    need_alerts::Entity::find()
        .select_only()
        .column(need_alerts::Column::FollowId)
        .filter(need_alerts::Column::Mode.eq(AlertMode::Daily))
        .filter(need_alerts::Column::DigestDay.is_null())
        .filter(need_alerts::Column::FollowId.is_not_null())
        .filter(need_alerts::Column::CreatedAt.lt(before.fixed_offset()))
        .distinct()
        .limit(limit)
        .into_tuple::<Option<i64>>()
        .all(db)
        .await
        .map(|ids| ids.into_iter().flatten().collect())
}

/// Claims the daily alerts of a follow written before `before` for the digest of `day`: a
/// guarded update, so that of two nodes ticking at once one claims them. Returns how many.
pub async fn claim_digest(
    db: &impl ConnectionTrait,
    follow_id: i64,
    day: NaiveDate,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let claimed = need_alerts::Entity::update_many()
        .col_expr(need_alerts::Column::DigestDay, Expr::value(day))
        .filter(need_alerts::Column::FollowId.eq(follow_id))
        .filter(need_alerts::Column::Mode.eq(AlertMode::Daily))
        .filter(need_alerts::Column::DigestDay.is_null())
        .filter(need_alerts::Column::CreatedAt.lt(before.fixed_offset()))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected)
}

/// The alerts a follow's digest of `day` carries, oldest first.
pub async fn digest(
    db: &impl ConnectionTrait,
    follow_id: i64,
    day: NaiveDate,
) -> Result<Vec<Alert>, DbErr> {
    Ok(need_alerts::Entity::find()
        .filter(need_alerts::Column::FollowId.eq(follow_id))
        .filter(need_alerts::Column::DigestDay.eq(day))
        .order_by_asc(need_alerts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(alert)
        .collect())
}
