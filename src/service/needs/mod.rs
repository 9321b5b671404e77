//! Needs: recorded by village cadres, verified, publicly noticed (公示), published. Each use
//! case is one transaction that moves the need through [`decide`], appends to its timeline,
//! writes the audit log and the outbox row that keeps search (and mail) in step.

pub mod objections;
pub mod photos;
pub mod projection;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Reach, Role, Target, reach, sees_need_as_staff};
use crate::domain::need::{
    BeneficiaryKind, Category, Change, EventKind, NeedAction, NeedFacts, NeedStatus, Refusal,
    Rules, Unit, Urgency, Who, decide, needs_second_verification,
};
use crate::domain::private_text::{KnownPrivate, find_household_value};
use crate::domain::projection::NeedRecord;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::list_params;
use crate::service::paging::Paging;
use crate::store::audit::{self, Entry, Origin};
use crate::store::households as household_store;
use crate::store::needs::{
    self as need_store, NeedContent, NewDraft, NewEvent, StatusMove, WorklistSort,
};
use crate::store::objections as objection_store;
use crate::store::outbox::{self, Message};
use crate::store::photos::{self as photo_store, StoredPhoto};
use crate::store::regions as region_store;
use crate::validation::{Text, request_body};

use projection::{PublicContext, PublicNeed, TimelineEntry, public_need};

/// Largest target of a need counted in units (not money).
const MAX_QUANTITY: i64 = 1_000_000;
/// Largest money need, in fen (1 亿元), and largest total value of any need.
const MAX_TOTAL_FEN: i64 = 10_000_000_000;
/// How far ahead a deadline may be.
const MAX_DEADLINE_DAYS: i64 = 366;

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct NewNeed {
        /// `household` (then `household_id`) or `village` (then `village_code`).
        #[schema(value_type = BeneficiaryKind)]
        #[rule(one_of(BeneficiaryKind))]
        pub beneficiary: String,
        pub household_id: Option<i64>,
        /// The village (12-digit code), for a village's need; a household's need is in its
        /// village.
        #[rule(village_code)]
        pub village_code: Option<String>,
        // Held to their rules, and to those between them, by `validate`.
        #[serde(flatten)]
        pub fields: NeedFields,
    }
}

request_body! {
    /// The fields of a need that its cadre writes. The title and description are public: they
    /// must carry no private data.
    #[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
    pub struct NeedFields {
        #[schema(value_type = Category)]
        #[rule(one_of(Category))]
        pub category: String,
        #[schema(value_type = String)]
        #[rule(length(min = 4, max = 60))]
        #[rule(public_text)]
        pub title: Text,
        #[schema(value_type = String)]
        #[rule(length(min = 10, max = 2000))]
        #[rule(public_text)]
        pub description: Text,
        #[schema(value_type = Unit)]
        #[rule(one_of(Unit))]
        pub unit: String,
        /// In units; for a `money` need, in fen. (At most 1,000,000 units, or 1 亿元 in fen.)
        #[rule(range(min = 1))]
        pub target_quantity: i64,
        /// Estimated value of one unit, in fen (at most 100 万元); a `money` need's is 1 and
        /// may be left out.
        #[rule(range(min = 1, max = 100_000_000))]
        pub unit_value_fen: Option<i64>,
        /// `normal` when left out.
        #[schema(value_type = Option<Urgency>)]
        #[rule(one_of(Urgency))]
        pub urgency: Option<String>,
        pub deadline: DateTime<Utc>,
        /// The smallest pledge taken (a pledge of exactly what remains is always taken); 1 when
        /// left out.
        #[rule(range(min = 1))]
        pub min_pledge_quantity: Option<i64>,
    }
}

/// Changes to a draft, or to a taken-down need being corrected; fields left out stay as they
/// are. The need as changed is held to the rules of `NeedFields` (and, with pledges standing,
/// keeps its unit and a target no lower than what is pledged). A change that changes nothing
/// (`{}`, or every field `null`) answers the need as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NeedChanges {
    #[schema(value_type = Option<Category>)]
    pub category: Option<String>,
    #[schema(value_type = Option<String>)]
    pub title: Option<Text>,
    #[schema(value_type = Option<String>)]
    pub description: Option<Text>,
    #[schema(value_type = Option<Unit>)]
    pub unit: Option<String>,
    pub target_quantity: Option<i64>,
    pub unit_value_fen: Option<i64>,
    #[schema(value_type = Option<Urgency>)]
    pub urgency: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
    pub min_pledge_quantity: Option<i64>,
}

request_body! {
    /// A verifier's reason, for a rejection or an objection decision. The need's cadres read it
    /// (and its mail carries it): it must not name an objector.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct Reason {
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 500))]
        pub reason: Text,
    }
}

/// A need with its timeline and photos; `review` only for its cadres and verifiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedDetail {
    #[serde(flatten)]
    pub need: PublicNeed,
    pub timeline: Vec<TimelineEntry>,
    pub photos: Vec<PhotoRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<NeedReview>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoRef {
    /// 128 random bits in hex: a photo's address tells nothing of any other's.
    #[schema(pattern = r"^[0-9a-f]{32}$")]
    pub id: String,
    /// Where the picture is served (`/api/v1/photos/{id}`).
    pub url: String,
    pub width: i32,
    pub height: i32,
    /// Whether the public sees it (once its need is public): a need's photo its cadre
    /// published. A receipt photo never is.
    pub public: bool,
}

impl From<&StoredPhoto> for PhotoRef {
    fn from(photo: &StoredPhoto) -> Self {
        Self {
            id: photo.public_id.to_string(),
            url: format!("/api/v1/photos/{}", photo.public_id),
            width: photo.width,
            height: photo.height,
            public: photo.published,
        }
    }
}

/// What the need's own cadres and verifiers see besides the public projection.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedReview {
    pub household_id: Option<i64>,
    pub requires_second_verification: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub second_verified_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    /// Why a verifier last took the need out of public view (撤下核查): what its cadre must
    /// correct. Never shown to the public.
    pub takedown_reason: Option<String>,
    pub open_objections: u64,
    /// What the caller may do to the need now: `edit`, `submit`, `verify`, `reject`,
    /// `withdraw`, `close`, `take_down`.
    pub allowed_actions: Vec<String>,
}

/// The worklist's parameters as the query string gives them; [`worklist`] reads them, refusing
/// each bad one by its name.
#[derive(Debug, Default, Clone, Copy)]
pub struct WorklistParams<'a> {
    pub status: Option<&'a str>,
    pub category: Option<&'a str>,
    pub region: Option<&'a str>,
    pub household: Option<i64>,
    pub q: Option<&'a str>,
    pub sort: Option<&'a str>,
}

/// A need in its staff's worklist: its public form, and what its staff see besides (a
/// rejection's reason, what the caller may do to it next). Never on a public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkItem {
    #[serde(flatten)]
    pub need: PublicNeed,
    pub review: NeedReview,
}

/// A page of a worklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorklistPage {
    pub items: Vec<WorkItem>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A page of needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedPage {
    pub items: Vec<PublicNeed>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A need's fields, validated.
struct Valid {
    category: Category,
    title: String,
    description: String,
    unit: Unit,
    target: i64,
    unit_value_fen: i64,
    urgency: Urgency,
    deadline: DateTime<Utc>,
    min_pledge: i64,
}

impl Valid {
    fn total_fen(&self) -> i64 {
        self.target.saturating_mul(self.unit_value_fen)
    }

    fn content(&self) -> NeedContent<'_> {
        NeedContent {
            category: self.category,
            title: &self.title,
            description: &self.description,
            unit: self.unit,
            target_quantity: self.target,
            unit_value_fen: self.unit_value_fen,
            urgency: self.urgency,
            deadline: self.deadline,
            min_pledge_quantity: self.min_pledge,
        }
    }
}

/// `fields` checked by their rules ([`NeedFields`]'s), and by those between fields and against
/// `now`, which the rules cannot see.
fn validate(fields: &NeedFields, now: DateTime<Utc>) -> Result<Valid, ApiError> {
    let mut errors = FieldErrors::of(fields.validate());
    let category = Category::parse(&fields.category);
    let unit = Unit::parse(&fields.unit);
    let urgency = match fields.urgency.as_deref() {
        None => Some(Urgency::Normal),
        Some(u) => Urgency::parse(u),
    };
    let title = fields.title.trimmed().to_owned();
    let description = fields.description.trimmed().to_owned();
    let unit_value_ruled_out = errors.has("unit_value_fen");
    // One complaint a field: the rules' own, when they made one.
    let mut fail = |field: &str, error: FieldError| {
        if !errors.has(field) {
            errors.add(field, error);
        }
    };
    let unit_value_fen = match (unit, fields.unit_value_fen) {
        (Some(Unit::Money), None | Some(1)) => Some(1),
        (Some(Unit::Money), Some(_)) => {
            fail(
                "unit_value_fen",
                FieldError::exceeds(1)
                    .because("must be 1 (or left out) for a money need, whose quantities are fen"),
            );
            None
        }
        // Unless out of the rule's range, which says so.
        (_, Some(v)) => Some(v).filter(|_| !unit_value_ruled_out),
        (_, None) => {
            fail(
                "unit_value_fen",
                FieldError::required_with(Some("unit"))
                    .because("is required: the estimated value of one unit, in fen"),
            );
            None
        }
    };
    // At least 1 is the rule's; the most depends on the unit.
    let max_target = if unit == Some(Unit::Money) {
        MAX_TOTAL_FEN
    } else {
        MAX_QUANTITY
    };
    if fields.target_quantity > max_target {
        fail(
            "target_quantity",
            FieldError::exceeds(max_target).because(format!(
                "must be 1 to {max_target} (a money need counts fen)"
            )),
        );
    } else if let Some(value) = unit_value_fen
        && fields.target_quantity.saturating_mul(value) > MAX_TOTAL_FEN
    {
        fail(
            "target_quantity",
            FieldError::new(FieldCode::TotalValue)
                .max(MAX_TOTAL_FEN)
                .because("the total value is above 1 亿元; split the need into smaller ones"),
        );
    }
    if fields.deadline <= now {
        fail("deadline", FieldError::new(FieldCode::Future));
    } else if fields.deadline > now + Duration::days(MAX_DEADLINE_DAYS) {
        fail(
            "deadline",
            FieldError::new(FieldCode::WithinDays).days(MAX_DEADLINE_DAYS),
        );
    }
    // At least 1 is the rule's; the most is the target.
    let min_pledge = fields.min_pledge_quantity.unwrap_or(1);
    if min_pledge > Ord::max(fields.target_quantity, 1) {
        fail(
            "min_pledge_quantity",
            FieldError::exceeds(Ord::max(fields.target_quantity, 1))
                .because("must be 1 to the target quantity"),
        );
    }
    match (category, unit, urgency, unit_value_fen, errors.is_empty()) {
        (Some(category), Some(unit), Some(urgency), Some(unit_value_fen), true) => Ok(Valid {
            category,
            title,
            description,
            unit,
            target: fields.target_quantity,
            unit_value_fen,
            urgency,
            deadline: fields.deadline,
            min_pledge,
        }),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Refuses `texts` (field, text) that the public will read if they carry the name or address of
/// the household they are about. (A phone or ID-card number, an e-mail address, is refused by
/// the `public_text` rule of the request's fields, which needs nothing looked up.)
pub(crate) async fn check_public_text(
    app: &Context,
    db: &impl ConnectionTrait,
    household_id: Option<i64>,
    texts: &[(&str, &str)],
) -> Result<(), ApiError> {
    let private = match household_id {
        Some(id) => Some(crate::service::households::private_of(db, &app.sealer, id).await?),
        None => None,
    };
    let known = KnownPrivate {
        head_name: private.as_ref().and_then(|p| p.head_name.as_deref()),
        address: private.as_ref().and_then(|p| p.address.as_deref()),
    };
    let mut fields = FieldErrors::new();
    for (name, text) in texts {
        if let Some(finding) = find_household_value(text, &known) {
            fields.add(*name, finding.into());
        }
    }
    // Private data is all that is wrong here: the error is `private_data`.
    fields.into_result()
}

impl Valid {
    fn public_texts(&self) -> [(&str, &str); 2] {
        [("title", &self.title), ("description", &self.description)]
    }
}

pub(crate) fn rules(app: &Context) -> Rules {
    Rules {
        notice: app.settings.policy.notice(),
    }
}

pub(crate) fn facts(need: &NeedRecord, other_open_objections: u64) -> NeedFacts {
    NeedFacts {
        status: need.status,
        village: need.village.clone(),
        created_by: need.created_by,
        verified_by: need.verified_by,
        requires_second_verification: need.requires_second_verification,
        target: need.target_quantity,
        pledged: need.pledged_quantity,
        received: need.received_quantity,
        deadline: need.deadline,
        notice_ends_at: need.notice_ends_at,
        suspended_at: need.suspended_at,
        other_open_objections,
    }
}

/// The refusal of a move as the API answers it.
pub(crate) fn refused(refusal: Refusal) -> ApiError {
    let code = match refusal {
        Refusal::NotAllowed | Refusal::PlatformOnly | Refusal::NeedsCountyVerifier => {
            ErrorCode::Forbidden
        }
        Refusal::OwnNeed | Refusal::SameVerifier => ErrorCode::ConflictOfInterest,
        Refusal::DeadlineTooSoon { days } => {
            return ApiError::field(
                "deadline",
                FieldError::new(FieldCode::MinDaysAhead)
                    .days(days)
                    .because(refusal.to_string()),
            );
        }
        Refusal::WrongStatus { .. }
        | Refusal::NoticeOver
        | Refusal::NotYet(_)
        | Refusal::HasPledges => ErrorCode::InvalidState,
    };
    ApiError::new(code, refusal.to_string())
}

fn is_draft(need: &NeedRecord) -> bool {
    need.status == NeedStatus::Draft
}

/// The need `id` as `who` may see it; a need they may not see is "not found", as if absent.
pub(crate) async fn load_visible(
    db: &impl ConnectionTrait,
    who: Option<&Actor>,
    id: i64,
) -> Result<NeedRecord, ApiError> {
    let need = need_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    visible_to(need, who)
}

/// As [`load_visible`], inside a write transaction, holding the need's row until it ends, so
/// that moves of one need queue rather than fail each other. (On PostgreSQL a row lock; on
/// SQLite the write transaction already holds the whole database.)
pub(crate) async fn lock_visible(
    txn: &impl ConnectionTrait,
    who: Option<&Actor>,
    id: i64,
) -> Result<NeedRecord, ApiError> {
    let need = lock(txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    visible_to(need, who)
}

/// The need `id`, its row held until the transaction ends (see [`need_store::lock`]).
pub(crate) async fn lock(
    txn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<NeedRecord>, ApiError> {
    Ok(need_store::lock(txn, id).await?)
}

fn visible_to(need: NeedRecord, who: Option<&Actor>) -> Result<NeedRecord, ApiError> {
    let staff = match who {
        Some(actor) => sees_need_as_staff(actor, &need.village, is_draft(&need)),
        None => false,
    };
    if staff || need.is_public() {
        Ok(need)
    } else {
        Err(ApiError::not_found("need"))
    }
}

/// The role an actor acted in, as the timeline shows it.
fn actor_role(action: NeedAction, from: NeedStatus, who: Who<'_>) -> &'static str {
    match (action, who) {
        (_, Who::Platform) => "platform",
        (NeedAction::Object, _) => "public",
        (
            NeedAction::Verify
            | NeedAction::Reject
            | NeedAction::UpholdObjection
            | NeedAction::DismissObjection
            | NeedAction::TakeDown,
            _,
        ) => Role::Verifier.as_str(),
        // A taken-down need is closed by a verifier.
        (NeedAction::Close, _) if from == NeedStatus::TakenDown => Role::Verifier.as_str(),
        _ => Role::Cadre.as_str(),
    }
}

/// Extra columns a move sets besides those of its [`Change`].
#[derive(Default)]
pub(crate) struct Extra {
    pub rejection_reason: Option<String>,
    pub takedown_reason: Option<String>,
    pub requires_second_verification: Option<bool>,
    /// Outbox messages besides the search sync every move sends.
    pub messages: Vec<Message>,
}

/// A decided move, ready to apply.
pub(crate) struct Move<'a> {
    pub action: NeedAction,
    pub who: Who<'a>,
    pub change: Change,
    pub extra: Extra,
}

/// Applies a move to `need` inside `txn`: the guarded update (it only succeeds if nobody
/// changed the need since it was read), the timeline, the audit log and the outbox.
pub(crate) async fn apply(
    txn: &impl ConnectionTrait,
    need: &NeedRecord,
    step: Move<'_>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<NeedRecord, ApiError> {
    let Move {
        action,
        who,
        change,
        extra,
    } = step;
    let actor_user_id = match who {
        Who::User(actor) => Some(actor.user_id),
        Who::Public | Who::Platform => None,
    };
    let status_move = StatusMove {
        change: &change,
        verified_by: actor_user_id,
        rejection_reason: extra.rejection_reason.as_deref(),
        takedown_reason: extra.takedown_reason.as_deref(),
        requires_second_verification: extra.requires_second_verification,
    };
    if !need_store::update_status(txn, need, &status_move, now).await? {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the need was changed by someone else meanwhile; reload it and try again",
        ));
    }
    let role = actor_role(action, change.from, who);
    for kind in &change.events {
        need_store::record_event(
            txn,
            NewEvent {
                need_id: need.id,
                kind: *kind,
                actor_role: Some(role),
                actor_label: None,
                actor_user_id,
                pledge_id: None,
                at: now,
            },
        )
        .await?;
    }
    audit::record_at(
        txn,
        origin,
        Entry {
            action: &format!("need.{}", action.as_str()),
            target_kind: "need",
            target_id: need.id.to_string(),
            region_code: Some(need.village.as_str()),
            // The reason given for a rejection or a take-down stays in the audit log whatever
            // becomes of the need's columns.
            detail: Some(json!({
                "from": change.from.as_str(),
                "to": change.to.as_str(),
                "by": role,
                "reason": extra.rejection_reason.as_deref().or(extra.takedown_reason.as_deref()),
            })),
        },
        now,
    )
    .await?;
    outbox::enqueue(txn, &Message::SearchSyncNeed { need_id: need.id }, now).await?;
    for message in &extra.messages {
        outbox::enqueue(txn, message, now).await?;
    }
    let moved = need_store::find(txn, need.id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("need {} vanished mid-transaction", need.id)))?;
    // Its first publication: whoever follows where it is, or has an offer that fits, hears.
    if change.events.contains(&EventKind::Published) {
        crate::service::follows::on_published(txn, &moved, now).await?;
    }
    Ok(moved)
}

/// Records a draft need for a household or a village of the caller's.
pub async fn create(
    app: &Context,
    actor: &Actor,
    new: NewNeed,
    origin: &Origin,
) -> Result<NeedDetail, ApiError> {
    let db = &app.db;
    let now = app.clock.now();
    new.validate()?;
    let beneficiary = BeneficiaryKind::parse(&new.beneficiary)
        .ok_or_else(|| ApiError::internal("a beneficiary past its rule does not parse"))?;
    let (village, household_id) = match beneficiary {
        BeneficiaryKind::Household => {
            let id = new.household_id.ok_or_else(|| {
                ApiError::field(
                    "household_id",
                    FieldError::required_with(Some("beneficiary"))
                        .because("is required for a household's need"),
                )
            })?;
            let household = household_store::find(db, id)
                .await?
                .filter(|h| actor.can(Action::RecordNeed, Target::Region(&h.village)))
                .ok_or_else(|| {
                    ApiError::field(
                        "household_id",
                        FieldError::not_found_reference()
                            .because("is not a household of your villages"),
                    )
                })?;
            if new
                .village_code
                .as_deref()
                .is_some_and(|v| v != household.village.as_str())
            {
                return Err(ApiError::field(
                    "village_code",
                    FieldError::new(FieldCode::Mismatch)
                        .field("household_id")
                        .because(
                            "is not the household's village (leave it out for a household's need)",
                        ),
                ));
            }
            (household.village, Some(id))
        }
        BeneficiaryKind::Village => {
            if new.household_id.is_some() {
                return Err(ApiError::field(
                    "household_id",
                    FieldError::new(FieldCode::Absent)
                        .because("must be left out for a village's need"),
                ));
            }
            let raw = new.village_code.as_deref().ok_or_else(|| {
                ApiError::field(
                    "village_code",
                    FieldError::required_with(Some("beneficiary"))
                        .because("is required for a village's need"),
                )
            })?;
            // A village's code, by the rule of `village_code`.
            let village = RegionCode::parse(raw).map_err(ApiError::internal)?;
            if !actor.can(Action::RecordNeed, Target::Region(&village)) {
                return Err(ApiError::forbidden());
            }
            if region_store::find(db, &village).await?.is_none() {
                return Err(ApiError::field(
                    "village_code",
                    FieldError::not_found_reference().because("is not a known village"),
                ));
            }
            (village, None)
        }
    };
    let valid = validate(&new.fields, now)?;
    check_public_text(app, db, household_id, &valid.public_texts()).await?;

    let txn = crate::store::begin_write(db).await?;
    let need = need_store::insert_draft(
        &txn,
        &NewDraft {
            beneficiary,
            household_id,
            village: &village,
            content: valid.content(),
            created_by: actor.user_id,
            at: now,
        },
    )
    .await?;
    need_store::record_event(
        &txn,
        NewEvent {
            need_id: need.id,
            kind: EventKind::Created,
            actor_role: Some(Role::Cadre.as_str()),
            actor_label: None,
            actor_user_id: Some(actor.user_id),
            pledge_id: None,
            at: now,
        },
    )
    .await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.create",
            target_kind: "need",
            target_id: need.id.to_string(),
            region_code: Some(village.as_str()),
            detail: Some(json!({"beneficiary": beneficiary.as_str()})),
        },
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id: need.id }, now).await?;
    txn.commit().await?;
    detail(app, Some(actor), need.id).await
}

fn fields_of(need: &NeedRecord) -> NeedFields {
    NeedFields {
        category: need.category.as_str().to_owned(),
        title: need.title.clone().into(),
        description: need.description.clone().into(),
        unit: need.unit.as_str().to_owned(),
        target_quantity: need.target_quantity,
        unit_value_fen: Some(need.unit_value_fen),
        urgency: Some(need.urgency.as_str().to_owned()),
        deadline: need.deadline,
        min_pledge_quantity: Some(need.min_pledge_quantity),
    }
}

/// Edits a draft.
pub async fn update(
    app: &Context,
    actor: &Actor,
    id: i64,
    changes: NeedChanges,
    origin: &Origin,
) -> Result<NeedDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), id).await?;
    let change = decide(
        &facts(&need, 0),
        NeedAction::Edit,
        Who::User(actor),
        &rules(app),
        now,
    )
    .map_err(refused)?;
    let mut fields = fields_of(&need);
    let mut changed = Vec::new();
    // Each given field replaces the draft's (the optional ones wrapped as stored).
    macro_rules! take {
        ($($name:ident $(=> $wrap:path)?),* $(,)?) => {
            $(if let Some(value) = changes.$name {
                fields.$name = $($wrap)?(value);
                changed.push(stringify!($name));
            })*
        };
    }
    // A new unit makes the old value per unit meaningless: it must come with the change
    // (a money need's is implied).
    if changes.unit.is_some() && changes.unit_value_fen.is_none() {
        fields.unit_value_fen = None;
    }
    take!(
        category,
        title,
        description,
        unit,
        target_quantity,
        unit_value_fen => Some,
        urgency => Some,
        deadline,
        min_pledge_quantity => Some,
    );
    if changed.is_empty() {
        // PATCH `{}` (or every field `null`): nothing to write, audit or re-index.
        drop(txn);
        return detail(app, Some(actor), id).await;
    }
    let valid = validate(&fields, now)?;
    check_standing_pledges(&need, &valid)?;
    check_public_text(app, &txn, need.household_id, &valid.public_texts()).await?;
    need_store::update_content(&txn, &need, &valid.content(), now).await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.edit",
            target_kind: "need",
            target_id: id.to_string(),
            region_code: Some(need.village.as_str()),
            detail: Some(json!({"changed": changed, "status": change.to.as_str()})),
        },
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id: id }, now).await?;
    txn.commit().await?;
    detail(app, Some(actor), id).await
}

/// A taken-down need keeps its pledges (see `domain::need`): its correction cannot make them
/// meaningless by changing what they count or taking the target below them.
fn check_standing_pledges(need: &NeedRecord, valid: &Valid) -> Result<(), ApiError> {
    if need.pledged_quantity == 0 {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    if valid.unit != need.unit {
        errors.add(
            "unit",
            FieldError::new(FieldCode::Mismatch)
                .because("cannot change while pledges count in the present unit"),
        );
    }
    if valid.target < need.pledged_quantity {
        errors.add(
            "target_quantity",
            FieldError::below(need.pledged_quantity).because(format!(
                "cannot be below the {} already pledged",
                need.pledged_quantity
            )),
        );
    }
    errors.into_result()
}

/// A move a cadre or verifier asks for by name.
#[derive(Debug)]
pub enum Step {
    Submit,
    Verify,
    Reject {
        reason: String,
    },
    Withdraw,
    Close,
    /// Take it out of public view (撤下核查), with the reason its cadres will read.
    TakeDown {
        reason: String,
    },
}

/// Moves a need one step, for its cadre (submit, withdraw, close) or verifier (verify, reject,
/// take down, close a taken-down need).
pub async fn step(
    app: &Context,
    actor: &Actor,
    id: i64,
    step: Step,
    origin: &Origin,
) -> Result<NeedDetail, ApiError> {
    let now = app.clock.now();
    let action = match step {
        Step::Submit => NeedAction::Submit,
        Step::Verify => NeedAction::Verify,
        Step::Reject { .. } => NeedAction::Reject,
        Step::Withdraw => NeedAction::Withdraw,
        Step::Close => NeedAction::Close,
        Step::TakeDown { .. } => NeedAction::TakeDown,
    };
    let mut extra = Extra::default();
    // Its length is the rule of the request's `Reason`.
    match &step {
        Step::Reject { reason } => extra.rejection_reason = Some(reason.trim().to_owned()),
        Step::TakeDown { reason } => extra.takedown_reason = Some(reason.trim().to_owned()),
        _ => {}
    }
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), id).await?;
    let change =
        decide(&facts(&need, 0), action, Who::User(actor), &rules(app), now).map_err(refused)?;
    if action == NeedAction::Submit {
        // What is submitted is checked again as it stands: the rules (and the caps) may have
        // changed since the draft was written.
        let valid = validate(&fields_of(&need), now)?;
        check_public_text(app, &txn, need.household_id, &valid.public_texts()).await?;
        let caps = app
            .settings
            .policy
            .value_caps()
            .map_err(ApiError::internal)?;
        extra.requires_second_verification = Some(needs_second_verification(
            &caps,
            valid.category,
            valid.total_fen(),
        ));
    }
    if change.verification.is_some() && change.to != NeedStatus::Verified {
        extra
            .messages
            .push(Message::MailNeedVerified { need_id: id });
    }
    if change.to == NeedStatus::Rejected {
        extra
            .messages
            .push(Message::MailNeedRejected { need_id: id });
    }
    if action == NeedAction::TakeDown {
        // Its cadres, and the donors of its open pledges (the search sync every move sends
        // takes it out of the index).
        extra
            .messages
            .push(Message::MailNeedTakenDown { need_id: id });
    }
    apply(
        &txn,
        &need,
        Move {
            action,
            who: Who::User(actor),
            change,
            extra,
        },
        origin,
        now,
    )
    .await?;
    txn.commit().await?;
    detail(app, Some(actor), id).await
}

/// A need as `who` may see it, with its timeline and photos.
pub async fn detail(app: &Context, who: Option<&Actor>, id: i64) -> Result<NeedDetail, ApiError> {
    let db = &app.db;
    let need = load_visible(db, who, id).await?;
    let context = PublicContext::load(db, std::slice::from_ref(&need)).await?;
    let timeline = need_store::timeline(db, id)
        .await?
        .iter()
        .map(projection::timeline_entry)
        .collect();
    let staff = who.is_some_and(|actor| sees_need_as_staff(actor, &need.village, false));
    // The public sees the photos its cadre published; the need's staff see them all.
    let photos = photo_store::of(db, photo_store::Owner::Need(id))
        .await?
        .iter()
        .filter(|photo| staff || photo.published)
        .map(PhotoRef::from)
        .collect();
    let review = match who {
        Some(actor) if staff => Some(review(app, actor, &need).await?),
        _ => None,
    };
    Ok(NeedDetail {
        need: public_need(&need, &context),
        timeline,
        photos,
        review,
    })
}

async fn review(app: &Context, actor: &Actor, need: &NeedRecord) -> Result<NeedReview, ApiError> {
    let open_objections = objection_store::count_open(&app.db, need.id, None).await?;
    let facts = facts(need, 0);
    let now = app.clock.now();
    let allowed_actions = [
        NeedAction::Edit,
        NeedAction::Submit,
        NeedAction::Verify,
        NeedAction::Reject,
        NeedAction::Withdraw,
        NeedAction::Close,
        NeedAction::TakeDown,
    ]
    .into_iter()
    .filter(|a| decide(&facts, *a, Who::User(actor), &rules(app), now).is_ok())
    .map(|a| a.as_str().to_owned())
    .collect();
    Ok(NeedReview {
        household_id: need.household_id,
        requires_second_verification: need.requires_second_verification,
        verified_at: need.verified_at,
        second_verified_at: need.second_verified_at,
        rejection_reason: need.rejection_reason.clone(),
        takedown_reason: need.takedown_reason.clone(),
        open_objections,
        allowed_actions,
    })
}

/// Page `paging` of `total` needs, `rows`, in their public form.
async fn page_of(
    app: &Context,
    rows: Vec<NeedRecord>,
    total: u64,
    paging: Paging,
) -> Result<NeedPage, ApiError> {
    let context = PublicContext::load(&app.db, &rows).await?;
    let items = rows.iter().map(|n| public_need(n, &context)).collect();
    Ok(NeedPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
}

/// The `region` parameter of a list, if given.
fn region_param(raw: Option<&str>) -> Result<Option<RegionCode>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let code = RegionCode::parse(raw).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidRegionCode,
            format!("region: `{raw}` is not a region code (2, 4, 6, 9 or 12 digits)"),
        )
    })?;
    Ok(Some(code))
}

/// Needs in their public notice period (公示), and those whose notice an objection paused:
/// soonest to end first.
pub async fn notices(
    app: &Context,
    region: Option<&str>,
    paging: Paging,
) -> Result<NeedPage, ApiError> {
    let region = region_param(region)?;
    let (rows, total) =
        need_store::notices(&app.db, region.as_ref(), paging.page, paging.per_page).await?;
    page_of(app, rows, total, paging).await
}

/// The needs of the caller's villages (cadres) or towns and counties (verifiers), in any
/// status: their worklist. `status` narrows it, e.g. to `submitted` for a review queue.
pub async fn worklist(
    app: &Context,
    actor: &Actor,
    params: WorklistParams<'_>,
    paging: Paging,
) -> Result<WorklistPage, ApiError> {
    // A cadre's needs in any status; a verifier's once submitted.
    let recorded = reach(actor, Action::RecordNeed);
    let verified = reach(actor, Action::VerifyNeed);
    if recorded == Reach::Nowhere && verified == Reach::Nowhere {
        return Err(ApiError::forbidden());
    }
    let statuses = list_params::several(
        "status",
        params.status,
        NeedStatus::parse,
        NeedStatus::codes,
    )?;
    let categories = list_params::several(
        "category",
        params.category,
        Category::parse,
        Category::codes,
    )?;
    let sort = list_params::one(
        "sort",
        params.sort,
        WorklistSort::parse,
        WorklistSort::codes,
    )?
    .unwrap_or(WorklistSort::UpdatedDesc);
    let words = list_params::words(params.q)?;
    let region = region_param(params.region)?;
    let list = need_store::Worklist {
        recorded: &recorded,
        verified: &verified,
        statuses: &statuses,
        categories: &categories,
        region: region.as_ref(),
        household: params.household,
        words: words.as_deref(),
        sort,
    };
    let (rows, total) = need_store::worklist(&app.db, &list, paging.page, paging.per_page).await?;
    let context = PublicContext::load(&app.db, &rows).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(WorkItem {
            need: public_need(row, &context),
            review: review(app, actor, row).await?,
        });
    }
    Ok(WorklistPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
}

/// Ids of needs whose notice period has ended by `now`, oldest first.
pub(crate) async fn due_for_publication(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, ApiError> {
    Ok(need_store::due_for_publication(db, now, limit).await?)
}

/// Ids of needs still open whose deadline has passed by `now`, oldest first; help already
/// pledged is awaited first (see `decide`).
pub(crate) async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, ApiError> {
    Ok(need_store::due_for_expiry(db, now, limit).await?)
}

/// Moves need `id` by a time-driven `action` (end of notice, expiry), if it is still due: the
/// scheduler calls this, possibly on several nodes at once, and only one of them moves it.
/// Returns whether this call moved it.
pub async fn advance_by_time(app: &Context, id: i64, action: NeedAction) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let Some(need) = lock(&txn, id).await? else {
        return Ok(false);
    };
    let change = match decide(&facts(&need, 0), action, Who::Platform, &rules(app), now) {
        Ok(change) => change,
        // Moved already, by another node or an earlier tick.
        Err(_) => return Ok(false),
    };
    match apply(
        &txn,
        &need,
        Move {
            action,
            who: Who::Platform,
            change,
            extra: Extra::default(),
        },
        &Origin::platform(),
        now,
    )
    .await
    {
        Ok(_) => {
            txn.commit().await?;
            Ok(true)
        }
        Err(e) if e.code == ErrorCode::Conflict => Ok(false),
        Err(e) => Err(e),
    }
}
