//! Assessment figures (精准考核) for the platform, a region, an organisation or a pairing: how
//! many needs went public and how many were fully pledged and fulfilled, how long they waited
//! for their first pledge and for everything to arrive, what was pledged and delivered (in fen,
//! exact), the households and villages reached, the pledges overdue, and the same month by
//! month. Every figure is an aggregate computed by the database over indexed columns; no need
//! or pledge row is loaded into memory.
//!
//! Definitions, so that anyone can check them against the raw data:
//! - a need counts once it went public and was published (`published_at` set), whatever it is
//!   now; it is *fully pledged* when fully pledged, fulfilled or closed, *fulfilled* when
//!   fulfilled or closed, *open* when published with something left;
//! - a pledge's value is its quantity times the need's value per unit; a pledge *pledged* is
//!   one not cancelled or expired (a received one counts what arrived), *delivered* what
//!   arrived;
//! - *overdue*: pledged or shipped, not yet received, and past its ship-by date;
//! - a household or village is *reached* when something pledged to one of its needs arrived;
//! - days to first pledge run from publication to the first pledge; days to fulfilment from
//!   publication to the moment the last unit arrived; each is the median over the needs that
//!   got there;
//! - months are Beijing time (UTC+8);
//! - an offer is *published* once it was published; for a region or a pairing, the offers
//!   counted are those matched with a need there; a pledge *made from an offer* (a request
//!   accepted, or an offer applied) counts while it stands and was not given back to its offer;
//!   days to match run from an offer's publication to the first pledge made from it (median over
//!   the offers matched).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement, Value};
use serde::Serialize;
use utoipa::ToSchema;

use super::consumption::ConsumptionFigures;
use super::needs::{level_column, region_column};
use crate::domain::pledge::PledgeStatus;
use crate::domain::region::Level;
use crate::domain::region::RegionCode;

/// What the figures are about.
#[derive(Debug, Clone)]
pub enum Scope {
    Platform,
    /// The needs in a region (any level).
    Region(RegionCode),
    /// The needs an organisation pledged to, and its own pledges.
    Organisation(i64),
    /// The needs in the regions a pairing helps; for 消费帮扶, its members' purchases there.
    Pairing {
        targets: Vec<RegionCode>,
        /// Its member organisations and the helping one.
        members: Vec<i64>,
    },
}

/// The figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    pub needs: NeedFigures,
    pub pledges: PledgeFigures,
    /// Households with something delivered to one of their needs.
    pub households_reached: i64,
    /// Villages with something delivered to one of their needs.
    pub villages_reached: i64,
    /// Median days from publication to the first pledge; none before any need had one.
    pub median_days_to_first_pledge: Option<f64>,
    /// Median days from publication to fulfilment; none before any need was fulfilled.
    pub median_days_to_fulfilment: Option<f64>,
    /// Month by month (Beijing time), oldest first.
    pub series: Vec<Month>,
    /// Offers of help and what was matched from them (对接).
    pub offers: OfferFigures,
    /// 消费帮扶: purchases of villages' certified products (`store::consumption`).
    pub consumption: ConsumptionFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NeedFigures {
    pub published: i64,
    pub fully_pledged: i64,
    pub fulfilled: i64,
    /// Published with something left to pledge.
    pub open: i64,
    /// Fully pledged ÷ published (0 with nothing published), to 4 decimals.
    pub fully_pledged_rate: f64,
    /// Fulfilled ÷ published, to 4 decimals.
    pub fulfilled_rate: f64,
    /// What the published needs are worth, in fen.
    pub target_value_fen: i64,
    /// What the open needs still lack, in fen.
    pub open_value_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PledgeFigures {
    /// Pledges made, in any status.
    pub made: i64,
    pub pledged_value_fen: i64,
    pub delivered_value_fen: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Month {
    /// `2026-11`
    pub month: String,
    pub needs_published: i64,
    /// Value of the pledges made that month and still standing.
    pub pledged_value_fen: i64,
    /// Value delivered that month.
    pub delivered_value_fen: i64,
}

/// Offers and their matches, as the module's definitions say.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfferFigures {
    pub published: i64,
    /// Pledges standing that were made from offers.
    pub matched_pledges: i64,
    /// Their value, in fen.
    pub matched_value_fen: i64,
    /// Median days from an offer's publication to its first match; none before any.
    pub median_days_to_match: Option<f64>,
}

/// The figures of one region among its siblings, for charts by province, city, county….
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RegionFigures {
    pub code: String,
    pub name: String,
    /// Needs that went public (as in [`NeedFigures::published`]).
    pub needs_published: i64,
    pub needs_open: i64,
    pub needs_fulfilled: i64,
    pub target_value_fen: i64,
    pub open_value_fen: i64,
    pub delivered_value_fen: i64,
    /// 消费帮扶 ordered and received there (certified products from its villages), in fen.
    pub consumption_ordered_fen: i64,
    pub consumption_received_fen: i64,
}

/// A statement written with `?` placeholders, numbered (`$1`, `$2` …) for PostgreSQL.
struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn statement(self) -> Statement {
        statement(self.backend, self.text, self.values)
    }
}

/// A statement of `text` written with `?` placeholders, for `backend`.
pub(crate) fn statement(backend: DatabaseBackend, text: String, values: Vec<Value>) -> Statement {
    let text = if backend == DatabaseBackend::Postgres {
        let mut numbered = String::with_capacity(text.len());
        let mut n = 0;
        for c in text.chars() {
            if c == '?' {
                n += 1;
                numbered.push_str(&format!("${n}"));
            } else {
                numbered.push(c);
            }
        }
        numbered
    } else {
        text
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// `n.<column>` of the region column at `code`'s level (the projection's one mapping).
fn region_condition(code: &RegionCode) -> String {
    use sea_orm::IdenStatic;
    format!("n.{} = ?", region_column(code).as_str())
}

/// `needs n` restricted to the scope: the condition and its values.
pub fn need_condition(scope: &Scope) -> (String, Vec<Value>) {
    match scope {
        Scope::Platform => ("1 = 1".to_owned(), Vec::new()),
        Scope::Region(code) => (region_condition(code), vec![code.as_str().into()]),
        Scope::Organisation(id) => (
            "n.id IN (SELECT need_id FROM pledges WHERE organisation_id = ?)".to_owned(),
            vec![(*id).into()],
        ),
        Scope::Pairing { targets, .. } if targets.is_empty() => ("1 = 0".to_owned(), Vec::new()),
        Scope::Pairing { targets, .. } => {
            let alternatives: Vec<String> = targets.iter().map(region_condition).collect();
            (
                format!("({})", alternatives.join(" OR ")),
                targets.iter().map(|t| t.as_str().into()).collect(),
            )
        }
    }
}

/// The scope's pledges, as a condition over `pledges p` joined to `needs n`: an organisation's
/// own (its needs follow from them: no need condition, which would only cost a scan), or every
/// pledge on the scope's needs.
fn pledge_condition(scope: &Scope) -> (String, Vec<Value>) {
    match scope {
        Scope::Organisation(id) => ("p.organisation_id = ?".to_owned(), vec![(*id).into()]),
        other => need_condition(other),
    }
}

/// Seconds from `earlier` to `later`, both timestamp columns.
fn seconds_between(backend: DatabaseBackend, later: &str, earlier: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("EXTRACT(EPOCH FROM ({later} - {earlier}))"),
        _ => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
    }
}

/// The month (Beijing time) of a timestamp column, as `YYYY-MM`.
fn month_of(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => {
            format!("to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')")
        }
        _ => format!("strftime('%Y-%m', {column}, '+8 hours')"),
    }
}

/// A pledge still standing, as SQL over `pledges p`.
pub(crate) const STANDING: &str = "p.status IN ('pledged', 'shipped', 'received', 'thanked')";
/// A pledge whose help arrived.
pub(crate) const ARRIVED: &str = "p.status IN ('received', 'thanked')";
/// What a standing pledge is worth, in fen, over `p` and `needs n`.
pub(crate) const PLEDGE_VALUE: &str = "(CASE WHEN p.status IN ('received', 'thanked') \
                            THEN p.received_quantity ELSE p.quantity END) * n.unit_value_fen";
/// A pledge overdue as of the bound time.
pub(crate) const OVERDUE: &str = "p.status IN ('pledged', 'shipped') AND p.due_at < ?";

fn int(row: &QueryResult, column: &str) -> Result<i64, DbErr> {
    Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

/// The figures of `scope`, as of `now` (for what is overdue).
pub async fn figures(
    db: &impl ConnectionTrait,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Figures, DbErr> {
    let backend = db.get_database_backend();
    let (needs_where, need_values) = need_condition(scope);
    let (pledges_where, pledge_values) = pledge_condition(scope);

    let needs_row = query_one(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT COUNT(*) AS published, \
                 CAST(SUM(CASE WHEN n.status IN ('fully_pledged', 'fulfilled', 'closed') THEN 1 ELSE 0 END) AS BIGINT) AS fully_pledged, \
                 CAST(SUM(CASE WHEN n.status IN ('fulfilled', 'closed') THEN 1 ELSE 0 END) AS BIGINT) AS fulfilled, \
                 CAST(SUM(CASE WHEN n.status = 'published' AND n.pledged_quantity < n.target_quantity THEN 1 ELSE 0 END) AS BIGINT) AS open, \
                 CAST(SUM(n.target_quantity * n.unit_value_fen) AS BIGINT) AS target_value_fen, \
                 CAST(SUM(CASE WHEN n.status = 'published' THEN (n.target_quantity - n.pledged_quantity) * n.unit_value_fen ELSE 0 END) AS BIGINT) AS open_value_fen \
                 FROM needs n WHERE {needs_where} AND n.published_at IS NOT NULL"
            ),
            values: need_values.clone(),
        },
    )
    .await?;
    let published = int(&needs_row, "published")?;
    let fully_pledged = int(&needs_row, "fully_pledged")?;
    let fulfilled = int(&needs_row, "fulfilled")?;
    let rate = |n: i64| {
        if published == 0 {
            0.0
        } else {
            (n as f64 / published as f64 * 10_000.0).round() / 10_000.0
        }
    };

    // `p.due_at < ?` comes before the scope's conditions in the statement.
    let mut pledge_values_now = vec![Value::from(now.fixed_offset())];
    pledge_values_now.extend(pledge_values.clone());
    let pledges_row = query_one(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT COUNT(*) AS made, \
                 CAST(SUM(CASE WHEN {STANDING} THEN {PLEDGE_VALUE} ELSE 0 END) AS BIGINT) AS pledged_value_fen, \
                 CAST(SUM(CASE WHEN {ARRIVED} THEN p.received_quantity * n.unit_value_fen ELSE 0 END) AS BIGINT) AS delivered_value_fen, \
                 CAST(SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
                 COUNT(DISTINCT CASE WHEN {ARRIVED} AND p.received_quantity > 0 THEN n.household_id END) AS households_reached, \
                 COUNT(DISTINCT CASE WHEN {ARRIVED} AND p.received_quantity > 0 THEN n.village_code END) AS villages_reached \
                 FROM pledges p JOIN needs n ON n.id = p.need_id WHERE {pledges_where}"
            ),
            values: pledge_values_now,
        },
    )
    .await?;

    let offers = offer_figures(db, backend, scope, &pledges_where, &pledge_values).await?;
    let first_pledge = median(
        db,
        backend,
        format!(
            "SELECT {} / 86400.0 AS days FROM needs n JOIN pledges p ON p.need_id = n.id \
             WHERE {needs_where} AND n.published_at IS NOT NULL GROUP BY n.id, n.published_at",
            seconds_between(backend, "MIN(p.created_at)", "n.published_at")
        ),
        need_values.clone(),
    )
    .await?;
    let fulfilment = median(
        db,
        backend,
        format!(
            "SELECT {} / 86400.0 AS days FROM needs n JOIN need_events e ON e.need_id = n.id \
             WHERE e.kind = 'fulfilled' AND {needs_where} AND n.published_at IS NOT NULL \
             GROUP BY n.id, n.published_at",
            seconds_between(backend, "MIN(e.created_at)", "n.published_at")
        ),
        need_values.clone(),
    )
    .await?;

    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    let published_by_month = query_all(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT {m} AS month, COUNT(*) AS value FROM needs n \
                 WHERE {needs_where} AND n.published_at IS NOT NULL GROUP BY {m}",
                m = month_of(backend, "n.published_at")
            ),
            values: need_values.clone(),
        },
    )
    .await?;
    let pledged_by_month = query_all(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT {m} AS month, CAST(SUM({PLEDGE_VALUE}) AS BIGINT) AS value \
                 FROM pledges p JOIN needs n ON n.id = p.need_id \
                 WHERE {STANDING} AND {pledges_where} GROUP BY {m}",
                m = month_of(backend, "p.created_at")
            ),
            values: pledge_values.clone(),
        },
    )
    .await?;
    let delivered_by_month = query_all(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT {m} AS month, CAST(SUM(p.received_quantity * n.unit_value_fen) AS BIGINT) AS value \
                 FROM pledges p JOIN needs n ON n.id = p.need_id \
                 WHERE {ARRIVED} AND {pledges_where} GROUP BY {m}",
                m = month_of(backend, "p.received_at")
            ),
            values: pledge_values,
        },
    )
    .await?;
    for (rows, field) in [
        (published_by_month, 0),
        (pledged_by_month, 1),
        (delivered_by_month, 2),
    ] {
        for row in rows {
            let key: String = row.try_get("", "month")?;
            let value = int(&row, "value")?;
            let entry = months.entry(key.clone()).or_insert(Month {
                month: key,
                needs_published: 0,
                pledged_value_fen: 0,
                delivered_value_fen: 0,
            });
            match field {
                0 => entry.needs_published = value,
                1 => entry.pledged_value_fen = value,
                _ => entry.delivered_value_fen = value,
            }
        }
    }
    let consumption = super::consumption::figures(db, scope).await?;
    Ok(Figures {
        consumption,
        offers,
        needs: NeedFigures {
            published,
            fully_pledged,
            fulfilled,
            open: int(&needs_row, "open")?,
            fully_pledged_rate: rate(fully_pledged),
            fulfilled_rate: rate(fulfilled),
            target_value_fen: int(&needs_row, "target_value_fen")?,
            open_value_fen: int(&needs_row, "open_value_fen")?,
        },
        pledges: PledgeFigures {
            made: int(&pledges_row, "made")?,
            pledged_value_fen: int(&pledges_row, "pledged_value_fen")?,
            delivered_value_fen: int(&pledges_row, "delivered_value_fen")?,
            overdue: int(&pledges_row, "overdue")?,
        },
        households_reached: int(&pledges_row, "households_reached")?,
        villages_reached: int(&pledges_row, "villages_reached")?,
        median_days_to_first_pledge: first_pledge,
        median_days_to_fulfilment: fulfilment,
        series: months.into_values().collect(),
    })
}

/// The figures of each region directly below `parent` (each province without one) that has a
/// published need or a 消费帮扶 purchase, most needs first; none below a village. Names are the caller's to add.
pub async fn by_region(
    db: &impl ConnectionTrait,
    parent: Option<&RegionCode>,
) -> Result<Vec<RegionFigures>, DbErr> {
    use sea_orm::IdenStatic;
    let Some(level) = parent.map_or(Some(Level::Province), |p| p.level().child()) else {
        return Ok(Vec::new());
    };
    let backend = db.get_database_backend();
    let column = format!("n.{}", level_column(level).as_str());
    let (scope_where, values) = match parent {
        Some(code) => need_condition(&Scope::Region(code.clone())),
        None => need_condition(&Scope::Platform),
    };
    let needs_rows = query_all(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT {column} AS code, COUNT(*) AS published, \
                 CAST(SUM(CASE WHEN n.status = 'published' AND n.pledged_quantity < n.target_quantity THEN 1 ELSE 0 END) AS BIGINT) AS open, \
                 CAST(SUM(CASE WHEN n.status IN ('fulfilled', 'closed') THEN 1 ELSE 0 END) AS BIGINT) AS fulfilled, \
                 CAST(SUM(n.target_quantity * n.unit_value_fen) AS BIGINT) AS target_value_fen, \
                 CAST(SUM(CASE WHEN n.status = 'published' THEN (n.target_quantity - n.pledged_quantity) * n.unit_value_fen ELSE 0 END) AS BIGINT) AS open_value_fen \
                 FROM needs n WHERE {scope_where} AND n.published_at IS NOT NULL GROUP BY {column}"
            ),
            values: values.clone(),
        },
    )
    .await?;
    let delivered_rows = query_all(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT {column} AS code, CAST(SUM(p.received_quantity * n.unit_value_fen) AS BIGINT) AS value \
                 FROM pledges p JOIN needs n ON n.id = p.need_id \
                 WHERE {ARRIVED} AND {scope_where} GROUP BY {column}"
            ),
            values,
        },
    )
    .await?;
    let mut delivered = BTreeMap::new();
    for row in delivered_rows {
        delivered.insert(row.try_get::<String>("", "code")?, int(&row, "value")?);
    }
    let mut consumption = super::consumption::by_region(db, parent).await?;
    let mut figures = needs_rows
        .into_iter()
        .map(|row| {
            let code: String = row.try_get("", "code")?;
            let (ordered, received) = consumption.remove(&code).unwrap_or_default();
            Ok(RegionFigures {
                delivered_value_fen: delivered.get(&code).copied().unwrap_or(0),
                name: String::new(),
                needs_published: int(&row, "published")?,
                needs_open: int(&row, "open")?,
                needs_fulfilled: int(&row, "fulfilled")?,
                target_value_fen: int(&row, "target_value_fen")?,
                open_value_fen: int(&row, "open_value_fen")?,
                consumption_ordered_fen: ordered,
                consumption_received_fen: received,
                code,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    // Regions with purchases but no published need.
    figures.extend(
        consumption
            .into_iter()
            .map(|(code, (ordered, received))| RegionFigures {
                code,
                name: String::new(),
                needs_published: 0,
                needs_open: 0,
                needs_fulfilled: 0,
                target_value_fen: 0,
                open_value_fen: 0,
                delivered_value_fen: 0,
                consumption_ordered_fen: ordered,
                consumption_received_fen: received,
            }),
    );
    figures.sort_by(|a, b| {
        b.needs_published
            .cmp(&a.needs_published)
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(figures)
}

/// One organisation's pledges in a scope: how many, their value pledged and delivered (fen),
/// and how many are overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberTotals {
    pub pledges: i64,
    pub pledged_value_fen: i64,
    pub delivered_value_fen: i64,
    pub overdue: i64,
}

/// The pledges in the scope of each of these organisations, aggregated by the database in one
/// grouped query; an organisation with none is left out.
pub async fn member_totals(
    db: &impl ConnectionTrait,
    scope: &Scope,
    organisation_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<BTreeMap<i64, MemberTotals>, DbErr> {
    if organisation_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let backend = db.get_database_backend();
    let (needs_where, mut values) = need_condition(scope);
    let placeholders = vec!["?"; organisation_ids.len()].join(", ");
    values.extend(organisation_ids.iter().map(|id| Value::from(*id)));
    values.push(now.fixed_offset().into());
    let sql = format!(
        "SELECT p.organisation_id AS organisation_id, COUNT(*) AS pledges, \
         CAST(SUM(CASE WHEN {STANDING} THEN {PLEDGE_VALUE} ELSE 0 END) AS BIGINT) AS pledged_value_fen, \
         CAST(SUM(CASE WHEN {ARRIVED} THEN p.received_quantity * n.unit_value_fen ELSE 0 END) AS BIGINT) AS delivered_value_fen, \
         CAST(SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END) AS BIGINT) AS overdue \
         FROM pledges p JOIN needs n ON n.id = p.need_id \
         WHERE {needs_where} AND p.organisation_id IN ({placeholders}) GROUP BY p.organisation_id"
    );
    // The overdue condition's time comes first in the text: move it to its place.
    let due = values.pop().expect("pushed above");
    values.insert(0, due);
    let rows = db.query_all_raw(statement(backend, sql, values)).await?;
    let mut by_org = BTreeMap::new();
    for row in rows {
        let id: i64 = row.try_get("", "organisation_id")?;
        let get = |c: &str| row.try_get::<Option<i64>>("", c).map(|v| v.unwrap_or(0));
        by_org.insert(
            id,
            MemberTotals {
                pledges: get("pledges")?,
                pledged_value_fen: get("pledged_value_fen")?,
                delivered_value_fen: get("delivered_value_fen")?,
                overdue: get("overdue")?,
            },
        );
    }
    Ok(by_org)
}

/// A pledge past its ship-by date and not yet received.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverduePledge {
    pub pledge_id: i64,
    pub need_id: i64,
    pub need_title: String,
    /// The name the donor shows.
    pub donor: String,
    /// The organisation it was pledged for, unless it was pledged anonymously.
    pub organisation_id: Option<i64>,
    pub quantity: i64,
    pub status: PledgeStatus,
    pub due_at: DateTime<Utc>,
}

/// The scope's overdue pledges, the longest overdue first (at most 100).
pub async fn overdue(
    db: &impl ConnectionTrait,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<OverduePledge>, DbErr> {
    let backend = db.get_database_backend();
    let (needs_where, mut values) = need_condition(scope);
    values.insert(0, now.fixed_offset().into());
    let sql = format!(
        "SELECT p.id AS pledge_id, n.id AS need_id, n.title AS need_title, \
         COALESCE(p.display_name, '爱心人士') AS donor, \
         CASE WHEN p.anonymous THEN NULL ELSE p.organisation_id END AS organisation_id, \
         p.quantity AS quantity, p.status AS status, p.due_at AS due_at \
         FROM pledges p JOIN needs n ON n.id = p.need_id \
         WHERE {OVERDUE} AND {needs_where} \
         ORDER BY p.due_at, p.id LIMIT 100"
    );
    let rows = db.query_all_raw(statement(backend, sql, values)).await?;
    rows.into_iter()
        .map(|row| {
            Ok(OverduePledge {
                pledge_id: row.try_get("", "pledge_id")?,
                need_id: row.try_get("", "need_id")?,
                need_title: row.try_get("", "need_title")?,
                donor: row.try_get("", "donor")?,
                organisation_id: row.try_get("", "organisation_id")?,
                quantity: row.try_get("", "quantity")?,
                status: row.try_get("", "status")?,
                due_at: row
                    .try_get::<chrono::DateTime<chrono::FixedOffset>>("", "due_at")?
                    .to_utc(),
            })
        })
        .collect()
}

/// The offers' figures of `scope` (see the module's definitions).
async fn offer_figures(
    db: &impl ConnectionTrait,
    backend: DatabaseBackend,
    scope: &Scope,
    pledges_where: &str,
    pledge_values: &[Value],
) -> Result<OfferFigures, DbErr> {
    let matched = format!(
        "FROM offer_pledges op JOIN pledges p ON p.id = op.pledge_id JOIN needs n ON n.id = p.need_id \
         WHERE op.released_at IS NULL AND {STANDING} AND {pledges_where}"
    );
    let row = query_one(
        db,
        Sql {
            backend,
            text: format!(
                "SELECT COUNT(*) AS pledges, CAST(SUM({PLEDGE_VALUE}) AS BIGINT) AS value_fen, \
                 COUNT(DISTINCT op.offer_id) AS offers {matched}"
            ),
            values: pledge_values.to_vec(),
        },
    )
    .await?;
    let published = match scope {
        Scope::Platform => int(
            &query_one(
                db,
                Sql {
                    backend,
                    text: "SELECT COUNT(*) AS offers FROM offers WHERE published_at IS NOT NULL"
                        .to_owned(),
                    values: Vec::new(),
                },
            )
            .await?,
            "offers",
        )?,
        Scope::Organisation(id) => int(
            &query_one(
                db,
                Sql {
                    backend,
                    text: "SELECT COUNT(*) AS offers FROM offers \
                           WHERE published_at IS NOT NULL AND organisation_id = ?"
                        .to_owned(),
                    values: vec![(*id).into()],
                },
            )
            .await?,
            "offers",
        )?,
        Scope::Region(_) | Scope::Pairing { .. } => int(&row, "offers")?,
    };
    let median_days_to_match = median(
        db,
        backend,
        format!(
            "SELECT {} / 86400.0 AS days FROM offers o JOIN offer_pledges op ON op.offer_id = o.id \
             JOIN pledges p ON p.id = op.pledge_id JOIN needs n ON n.id = p.need_id \
             WHERE o.published_at IS NOT NULL AND {pledges_where} GROUP BY o.id, o.published_at",
            seconds_between(backend, "MIN(op.created_at)", "o.published_at")
        ),
        pledge_values.to_vec(),
    )
    .await?;
    Ok(OfferFigures {
        published,
        matched_pledges: int(&row, "pledges")?,
        matched_value_fen: int(&row, "value_fen")?,
        median_days_to_match,
    })
}

/// The median of the `days` column of `inner`, computed by the database: the middle row, or
/// the mean of the two middle rows, of the rows in order.
async fn median(
    db: &impl ConnectionTrait,
    backend: DatabaseBackend,
    inner: String,
    values: Vec<Value>,
) -> Result<Option<f64>, DbErr> {
    let row = query_one(
        db,
        Sql {
            backend,
            text: format!(
                "WITH d AS ({inner}), \
                 r AS (SELECT days, ROW_NUMBER() OVER (ORDER BY days) AS rn, COUNT(*) OVER () AS total FROM d) \
                 SELECT CAST(AVG(days) AS DOUBLE PRECISION) AS median FROM r \
                 WHERE rn IN ((total + 1) / 2, (total + 2) / 2)"
            ),
            values,
        },
    )
    .await?;
    Ok(row
        .try_get::<Option<f64>>("", "median")?
        .map(|days| (days * 100.0).round() / 100.0))
}

async fn query_one(db: &impl ConnectionTrait, sql: Sql) -> Result<QueryResult, DbErr> {
    let statement = sql.statement();
    tracing::debug!(sql = %statement, "stats query");
    db.query_one_raw(statement)
        .await?
        .ok_or_else(|| DbErr::Custom("an aggregate returned no row".into()))
}

async fn query_all(db: &impl ConnectionTrait, sql: Sql) -> Result<Vec<QueryResult>, DbErr> {
    let statement = sql.statement();
    tracing::debug!(sql = %statement, "stats query");
    db.query_all_raw(statement).await
}
