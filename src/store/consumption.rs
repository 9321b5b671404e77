//! 消费帮扶 figures: what buyers ordered and received of villages' certified products, for the
//! platform, a region, an organisation (as a buyer) or a pairing, computed by the database over
//! the orders' own columns (no order row is loaded).
//!
//! Definitions, so that anyone can check them against the raw data:
//! - an order counts as 消费扶贫 when its product was a certified 扶贫产品 on the day it was
//!   ordered (`orders.certified`); other purchases are reported beside it, not in it;
//! - *ordered*: placed and not declined, cancelled or expired; its value is its quantity at the
//!   price when ordered;
//! - *received*: received or settled; its value is the quantity received at that price;
//! - an order belongs to the region of the village its product comes from, so figures add up
//!   across regions: a county's are the sum of its towns';
//! - for a pairing, the orders counted are those its member organisations placed for products
//!   of the regions it helps;
//! - *households supported*: the registered households the certified products with a received
//!   order say they support, each product once; not shown (`None`) from 1 to 4, so that no
//!   small household can be told apart (DESIGN §2a).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Value};
use serde::Serialize;
use utoipa::ToSchema;

use super::stats::{Scope, statement};
use crate::domain::order::OrderStatus;
use crate::domain::product::HOUSEHOLDS_SHOWN_FROM;
use crate::domain::region::{Level, RegionCode};

/// 消费帮扶 figures, as the module's definitions say.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConsumptionFigures {
    /// Orders of certified products, placed and standing.
    pub orders: i64,
    pub ordered_value_fen: i64,
    pub received_value_fen: i64,
    /// Households the certified products bought support; absent from 1 to 4.
    pub households_supported: Option<i64>,
    /// Purchases of products not certified when ordered: reported, not counted as 消费扶贫.
    pub uncertified_ordered_value_fen: i64,
}

/// One organisation's 消费帮扶 purchases in a scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Purchases {
    pub orders: i64,
    pub ordered_value_fen: i64,
    pub received_value_fen: i64,
}

fn codes(statuses: Vec<&'static str>) -> String {
    statuses
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An order that counts as ordered, as SQL over `orders o`.
fn ordered() -> String {
    format!("o.status IN ({})", codes(OrderStatus::ordered_codes()))
}

/// An order whose goods arrived.
fn received() -> String {
    format!("o.status IN ({})", codes(OrderStatus::received_codes()))
}

/// `o.village_code` within `code` (any level: the codes nest by prefix).
fn within(code: &RegionCode) -> (String, Value) {
    (
        format!("SUBSTR(o.village_code, 1, {}) = ?", code.as_str().len()),
        code.as_str().into(),
    )
}

/// The scope's orders, as a condition over `orders o`.
fn order_condition(scope: &Scope) -> (String, Vec<Value>) {
    match scope {
        Scope::Platform => ("1 = 1".to_owned(), Vec::new()),
        Scope::Region(code) => {
            let (sql, value) = within(code);
            (sql, vec![value])
        }
        Scope::Organisation(id) => ("o.buyer_org_id = ?".to_owned(), vec![(*id).into()]),
        Scope::Pairing { targets, members } if targets.is_empty() || members.is_empty() => {
            ("1 = 0".to_owned(), Vec::new())
        }
        Scope::Pairing { targets, members } => {
            let (regions, mut values): (Vec<String>, Vec<Value>) =
                targets.iter().map(within).unzip();
            values.extend(members.iter().map(|m| Value::from(*m)));
            (
                format!(
                    "({}) AND o.buyer_org_id IN ({})",
                    regions.join(" OR "),
                    vec!["?"; members.len()].join(", ")
                ),
                values,
            )
        }
    }
}

fn int(row: &QueryResult, column: &str) -> Result<i64, DbErr> {
    Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

/// The scope's 消费帮扶 figures.
pub async fn figures(
    db: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<ConsumptionFigures, DbErr> {
    let backend = db.get_database_backend();
    let (condition, values) = order_condition(scope);
    let (ordered, received) = (ordered(), received());
    let row = db
        .query_one_raw(statement(
            backend,
            format!(
                "SELECT \
                 CAST(SUM(CASE WHEN o.certified AND {ordered} THEN 1 ELSE 0 END) AS BIGINT) AS orders, \
                 CAST(SUM(CASE WHEN o.certified AND {ordered} THEN o.value_fen ELSE 0 END) AS BIGINT) AS ordered_value_fen, \
                 CAST(SUM(CASE WHEN o.certified AND {received} THEN o.received_quantity * o.unit_price_fen ELSE 0 END) AS BIGINT) AS received_value_fen, \
                 CAST(SUM(CASE WHEN NOT o.certified AND {ordered} THEN o.value_fen ELSE 0 END) AS BIGINT) AS uncertified_ordered_value_fen \
                 FROM orders o WHERE {condition}"
            ),
            values.clone(),
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("an aggregate without its row".into()))?;
    let households = db
        .query_one_raw(statement(
            backend,
            format!(
                "SELECT CAST(SUM(pr.households_supported) AS BIGINT) AS households FROM products pr \
                 WHERE pr.id IN (SELECT o.product_id FROM orders o \
                 WHERE o.certified AND {received} AND {condition})"
            ),
            values,
        ))
        .await?
        .map(|row| int(&row, "households"))
        .transpose()?
        .unwrap_or(0);
    Ok(ConsumptionFigures {
        orders: int(&row, "orders")?,
        ordered_value_fen: int(&row, "ordered_value_fen")?,
        received_value_fen: int(&row, "received_value_fen")?,
        households_supported: (households == 0 || households >= HOUSEHOLDS_SHOWN_FROM)
            .then_some(households),
        uncertified_ordered_value_fen: int(&row, "uncertified_ordered_value_fen")?,
    })
}

/// 消费帮扶 ordered and received (fen) by each region directly below `parent` (provinces
/// without one), by the code of the region; none below a village.
pub async fn by_region(
    db: &impl ConnectionTrait,
    parent: Option<&RegionCode>,
) -> Result<BTreeMap<String, (i64, i64)>, DbErr> {
    let Some(level) = parent.map_or(Some(Level::Province), |p| p.level().child()) else {
        return Ok(BTreeMap::new());
    };
    let width = match level {
        Level::Province => 2,
        Level::City => 4,
        Level::County => 6,
        Level::Town => 9,
        Level::Village => 12,
    };
    let (condition, values) = match parent {
        Some(code) => order_condition(&Scope::Region(code.clone())),
        None => order_condition(&Scope::Platform),
    };
    let (ordered, received) = (ordered(), received());
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            format!(
                "SELECT SUBSTR(o.village_code, 1, {width}) AS code, \
                 CAST(SUM(CASE WHEN {ordered} THEN o.value_fen ELSE 0 END) AS BIGINT) AS ordered_value_fen, \
                 CAST(SUM(CASE WHEN {received} THEN o.received_quantity * o.unit_price_fen ELSE 0 END) AS BIGINT) AS received_value_fen \
                 FROM orders o WHERE o.certified AND {condition} \
                 GROUP BY SUBSTR(o.village_code, 1, {width})"
            ),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", "code")?,
                (
                    int(row, "ordered_value_fen")?,
                    int(row, "received_value_fen")?,
                ),
            ))
        })
        .collect()
}

/// Each of these organisations' 消费帮扶 purchases from products of `targets` (a pairing's
/// regions), by organisation; one with none is left out.
pub async fn purchases_by_member(
    db: &impl ConnectionTrait,
    targets: &[RegionCode],
    members: &[i64],
) -> Result<BTreeMap<i64, Purchases>, DbErr> {
    let (condition, values) = order_condition(&Scope::Pairing {
        targets: targets.to_vec(),
        members: members.to_vec(),
    });
    let (ordered, received) = (ordered(), received());
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            format!(
                "SELECT o.buyer_org_id AS organisation_id, \
                 CAST(SUM(CASE WHEN {ordered} THEN 1 ELSE 0 END) AS BIGINT) AS orders, \
                 CAST(SUM(CASE WHEN {ordered} THEN o.value_fen ELSE 0 END) AS BIGINT) AS ordered_value_fen, \
                 CAST(SUM(CASE WHEN {received} THEN o.received_quantity * o.unit_price_fen ELSE 0 END) AS BIGINT) AS received_value_fen \
                 FROM orders o WHERE o.certified AND {condition} GROUP BY o.buyer_org_id"
            ),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "organisation_id")?,
                Purchases {
                    orders: int(row, "orders")?,
                    ordered_value_fen: int(row, "ordered_value_fen")?,
                    received_value_fen: int(row, "received_value_fen")?,
                },
            ))
        })
        .collect()
}

/// A purchase as a board or a dashboard lists it: no delivery data, no buyer's person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PurchaseLine {
    pub order_id: i64,
    pub product_id: i64,
    pub product_name: String,
    /// The unit's code (`jin`, `box` …).
    pub unit: String,
    pub seller_name: String,
    pub village_code: String,
    pub buyer_org_id: Option<i64>,
    pub buyer_name: Option<String>,
    pub quantity: i64,
    pub received_quantity: Option<i64>,
    pub value_fen: i64,
    pub certified: bool,
    pub status: OrderStatus,
    pub ordered_at: DateTime<Utc>,
}

/// The scope's standing purchases, newest first, at most `limit`.
pub async fn recent(
    db: &impl ConnectionTrait,
    scope: &Scope,
    limit: u64,
) -> Result<Vec<PurchaseLine>, DbErr> {
    let (condition, values) = order_condition(scope);
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            format!(
                "SELECT o.id AS order_id, o.product_id AS product_id, pr.name AS product_name, \
                 pr.unit AS unit, s.name AS seller_name, o.village_code AS village_code, \
                 o.buyer_org_id AS buyer_org_id, b.name AS buyer_name, o.quantity AS quantity, \
                 o.received_quantity AS received_quantity, o.value_fen AS value_fen, \
                 o.certified AS certified, o.status AS status, o.ordered_at AS ordered_at \
                 FROM orders o JOIN products pr ON pr.id = o.product_id \
                 JOIN organisations s ON s.id = o.seller_id \
                 LEFT JOIN organisations b ON b.id = o.buyer_org_id \
                 WHERE {} AND {condition} ORDER BY o.id DESC LIMIT {limit}",
                ordered()
            ),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("", "status")?;
            Ok(PurchaseLine {
                order_id: row.try_get("", "order_id")?,
                product_id: row.try_get("", "product_id")?,
                product_name: row.try_get("", "product_name")?,
                unit: row.try_get("", "unit")?,
                seller_name: row.try_get("", "seller_name")?,
                village_code: row.try_get("", "village_code")?,
                buyer_org_id: row.try_get("", "buyer_org_id")?,
                buyer_name: row.try_get("", "buyer_name")?,
                quantity: row.try_get("", "quantity")?,
                received_quantity: row.try_get("", "received_quantity")?,
                value_fen: row.try_get("", "value_fen")?,
                certified: row.try_get("", "certified")?,
                status: OrderStatus::parse(&status).ok_or_else(|| {
                    DbErr::Type(format!("order status `{status}` in the database"))
                })?,
                ordered_at: row
                    .try_get::<sea_orm::prelude::DateTimeWithTimeZone>("", "ordered_at")?
                    .to_utc(),
            })
        })
        .collect()
}
