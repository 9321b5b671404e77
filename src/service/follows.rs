//! Follows (关注) and alerts: anyone signed in follows a region, a category, a pairing or an
//! organisation and hears of each need published inside it, at once or in a daily digest; an
//! organisation's people hear too of each published need one of its live offers could fill.
//! The alerts are written in the transaction that publishes the need (one per person and need),
//! and go out through the outbox like every mail; each follow can be left by one click.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::follow::{AlertMode, FollowKind, FollowTarget, PublishedNeed, inside};
use crate::domain::matching::{Bond, Looking, assess};
use crate::domain::offer::Offerer;
use crate::domain::pairing::PairingStatus;
use crate::domain::projection::NeedRecord;
use crate::domain::region::place_name;
use crate::error::{ApiError, FieldError};
use crate::service::Context;
use crate::service::offers::{bonds_of, matching};
use crate::service::paging::Paging;
use crate::store::accounts::User;
use crate::store::audit::{self, Origin};
use crate::store::follows::{self as follow_store, Follow, NewAlert};
use crate::store::offers as offer_store;
use crate::store::organisations as organisation_store;
use crate::store::outbox::{self, Message};
use crate::store::pairings as pairing_store;
use crate::store::regions as region_store;
use crate::validation::request_body;

/// The most follows one person keeps.
const MAX_FOLLOWS: usize = 100;
/// Live offers of a need's category read to find the organisations to alert.
const OFFERS_READ: u64 = 500;
/// Digests sent per tick; more wait for the next.
const DIGESTS_PER_TICK: u64 = 500;

request_body! {
    /// A follow: what it names, and how its alerts come.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct NewFollow {
        /// `region`, `category`, `pairing` or `organisation`.
        #[schema(value_type = FollowKind)]
        #[rule(one_of(FollowKind))]
        pub target_kind: String,
        /// A region code (any level), a category code, or a pairing's or an organisation's id.
        #[rule(length(min = 1, max = 24))]
        pub target: String,
        /// `instant` (the default) or `daily`.
        #[schema(value_type = Option<AlertMode>)]
        #[rule(one_of(AlertMode))]
        pub mode: Option<String>,
    }
}

request_body! {
    /// A follow's new mode.
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct FollowChange {
        #[schema(value_type = AlertMode)]
        #[rule(one_of(AlertMode))]
        pub mode: String,
    }
}

/// A follow as its person sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowView {
    pub id: i64,
    pub target_kind: FollowKind,
    pub target: String,
    /// What it names, in words: `广东省梅州市`, `教育助学`, a pairing's or organisation's name.
    pub label: String,
    pub mode: AlertMode,
    pub created_at: DateTime<Utc>,
}

/// The words for what a follow names (empty when it is gone).
pub(crate) async fn label(
    db: &impl ConnectionTrait,
    target: &FollowTarget,
) -> Result<String, ApiError> {
    Ok(match target {
        FollowTarget::Region(code) => {
            let lineage: Vec<String> = code
                .lineage()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect();
            let names = region_store::names(db, &lineage).await?;
            place_name(
                &lineage
                    .iter()
                    .map(|c| names.get(c).cloned().unwrap_or_default())
                    .collect::<Vec<_>>(),
            )
        }
        FollowTarget::Category(category) => category.label_zh().to_owned(),
        FollowTarget::Pairing(id) => pairing_store::find(db, *id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default(),
        FollowTarget::Organisation(id) => organisation_store::find(db, *id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
    })
}

async fn view(db: &impl ConnectionTrait, follow: &Follow) -> Result<FollowView, ApiError> {
    Ok(FollowView {
        id: follow.id,
        target_kind: follow.target.kind(),
        target: follow.target.value(),
        label: label(db, &follow.target).await?,
        mode: follow.mode,
        created_at: follow.created_at,
    })
}

/// One page of the caller's follows, oldest first, and how many they have.
pub async fn mine(
    app: &Context,
    user: &User,
    paging: Paging,
) -> Result<(Vec<FollowView>, u64), ApiError> {
    let (follows, total) =
        follow_store::of_user_page(&app.db, user.id, paging.page, paging.per_page).await?;
    let mut out = Vec::with_capacity(follows.len());
    for follow in &follows {
        out.push(view(&app.db, follow).await?);
    }
    Ok((out, total))
}

/// Whether what a target names exists (and, for an organisation, is verified: public).
async fn exists(db: &impl ConnectionTrait, target: &FollowTarget) -> Result<bool, ApiError> {
    Ok(match target {
        FollowTarget::Region(code) => region_store::find(db, code).await?.is_some(),
        FollowTarget::Category(_) => true,
        FollowTarget::Pairing(id) => pairing_store::find(db, *id).await?.is_some(),
        FollowTarget::Organisation(id) => organisation_store::find(db, *id)
            .await?
            .is_some_and(|o| o.verified_at.is_some()),
    })
}

/// Follows something (or changes the mode of a follow the caller has of it already).
pub async fn follow(
    app: &Context,
    user: &User,
    new: NewFollow,
    origin: &Origin,
) -> Result<FollowView, ApiError> {
    new.validate()?;
    let now = app.clock.now();
    let kind = FollowKind::parse(&new.target_kind)
        .ok_or_else(|| ApiError::internal("a follow's kind passed its rule unparsed"))?;
    let mode = match new.mode.as_deref() {
        None => AlertMode::Instant,
        Some(m) => AlertMode::parse(m)
            .ok_or_else(|| ApiError::internal("a follow's mode passed its rule unparsed"))?,
    };
    let target = FollowTarget::parse(kind, &new.target).map_err(|_| {
        let error = match kind {
            // What a target must be is the kind's to say, not the document's.
            FollowKind::Region => FieldError::new(crate::error::FieldCode::RegionLevel)
                .levels(crate::domain::region::Level::ALL.iter().map(|l| l.as_str()))
                .field("target_kind"),
            FollowKind::Category => FieldError::one_of_with(
                "target_kind",
                crate::domain::need::Category::ALL
                    .iter()
                    .map(|c| c.as_str()),
            ),
            FollowKind::Pairing | FollowKind::Organisation => FieldError::not_found_reference(),
        };
        ApiError::field(
            "target",
            error.because(format!("is not a {kind} to follow")),
        )
    })?;
    let txn = crate::store::begin_write(&app.db).await?;
    if !exists(&txn, &target).await? {
        return Err(ApiError::field(
            "target",
            FieldError::not_found_reference().because("names nothing on record to follow"),
        ));
    }
    let existing = follow_store::of_user(&txn, user.id).await?;
    if existing.len() >= MAX_FOLLOWS && !existing.iter().any(|f| f.target == target) {
        return Err(ApiError::field(
            "target",
            FieldError::exceeds(MAX_FOLLOWS as i64).because("at most 100 follows; leave one first"),
        ));
    }
    let follow = follow_store::upsert(&txn, user.id, &target, mode, now).await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "follow.create",
        "follow",
        follow.id,
        None,
        Some(serde_json::json!({"target_kind": kind, "target": target.value(), "mode": mode})),
    )
    .await?;
    let view = view(&txn, &follow).await?;
    txn.commit().await?;
    Ok(view)
}

async fn own(db: &impl ConnectionTrait, user: &User, id: i64) -> Result<Follow, ApiError> {
    follow_store::find(db, id)
        .await?
        .filter(|f| f.user_id == user.id)
        .ok_or_else(|| ApiError::not_found("follow"))
}

/// Changes how a follow's alerts come.
pub async fn change(
    app: &Context,
    user: &User,
    id: i64,
    change: FollowChange,
) -> Result<FollowView, ApiError> {
    change.validate()?;
    let mode = AlertMode::parse(&change.mode)
        .ok_or_else(|| ApiError::internal("a follow's mode passed its rule unparsed"))?;
    let txn = crate::store::begin_write(&app.db).await?;
    let mut follow = own(&txn, user, id).await?;
    follow_store::set_mode(&txn, id, mode).await?;
    follow.mode = mode;
    let view = view(&txn, &follow).await?;
    txn.commit().await?;
    Ok(view)
}

/// Leaves a follow.
pub async fn unfollow(
    app: &Context,
    user: &User,
    id: i64,
    origin: &Origin,
) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(&app.db).await?;
    let follow = own(&txn, user, id).await?;
    follow_store::delete(&txn, follow.id).await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "follow.delete",
        "follow",
        follow.id,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Writes the alerts of a need just published, inside the transaction that publishes it:
/// everyone whose follows it falls inside, and the people of organisations with a live offer
/// that could fill it — each person once — and the outbox row of the instant ones.
pub(crate) async fn on_published(
    txn: &impl ConnectionTrait,
    need: &NeedRecord,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let pairings: Vec<_> = pairing_store::list(txn, None, Some(&need.village))
        .await?
        .into_iter()
        .filter(|p| {
            p.status == PairingStatus::Active && p.targets.iter().any(|t| t.contains(&need.village))
        })
        .collect();
    let pairing_ids: Vec<i64> = pairings.iter().map(|p| p.id).collect();
    let mut organisations: Vec<i64> = pairings
        .iter()
        .flat_map(|p| {
            p.helper_organisation_id
                .into_iter()
                .chain(p.members.clone())
        })
        .collect();
    organisations.sort_unstable();
    organisations.dedup();
    let published = PublishedNeed {
        village: &need.village,
        category: need.category,
        pairings: &pairing_ids,
        organisations: &organisations,
    };
    let mut targets: Vec<FollowTarget> = need
        .village
        .lineage()
        .into_iter()
        .map(FollowTarget::Region)
        .collect();
    targets.push(FollowTarget::Category(need.category));
    targets.extend(pairing_ids.iter().map(|id| FollowTarget::Pairing(*id)));
    targets.extend(
        organisations
            .iter()
            .map(|id| FollowTarget::Organisation(*id)),
    );

    // Each person once: through their first instant follow if they have one, else their first.
    let mut alerts: BTreeMap<i64, NewAlert> = BTreeMap::new();
    for follow in follow_store::of_targets(txn, &targets).await? {
        if !inside(&follow.target, &published) {
            continue;
        }
        let candidate = NewAlert {
            user_id: follow.user_id,
            follow_id: Some(follow.id),
            mode: follow.mode,
        };
        alerts
            .entry(follow.user_id)
            .and_modify(|a| {
                if a.mode == AlertMode::Daily && candidate.mode == AlertMode::Instant {
                    *a = candidate;
                }
            })
            .or_insert(candidate);
    }
    // The people of organisations whose live offers could fill it, at once.
    let offers = offer_store::live_fitting(txn, need.category, need.unit, now, OFFERS_READ).await?;
    let mut bonds: HashMap<Offerer, Vec<Bond>> = HashMap::new();
    let mut fitting: Vec<Offerer> = Vec::new();
    for offer in &offers {
        if fitting.contains(&offer.offerer) {
            continue;
        }
        if let Entry::Vacant(slot) = bonds.entry(offer.offerer) {
            slot.insert(bonds_of(txn, offer.offerer).await?);
        }
        let side = matching::offer_side(offer, &bonds[&offer.offerer]);
        if assess(&matching::need_side(need), &side, Looking::ForNeeds, now).is_some() {
            fitting.push(offer.offerer);
        }
    }
    for offerer in fitting {
        let people = match offerer {
            Offerer::Organisation(org) => organisation_store::people(txn, org).await?,
            Offerer::Person(user) => vec![user],
        };
        for user_id in people {
            alerts.insert(
                user_id,
                NewAlert {
                    user_id,
                    follow_id: None,
                    mode: AlertMode::Instant,
                },
            );
        }
    }
    let alerts: Vec<NewAlert> = alerts.into_values().collect();
    follow_store::insert_alerts(txn, need.id, &alerts, now).await?;
    if alerts.iter().any(|a| a.mode == AlertMode::Instant) {
        outbox::enqueue(txn, &Message::MailNeedAlert { need_id: need.id }, now).await?;
    }
    Ok(())
}

/// Sends the daily digests due: each follow's daily alerts written before today (in Beijing)
/// that no digest carried, claimed for today's digest and its mail queued in one transaction.
/// Returns how many digests were queued.
pub(crate) async fn send_digests(app: &Context) -> Result<usize, ApiError> {
    let now = app.clock.now();
    let today = crate::clock::in_beijing(now).date_naive();
    let midnight = crate::clock::in_beijing(now)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        - Duration::hours(8);
    let mut sent = 0;
    for follow_id in
        follow_store::follows_due_for_digest(&app.db, midnight, DIGESTS_PER_TICK).await?
    {
        let txn = crate::store::begin_write(&app.db).await?;
        if follow_store::claim_digest(&txn, follow_id, today, midnight).await? > 0 {
            outbox::enqueue(
                &txn,
                &Message::MailAlertDigest {
                    follow_id,
                    day: today,
                },
                now,
            )
            .await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

/// The token of a follow's one-click unsubscribe link: `<user>.follow-<id>.<signature>`.
pub fn unfollow_token(app: &Context, user_id: i64, follow_id: i64) -> String {
    let claim = format!("{user_id}.follow-{follow_id}");
    let signature = app.sealer.sign_link(&format!("unsubscribe/{claim}"));
    format!("{claim}.{signature}")
}

/// The follow a genuine unfollow token names: `(user, follow)`.
pub fn read_unfollow_token(app: &Context, token: &str) -> Option<(i64, i64)> {
    let mut parts = token.trim().splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    let follow_id: i64 = parts.next()?.strip_prefix("follow-")?.parse().ok()?;
    let signature = parts.next()?;
    app.sealer
        .verify_link(
            &format!("unsubscribe/{user_id}.follow-{follow_id}"),
            signature,
        )
        .then_some((user_id, follow_id))
}

/// Leaves the follow a genuine token names. Returns the account's language and what the follow
/// named; `None` for a token that is not genuine, or a follow already left.
pub async fn unfollow_by_token(
    app: &Context,
    token: &str,
    origin: &Origin,
) -> Result<Option<(crate::domain::locale::Locale, String)>, ApiError> {
    let Some((user_id, follow_id)) = read_unfollow_token(app, token) else {
        return Ok(None);
    };
    let Some(user) = crate::store::accounts::find(&app.db, user_id).await? else {
        return Ok(None);
    };
    let Some(follow) = follow_store::find(&app.db, follow_id)
        .await?
        .filter(|f| f.user_id == user_id)
    else {
        return Ok(None);
    };
    let named = label(&app.db, &follow.target).await?;
    unfollow(app, &user, follow_id, origin).await?;
    Ok(Some((
        crate::domain::locale::Locale::of_stored(&user.locale),
        named,
    )))
}
