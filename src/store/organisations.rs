//! Organisations' rows (帮扶主体), and the people who act for them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entity::{organisations, user_roles};
use crate::domain::authz::Role;
use crate::domain::credit_code::CreditCode;
use crate::domain::organisation::OrganisationKind;
use crate::domain::region::RegionCode;

/// An organisation's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRecord {
    pub id: i64,
    pub kind: OrganisationKind,
    pub name: String,
    /// 统一社会信用代码, as given.
    pub credit_code: Option<String>,
    pub region_code: Option<String>,
    pub contact_email: Option<String>,
    pub description: Option<String>,
    /// None until an administrator verifies it; only verified organisations are public.
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organisation to record, not yet verified.
pub struct NewOrganisationRow<'a> {
    pub kind: OrganisationKind,
    pub name: &'a str,
    pub credit_code: Option<&'a CreditCode>,
    pub region: Option<&'a RegionCode>,
    pub contact_email: Option<&'a str>,
    pub description: Option<&'a str>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

fn read(row: organisations::Model) -> OrganisationRecord {
    OrganisationRecord {
        id: row.id,
        kind: row.kind,
        name: row.name,
        credit_code: row.credit_code,
        region_code: row.region_code,
        contact_email: row.contact_email,
        description: row.description,
        verified_at: row.verified_at.map(|t| t.to_utc()),
        verified_by: row.verified_by,
        created_by: row.created_by,
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewOrganisationRow<'_>,
) -> Result<OrganisationRecord, DbErr> {
    let at = new.at.fixed_offset();
    let row = organisations::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.to_owned()),
        credit_code: Set(new.credit_code.map(|c| c.as_str().to_owned())),
        region_code: Set(new.region.map(|r| r.as_str().to_owned())),
        contact_email: Set(new.contact_email.map(str::to_owned)),
        description: Set(new.description.map(str::to_owned)),
        verified_at: Set(None),
        verified_by: Set(None),
        created_by: Set(Some(new.created_by)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read(row))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<OrganisationRecord>, DbErr> {
    Ok(organisations::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read))
}

/// The organisations among `ids`, in no particular order.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<OrganisationRecord>, DbErr> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect())
}

/// The verified organisation that holds this credit code, if any (at most one does).
pub async fn verified_holder_of(
    db: &impl ConnectionTrait,
    credit_code: &CreditCode,
) -> Result<Option<OrganisationRecord>, DbErr> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::CreditCode.eq(credit_code.as_str()))
        .filter(organisations::Column::VerifiedAt.is_not_null())
        .one(db)
        .await?
        .map(read))
}

/// One page of the verified organisations, by name, and how many there are.
pub async fn verified_page(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<OrganisationRecord>, u64), DbErr> {
    let query = organisations::Entity::find()
        .filter(organisations::Column::VerifiedAt.is_not_null())
        .order_by_asc(organisations::Column::Name)
        .order_by_asc(organisations::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read).collect(), total))
}

/// One page of the organisations waiting for verification, oldest first, among `among` (all
/// when none), and how many there are.
pub async fn unverified_page(
    db: &impl ConnectionTrait,
    among: Option<&[i64]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<OrganisationRecord>, u64), DbErr> {
    let mut query =
        organisations::Entity::find().filter(organisations::Column::VerifiedAt.is_null());
    if let Some(ids) = among {
        query = query.filter(organisations::Column::Id.is_in(ids.iter().copied()));
    }
    let query = query.order_by_asc(organisations::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read).collect(), total))
}

/// Marks an organisation verified by `by`. A unique-constraint violation means another
/// verified organisation holds its credit code.
pub async fn mark_verified(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    at: DateTime<Utc>,
) -> Result<OrganisationRecord, DbErr> {
    let at = at.fixed_offset();
    let row = organisations::ActiveModel {
        id: Set(id),
        verified_at: Set(Some(at)),
        verified_by: Set(Some(by)),
        updated_at: Set(at),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(read(row))
}

/// The users who act for an organisation (its administrators and members).
pub async fn people(db: &impl ConnectionTrait, id: i64) -> Result<Vec<i64>, DbErr> {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::OrganisationId.eq(id))
        .filter(user_roles::Column::Role.is_in([Role::OrgAdmin, Role::OrgMember]))
        .into_tuple()
        .all(db)
        .await
}
