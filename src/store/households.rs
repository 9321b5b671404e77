//! Households' rows, read once into domain types: the register's public part (village, size,
//! causes of poverty, place on the register), the private part as sealed bytes (the service
//! holds the key and opens them), the yearly incomes and the register's moves.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, sea_query::Expr,
};

use super::entity::{
    household_incomes, household_private, household_status_changes, households, needs,
};
use super::needs::poverty_causes;
use crate::domain::household::{PovertyCause, RegisterStatus};
use crate::domain::region::RegionCode;

/// A household's public row.
#[derive(Debug, Clone)]
pub struct HouseholdRecord {
    pub id: i64,
    pub village: RegionCode,
    pub members_count: i16,
    pub poverty_causes: Vec<PovertyCause>,
    pub status: RegisterStatus,
}

/// A household's private fields as stored: sealed by the service, never opened here.
#[derive(Clone)]
pub struct SealedPrivate {
    pub head_name: Vec<u8>,
    pub id_card: Vec<u8>,
    pub phone: Option<Vec<u8>>,
    pub address: Option<Vec<u8>>,
}

/// A household to register.
pub struct NewHousehold<'a> {
    pub village: &'a RegionCode,
    pub members_count: i16,
    pub poverty_causes: &'a [PovertyCause],
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// What a change of a household's public row writes; `None` leaves a column as it is. The
/// row's `updated_at` moves in any case: the search documents of its needs follow it.
#[derive(Default)]
pub struct HouseholdChanges {
    pub members_count: Option<i16>,
    pub poverty_causes: Option<Vec<PovertyCause>>,
    pub status: Option<RegisterStatus>,
}

/// One year's income on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Income {
    pub year: i32,
    pub per_capita_income_fen: i64,
}

/// One move of the register (进出有据: with its reason and evidence).
#[derive(Debug, Clone)]
pub struct StatusChange {
    /// None for the household's entry on the register.
    pub from: Option<RegisterStatus>,
    pub to: RegisterStatus,
    pub reason: String,
    pub evidence: Option<String>,
    pub at: DateTime<Utc>,
}

/// Whether an insert took place or met a row already holding its unique key.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Done,
    /// The key is taken: for a private record, the ID-card number is on the register; for an
    /// income, the year is recorded. On PostgreSQL the transaction can no longer be used.
    Duplicate,
}

fn read(row: households::Model) -> Result<HouseholdRecord, DbErr> {
    let village = RegionCode::parse(&row.village_code).map_err(|_| {
        DbErr::Custom(format!(
            "household {} has a malformed village code `{}`",
            row.id, row.village_code
        ))
    })?;
    Ok(HouseholdRecord {
        id: row.id,
        village,
        members_count: row.members_count,
        poverty_causes: poverty_causes(&row.poverty_causes),
        status: row.register_status,
    })
}

fn read_private(row: household_private::Model) -> SealedPrivate {
    SealedPrivate {
        head_name: row.head_name_enc,
        id_card: row.id_card_enc,
        phone: row.phone_enc,
        address: row.address_enc,
    }
}

fn missing_private(id: i64) -> DbErr {
    DbErr::Custom(format!("household {id} has no private record"))
}

fn causes_json(causes: &[PovertyCause]) -> String {
    serde_json::to_string(&causes.iter().map(|c| c.as_str()).collect::<Vec<_>>())
        .expect("strings serialise")
}

fn inserted<T>(result: Result<T, DbErr>) -> Result<Inserted, DbErr> {
    match result {
        Ok(_) => Ok(Inserted::Done),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(Inserted::Duplicate)
        }
        Err(err) => Err(err),
    }
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewHousehold<'_>,
) -> Result<HouseholdRecord, DbErr> {
    let at = new.at.fixed_offset();
    let row = households::ActiveModel {
        village_code: Set(new.village.as_str().to_owned()),
        members_count: Set(new.members_count),
        poverty_causes: Set(causes_json(new.poverty_causes)),
        register_status: Set(RegisterStatus::Registered),
        created_by: Set(Some(new.created_by)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    read(row)
}

/// Records a household's private fields, with the hash of its ID-card number that keeps one
/// person on the register once.
pub async fn insert_private(
    db: &impl ConnectionTrait,
    household_id: i64,
    sealed: &SealedPrivate,
    id_card_hash: &str,
    at: DateTime<Utc>,
) -> Result<Inserted, DbErr> {
    let result = household_private::ActiveModel {
        household_id: Set(household_id),
        head_name_enc: Set(sealed.head_name.clone()),
        id_card_enc: Set(sealed.id_card.clone()),
        phone_enc: Set(sealed.phone.clone()),
        address_enc: Set(sealed.address.clone()),
        id_card_hash: Set(id_card_hash.to_owned()),
        key_version: Set(1),
        updated_at: Set(at.fixed_offset()),
    }
    .insert(db)
    .await;
    inserted(result)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<HouseholdRecord>, DbErr> {
    households::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// The household whose head has this ID-card number (by its hash).
pub async fn id_card_holder(
    db: &impl ConnectionTrait,
    id_card_hash: &str,
) -> Result<Option<HouseholdRecord>, DbErr> {
    household_private::Entity::find()
        .filter(household_private::Column::IdCardHash.eq(id_card_hash))
        .find_also_related(households::Entity)
        .one(db)
        .await?
        .and_then(|(_, household)| household)
        .map(read)
        .transpose()
}

/// A household's private fields, sealed. Every household has them: none is a database error.
pub async fn private(db: &impl ConnectionTrait, id: i64) -> Result<SealedPrivate, DbErr> {
    household_private::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read_private)
        .ok_or_else(|| missing_private(id))
}

/// One page of the households of a village with their private fields, sealed, oldest first,
/// and how many the village has.
pub async fn in_village_page(
    db: &impl ConnectionTrait,
    village: &RegionCode,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(HouseholdRecord, SealedPrivate)>, u64), DbErr> {
    let query = households::Entity::find()
        .filter(households::Column::VillageCode.eq(village.as_str()))
        .find_also_related(household_private::Entity)
        .order_by_asc(households::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    let rows = rows
        .into_iter()
        .map(|(household, private)| {
            let private = private.ok_or_else(|| missing_private(household.id))?;
            Ok((read(household)?, read_private(private)))
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((rows, total))
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    changes: HouseholdChanges,
    at: DateTime<Utc>,
) -> Result<HouseholdRecord, DbErr> {
    let mut row = households::ActiveModel {
        id: Unchanged(id),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    };
    if let Some(members) = changes.members_count {
        row.members_count = Set(members);
    }
    if let Some(causes) = changes.poverty_causes {
        row.poverty_causes = Set(causes_json(&causes));
    }
    if let Some(status) = changes.status {
        row.register_status = Set(status);
    }
    read(row.update(db).await?)
}

/// Writes a household's private fields as given: the head's name, phone and address. The
/// ID-card number is never rewritten (a wrong one means a wrong record).
pub async fn update_private(
    db: &impl ConnectionTrait,
    id: i64,
    sealed: &SealedPrivate,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    household_private::ActiveModel {
        household_id: Unchanged(id),
        head_name_enc: Set(sealed.head_name.clone()),
        phone_enc: Set(sealed.phone.clone()),
        address_enc: Set(sealed.address.clone()),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Private rows after household `after`, at most `limit`, by household id (a key rotation reads
/// them in batches).
pub async fn private_batch(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<(i64, SealedPrivate)>, DbErr> {
    Ok(household_private::Entity::find()
        .filter(household_private::Column::HouseholdId.gt(after))
        .order_by_asc(household_private::Column::HouseholdId)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.household_id, read_private(row)))
        .collect())
}

pub async fn private_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    household_private::Entity::find().count(db).await
}

/// Writes household `id`'s private fields re-sealed, with the ID-card hash under the new key
/// when given, unless the row changed since it was read as `was` (then false: the caller reads it again).
pub async fn reseal_private(
    db: &impl ConnectionTrait,
    id: i64,
    was: &SealedPrivate,
    now: &SealedPrivate,
    id_card_hash: Option<&str>,
) -> Result<bool, DbErr> {
    use household_private::Column as C;
    let unchanged = |column: C, value: &Option<Vec<u8>>| match value {
        Some(bytes) => column.eq(bytes.clone()),
        None => column.is_null(),
    };
    let mut update = household_private::Entity::update_many()
        .col_expr(C::HeadNameEnc, Expr::value(now.head_name.clone()))
        .col_expr(C::IdCardEnc, Expr::value(now.id_card.clone()))
        .col_expr(C::PhoneEnc, Expr::value(now.phone.clone()))
        .col_expr(C::AddressEnc, Expr::value(now.address.clone()));
    if let Some(hash) = id_card_hash {
        update = update.col_expr(C::IdCardHash, Expr::value(hash.to_owned()));
    }
    let result = update
        .filter(C::HouseholdId.eq(id))
        .filter(C::HeadNameEnc.eq(was.head_name.clone()))
        .filter(C::IdCardEnc.eq(was.id_card.clone()))
        .filter(unchanged(C::PhoneEnc, &was.phone))
        .filter(unchanged(C::AddressEnc, &was.address))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A household's incomes on record, by year.
pub async fn incomes(db: &impl ConnectionTrait, household_id: i64) -> Result<Vec<Income>, DbErr> {
    Ok(household_incomes::Entity::find()
        .filter(household_incomes::Column::HouseholdId.eq(household_id))
        .order_by_asc(household_incomes::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|i| Income {
            year: i.year,
            per_capita_income_fen: i.per_capita_income_fen,
        })
        .collect())
}

/// Records a year's income; a year already recorded is [`Inserted::Duplicate`].
pub async fn insert_income(
    db: &impl ConnectionTrait,
    household_id: i64,
    income: Income,
    recorded_by: i64,
    at: DateTime<Utc>,
) -> Result<Inserted, DbErr> {
    let result = household_incomes::ActiveModel {
        household_id: Set(household_id),
        year: Set(income.year),
        per_capita_income_fen: Set(income.per_capita_income_fen),
        recorded_by: Set(Some(recorded_by)),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await;
    inserted(result)
}

/// A household's moves on the register, oldest first.
pub async fn status_history(
    db: &impl ConnectionTrait,
    household_id: i64,
) -> Result<Vec<StatusChange>, DbErr> {
    household_status_changes::Entity::find()
        .filter(household_status_changes::Column::HouseholdId.eq(household_id))
        .order_by_asc(household_status_changes::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            Ok(StatusChange {
                from: c.from_status,
                to: c.to_status,
                reason: c.reason,
                evidence: c.evidence,
                at: c.created_at.to_utc(),
            })
        })
        .collect()
}

/// Writes one move of the register, made by `by`.
pub async fn record_move(
    db: &impl ConnectionTrait,
    household_id: i64,
    change: &StatusChange,
    by: i64,
) -> Result<(), DbErr> {
    household_status_changes::ActiveModel {
        household_id: Set(household_id),
        from_status: Set(change.from),
        to_status: Set(change.to),
        reason: Set(change.reason.clone()),
        evidence: Set(change.evidence.clone()),
        changed_by: Set(Some(by)),
        created_at: Set(change.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The ids of the needs raised for a household: their public summaries show its size and
/// causes of poverty.
pub async fn need_ids(db: &impl ConnectionTrait, household_id: i64) -> Result<Vec<i64>, DbErr> {
    needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(needs::Column::HouseholdId.eq(household_id))
        .into_tuple()
        .all(db)
        .await
}
