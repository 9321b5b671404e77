//! Offers of help (帮扶资源、帮扶意愿): what an organisation, or a person, says once it can give —
//! factory jobs, desks, a budget for school repairs, a standing order for a village's honey —
//! so that the platform brings it the needs that fit (seed 000, item 12: the other side of
//! 对接). Pure rules: the offer's life, what it may fill, and who may act on it.
//!
//! ```text
//! draft ─publish─► published ─pause─► paused ─resume─► published
//!                     │  ▲                │
//!   (nothing left) ───┘  └─(a pledge made from it is released)── exhausted
//!                     │                   │
//!                     └─(valid_until)─► expired ◄──┘
//! withdraw: draft, published, paused or exhausted.
//! ```
//!
//! An offer's quantity is counted in its unit: positions for jobs, fen for money and
//! purchasing budgets, items, sets or kilograms for goods, person-times for services. What a
//! pledge made from an offer takes from it is [`offer_cost`]; like a need's pledged total, the
//! offer's remaining quantity is held by one guarded update in the database, never below zero.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::authz::{Action, Actor, Target};
use super::need::{Category, Unit};
use super::region::RegionCode;

code_enum! {
    /// What an offer gives. It decides the units the offer may be counted in.
    pub enum OfferKind {
        Goods = ("goods", "物资"),
        Money = ("money", "资金"),
        Jobs = ("jobs", "就业岗位"),
        Services = ("services", "服务"),
        /// 消费帮扶: buying a village's produce, with a budget in fen.
        Purchasing = ("purchasing", "消费采购"),
    }
}

code_enum! {
    pub enum OfferStatus {
        /// Being written; seen by its offerer only.
        Draft = ("draft", "草稿"),
        /// Public, matched with needs, open to requests.
        Published = ("published", "发布中"),
        /// Taken out of matching for a while by its offerer.
        Paused = ("paused", "已暂停"),
        /// Everything offered was pledged.
        Exhausted = ("exhausted", "已用完"),
        /// Its `valid_until` passed.
        Expired = ("expired", "已过期"),
        /// Taken back by its offerer.
        Withdrawn = ("withdrawn", "已撤回"),
    }
}

code_enum! {
    /// Where an offer may go.
    pub enum Destination {
        /// The regions the offering organisation's pairings help (the default).
        Pairings = ("pairings", "结对帮扶地区"),
        /// Regions the offerer names, at any level.
        Regions = ("regions", "指定地区"),
        Anywhere = ("anywhere", "不限地区"),
    }
}

code_enum! {
    /// Something that happened to an offer, as its timeline tells it.
    pub enum OfferEventKind {
        Created = ("created", "创建帮扶资源"),
        Edited = ("edited", "修改"),
        Published = ("published", "发布"),
        Paused = ("paused", "暂停"),
        Resumed = ("resumed", "恢复发布"),
        Exhausted = ("exhausted", "已全部对接"),
        Replenished = ("replenished", "有认捐释放，重新开放"),
        Expired = ("expired", "已过有效期"),
        Withdrawn = ("withdrawn", "撤回"),
        Requested = ("requested", "村里申请对接"),
        RequestAccepted = ("request_accepted", "接受申请，转为认捐"),
        RequestDeclined = ("request_declined", "婉拒申请"),
        Applied = ("applied", "直接用于需求，转为认捐"),
        PledgeReleased = ("pledge_released", "认捐取消或逾期，数量退回"),
    }
}

code_enum! {
    /// Where a village's request for an offer stands.
    pub enum RequestStatus {
        /// Waiting for the offering side's answer.
        Pending = ("pending", "待答复"),
        /// Accepted: it became a pledge.
        Accepted = ("accepted", "已接受"),
        Declined = ("declined", "已婉拒"),
        /// Not answered in time, or the offer or the need moved on.
        Expired = ("expired", "已过期"),
        /// Taken back by the village.
        Withdrawn = ("withdrawn", "已撤回"),
    }
}

impl OfferKind {
    /// The units an offer of this kind may be counted in.
    pub fn units(self) -> &'static [Unit] {
        match self {
            OfferKind::Goods => &[Unit::Item, Unit::Set, Unit::Kg],
            OfferKind::Money | OfferKind::Purchasing => &[Unit::Money],
            OfferKind::Jobs => &[Unit::Position],
            OfferKind::Services => &[Unit::PersonTime],
        }
    }

    /// Whether a person (not an organisation) may offer this: goods and money only.
    pub fn open_to_individuals(self) -> bool {
        matches!(self, OfferKind::Goods | OfferKind::Money)
    }

    /// The category an offer of this kind must have, if only one fits: purchasing is 消费帮扶.
    pub fn required_category(self) -> Option<Category> {
        (self == OfferKind::Purchasing).then_some(Category::Consumption)
    }
}

impl OfferStatus {
    /// Whether the public sees an offer in this status.
    pub fn is_public(self) -> bool {
        !matches!(self, OfferStatus::Draft | OfferStatus::Withdrawn)
    }
}

/// What a need must be for an offer to fill it: the same category, and a unit the offer can
/// be counted against (its own, or any for a purchasing budget, through the need's value per
/// unit).
pub fn fits(offer: (OfferKind, Category, Unit), need: (Category, Unit)) -> bool {
    let (kind, category, unit) = offer;
    let (need_category, need_unit) = need;
    category == need_category && (unit == need_unit || kind == OfferKind::Purchasing)
}

/// What pledging `quantity` of a need (in its unit) takes from an offer (in the offer's unit):
/// the same quantity in the same unit; for a purchasing budget, its value in fen. `None` when
/// the offer cannot be counted against the need, or the value does not fit in an `i64`.
pub fn offer_cost(
    offer_unit: Unit,
    need_unit: Unit,
    unit_value_fen: i64,
    quantity: i64,
) -> Option<i64> {
    if offer_unit == need_unit {
        Some(quantity)
    } else if offer_unit == Unit::Money {
        quantity.checked_mul(unit_value_fen)
    } else {
        None
    }
}

/// How much of a need (in its unit) an offer's `remaining` can pay for: the inverse of
/// [`offer_cost`], rounded down.
pub fn coverable(offer_unit: Unit, need_unit: Unit, unit_value_fen: i64, remaining: i64) -> i64 {
    if offer_unit == need_unit {
        remaining
    } else if offer_unit == Unit::Money && unit_value_fen > 0 {
        remaining / unit_value_fen
    } else {
        0
    }
}

/// Who offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offerer {
    /// A verified organisation: its admins and members act for it.
    Organisation(i64),
    /// A person, as themself.
    Person(i64),
}

/// Whether `actor` may edit, publish, pause and withdraw an offer, and answer requests for it.
pub fn may_manage_offer(actor: &Actor, offerer: Offerer) -> bool {
    match offerer {
        Offerer::Organisation(id) => actor.can(Action::ManageOffer, Target::Organisation(id)),
        Offerer::Person(user_id) => actor.user_id == user_id,
    }
}

/// What a job offer says of the work (all public: no one's private data).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobTerms {
    /// Where the work is (a city, an industrial park).
    pub place: Option<String>,
    /// Monthly pay, in fen.
    pub pay_min_fen: Option<i64>,
    pub pay_max_fen: Option<i64>,
    /// What the work needs (age, skills, health).
    pub requirements: Option<String>,
}

/// Why an offer's fields do not hang together, by the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub field: &'static str,
    pub rule: ShapeRule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeRule {
    /// The unit is not one the kind is counted in.
    UnitOfKind(&'static [Unit]),
    /// The category must be this one.
    Category(Category),
    /// Only organisations offer this kind.
    OrganisationsOnly,
    /// Required for this kind or destination.
    Required,
    /// Must not be given for this kind or destination.
    NotAllowed,
    /// Must be at least this (a pay range's top, its bottom).
    AtLeast(i64),
    /// Must be after today.
    InFuture,
}

/// The most regions an offer may name for [`Destination::Regions`].
pub const MAX_REGIONS: usize = 200;

/// What [`check_shape`] looks at.
#[derive(Debug, Clone)]
pub struct OfferShape<'a> {
    pub kind: OfferKind,
    pub category: Category,
    pub unit: Unit,
    pub offerer: Offerer,
    pub destination: Destination,
    pub regions: &'a [RegionCode],
    pub valid_until: NaiveDate,
    pub job: &'a JobTerms,
    pub deliver_by: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// Checks an offer's fields against each other: the unit its kind is counted in, the category a
/// purchasing budget must have, who may offer the kind, where it may go, its job terms.
pub fn check_shape(shape: &OfferShape<'_>) -> Result<(), Vec<ShapeError>> {
    let mut errors = Vec::new();
    let mut wrong = |field, rule| errors.push(ShapeError { field, rule });
    if !shape.kind.units().contains(&shape.unit) {
        wrong("unit", ShapeRule::UnitOfKind(shape.kind.units()));
    }
    if let Some(category) = shape.kind.required_category()
        && shape.category != category
    {
        wrong("category", ShapeRule::Category(category));
    }
    if let Offerer::Person(_) = shape.offerer {
        if !shape.kind.open_to_individuals() {
            wrong("kind", ShapeRule::OrganisationsOnly);
        }
        if shape.destination == Destination::Pairings {
            wrong("destination", ShapeRule::OrganisationsOnly);
        }
    }
    match (shape.destination, shape.regions.is_empty()) {
        (Destination::Regions, true) => wrong("regions", ShapeRule::Required),
        (Destination::Pairings | Destination::Anywhere, false) => {
            wrong("regions", ShapeRule::NotAllowed)
        }
        _ => {}
    }
    if shape.valid_until <= shape.today {
        wrong("valid_until", ShapeRule::InFuture);
    }
    let job = shape.job;
    if shape.kind == OfferKind::Jobs {
        if job.place.is_none() {
            wrong("job_place", ShapeRule::Required);
        }
        if job.pay_min_fen.is_none() {
            wrong("pay_min_fen", ShapeRule::Required);
        }
        if let (Some(min), Some(max)) = (job.pay_min_fen, job.pay_max_fen)
            && max < min
        {
            wrong("pay_max_fen", ShapeRule::AtLeast(min));
        }
    } else {
        for (field, given) in [
            ("job_place", job.place.is_some()),
            ("pay_min_fen", job.pay_min_fen.is_some()),
            ("pay_max_fen", job.pay_max_fen.is_some()),
            ("requirements", job.requirements.is_some()),
        ] {
            if given {
                wrong(field, ShapeRule::NotAllowed);
            }
        }
    }
    if let Some(deliver_by) = shape.deliver_by {
        if shape.kind != OfferKind::Goods {
            wrong("deliver_by", ShapeRule::NotAllowed);
        } else if deliver_by <= shape.today {
            wrong("deliver_by", ShapeRule::InFuture);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferAction {
    /// Change its fields (a draft, or a paused offer).
    Edit,
    Publish,
    Pause,
    Resume,
    Withdraw,
    /// The platform: nothing is left.
    Exhaust,
    /// The platform: a pledge made from it was released and something is left again.
    Replenish,
    /// The platform: its `valid_until` passed.
    Expire,
}

impl OfferAction {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferAction::Edit => "edit",
            OfferAction::Publish => "publish",
            OfferAction::Pause => "pause",
            OfferAction::Resume => "resume",
            OfferAction::Withdraw => "withdraw",
            OfferAction::Exhaust => "exhaust",
            OfferAction::Replenish => "replenish",
            OfferAction::Expire => "expire",
        }
    }

    /// The timeline's word for the move.
    pub fn event(self) -> OfferEventKind {
        match self {
            OfferAction::Edit => OfferEventKind::Edited,
            OfferAction::Publish => OfferEventKind::Published,
            OfferAction::Pause => OfferEventKind::Paused,
            OfferAction::Resume => OfferEventKind::Resumed,
            OfferAction::Withdraw => OfferEventKind::Withdrawn,
            OfferAction::Exhaust => OfferEventKind::Exhausted,
            OfferAction::Replenish => OfferEventKind::Replenished,
            OfferAction::Expire => OfferEventKind::Expired,
        }
    }
}

/// What [`decide_offer`] needs to know about an offer.
#[derive(Debug, Clone)]
pub struct OfferFacts {
    pub status: OfferStatus,
    pub offerer: Offerer,
    pub remaining: i64,
    /// The end of its last valid day.
    pub valid_until: DateTime<Utc>,
}

impl OfferFacts {
    /// Whether it takes requests and applications now: published, in date, something left.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status == OfferStatus::Published && now < self.valid_until && self.remaining > 0
    }
}

/// Who acts on an offer.
#[derive(Debug, Clone, Copy)]
pub enum OfferActor<'a> {
    User(&'a Actor),
    Platform,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferRefusal {
    #[error(
        "only the offering organisation's people, or the person who made the offer, can do this"
    )]
    NotOfferer,
    #[error("only the platform itself does this")]
    PlatformOnly,
    #[error("an offer that is {status} cannot be {}", past(*.action))]
    WrongStatus {
        status: OfferStatus,
        action: OfferAction,
    },
    #[error("the offer's valid_until has passed; set a later date first")]
    OutOfDate,
    #[error("nothing is left of the offer")]
    NothingLeft,
}

fn past(action: OfferAction) -> &'static str {
    match action {
        OfferAction::Edit => "edited (pause it first)",
        OfferAction::Publish => "published",
        OfferAction::Pause => "paused",
        OfferAction::Resume => "resumed",
        OfferAction::Withdraw => "withdrawn",
        OfferAction::Exhaust => "marked exhausted",
        OfferAction::Replenish => "reopened",
        OfferAction::Expire => "expired",
    }
}

/// Decides whether `who` may take `action` on the offer at `now`, and its next status.
pub fn decide_offer(
    facts: &OfferFacts,
    action: OfferAction,
    who: OfferActor<'_>,
    now: DateTime<Utc>,
) -> Result<OfferStatus, OfferRefusal> {
    use OfferAction as A;
    use OfferStatus as S;
    let by_platform = matches!(action, A::Exhaust | A::Replenish | A::Expire);
    match who {
        OfferActor::User(_) if by_platform => return Err(OfferRefusal::PlatformOnly),
        OfferActor::User(actor) if !may_manage_offer(actor, facts.offerer) => {
            return Err(OfferRefusal::NotOfferer);
        }
        OfferActor::Platform if !by_platform => return Err(OfferRefusal::NotOfferer),
        _ => {}
    }
    let wrong = || OfferRefusal::WrongStatus {
        status: facts.status,
        action,
    };
    let in_date = now < facts.valid_until;
    match (action, facts.status) {
        (A::Edit, S::Draft | S::Paused) => Ok(facts.status),
        (A::Publish, S::Draft) | (A::Resume, S::Paused) => {
            if !in_date {
                Err(OfferRefusal::OutOfDate)
            } else if facts.remaining <= 0 {
                Err(OfferRefusal::NothingLeft)
            } else {
                Ok(S::Published)
            }
        }
        (A::Pause, S::Published) => Ok(S::Paused),
        (A::Withdraw, S::Draft | S::Published | S::Paused | S::Exhausted) => Ok(S::Withdrawn),
        (A::Exhaust, S::Published | S::Paused) if facts.remaining <= 0 => Ok(S::Exhausted),
        (A::Replenish, S::Exhausted) if facts.remaining > 0 => {
            Ok(if in_date { S::Published } else { S::Expired })
        }
        (A::Expire, S::Published | S::Paused | S::Exhausted) if !in_date => Ok(S::Expired),
        _ => Err(wrong()),
    }
}

/// An offer's row, read once (by `store::offers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub id: i64,
    pub kind: OfferKind,
    pub category: Category,
    pub unit: Unit,
    pub title: String,
    pub description: String,
    pub quantity: i64,
    pub remaining: i64,
    pub offerer: Offerer,
    /// The person who created it (for an organisation's offer, one of its people).
    pub offered_by: i64,
    pub anonymous: bool,
    /// The name shown in public.
    pub display_name: String,
    pub destination: Destination,
    /// The regions it names, for [`Destination::Regions`].
    pub regions: Vec<RegionCode>,
    pub valid_until: DateTime<Utc>,
    pub job: JobTerms,
    pub deliver_by: Option<NaiveDate>,
    pub status: OfferStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OfferRecord {
    pub fn facts(&self) -> OfferFacts {
        OfferFacts {
            status: self.status,
            offerer: self.offerer,
            remaining: self.remaining,
            valid_until: self.valid_until,
        }
    }
}

/// A region of an offer's reach, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlacedRegion {
    pub code: String,
    pub name: String,
}

/// What the public may see of an offer: everything but who of an organisation's people wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicOffer {
    pub id: i64,
    pub kind: OfferKind,
    /// e.g. `就业岗位`
    pub kind_label: String,
    pub category: Category,
    pub category_label: String,
    pub title: String,
    pub description: String,
    pub unit: Unit,
    pub unit_label: String,
    /// In the unit (fen for money and purchasing).
    pub quantity: i64,
    pub remaining: i64,
    /// What was pledged from it so far.
    pub matched: i64,
    pub status: OfferStatus,
    /// The offering organisation, if any (a person's offer has none).
    pub organisation_id: Option<i64>,
    /// The organisation's name, the person's, or 爱心人士.
    pub offered_by_name: String,
    pub destination: Destination,
    /// Where it may go: the regions it names, or its pairings' regions, with their names;
    /// empty for anywhere.
    pub regions: Vec<PlacedRegion>,
    pub valid_until: DateTime<Utc>,
    pub job_place: Option<String>,
    pub pay_min_fen: Option<i64>,
    pub pay_max_fen: Option<i64>,
    pub requirements: Option<String>,
    pub deliver_by: Option<NaiveDate>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The public projection of an offer; `regions` is where it may go, named (the regions it names,
/// or its pairings' for [`Destination::Pairings`]).
pub fn public_offer(offer: &OfferRecord, regions: Vec<PlacedRegion>) -> PublicOffer {
    PublicOffer {
        id: offer.id,
        kind: offer.kind,
        kind_label: offer.kind.label_zh().to_owned(),
        category: offer.category,
        category_label: offer.category.label_zh().to_owned(),
        title: offer.title.clone(),
        description: offer.description.clone(),
        unit: offer.unit,
        unit_label: offer.unit.label_zh().to_owned(),
        quantity: offer.quantity,
        remaining: offer.remaining,
        matched: offer.quantity - offer.remaining,
        status: offer.status,
        organisation_id: match offer.offerer {
            Offerer::Organisation(id) => Some(id),
            Offerer::Person(_) => None,
        },
        offered_by_name: offer.display_name.clone(),
        destination: offer.destination,
        regions,
        valid_until: offer.valid_until,
        job_place: offer.job.place.clone(),
        pay_min_fen: offer.job.pay_min_fen,
        pay_max_fen: offer.job.pay_max_fen,
        requirements: offer.job.requirements.clone(),
        deliver_by: offer.deliver_by,
        published_at: offer.published_at,
        updated_at: offer.updated_at,
    }
}

/// The values an offer's search document holds for the region filter, so that one `AnyOf`
/// condition ([`region_filter_values`]) finds every offer that may go to a region or into it:
/// each reach region and its ancestors (found by a search for a region that holds a reach
/// region), `^` + each reach region (found by a search for a region inside it), and `*` for an
/// offer that goes anywhere.
pub fn reach_values(destination: Destination, reach: &[RegionCode]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    if destination == Destination::Anywhere {
        values.push("*".to_owned());
    }
    for region in reach {
        for code in region.lineage() {
            if !values.iter().any(|v| v == code.as_str()) {
                values.push(code.as_str().to_owned());
            }
        }
        values.push(format!("^{}", region.as_str()));
    }
    values
}

/// The values a search for offers that may go to or into `region` asks for (see
/// [`reach_values`]).
pub fn region_filter_values(region: &RegionCode) -> Vec<String> {
    let mut values = vec![region.as_str().to_owned(), "*".to_owned()];
    values.extend(region.lineage().iter().map(|r| format!("^{}", r.as_str())));
    values
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()
    }

    fn org_admin(org: i64) -> Actor {
        Actor {
            user_id: 7,
            grants: vec![Grant {
                role: Role::OrgAdmin,
                scope: Scope::Organisation(org),
            }],
        }
    }

    fn facts(status: OfferStatus, remaining: i64) -> OfferFacts {
        OfferFacts {
            status,
            offerer: Offerer::Organisation(3),
            remaining,
            valid_until: now() + Duration::days(30),
        }
    }

    #[test]
    fn the_offerer_publishes_pauses_resumes_and_withdraws() {
        let admin = org_admin(3);
        let who = OfferActor::User(&admin);
        use OfferStatus::*;
        for (from, action, to) in [
            (Draft, OfferAction::Publish, Published),
            (Published, OfferAction::Pause, Paused),
            (Paused, OfferAction::Resume, Published),
            (Paused, OfferAction::Edit, Paused),
            (Draft, OfferAction::Edit, Draft),
            (Published, OfferAction::Withdraw, Withdrawn),
            (Exhausted, OfferAction::Withdraw, Withdrawn),
        ] {
            assert_eq!(
                decide_offer(&facts(from, 10), action, who, now()),
                Ok(to),
                "{from} --{action:?}-->"
            );
        }
    }

    #[test]
    fn no_one_else_moves_an_offer() {
        let stranger = org_admin(4);
        assert_eq!(
            decide_offer(
                &facts(OfferStatus::Draft, 10),
                OfferAction::Publish,
                OfferActor::User(&stranger),
                now()
            ),
            Err(OfferRefusal::NotOfferer)
        );
        let person = Actor {
            user_id: 9,
            grants: vec![],
        };
        let mut own = facts(OfferStatus::Draft, 10);
        own.offerer = Offerer::Person(9);
        assert_eq!(
            decide_offer(&own, OfferAction::Publish, OfferActor::User(&person), now()),
            Ok(OfferStatus::Published)
        );
        assert_eq!(
            decide_offer(&own, OfferAction::Expire, OfferActor::User(&person), now()),
            Err(OfferRefusal::PlatformOnly)
        );
    }

    #[test]
    fn a_published_offer_is_not_edited_in_place_and_an_old_one_not_published() {
        let admin = org_admin(3);
        let who = OfferActor::User(&admin);
        assert!(matches!(
            decide_offer(
                &facts(OfferStatus::Published, 5),
                OfferAction::Edit,
                who,
                now()
            ),
            Err(OfferRefusal::WrongStatus { .. })
        ));
        let mut old = facts(OfferStatus::Draft, 5);
        old.valid_until = now() - Duration::days(1);
        assert_eq!(
            decide_offer(&old, OfferAction::Publish, who, now()),
            Err(OfferRefusal::OutOfDate)
        );
        assert_eq!(
            decide_offer(
                &facts(OfferStatus::Draft, 0),
                OfferAction::Publish,
                who,
                now()
            ),
            Err(OfferRefusal::NothingLeft)
        );
    }

    #[test]
    fn the_platform_exhausts_replenishes_and_expires() {
        let p = OfferActor::Platform;
        assert_eq!(
            decide_offer(
                &facts(OfferStatus::Published, 0),
                OfferAction::Exhaust,
                p,
                now()
            ),
            Ok(OfferStatus::Exhausted)
        );
        assert!(
            decide_offer(
                &facts(OfferStatus::Published, 1),
                OfferAction::Exhaust,
                p,
                now()
            )
            .is_err()
        );
        assert_eq!(
            decide_offer(
                &facts(OfferStatus::Exhausted, 4),
                OfferAction::Replenish,
                p,
                now()
            ),
            Ok(OfferStatus::Published)
        );
        let mut old = facts(OfferStatus::Exhausted, 4);
        old.valid_until = now() - Duration::hours(1);
        assert_eq!(
            decide_offer(&old, OfferAction::Replenish, p, now()),
            Ok(OfferStatus::Expired)
        );
        old.status = OfferStatus::Published;
        assert_eq!(
            decide_offer(&old, OfferAction::Expire, p, now()),
            Ok(OfferStatus::Expired)
        );
        assert!(
            decide_offer(
                &facts(OfferStatus::Published, 4),
                OfferAction::Expire,
                p,
                now()
            )
            .is_err()
        );
    }

    #[test]
    fn an_offer_fits_needs_of_its_category_and_unit_and_a_budget_buys_any_unit() {
        use Category::*;
        assert!(fits(
            (OfferKind::Goods, Education, Unit::Set),
            (Education, Unit::Set)
        ));
        assert!(!fits(
            (OfferKind::Goods, Education, Unit::Set),
            (Education, Unit::Item)
        ));
        assert!(!fits(
            (OfferKind::Goods, Education, Unit::Set),
            (Housing, Unit::Set)
        ));
        assert!(fits(
            (OfferKind::Purchasing, Consumption, Unit::Money),
            (Consumption, Unit::Kg)
        ));
        assert!(!fits(
            (OfferKind::Money, Education, Unit::Money),
            (Education, Unit::Item)
        ));
        assert_eq!(
            offer_cost(Unit::Money, Unit::Kg, 4_000, 300),
            Some(1_200_000)
        );
        assert_eq!(offer_cost(Unit::Set, Unit::Set, 30_000, 20), Some(20));
        assert_eq!(offer_cost(Unit::Money, Unit::Kg, i64::MAX, 2), None);
        assert_eq!(coverable(Unit::Money, Unit::Kg, 4_000, 1_000_000), 250);
        assert_eq!(coverable(Unit::Position, Unit::Position, 0, 20), 20);
    }

    fn shape<'a>(kind: OfferKind, unit: Unit, job: &'a JobTerms) -> OfferShape<'a> {
        let today = now().date_naive();
        OfferShape {
            kind,
            category: Category::Employment,
            unit,
            offerer: Offerer::Organisation(3),
            destination: Destination::Pairings,
            regions: &[],
            valid_until: today + Duration::days(60),
            job,
            deliver_by: None,
            today,
        }
    }

    #[test]
    fn a_shape_is_checked_field_by_field() {
        let terms = JobTerms {
            place: Some("东莞市".into()),
            pay_min_fen: Some(450_000),
            pay_max_fen: Some(600_000),
            requirements: None,
        };
        assert_eq!(
            check_shape(&shape(OfferKind::Jobs, Unit::Position, &terms)),
            Ok(())
        );
        let none = JobTerms::default();
        let fields = |r: Result<(), Vec<ShapeError>>| -> Vec<&'static str> {
            r.unwrap_err().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(
            fields(check_shape(&shape(OfferKind::Jobs, Unit::Item, &none))),
            ["unit", "job_place", "pay_min_fen"]
        );
        assert_eq!(
            fields(check_shape(&shape(
                OfferKind::Purchasing,
                Unit::Money,
                &terms
            ))),
            ["category", "job_place", "pay_min_fen", "pay_max_fen"]
        );
        let mut person = shape(OfferKind::Jobs, Unit::Position, &terms);
        person.offerer = Offerer::Person(9);
        assert_eq!(fields(check_shape(&person)), ["kind", "destination"]);
        let mut regions = shape(OfferKind::Jobs, Unit::Position, &terms);
        regions.destination = Destination::Regions;
        assert_eq!(fields(check_shape(&regions)), ["regions"]);
        let mut late = shape(OfferKind::Jobs, Unit::Position, &terms);
        late.valid_until = late.today;
        assert_eq!(fields(check_shape(&late)), ["valid_until"]);
    }

    #[test]
    fn one_region_filter_finds_offers_going_to_into_or_over_a_region() {
        let code = |s: &str| RegionCode::parse(s).unwrap();
        let county = reach_values(Destination::Regions, &[code("441426")]);
        let province = reach_values(Destination::Regions, &[code("44")]);
        let elsewhere = reach_values(Destination::Regions, &[code("441825")]);
        let anywhere = reach_values(Destination::Anywhere, &[]);
        let finds = |doc: &[String], region: &str| {
            region_filter_values(&code(region))
                .iter()
                .any(|v| doc.contains(v))
        };
        // A search for the city finds the county's offer; for a village in it, too.
        assert!(finds(&county, "4414"));
        assert!(finds(&county, "441426100200"));
        assert!(finds(&county, "441426"));
        assert!(!finds(&county, "441825"));
        assert!(!finds(&elsewhere, "441426100200"));
        assert!(finds(&province, "441426100200"));
        assert!(finds(&anywhere, "441426100200"));
    }
}

/// Hostile input (issue #18): offers moved by random steps of random actors, and the
/// conversion between an offer's unit and a need's with any `i64`.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::{actors, check, quantity};

    const ACTIONS: [OfferAction; 8] = [
        OfferAction::Edit,
        OfferAction::Publish,
        OfferAction::Pause,
        OfferAction::Resume,
        OfferAction::Withdraw,
        OfferAction::Exhaust,
        OfferAction::Replenish,
        OfferAction::Expire,
    ];

    fn unit() -> impl Strategy<Value = Unit> {
        proptest::sample::select(Unit::ALL)
    }

    #[test]
    fn random_steps_by_random_actors_move_an_offer_only_along_its_edges() {
        let actors = actors();
        let t0 = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
        check(
            "offer: state machine, random actions by random actors",
            1024,
            (
                prop_oneof![
                    Just(Offerer::Organisation(20)),
                    Just(Offerer::Organisation(30)),
                    (1i64..=12).prop_map(Offerer::Person),
                ],
                0i64..400,
                proptest::collection::vec(
                    (0usize..8, 0usize..=actors.len(), 0i64..72, -2i64..3),
                    1..40,
                ),
            ),
            |(offerer, valid_hours, steps)| {
                let mut facts = OfferFacts {
                    status: OfferStatus::Draft,
                    offerer,
                    remaining: 3,
                    valid_until: t0 + Duration::hours(valid_hours),
                };
                let mut now = t0;
                for (action, who, hours, change) in steps {
                    now += Duration::hours(hours);
                    // Pledges made from it and released change what is left.
                    facts.remaining = (facts.remaining + change).max(0);
                    let action = ACTIONS[action];
                    let actor = actors.get(who);
                    let by = actor.map_or(OfferActor::Platform, OfferActor::User);
                    let from = facts.status;
                    let Ok(to) = decide_offer(&facts, action, by, now) else {
                        continue;
                    };
                    prop_assert!(
                        !matches!(from, OfferStatus::Withdrawn | OfferStatus::Expired),
                        "{from} moved on by {action:?}"
                    );
                    let platform = matches!(
                        action,
                        OfferAction::Exhaust | OfferAction::Replenish | OfferAction::Expire
                    );
                    match actor {
                        None => prop_assert!(platform),
                        Some(a) => prop_assert!(!platform && may_manage_offer(a, offerer)),
                    }
                    let in_date = now < facts.valid_until;
                    use OfferAction as A;
                    use OfferStatus as S;
                    match (from, action, to) {
                        (S::Draft | S::Paused, A::Edit, same) => prop_assert_eq!(same, from),
                        (S::Draft, A::Publish, S::Published)
                        | (S::Paused, A::Resume, S::Published) => {
                            prop_assert!(in_date && facts.remaining > 0)
                        }
                        (S::Published, A::Pause, S::Paused) => {}
                        (
                            S::Draft | S::Published | S::Paused | S::Exhausted,
                            A::Withdraw,
                            S::Withdrawn,
                        ) => {}
                        (S::Published | S::Paused, A::Exhaust, S::Exhausted) => {
                            prop_assert!(facts.remaining <= 0)
                        }
                        (S::Exhausted, A::Replenish, S::Published) => {
                            prop_assert!(in_date && facts.remaining > 0)
                        }
                        (S::Exhausted, A::Replenish, S::Expired) => {
                            prop_assert!(!in_date && facts.remaining > 0)
                        }
                        (S::Published | S::Paused | S::Exhausted, A::Expire, S::Expired) => {
                            prop_assert!(!in_date)
                        }
                        edge => prop_assert!(false, "no such edge: {edge:?}"),
                    }
                    facts.status = to;
                    if facts.is_live(now) {
                        prop_assert!(to == S::Published && facts.remaining > 0 && in_date);
                    }
                }
                Ok(())
            },
        );
    }

    #[test]
    fn what_an_offer_covers_costs_no_more_than_it_has_left_for_any_figures() {
        check(
            "offer: cost and coverable for any units and figures",
            2048,
            (unit(), unit(), quantity(), quantity()),
            |(offer_unit, need_unit, unit_value_fen, remaining)| {
                let covered = coverable(offer_unit, need_unit, unit_value_fen, remaining);
                if remaining >= 0 {
                    prop_assert!((0..=remaining.max(0)).contains(&covered));
                }
                match offer_cost(offer_unit, need_unit, unit_value_fen, covered) {
                    Some(cost) if remaining >= 0 => {
                        prop_assert!(cost <= remaining);
                        // Rounded down: one more unit of the need would cost more than is left.
                        if offer_unit == Unit::Money
                            && need_unit != Unit::Money
                            && unit_value_fen > 0
                        {
                            let next = (i128::from(covered) + 1) * i128::from(unit_value_fen);
                            prop_assert!(next > i128::from(remaining));
                        }
                    }
                    Some(_) => {}
                    // Counted in fen, what is coverable never overflows back into a cost.
                    None => prop_assert!(offer_unit != need_unit && offer_unit != Unit::Money),
                }
                Ok(())
            },
        );
    }
}
