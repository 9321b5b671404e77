//! Needs (需求) and their life: the state machine of DESIGN §2 as one pure function,
//! [`decide`], that says whether an action may move a need and where to.
//!
//! ```text
//! draft ─submit─► submitted ─verify─► (verified ─verify─►) in_notice ─(notice ends)─► published
//!                     │                    │                  │  ▲                      │
//!                     └──────reject────────┴─► rejected ◄─uphold─ suspended ◄─object    │
//!                                                              └──dismiss──┘             ▼
//!        fully_pledged ◄─(pledges fill it)── published ──(deadline passes)──► expired
//!             │   └─(quantity released)─► published
//!             └─(every unit received)─► fulfilled ─close─► closed
//! withdraw: draft, submitted, verified, in_notice, or published with nothing pledged.
//!
//! in_notice, published, fully_pledged ─take down─► taken_down ─edit, submit─► submitted
//!                                                       └─close (a verifier)─► rejected
//! ```
//!
//! **Take-down** (撤下核查) is a verifier's emergency brake for a need in public view that must
//! not stay there (private data slipped through, fraud suspected): the need leaves public view
//! at once, its cadres read the verifier's reason (the public timeline says only that it was
//! withdrawn from view), and its cadre corrects it and submits it again, through verification
//! and notice as any need; or a verifier closes it for good, which leaves it rejected: a closed
//! need is public (a fulfilled need's record), this one must never be again. A suspended need is not taken down: it is
//! already under examination, and upholding its objection takes it out of view.
//!
//! What a take-down does to pledges: nothing is cancelled. A county office that stops a need
//! to check it does not undo what donors committed while it checks (most take-downs end in a
//! correction and the need's return): the donors of open pledges are told, a pledge not yet
//! sent is held (it cannot be marked shipped while the need is taken down, see
//! `pledge::decide_pledge`) and its donor may cancel it, or it expires at its due date as any;
//! help already sent is still confirmed by the village when it arrives. So a taken-down need is
//! closed only once no pledge is open ([`Refusal::HasPledges`]); one that comes back finds its
//! pledges still counted (and, full again at the end of its notice, is fully pledged at once).
//!
//! Who may act is decided here too, from the actor's grants (through [`authorize`]) and the
//! need's facts: a verifier never verifies a need they recorded, and a need above its
//! category's value cap needs a second verification by another verifier at county level.

use chrono::{DateTime, Duration, Utc};

use super::authz::{Action, Actor, Target, authorize, authorize_at_level};
use super::region::{Level, RegionCode};

code_enum! {
    /// Where a need stands.
    pub enum NeedStatus {
        /// Being written by its cadre; seen by no one else.
        Draft = ("draft", "草稿"),
        /// Waiting for a verifier.
        Submitted = ("submitted", "待审核"),
        /// Verified once, waiting for its second, county-level verification.
        Verified = ("verified", "待复核"),
        /// 公示: public, open to objections, not yet to pledges.
        InNotice = ("in_notice", "公示中"),
        /// Open to pledges.
        Published = ("published", "已发布"),
        /// Pledges cover the whole target.
        FullyPledged = ("fully_pledged", "已认满"),
        /// Every unit received.
        Fulfilled = ("fulfilled", "已完成"),
        /// Done and archived.
        Closed = ("closed", "已结束"),
        /// Refused by a verifier, or an objection against it was upheld, or closed for good by a
        /// verifier after a take-down.
        Rejected = ("rejected", "未通过"),
        /// Taken back by its village.
        Withdrawn = ("withdrawn", "已撤回"),
        /// Notice paused while an objection is examined.
        Suspended = ("suspended", "异议核查中"),
        /// Its deadline passed before it was met.
        Expired = ("expired", "已过期"),
        /// Taken out of public view by a verifier (private data, suspected fraud), to be
        /// corrected and submitted again, or closed.
        TakenDown = ("taken_down", "已下架核查"),
    }
}

impl NeedStatus {
    /// Whether the public sees a need in this status. `was_public` tells whether it ever
    /// reached notice: an expired need is shown only if it had been. Rejected, withdrawn and
    /// taken-down needs leave public view.
    pub fn is_public(self, was_public: bool) -> bool {
        use NeedStatus::*;
        match self {
            InNotice | Suspended | Published | FullyPledged | Fulfilled | Closed => true,
            Expired => was_public,
            Draft | Submitted | Verified | Rejected | Withdrawn | TakenDown => false,
        }
    }

    /// Whether donors may pledge toward a need in this status.
    pub fn accepts_pledges(self) -> bool {
        self == NeedStatus::Published
    }
}

code_enum! {
    /// 需求类别: the key tasks of the seeds.
    pub enum Category {
        Education = ("education", "教育助学"),
        Medical = ("medical", "医疗健康"),
        Industry = ("industry", "产业发展"),
        Employment = ("employment", "就业技能"),
        Housing = ("housing", "住房安全"),
        /// 路/水/电/网
        Infrastructure = ("infrastructure", "基础设施"),
        DailyGoods = ("daily_goods", "生活物资"),
        /// Buying a village's produce.
        Consumption = ("consumption", "消费帮扶"),
    }
}

code_enum! {
    pub enum Urgency {
        Normal = ("normal", "一般"),
        Urgent = ("urgent", "紧急"),
        Critical = ("critical", "特急"),
    }
}

impl Urgency {
    /// 0 (normal) to 2 (critical), for sorting.
    pub fn rank(self) -> i16 {
        match self {
            Urgency::Normal => 0,
            Urgency::Urgent => 1,
            Urgency::Critical => 2,
        }
    }
}

code_enum! {
    /// What a need's quantities count. Money is counted in fen (its unit value is 1 fen).
    pub enum Unit {
        Item = ("item", "件"),
        Set = ("set", "套"),
        Kg = ("kg", "公斤"),
        Money = ("money", "元"),
        Position = ("position", "个岗位"),
        PersonTime = ("person_time", "人次"),
    }
}

code_enum! {
    /// What kind of help a pledge toward a need gives, which follows from the need's unit.
    pub enum PledgeKind {
        Goods = ("goods", "物资"),
        Money = ("money", "资金"),
        Jobs = ("jobs", "岗位"),
        Services = ("services", "服务"),
    }
}

impl Unit {
    pub fn pledge_kind(self) -> PledgeKind {
        match self {
            Unit::Item | Unit::Set | Unit::Kg => PledgeKind::Goods,
            Unit::Money => PledgeKind::Money,
            Unit::Position => PledgeKind::Jobs,
            Unit::PersonTime => PledgeKind::Services,
        }
    }
}

code_enum! {
    /// Who a need helps.
    pub enum BeneficiaryKind {
        /// One registered household (shown de-identified).
        Household = ("household", "农户"),
        /// The village as a whole (a school, a road, the collective's produce).
        Village = ("village", "村集体"),
    }
}

code_enum! {
    /// Where an objection (异议/举报) stands.
    pub enum ObjectionStatus {
        Open = ("open", "待核查"),
        Upheld = ("upheld", "异议成立"),
        Dismissed = ("dismissed", "异议不成立"),
    }
}

code_enum! {
    /// Something that happened to a need, as its public timeline tells it.
    pub enum EventKind {
        Created = ("created", "录入需求"),
        Submitted = ("submitted", "提交审核"),
        Verified = ("verified", "审核通过"),
        SecondVerified = ("second_verified", "县级复核通过"),
        NoticeStarted = ("notice_started", "开始公示"),
        ObjectionFiled = ("objection_filed", "收到异议，暂停公示"),
        ObjectionDismissed = ("objection_dismissed", "异议经核查不成立"),
        ObjectionUpheld = ("objection_upheld", "异议经核查成立"),
        NoticeResumed = ("notice_resumed", "恢复公示"),
        Published = ("published", "公示期满，正式发布"),
        Rejected = ("rejected", "审核未通过"),
        Withdrawn = ("withdrawn", "村里撤回需求"),
        Expired = ("expired", "已过截止日期"),
        FullyPledged = ("fully_pledged", "已全部认捐"),
        Reopened = ("reopened", "有认捐释放，重新开放"),
        Fulfilled = ("fulfilled", "全部到位"),
        Closed = ("closed", "需求结束"),
        Pledged = ("pledged", "认捐"),
        Shipped = ("shipped", "已发出"),
        Received = ("received", "确认收到"),
        Thanked = ("thanked", "村里致谢"),
        PledgeCancelled = ("pledge_cancelled", "认捐取消，数量释放"),
        PledgeExpired = ("pledge_expired", "认捐逾期，数量释放"),
        /// A verifier took the need out of public view. The public reads only this: the reason
        /// stays with the need's staff.
        TakenDown = ("taken_down", "撤下核查"),
    }
}

/// Every way a need can move. Some are done by people, some by the platform itself when time
/// passes or pledge totals change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeedAction {
    /// Change the draft's fields or photos.
    Edit,
    Submit,
    /// Verify (first or, when the value needs it, second verification).
    Verify,
    Reject,
    Withdraw,
    /// File an objection (异议/举报); anyone may.
    Object,
    UpholdObjection,
    DismissObjection,
    /// The notice period has run out (the scheduler).
    EndNotice,
    /// The deadline has passed (the scheduler).
    Expire,
    /// Active pledges now cover the target.
    Fill,
    /// Pledged quantity was released (a pledge cancelled or expired).
    Release,
    /// Every unit has been received.
    Complete,
    Close,
    /// Take a need in public view out of it, with a reason (a verifier of its area, never its
    /// author).
    TakeDown,
}

impl NeedAction {
    pub const ALL: [NeedAction; 15] = [
        NeedAction::Edit,
        NeedAction::Submit,
        NeedAction::Verify,
        NeedAction::Reject,
        NeedAction::Withdraw,
        NeedAction::Object,
        NeedAction::UpholdObjection,
        NeedAction::DismissObjection,
        NeedAction::EndNotice,
        NeedAction::Expire,
        NeedAction::Fill,
        NeedAction::Release,
        NeedAction::Complete,
        NeedAction::Close,
        NeedAction::TakeDown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NeedAction::Edit => "edit",
            NeedAction::Submit => "submit",
            NeedAction::Verify => "verify",
            NeedAction::Reject => "reject",
            NeedAction::Withdraw => "withdraw",
            NeedAction::Object => "object",
            NeedAction::UpholdObjection => "uphold_objection",
            NeedAction::DismissObjection => "dismiss_objection",
            NeedAction::EndNotice => "end_notice",
            NeedAction::Expire => "expire",
            NeedAction::Fill => "fill",
            NeedAction::Release => "release",
            NeedAction::Complete => "complete",
            NeedAction::Close => "close",
            NeedAction::TakeDown => "take_down",
        }
    }

    /// Who may take this action on a need in `status`.
    fn performer(self, status: NeedStatus) -> Performer {
        use NeedAction::*;
        match self {
            // A taken-down need is closed by the verifiers, who took it down; a fulfilled one
            // by its village.
            Close if status == NeedStatus::TakenDown => Performer::Staff(Action::TakeDownNeed),
            Edit | Submit | Withdraw | Close => Performer::Staff(Action::RecordNeed),
            Verify | Reject => Performer::Staff(Action::VerifyNeed),
            TakeDown => Performer::Staff(Action::TakeDownNeed),
            UpholdObjection | DismissObjection => Performer::Staff(Action::HandleObjection),
            Object => Performer::Anyone,
            EndNotice | Expire | Fill | Release | Complete => Performer::Platform,
        }
    }
}

enum Performer {
    /// A signed-in user allowed `Action` on the need's village.
    Staff(Action),
    /// Anyone, signed in or not.
    Anyone,
    /// Only the platform itself (its scheduler, or the pledge bookkeeping).
    Platform,
}

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    User(&'a Actor),
    /// A visitor who is not signed in.
    Public,
    /// The platform itself.
    Platform,
}

/// What [`decide`] needs to know about a need.
#[derive(Debug, Clone)]
pub struct NeedFacts {
    pub status: NeedStatus,
    pub village: RegionCode,
    pub created_by: i64,
    /// The first verifier, once there is one.
    pub verified_by: Option<i64>,
    pub requires_second_verification: bool,
    pub target: i64,
    pub pledged: i64,
    pub received: i64,
    pub deadline: DateTime<Utc>,
    pub notice_ends_at: Option<DateTime<Utc>>,
    pub suspended_at: Option<DateTime<Utc>>,
    /// Open objections other than the one being decided.
    pub other_open_objections: u64,
}

/// The deployment's rules that shape the moves.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// 公示期; zero publishes a verified need at once.
    pub notice: Duration,
}

impl Rules {
    /// The earliest deadline a need submitted at `now` may have: the notice period and then at
    /// least a day open to donors.
    pub fn earliest_deadline(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.notice + Duration::days(1)
    }
}

/// An allowed move and what it changes besides the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub from: NeedStatus,
    pub to: NeedStatus,
    /// The verification this move records, if any.
    pub verification: Option<Verification>,
    /// The new end of the notice period, when the move starts or resumes it.
    pub notice_ends_at: Option<DateTime<Utc>>,
    /// When the need became open to pledges, when the move publishes it.
    pub published_at: Option<DateTime<Utc>>,
    /// `Some(Some(t))` marks the need suspended since `t`, `Some(None)` lifts the suspension.
    pub suspended_at: Option<Option<DateTime<Utc>>>,
    /// What the timeline records, in order.
    pub events: Vec<EventKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    First,
    Second,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("you are not allowed to do this to this need")]
    NotAllowed,
    #[error("only the platform itself does this")]
    PlatformOnly,
    #[error("a verifier cannot decide on a need they recorded")]
    OwnNeed,
    #[error("the second verification must be done by another verifier than the first")]
    SameVerifier,
    #[error(
        "this need's value is above its category's cap: its second verification, and any decision \
         on objections against it, need a verifier of the county or above"
    )]
    NeedsCountyVerifier,
    #[error("a need that is {status} cannot be {}", action_past(*.action))]
    WrongStatus {
        status: NeedStatus,
        action: NeedAction,
    },
    #[error("the notice period has already ended")]
    NoticeOver,
    #[error("not yet: {0}")]
    NotYet(&'static str),
    #[error("the deadline must be at least {days} days away, to leave room for the notice period")]
    DeadlineTooSoon { days: i64 },
    #[error(
        "a need with open pledges cannot be withdrawn or closed; the pledges must end first \
         (their donors may cancel, or the help arrive)"
    )]
    HasPledges,
}

fn action_past(action: NeedAction) -> &'static str {
    match action {
        NeedAction::Edit => "edited",
        NeedAction::Submit => "submitted",
        NeedAction::Verify => "verified",
        NeedAction::Reject => "rejected",
        NeedAction::Withdraw => "withdrawn",
        NeedAction::Object => "objected to",
        NeedAction::UpholdObjection | NeedAction::DismissObjection => "the subject of a decision",
        NeedAction::EndNotice => "published at the end of a notice period",
        NeedAction::Expire => "expired",
        NeedAction::Fill => "marked fully pledged",
        NeedAction::Release => "reopened to pledges",
        NeedAction::Complete => "marked fulfilled",
        NeedAction::Close => "closed",
        NeedAction::TakeDown => "taken down",
    }
}

/// Decides whether `who` may take `action` on the need described by `facts` at `now`, and if so
/// what changes. The one place the need state machine lives.
pub fn decide(
    facts: &NeedFacts,
    action: NeedAction,
    who: Who<'_>,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<Change, Refusal> {
    check_performer(facts, action, who)?;
    check_impartial(facts, action, who)?;
    use NeedAction as A;
    use NeedStatus as S;
    let wrong = || Refusal::WrongStatus {
        status: facts.status,
        action,
    };
    let to = |to: NeedStatus, events: Vec<EventKind>| Change {
        from: facts.status,
        to,
        verification: None,
        notice_ends_at: None,
        published_at: None,
        suspended_at: None,
        events,
    };
    match (action, facts.status) {
        (A::Edit, S::Draft) => Ok(to(S::Draft, vec![])),
        // A taken-down need is corrected where it stands, out of public view.
        (A::Edit, S::TakenDown) => Ok(to(S::TakenDown, vec![])),
        (A::Submit, S::Draft | S::TakenDown) => {
            if facts.deadline < rules.earliest_deadline(now) {
                return Err(Refusal::DeadlineTooSoon {
                    days: (rules.notice + Duration::days(1)).num_days(),
                });
            }
            Ok(to(S::Submitted, vec![EventKind::Submitted]))
        }
        (A::Verify, S::Submitted | S::Verified) => verify(facts, who, rules, now),
        (A::Reject, S::Submitted | S::Verified) => Ok(to(S::Rejected, vec![EventKind::Rejected])),
        // Pledges before publication only survive a take-down (see the module's note): they
        // hold a need back from withdrawal wherever it stands.
        (
            A::Withdraw,
            S::Draft | S::Submitted | S::Verified | S::InNotice | S::Published | S::TakenDown,
        ) if facts.pledged > 0 => Err(Refusal::HasPledges),
        (
            A::Withdraw,
            S::Draft | S::Submitted | S::Verified | S::InNotice | S::Published | S::TakenDown,
        ) => Ok(to(S::Withdrawn, vec![EventKind::Withdrawn])),
        (A::TakeDown, S::InNotice | S::Published | S::FullyPledged) => {
            Ok(to(S::TakenDown, vec![EventKind::TakenDown]))
        }
        (A::Object, S::InNotice) => {
            if facts.notice_ends_at.is_some_and(|end| now >= end) {
                return Err(Refusal::NoticeOver);
            }
            Ok(Change {
                suspended_at: Some(Some(now)),
                ..to(S::Suspended, vec![EventKind::ObjectionFiled])
            })
        }
        // A further objection to a suspended need joins the examination already under way.
        (A::Object, S::Suspended) => Ok(to(S::Suspended, vec![])),
        (A::UpholdObjection, S::Suspended) => Ok(Change {
            suspended_at: Some(None),
            ..to(S::Rejected, vec![EventKind::ObjectionUpheld])
        }),
        (A::DismissObjection, S::Suspended) if facts.other_open_objections > 0 => {
            Ok(to(S::Suspended, vec![EventKind::ObjectionDismissed]))
        }
        (A::DismissObjection, S::Suspended) => {
            // The notice clock stood still while the need was suspended: the public gets the
            // whole period to object.
            let paused = facts.suspended_at.map_or(Duration::zero(), |t| now - t);
            let ends = facts.notice_ends_at.unwrap_or(now) + paused.max(Duration::zero());
            Ok(Change {
                notice_ends_at: Some(ends),
                suspended_at: Some(None),
                ..to(
                    S::InNotice,
                    vec![EventKind::ObjectionDismissed, EventKind::NoticeResumed],
                )
            })
        }
        (A::EndNotice, S::InNotice) => match facts.notice_ends_at {
            // Back from a take-down with its pledges still covering the target: full at once.
            Some(end) if now >= end && facts.pledged >= facts.target => Ok(Change {
                published_at: Some(end),
                ..to(
                    S::FullyPledged,
                    vec![EventKind::Published, EventKind::FullyPledged],
                )
            }),
            Some(end) if now >= end => Ok(Change {
                // Published when the notice ended, however late the scheduler noticed.
                published_at: Some(end),
                ..to(S::Published, vec![EventKind::Published])
            }),
            _ => Err(Refusal::NotYet("the notice period has not ended")),
        },
        (A::Expire, S::Submitted | S::Verified | S::InNotice | S::Published) => {
            if now < facts.deadline {
                return Err(Refusal::NotYet("the deadline has not passed"));
            }
            // The deadline is for finding donors: help already pledged is still awaited, and
            // the need expires once no pledge is left open.
            if facts.pledged > facts.received {
                return Err(Refusal::NotYet("pledged help is still on its way"));
            }
            Ok(to(S::Expired, vec![EventKind::Expired]))
        }
        (A::Fill, S::Published) if facts.pledged >= facts.target => {
            Ok(to(S::FullyPledged, vec![EventKind::FullyPledged]))
        }
        (A::Fill, S::Published) => Err(Refusal::NotYet("pledges do not cover the target")),
        (A::Release, S::FullyPledged) if facts.pledged < facts.target => {
            Ok(to(S::Published, vec![EventKind::Reopened]))
        }
        (A::Release, S::FullyPledged) => Err(Refusal::NotYet("pledges still cover the target")),
        (A::Complete, S::FullyPledged) if facts.received >= facts.target => {
            Ok(to(S::Fulfilled, vec![EventKind::Fulfilled]))
        }
        (A::Complete, S::FullyPledged) => Err(Refusal::NotYet("not every unit has arrived")),
        (A::Close, S::Fulfilled) => Ok(to(S::Closed, vec![EventKind::Closed])),
        (A::Close, S::TakenDown) if facts.pledged > facts.received => Err(Refusal::HasPledges),
        // Closed for good, and so out of public view for good: rejected, not `closed` (public).
        (A::Close, S::TakenDown) => Ok(to(S::Rejected, vec![EventKind::Closed])),
        _ => Err(wrong()),
    }
}

/// A verifier's decisions on a need are never their own need's (verifying, rejecting, taking it
/// down and closing it once taken down); and a need whose value called for a county-level look
/// has its objections decided at that level too.
fn check_impartial(facts: &NeedFacts, action: NeedAction, who: Who<'_>) -> Result<(), Refusal> {
    use NeedAction as A;
    let Who::User(actor) = who else {
        return Ok(());
    };
    let own = actor.user_id == facts.created_by;
    match action {
        A::Verify | A::Reject | A::TakeDown if own => Err(Refusal::OwnNeed),
        A::Close if own && facts.status == NeedStatus::TakenDown => Err(Refusal::OwnNeed),
        A::UpholdObjection | A::DismissObjection => objection_handler(facts, actor),
        _ => Ok(()),
    }
}

/// Whether `actor` may examine the objections against a need (read them with the objectors'
/// contacts, uphold or dismiss them): a verifier of its village who did not record it, of the
/// county or above when its value called for a county-level look.
pub fn objection_handler(facts: &NeedFacts, actor: &Actor) -> Result<(), Refusal> {
    authorize(
        actor,
        Action::HandleObjection,
        Target::Region(&facts.village),
    )
    .map_err(|_| Refusal::NotAllowed)?;
    if actor.user_id == facts.created_by {
        return Err(Refusal::OwnNeed);
    }
    if facts.requires_second_verification {
        authorize_at_level(
            actor,
            Action::HandleObjection,
            &facts.village,
            Level::County,
        )
        .map_err(|_| Refusal::NeedsCountyVerifier)?;
    }
    Ok(())
}

fn check_performer(facts: &NeedFacts, action: NeedAction, who: Who<'_>) -> Result<(), Refusal> {
    match (action.performer(facts.status), who) {
        (Performer::Platform, Who::Platform) | (Performer::Anyone, _) => Ok(()),
        (Performer::Platform, _) => Err(Refusal::PlatformOnly),
        (Performer::Staff(permission), Who::User(actor)) => {
            authorize(actor, permission, Target::Region(&facts.village))
                .map_err(|_| Refusal::NotAllowed)
        }
        (Performer::Staff(_), Who::Public | Who::Platform) => Err(Refusal::NotAllowed),
    }
}

/// A first or second verification, and where it leads: to the second verification, to notice,
/// or (with no notice period) straight to publication.
fn verify(
    facts: &NeedFacts,
    who: Who<'_>,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<Change, Refusal> {
    let Who::User(actor) = who else {
        return Err(Refusal::NotAllowed);
    };
    let (verification, mut events) = if facts.status == NeedStatus::Verified {
        if facts.verified_by == Some(actor.user_id) {
            return Err(Refusal::SameVerifier);
        }
        authorize_at_level(actor, Action::VerifyNeed, &facts.village, Level::County)
            .map_err(|_| Refusal::NeedsCountyVerifier)?;
        (Verification::Second, vec![EventKind::SecondVerified])
    } else {
        (Verification::First, vec![EventKind::Verified])
    };
    let base = Change {
        from: facts.status,
        to: NeedStatus::Verified,
        verification: Some(verification),
        notice_ends_at: None,
        published_at: None,
        suspended_at: None,
        events: vec![],
    };
    if verification == Verification::First && facts.requires_second_verification {
        return Ok(Change { events, ..base });
    }
    if rules.notice > Duration::zero() {
        events.push(EventKind::NoticeStarted);
        Ok(Change {
            to: NeedStatus::InNotice,
            notice_ends_at: Some(now + rules.notice),
            events,
            ..base
        })
    } else {
        events.push(EventKind::Published);
        Ok(Change {
            to: NeedStatus::Published,
            published_at: Some(now),
            events,
            ..base
        })
    }
}

/// Whether a need of `category` worth `total_fen` needs a second, county-level verification
/// under the deployment's caps (fen per category; a category without a cap never does).
pub fn needs_second_verification(
    caps: &[(Category, i64)],
    category: Category,
    total_fen: i64,
) -> bool {
    caps.iter()
        .find(|(c, _)| *c == category)
        .is_some_and(|(_, cap)| total_fen > *cap)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    const CREATOR: i64 = 1;
    const TOWN_VERIFIER: i64 = 2;
    const COUNTY_VERIFIER: i64 = 3;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn rules() -> Rules {
        Rules {
            notice: Duration::days(3),
        }
    }

    fn actor(user_id: i64, role: Role, scope: &str) -> Actor {
        Actor {
            user_id,
            grants: vec![Grant {
                role,
                scope: Scope::Region(code(scope)),
            }],
        }
    }

    fn cadre() -> Actor {
        actor(CREATOR, Role::Cadre, "441426100200")
    }
    fn town_verifier() -> Actor {
        actor(TOWN_VERIFIER, Role::Verifier, "441426100")
    }
    fn county_verifier() -> Actor {
        actor(COUNTY_VERIFIER, Role::Verifier, "441426")
    }

    /// A need in `status` whose every time-, total- and objection-dependent guard is met.
    fn facts(status: NeedStatus) -> NeedFacts {
        NeedFacts {
            status,
            village: code("441426100200"),
            created_by: CREATOR,
            verified_by: (status == NeedStatus::Verified).then_some(TOWN_VERIFIER),
            requires_second_verification: false,
            target: 10,
            pledged: match status {
                NeedStatus::FullyPledged | NeedStatus::Fulfilled | NeedStatus::Closed => 10,
                _ => 0,
            },
            received: match status {
                NeedStatus::FullyPledged | NeedStatus::Fulfilled | NeedStatus::Closed => 10,
                _ => 0,
            },
            deadline: t0() + Duration::days(30),
            notice_ends_at: Some(t0() + Duration::days(3)),
            suspended_at: (status == NeedStatus::Suspended).then(|| t0() + Duration::days(1)),
            other_open_objections: 0,
        }
    }

    /// As [`facts`], with the totals that `action`'s guard wants met.
    fn facts_for(status: NeedStatus, action: NeedAction) -> NeedFacts {
        let mut facts = facts(status);
        match action {
            NeedAction::Fill => facts.pledged = facts.target,
            NeedAction::Release => facts.pledged = facts.target - 1,
            _ => {}
        }
        facts
    }

    /// The actor entitled to take `action`, and the moment at which its time guard is met.
    fn entitled(action: NeedAction) -> (Who<'static>, DateTime<Utc>) {
        use std::sync::LazyLock;
        static CADRE: LazyLock<Actor> = LazyLock::new(cadre);
        static COUNTY: LazyLock<Actor> = LazyLock::new(county_verifier);
        use NeedAction as A;
        match action {
            A::Edit | A::Submit | A::Withdraw | A::Close => (Who::User(&CADRE), t0()),
            A::Verify | A::Reject | A::UpholdObjection | A::DismissObjection => {
                (Who::User(&COUNTY), t0() + Duration::days(2))
            }
            A::Object => (Who::Public, t0() + Duration::days(1)),
            A::EndNotice => (Who::Platform, t0() + Duration::days(3)),
            A::Expire => (Who::Platform, t0() + Duration::days(30)),
            A::Fill | A::Release | A::Complete => (Who::Platform, t0()),
            A::TakeDown => (Who::User(&COUNTY), t0() + Duration::days(2)),
        }
    }

    /// As [`entitled`], for `action` on a need in `status`: a taken-down need is closed by a
    /// verifier.
    fn entitled_on(status: NeedStatus, action: NeedAction) -> (Who<'static>, DateTime<Utc>) {
        use std::sync::LazyLock;
        static COUNTY: LazyLock<Actor> = LazyLock::new(county_verifier);
        match (status, action) {
            (NeedStatus::TakenDown, NeedAction::Close) => (Who::User(&COUNTY), t0()),
            _ => entitled(action),
        }
    }

    /// Every status × every action, written out by hand: the move the right actor at the right
    /// time gets, or `None` when the status does not allow the action at all.
    #[test]
    fn every_status_and_action_pair_moves_as_the_design_says() {
        use NeedAction as A;
        use NeedStatus as S;
        let expected = |status: S, action: A| -> Option<S> {
            match (status, action) {
                (S::Draft, A::Edit) => Some(S::Draft),
                (S::Draft, A::Submit) => Some(S::Submitted),
                (S::Draft | S::Submitted | S::Verified | S::InNotice, A::Withdraw) => {
                    Some(S::Withdrawn)
                }
                (S::Published | S::TakenDown, A::Withdraw) => Some(S::Withdrawn),
                (S::InNotice | S::Published | S::FullyPledged, A::TakeDown) => Some(S::TakenDown),
                (S::TakenDown, A::Edit) => Some(S::TakenDown),
                (S::TakenDown, A::Submit) => Some(S::Submitted),
                (S::TakenDown, A::Close) => Some(S::Rejected),
                (S::Submitted | S::Verified, A::Verify) => Some(S::InNotice),
                (S::Submitted | S::Verified, A::Reject) => Some(S::Rejected),
                (S::InNotice | S::Suspended, A::Object) => Some(S::Suspended),
                (S::Suspended, A::UpholdObjection) => Some(S::Rejected),
                (S::Suspended, A::DismissObjection) => Some(S::InNotice),
                (S::InNotice, A::EndNotice) => Some(S::Published),
                (S::Submitted | S::Verified | S::InNotice | S::Published, A::Expire) => {
                    Some(S::Expired)
                }
                (S::Published, A::Fill) => Some(S::FullyPledged),
                (S::FullyPledged, A::Release) => Some(S::Published),
                (S::FullyPledged, A::Complete) => Some(S::Fulfilled),
                (S::Fulfilled, A::Close) => Some(S::Closed),
                _ => None,
            }
        };
        let mut pairs = 0;
        for &status in S::ALL {
            for action in A::ALL {
                let facts = facts_for(status, action);
                let (who, now) = entitled_on(status, action);
                let got = decide(&facts, action, who, &rules(), now);
                match expected(status, action) {
                    Some(to) => {
                        assert_eq!(got.as_ref().map(|c| c.to), Ok(to), "{status} × {action:?}")
                    }
                    None => assert_eq!(
                        got,
                        Err(Refusal::WrongStatus { status, action }),
                        "{status} × {action:?}"
                    ),
                }
                pairs += 1;
            }
        }
        assert_eq!(pairs, 13 * 15);
    }

    #[test]
    fn every_action_refuses_the_wrong_performer() {
        let outsider = actor(9, Role::Cadre, "441624100201");
        let donor = Actor {
            user_id: 10,
            grants: vec![],
        };
        let cadre = cadre();
        let verifier = county_verifier();
        for action in NeedAction::ALL {
            let (_, now) = entitled(action);
            let status = NeedStatus::ALL
                .iter()
                .copied()
                .find(|s| {
                    let (who, now) = entitled(action);
                    decide(&facts_for(*s, action), action, who, &rules(), now).is_ok()
                })
                .unwrap_or_else(|| panic!("{action:?} is allowed somewhere"));
            let f = facts_for(status, action);
            let try_as = |who| decide(&f, action, who, &rules(), now);
            match action.performer(status) {
                Performer::Anyone => {
                    for who in [Who::Public, Who::User(&donor), Who::User(&outsider)] {
                        assert!(try_as(who).is_ok(), "{action:?} by anyone");
                    }
                }
                Performer::Platform => {
                    for who in [Who::Public, Who::User(&cadre), Who::User(&verifier)] {
                        assert_eq!(try_as(who), Err(Refusal::PlatformOnly), "{action:?}");
                    }
                }
                Performer::Staff(_) => {
                    for who in [
                        Who::Public,
                        Who::Platform,
                        Who::User(&donor),
                        Who::User(&outsider),
                    ] {
                        assert_eq!(try_as(who), Err(Refusal::NotAllowed), "{action:?}");
                    }
                    // A cadre does not verify; a verifier does not record.
                    let other = if matches!(
                        action,
                        NeedAction::Edit
                            | NeedAction::Submit
                            | NeedAction::Withdraw
                            | NeedAction::Close
                    ) {
                        &verifier
                    } else {
                        &cadre
                    };
                    assert_eq!(
                        try_as(Who::User(other)),
                        Err(Refusal::NotAllowed),
                        "{action:?} by the other role"
                    );
                }
            }
        }
    }

    #[test]
    fn a_verifier_never_decides_on_a_need_they_recorded() {
        // A user who is both a cadre and a verifier of the village.
        let both = Actor {
            user_id: CREATOR,
            grants: vec![
                Grant {
                    role: Role::Cadre,
                    scope: Scope::Region(code("441426100200")),
                },
                Grant {
                    role: Role::Verifier,
                    scope: Scope::Region(code("441426")),
                },
            ],
        };
        for (status, action) in [
            (NeedStatus::Submitted, NeedAction::Verify),
            (NeedStatus::Submitted, NeedAction::Reject),
            (NeedStatus::Suspended, NeedAction::UpholdObjection),
            (NeedStatus::Suspended, NeedAction::DismissObjection),
            (NeedStatus::Published, NeedAction::TakeDown),
            (NeedStatus::TakenDown, NeedAction::Close),
        ] {
            let got = decide(&facts(status), action, Who::User(&both), &rules(), t0());
            assert_eq!(got, Err(Refusal::OwnNeed), "{action:?}");
        }
        // Withdrawing their own need stays theirs to do.
        let withdraw = decide(
            &facts(NeedStatus::Submitted),
            NeedAction::Withdraw,
            Who::User(&both),
            &rules(),
            t0(),
        );
        assert!(withdraw.is_ok());
    }

    #[test]
    fn a_need_is_taken_down_by_a_verifier_of_its_area_only() {
        let need = facts(NeedStatus::Published);
        let (town, county, cadre) = (town_verifier(), county_verifier(), cadre());
        let take_down = |who| decide(&need, NeedAction::TakeDown, who, &rules(), t0());
        assert!(take_down(Who::User(&town)).is_ok());
        let change = take_down(Who::User(&county)).unwrap();
        assert_eq!(change.to, NeedStatus::TakenDown);
        assert_eq!(change.events, vec![EventKind::TakenDown]);
        assert!(!NeedStatus::TakenDown.is_public(true), "out of public view");
        let elsewhere = actor(8, Role::Verifier, "441624");
        for who in [Who::User(&cadre), Who::User(&elsewhere), Who::Public] {
            assert_eq!(take_down(who), Err(Refusal::NotAllowed));
        }
        // Its village closes a fulfilled need; a taken-down one is the verifiers' to close.
        let taken = facts(NeedStatus::TakenDown);
        let close = |who| decide(&taken, NeedAction::Close, who, &rules(), t0());
        assert_eq!(close(Who::User(&cadre)), Err(Refusal::NotAllowed));
        assert!(close(Who::User(&town)).is_ok());
    }

    #[test]
    fn a_take_down_holds_the_pledges_and_the_need_closes_only_once_none_is_open() {
        let mut full = facts(NeedStatus::FullyPledged);
        full.received = 4;
        let county = county_verifier();
        let taken = decide(
            &full,
            NeedAction::TakeDown,
            Who::User(&county),
            &rules(),
            t0(),
        )
        .unwrap();
        // The totals are not the take-down's to change: no pledge is released.
        assert_eq!(taken.to, NeedStatus::TakenDown);

        let mut need = full.clone();
        need.status = NeedStatus::TakenDown;
        let close =
            |need: &NeedFacts| decide(need, NeedAction::Close, Who::User(&county), &rules(), t0());
        assert_eq!(close(&need), Err(Refusal::HasPledges));
        let withdraw = decide(
            &need,
            NeedAction::Withdraw,
            Who::User(&cadre()),
            &rules(),
            t0(),
        );
        assert_eq!(withdraw, Err(Refusal::HasPledges));
        // The rest was cancelled or arrived: nothing is open any more.
        need.pledged = 4;
        // Closed for good, it stays out of public view.
        let closed = close(&need).unwrap();
        assert_eq!(closed.to, NeedStatus::Rejected);
        assert!(!closed.to.is_public(true));
    }

    #[test]
    fn a_corrected_need_goes_through_verification_and_notice_again() {
        let cadre = cadre();
        let mut need = facts(NeedStatus::TakenDown);
        let edit = decide(&need, NeedAction::Edit, Who::User(&cadre), &rules(), t0()).unwrap();
        assert_eq!(edit.to, NeedStatus::TakenDown);
        let submit = decide(&need, NeedAction::Submit, Who::User(&cadre), &rules(), t0()).unwrap();
        assert_eq!(submit.to, NeedStatus::Submitted);
        assert_eq!(submit.events, vec![EventKind::Submitted]);
        need.deadline = t0() + Duration::days(2);
        let late = decide(&need, NeedAction::Submit, Who::User(&cadre), &rules(), t0());
        assert_eq!(late, Err(Refusal::DeadlineTooSoon { days: 4 }));
    }

    #[test]
    fn a_need_back_from_a_take_down_with_its_pledges_covering_it_is_full_at_the_end_of_notice() {
        let mut need = facts(NeedStatus::InNotice);
        need.pledged = need.target;
        let end = need.notice_ends_at.unwrap();
        let change = decide(&need, NeedAction::EndNotice, Who::Platform, &rules(), end).unwrap();
        assert_eq!(change.to, NeedStatus::FullyPledged);
        assert_eq!(change.published_at, Some(end));
        assert_eq!(
            change.events,
            vec![EventKind::Published, EventKind::FullyPledged]
        );
    }

    #[test]
    fn objections_against_a_need_above_its_cap_are_decided_at_county_level() {
        let mut need = facts(NeedStatus::Suspended);
        need.requires_second_verification = true;
        let town = town_verifier();
        let county = county_verifier();
        for action in [NeedAction::UpholdObjection, NeedAction::DismissObjection] {
            let by_town = decide(&need, action, Who::User(&town), &rules(), t0());
            assert_eq!(by_town, Err(Refusal::NeedsCountyVerifier), "{action:?}");
            assert!(decide(&need, action, Who::User(&county), &rules(), t0()).is_ok());
        }
    }

    #[test]
    fn a_need_above_its_cap_goes_through_a_second_county_level_verification() {
        let mut need = facts(NeedStatus::Submitted);
        need.requires_second_verification = true;
        let town = town_verifier();
        let first = decide(&need, NeedAction::Verify, Who::User(&town), &rules(), t0()).unwrap();
        assert_eq!(first.to, NeedStatus::Verified);
        assert_eq!(first.verification, Some(Verification::First));
        assert_eq!(first.events, vec![EventKind::Verified]);

        need.status = NeedStatus::Verified;
        need.verified_by = Some(TOWN_VERIFIER);
        let again = decide(&need, NeedAction::Verify, Who::User(&town), &rules(), t0());
        assert_eq!(again, Err(Refusal::SameVerifier));
        let other_town = actor(7, Role::Verifier, "441426100");
        let by_town = decide(
            &need,
            NeedAction::Verify,
            Who::User(&other_town),
            &rules(),
            t0(),
        );
        assert_eq!(by_town, Err(Refusal::NeedsCountyVerifier));

        let county = county_verifier();
        let second = decide(
            &need,
            NeedAction::Verify,
            Who::User(&county),
            &rules(),
            t0(),
        )
        .unwrap();
        assert_eq!(second.to, NeedStatus::InNotice);
        assert_eq!(second.verification, Some(Verification::Second));
        assert_eq!(second.notice_ends_at, Some(t0() + Duration::days(3)));
        assert_eq!(
            second.events,
            vec![EventKind::SecondVerified, EventKind::NoticeStarted]
        );
    }

    #[test]
    fn with_no_notice_period_a_verified_need_is_published_at_once() {
        let county = county_verifier();
        let change = decide(
            &facts(NeedStatus::Submitted),
            NeedAction::Verify,
            Who::User(&county),
            &Rules {
                notice: Duration::zero(),
            },
            t0(),
        )
        .unwrap();
        assert_eq!(change.to, NeedStatus::Published);
        assert_eq!(change.published_at, Some(t0()));
        assert_eq!(
            change.events,
            vec![EventKind::Verified, EventKind::Published]
        );
    }

    #[test]
    fn the_notice_ends_only_when_its_time_comes_and_publication_dates_from_then() {
        let need = facts(NeedStatus::InNotice);
        let end = need.notice_ends_at.unwrap();
        let early = decide(
            &need,
            NeedAction::EndNotice,
            Who::Platform,
            &rules(),
            end - Duration::microseconds(1),
        );
        assert!(matches!(early, Err(Refusal::NotYet(_))));
        let late = decide(
            &need,
            NeedAction::EndNotice,
            Who::Platform,
            &rules(),
            end + Duration::hours(5),
        )
        .unwrap();
        assert_eq!(late.published_at, Some(end));
    }

    #[test]
    fn a_need_expires_only_once_its_deadline_has_passed() {
        let need = facts(NeedStatus::Published);
        let early = decide(
            &need,
            NeedAction::Expire,
            Who::Platform,
            &rules(),
            need.deadline - Duration::seconds(1),
        );
        assert!(matches!(early, Err(Refusal::NotYet(_))));
        assert!(
            decide(
                &need,
                NeedAction::Expire,
                Who::Platform,
                &rules(),
                need.deadline
            )
            .is_ok()
        );
    }

    #[test]
    fn a_need_with_help_on_its_way_does_not_expire() {
        let mut need = facts(NeedStatus::Published);
        need.pledged = 2;
        let got = decide(
            &need,
            NeedAction::Expire,
            Who::Platform,
            &rules(),
            need.deadline,
        );
        assert!(matches!(got, Err(Refusal::NotYet(_))));
    }

    #[test]
    fn an_objection_pauses_the_notice_clock_until_it_is_dismissed() {
        let mut need = facts(NeedStatus::InNotice);
        let filed_at = t0() + Duration::days(1);
        let filed = decide(&need, NeedAction::Object, Who::Public, &rules(), filed_at).unwrap();
        assert_eq!(filed.to, NeedStatus::Suspended);
        assert_eq!(filed.suspended_at, Some(Some(filed_at)));

        need.status = NeedStatus::Suspended;
        need.suspended_at = Some(filed_at);
        let verifier = county_verifier();
        let dismissed_at = filed_at + Duration::days(2);
        let dismissed = decide(
            &need,
            NeedAction::DismissObjection,
            Who::User(&verifier),
            &rules(),
            dismissed_at,
        )
        .unwrap();
        assert_eq!(dismissed.to, NeedStatus::InNotice);
        // Two days suspended push the end of the notice two days later.
        assert_eq!(
            dismissed.notice_ends_at,
            Some(t0() + Duration::days(3) + Duration::days(2))
        );
        assert_eq!(dismissed.suspended_at, Some(None));
    }

    #[test]
    fn a_dismissed_objection_leaves_the_need_suspended_while_others_are_open() {
        let mut need = facts(NeedStatus::Suspended);
        need.other_open_objections = 1;
        let verifier = county_verifier();
        let change = decide(
            &need,
            NeedAction::DismissObjection,
            Who::User(&verifier),
            &rules(),
            t0() + Duration::days(2),
        )
        .unwrap();
        assert_eq!(change.to, NeedStatus::Suspended);
        assert_eq!(change.events, vec![EventKind::ObjectionDismissed]);
    }

    #[test]
    fn an_objection_after_the_notice_ran_out_is_too_late() {
        let need = facts(NeedStatus::InNotice);
        let got = decide(
            &need,
            NeedAction::Object,
            Who::Public,
            &rules(),
            need.notice_ends_at.unwrap(),
        );
        assert_eq!(got, Err(Refusal::NoticeOver));
    }

    #[test]
    fn a_published_need_with_pledges_cannot_be_withdrawn() {
        let mut need = facts(NeedStatus::Published);
        need.pledged = 3;
        let cadre = cadre();
        let got = decide(
            &need,
            NeedAction::Withdraw,
            Who::User(&cadre),
            &rules(),
            t0(),
        );
        assert_eq!(got, Err(Refusal::HasPledges));
    }

    #[test]
    fn a_draft_is_submitted_only_with_a_deadline_beyond_the_notice_period() {
        let mut need = facts(NeedStatus::Draft);
        need.deadline = t0() + Duration::days(3);
        let cadre = cadre();
        let got = decide(&need, NeedAction::Submit, Who::User(&cadre), &rules(), t0());
        assert_eq!(got, Err(Refusal::DeadlineTooSoon { days: 4 }));
    }

    #[test]
    fn pledge_totals_guard_the_moves_they_drive() {
        let mut need = facts(NeedStatus::Published);
        need.pledged = 9;
        let fill = decide(&need, NeedAction::Fill, Who::Platform, &rules(), t0());
        assert!(matches!(fill, Err(Refusal::NotYet(_))));
        let mut full = facts(NeedStatus::FullyPledged);
        let release = decide(&full, NeedAction::Release, Who::Platform, &rules(), t0());
        assert!(matches!(release, Err(Refusal::NotYet(_))));
        full.received = 9;
        let complete = decide(&full, NeedAction::Complete, Who::Platform, &rules(), t0());
        assert!(matches!(complete, Err(Refusal::NotYet(_))));
    }

    #[test]
    fn the_public_sees_needs_from_their_notice_on() {
        use NeedStatus as S;
        let public: Vec<_> = S::ALL
            .iter()
            .filter(|s| s.is_public(true))
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            public,
            [
                "in_notice",
                "published",
                "fully_pledged",
                "fulfilled",
                "closed",
                "suspended",
                "expired"
            ]
        );
        assert!(!S::Expired.is_public(false), "expired before its notice");
    }

    #[test]
    fn value_caps_apply_per_category() {
        let caps = [(Category::Education, 5_000_000)];
        assert!(!needs_second_verification(
            &caps,
            Category::Education,
            5_000_000
        ));
        assert!(needs_second_verification(
            &caps,
            Category::Education,
            5_000_001
        ));
        assert!(!needs_second_verification(
            &caps,
            Category::Housing,
            i64::MAX
        ));
    }
}

/// Hostile input (issue #18): a need driven by random actions of random actors at random
/// times, with pledges coming and going through the pledge arithmetic, never leaves the edges of
/// the state machine, never lets the wrong side act, and never passes its target.
#[cfg(test)]
mod properties {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::pledge::{check_quantity, receipt};
    use crate::hostile::{VILLAGE, actors, check};

    /// Who tries an action: one of [`actors`], a visitor, or the platform.
    #[derive(Debug, Clone, Copy)]
    enum By {
        Actor(usize),
        Public,
        Platform,
    }

    /// What happens between two attempts.
    #[derive(Debug, Clone, Copy)]
    enum Pledging {
        Nothing,
        /// A donor pledges this much (refused unless the need is open and it fits).
        Pledge(i64),
        /// The oldest open pledge is cancelled or expires.
        Release,
        /// The oldest open pledge arrives, this much of it.
        Receive(i64),
    }

    fn pledging() -> impl Strategy<Value = Pledging> {
        prop_oneof![
            2 => Just(Pledging::Nothing),
            3 => crate::hostile::quantity().prop_map(Pledging::Pledge),
            1 => Just(Pledging::Release),
            2 => (1i64..10).prop_map(Pledging::Receive),
        ]
    }

    /// The moves the design draws (the module's diagram), with the guards each one needs.
    fn edge(from: NeedStatus, action: NeedAction, to: NeedStatus) -> bool {
        use NeedAction as A;
        use NeedStatus as S;
        matches!(
            (from, action, to),
            (S::Draft | S::TakenDown, A::Edit, S::Draft | S::TakenDown)
                | (S::Draft | S::TakenDown, A::Submit, S::Submitted)
                | (
                    S::Submitted,
                    A::Verify,
                    S::Verified | S::InNotice | S::Published
                )
                | (S::Verified, A::Verify, S::InNotice | S::Published)
                | (S::Submitted | S::Verified, A::Reject, S::Rejected)
                | (
                    S::Draft
                        | S::Submitted
                        | S::Verified
                        | S::InNotice
                        | S::Published
                        | S::TakenDown,
                    A::Withdraw,
                    S::Withdrawn
                )
                | (
                    S::InNotice | S::Published | S::FullyPledged,
                    A::TakeDown,
                    S::TakenDown
                )
                | (S::InNotice | S::Suspended, A::Object, S::Suspended)
                | (S::Suspended, A::UpholdObjection, S::Rejected)
                | (
                    S::Suspended,
                    A::DismissObjection,
                    S::Suspended | S::InNotice
                )
                | (S::InNotice, A::EndNotice, S::Published | S::FullyPledged)
                | (
                    S::Submitted | S::Verified | S::InNotice | S::Published,
                    A::Expire,
                    S::Expired
                )
                | (S::Published, A::Fill, S::FullyPledged)
                | (S::FullyPledged, A::Release, S::Published)
                | (S::FullyPledged, A::Complete, S::Fulfilled)
                | (S::Fulfilled, A::Close, S::Closed)
                | (S::TakenDown, A::Close, S::Rejected)
        ) && (action != A::Edit || from == to)
    }

    #[test]
    fn random_actions_by_random_actors_keep_a_need_on_its_edges_and_within_its_target() {
        let actors = actors();
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let by = prop_oneof![
            6 => (0..actors.len()).prop_map(By::Actor),
            1 => Just(By::Public),
            2 => Just(By::Platform),
        ];
        check(
            "need: state machine, random actions by random actors",
            1024,
            (
                (
                    1i64..60,
                    prop_oneof![Just(1i64), 1i64..10],
                    0i64..5,
                    1i64..60,
                ),
                (0usize..actors.len(), any::<bool>()),
                proptest::collection::vec(
                    (
                        proptest::sample::select(NeedAction::ALL.to_vec()),
                        by,
                        0i64..36,
                        pledging(),
                        0u64..3,
                    ),
                    1..60,
                ),
            ),
            |((target, minimum, notice_days, deadline_days), (creator, second), steps)| {
                let rules = Rules {
                    notice: Duration::days(notice_days),
                };
                let mut facts = NeedFacts {
                    status: NeedStatus::Draft,
                    village: RegionCode::parse(VILLAGE).unwrap(),
                    created_by: actors[creator].user_id,
                    verified_by: None,
                    requires_second_verification: second,
                    target,
                    pledged: 0,
                    received: 0,
                    deadline: t0 + Duration::days(deadline_days),
                    notice_ends_at: None,
                    suspended_at: None,
                    other_open_objections: 0,
                };
                // The quantities of the open pledges, oldest first.
                let mut open: Vec<i64> = Vec::new();
                let mut now = t0;
                for (action, who, hours, pledging, objections) in steps {
                    now += Duration::hours(hours);
                    facts.other_open_objections = objections;
                    match pledging {
                        Pledging::Pledge(q)
                            if facts.status.accepts_pledges()
                                && check_quantity(q, minimum, facts.target - facts.pledged)
                                    .is_ok() =>
                        {
                            facts.pledged += q;
                            open.push(q);
                        }
                        Pledging::Release if !open.is_empty() => {
                            facts.pledged -= open.remove(0);
                        }
                        Pledging::Receive(q) if !open.is_empty() => {
                            if let Ok(r) = receipt(open[0], q.min(open[0])) {
                                open.remove(0);
                                facts.received += r.received;
                                facts.pledged -= r.released;
                            }
                        }
                        _ => {}
                    }
                    prop_assert!((0..=facts.pledged).contains(&facts.received));
                    prop_assert!(facts.pledged <= facts.target, "over-pledged: {facts:?}");

                    let who = match who {
                        By::Actor(i) => Who::User(&actors[i]),
                        By::Public => Who::Public,
                        By::Platform => Who::Platform,
                    };
                    let from = facts.status;
                    let decided = decide(&facts, action, who, &rules, now);
                    let terminal = matches!(
                        from,
                        NeedStatus::Closed
                            | NeedStatus::Rejected
                            | NeedStatus::Withdrawn
                            | NeedStatus::Expired
                    );
                    let Ok(change) = decided else { continue };
                    prop_assert!(!terminal, "{from} moved on by {action:?}");
                    prop_assert_eq!(change.from, from);
                    prop_assert!(
                        edge(from, action, change.to),
                        "no such edge: {from} {action:?} {}",
                        change.to
                    );

                    // Only the side allowed acts.
                    let platform_action = matches!(
                        action,
                        NeedAction::EndNotice
                            | NeedAction::Expire
                            | NeedAction::Fill
                            | NeedAction::Release
                            | NeedAction::Complete
                    );
                    match who {
                        Who::Platform => {
                            prop_assert!(platform_action || action == NeedAction::Object)
                        }
                        Who::Public => prop_assert_eq!(action, NeedAction::Object),
                        Who::User(actor) => {
                            prop_assert!(!platform_action);
                            let permission = match action {
                                NeedAction::Close if from == NeedStatus::TakenDown => {
                                    Some(Action::TakeDownNeed)
                                }
                                NeedAction::Edit
                                | NeedAction::Submit
                                | NeedAction::Withdraw
                                | NeedAction::Close => Some(Action::RecordNeed),
                                NeedAction::Verify | NeedAction::Reject => Some(Action::VerifyNeed),
                                NeedAction::TakeDown => Some(Action::TakeDownNeed),
                                NeedAction::UpholdObjection | NeedAction::DismissObjection => {
                                    Some(Action::HandleObjection)
                                }
                                _ => None,
                            };
                            if let Some(permission) = permission {
                                prop_assert!(
                                    authorize(actor, permission, Target::Region(&facts.village))
                                        .is_ok()
                                );
                            }
                            let own = actor.user_id == facts.created_by;
                            let judging = matches!(
                                action,
                                NeedAction::Verify
                                    | NeedAction::Reject
                                    | NeedAction::TakeDown
                                    | NeedAction::UpholdObjection
                                    | NeedAction::DismissObjection
                            ) || (action == NeedAction::Close
                                && from == NeedStatus::TakenDown);
                            prop_assert!(!(own && judging), "{action:?} on their own need");
                            if change.verification == Some(Verification::Second) {
                                prop_assert_ne!(facts.verified_by, Some(actor.user_id));
                            }
                        }
                    }

                    // The guards the totals and the clock hold.
                    match (action, change.to) {
                        (NeedAction::Withdraw, _) => prop_assert_eq!(facts.pledged, 0),
                        (NeedAction::Fill, _)
                        | (NeedAction::EndNotice, NeedStatus::FullyPledged) => {
                            prop_assert!(facts.pledged >= facts.target)
                        }
                        (NeedAction::Release, _) => prop_assert!(facts.pledged < facts.target),
                        (NeedAction::Complete, _) => prop_assert!(facts.received >= facts.target),
                        (NeedAction::Expire, _) => {
                            prop_assert!(now >= facts.deadline && facts.pledged <= facts.received)
                        }
                        (NeedAction::EndNotice, _) => {
                            prop_assert!(facts.notice_ends_at.is_some_and(|end| now >= end))
                        }
                        (NeedAction::Close, NeedStatus::Rejected) => {
                            prop_assert!(facts.pledged <= facts.received)
                        }
                        (NeedAction::Submit, _) => {
                            prop_assert!(facts.deadline >= rules.earliest_deadline(now))
                        }
                        _ => {}
                    }

                    // Apply the change as the service does.
                    facts.status = change.to;
                    if let Some(end) = change.notice_ends_at {
                        facts.notice_ends_at = Some(end);
                    }
                    if let Some(suspended) = change.suspended_at {
                        facts.suspended_at = suspended;
                    }
                    if let (Some(Verification::First), Who::User(actor)) =
                        (change.verification, who)
                    {
                        facts.verified_by = Some(actor.user_id);
                    }
                    if change.to == NeedStatus::Submitted {
                        facts.verified_by = None;
                    }
                }
                Ok(())
            },
        );
    }
}
