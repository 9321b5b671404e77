//! Who hears about what, as stored: each account's notification preferences and the language
//! of its mail, and the lookups that find a mail's recipients and what it tells them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

use super::entity::{need_invitations, notification_preferences, objections, pairings, user_roles};
use crate::domain::authz::Role;
use crate::domain::notification::NotificationKind;
use crate::domain::region::RegionCode;

// Preferences: every kind is on unless a row turns it off.

/// The kinds of mail the account turned off.
pub async fn turned_off(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<BTreeSet<NotificationKind>, DbErr> {
    Ok(notification_preferences::Entity::find()
        .filter(notification_preferences::Column::UserId.eq(user_id))
        .filter(notification_preferences::Column::Email.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.kind)
        .collect())
}

/// Which of these accounts turned `kind` off.
pub async fn opted_out(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
    kind: NotificationKind,
) -> Result<BTreeSet<i64>, DbErr> {
    if user_ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let rows: Vec<i64> = notification_preferences::Entity::find()
        .select_only()
        .column(notification_preferences::Column::UserId)
        .filter(notification_preferences::Column::UserId.is_in(user_ids.iter().copied()))
        .filter(notification_preferences::Column::Kind.eq(kind))
        .filter(notification_preferences::Column::Email.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Turns `kind` of mail on or off for the account.
pub async fn set_preference(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    email: bool,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    notification_preferences::Entity::insert(notification_preferences::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        email: Set(email),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            notification_preferences::Column::UserId,
            notification_preferences::Column::Kind,
        ])
        .update_columns([
            notification_preferences::Column::Email,
            notification_preferences::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

// Recipients.

/// Ids of the accounts holding `role` in any of these regions (once per grant).
pub async fn role_holders(
    db: &impl ConnectionTrait,
    role: Role,
    regions: &[RegionCode],
) -> Result<Vec<i64>, DbErr> {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.eq(role))
        .filter(user_roles::Column::RegionCode.is_in(regions.iter().map(|c| c.as_str())))
        .into_tuple()
        .all(db)
        .await
}

/// Ids of the organisation's administrators (once per grant).
pub async fn organisation_admins(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<i64>, DbErr> {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.eq(Role::OrgAdmin))
        .filter(user_roles::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await
}

// What a mail tells, besides the need and the pledge.

/// The reason given with objection `id`.
pub async fn objection_reason(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(objections::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.reason))
}

/// The name of pairing `id`.
pub async fn pairing_name(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(pairings::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|p| p.name))
}

/// A pairing's invitation of an organisation to a need.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub need_id: i64,
    pub pairing_id: i64,
    pub organisation_id: i64,
    pub message: Option<String>,
}

pub async fn invitation(db: &impl ConnectionTrait, id: i64) -> Result<Option<Invitation>, DbErr> {
    Ok(need_invitations::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|i| Invitation {
            need_id: i.need_id,
            pairing_id: i.pairing_id,
            organisation_id: i.organisation_id,
            message: i.message,
        }))
}
