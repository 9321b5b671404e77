//! Pairings (结对) with the regions they help and their member organisations, the invitations
//! their coordinators send to a need, and the open needs of the regions they help.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set, SqlErr,
};

use super::entity::{need_invitations, needs, pairing_members, pairing_targets, pairings};
use super::needs::region_column;
use crate::domain::need::NeedStatus;
use crate::domain::pairing::{PairingStatus, Program};
use crate::domain::projection::NeedRecord;
use crate::domain::region::RegionCode;

/// A pairing with the regions it helps and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingRecord {
    pub id: i64,
    pub program: Program,
    pub name: String,
    pub helper_organisation_id: Option<i64>,
    /// The helping city of a 对口帮扶 pairing.
    pub helper_region: Option<RegionCode>,
    /// The regions it helps, by code.
    pub targets: Vec<RegionCode>,
    /// The organisations that help through it besides its helping side, in the order they
    /// joined.
    pub members: Vec<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: PairingStatus,
}

/// A pairing to set up, active from the start.
pub struct NewPairingRow<'a> {
    pub program: Program,
    pub name: &'a str,
    pub helper_organisation_id: Option<i64>,
    pub helper_region: Option<&'a RegionCode>,
    pub targets: &'a [RegionCode],
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// What a change of a pairing writes: `None` leaves the name, status or regions as they are;
/// the end of its period is written as given (`None`: no end).
pub struct PairingChanges {
    pub name: Option<String>,
    pub status: Option<PairingStatus>,
    pub ends_on: Option<NaiveDate>,
    pub targets: Option<Vec<RegionCode>>,
    pub at: DateTime<Utc>,
}

/// An invitation of a member organisation to pledge toward a need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: i64,
    pub pairing_id: i64,
    pub need_id: i64,
    pub organisation_id: i64,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An invitation to record.
pub struct NewInvitationRow<'a> {
    pub pairing_id: i64,
    pub need_id: i64,
    pub organisation_id: i64,
    pub invited_by: i64,
    pub message: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// The open needs of some regions: published, with something left to pledge.
#[derive(Debug, Clone, Default)]
pub struct OpenNeeds {
    /// The most urgent first, then the nearest deadline; as many as asked for.
    pub shown: Vec<NeedRecord>,
    /// How many there are in all.
    pub total: i64,
    /// What they still lack in all, in fen.
    pub value_fen: i64,
}

fn region_code(pairing_id: i64, code: &str) -> Result<RegionCode, DbErr> {
    RegionCode::parse(code).map_err(|_| {
        DbErr::Custom(format!(
            "pairing {pairing_id} names a malformed region code `{code}`"
        ))
    })
}

/// The pairings' rows with their regions (by code) and members (in the order they joined),
/// in two more queries.
async fn with_parts(
    db: &impl ConnectionTrait,
    rows: Vec<pairings::Model>,
) -> Result<Vec<PairingRecord>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let targets = pairing_targets::Entity::find()
        .filter(pairing_targets::Column::PairingId.is_in(ids.clone()))
        .order_by_asc(pairing_targets::Column::RegionCode)
        .all(db)
        .await?;
    let members = pairing_members::Entity::find()
        .filter(pairing_members::Column::PairingId.is_in(ids))
        .order_by_asc(pairing_members::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|p| {
            Ok(PairingRecord {
                helper_region: p
                    .helper_region_code
                    .as_deref()
                    .map(|c| region_code(p.id, c))
                    .transpose()?,
                targets: targets
                    .iter()
                    .filter(|t| t.pairing_id == p.id)
                    .map(|t| region_code(p.id, &t.region_code))
                    .collect::<Result<_, _>>()?,
                members: members
                    .iter()
                    .filter(|m| m.pairing_id == p.id)
                    .map(|m| m.organisation_id)
                    .collect(),
                id: p.id,
                program: p.program,
                name: p.name,
                helper_organisation_id: p.helper_organisation_id,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                status: p.status,
            })
        })
        .collect()
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<PairingRecord>, DbErr> {
    let Some(row) = pairings::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_parts(db, vec![row]).await?.pop())
}

/// The pairings, by id: of one programme if given, and helping somewhere in `region` if given
/// (the region itself, a region inside it, or one around it).
pub async fn list(
    db: &impl ConnectionTrait,
    program: Option<Program>,
    region: Option<&RegionCode>,
) -> Result<Vec<PairingRecord>, DbErr> {
    let rows = filtered(program, region).all(db).await?;
    with_parts(db, rows).await
}

/// One page of [`list`], and how many pairings it has in all.
pub async fn page(
    db: &impl ConnectionTrait,
    program: Option<Program>,
    region: Option<&RegionCode>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<PairingRecord>, u64), DbErr> {
    let (rows, total) = super::page_of(db, filtered(program, region), page, per_page).await?;
    Ok((with_parts(db, rows).await?, total))
}

fn filtered(program: Option<Program>, region: Option<&RegionCode>) -> Select<pairings::Entity> {
    let mut query = pairings::Entity::find().order_by_asc(pairings::Column::Id);
    if let Some(program) = program {
        query = query.filter(pairings::Column::Program.eq(program));
    }
    if let Some(code) = region {
        let inside =
            Expr::col(pairing_targets::Column::RegionCode).like(format!("{}%", code.as_str()));
        let around: Vec<String> = code
            .lineage()
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        let helping = pairing_targets::Entity::find()
            .select_only()
            .column(pairing_targets::Column::PairingId)
            .filter(
                Condition::any()
                    .add(inside)
                    .add(pairing_targets::Column::RegionCode.is_in(around)),
            )
            .into_query();
        query = query.filter(pairings::Column::Id.in_subquery(helping));
    }
    query
}

/// The pairings an organisation helps through, as the helping side or a member, by id.
pub async fn of_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<PairingRecord>, DbErr> {
    let member_of: Vec<i64> = pairing_members::Entity::find()
        .select_only()
        .column(pairing_members::Column::PairingId)
        .filter(pairing_members::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await?;
    let rows = pairings::Entity::find()
        .filter(
            Condition::any()
                .add(pairings::Column::HelperOrganisationId.eq(organisation_id))
                .add(pairings::Column::Id.is_in(member_of)),
        )
        .order_by_asc(pairings::Column::Id)
        .all(db)
        .await?;
    with_parts(db, rows).await
}

/// The regions a pairing helps (what its coordinators' reach is made of).
pub async fn targets(db: &impl ConnectionTrait, id: i64) -> Result<Vec<RegionCode>, DbErr> {
    pairing_targets::Entity::find()
        .filter(pairing_targets::Column::PairingId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| region_code(id, &t.region_code))
        .collect()
}

async fn write_targets(
    db: &impl ConnectionTrait,
    pairing_id: i64,
    targets: &[RegionCode],
) -> Result<(), DbErr> {
    pairing_targets::Entity::delete_many()
        .filter(pairing_targets::Column::PairingId.eq(pairing_id))
        .exec(db)
        .await?;
    let rows: Vec<pairing_targets::ActiveModel> = targets
        .iter()
        .map(|t| pairing_targets::ActiveModel {
            pairing_id: Set(pairing_id),
            region_code: Set(t.as_str().to_owned()),
            ..Default::default()
        })
        .collect();
    pairing_targets::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Records a pairing with the regions it helps; its id.
pub async fn insert(db: &impl ConnectionTrait, new: &NewPairingRow<'_>) -> Result<i64, DbErr> {
    let at = new.at.fixed_offset();
    let pairing = pairings::ActiveModel {
        program: Set(new.program),
        name: Set(new.name.to_owned()),
        helper_organisation_id: Set(new.helper_organisation_id),
        helper_region_code: Set(new.helper_region.map(|c| c.as_str().to_owned())),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        status: Set(PairingStatus::Active),
        created_by: Set(Some(new.created_by)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    write_targets(db, pairing.id, new.targets).await?;
    Ok(pairing.id)
}

/// Writes a change of a pairing (its regions replaced when given).
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    changes: &PairingChanges,
) -> Result<(), DbErr> {
    let mut row = pairings::ActiveModel {
        id: Unchanged(id),
        ends_on: Set(changes.ends_on),
        updated_at: Set(changes.at.fixed_offset()),
        ..Default::default()
    };
    if let Some(name) = &changes.name {
        row.name = Set(name.clone());
    }
    if let Some(status) = changes.status {
        row.status = Set(status);
    }
    row.update(db).await?;
    if let Some(targets) = &changes.targets {
        write_targets(db, id, targets).await?;
    }
    Ok(())
}

/// Adds an organisation to a pairing's members. `false`: it is a member already (on
/// PostgreSQL the transaction can then no longer be used).
pub async fn add_member(
    db: &impl ConnectionTrait,
    pairing_id: i64,
    organisation_id: i64,
    added_by: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = pairing_members::ActiveModel {
        pairing_id: Set(pairing_id),
        organisation_id: Set(organisation_id),
        added_by: Set(Some(added_by)),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Takes an organisation off a pairing's members; `false` when it was not one.
pub async fn remove_member(
    db: &impl ConnectionTrait,
    pairing_id: i64,
    organisation_id: i64,
) -> Result<bool, DbErr> {
    let removed = pairing_members::Entity::delete_many()
        .filter(pairing_members::Column::PairingId.eq(pairing_id))
        .filter(pairing_members::Column::OrganisationId.eq(organisation_id))
        .exec(db)
        .await?;
    Ok(removed.rows_affected != 0)
}

fn read_invitation(row: need_invitations::Model) -> InvitationRecord {
    InvitationRecord {
        id: row.id,
        pairing_id: row.pairing_id,
        need_id: row.need_id,
        organisation_id: row.organisation_id,
        message: row.message,
        created_at: row.created_at.to_utc(),
    }
}

/// A pairing's latest invitations, newest first, at most `limit`.
pub async fn invitations(
    db: &impl ConnectionTrait,
    pairing_id: i64,
    limit: u64,
) -> Result<Vec<InvitationRecord>, DbErr> {
    Ok(need_invitations::Entity::find()
        .filter(need_invitations::Column::PairingId.eq(pairing_id))
        .order_by_desc(need_invitations::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(read_invitation)
        .collect())
}

/// Records an invitation. `None`: the organisation was invited to this need already (on
/// PostgreSQL the transaction can then no longer be used).
pub async fn insert_invitation(
    db: &impl ConnectionTrait,
    new: &NewInvitationRow<'_>,
) -> Result<Option<InvitationRecord>, DbErr> {
    let inserted = need_invitations::ActiveModel {
        pairing_id: Set(new.pairing_id),
        need_id: Set(new.need_id),
        organisation_id: Set(new.organisation_id),
        invited_by: Set(Some(new.invited_by)),
        message: Set(new.message.map(str::to_owned)),
        created_at: Set(new.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(Some(read_invitation(row))),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The open needs in any of `regions` (the unpledged gaps a pairing's board and an
/// organisation's dashboard show): up to `shown` of them, and how many and how much in all.
pub async fn open_needs(
    db: &impl ConnectionTrait,
    regions: &[RegionCode],
    shown: u64,
) -> Result<OpenNeeds, DbErr> {
    if regions.is_empty() {
        return Ok(OpenNeeds::default());
    }
    let mut within = Condition::any();
    for region in regions {
        within = within.add(region_column(region).eq(region.as_str()));
    }
    let open = Condition::all()
        .add(within)
        .add(needs::Column::Status.eq(NeedStatus::Published))
        .add(
            Expr::col(needs::Column::PledgedQuantity).lt(Expr::col(needs::Column::TargetQuantity)),
        );
    let rows = needs::Entity::find()
        .filter(open.clone())
        .order_by_desc(Expr::cust(
            "CASE urgency WHEN 'critical' THEN 2 WHEN 'urgent' THEN 1 ELSE 0 END",
        ))
        .order_by_asc(needs::Column::Deadline)
        .order_by_asc(needs::Column::Id)
        .limit(shown)
        .all(db)
        .await?;
    let (total, value): (i64, Option<i64>) = needs::Entity::find()
        .select_only()
        .column_as(Expr::col(needs::Column::Id).count(), "total")
        .column_as(
            Expr::cust(
                "CAST(SUM((target_quantity - pledged_quantity) * unit_value_fen) AS BIGINT)",
            ),
            "value",
        )
        .filter(open)
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    Ok(OpenNeeds {
        shown: rows
            .iter()
            .map(super::needs::record)
            .collect::<Result<_, _>>()?,
        total,
        value_fen: value.unwrap_or(0),
    })
}
