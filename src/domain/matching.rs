//! Matching (对接) both ways: for a need, the offers that could fill it; for an offer, the
//! needs it could fill. One pure rule, [`assess`], says whether a need and an offer are
//! candidates for each other and how well they fit, with the reasons shown beside each
//! suggestion ("结对帮扶 · 同县 · 可满足 80%").
//!
//! **Candidates.** Both live (the need published and before its deadline; the offer published
//! and before its `valid_until`), something left on both sides, the offer [`fits`] the need
//! (category, and a unit it can be counted against), what is left of the offer pays for at
//! least the need's smallest pledge, and the need's village inside the offer's reach: its
//! pairings' regions, the regions it names, or anywhere.
//!
//! **Order.** A score, the sum of these parts, whose weights fall in the order the platform
//! ranks by (a pairing outweighs everything below it together, and so on down):
//!
//! | part | points |
//! | --- | ---: |
//! | a pairing binds them (万企帮万村 village, 对口帮扶 city or county, 定点 unit) | 10,000 |
//! | urgency: critical / urgent | 2,000 / 1,000 |
//! | deadline within 7 / 30 days | 800 / 400 |
//! | how much of what the need has left the offer covers | 5 a percent (≤ 500) |
//! | closeness: the tightest reach region holding the village is a village … province | 250, 200, 150, 100, 50 |
//! | recency: the newer side (the need's listing for an offer's view, the offer's publication for a need's) | 40 − days old (≥ 0) |
//!
//! Ties go to the lower id (the older record), so an order never depends on how rows came back.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::need::{Category, NeedStatus, Unit, Urgency};
use super::offer::{Destination, OfferKind, OfferStatus, coverable, fits};
use super::pairing::Program;
use super::region::{Level, RegionCode};

/// What matching knows of a need.
#[derive(Debug, Clone)]
pub struct NeedSide<'a> {
    pub id: i64,
    pub status: NeedStatus,
    pub category: Category,
    pub unit: Unit,
    pub unit_value_fen: i64,
    /// Target less pledged.
    pub remaining: i64,
    pub min_pledge: i64,
    pub urgency: Urgency,
    pub deadline: DateTime<Utc>,
    pub village: &'a RegionCode,
    /// When it went public.
    pub listed_at: DateTime<Utc>,
}

/// What matching knows of an offer.
#[derive(Debug, Clone)]
pub struct OfferSide<'a> {
    pub id: i64,
    pub status: OfferStatus,
    pub kind: OfferKind,
    pub category: Category,
    pub unit: Unit,
    pub remaining: i64,
    pub valid_until: DateTime<Utc>,
    pub published_at: DateTime<Utc>,
    pub destination: Destination,
    /// The regions it names (for [`Destination::Regions`]).
    pub regions: &'a [RegionCode],
    /// The regions the offerer's pairings help, with their programmes: where
    /// [`Destination::Pairings`] goes, and what binds it to a need anywhere.
    pub bonds: &'a [Bond],
}

/// A region one of the offerer's active pairings helps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bond {
    pub program: Program,
    pub region: RegionCode,
}

/// Why a suggestion was made, one fact at a time, for the interface to say in its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MatchReason {
    /// A pairing of this programme binds the offerer to the need's region (结对帮扶).
    Paired { program: Program },
    /// The tightest region of the offer's reach that holds the need's village is at this level
    /// (同村, 同镇, 同县, 同市, 同省).
    Near {
        #[schema(value_type = String, example = "county")]
        level: Level,
    },
    /// The offer goes anywhere (不限地区).
    Anywhere,
    /// The need is urgent or critical.
    Urgency { urgency: Urgency },
    /// The need's deadline is this many days away (within 30).
    Deadline { days: i64 },
    /// The offer covers this share of what the need has left (可满足 80%).
    Covers { percent: u8 },
}

/// How an offer and a need fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub score: u32,
    /// In the order the parts weigh.
    pub reasons: Vec<MatchReason>,
    /// How much of the need (in its unit) the offer can pay for now, at most what it has left.
    pub coverable: i64,
}

/// Which side's recency counts: a need looking for offers prefers new offers, an offer looking
/// for needs new needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looking {
    ForOffers,
    ForNeeds,
}

pub const PAIRED: u32 = 10_000;

/// Whether `need` and `offer` are candidates for each other at `now`, and how well they fit.
pub fn assess(
    need: &NeedSide<'_>,
    offer: &OfferSide<'_>,
    looking: Looking,
    now: DateTime<Utc>,
) -> Option<Fit> {
    let need_live = need.status.accepts_pledges() && now < need.deadline && need.remaining > 0;
    let offer_live =
        offer.status == OfferStatus::Published && now < offer.valid_until && offer.remaining > 0;
    if !need_live || !offer_live {
        return None;
    }
    if !fits(
        (offer.kind, offer.category, offer.unit),
        (need.category, need.unit),
    ) {
        return None;
    }
    let can_pay =
        coverable(offer.unit, need.unit, need.unit_value_fen, offer.remaining).min(need.remaining);
    if can_pay < need.min_pledge.max(1) {
        return None;
    }
    let reach: Vec<&RegionCode> = match offer.destination {
        Destination::Anywhere => Vec::new(),
        Destination::Regions => offer.regions.iter().collect(),
        Destination::Pairings => offer.bonds.iter().map(|b| &b.region).collect(),
    };
    let near = reach
        .iter()
        .filter(|r| r.contains(need.village))
        .map(|r| r.level())
        .max();
    if offer.destination != Destination::Anywhere && near.is_none() {
        return None;
    }

    let mut score = 0;
    let mut reasons = Vec::new();
    if let Some(bond) = offer
        .bonds
        .iter()
        .filter(|b| b.region.contains(need.village))
        .max_by_key(|b| b.region.level())
    {
        score += PAIRED;
        reasons.push(MatchReason::Paired {
            program: bond.program,
        });
    }
    score += match need.urgency {
        Urgency::Critical => 2_000,
        Urgency::Urgent => 1_000,
        Urgency::Normal => 0,
    };
    if need.urgency != Urgency::Normal {
        reasons.push(MatchReason::Urgency {
            urgency: need.urgency,
        });
    }
    let days_left = (need.deadline - now).num_days();
    if days_left <= 30 {
        score += if days_left <= 7 { 800 } else { 400 };
        reasons.push(MatchReason::Deadline { days: days_left });
    }
    let percent = (i128::from(can_pay) * 100 / i128::from(need.remaining)).clamp(0, 100) as u8;
    score += 5 * u32::from(percent);
    reasons.push(MatchReason::Covers { percent });
    match near {
        Some(level) => {
            score += closeness(level);
            reasons.push(MatchReason::Near { level });
        }
        None => reasons.push(MatchReason::Anywhere),
    }
    let since = match looking {
        Looking::ForOffers => offer.published_at,
        Looking::ForNeeds => need.listed_at,
    };
    score += 40u32.saturating_sub((now - since).num_days().clamp(0, 40) as u32);
    Some(Fit {
        score,
        reasons,
        coverable: can_pay,
    })
}

fn closeness(level: Level) -> u32 {
    match level {
        Level::Village => 250,
        Level::Town => 200,
        Level::County => 150,
        Level::City => 100,
        Level::Province => 50,
    }
}

/// Best first: by score, then the lower id.
pub fn rank<T>(candidates: &mut [(i64, Fit, T)]) {
    candidates.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn need(village: &RegionCode) -> NeedSide<'_> {
        NeedSide {
            id: 1,
            status: NeedStatus::Published,
            category: Category::Education,
            unit: Unit::Set,
            unit_value_fen: 30_000,
            remaining: 50,
            min_pledge: 1,
            urgency: Urgency::Normal,
            deadline: now() + Duration::days(90),
            village,
            listed_at: now() - Duration::days(100),
        }
    }

    fn offer<'a>(regions: &'a [RegionCode], bonds: &'a [Bond]) -> OfferSide<'a> {
        OfferSide {
            id: 1,
            status: OfferStatus::Published,
            kind: OfferKind::Goods,
            category: Category::Education,
            unit: Unit::Set,
            remaining: 40,
            valid_until: now() + Duration::days(60),
            published_at: now() - Duration::days(100),
            destination: Destination::Regions,
            regions,
            bonds,
        }
    }

    #[test]
    fn a_candidate_is_live_in_reach_and_fits() {
        let village = code("441426100200");
        let county = [code("441426")];
        let other = [code("441825")];
        let n = need(&village);
        let fit = assess(&n, &offer(&county, &[]), Looking::ForOffers, now()).unwrap();
        assert_eq!(
            fit.reasons,
            [
                MatchReason::Covers { percent: 80 },
                MatchReason::Near {
                    level: Level::County
                }
            ]
        );
        assert_eq!(fit.score, 5 * 80 + 150);
        assert_eq!(fit.coverable, 40);
        assert!(assess(&n, &offer(&other, &[]), Looking::ForOffers, now()).is_none());

        let mut paused = offer(&county, &[]);
        paused.status = OfferStatus::Paused;
        assert!(assess(&n, &paused, Looking::ForOffers, now()).is_none());
        let mut late = offer(&county, &[]);
        late.valid_until = now();
        assert!(assess(&n, &late, Looking::ForOffers, now()).is_none());
        let mut filled = need(&village);
        filled.remaining = 0;
        assert!(assess(&filled, &offer(&county, &[]), Looking::ForOffers, now()).is_none());
        let mut in_notice = need(&village);
        in_notice.status = NeedStatus::InNotice;
        assert!(assess(&in_notice, &offer(&county, &[]), Looking::ForOffers, now()).is_none());
        let mut items = need(&village);
        items.unit = Unit::Item;
        assert!(assess(&items, &offer(&county, &[]), Looking::ForOffers, now()).is_none());
        let mut big_minimum = need(&village);
        big_minimum.min_pledge = 41;
        assert!(
            assess(
                &big_minimum,
                &offer(&county, &[]),
                Looking::ForOffers,
                now()
            )
            .is_none()
        );
    }

    #[test]
    fn an_offer_to_its_pairings_goes_where_they_help_and_ranks_first_there() {
        let village = code("441426100200");
        let bonds = [Bond {
            program: Program::Duikou,
            region: code("441426"),
        }];
        let mut paired = offer(&[], &bonds);
        paired.destination = Destination::Pairings;
        let n = need(&village);
        let fit = assess(&n, &paired, Looking::ForOffers, now()).unwrap();
        assert_eq!(
            fit.reasons[0],
            MatchReason::Paired {
                program: Program::Duikou
            }
        );
        assert!(fit.score >= PAIRED);
        let elsewhere = code("441825100001");
        assert!(assess(&need(&elsewhere), &paired, Looking::ForOffers, now()).is_none());

        // Going anywhere, a pairing still binds where it helps.
        let mut anywhere = offer(&[], &bonds);
        anywhere.destination = Destination::Anywhere;
        let bound = assess(&n, &anywhere, Looking::ForOffers, now()).unwrap();
        let free = assess(&need(&elsewhere), &anywhere, Looking::ForOffers, now()).unwrap();
        assert!(bound.score > free.score);
        assert_eq!(free.reasons.last(), Some(&MatchReason::Anywhere));
    }

    #[test]
    fn the_parts_weigh_in_their_order() {
        let village = code("441426100200");
        let county = [code("441426")];
        let village_reach = [code("441426100200")];
        let o = offer(&county, &[]);
        let mut urgent = need(&village);
        urgent.urgency = Urgency::Urgent;
        urgent.remaining = 1_000; // covered 4 %
        let calm = need(&village); // covered 80 %
        let a = assess(&urgent, &o, Looking::ForOffers, now()).unwrap();
        let b = assess(&calm, &o, Looking::ForOffers, now()).unwrap();
        assert!(a.score > b.score, "urgency outweighs coverage");

        let mut soon = need(&village);
        soon.deadline = now() + Duration::days(5);
        let s = assess(&soon, &o, Looking::ForOffers, now()).unwrap();
        assert!(s.score > b.score);
        assert!(s.reasons.contains(&MatchReason::Deadline { days: 5 }));

        let near = assess(
            &calm,
            &offer(&village_reach, &[]),
            Looking::ForOffers,
            now(),
        )
        .unwrap();
        assert!(
            near.score > b.score,
            "a village reach is closer than a county"
        );

        let mut fresh = offer(&county, &[]);
        fresh.published_at = now();
        let f = assess(&calm, &fresh, Looking::ForOffers, now()).unwrap();
        assert_eq!(f.score, b.score + 40);
        // An offer looking for needs values the need's recency instead.
        assert_eq!(
            assess(&calm, &fresh, Looking::ForNeeds, now())
                .unwrap()
                .score,
            b.score
        );
    }

    #[test]
    fn a_budget_covers_a_produce_need_by_its_value() {
        let village = code("441426100200");
        let county = [code("441426")];
        let mut honey = need(&village);
        honey.category = Category::Consumption;
        honey.unit = Unit::Kg;
        honey.unit_value_fen = 8_000;
        honey.remaining = 500;
        let mut budget = offer(&county, &[]);
        budget.kind = OfferKind::Purchasing;
        budget.category = Category::Consumption;
        budget.unit = Unit::Money;
        budget.remaining = 2_000_000; // 250 kg
        let fit = assess(&honey, &budget, Looking::ForOffers, now()).unwrap();
        assert_eq!(fit.coverable, 250);
        assert!(fit.reasons.contains(&MatchReason::Covers { percent: 50 }));
    }

    #[test]
    fn ties_go_to_the_older_record() {
        let fit = |score| Fit {
            score,
            reasons: vec![],
            coverable: 1,
        };
        let mut list = vec![(3, fit(10), ()), (1, fit(10), ()), (2, fit(20), ())];
        rank(&mut list);
        assert_eq!(list.iter().map(|c| c.0).collect::<Vec<_>>(), [2, 1, 3]);
    }
}

/// Hostile input (issue #18): any need against any offer, with figures at the edges of `i64`
/// and dates decades apart: a suggestion is only made within the rules, and what it says it
/// covers can be pledged.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::domain::offer::offer_cost;
    use crate::hostile::{check, quantity};

    fn code_near(village: &str) -> impl Strategy<Value = RegionCode> {
        let village = village.to_owned();
        (0usize..5, any::<bool>(), "[0-9]{12}").prop_map(move |(level, here, elsewhere)| {
            let base = if here { &village } else { &elsewhere };
            RegionCode::parse(&base[..Level::ALL[level].code_len()]).unwrap()
        })
    }

    fn moment() -> impl Strategy<Value = DateTime<Utc>> {
        // 1970 to about 2100, by the minute.
        (0i64..68_000_000).prop_map(|m| Utc.timestamp_opt(0, 0).unwrap() + Duration::minutes(m))
    }

    #[test]
    fn a_suggestion_is_made_only_within_the_rules_and_covers_what_can_be_pledged() {
        let village = RegionCode::parse("441426100200").unwrap();
        check(
            "matching: assess any need against any offer",
            2048,
            (
                (
                    proptest::sample::select(NeedStatus::ALL),
                    proptest::sample::select(Category::ALL),
                    proptest::sample::select(Unit::ALL),
                    quantity(),
                    quantity(),
                    quantity(),
                    proptest::sample::select(Urgency::ALL),
                    (moment(), moment()),
                ),
                (
                    proptest::sample::select(OfferStatus::ALL),
                    proptest::sample::select(OfferKind::ALL),
                    proptest::sample::select(Category::ALL),
                    proptest::sample::select(Unit::ALL),
                    quantity(),
                    (moment(), moment()),
                    proptest::sample::select(Destination::ALL),
                    (
                        proptest::collection::vec(code_near("441426100200"), 0..4),
                        proptest::collection::vec(
                            (
                                proptest::sample::select(Program::ALL),
                                code_near("441426100200"),
                            ),
                            0..3,
                        ),
                    ),
                ),
                moment(),
                any::<bool>(),
            ),
            |(n, o, now, for_needs)| {
                let (
                    status,
                    category,
                    unit,
                    unit_value_fen,
                    remaining,
                    min_pledge,
                    urgency,
                    (deadline, listed_at),
                ) = n;
                let (
                    o_status,
                    kind,
                    o_category,
                    o_unit,
                    o_remaining,
                    (valid_until, published_at),
                    destination,
                    (regions, bonds),
                ) = o;
                let bonds: Vec<Bond> = bonds
                    .into_iter()
                    .map(|(program, region)| Bond { program, region })
                    .collect();
                let need = NeedSide {
                    id: 1,
                    status,
                    category,
                    unit,
                    unit_value_fen,
                    remaining,
                    min_pledge,
                    urgency,
                    deadline,
                    village: &village,
                    listed_at,
                };
                let offer = OfferSide {
                    id: 2,
                    status: o_status,
                    kind,
                    category: o_category,
                    unit: o_unit,
                    remaining: o_remaining,
                    valid_until,
                    published_at,
                    destination,
                    regions: &regions,
                    bonds: &bonds,
                };
                let looking = if for_needs {
                    Looking::ForNeeds
                } else {
                    Looking::ForOffers
                };
                let Some(fit) = assess(&need, &offer, looking, now) else {
                    return Ok(());
                };
                prop_assert!(status == NeedStatus::Published && now < deadline && remaining > 0);
                prop_assert!(
                    o_status == OfferStatus::Published && now < valid_until && o_remaining > 0
                );
                prop_assert!(fits((kind, o_category, o_unit), (category, unit)));
                // What it says it covers can be pledged, and the offer can pay for it.
                prop_assert!((min_pledge.max(1)..=remaining).contains(&fit.coverable));
                let cost = offer_cost(o_unit, unit, unit_value_fen, fit.coverable);
                prop_assert!(cost.is_some_and(|c| c <= o_remaining), "cost {cost:?}");
                let reach: Vec<&RegionCode> = match destination {
                    Destination::Anywhere => vec![],
                    Destination::Regions => regions.iter().collect(),
                    Destination::Pairings => bonds.iter().map(|b| &b.region).collect(),
                };
                if destination != Destination::Anywhere {
                    prop_assert!(reach.iter().any(|r| r.contains(&village)));
                }
                let paired = bonds.iter().any(|b| b.region.contains(&village));
                prop_assert_eq!(fit.score >= PAIRED, paired);
                for reason in &fit.reasons {
                    if let MatchReason::Covers { percent } = reason {
                        prop_assert!(*percent <= 100);
                    }
                }
                Ok(())
            },
        );
    }
}
