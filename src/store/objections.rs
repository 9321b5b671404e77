//! Objections' rows: what an objector said against a need in its notice, and how a verifier
//! decided it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::entity::objections;
use crate::domain::need::ObjectionStatus;

/// An objection as stored.
#[derive(Debug, Clone)]
pub struct ObjectionRecord {
    pub id: i64,
    pub need_id: i64,
    pub reason: String,
    pub contact: Option<String>,
    /// The objector, when signed in.
    pub reporter_user_id: Option<i64>,
    pub status: ObjectionStatus,
    pub resolution_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// An objection to record, open.
pub struct NewObjection {
    pub need_id: i64,
    pub reason: String,
    pub contact: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A verifier's decision, as written on the objections it settles.
pub struct Resolution<'a> {
    /// Upheld or dismissed.
    pub status: ObjectionStatus,
    pub by: i64,
    pub note: &'a str,
    pub at: DateTime<Utc>,
}

/// Which open objections a decision settles.
#[derive(Debug, Clone, Copy)]
pub enum Settles {
    /// This one.
    One(i64),
    /// Every one open against this need.
    AllOfNeed(i64),
}

fn read(row: objections::Model) -> ObjectionRecord {
    ObjectionRecord {
        id: row.id,
        need_id: row.need_id,
        reason: row.reason,
        contact: row.contact,
        reporter_user_id: row.reporter_user_id,
        status: row.status,
        resolution_note: row.resolution_note,
        created_at: row.created_at.to_utc(),
        resolved_at: row.resolved_at.map(|t| t.to_utc()),
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewObjection,
) -> Result<ObjectionRecord, DbErr> {
    let row = objections::ActiveModel {
        need_id: Set(new.need_id),
        reason: Set(new.reason),
        contact: Set(new.contact),
        reporter_user_id: Set(new.reporter_user_id),
        status: Set(ObjectionStatus::Open),
        created_at: Set(new.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read(row))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ObjectionRecord>, DbErr> {
    Ok(objections::Entity::find_by_id(id).one(db).await?.map(read))
}

/// One page of a need's objections, newest first, and how many it has.
pub async fn of_need_page(
    db: &impl ConnectionTrait,
    need_id: i64,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ObjectionRecord>, u64), DbErr> {
    let query = objections::Entity::find()
        .filter(objections::Column::NeedId.eq(need_id))
        .order_by_desc(objections::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read).collect(), total))
}

/// How many objections are open against a need, leaving out `except` if given.
pub async fn count_open(
    db: &impl ConnectionTrait,
    need_id: i64,
    except: Option<i64>,
) -> Result<u64, DbErr> {
    let mut query = objections::Entity::find()
        .filter(objections::Column::NeedId.eq(need_id))
        .filter(objections::Column::Status.eq(ObjectionStatus::Open));
    if let Some(id) = except {
        query = query.filter(objections::Column::Id.ne(id));
    }
    query.count(db).await
}

/// Writes a decision on the open objections it settles (one already decided stays as it was).
pub async fn resolve(
    db: &impl ConnectionTrait,
    settles: Settles,
    resolution: &Resolution<'_>,
) -> Result<(), DbErr> {
    let update = objections::Entity::update_many()
        .col_expr(objections::Column::Status, Expr::value(resolution.status))
        .col_expr(objections::Column::ResolvedBy, Expr::value(resolution.by))
        .col_expr(
            objections::Column::ResolvedAt,
            Expr::value(resolution.at.fixed_offset()),
        )
        .col_expr(
            objections::Column::ResolutionNote,
            Expr::value(resolution.note),
        )
        .filter(objections::Column::Status.eq(ObjectionStatus::Open));
    let update = match settles {
        Settles::AllOfNeed(need_id) => update.filter(objections::Column::NeedId.eq(need_id)),
        Settles::One(id) => update.filter(objections::Column::Id.eq(id)),
    };
    update.exec(db).await?;
    Ok(())
}
