//! Exports for people who report on paper: an organisation's ledger (台账, every pledge it made
//! and what came of it, for the federation of industry and commerce), its offers, its purchases
//! of villages' products (消费帮扶台账), and a region's public needs, as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese)
//! or XLSX. Headers are Chinese; money is yuan with two decimals, computed from integer fen.
//!
//! Rows are read a page at a time in key order: a CSV is streamed out page by page, an XLSX
//! is written by a constant-memory worksheet (rows go to a temporary file as they come) and
//! sent once its archive is complete. The text of both is made on the blocking pool, never on
//! the server's async workers.
//!
//! An export is bounded: it holds at most `export_max_rows` rows (a larger one is refused with
//! `export_too_large` before anything is read, to be narrowed to a smaller region or taken in
//! parts with `after`, the last id of the part before), and one client address may take at
//! most `export_rate_per_hour` an hour.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::domain::pledge::PledgeStatus;
use crate::domain::projection::NeedRecord;
use crate::domain::region::{RegionCode, place_name};
use crate::error::{ApiError, ErrorCode};
use crate::service::Context;
use crate::service::needs::projection::{PublicContext, public_need};
use crate::store::{
    exports as export_store, needs as need_store, offers as offer_store, orders as order_store,
    pledges as pledge_store, products as product_store,
};

/// Rows read per page.
const PAGE: u64 = 500;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Money, in fen; shown as yuan with two decimals.
    Yuan(i64),
    /// A moment, shown in Beijing time.
    Time(Option<DateTime<Utc>>),
}

/// What is exported.
#[derive(Debug, Clone)]
pub enum Export {
    /// An organisation's pledges.
    Ledger(i64),
    /// A region's public needs.
    Needs(RegionCode),
    /// An organisation's offers, with what was matched from each.
    Offers(i64),
    /// An organisation's purchases of villages' products (消费帮扶台账).
    Purchases(i64),
}

impl Export {
    pub fn headers(&self) -> &'static [&'static str] {
        match self {
            Export::Ledger(_) => &[
                "认捐编号",
                "认捐时间",
                "需求编号",
                "需求标题",
                "类别",
                "地区",
                "受益对象",
                "认捐数量",
                "单位",
                "单位估值（元）",
                "认捐价值（元）",
                "状态",
                "发货时间",
                "承运方",
                "运单号/凭证",
                "实收数量",
                "实收价值（元）",
                "确认收到时间",
                "致谢时间",
            ],
            Export::Needs(_) => &[
                "需求编号",
                "标题",
                "类别",
                "状态",
                "紧急程度",
                "地区",
                "受益对象",
                "单位",
                "目标数量",
                "已认捐数量",
                "已收到数量",
                "单位估值（元）",
                "目标价值（元）",
                "已收到价值（元）",
                "截止时间",
                "发布时间",
            ],
            Export::Offers(_) => &[
                "帮扶资源编号",
                "创建时间",
                "发布时间",
                "类型",
                "类别",
                "标题",
                "数量",
                "单位",
                "已对接数量",
                "剩余数量",
                "状态",
                "去向",
                "有效期至",
                "对接认捐数",
                "对接价值（元）",
            ],
            Export::Purchases(_) => &[
                "订单编号",
                "下单时间",
                "产品",
                "类别",
                "产地",
                "卖方",
                "扶贫产品",
                "数量",
                "单位",
                "单价（元）",
                "金额（元）",
                "状态",
                "发货时间",
                "承运方",
                "运单号",
                "实收数量",
                "实收金额（元）",
                "收货时间",
                "结清时间",
                "收款凭证",
            ],
        }
    }

    /// A file name for the download (ASCII).
    pub fn file_stem(&self) -> String {
        match self {
            Export::Ledger(id) => format!("ledger-organisation-{id}"),
            Export::Needs(code) => format!("needs-{}", code.as_str()),
            Export::Offers(id) => format!("offers-organisation-{id}"),
            Export::Purchases(id) => format!("purchases-organisation-{id}"),
        }
    }

    /// A file name in Chinese for people (the ASCII [`Export::file_stem`] stands beside it):
    /// `台账-<organisation>`, `需求-<region>`, `帮扶资源-<organisation>`, `消费帮扶-<organisation>`.
    pub fn file_stem_zh(&self, name: &str) -> String {
        let kind = match self {
            Export::Ledger(_) => "台账",
            Export::Needs(_) => "需求",
            Export::Offers(_) => "帮扶资源",
            Export::Purchases(_) => "消费帮扶",
        };
        format!("{kind}-{name}")
    }

    fn rows(&self) -> export_store::Rows<'_> {
        use export_store::Rows;
        match self {
            Export::Ledger(org) => Rows::OrganisationPledges(*org),
            Export::Needs(region) => Rows::RegionNeeds(region),
            Export::Offers(org) => Rows::OrganisationOffers(*org),
            Export::Purchases(org) => Rows::OrganisationPurchases(*org),
        }
    }

    /// The rows after key `after`, at most one page; the key of the last row.
    pub async fn page(
        &self,
        db: &DatabaseConnection,
        after: i64,
    ) -> Result<(Vec<Vec<Cell>>, Option<i64>), ApiError> {
        match self {
            Export::Ledger(org) => ledger_page(db, *org, after).await,
            Export::Needs(region) => needs_page(db, region, after).await,
            Export::Offers(org) => offers_page(db, *org, after).await,
            Export::Purchases(org) => purchases_page(db, *org, after).await,
        }
    }
}

async fn ledger_page(
    db: &DatabaseConnection,
    org: i64,
    after: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), ApiError> {
    let rows = pledge_store::of_organisation(db, org, after, PAGE).await?;
    let need_ids: Vec<i64> = rows.iter().map(|p| p.need_id).collect();
    let need_rows = need_store::find_many(db, &need_ids).await?;
    let context = PublicContext::load(db, &need_rows).await?;
    let mut cells = Vec::with_capacity(rows.len());
    for pledge in &rows {
        let need = need_rows
            .iter()
            .find(|n| n.id == pledge.need_id)
            .ok_or_else(|| ApiError::internal("a pledge without its need"))?;
        let public = public_need(need, &context);
        let status = pledge.status;
        let arrived = matches!(status, PledgeStatus::Received | PledgeStatus::Thanked);
        let received = pledge.received_quantity.filter(|_| arrived);
        cells.push(vec![
            Cell::Int(pledge.id),
            Cell::Time(Some(pledge.created_at)),
            Cell::Int(need.id),
            Cell::Text(need.title.clone()),
            Cell::Text(public.category.label_zh().to_owned()),
            Cell::Text(place_name(&public.region_names)),
            Cell::Text(public.beneficiary.summary.clone()),
            Cell::Int(pledge.quantity),
            Cell::Text(public.unit_label.clone()),
            Cell::Yuan(need.unit_value_fen),
            Cell::Yuan(pledge.quantity * need.unit_value_fen),
            Cell::Text(status.label_zh().to_owned()),
            Cell::Time(pledge.shipped_at),
            Cell::Text(pledge.shipment_carrier.clone().unwrap_or_default()),
            Cell::Text(pledge.shipment_reference.clone().unwrap_or_default()),
            received.map(Cell::Int).unwrap_or(Cell::Text(String::new())),
            received
                .map(|q| Cell::Yuan(q * need.unit_value_fen))
                .unwrap_or(Cell::Text(String::new())),
            Cell::Time(pledge.received_at),
            Cell::Time(pledge.thanked_at),
        ]);
    }
    Ok((cells, rows.last().map(|p| p.id)))
}

async fn needs_page(
    db: &DatabaseConnection,
    region: &RegionCode,
    after: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), ApiError> {
    let rows = export_store::region_needs_page(db, region, after, PAGE).await?;
    let last = rows.last().map(|n| n.id);
    // An expired need that never went public stays private (the projection's own rule).
    let rows: Vec<NeedRecord> = rows.into_iter().filter(NeedRecord::is_public).collect();
    let context = PublicContext::load(db, &rows).await?;
    let mut cells = Vec::with_capacity(rows.len());
    for need in &rows {
        let public = public_need(need, &context);
        let urgency = need.urgency;
        cells.push(vec![
            Cell::Int(need.id),
            Cell::Text(public.title.clone()),
            Cell::Text(public.category_label.clone()),
            Cell::Text(public.status.label_zh().to_owned()),
            Cell::Text(urgency.label_zh().to_owned()),
            Cell::Text(place_name(&public.region_names)),
            Cell::Text(public.beneficiary.summary.clone()),
            Cell::Text(public.unit_label.clone()),
            Cell::Int(need.target_quantity),
            Cell::Int(need.pledged_quantity),
            Cell::Int(need.received_quantity),
            Cell::Yuan(need.unit_value_fen),
            Cell::Yuan(need.target_quantity * need.unit_value_fen),
            Cell::Yuan(need.received_quantity * need.unit_value_fen),
            Cell::Time(Some(need.deadline)),
            Cell::Time(need.published_at),
        ]);
    }
    Ok((cells, last))
}

async fn offers_page(
    db: &DatabaseConnection,
    org: i64,
    after: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), ApiError> {
    let rows = offer_store::of_organisation_page(db, org, after, PAGE).await?;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let matched = offer_store::matched(db, &ids).await?;
    let public = crate::service::offers::public_offers(db, &rows).await?;
    let cells = rows
        .iter()
        .zip(public)
        .map(|(offer, public)| {
            let (pledges, value) = matched.get(&offer.id).copied().unwrap_or_default();
            let reach = match offer.destination {
                crate::domain::offer::Destination::Anywhere => {
                    offer.destination.label_zh().to_owned()
                }
                _ => public
                    .regions
                    .iter()
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            };
            vec![
                Cell::Int(offer.id),
                Cell::Time(Some(offer.created_at)),
                Cell::Time(offer.published_at),
                Cell::Text(offer.kind.label_zh().to_owned()),
                Cell::Text(offer.category.label_zh().to_owned()),
                Cell::Text(offer.title.clone()),
                Cell::Int(offer.quantity),
                Cell::Text(offer.unit.label_zh().to_owned()),
                Cell::Int(offer.quantity - offer.remaining),
                Cell::Int(offer.remaining),
                Cell::Text(offer.status.label_zh().to_owned()),
                Cell::Text(reach),
                Cell::Time(Some(offer.valid_until)),
                Cell::Int(pledges),
                Cell::Yuan(value),
            ]
        })
        .collect();
    Ok((cells, rows.last().map(|o| o.id)))
}

async fn purchases_page(
    db: &DatabaseConnection,
    org: i64,
    after: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), ApiError> {
    let rows = order_store::of_buyer_org_page(db, org, after, PAGE).await?;
    let mut ids: Vec<i64> = rows.iter().map(|o| o.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let records = product_store::find_many(db, &ids).await?;
    let now = crate::clock::now();
    let public = crate::service::products::public_products(db, &records, now).await?;
    let mut cells = Vec::with_capacity(rows.len());
    for order in &rows {
        let product = public
            .iter()
            .find(|p| p.id == order.product_id)
            .ok_or_else(|| ApiError::internal("an order without its product"))?;
        let arrived = order.status.counts_as_received();
        let received = order.received_quantity.filter(|_| arrived);
        // The delivery data is the buyer's own, and stays on the order: not in a ledger.
        cells.push(vec![
            Cell::Int(order.id),
            Cell::Time(Some(order.ordered_at)),
            Cell::Text(product.name.clone()),
            Cell::Text(product.category.label_zh().to_owned()),
            Cell::Text(product.origin.name.clone()),
            Cell::Text(product.seller_name.clone()),
            Cell::Text(if order.certified { "是" } else { "否" }.to_owned()),
            Cell::Int(order.quantity),
            Cell::Text(product.unit.label_zh().to_owned()),
            Cell::Yuan(order.unit_price_fen),
            Cell::Yuan(order.value_fen),
            Cell::Text(order.status.label_zh().to_owned()),
            Cell::Time(order.shipped_at),
            Cell::Text(order.carrier.clone().unwrap_or_default()),
            Cell::Text(order.tracking_ref.clone().unwrap_or_default()),
            received.map(Cell::Int).unwrap_or(Cell::Text(String::new())),
            received
                .map(|q| Cell::Yuan(q * order.unit_price_fen))
                .unwrap_or(Cell::Text(String::new())),
            Cell::Time(order.received_at),
            Cell::Time(order.settled_at),
            Cell::Text(order.payment_ref.clone().unwrap_or_default()),
        ]);
    }
    Ok((cells, rows.last().map(|o| o.id)))
}

/// Refuses an export from a client address that took `export_rate_per_hour` this hour (429
/// with Retry-After), and one of more than `export_max_rows` rows after `after` (422
/// `export_too_large`, with `details.max_rows`): nothing is read before both pass.
pub async fn admit(
    app: &Context,
    export: &Export,
    after: i64,
    client: Option<&str>,
) -> Result<(), ApiError> {
    use crate::service::rate_limit::{Limit, address_key, limit_at};
    let server = &app.settings.server;
    let key = format!("export:{}", address_key(client.unwrap_or("unknown")));
    limit_at(
        &app.db,
        &key,
        &Limit::per_hour(server.export_rate_per_hour),
        app.clock.now(),
    )
    .await?;
    let cap = u64::from(server.export_max_rows);
    if export_store::over_cap(&app.db, export.rows(), after, cap).await? {
        let narrower = match export {
            Export::Needs(_) => "choose a smaller region, or ",
            _ => "",
        };
        return Err(ApiError::new(
            ErrorCode::ExportTooLarge,
            format!(
                "this export has more than {cap} rows, the most one export may hold: \
                 {narrower}export it in parts with `after` (the last id of the part before)"
            ),
        )
        .with_details(serde_json::json!({ "max_rows": cap })));
    }
    Ok(())
}

/// `Content-Disposition` of a download: an ASCII `filename` made only of the stem's safe
/// characters, and the Chinese name as RFC 5987 `filename*=UTF-8''…`, percent-encoded so that
/// no character of a name (a quote, a line break) can end the header or start another.
pub fn content_disposition(stem: &str, stem_zh: &str, extension: &str) -> String {
    let ascii: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in format!("{stem_zh}.{extension}").bytes() {
        // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}.{extension}\"; filename*=UTF-8''{encoded}")
}

/// The CSV lines of the page after key `after`, made on the blocking pool; the key of its last
/// row (none at the end).
pub async fn csv_page(
    db: &DatabaseConnection,
    export: &Export,
    after: i64,
) -> Result<(Vec<u8>, Option<i64>), ApiError> {
    let (rows, last) = export.page(db, after).await?;
    let chunk = on_blocking(move || {
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(text_of).collect())
            .collect();
        csv_chunk(&lines)
    })
    .await?;
    Ok((chunk, last))
}

/// The byte-order mark and the header line of an export's CSV.
pub fn csv_head(export: &Export) -> Result<Vec<u8>, ApiError> {
    let headers: Vec<String> = export.headers().iter().map(|h| h.to_string()).collect();
    let mut chunk = "\u{feff}".as_bytes().to_vec();
    chunk.extend(csv_chunk(&[headers])?);
    Ok(chunk)
}

/// Fen as yuan with two decimals: `123456` → `1234.56`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (fen / 100).abs(), (fen % 100).abs())
}

/// Text as a spreadsheet program may open it: a text that would start a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, so that a need titled
/// `=HYPERLINK(…)` stays a title.
pub fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A cell as CSV text.
pub fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => inert(t),
        Cell::Int(n) => n.to_string(),
        Cell::Yuan(fen) => yuan(*fen),
        Cell::Time(t) => t
            .map(|t| {
                crate::clock::in_beijing(t)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
    }
}

/// CSV lines of `rows` (RFC 4180 quoting).
pub fn csv_chunk(rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

/// The export after key `after` as an XLSX workbook: a header row, frozen, and the rows page
/// by page. The workbook is written on the blocking pool, a page at a time, while the next page
/// is read on the async side.
pub async fn xlsx(
    db: &DatabaseConnection,
    export: &Export,
    after: i64,
) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let sheet_name = match export {
        Export::Ledger(_) => "台账",
        Export::Needs(_) => "需求",
        Export::Offers(_) => "帮扶资源",
        Export::Purchases(_) => "消费帮扶",
    };
    let headers = export.headers();
    let mut workbook = on_blocking(move || {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(ApiError::internal)?;
        sheet.set_name(sheet_name).map_err(ApiError::internal)?;
        for (col, header) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *header, &bold)
                .map_err(ApiError::internal)?;
            sheet
                .set_column_width(col as u16, 14)
                .map_err(ApiError::internal)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(ApiError::internal)?;
        Ok(workbook)
    })
    .await?;
    let mut next_row: u32 = 1;
    let mut after = after;
    loop {
        let (rows, last) = export.page(db, after).await?;
        let first_row = next_row;
        next_row += rows.len() as u32;
        workbook = on_blocking(move || {
            let money = Format::new().set_num_format("0.00");
            let sheet = workbook
                .worksheet_from_index(0)
                .map_err(ApiError::internal)?;
            for (row, row_index) in rows.iter().zip(first_row..) {
                for (col, cell) in row.iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Int(n) => sheet.write_number(row_index, col, *n as f64),
                        // Exact to the fen: a fen count below 2^53 divided by 100 rounds back.
                        Cell::Yuan(fen) => sheet.write_number_with_format(
                            row_index,
                            col,
                            *fen as f64 / 100.0,
                            &money,
                        ),
                        other => sheet.write_string(row_index, col, text_of(other)),
                    }
                    .map_err(ApiError::internal)?;
                }
            }
            Ok(workbook)
        })
        .await?;
        match last {
            Some(id) => after = id,
            None => break,
        }
    }
    on_blocking(move || workbook.save_to_buffer().map_err(ApiError::internal)).await
}

/// Runs CPU- and file-bound `work` on the blocking pool.
async fn on_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_read_as_yuan_to_the_fen() {
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(-250), "-2.50");
        assert_eq!(yuan(10_000_000_000), "100000000.00");
    }

    #[test]
    fn text_that_would_start_a_formula_stays_text() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+1"), "'+1");
        assert_eq!(inert("@SUM"), "'@SUM");
        assert_eq!(inert("课桌椅"), "课桌椅");
        assert_eq!(text_of(&Cell::Yuan(-250)), "-2.50", "numbers are not text");
    }

    #[test]
    fn a_download_name_cannot_break_its_header() {
        assert_eq!(
            content_disposition("needs-110101", "需求-东城区", "csv"),
            "attachment; filename=\"needs-110101.csv\"; \
             filename*=UTF-8''%E9%9C%80%E6%B1%82-%E4%B8%9C%E5%9F%8E%E5%8C%BA.csv"
        );
        let hostile = content_disposition(
            "a\"b\r\nSet-Cookie: x",
            "x\"; filename=\"evil.exe\r\n",
            "csv",
        );
        assert!(!hostile.contains('\r') && !hostile.contains('\n'));
        assert!(hostile.starts_with("attachment; filename=\"a_b__Set-Cookie__x.csv\"; "));
        assert!(hostile.ends_with("filename*=UTF-8''x%22%3B%20filename%3D%22evil.exe%0D%0A.csv"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let chunk = csv_chunk(&[vec!["a,b".into(), "说\"好\"".into(), "1.00".into()]]).unwrap();
        assert_eq!(
            String::from_utf8(chunk).unwrap(),
            "\"a,b\",\"说\"\"好\"\"\",1.00\r\n"
        );
    }
}
