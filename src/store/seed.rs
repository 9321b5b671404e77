//! What `seed demo` reads and writes besides the use cases: the rows it made, found again by
//! the natural keys it gives them (a need's title, an organisation's or a pairing's name), and
//! the organisations and pairings it sets up directly, as a platform's operators would before
//! anyone signs in, without the use cases' role grants, audit entries and mail.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use super::entity::{needs, organisations, pairing_members, pairing_targets, pairings, pledges};
use super::needs::record;
use crate::domain::organisation::OrganisationKind;
use crate::domain::pairing::{PairingStatus, Program};
use crate::domain::projection::NeedRecord;

/// The organisation with this name.
pub async fn organisation_id(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|o| o.id))
}

/// An organisation to set up.
pub struct NewOrganisation<'a> {
    pub kind: OrganisationKind,
    pub name: &'a str,
    pub credit_code: Option<&'a str>,
    pub region_code: &'a str,
    /// The administrator who verified it, at `at`; `None` leaves it waiting.
    pub verified_by: Option<i64>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

pub async fn insert_organisation(
    db: &impl ConnectionTrait,
    new: &NewOrganisation<'_>,
) -> Result<(), DbErr> {
    let at = new.at.fixed_offset();
    organisations::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.to_owned()),
        credit_code: Set(new.credit_code.map(str::to_owned)),
        region_code: Set(Some(new.region_code.to_owned())),
        contact_email: Set(None),
        description: Set(None),
        verified_at: Set(new.verified_by.map(|_| at)),
        verified_by: Set(new.verified_by),
        created_by: Set(Some(new.created_by)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The pairing with this name.
pub async fn pairing_id(db: &impl ConnectionTrait, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(pairings::Entity::find()
        .filter(pairings::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|p| p.id))
}

/// A pairing to set up, active with no end date.
pub struct NewPairing<'a> {
    pub program: Program,
    pub name: &'a str,
    pub helper_organisation_id: Option<i64>,
    pub helper_region_code: Option<&'a str>,
    pub starts_on: NaiveDate,
    /// The regions it helps.
    pub targets: &'a [&'a str],
    /// Organisations helping through it besides its helping side.
    pub members: &'a [i64],
    /// The administrator who sets it up (and adds its members).
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

pub async fn insert_pairing(db: &impl ConnectionTrait, new: &NewPairing<'_>) -> Result<(), DbErr> {
    let at = new.at.fixed_offset();
    let created = pairings::ActiveModel {
        program: Set(new.program),
        name: Set(new.name.to_owned()),
        helper_organisation_id: Set(new.helper_organisation_id),
        helper_region_code: Set(new.helper_region_code.map(str::to_owned)),
        starts_on: Set(new.starts_on),
        ends_on: Set(None),
        status: Set(PairingStatus::Active),
        created_by: Set(Some(new.created_by)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for target in new.targets {
        pairing_targets::ActiveModel {
            pairing_id: Set(created.id),
            region_code: Set((*target).to_owned()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for member in new.members {
        pairing_members::ActiveModel {
            pairing_id: Set(created.id),
            organisation_id: Set(*member),
            added_by: Set(Some(new.created_by)),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Whether the village has a need with this title.
pub async fn need_exists(
    db: &impl ConnectionTrait,
    village_code: &str,
    title: &str,
) -> Result<bool, DbErr> {
    Ok(needs::Entity::find()
        .filter(needs::Column::VillageCode.eq(village_code))
        .filter(needs::Column::Title.eq(title))
        .one(db)
        .await?
        .is_some())
}

/// A need with this title, in any village.
pub async fn need_titled(
    db: &impl ConnectionTrait,
    title: &str,
) -> Result<Option<NeedRecord>, DbErr> {
    needs::Entity::find()
        .filter(needs::Column::Title.eq(title))
        .one(db)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// Whether the need has any pledge, in any status.
pub async fn has_pledges(db: &impl ConnectionTrait, need_id: i64) -> Result<bool, DbErr> {
    Ok(pledges::Entity::find()
        .filter(pledges::Column::NeedId.eq(need_id))
        .count(db)
        .await?
        > 0)
}
