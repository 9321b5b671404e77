//! Registered poor households (建档立卡户): created and kept by the cadres of their village,
//! seen (masked unless revealed) by those cadres and the village's verifiers, by no one else.
//!
//! Private fields are sealed before they reach the database; every change and every reveal of
//! a private field is audited, naming fields, never values.

use chrono::{Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::crypto::Sealer;
use crate::domain::authz::{Action, Actor, Target, authorize};
use crate::domain::household::{PovertyCause, RegisterStatus, check_move, mask_name};
use crate::domain::id_card::{IdCardNumber, mask_id_card};
use crate::domain::phone::{Mobile, mask_mobile};
use crate::domain::region::{Level, RegionCode};
use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::store::audit::{self, Origin};
use crate::store::entity::{
    household_incomes, household_private, household_status_changes, households, villages,
};
use crate::store::regions as region_store;

#[derive(Deserialize, ToSchema)]
pub struct NewHousehold {
    /// The village (12-digit code) the household is registered in.
    #[schema(pattern = r"^[0-9]{12}$")]
    pub village_code: String,
    /// 户主姓名 (private).
    #[schema(min_length = 1, max_length = 30, pattern = r"\S")]
    pub head_name: String,
    /// 户主身份证号 (private; GB 11643, its check character is verified too).
    #[schema(pattern = r"^[0-9]{17}[0-9Xx]$")]
    pub id_card_number: String,
    /// Mobile number (private).
    #[schema(pattern = r"^(\+86)?1[3-9][0-9]{9}$")]
    pub phone: Option<String>,
    /// Exact address (private).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub address: Option<String>,
    #[schema(minimum = 1, maximum = 30)]
    pub members_count: i16,
    /// 致贫原因, one or more code names, e.g. `["illness", "lack_labour"]`.
    #[schema(value_type = Vec<PovertyCause>, min_items = 1)]
    pub poverty_causes: Vec<String>,
}

/// A household as its cadres and verifiers see it in lists: private fields masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub village_code: String,
    pub members_count: i16,
    pub poverty_causes: Vec<PovertyCause>,
    pub register_status: RegisterStatus,
    /// e.g. `陈**`
    pub head_name_masked: String,
    /// e.g. `4414**********1234`
    pub id_card_masked: String,
    /// e.g. `138****5678`
    pub phone_masked: Option<String>,
}

/// The private fields in full, for the household's own cadres and verifiers (each reveal is
/// audited).
#[derive(Serialize, ToSchema)]
pub struct HouseholdPrivateView {
    pub id: i64,
    pub head_name: String,
    pub id_card_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeView {
    pub year: i32,
    pub per_capita_income_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeView {
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: String,
    pub evidence: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdDetail {
    #[serde(flatten)]
    pub household: HouseholdView,
    pub incomes: Vec<IncomeView>,
    pub status_history: Vec<StatusChangeView>,
}

pub(crate) struct Private {
    pub(crate) head_name: String,
    id_card: String,
    phone: Option<String>,
    pub(crate) address: Option<String>,
}

fn open(sealer: &Sealer, row: &household_private::Model) -> Result<Private, ApiError> {
    let open = |bytes: &[u8]| sealer.open(bytes).map_err(ApiError::internal);
    Ok(Private {
        head_name: open(&row.head_name_enc)?,
        id_card: open(&row.id_card_enc)?,
        phone: row.phone_enc.as_deref().map(open).transpose()?,
        address: row.address_enc.as_deref().map(open).transpose()?,
    })
}

/// A household's private fields, opened: for the checks that keep them out of public text.
pub(crate) async fn private_of(
    db: &impl ConnectionTrait,
    sealer: &Sealer,
    id: i64,
) -> Result<Private, ApiError> {
    let row = household_private::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(format!("household {id} has no private record")))?;
    open(sealer, &row)
}

fn causes_json(causes: &[PovertyCause]) -> String {
    serde_json::to_string(&causes.iter().map(|c| c.as_str()).collect::<Vec<_>>())
        .expect("strings serialise")
}

fn view(household: &households::Model, private: &Private) -> HouseholdView {
    HouseholdView {
        id: household.id,
        village_code: household.village_code.clone(),
        members_count: household.members_count,
        poverty_causes: crate::store::needs::poverty_causes(&household.poverty_causes),
        register_status: RegisterStatus::parse(&household.register_status)
            .unwrap_or(RegisterStatus::Registered),
        head_name_masked: mask_name(&private.head_name),
        id_card_masked: mask_id_card(&private.id_card),
        phone_masked: private.phone.as_deref().map(mask_mobile),
    }
}

/// Writes one move of the register (进出有据: with its reason and evidence).
async fn record_move(
    db: &impl ConnectionTrait,
    household_id: i64,
    from: Option<RegisterStatus>,
    to: RegisterStatus,
    reason: &str,
    evidence: Option<&str>,
    by: i64,
) -> Result<(), ApiError> {
    household_status_changes::ActiveModel {
        household_id: Set(household_id),
        from_status: Set(from.map(|f| f.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        evidence: Set(evidence.map(str::to_owned)),
        changed_by: Set(Some(by)),
        created_at: Set(crate::clock::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn village_of(raw: &str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(raw)
        .ok()
        .filter(|c| c.level() == Level::Village)
        .ok_or_else(|| ApiError::field("village_code", "is not a 12-digit village code"))
}

fn allow(actor: &Actor, action: Action, village: &RegionCode) -> Result<(), ApiError> {
    authorize(actor, action, Target::Region(village)).map_err(|_| ApiError::forbidden())
}

fn check_text(fields: &mut FieldErrors, name: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 || n > max {
        fields.insert(name.into(), vec![format!("must be 1 to {max} characters")]);
    }
}

/// Registers a household in a village of the caller's.
pub async fn create(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    new: NewHousehold,
    origin: &Origin,
) -> Result<HouseholdView, ApiError> {
    let village = village_of(&new.village_code)?;
    allow(actor, Action::ManageHousehold, &village)?;
    if region_store::find(db, &village).await?.is_none() {
        return Err(ApiError::field("village_code", "is not a known village"));
    }

    let mut fields = FieldErrors::new();
    check_text(&mut fields, "head_name", &new.head_name, 30);
    let id_card = IdCardNumber::parse(&new.id_card_number)
        .map_err(|e| fields.insert("id_card_number".into(), vec![e.to_string()]))
        .ok();
    let phone = match new
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Mobile::parse(p)
            .map_err(|e| fields.insert("phone".into(), vec![e.to_string()]))
            .ok(),
        None => None,
    };
    if let Some(address) = &new.address {
        check_text(&mut fields, "address", address, 200);
    }
    if !(1..=30).contains(&new.members_count) {
        fields.insert("members_count".into(), vec!["must be 1 to 30".into()]);
    }
    let causes = PovertyCause::parse_list(&new.poverty_causes)
        .map_err(|e| fields.insert("poverty_causes".into(), vec![e]))
        .ok();
    let (Some(id_card), Some(causes), true) = (id_card, causes, fields.is_empty()) else {
        return Err(ApiError::validation(fields));
    };

    let now = crate::clock::now().fixed_offset();
    let txn = crate::store::begin_write(db).await?;
    if villages::Entity::find_by_id(village.as_str().to_owned())
        .one(&txn)
        .await?
        .is_none()
    {
        villages::ActiveModel {
            region_code: Set(village.as_str().to_owned()),
            is_poor: Set(false),
            population: Set(None),
            household_count: Set(None),
            profile: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let household = households::ActiveModel {
        village_code: Set(village.as_str().to_owned()),
        members_count: Set(new.members_count),
        poverty_causes: Set(causes_json(&causes)),
        register_status: Set(RegisterStatus::Registered.as_str().to_owned()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let private = household_private::ActiveModel {
        household_id: Set(household.id),
        head_name_enc: Set(sealer.seal(new.head_name.trim())),
        id_card_enc: Set(sealer.seal(id_card.expose())),
        phone_enc: Set(phone.as_ref().map(|p| sealer.seal(p.expose()))),
        address_enc: Set(new.address.as_deref().map(|a| sealer.seal(a.trim()))),
        id_card_hash: Set(sealer.id_card_hash(&id_card)),
        key_version: Set(1),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let private = match private {
        Ok(row) => row,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            // The refusal tells the cadre that this person is on the register somewhere; so
            // that probing for people leaves a trace, it is audited with where the record is.
            let existing = household_private::Entity::find()
                .filter(household_private::Column::IdCardHash.eq(sealer.id_card_hash(&id_card)))
                .find_also_related(households::Entity)
                .one(db)
                .await?;
            audit::record(
                db,
                origin,
                "household.duplicate_refused",
                "household",
                existing
                    .as_ref()
                    .map(|(p, _)| p.household_id)
                    .unwrap_or_default(),
                Some(village.as_str()),
                Some(json!({
                    "existing_village": existing.and_then(|(_, h)| h.map(|h| h.village_code)),
                })),
            )
            .await?;
            let mut error = ApiError::new(
                ErrorCode::HouseholdDuplicate,
                "a household with this ID-card number is already on the register",
            );
            error.fields = Some(FieldErrors::from([(
                "id_card_number".to_owned(),
                vec!["is already registered".to_owned()],
            )]));
            return Err(error);
        }
        Err(err) => return Err(err.into()),
    };
    record_move(
        &txn,
        household.id,
        None,
        RegisterStatus::Registered,
        "建档立卡",
        None,
        actor.user_id,
    )
    .await?;
    audit::record(
        &txn,
        origin,
        "household.create",
        "household",
        household.id,
        Some(village.as_str()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(view(&household, &open(sealer, &private)?))
}

/// A household the actor may act on by `action`. One outside the actor's scope is "not found",
/// like one that does not exist: an ID does not tell a stranger that a household is there.
async fn load(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<(households::Model, household_private::Model, RegionCode), ApiError> {
    let household = households::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("household"))?;
    let village = RegionCode::parse(&household.village_code).map_err(ApiError::internal)?;
    if !actor.can(action, Target::Region(&village)) {
        return Err(ApiError::not_found("household"));
    }
    let private = household_private::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(format!("household {id} has no private record")))?;
    Ok((household, private, village))
}

/// The households of a village, masked.
pub async fn list(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    village: &str,
) -> Result<Vec<HouseholdView>, ApiError> {
    let village = village_of(village)?;
    allow(actor, Action::ViewHouseholdPrivate, &village)?;
    let rows = households::Entity::find()
        .filter(households::Column::VillageCode.eq(village.as_str()))
        .find_also_related(household_private::Entity)
        .order_by_asc(households::Column::Id)
        .all(db)
        .await?;
    rows.iter()
        .map(|(household, private)| {
            let private = private.as_ref().ok_or_else(|| {
                ApiError::internal(format!("household {} has no private record", household.id))
            })?;
            Ok(view(household, &open(sealer, private)?))
        })
        .collect()
}

/// One household, masked, with its incomes and register history.
pub async fn detail(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
) -> Result<HouseholdDetail, ApiError> {
    let (household, private, _) = load(db, actor, Action::ViewHouseholdPrivate, id).await?;
    let incomes = household_incomes::Entity::find()
        .filter(household_incomes::Column::HouseholdId.eq(id))
        .order_by_asc(household_incomes::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|i| IncomeView {
            year: i.year,
            per_capita_income_fen: i.per_capita_income_fen,
        })
        .collect();
    let status_history = household_status_changes::Entity::find()
        .filter(household_status_changes::Column::HouseholdId.eq(id))
        .order_by_asc(household_status_changes::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| StatusChangeView {
            from_status: c.from_status,
            to_status: c.to_status,
            reason: c.reason,
            evidence: c.evidence,
            created_at: c.created_at.to_utc(),
        })
        .collect();
    Ok(HouseholdDetail {
        household: view(&household, &open(sealer, &private)?),
        incomes,
        status_history,
    })
}

/// The private fields in full. Audited.
pub async fn reveal(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
    origin: &Origin,
) -> Result<HouseholdPrivateView, ApiError> {
    let (_, private, village) = load(db, actor, Action::ViewHouseholdPrivate, id).await?;
    let opened = open(sealer, &private)?;
    audit::record(
        db,
        origin,
        "household.reveal",
        "household",
        id,
        Some(village.as_str()),
        Some(json!({"fields": ["head_name", "id_card_number", "phone", "address"]})),
    )
    .await?;
    Ok(HouseholdPrivateView {
        id,
        head_name: opened.head_name,
        id_card_number: opened.id_card,
        phone: opened.phone,
        address: opened.address,
    })
}

#[derive(Default, Deserialize, ToSchema)]
#[schema(min_properties = 1)]
pub struct HouseholdChanges {
    #[schema(min_length = 1, max_length = 30, pattern = r"\S")]
    pub head_name: Option<String>,
    /// A mobile number, or empty to remove it.
    #[schema(pattern = r"^((\+86)?1[3-9][0-9]{9})?$")]
    pub phone: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub address: Option<String>,
    #[schema(minimum = 1, maximum = 30)]
    pub members_count: Option<i16>,
    #[schema(value_type = Option<Vec<PovertyCause>>, min_items = 1)]
    pub poverty_causes: Option<Vec<String>>,
}

/// Edits a household. The ID-card number is not editable: a wrong one means a wrong record.
pub async fn update(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
    changes: HouseholdChanges,
    origin: &Origin,
) -> Result<HouseholdView, ApiError> {
    let (household, private, village) = load(db, actor, Action::ManageHousehold, id).await?;
    let mut fields = FieldErrors::new();
    let mut changed = Vec::new();
    let mut household_row: households::ActiveModel = household.clone().into();
    let mut private_row: household_private::ActiveModel = private.clone().into();
    if let Some(name) = &changes.head_name {
        check_text(&mut fields, "head_name", name, 30);
        private_row.head_name_enc = Set(sealer.seal(name.trim()));
        changed.push("head_name");
    }
    if let Some(phone) = &changes.phone {
        if phone.trim().is_empty() {
            private_row.phone_enc = Set(None);
        } else {
            match Mobile::parse(phone) {
                Ok(m) => private_row.phone_enc = Set(Some(sealer.seal(m.expose()))),
                Err(e) => {
                    fields.insert("phone".into(), vec![e.to_string()]);
                }
            }
        }
        changed.push("phone");
    }
    if let Some(address) = &changes.address {
        check_text(&mut fields, "address", address, 200);
        private_row.address_enc = Set(Some(sealer.seal(address.trim())));
        changed.push("address");
    }
    if let Some(members) = changes.members_count {
        if !(1..=30).contains(&members) {
            fields.insert("members_count".into(), vec!["must be 1 to 30".into()]);
        }
        household_row.members_count = Set(members);
        changed.push("members_count");
    }
    if let Some(causes) = &changes.poverty_causes {
        match PovertyCause::parse_list(causes) {
            Ok(causes) => household_row.poverty_causes = Set(causes_json(&causes)),
            Err(e) => {
                fields.insert("poverty_causes".into(), vec![e]);
            }
        }
        changed.push("poverty_causes");
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    if changed.is_empty() {
        return Err(ApiError::new(
            ErrorCode::ValidationFailed,
            "nothing to change",
        ));
    }
    let now = crate::clock::now().fixed_offset();
    household_row.updated_at = Set(now);
    private_row.updated_at = Set(now);
    let txn = crate::store::begin_write(db).await?;
    let household = household_row.update(&txn).await?;
    let private = private_row.update(&txn).await?;
    audit::record(
        &txn,
        origin,
        "household.update",
        "household",
        id,
        Some(village.as_str()),
        Some(json!({"changed": changed})),
    )
    .await?;
    if changed.contains(&"members_count") || changed.contains(&"poverty_causes") {
        // The public summary of the household's needs ("3口之家 · 因病") changed with it.
        resync_needs_of(&txn, id).await?;
    }
    txn.commit().await?;
    Ok(view(&household, &open(sealer, &private)?))
}

/// Asks the outbox to bring the search documents of the household's needs up to date.
async fn resync_needs_of(txn: &impl ConnectionTrait, household_id: i64) -> Result<(), ApiError> {
    use crate::store::entity::needs;
    use crate::store::outbox::{self, Message};
    let ids: Vec<i64> = needs::Entity::find()
        .select_only()
        .column(needs::Column::Id)
        .filter(needs::Column::HouseholdId.eq(household_id))
        .into_tuple()
        .all(txn)
        .await?;
    let messages: Vec<Message> = ids
        .into_iter()
        .map(|need_id| Message::SearchSyncNeed { need_id })
        .collect();
    if !messages.is_empty() {
        outbox::enqueue_all(txn, &messages, crate::clock::now()).await?;
    }
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewIncome {
    /// A past or the current year.
    #[schema(minimum = 2000)]
    pub year: i32,
    /// Annual per-capita disposable income, in fen.
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub per_capita_income_fen: i64,
}

pub async fn add_income(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    income: NewIncome,
    origin: &Origin,
) -> Result<IncomeView, ApiError> {
    let (_, _, village) = load(db, actor, Action::ManageHousehold, id).await?;
    let this_year = crate::clock::now().year();
    let mut fields = FieldErrors::new();
    if !(2000..=this_year).contains(&income.year) {
        fields.insert(
            "year".into(),
            vec![format!("must be between 2000 and {this_year}")],
        );
    }
    if !(0..=10_000_000_000).contains(&income.per_capita_income_fen) {
        fields.insert(
            "per_capita_income_fen".into(),
            vec!["must be 0 or more fen, and plausible".into()],
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let txn = crate::store::begin_write(db).await?;
    let inserted = household_incomes::ActiveModel {
        household_id: Set(id),
        year: Set(income.year),
        per_capita_income_fen: Set(income.per_capita_income_fen),
        recorded_by: Set(Some(actor.user_id)),
        created_at: Set(crate::clock::now().fixed_offset()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(ApiError::new(
                ErrorCode::IncomeYearRecorded,
                format!("the income of {} is already recorded", income.year),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    audit::record(
        &txn,
        origin,
        "household.income",
        "household",
        id,
        Some(village.as_str()),
        Some(json!({"year": income.year})),
    )
    .await?;
    txn.commit().await?;
    Ok(IncomeView {
        year: income.year,
        per_capita_income_fen: income.per_capita_income_fen,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusMove {
    pub to: RegisterStatus,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
    /// What the move rests on (进出有据): documents, a survey, a decision number.
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub evidence: String,
}

/// Moves a household on the register, under the rule of [`check_move`].
pub async fn change_status(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
    mv: StatusMove,
    exit_line_fen: i64,
    origin: &Origin,
) -> Result<HouseholdView, ApiError> {
    let (household, private, village) = load(db, actor, Action::ManageHousehold, id).await?;
    let mut fields = FieldErrors::new();
    check_text(&mut fields, "reason", &mv.reason, 500);
    check_text(&mut fields, "evidence", &mv.evidence, 1000);
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let from = RegisterStatus::parse(&household.register_status)
        .ok_or_else(|| ApiError::internal("unknown register status"))?;
    let txn = crate::store::begin_write(db).await?;
    let incomes: Vec<(i32, i64)> = household_incomes::Entity::find()
        .filter(household_incomes::Column::HouseholdId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.year, i.per_capita_income_fen))
        .collect();
    check_move(from, mv.to, &incomes, exit_line_fen)
        .map_err(|e| ApiError::new(ErrorCode::InvalidState, e.to_string()))?;
    let now = crate::clock::now().fixed_offset();
    let mut row: households::ActiveModel = household.into();
    row.register_status = Set(mv.to.as_str().to_owned());
    row.updated_at = Set(now);
    let household = row.update(&txn).await?;
    record_move(
        &txn,
        id,
        Some(from),
        mv.to,
        mv.reason.trim(),
        Some(mv.evidence.trim()),
        actor.user_id,
    )
    .await?;
    audit::record(
        &txn,
        origin,
        "household.status",
        "household",
        id,
        Some(village.as_str()),
        Some(json!({"from": from.as_str(), "to": mv.to.as_str()})),
    )
    .await?;
    txn.commit().await?;
    Ok(view(&household, &open(sealer, &private)?))
}

// Private fields never print: a stray `{:?}` must not put them in a log line.
impl std::fmt::Debug for NewHousehold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewHousehold")
            .field("village_code", &self.village_code)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for HouseholdPrivateView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HouseholdPrivateView")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for HouseholdChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HouseholdChanges").finish_non_exhaustive()
    }
}
