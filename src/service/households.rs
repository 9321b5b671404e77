//! Registered poor households (建档立卡户): created and kept by the cadres of their village,
//! seen (masked unless revealed) by those cadres and the village's verifiers, by no one else.
//!
//! Private fields are sealed before they reach the database, each bound to its household and
//! field (see `crate::crypto`); every change and every reveal of a private field is audited,
//! naming fields, never values. A field that does not open (sealed for another row or field,
//! or under a key this node does not hold) is answered as unavailable, never as an error that
//! would hide the rest of the household, and never as another household's value.

use chrono::{Datelike, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::crypto::{Place, Sealer};
use crate::domain::authz::{Action, Actor, Target, authorize};
use crate::domain::household::{PovertyCause, RegisterStatus, check_move, mask_name};
use crate::domain::id_card::{IdCardNumber, mask_id_card};
use crate::domain::phone::{Mobile, mask_mobile};
use crate::domain::region::{Level, RegionCode};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::paging::Paging;
use crate::store::audit::{self, Origin};
use crate::store::households::{
    self as household_store, HouseholdRecord, Income, Inserted, SealedPrivate, StatusChange,
};
use crate::store::regions as region_store;
use crate::validation::{Text, request_body};

request_body! {
    /// A household to register in a village of the caller's.
    #[derive(Deserialize, ToSchema, Validate)]
    pub struct NewHousehold {
        /// The village (12-digit code) the household is registered in.
        #[schema(pattern = r"^[0-9]{12}$")]
        pub village_code: String,
        /// 户主姓名 (private).
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 30))]
        pub head_name: Text,
        /// 户主身份证号 (private; GB 11643, its check character is verified too).
        #[rule(id_card)]
        pub id_card_number: String,
        /// Mobile number (private).
        #[schema(value_type = Option<String>)]
        #[rule(mobile)]
        pub phone: Option<Text>,
        /// Exact address (private).
        #[schema(value_type = Option<String>)]
        #[rule(length(min = 1, max = 200))]
        pub address: Option<Text>,
        #[rule(range(min = 1, max = 30))]
        pub members_count: i16,
        /// 致贫原因, one or more code names, e.g. `["illness", "lack_labour"]`.
        #[schema(value_type = Vec<PovertyCause>)]
        #[rule(poverty_causes)]
        pub poverty_causes: Vec<String>,
    }
}

/// A private field of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrivateField {
    HeadName,
    IdCardNumber,
    Phone,
    Address,
}

impl PrivateField {
    /// The field's name in the associated data its value is sealed with.
    fn sealed_as(self) -> &'static str {
        match self {
            Self::HeadName => "head_name",
            Self::IdCardNumber => "id_card",
            Self::Phone => "phone",
            Self::Address => "address",
        }
    }
}

/// Where a household's field is sealed.
fn place(household_id: i64, field: PrivateField) -> Place {
    Place::household(household_id, field.sealed_as())
}

/// A household as its cadres and verifiers see it in lists: private fields masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub village_code: String,
    pub members_count: i16,
    pub poverty_causes: Vec<PovertyCause>,
    pub register_status: RegisterStatus,
    /// e.g. `陈**`; empty when unavailable.
    pub head_name_masked: String,
    /// e.g. `4414**********1234`; empty when unavailable.
    pub id_card_masked: String,
    /// e.g. `138****5678`; null when there is none or it is unavailable.
    pub phone_masked: Option<String>,
    /// Private fields that could not be read (their stored value is not this household's, or
    /// is under a key the server does not hold): shown as unavailable, never guessed.
    pub unavailable: Vec<PrivateField>,
}

/// The private fields in full, for the household's own cadres and verifiers (each reveal is
/// audited).
#[derive(Serialize, ToSchema)]
pub struct HouseholdPrivateView {
    pub id: i64,
    /// Empty when unavailable.
    pub head_name: String,
    /// Empty when unavailable.
    pub id_card_number: String,
    /// Null when there is none or it is unavailable.
    pub phone: Option<String>,
    /// Null when there is none or it is unavailable.
    pub address: Option<String>,
    /// Private fields that could not be read, as in [`HouseholdView`].
    pub unavailable: Vec<PrivateField>,
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

/// A household's private fields, opened; `None` where there is none or it did not open (then
/// named in `unavailable`).
pub(crate) struct Private {
    pub(crate) head_name: Option<String>,
    id_card: Option<String>,
    phone: Option<String>,
    pub(crate) address: Option<String>,
    unavailable: Vec<PrivateField>,
}

/// Opens household `id`'s fields. One that does not open is logged with where it is and why,
/// never with its bytes, and left out.
fn open(sealer: &Sealer, id: i64, sealed: &SealedPrivate) -> Private {
    let mut unavailable = Vec::new();
    let mut open = |field: PrivateField, bytes: Option<&[u8]>| {
        let bytes = bytes?;
        sealer
            .open(&place(id, field), bytes)
            .inspect_err(|error| {
                tracing::warn!(
                    household_id = id,
                    field = %field.sealed_as(),
                    %error,
                    "a private field did not open; answered as unavailable"
                );
                unavailable.push(field);
            })
            .ok()
    };
    Private {
        head_name: open(PrivateField::HeadName, Some(&sealed.head_name)),
        id_card: open(PrivateField::IdCardNumber, Some(&sealed.id_card)),
        phone: open(PrivateField::Phone, sealed.phone.as_deref()),
        address: open(PrivateField::Address, sealed.address.as_deref()),
        unavailable,
    }
}

/// Household `id`'s fields sealed, each for its place.
fn seal(sealer: &Sealer, id: i64, field: PrivateField, value: &str) -> Vec<u8> {
    sealer.seal(&place(id, field), value)
}

/// What a key rotation makes of a household's private row.
pub(crate) struct Resealed {
    /// The row re-sealed under the current key, with its ID-card hash under that key (none when
    /// the number did not open: the old hash stays); none when every field already is sealed
    /// so, or none could be opened.
    pub(crate) row: Option<(SealedPrivate, Option<String>)>,
    /// Fields that did not open and were left as they are.
    pub(crate) unreadable: Vec<PrivateField>,
}

/// Household `id`'s private row re-sealed under the current key, every field for its place:
/// values of the legacy format, or under the previous key, are opened and sealed again.
pub(crate) fn reseal(sealer: &Sealer, id: i64, was: &SealedPrivate) -> Resealed {
    let stale = |bytes: Option<&Vec<u8>>| bytes.is_some_and(|b| !sealer.is_current(b));
    let fields = [
        Some(&was.head_name),
        Some(&was.id_card),
        was.phone.as_ref(),
        was.address.as_ref(),
    ];
    if !fields.into_iter().any(stale) {
        return Resealed {
            row: None,
            unreadable: Vec::new(),
        };
    }
    let opened = open(sealer, id, was);
    let mut changed = false;
    // A stale value that opened is sealed again; any other stays as it is.
    let mut again = |field, value: &Option<String>, bytes: Option<&Vec<u8>>| match value {
        Some(value) if stale(bytes) => {
            changed = true;
            Some(seal(sealer, id, field, value))
        }
        _ => bytes.cloned(),
    };
    let sealed = SealedPrivate {
        head_name: again(
            PrivateField::HeadName,
            &opened.head_name,
            Some(&was.head_name),
        )
        .unwrap_or_default(),
        id_card: again(
            PrivateField::IdCardNumber,
            &opened.id_card,
            Some(&was.id_card),
        )
        .unwrap_or_default(),
        phone: again(PrivateField::Phone, &opened.phone, was.phone.as_ref()),
        address: again(PrivateField::Address, &opened.address, was.address.as_ref()),
    };
    let hash = opened
        .id_card
        .as_deref()
        .and_then(|number| IdCardNumber::parse(number).ok())
        .map(|number| sealer.id_card_hash(&number));
    Resealed {
        row: changed.then_some((sealed, hash)),
        unreadable: opened.unavailable,
    }
}

/// A household's private fields, opened: for the checks that keep them out of public text.
pub(crate) async fn private_of(
    db: &impl ConnectionTrait,
    sealer: &Sealer,
    id: i64,
) -> Result<Private, ApiError> {
    Ok(open(sealer, id, &household_store::private(db, id).await?))
}

fn view(household: &HouseholdRecord, private: &Private) -> HouseholdView {
    HouseholdView {
        id: household.id,
        village_code: household.village.as_str().to_owned(),
        members_count: household.members_count,
        poverty_causes: household.poverty_causes.clone(),
        register_status: household.status,
        head_name_masked: private
            .head_name
            .as_deref()
            .map(mask_name)
            .unwrap_or_default(),
        id_card_masked: private
            .id_card
            .as_deref()
            .map(mask_id_card)
            .unwrap_or_default(),
        phone_masked: private.phone.as_deref().map(mask_mobile),
        unavailable: private.unavailable.clone(),
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
    let change = StatusChange {
        from,
        to,
        reason: reason.to_owned(),
        evidence: evidence.map(str::to_owned),
        at: crate::clock::now(),
    };
    household_store::record_move(db, household_id, &change, by).await?;
    Ok(())
}

fn village_of(raw: &str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(raw)
        .ok()
        .filter(|c| c.level() == Level::Village)
        .ok_or_else(|| {
            ApiError::field(
                "village_code",
                FieldError::new(FieldCode::RegionCode)
                    .levels([Level::Village.as_str()])
                    .because("is not a 12-digit village code"),
            )
        })
}

fn allow(actor: &Actor, action: Action, village: &RegionCode) -> Result<(), ApiError> {
    authorize(actor, action, Target::Region(village)).map_err(|_| ApiError::forbidden())
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
        return Err(ApiError::field(
            "village_code",
            FieldError::not_found_reference().because("is not a known village"),
        ));
    }

    new.validate()?;
    // Each parses, by its rule.
    let id_card = IdCardNumber::parse(&new.id_card_number).map_err(ApiError::internal)?;
    let phone = new
        .phone
        .as_ref()
        .and_then(Text::non_blank)
        .map(Mobile::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let causes = PovertyCause::parse_list(&new.poverty_causes).map_err(ApiError::internal)?;

    let now = crate::clock::now();
    let txn = crate::store::begin_write(db).await?;
    region_store::ensure_village(&txn, &village, now).await?;
    let household = household_store::insert(
        &txn,
        household_store::NewHousehold {
            village: &village,
            members_count: new.members_count,
            poverty_causes: &causes,
            created_by: actor.user_id,
            at: now,
        },
    )
    .await?;
    // The public row has its id now: each private field is sealed for it, in this transaction.
    let id = household.id;
    let sealed = SealedPrivate {
        head_name: seal(sealer, id, PrivateField::HeadName, new.head_name.trim()),
        id_card: seal(sealer, id, PrivateField::IdCardNumber, id_card.expose()),
        phone: phone
            .as_ref()
            .map(|p| seal(sealer, id, PrivateField::Phone, p.expose())),
        address: new
            .address
            .as_deref()
            .map(|a| seal(sealer, id, PrivateField::Address, a.trim())),
    };
    // The current key's hash is stored; during a key rotation a person may still be on record
    // under the previous key's.
    let hashes = sealer.id_card_hashes(&id_card);
    let inserted = match holder(&txn, &hashes[1..]).await? {
        Some(_) => Inserted::Duplicate,
        None => household_store::insert_private(&txn, id, &sealed, &hashes[0], now).await?,
    };
    if inserted == Inserted::Duplicate {
        txn.rollback().await?;
        // The refusal tells the cadre that this person is on the register somewhere; so
        // that probing for people leaves a trace, it is audited with where the record is.
        let existing = holder(db, &hashes).await?;
        audit::record(
            db,
            origin,
            "household.duplicate_refused",
            "household",
            existing.as_ref().map(|h| h.id).unwrap_or_default(),
            Some(village.as_str()),
            Some(json!({
                "existing_village": existing.map(|h| h.village.as_str().to_owned()),
            })),
        )
        .await?;
        let mut error = ApiError::new(
            ErrorCode::HouseholdDuplicate,
            "a household with this ID-card number is already on the register",
        );
        error.fields = Some(FieldErrors::from_iter([(
            "id_card_number",
            FieldError::new(FieldCode::Duplicate),
        )]));
        return Err(error);
    }
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
    Ok(view(&household, &open(sealer, id, &sealed)))
}

/// The household on record under any of these ID-card hashes.
pub(crate) async fn holder(
    db: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<Option<HouseholdRecord>, ApiError> {
    for hash in hashes {
        if let Some(household) = household_store::id_card_holder(db, hash).await? {
            return Ok(Some(household));
        }
    }
    Ok(None)
}

/// A household the actor may act on by `action`. One outside the actor's scope is "not found",
/// like one that does not exist: an ID does not tell a stranger that a household is there.
async fn load(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<(HouseholdRecord, SealedPrivate), ApiError> {
    let household = household_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("household"))?;
    if !actor.can(action, Target::Region(&household.village)) {
        return Err(ApiError::not_found("household"));
    }
    let private = household_store::private(db, id).await?;
    Ok((household, private))
}

/// One page of the households of a village, masked, oldest first, and how many it has.
pub async fn list(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    village: &str,
    paging: Paging,
) -> Result<(Vec<HouseholdView>, u64), ApiError> {
    let village = village_of(village)?;
    allow(actor, Action::ViewHouseholdPrivate, &village)?;
    let (rows, total) =
        household_store::in_village_page(db, &village, paging.page, paging.per_page).await?;
    let views = rows
        .iter()
        .map(|(household, private)| Ok(view(household, &open(sealer, household.id, private))))
        .collect::<Result<_, ApiError>>()?;
    Ok((views, total))
}

/// One household, masked, with its incomes and register history.
pub async fn detail(
    db: &DatabaseConnection,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
) -> Result<HouseholdDetail, ApiError> {
    let (household, private) = load(db, actor, Action::ViewHouseholdPrivate, id).await?;
    let incomes = household_store::incomes(db, id)
        .await?
        .into_iter()
        .map(|i| IncomeView {
            year: i.year,
            per_capita_income_fen: i.per_capita_income_fen,
        })
        .collect();
    let status_history = household_store::status_history(db, id)
        .await?
        .into_iter()
        .map(|c| StatusChangeView {
            from_status: c.from.map(|s| s.as_str().to_owned()),
            to_status: c.to.as_str().to_owned(),
            reason: c.reason,
            evidence: c.evidence,
            created_at: c.at,
        })
        .collect();
    Ok(HouseholdDetail {
        household: view(&household, &open(sealer, id, &private)),
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
    let (household, private) = load(db, actor, Action::ViewHouseholdPrivate, id).await?;
    let opened = open(sealer, id, &private);
    audit::record(
        db,
        origin,
        "household.reveal",
        "household",
        id,
        Some(household.village.as_str()),
        Some(json!({"fields": ["head_name", "id_card_number", "phone", "address"]})),
    )
    .await?;
    Ok(HouseholdPrivateView {
        id,
        head_name: opened.head_name.unwrap_or_default(),
        id_card_number: opened.id_card.unwrap_or_default(),
        phone: opened.phone,
        address: opened.address,
        unavailable: opened.unavailable,
    })
}

request_body! {
    /// Changes to a household; fields left out (or `null`) stay as they are, and a change that
    /// changes nothing answers the household as it is.
    #[derive(Default, Deserialize, ToSchema, Validate)]
    pub struct HouseholdChanges {
        #[schema(value_type = Option<String>)]
        #[rule(length(min = 1, max = 30))]
        pub head_name: Option<Text>,
        /// A mobile number, or empty to remove it.
        #[schema(value_type = Option<String>)]
        #[rule(mobile)]
        pub phone: Option<Text>,
        #[schema(value_type = Option<String>)]
        #[rule(length(min = 1, max = 200))]
        pub address: Option<Text>,
        #[rule(range(min = 1, max = 30))]
        pub members_count: Option<i16>,
        #[schema(value_type = Option<Vec<PovertyCause>>)]
        #[rule(poverty_causes)]
        pub poverty_causes: Option<Vec<String>>,
    }
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
    let (current, mut private) = load(db, actor, Action::ManageHousehold, id).await?;
    changes.validate()?;
    let mut changed = Vec::new();
    let mut household_changes = household_store::HouseholdChanges::default();
    if let Some(name) = &changes.head_name {
        private.head_name = seal(sealer, id, PrivateField::HeadName, name.trimmed());
        changed.push("head_name");
    }
    if let Some(phone) = &changes.phone {
        private.phone = match phone.non_blank() {
            None => None,
            Some(number) => {
                let mobile = Mobile::parse(number).map_err(ApiError::internal)?;
                Some(seal(sealer, id, PrivateField::Phone, mobile.expose()))
            }
        };
        changed.push("phone");
    }
    if let Some(address) = &changes.address {
        private.address = Some(seal(sealer, id, PrivateField::Address, address.trimmed()));
        changed.push("address");
    }
    if let Some(members) = changes.members_count {
        household_changes.members_count = Some(members);
        changed.push("members_count");
    }
    if let Some(causes) = &changes.poverty_causes {
        household_changes.poverty_causes =
            Some(PovertyCause::parse_list(causes).map_err(ApiError::internal)?);
        changed.push("poverty_causes");
    }
    if changed.is_empty() {
        // PATCH `{}` (or every field `null`): nothing to write, audit or re-index.
        return Ok(view(&current, &open(sealer, id, &private)));
    }
    let now = crate::clock::now();
    let txn = crate::store::begin_write(db).await?;
    let household = household_store::update(&txn, id, household_changes, now).await?;
    household_store::update_private(&txn, id, &private, now).await?;
    audit::record(
        &txn,
        origin,
        "household.update",
        "household",
        id,
        Some(household.village.as_str()),
        Some(json!({"changed": changed})),
    )
    .await?;
    if changed.contains(&"members_count") || changed.contains(&"poverty_causes") {
        // The public summary of the household's needs ("3口之家 · 因病") changed with it.
        resync_needs_of(&txn, id).await?;
    }
    txn.commit().await?;
    Ok(view(&household, &open(sealer, id, &private)))
}

/// Asks the outbox to bring the search documents of the household's needs up to date.
async fn resync_needs_of(txn: &impl ConnectionTrait, household_id: i64) -> Result<(), ApiError> {
    use crate::store::outbox::{self, Message};
    let ids = household_store::need_ids(txn, household_id).await?;
    let messages: Vec<Message> = ids
        .into_iter()
        .map(|need_id| Message::SearchSyncNeed { need_id })
        .collect();
    if !messages.is_empty() {
        outbox::enqueue_all(txn, &messages, crate::clock::now()).await?;
    }
    Ok(())
}

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct NewIncome {
        /// A past or the current year.
        #[rule(range(min = 2000))]
        pub year: i32,
        /// Annual per-capita disposable income, in fen.
        #[rule(range(min = 0, max = 10_000_000_000_i64))]
        pub per_capita_income_fen: i64,
    }
}

pub async fn add_income(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    income: NewIncome,
    origin: &Origin,
) -> Result<IncomeView, ApiError> {
    let (household, _) = load(db, actor, Action::ManageHousehold, id).await?;
    let this_year = crate::clock::now().year();
    let mut fields = FieldErrors::of(income.validate());
    // At least 2000 is the rule's; the most is this year.
    if income.year > this_year {
        fields.add(
            "year",
            FieldError::exceeds(this_year.into())
                .because(format!("must be between 2000 and {this_year}")),
        );
    }
    fields.into_result()?;
    let txn = crate::store::begin_write(db).await?;
    let recorded = Income {
        year: income.year,
        per_capita_income_fen: income.per_capita_income_fen,
    };
    let inserted =
        household_store::insert_income(&txn, id, recorded, actor.user_id, crate::clock::now())
            .await?;
    if inserted == Inserted::Duplicate {
        return Err(ApiError::new(
            ErrorCode::IncomeYearRecorded,
            format!("the income of {} is already recorded", income.year),
        ));
    }
    audit::record(
        &txn,
        origin,
        "household.income",
        "household",
        id,
        Some(household.village.as_str()),
        Some(json!({"year": income.year})),
    )
    .await?;
    txn.commit().await?;
    Ok(IncomeView {
        year: income.year,
        per_capita_income_fen: income.per_capita_income_fen,
    })
}

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct StatusMove {
        pub to: RegisterStatus,
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 500))]
        pub reason: Text,
        /// What the move rests on (进出有据): documents, a survey, a decision number.
        #[schema(value_type = String)]
        #[rule(length(min = 1, max = 1000))]
        pub evidence: Text,
    }
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
    let (household, private) = load(db, actor, Action::ManageHousehold, id).await?;
    mv.validate()?;
    let from = household.status;
    let txn = crate::store::begin_write(db).await?;
    let incomes: Vec<(i32, i64)> = household_store::incomes(&txn, id)
        .await?
        .into_iter()
        .map(|i| (i.year, i.per_capita_income_fen))
        .collect();
    check_move(from, mv.to, &incomes, exit_line_fen)
        .map_err(|e| ApiError::new(ErrorCode::InvalidState, e.to_string()))?;
    let moved = household_store::HouseholdChanges {
        status: Some(mv.to),
        ..Default::default()
    };
    let household = household_store::update(&txn, id, moved, crate::clock::now()).await?;
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
        Some(household.village.as_str()),
        Some(json!({"from": from.as_str(), "to": mv.to.as_str()})),
    )
    .await?;
    txn.commit().await?;
    Ok(view(&household, &open(sealer, id, &private)))
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
