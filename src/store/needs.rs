//! Needs' rows read into domain types, once, and written from them: the need itself (its
//! content, its moves through the guarded, versioned update), its timeline, and the queries
//! the lists, the scheduler and the search index run over needs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::entity::{households, need_events, needs};
use crate::domain::authz::Reach;
use crate::domain::household::PovertyCause;
use crate::domain::need::{
    BeneficiaryKind, Category, Change, EventKind, NeedStatus, Unit, Urgency, Verification,
};
use crate::domain::projection::{HouseholdFacts, NeedRecord};
use crate::domain::region::{Level, RegionCode};

/// The need's row as a [`NeedRecord`].
pub fn record(row: &needs::Model) -> Result<NeedRecord, DbErr> {
    let village = RegionCode::parse(&row.village_code).map_err(|_| {
        DbErr::Custom(format!(
            "need {} has a malformed village code `{}`",
            row.id, row.village_code
        ))
    })?;
    Ok(NeedRecord {
        id: row.id,
        title: row.title.clone(),
        description: row.description.clone(),
        category: row.category,
        status: row.status,
        unit: row.unit,
        beneficiary: row.beneficiary_kind,
        household_id: row.household_id,
        region_codes: [
            row.province_code.clone(),
            row.city_code.clone(),
            row.county_code.clone(),
            row.town_code.clone(),
            row.village_code.clone(),
        ],
        target_quantity: row.target_quantity,
        pledged_quantity: row.pledged_quantity,
        received_quantity: row.received_quantity,
        min_pledge_quantity: row.min_pledge_quantity,
        unit_value_fen: row.unit_value_fen,
        urgency: row.urgency,
        deadline: row.deadline.to_utc(),
        notice_ends_at: row.notice_ends_at.map(|t| t.to_utc()),
        published_at: row.published_at.map(|t| t.to_utc()),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
        version: row.version,
        village,
        created_by: row.created_by,
        requires_second_verification: row.requires_second_verification,
        verified_by: row.verified_by,
        verified_at: row.verified_at.map(|t| t.to_utc()),
        second_verified_by: row.second_verified_by,
        second_verified_at: row.second_verified_at.map(|t| t.to_utc()),
        suspended_at: row.suspended_at.map(|t| t.to_utc()),
        rejection_reason: row.rejection_reason.clone(),
        takedown_reason: row.takedown_reason.clone(),
    })
}

fn records(rows: Vec<needs::Model>) -> Result<Vec<NeedRecord>, DbErr> {
    rows.iter().map(record).collect()
}

/// What the public may know of a household's row: its size and causes of poverty.
pub fn household_facts(row: &households::Model) -> HouseholdFacts {
    HouseholdFacts {
        members: row.members_count,
        causes: poverty_causes(&row.poverty_causes),
    }
}

/// The causes of poverty stored as a JSON list of codes.
pub fn poverty_causes(stored: &str) -> Vec<PovertyCause> {
    serde_json::from_str::<Vec<String>>(stored)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| PovertyCause::parse(c))
        .collect()
}

/// The public facts of these households (size, causes of poverty), by id.
pub async fn household_facts_of(
    db: &impl ConnectionTrait,
    household_ids: &[i64],
) -> Result<HashMap<i64, HouseholdFacts>, DbErr> {
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(households::Entity::find()
        .filter(households::Column::Id.is_in(household_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, household_facts(&h)))
        .collect())
}

/// The region code column of `needs` at the level of `code`, for filters on any level.
pub fn region_column(code: &RegionCode) -> needs::Column {
    level_column(code.level())
}

/// The region code column of `needs` at `level`.
pub fn level_column(level: Level) -> needs::Column {
    match level {
        Level::Province => needs::Column::ProvinceCode,
        Level::City => needs::Column::CityCode,
        Level::County => needs::Column::CountyCode,
        Level::Town => needs::Column::TownCode,
        Level::Village => needs::Column::VillageCode,
    }
}

// ---------------------------------------------------------------------------------------------
// One need

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<NeedRecord>, DbErr> {
    needs::Entity::find_by_id(id)
        .one(db)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// The need `id`, its row locked until the transaction ends, so that moves of one need queue
/// rather than fail each other. (On PostgreSQL a row lock; on SQLite the write transaction
/// already holds the whole database.)
pub async fn lock(txn: &impl ConnectionTrait, id: i64) -> Result<Option<NeedRecord>, DbErr> {
    needs::Entity::find_by_id(id)
        // NO KEY UPDATE, not UPDATE: rows that reference the need (a pledge, a timeline event)
        // take a KEY SHARE lock on it, which UPDATE would wait for and deadlock with.
        .lock(LockType::NoKeyUpdate)
        .one(txn)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

/// The needs with these ids that exist, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<NeedRecord>, DbErr> {
    records(
        needs::Entity::find()
            .filter(needs::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?,
    )
}

/// What a need's cadre writes of it.
pub struct NeedContent<'a> {
    pub category: Category,
    pub title: &'a str,
    pub description: &'a str,
    pub unit: Unit,
    pub target_quantity: i64,
    pub unit_value_fen: i64,
    pub urgency: Urgency,
    pub deadline: DateTime<Utc>,
    pub min_pledge_quantity: i64,
}

/// A draft to record.
pub struct NewDraft<'a> {
    pub beneficiary: BeneficiaryKind,
    pub household_id: Option<i64>,
    /// Its village; the regions above it follow from the code.
    pub village: &'a RegionCode,
    pub content: NeedContent<'a>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// Records a draft (version 1, nothing pledged).
pub async fn insert_draft(
    db: &impl ConnectionTrait,
    new: &NewDraft<'_>,
) -> Result<NeedRecord, DbErr> {
    let lineage = new.village.lineage();
    let code_at = |level: Level| {
        lineage
            .iter()
            .find(|c| c.level() == level)
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default()
    };
    let content = &new.content;
    let at = new.at.fixed_offset();
    let row = needs::ActiveModel {
        beneficiary_kind: Set(new.beneficiary),
        household_id: Set(new.household_id),
        village_code: Set(code_at(Level::Village)),
        town_code: Set(code_at(Level::Town)),
        county_code: Set(code_at(Level::County)),
        city_code: Set(code_at(Level::City)),
        province_code: Set(code_at(Level::Province)),
        category: Set(content.category),
        title: Set(content.title.to_owned()),
        description: Set(content.description.to_owned()),
        unit: Set(content.unit),
        target_quantity: Set(content.target_quantity),
        pledged_quantity: Set(0),
        received_quantity: Set(0),
        unit_value_fen: Set(content.unit_value_fen),
        urgency: Set(content.urgency),
        deadline: Set(content.deadline.fixed_offset()),
        min_pledge_quantity: Set(content.min_pledge_quantity),
        status: Set(NeedStatus::Draft),
        requires_second_verification: Set(false),
        created_by: Set(new.created_by),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    record(&row)
}

/// Rewrites the content of `need` (a draft, read in this transaction), moving it to the next
/// version.
pub async fn update_content(
    db: &impl ConnectionTrait,
    need: &NeedRecord,
    content: &NeedContent<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    needs::ActiveModel {
        id: Unchanged(need.id),
        category: Set(content.category),
        title: Set(content.title.to_owned()),
        description: Set(content.description.to_owned()),
        unit: Set(content.unit),
        target_quantity: Set(content.target_quantity),
        unit_value_fen: Set(content.unit_value_fen),
        urgency: Set(content.urgency),
        deadline: Set(content.deadline.fixed_offset()),
        min_pledge_quantity: Set(content.min_pledge_quantity),
        updated_at: Set(at.fixed_offset()),
        version: Set(need.version + 1),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// A decided move of a need's status, as it is written.
pub struct StatusMove<'a> {
    /// The new status and the dates the move sets.
    pub change: &'a Change,
    /// Who verified, when the move records a verification by a person.
    pub verified_by: Option<i64>,
    pub rejection_reason: Option<&'a str>,
    pub takedown_reason: Option<&'a str>,
    pub requires_second_verification: Option<bool>,
}

/// Writes a move of `need`, read at `need.version`: one guarded update that takes effect only
/// if nobody changed the need since it was read, and bumps the version. Returns whether it
/// took effect.
pub async fn update_status(
    db: &impl ConnectionTrait,
    need: &NeedRecord,
    step: &StatusMove<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let change = step.change;
    let at = at.fixed_offset();
    let mut update = needs::Entity::update_many()
        .col_expr(needs::Column::Status, Expr::value(change.to))
        .col_expr(needs::Column::UpdatedAt, Expr::value(at))
        .col_expr(
            needs::Column::Version,
            Expr::col(needs::Column::Version).add(1),
        )
        .filter(needs::Column::Id.eq(need.id))
        .filter(needs::Column::Version.eq(need.version));
    if let (Some(verification), Some(verifier)) = (change.verification, step.verified_by) {
        let (by, at_col) = match verification {
            Verification::First => (needs::Column::VerifiedBy, needs::Column::VerifiedAt),
            Verification::Second => (
                needs::Column::SecondVerifiedBy,
                needs::Column::SecondVerifiedAt,
            ),
        };
        update = update
            .col_expr(by, Expr::value(verifier))
            .col_expr(at_col, Expr::value(at));
    }
    if let Some(ends) = change.notice_ends_at {
        update = update.col_expr(
            needs::Column::NoticeEndsAt,
            Expr::value(ends.fixed_offset()),
        );
    }
    if let Some(published) = change.published_at {
        update = update.col_expr(
            needs::Column::PublishedAt,
            Expr::value(published.fixed_offset()),
        );
    }
    if let Some(suspended) = change.suspended_at {
        update = update.col_expr(
            needs::Column::SuspendedAt,
            Expr::value(suspended.map(|t| t.fixed_offset())),
        );
    }
    if let Some(reason) = step.rejection_reason {
        update = update.col_expr(needs::Column::RejectionReason, Expr::value(reason));
    }
    if let Some(reason) = step.takedown_reason {
        update = update.col_expr(needs::Column::TakedownReason, Expr::value(reason));
    }
    if let Some(second) = step.requires_second_verification {
        update = update.col_expr(
            needs::Column::RequiresSecondVerification,
            Expr::value(second),
        );
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

// ---------------------------------------------------------------------------------------------
// The timeline

/// One event of a need's timeline, as stored.
#[derive(Debug, Clone)]
pub struct NeedEvent {
    pub kind: EventKind,
    /// The role the actor acted in: `cadre`, `verifier`, `donor`, `public` or `platform`.
    pub actor_role: Option<String>,
    /// A public name the actor chose to show (an organisation's name), if any.
    pub actor_label: Option<String>,
    pub actor_user_id: Option<i64>,
    pub pledge_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// An event to append to a need's timeline.
pub struct NewEvent<'a> {
    pub need_id: i64,
    pub kind: EventKind,
    pub actor_role: Option<&'a str>,
    pub actor_label: Option<String>,
    pub actor_user_id: Option<i64>,
    pub pledge_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub async fn record_event(db: &impl ConnectionTrait, event: NewEvent<'_>) -> Result<(), DbErr> {
    need_events::ActiveModel {
        need_id: Set(event.need_id),
        kind: Set(event.kind),
        actor_role: Set(event.actor_role.map(str::to_owned)),
        actor_label: Set(event.actor_label),
        actor_user_id: Set(event.actor_user_id),
        pledge_id: Set(event.pledge_id),
        created_at: Set(event.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A need's timeline, oldest first.
pub async fn timeline(db: &impl ConnectionTrait, need_id: i64) -> Result<Vec<NeedEvent>, DbErr> {
    Ok(need_events::Entity::find()
        .filter(need_events::Column::NeedId.eq(need_id))
        .order_by_asc(need_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| NeedEvent {
            kind: e.kind,
            actor_role: e.actor_role,
            actor_label: e.actor_label,
            actor_user_id: e.actor_user_id,
            pledge_id: e.pledge_id,
            at: e.created_at.to_utc(),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Lists

/// One page of needs (`page` counts from 1) and how many there are in all.
async fn page_of(
    db: &impl ConnectionTrait,
    query: Select<needs::Entity>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<NeedRecord>, u64), DbErr> {
    let paginator = query.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    Ok((records(rows)?, total))
}

fn in_region(code: &RegionCode) -> Condition {
    Condition::all().add(region_column(code).eq(code.as_str()))
}

/// Needs in their notice period and those whose notice an objection paused, in `region` (any
/// level) if given: soonest to end first.
pub async fn notices(
    db: &impl ConnectionTrait,
    region: Option<&RegionCode>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<NeedRecord>, u64), DbErr> {
    let mut query = needs::Entity::find()
        .filter(needs::Column::Status.is_in([NeedStatus::InNotice, NeedStatus::Suspended]));
    if let Some(code) = region {
        query = query.filter(in_region(code));
    }
    let query = query
        .order_by_asc(needs::Column::NoticeEndsAt)
        .order_by_asc(needs::Column::Id);
    page_of(db, query, page, per_page).await
}

/// Which needs a worklist holds.
pub struct Worklist<'a> {
    /// Where the caller records needs: those in any status.
    pub recorded: &'a Reach,
    /// Where the caller verifies needs: those past their draft.
    pub verified: &'a Reach,
    /// Any of these statuses (every status when empty).
    pub statuses: &'a [NeedStatus],
    /// Any of these categories (every category when empty).
    pub categories: &'a [Category],
    /// Within this region (any level).
    pub region: Option<&'a RegionCode>,
    pub household: Option<i64>,
    /// Words in the title or the description.
    pub words: Option<&'a str>,
    pub sort: WorklistSort,
}

crate::domain::code_enum! {
    /// How a worklist is ordered (`sort`); ties by id, in the same direction.
    pub enum WorklistSort {
        /// Most recently changed first (the default).
        UpdatedDesc = ("updated_desc", "最近更新"),
        /// Least recently changed first.
        UpdatedAsc = ("updated_asc", "最早更新"),
        /// Newest first.
        CreatedDesc = ("created_desc", "最新录入"),
        /// Oldest first.
        CreatedAsc = ("created_asc", "最早录入"),
        /// By title.
        Title = ("title", "标题"),
        /// Soonest deadline first.
        Deadline = ("deadline", "截止日期"),
    }
}

impl WorklistSort {
    /// `query` in this order, then by id.
    fn apply(self, query: Select<needs::Entity>) -> Select<needs::Entity> {
        use needs::Column::*;
        use sea_orm::Order::{Asc, Desc};
        let (column, order) = match self {
            Self::UpdatedDesc => (UpdatedAt, Desc),
            Self::UpdatedAsc => (UpdatedAt, Asc),
            Self::CreatedDesc => (CreatedAt, Desc),
            Self::CreatedAsc => (CreatedAt, Asc),
            Self::Title => (Title, Asc),
            Self::Deadline => (Deadline, Asc),
        };
        query.order_by(column, order.clone()).order_by(Id, order)
    }
}

/// The needs within `reach`, as a condition; `None` for none at all.
fn within(reach: &Reach) -> Option<Condition> {
    match reach {
        Reach::Nowhere => None,
        Reach::Everywhere => Some(Condition::all().add(Expr::cust("1 = 1"))),
        Reach::Regions(regions) => Some(regions.iter().fold(Condition::any(), |any, code| {
            any.add(region_column(code).eq(code.as_str()))
        })),
    }
}

/// A page of a worklist, in `list.sort`'s order.
pub async fn worklist(
    db: &impl ConnectionTrait,
    list: &Worklist<'_>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<NeedRecord>, u64), DbErr> {
    let recorded = within(list.recorded);
    let verified = within(list.verified).map(|c| {
        Condition::all()
            .add(c)
            .add(needs::Column::Status.ne(NeedStatus::Draft))
    });
    let scope = Condition::any().add_option(recorded).add_option(verified);
    let mut query = needs::Entity::find().filter(scope);
    if !list.statuses.is_empty() {
        query = query.filter(needs::Column::Status.is_in(list.statuses.iter().copied()));
    }
    if !list.categories.is_empty() {
        query = query.filter(needs::Column::Category.is_in(list.categories.iter().copied()));
    }
    if let Some(code) = list.region {
        query = query.filter(in_region(code));
    }
    if let Some(household) = list.household {
        query = query.filter(needs::Column::HouseholdId.eq(household));
    }
    if let Some(words) = list.words {
        query = query.filter(
            Condition::any()
                .add(super::contains(needs::Column::Title, words))
                .add(super::contains(needs::Column::Description, words)),
        );
    }
    page_of(db, list.sort.apply(query), page, per_page).await
}

// ---------------------------------------------------------------------------------------------
// Due by time (the scheduler)

/// Ids of needs whose notice period has ended by `now`, oldest first.
pub async fn due_for_publication(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(needs::Column::Status.eq(NeedStatus::InNotice))
        .filter(needs::Column::NoticeEndsAt.lte(now.fixed_offset()))
        .order_by_asc(needs::Column::NoticeEndsAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Ids of needs still open whose deadline has passed by `now` and with no help on its way
/// (everything pledged received), oldest first.
pub async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    use NeedStatus::*;
    needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(needs::Column::Status.is_in([Submitted, Verified, InNotice, Published]))
        .filter(needs::Column::Deadline.lte(now.fixed_offset()))
        .filter(
            Expr::col(needs::Column::PledgedQuantity)
                .eq(Expr::col(needs::Column::ReceivedQuantity)),
        )
        .order_by_asc(needs::Column::Deadline)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

// ---------------------------------------------------------------------------------------------
// Scans (the search index, the regions import)

/// How many needs there are, in any status.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    needs::Entity::find().count(db).await
}

/// Up to `limit` need ids above `after`, in order: a scan of every need, a batch at a time.
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(needs::Column::Id.gt(after))
        .order_by_asc(needs::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// What the public form of each of these needs depends on that can change: the need's version,
/// and when its household (if any) last changed. A need that does not exist is absent.
pub async fn stamps(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (i32, Option<DateTime<Utc>>)>, DbErr> {
    let rows: Vec<(i64, i32, Option<i64>)> = needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .column(needs::Column::Version)
        .column(needs::Column::HouseholdId)
        .filter(needs::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let household_ids: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    let households: HashMap<i64, DateTime<Utc>> = if household_ids.is_empty() {
        HashMap::new()
    } else {
        households::Entity::find()
            .select_only()
            .column(households::Column::Id)
            .column(households::Column::UpdatedAt)
            .filter(households::Column::Id.is_in(household_ids))
            .into_tuple::<(i64, chrono::DateTime<chrono::FixedOffset>)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, at)| (id, at.to_utc()))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|(id, version, household)| {
            (
                id,
                (version, household.and_then(|h| households.get(&h).copied())),
            )
        })
        .collect())
}

/// Every region code that needs are in, at every level.
pub async fn region_codes(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let mut codes: Vec<String> = Vec::new();
    for level in Level::ALL {
        let found: Vec<String> = needs::Entity::find()
            .select_only()
            .column(level_column(level))
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        codes.extend(found);
    }
    Ok(codes)
}

/// Ids of the needs in any of these regions (codes of any level).
pub async fn ids_in_regions(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<i64>, DbErr> {
    let condition = Level::ALL.into_iter().fold(Condition::any(), |any, level| {
        any.add(level_column(level).is_in(codes.to_vec()))
    });
    needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await
}
