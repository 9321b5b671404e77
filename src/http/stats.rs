//! `/api/v1/stats` (精准考核 figures), an organisation's dashboard, and the exports: an
//! organisation's ledger (台账) and a region's needs, as CSV or XLSX.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use bytes_stream::ExportStream;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{Caller, MaybeCaller, RequestOrigin};
use super::{ServiceConfig, endpoint};
use crate::domain::authz::{Action, Target, authorize};
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorBody, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::exports::{self, Export};
use crate::service::pairings::{self, Dashboard};
use crate::store::regions as region_store;
use crate::store::stats::{self, Figures, RegionFigures, Scope};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(figures))
        .service(endpoint!(by_region))
        .service(endpoint!(dashboard))
        .service(endpoint!(export_ledger))
        .service(endpoint!(export_needs))
        .service(endpoint!(export_offers))
        .service(endpoint!(export_purchases));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// A region (any level, 2 to 12 digits).
    #[param(value_type = Option<String>, pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<RegionCode>,
    /// An organisation (its people and administrators only).
    #[serde(default, deserialize_with = "super::record_id")]
    pub org: Option<i64>,
    /// A pairing.
    #[serde(default, deserialize_with = "super::record_id")]
    pub pairing: Option<i64>,
}

/// What the figures are about.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsScope {
    /// `platform`, `region`, `organisation` or `pairing`.
    pub kind: &'static str,
    pub code: Option<String>,
    pub id: Option<i64>,
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub scope: StatsScope,
    pub figures: Figures,
    pub as_of: DateTime<Utc>,
}

/// Assessment figures (精准考核) of the platform, a region, an organisation or a pairing: at
/// most one of `region`, `org`, `pairing`. Regions and pairings are public; an organisation's
/// figures are its people's and the administrators'.
#[utoipa::path(get, path = "/stats", tag = "stats", params(StatsQuery),
    responses((status = 200, body = Stats), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn figures(
    state: web::Data<Context>,
    caller: MaybeCaller,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<Stats>, ApiError> {
    let given = [
        query.region.is_some(),
        query.org.is_some(),
        query.pairing.is_some(),
    ];
    // Each filter is the document's; that they exclude each other is not.
    if given.iter().filter(|g| **g).count() > 1 {
        let first = ["region", "org", "pairing"][given.iter().position(|g| *g).unwrap_or(0)];
        let mut fields = FieldErrors::new();
        for (name, _) in ["region", "org", "pairing"]
            .into_iter()
            .zip(given)
            .filter(|(name, given)| *given && *name != first)
        {
            fields.add(
                name,
                FieldError::new(FieldCode::Absent)
                    .field(first)
                    .because(format!(
                        "give at most one of region, org and pairing: {first} is given"
                    )),
            );
        }
        return Err(ApiError::validation(fields));
    }
    let (scope, about) = if let Some(code) = &query.region {
        let region = region_store::find(&state.db, code)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::RegionNotFound, "no such region"))?;
        (
            Scope::Region(code.clone()),
            StatsScope {
                kind: "region",
                code: Some(region.code),
                id: None,
                name: Some(region.name),
            },
        )
    } else if let Some(org) = query.org {
        let organisation = crate::service::organisations::find(&state.db, org)
            .await?
            .ok_or_else(|| ApiError::not_found("organisation"))?;
        let allowed = caller.actor().is_some_and(|actor| {
            authorize(
                actor,
                Action::ViewOrganisationLedger,
                Target::Organisation(org),
            )
            .is_ok()
        });
        if !allowed {
            return Err(ApiError::not_found("organisation"));
        }
        (
            Scope::Organisation(org),
            StatsScope {
                kind: "organisation",
                code: None,
                id: Some(org),
                name: Some(organisation.name),
            },
        )
    } else if let Some(pairing) = query.pairing {
        let view = pairings::show(&state, pairing).await?;
        let targets = pairings::targets_of(&state.db, pairing).await?;
        let members = view.organisation_ids();
        (
            Scope::Pairing { targets, members },
            StatsScope {
                kind: "pairing",
                code: None,
                id: Some(pairing),
                name: Some(view.name),
            },
        )
    } else {
        (
            Scope::Platform,
            StatsScope {
                kind: "platform",
                code: None,
                id: None,
                name: None,
            },
        )
    };
    let now = state.clock.now();
    Ok(web::Json(Stats {
        scope: about,
        figures: stats::figures(&state.db, &scope, now).await?,
        as_of: now,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ByRegionQuery {
    /// The region whose divisions are compared (any level but a village); the provinces when
    /// absent.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: Option<RegionCode>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionBreakdown {
    /// The region asked about; none for the whole country.
    pub region: Option<super::regions::RegionView>,
    /// Its divisions that have a published need, most needs first.
    pub children: Vec<RegionFigures>,
}

/// The figures of each division of a region (each province without `region`) that has a
/// published need: for charts by province, city, county or town. Public.
#[utoipa::path(get, path = "/stats/regions", tag = "stats", params(ByRegionQuery),
    responses((status = 200, body = RegionBreakdown), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn by_region(
    state: web::Data<Context>,
    query: web::Query<ByRegionQuery>,
) -> Result<web::Json<RegionBreakdown>, ApiError> {
    let parent = match &query.region {
        Some(code) => {
            let region = region_store::find(&state.db, code)
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::RegionNotFound, "no such region"))?;
            Some((code.clone(), region))
        }
        None => None,
    };
    let mut children = stats::by_region(&state.db, parent.as_ref().map(|(code, _)| code)).await?;
    let codes: Vec<RegionCode> = children
        .iter()
        .filter_map(|c| RegionCode::parse(&c.code).ok())
        .collect();
    let names: std::collections::HashMap<String, String> =
        region_store::find_many(&state.db, &codes)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect();
    for child in &mut children {
        child.name = names
            .get(&child.code)
            .cloned()
            .unwrap_or_else(|| child.code.clone());
    }
    Ok(web::Json(RegionBreakdown {
        region: parent.map(|(_, region)| region.into()),
        children,
    }))
}

/// An organisation's dashboard: its pairings, the open needs in the regions they help, its
/// pledged and delivered figures (its people, administrators).
#[utoipa::path(get, path = "/organisations/{id}/dashboard", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = Dashboard), (status = 404, body = ErrorBody)))]
pub async fn dashboard(
    state: web::Data<Context>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Dashboard>, ApiError> {
    Ok(web::Json(
        pairings::dashboard(&state, caller.actor(), id.into_inner()).await?,
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    #[param(minimum = 1)]
    pub org: i64,
    /// `csv` (default) or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
    /// Only the rows after this id: the next part of an export too large for one
    /// (`export_too_large`), after the last id of the part before.
    #[param(minimum = 0)]
    pub after: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NeedsExportQuery {
    /// Any level, 2 to 12 digits.
    #[param(value_type = String, pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
    pub region: RegionCode,
    /// `csv` (default) or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
    /// Only the needs after this id: the next part of an export too large for one
    /// (`export_too_large`), after the last id of the part before.
    #[param(minimum = 0)]
    pub after: Option<i64>,
}

/// Where an export starts: after `after`, which may not be negative.
fn start(after: Option<i64>) -> Result<i64, ApiError> {
    match after {
        Some(after) if after < 0 => Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "after: must be 0 or more",
        )),
        after => Ok(after.unwrap_or(0)),
    }
}

/// An organisation's export, for its people and administrators (anyone else: 404).
async fn organisation_export(
    state: web::Data<Context>,
    caller: &Caller,
    query: &LedgerQuery,
    export: Export,
) -> Result<HttpResponse, ApiError> {
    let after = start(query.after)?;
    let organisation = crate::service::organisations::find(&state.db, query.org).await?;
    let Some(organisation) = organisation.filter(|_| {
        authorize(
            caller.actor(),
            Action::ViewOrganisationLedger,
            Target::Organisation(query.org),
        )
        .is_ok()
    }) else {
        return Err(ApiError::not_found("organisation"));
    };
    let download = Download {
        name: export.file_stem_zh(&organisation.name),
        export,
        format: query.format.unwrap_or(Format::Csv),
        after,
    };
    send(state, download, caller.origin.ip.as_deref()).await
}

/// An organisation's ledger (台账): every pledge it made and what came of it (its people,
/// administrators). CSV is streamed page by page. At most `export_max_rows` rows and
/// `export_rate_per_hour` exports an hour per client address.
#[utoipa::path(get, path = "/exports/ledger", tag = "exports", params(LedgerQuery),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`export_too_large`, with `details.max_rows`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn export_ledger(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    organisation_export(state, &caller, &query, Export::Ledger(query.org)).await
}

/// An organisation's offers (帮扶资源台账) with what was matched from each (its people,
/// administrators). CSV is streamed page by page. Bounded as the ledger is.
#[utoipa::path(get, path = "/exports/offers", tag = "exports", params(LedgerQuery),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`export_too_large`, with `details.max_rows`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn export_offers(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    organisation_export(state, &caller, &query, Export::Offers(query.org)).await
}

/// An organisation's purchases of villages' products (消费帮扶台账): each order, whether its
/// product was a certified 扶贫产品, and what came of it; no delivery data (its people,
/// administrators). CSV is streamed page by page. Bounded as the ledger is.
#[utoipa::path(get, path = "/exports/purchases", tag = "exports", params(LedgerQuery),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`export_too_large`, with `details.max_rows`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn export_purchases(
    state: web::Data<Context>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    organisation_export(state, &caller, &query, Export::Purchases(query.org)).await
}

/// A region's public needs, as the public sees them (anyone). CSV is streamed page by page.
/// At most `export_max_rows` rows (a smaller region, or parts with `after`, otherwise) and
/// `export_rate_per_hour` exports an hour per client address.
#[utoipa::path(get, path = "/exports/needs", tag = "exports", params(NeedsExportQuery),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody, description = "`region_not_found`"),
        (status = 422, body = ErrorBody, description = "`export_too_large`, with `details.max_rows`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`, with Retry-After")))]
pub async fn export_needs(
    state: web::Data<Context>,
    origin: RequestOrigin,
    query: web::Query<NeedsExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let NeedsExportQuery {
        region,
        format,
        after,
    } = query.into_inner();
    let after = start(after)?;
    let Some(found) = region_store::find(&state.db, &region).await? else {
        return Err(ApiError::new(ErrorCode::RegionNotFound, "no such region"));
    };
    let export = Export::Needs(region);
    let download = Download {
        name: export.file_stem_zh(&found.name),
        export,
        format: format.unwrap_or(Format::Csv),
        after,
    };
    send(state, download, origin.0.ip.as_deref()).await
}

/// What is downloaded, as what, from which key on.
struct Download {
    export: Export,
    /// The Chinese file name, without extension.
    name: String,
    format: Format,
    after: i64,
}

async fn send(
    state: web::Data<Context>,
    download: Download,
    client: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let Download {
        export,
        name,
        format,
        after,
    } = download;
    exports::admit(&state, &export, after, client).await?;
    let stem = export.file_stem();
    match format {
        Format::Xlsx => {
            let bytes = exports::xlsx(&state.db, &export, after).await?;
            Ok(HttpResponse::Ok()
                .insert_header((
                    CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ))
                .insert_header((
                    CONTENT_DISPOSITION,
                    exports::content_disposition(&stem, &name, "xlsx"),
                ))
                .insert_header(("cache-control", "no-store"))
                .body(bytes))
        }
        Format::Csv => Ok(HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                exports::content_disposition(&stem, &name, "csv"),
            ))
            .insert_header(("cache-control", "no-store"))
            .streaming(ExportStream::new(state, export, after))),
    }
}

mod bytes_stream {
    //! The CSV of an export as a stream of chunks: the byte-order mark and header line, then
    //! one chunk per page of rows, read only when the client is ready for it.

    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use actix_web::web::{self, Bytes};
    use futures_util::Stream;

    use crate::error::ApiError;
    use crate::service::Context as App;
    use crate::service::exports::{self, Export};

    type Page = Pin<Box<dyn Future<Output = Result<(Vec<u8>, Option<i64>), ApiError>>>>;

    pub struct ExportStream {
        state: web::Data<App>,
        export: Export,
        header_sent: bool,
        pending: Option<Page>,
        after: Option<i64>,
    }

    impl ExportStream {
        /// The export's rows after key `after`.
        pub fn new(state: web::Data<App>, export: Export, after: i64) -> Self {
            Self {
                state,
                export,
                header_sent: false,
                pending: None,
                after: Some(after),
            }
        }
    }

    impl Stream for ExportStream {
        type Item = Result<Bytes, actix_web::Error>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            if !self.header_sent {
                self.header_sent = true;
                return Poll::Ready(Some(
                    exports::csv_head(&self.export)
                        .map(Bytes::from)
                        .map_err(Into::into),
                ));
            }
            if self.pending.is_none() {
                let Some(after) = self.after else {
                    return Poll::Ready(None);
                };
                let state = self.state.clone();
                let export = self.export.clone();
                self.pending = Some(Box::pin(async move {
                    exports::csv_page(&state.db, &export, after).await
                }));
            }
            let page = self.pending.as_mut().expect("set above");
            match page.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(result) => {
                    self.pending = None;
                    match result {
                        Ok((chunk, last)) => {
                            self.after = last;
                            if chunk.is_empty() && last.is_none() {
                                Poll::Ready(None)
                            } else {
                                Poll::Ready(Some(Ok(Bytes::from(chunk))))
                            }
                        }
                        Err(e) => {
                            // The status line is sent: the client sees a cut-off download.
                            tracing::error!(error = %e.message, "export failed mid-stream");
                            self.after = None;
                            Poll::Ready(Some(Err(e.into())))
                        }
                    }
                }
            }
        }
    }
}
