//! Pairings (结对) and what their people see: the list anyone may read, their set-up by
//! administrators and management by their coordinators (period, status, regions, member
//! organisations), the coordination board of a pairing (its figures, the unpledged gaps, each
//! member's pledges and deliveries, the overdue pledges), invitations of a member to a need,
//! and an organisation's own dashboard (its paired villages and their open needs).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Target, authorize};
use crate::domain::need::NeedStatus;
use crate::domain::offer::PublicOffer;
use crate::domain::organisation::OrganisationKind;
use crate::domain::pairing::{PairingShape, PairingStatus, Program, check_shape, in_force};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::needs::projection::{PublicContext, PublicNeed, public_need};
use crate::service::offers::{self, matching::NeedSuggestion};
use crate::service::paging::Paging;
use crate::store::audit::{self, Origin};
use crate::store::consumption::{self, PurchaseLine, Purchases};
use crate::store::organisations as organisation_store;
use crate::store::outbox::{self, Message};
use crate::store::pairings::{
    self as pairing_store, InvitationRecord, NewInvitationRow, NewPairingRow, PairingChanges,
    PairingRecord,
};
use crate::store::regions as region_store;
use crate::store::stats::{self, Figures, OverduePledge, Scope};
use crate::validation::{Text, request_body};

/// The users who act for an organisation (its administrators and members).
pub use crate::store::organisations::people as people_of;

/// Open needs shown on a board or a dashboard, most urgent first.
const GAPS_SHOWN: u64 = 100;

/// A region named in a pairing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
    pub level: String,
}

/// An organisation named in a pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
}

/// A pairing as anyone may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairingView {
    pub id: i64,
    #[schema(value_type = String, example = "duikou")]
    pub program: Program,
    /// e.g. `对口帮扶`
    pub program_label: String,
    pub name: String,
    pub helper_organisation: Option<OrganisationRef>,
    pub helper_region: Option<RegionRef>,
    /// The regions it helps.
    pub targets: Vec<RegionRef>,
    /// Organisations that help through it besides its helping side.
    pub members: Vec<OrganisationRef>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// `active` or `ended`.
    pub status: PairingStatus,
    /// Active and within its period today.
    pub in_force: bool,
}

impl PairingView {
    /// The organisations that help through it: its helping side and its members, once each.
    pub fn organisation_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .helper_organisation
            .iter()
            .chain(&self.members)
            .map(|o| o.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

request_body! {
    /// A new pairing (administrators). Its shape must fit its programme: who helps, and the
    /// level of the regions helped (`targets`): villages (万企帮万村), cities or counties
    /// (对口帮扶), villages or counties (定点扶贫).
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct NewPairing {
        /// `wanqi`, `duikou` or `dingdian`.
        #[rule(one_of(Program))]
        pub program: String,
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 100))]
        pub name: Text,
        pub helper_organisation_id: Option<i64>,
        /// The helping city of a 对口帮扶 pairing (4 digits).
        #[rule(region_code)]
        pub helper_region_code: Option<String>,
        /// The regions helped: villages (万企帮万村), cities or counties (对口帮扶), villages or
        /// counties (定点扶贫).
        #[rule(region_codes(min = 1, max = crate::domain::pairing::MAX_TARGETS))]
        pub targets: Vec<String>,
        pub starts_on: NaiveDate,
        pub ends_on: Option<NaiveDate>,
    }
}

request_body! {
    /// Changes to a pairing (its coordinators, administrators); fields left out stay, and
    /// `targets` replaces the regions helped.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct PairingChange {
        #[schema(value_type = Option<String>)]
        #[rule(length(min = 2, max = 100))]
        pub name: Option<Text>,
        /// `null` clears it (no end date).
        #[serde(default, deserialize_with = "present")]
        #[schema(value_type = Option<NaiveDate>)]
        pub ends_on: Option<Option<NaiveDate>>,
        /// `active` or `ended`.
        #[rule(one_of(PairingStatus))]
        pub status: Option<String>,
        /// The regions helped, replacing the present ones.
        #[rule(region_codes(min = 1, max = crate::domain::pairing::MAX_TARGETS))]
        pub targets: Option<Vec<String>>,
    }
}

/// A field that may be given as `null`: `Some(None)`, where leaving it out is `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Region codes, each valid by the `region_codes` rule, sorted and without repeats.
fn parse_codes(codes: &[String]) -> Result<Vec<RegionCode>, ApiError> {
    let mut parsed = Vec::with_capacity(codes.len());
    for code in codes {
        parsed.push(RegionCode::parse(code.trim()).map_err(ApiError::internal)?);
    }
    parsed.sort();
    parsed.dedup();
    Ok(parsed)
}

fn shape_errors(errors: Vec<crate::domain::pairing::ShapeError>) -> ApiError {
    let fields: FieldErrors = errors.into_iter().map(|e| (e.field, e.into())).collect();
    ApiError::validation(fields)
}

async fn known_regions(
    db: &impl ConnectionTrait,
    field: &str,
    codes: &[RegionCode],
) -> Result<(), ApiError> {
    let found: BTreeSet<String> = region_store::find_many(db, codes)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let missing: Vec<&str> = codes
        .iter()
        .map(RegionCode::as_str)
        .filter(|c| !found.contains(*c))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            FieldError::not_found_reference()
                .because(format!("no such region: {}", missing.join(", "))),
        ))
    }
}

/// The views of `pairings`, with their regions' names and organisations, in two queries.
async fn views(
    db: &impl ConnectionTrait,
    pairings: Vec<PairingRecord>,
    today: NaiveDate,
) -> Result<Vec<PairingView>, ApiError> {
    let mut codes: Vec<RegionCode> = pairings
        .iter()
        .flat_map(|p| p.targets.iter().chain(&p.helper_region))
        .cloned()
        .collect();
    codes.sort();
    codes.dedup();
    let regions: BTreeMap<String, RegionRef> = region_store::find_many(db, &codes)
        .await?
        .into_iter()
        .map(|r| {
            let level = RegionCode::parse(&r.code)
                .map(|c| c.level().as_str())
                .unwrap_or("");
            (
                r.code.clone(),
                RegionRef {
                    code: r.code,
                    name: r.name,
                    level: level.to_owned(),
                },
            )
        })
        .collect();
    let org_ids: BTreeSet<i64> = pairings
        .iter()
        .flat_map(|p| p.members.iter().copied().chain(p.helper_organisation_id))
        .collect();
    let orgs: BTreeMap<i64, OrganisationRef> = organisation_store::find_many(db, org_ids)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id,
                OrganisationRef {
                    id: o.id,
                    name: o.name,
                    kind: o.kind,
                },
            )
        })
        .collect();
    let region = |code: &RegionCode| {
        regions.get(code.as_str()).cloned().unwrap_or(RegionRef {
            code: code.as_str().to_owned(),
            name: String::new(),
            level: String::new(),
        })
    };
    Ok(pairings
        .into_iter()
        .map(|p| PairingView {
            id: p.id,
            program: p.program,
            program_label: p.program.label_zh().to_owned(),
            helper_organisation: p
                .helper_organisation_id
                .and_then(|id| orgs.get(&id).cloned()),
            helper_region: p.helper_region.as_ref().map(region),
            targets: p.targets.iter().map(region).collect(),
            members: p
                .members
                .iter()
                .filter_map(|id| orgs.get(id).cloned())
                .collect(),
            in_force: in_force(p.status, p.starts_on, p.ends_on, today),
            name: p.name,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            status: p.status,
        })
        .collect())
}

fn beijing_today(now: DateTime<Utc>) -> NaiveDate {
    crate::clock::in_beijing(now).date_naive()
}

/// One page of the pairings, optionally of one programme or helping somewhere in `region`, and
/// how many there are.
pub async fn list(
    app: &Context,
    program: Option<&str>,
    region: Option<&str>,
    paging: Paging,
) -> Result<(Vec<PairingView>, u64), ApiError> {
    let program = program
        .map(|program| {
            Program::parse(program).ok_or_else(|| {
                ApiError::field(
                    "program",
                    FieldError::one_of(Program::ALL.iter().map(|p| p.as_str())),
                )
            })
        })
        .transpose()?;
    let region = region
        .map(|region| RegionCode::parse(region).map_err(|e| ApiError::field("region", e.into())))
        .transpose()?;
    let (pairings, total) = pairing_store::page(
        &app.db,
        program,
        region.as_ref(),
        paging.page,
        paging.per_page,
    )
    .await?;
    let views = views(&app.db, pairings, beijing_today(app.clock.now())).await?;
    Ok((views, total))
}

async fn row(db: &impl ConnectionTrait, id: i64) -> Result<PairingRecord, ApiError> {
    pairing_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pairing"))
}

pub async fn show(app: &Context, id: i64) -> Result<PairingView, ApiError> {
    let pairing = row(&app.db, id).await?;
    one_view(&app.db, pairing, app.clock.now()).await
}

async fn one_view(
    db: &impl ConnectionTrait,
    pairing: PairingRecord,
    now: DateTime<Utc>,
) -> Result<PairingView, ApiError> {
    views(db, vec![pairing], beijing_today(now))
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a pairing without its view"))
}

/// The regions a pairing helps.
pub async fn targets_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<RegionCode>, ApiError> {
    Ok(pairing_store::targets(db, id).await?)
}

async fn helper_kind(
    db: &impl ConnectionTrait,
    org_id: Option<i64>,
) -> Result<Option<OrganisationKind>, ApiError> {
    match org_id {
        None => Ok(None),
        Some(id) => Ok(Some(
            organisation_store::find(db, id)
                .await?
                .filter(|o| o.verified_at.is_some())
                .ok_or_else(|| {
                    ApiError::field(
                        "helper_organisation_id",
                        FieldError::not_found_reference().because("is not a verified organisation"),
                    )
                })?
                .kind,
        )),
    }
}

/// Sets up a pairing (administrators).
pub async fn create(
    app: &Context,
    actor: &Actor,
    new: NewPairing,
    origin: &Origin,
) -> Result<PairingView, ApiError> {
    authorize(actor, Action::CreatePairing, Target::Platform).map_err(|_| ApiError::forbidden())?;
    new.validate()?;
    // Each parses, by its rule.
    let program = Program::parse(&new.program)
        .ok_or_else(|| ApiError::internal("a programme past its rule does not parse"))?;
    let name = new.name.trimmed().to_owned();
    let targets = parse_codes(&new.targets)?;
    let helper_region = new
        .helper_region_code
        .as_deref()
        .map(RegionCode::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let kind = helper_kind(&app.db, new.helper_organisation_id).await?;
    check_shape(&PairingShape {
        program,
        helper_organisation_kind: kind,
        helper_region: helper_region.as_ref(),
        targets: &targets,
        starts_on: new.starts_on,
        ends_on: new.ends_on,
    })
    .map_err(shape_errors)?;
    known_regions(&app.db, "targets", &targets).await?;
    if let Some(helper) = &helper_region {
        known_regions(&app.db, "helper_region_code", std::slice::from_ref(helper)).await?;
    }
    let txn = crate::store::begin_write(&app.db).await?;
    let id = pairing_store::insert(
        &txn,
        &NewPairingRow {
            program,
            name: &name,
            helper_organisation_id: new.helper_organisation_id,
            helper_region: helper_region.as_ref(),
            targets: &targets,
            starts_on: new.starts_on,
            ends_on: new.ends_on,
            created_by: actor.user_id,
            at: app.clock.now(),
        },
    )
    .await?;
    audit::record(&txn, origin, "pairing.create", "pairing", id, None, None).await?;
    let view = one_view(&txn, row(&txn, id).await?, app.clock.now()).await?;
    txn.commit().await?;
    Ok(view)
}

/// Changes a pairing's name, period end, status or regions (its coordinators, administrators).
pub async fn update(
    app: &Context,
    actor: &Actor,
    id: i64,
    change: PairingChange,
    origin: &Origin,
) -> Result<PairingView, ApiError> {
    let pairing = row(&app.db, id).await?;
    authorize(actor, Action::ManagePairing, Target::Pairing(id))
        .map_err(|_| ApiError::forbidden())?;
    // The regions a pairing helps are what its coordinators' reach is made of: they are the
    // administrators' to change, not the coordinators'.
    if change.targets.is_some() {
        authorize(actor, Action::CreatePairing, Target::Platform).map_err(|_| {
            ApiError::new(
                ErrorCode::Forbidden,
                "only an administrator changes the regions a pairing helps",
            )
        })?;
    }
    let program = pairing.program;
    change.validate()?;
    // Each parses, by its rule.
    let status = change
        .status
        .as_deref()
        .map(|s| {
            PairingStatus::parse(s)
                .ok_or_else(|| ApiError::internal("a status past its rule does not parse"))
        })
        .transpose()?;
    let name = change.name.as_ref().map(|n| n.trimmed().to_owned());
    let targets = change.targets.as_deref().map(parse_codes).transpose()?;
    let kind = helper_kind(&app.db, pairing.helper_organisation_id)
        .await
        .ok()
        .flatten();
    let ends_on = change.ends_on.unwrap_or(pairing.ends_on);
    check_shape(&PairingShape {
        program,
        helper_organisation_kind: kind,
        helper_region: pairing.helper_region.as_ref(),
        targets: targets.as_deref().unwrap_or(&pairing.targets),
        starts_on: pairing.starts_on,
        ends_on,
    })
    .map_err(shape_errors)?;
    if let Some(targets) = &targets {
        known_regions(&app.db, "targets", targets).await?;
    }
    let txn = crate::store::begin_write(&app.db).await?;
    pairing_store::update(
        &txn,
        id,
        &PairingChanges {
            name,
            status,
            ends_on,
            targets,
            at: app.clock.now(),
        },
    )
    .await?;
    audit::record(&txn, origin, "pairing.update", "pairing", id, None, None).await?;
    let view = one_view(&txn, row(&txn, id).await?, app.clock.now()).await?;
    txn.commit().await?;
    Ok(view)
}

/// Adds a verified organisation to those helping through the pairing.
pub async fn add_member(
    app: &Context,
    actor: &Actor,
    id: i64,
    organisation_id: i64,
    origin: &Origin,
) -> Result<PairingView, ApiError> {
    row(&app.db, id).await?;
    authorize(actor, Action::ManagePairing, Target::Pairing(id))
        .map_err(|_| ApiError::forbidden())?;
    organisation_store::find(&app.db, organisation_id)
        .await?
        .filter(|o| o.verified_at.is_some())
        .ok_or_else(|| {
            ApiError::field(
                "organisation_id",
                FieldError::not_found_reference().because("is not a verified organisation"),
            )
        })?;
    let txn = crate::store::begin_write(&app.db).await?;
    let added =
        pairing_store::add_member(&txn, id, organisation_id, actor.user_id, app.clock.now())
            .await?;
    if !added {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the organisation is a member already",
        ));
    }
    audit::record(
        &txn,
        origin,
        "pairing.add_member",
        "pairing",
        id,
        None,
        Some(serde_json::json!({ "organisation_id": organisation_id })),
    )
    .await?;
    let view = one_view(&txn, row(&txn, id).await?, app.clock.now()).await?;
    txn.commit().await?;
    Ok(view)
}

/// Removes an organisation from those helping through the pairing.
pub async fn remove_member(
    app: &Context,
    actor: &Actor,
    id: i64,
    organisation_id: i64,
    origin: &Origin,
) -> Result<(), ApiError> {
    row(&app.db, id).await?;
    authorize(actor, Action::ManagePairing, Target::Pairing(id))
        .map_err(|_| ApiError::forbidden())?;
    let txn = crate::store::begin_write(&app.db).await?;
    if !pairing_store::remove_member(&txn, id, organisation_id).await? {
        return Err(ApiError::not_found("member"));
    }
    audit::record(
        &txn,
        origin,
        "pairing.remove_member",
        "pairing",
        id,
        None,
        Some(serde_json::json!({ "organisation_id": organisation_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What one member organisation did in the pairing's regions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MemberFigures {
    pub organisation: OrganisationRef,
    pub pledges: i64,
    pub pledged_value_fen: i64,
    pub delivered_value_fen: i64,
    pub overdue: i64,
    /// Its 消费帮扶 purchases of products from the pairing's regions.
    pub purchases: Purchases,
}

/// An invitation of a member to a need.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: i64,
    pub need_id: i64,
    pub organisation_id: i64,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<InvitationRecord> for InvitationView {
    fn from(i: InvitationRecord) -> Self {
        Self {
            id: i.id,
            need_id: i.need_id,
            organisation_id: i.organisation_id,
            message: i.message,
            created_at: i.created_at,
        }
    }
}

/// A pairing's coordination board.
#[derive(Debug, Serialize, ToSchema)]
pub struct Board {
    pub pairing: PairingView,
    pub figures: Figures,
    /// Open needs in its regions (published, something left), most urgent and nearest
    /// deadline first; at most 100.
    pub gaps: Vec<PublicNeed>,
    /// Open needs in all, and what they still lack (fen).
    pub gaps_total: i64,
    pub gaps_value_fen: i64,
    /// Each member (and the helping organisation), with its pledges in the pairing's regions.
    pub members: Vec<MemberFigures>,
    pub overdue: Vec<OverduePledge>,
    pub invitations: Vec<InvitationView>,
    /// The members' (and the helping organisation's) public offers, newest first, each with
    /// how much of it was matched (`matched`, in its unit); at most 100.
    pub offers: Vec<PublicOffer>,
    /// 消费帮扶: the members' purchases of products from its regions, newest first (at most
    /// 100; no delivery data).
    pub purchases: Vec<PurchaseLine>,
}

/// The open needs of a scope, most urgent first: up to [`GAPS_SHOWN`], with how many and how
/// much in all.
async fn gaps(
    db: &impl ConnectionTrait,
    targets: &[RegionCode],
) -> Result<(Vec<PublicNeed>, i64, i64), ApiError> {
    let open = pairing_store::open_needs(db, targets, GAPS_SHOWN).await?;
    let context = PublicContext::load(db, &open.shown).await?;
    let gaps = open
        .shown
        .iter()
        .map(|n| public_need(n, &context))
        .collect();
    Ok((gaps, open.total, open.value_fen))
}

/// The coordination board of a pairing (its coordinators, administrators).
pub async fn board(app: &Context, actor: &Actor, id: i64) -> Result<Board, ApiError> {
    let pairing = row(&app.db, id).await?;
    authorize(actor, Action::ViewCoordinationBoard, Target::Pairing(id))
        .map_err(|_| ApiError::forbidden())?;
    let now = app.clock.now();
    let targets = pairing.targets.clone();
    let view = one_view(&app.db, pairing, now).await?;
    let mut organisations: Vec<OrganisationRef> =
        view.helper_organisation.iter().cloned().collect();
    organisations.extend(view.members.iter().cloned());
    let mut seen = BTreeSet::new();
    organisations.retain(|o| seen.insert(o.id));
    let scope = Scope::Pairing {
        targets: targets.clone(),
        members: view.organisation_ids(),
    };
    let figures = stats::figures(&app.db, &scope, now).await?;
    let (gaps, gaps_total, gaps_value_fen) = gaps(&app.db, &targets).await?;
    let members = member_figures(&app.db, &scope, &organisations, now).await?;
    let purchases = consumption::recent(&app.db, &scope, GAPS_SHOWN).await?;
    let overdue = stats::overdue(&app.db, &scope, now).await?;
    let invitations = pairing_store::invitations(&app.db, id, 50)
        .await?
        .into_iter()
        .map(InvitationView::from)
        .collect();
    let mut offers = Vec::new();
    for organisation in &organisations {
        let (newest, _) =
            offers::of_organisation(app, organisation.id, Paging::first(GAPS_SHOWN)).await?;
        offers.extend(newest);
    }
    offers.sort_by_key(|o| std::cmp::Reverse(o.id));
    offers.truncate(GAPS_SHOWN as usize);
    Ok(Board {
        purchases,
        offers,
        pairing: view,
        figures,
        gaps,
        gaps_total,
        gaps_value_fen,
        members,
        overdue,
        invitations,
    })
}

/// Each organisation's pledges in the scope (the store's grouped query), with the
/// organisation's reference.
async fn member_figures(
    db: &impl ConnectionTrait,
    scope: &Scope,
    organisations: &[OrganisationRef],
    now: DateTime<Utc>,
) -> Result<Vec<MemberFigures>, ApiError> {
    let ids: Vec<i64> = organisations.iter().map(|o| o.id).collect();
    let totals = stats::member_totals(db, scope, &ids, now).await?;
    let mut purchases = match scope {
        Scope::Pairing { targets, .. } => {
            consumption::purchases_by_member(db, targets, &ids).await?
        }
        _ => BTreeMap::new(),
    };
    Ok(organisations
        .iter()
        .map(|o| {
            let t = totals.get(&o.id).copied().unwrap_or_default();
            MemberFigures {
                organisation: o.clone(),
                pledges: t.pledges,
                pledged_value_fen: t.pledged_value_fen,
                delivered_value_fen: t.delivered_value_fen,
                overdue: t.overdue,
                purchases: purchases.remove(&o.id).unwrap_or_default(),
            }
        })
        .collect())
}

request_body! {
    /// An invitation to a need, as asked for.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct NewInvitation {
        pub need_id: i64,
        pub organisation_id: i64,
        /// A word from the coordinator, sent with the invitation.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 500))]
        pub message: Option<Text>,
    }
}

/// Invites a member organisation of the pairing to pledge toward an open need in its regions;
/// the organisation's people are mailed. Once per need and organisation.
pub async fn invite(
    app: &Context,
    actor: &Actor,
    pairing_id: i64,
    new: NewInvitation,
    origin: &Origin,
) -> Result<InvitationView, ApiError> {
    let pairing = row(&app.db, pairing_id).await?;
    let need = crate::store::needs::find(&app.db, new.need_id)
        .await?
        .filter(|n| n.is_public())
        .ok_or_else(|| {
            ApiError::field(
                "need_id",
                FieldError::not_found_reference().because("is not a public need"),
            )
        })?;
    let village = &need.village;
    if !pairing.targets.iter().any(|t| t.contains(village)) {
        return Err(ApiError::field(
            "need_id",
            FieldError::not_found_reference().because("is not in the pairing's regions"),
        ));
    }
    // A coordinator invites in the name of their own pairing, to a need in its regions.
    authorize(
        actor,
        Action::ViewCoordinationBoard,
        Target::Pairing(pairing_id),
    )
    .and_then(|()| authorize(actor, Action::InviteToNeed, Target::Region(village)))
    .map_err(|_| ApiError::forbidden())?;
    let status = pairing.status;
    if !in_force(
        status,
        pairing.starts_on,
        pairing.ends_on,
        beijing_today(app.clock.now()),
    ) {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "the pairing is not in force: it takes no invitations",
        ));
    }
    if need.status != NeedStatus::Published || need.pledged_quantity >= need.target_quantity {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "only a published need with something left to pledge takes invitations",
        ));
    }
    let is_member = pairing.helper_organisation_id == Some(new.organisation_id)
        || pairing.members.contains(&new.organisation_id);
    if !is_member {
        return Err(ApiError::field(
            "organisation_id",
            FieldError::not_found_reference().because("is not a member of the pairing"),
        ));
    }
    new.validate()?;
    let message = new
        .message
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_owned);
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let inserted = pairing_store::insert_invitation(
        &txn,
        &NewInvitationRow {
            pairing_id,
            need_id: need.id,
            organisation_id: new.organisation_id,
            invited_by: actor.user_id,
            message: message.as_deref(),
            at: now,
        },
    )
    .await?;
    let Some(invitation) = inserted else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "the organisation was invited to this need already",
        ));
    };
    audit::record(
        &txn,
        origin,
        "pairing.invite",
        "need",
        need.id,
        Some(village.as_str()),
        Some(
            serde_json::json!({ "organisation_id": new.organisation_id, "pairing_id": pairing_id }),
        ),
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailNeedInvitation {
            invitation_id: invitation.id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(InvitationView::from(invitation))
}

/// An organisation's own view: its pairings, the villages and regions they help and the open
/// needs there, and its figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub organisation: OrganisationRef,
    /// Pairings it helps through (as the helping side or a member).
    pub pairings: Vec<PairingView>,
    /// Open needs in the regions those pairings help, most urgent first (at most 100).
    pub open_needs: Vec<PublicNeed>,
    pub open_needs_total: i64,
    pub open_needs_value_fen: i64,
    /// Its pledges and what they delivered.
    pub figures: Figures,
    /// Its offers, drafts included, newest first (at most 100; `/me/offers?org=` pages them
    /// all).
    pub offers: Vec<PublicOffer>,
    /// 为您推荐: published needs its live offers could fill, best first (at most 20).
    pub needs_for_you: Vec<NeedSuggestion>,
    /// 消费帮扶: its purchases of villages' products, newest first (at most 100; the figures'
    /// `consumption` counts the certified ones).
    pub purchases: Vec<PurchaseLine>,
}

/// The dashboard of an organisation (its people, administrators).
pub async fn dashboard(app: &Context, actor: &Actor, org_id: i64) -> Result<Dashboard, ApiError> {
    let org = organisation_store::find(&app.db, org_id)
        .await?
        .ok_or_else(|| ApiError::not_found("organisation"))?;
    authorize(
        actor,
        Action::ViewOrganisationLedger,
        Target::Organisation(org_id),
    )
    .map_err(|_| ApiError::not_found("organisation"))?;
    let pairings = pairing_store::of_organisation(&app.db, org_id).await?;
    let now = app.clock.now();
    let pairings = views(&app.db, pairings, beijing_today(now)).await?;
    let mut regions: Vec<RegionCode> = pairings
        .iter()
        .filter(|p| p.in_force)
        .flat_map(|p| p.targets.iter())
        .filter_map(|t| RegionCode::parse(&t.code).ok())
        .collect();
    regions.sort();
    regions.dedup();
    let (open_needs, open_needs_total, open_needs_value_fen) = gaps(&app.db, &regions).await?;
    let figures = stats::figures(&app.db, &Scope::Organisation(org_id), now).await?;
    // Its people see its drafts too; an administrator, what the public sees.
    let own = if crate::domain::offer::may_manage_offer(
        actor,
        crate::domain::offer::Offerer::Organisation(org_id),
    ) {
        let filter = offers::ListFilter {
            organisation_id: Some(org_id),
            status: None,
        };
        offers::mine(app, actor, &filter, Paging::first(GAPS_SHOWN)).await?
    } else {
        offers::of_organisation(app, org_id, Paging::first(GAPS_SHOWN)).await?
    }
    .0;
    let needs_for_you = offers::matching::needs_for_organisation(app, actor, org_id).await?;
    let purchases = consumption::recent(&app.db, &Scope::Organisation(org_id), GAPS_SHOWN).await?;
    Ok(Dashboard {
        purchases,
        offers: own,
        needs_for_you,
        organisation: OrganisationRef {
            id: org.id,
            name: org.name,
            kind: org.kind,
        },
        pairings,
        open_needs,
        open_needs_total,
        open_needs_value_fen,
        figures,
    })
}
