//! Suggestions both ways, by the one rule of `domain::matching`: for a need, the live offers
//! that could fill it (candidates from the database: the published offers of its category);
//! for an offer, the needs it could fill (candidates from the needs index: published needs of
//! its category with something left, inside its reach, the most urgent and the soonest due
//! first), each read fresh from the database before it is judged.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::authz::Actor;
use crate::domain::matching::{Bond, Fit, Looking, MatchReason, NeedSide, OfferSide, assess, rank};
use crate::domain::need::NeedStatus;
use crate::domain::offer::{Destination, OfferRecord, Offerer, PublicOffer};
use crate::domain::projection::{NeedRecord, PublicNeed};
use crate::error::ApiError;
use crate::search::document::Document;
use crate::search::{Condition, SearchQuery, SortKey};
use crate::service::Context;
use crate::service::needs::{self, projection::PublicContext};
use crate::service::search::search_failed;
use crate::store::needs as need_store;
use crate::store::offers as offer_store;

use super::{bonds_of, public_offers, reach};

/// The most suggestions a list holds.
const SUGGESTIONS: usize = 20;
/// Offers of a category read as candidates for one need.
const OFFER_CANDIDATES: u64 = 500;
/// Needs the index hands over as candidates for one offer.
const NEED_CANDIDATES: usize = 200;

/// An offer that could fill a need, with why.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferSuggestion {
    pub offer: PublicOffer,
    pub score: u32,
    /// In the order they weigh: 结对帮扶, urgency, deadline, 可满足 n%, closeness.
    pub reasons: Vec<MatchReason>,
    /// How much of the need (in its unit) the offer can fill now.
    pub coverable: i64,
}

/// A need an offer could fill, with why.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedSuggestion {
    pub need: PublicNeed,
    pub score: u32,
    pub reasons: Vec<MatchReason>,
    pub coverable: i64,
}

pub(crate) fn need_side(need: &NeedRecord) -> NeedSide<'_> {
    NeedSide {
        id: need.id,
        status: need.status,
        category: need.category,
        unit: need.unit,
        unit_value_fen: need.unit_value_fen,
        remaining: need.target_quantity - need.pledged_quantity,
        min_pledge: need.min_pledge_quantity,
        urgency: need.urgency,
        deadline: need.deadline,
        village: &need.village,
        listed_at: need
            .notice_ends_at
            .or(need.published_at)
            .unwrap_or(need.created_at),
    }
}

pub(crate) fn offer_side<'a>(offer: &'a OfferRecord, bonds: &'a [Bond]) -> OfferSide<'a> {
    OfferSide {
        id: offer.id,
        status: offer.status,
        kind: offer.kind,
        category: offer.category,
        unit: offer.unit,
        remaining: offer.remaining,
        valid_until: offer.valid_until,
        published_at: offer.published_at.unwrap_or(offer.created_at),
        destination: offer.destination,
        regions: &offer.regions,
        bonds,
    }
}

/// How `need` and `offer` fit now, if they are candidates (for a request or an application).
pub(crate) async fn fit_of(
    app: &Context,
    db: &impl sea_orm::ConnectionTrait,
    need: &NeedRecord,
    offer: &OfferRecord,
) -> Result<Option<Fit>, ApiError> {
    let bonds = bonds_of(db, offer.offerer).await?;
    Ok(assess(
        &need_side(need),
        &offer_side(offer, &bonds),
        Looking::ForOffers,
        app.clock.now(),
    ))
}

/// The offers that could fill need `need_id`, best first.
pub async fn offers_for_need(
    app: &Context,
    who: Option<&Actor>,
    need_id: i64,
) -> Result<Vec<OfferSuggestion>, ApiError> {
    let now = app.clock.now();
    let need = needs::load_visible(&app.db, who, need_id).await?;
    if need.status != NeedStatus::Published {
        return Ok(Vec::new());
    }
    let offers =
        offer_store::live_fitting(&app.db, need.category, need.unit, now, OFFER_CANDIDATES).await?;
    let mut bonds: HashMap<Offerer, Vec<Bond>> = HashMap::new();
    for offer in &offers {
        if let Offerer::Organisation(_) = offer.offerer
            && !bonds.contains_key(&offer.offerer)
        {
            bonds.insert(offer.offerer, bonds_of(&app.db, offer.offerer).await?);
        }
    }
    let side = need_side(&need);
    let mut ranked: Vec<(i64, Fit, &OfferRecord)> = offers
        .iter()
        .filter_map(|offer| {
            let bonds = bonds.get(&offer.offerer).map(Vec::as_slice).unwrap_or(&[]);
            assess(&side, &offer_side(offer, bonds), Looking::ForOffers, now)
                .map(|fit| (offer.id, fit, offer))
        })
        .collect();
    rank(&mut ranked);
    ranked.truncate(SUGGESTIONS);
    let chosen: Vec<OfferRecord> = ranked.iter().map(|(_, _, o)| (*o).clone()).collect();
    let public = public_offers(&app.db, &chosen).await?;
    Ok(ranked
        .into_iter()
        .zip(public)
        .map(|((_, fit, _), offer)| OfferSuggestion {
            offer,
            score: fit.score,
            reasons: fit.reasons,
            coverable: fit.coverable,
        })
        .collect())
}

/// The needs offer `offer_id` could fill, best first.
pub async fn needs_for_offer(
    app: &Context,
    who: Option<&Actor>,
    offer_id: i64,
) -> Result<Vec<NeedSuggestion>, ApiError> {
    let now = app.clock.now();
    let offer = super::load_visible(&app.db, who, offer_id).await?;
    let bonds = bonds_of(&app.db, offer.offerer).await?;
    let side = offer_side(&offer, &bonds);
    let reach = reach(&offer, &bonds);
    if offer.destination != Destination::Anywhere && reach.is_empty() {
        return Ok(Vec::new());
    }
    let mut conditions = vec![
        Condition::AnyOf {
            field: "category".into(),
            values: vec![offer.category.as_str().to_owned()],
        },
        Condition::AnyOf {
            field: "status".into(),
            values: vec![NeedStatus::Published.as_str().to_owned()],
        },
        Condition::GreaterThan {
            field: "remaining_quantity".into(),
            value: 0,
        },
        Condition::GreaterThan {
            field: "deadline_ts".into(),
            value: now.timestamp(),
        },
    ];
    if offer.destination != Destination::Anywhere {
        conditions.push(Condition::AnyOf {
            field: "region_codes".into(),
            values: reach.iter().map(|r| r.as_str().to_owned()).collect(),
        });
    }
    // A purchasing budget buys any unit; any other offer fills needs of its own unit only.
    if offer.kind != crate::domain::offer::OfferKind::Purchasing {
        conditions.push(Condition::AnyOf {
            field: "unit".into(),
            values: vec![offer.unit.as_str().to_owned()],
        });
    }
    let query = SearchQuery {
        text: String::new(),
        conditions,
        sort: vec![
            SortKey {
                field: "urgency_rank".into(),
                descending: true,
            },
            SortKey {
                field: "deadline_ts".into(),
                descending: false,
            },
        ],
        page: 1,
        per_page: NEED_CANDIDATES,
        facets: Vec::new(),
    };
    let found = app.search.search(&query).await.map_err(search_failed)?;
    let ids: Vec<i64> = found.hits.iter().map(|d| d.id()).collect();
    let records = need_store::find_many(&app.db, &ids).await?;
    let mut ranked: Vec<(i64, Fit, &NeedRecord)> = records
        .iter()
        .filter_map(|need| {
            assess(&need_side(need), &side, Looking::ForNeeds, now).map(|fit| (need.id, fit, need))
        })
        .collect();
    rank(&mut ranked);
    ranked.truncate(SUGGESTIONS);
    let chosen: Vec<NeedRecord> = ranked.iter().map(|(_, _, n)| (*n).clone()).collect();
    let context = PublicContext::load(&app.db, &chosen).await?;
    Ok(ranked
        .into_iter()
        .map(|(_, fit, need)| NeedSuggestion {
            need: needs::projection::public_need(need, &context),
            score: fit.score,
            reasons: fit.reasons,
            coverable: fit.coverable,
        })
        .collect())
}

/// 为您推荐: the needs an organisation's live offers could fill, each once with its best fit,
/// best first.
pub async fn needs_for_organisation(
    app: &Context,
    who: &Actor,
    organisation_id: i64,
) -> Result<Vec<NeedSuggestion>, ApiError> {
    let live = offer_store::list(
        &app.db,
        &offer_store::OfferFilter {
            statuses: vec![crate::domain::offer::OfferStatus::Published],
            organisations: vec![organisation_id],
            ..Default::default()
        },
        50,
    )
    .await?;
    let mut best: Vec<NeedSuggestion> = Vec::new();
    for offer in live {
        for suggestion in needs_for_offer(app, Some(who), offer.id).await? {
            match best.iter_mut().find(|s| s.need.id == suggestion.need.id) {
                Some(known) if known.score >= suggestion.score => {}
                Some(known) => *known = suggestion,
                None => best.push(suggestion),
            }
        }
    }
    best.sort_by(|a, b| b.score.cmp(&a.score).then(a.need.id.cmp(&b.need.id)));
    best.truncate(SUGGESTIONS);
    Ok(best)
}
