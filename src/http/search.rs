//! `GET /api/v1/needs/search`: the public search over needs, answered from the search index
//! alone (the database is not touched).

use actix_web::{HttpRequest, web};

use super::{ServiceConfig, endpoint};
use crate::error::{ApiError, ErrorBody};
use crate::service::Context;
use crate::service::search::{self, SearchPage};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(search_needs));
}

/// The statuses a public search may filter by.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum PublicStatus {
    InNotice,
    Suspended,
    Published,
    FullyPledged,
    Fulfilled,
    Closed,
    Expired,
}

/// The query parameters, for the OpenAPI document (the handler reads them itself, to name an
/// unknown one and to take repeated filters).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// Words to find (up to 100 characters); Chinese is cut into words. Every word must match,
    /// or one of its synonyms (`书包` finds `学习用品`); the last also matches words it begins.
    q: Option<String>,
    /// A category code; repeat to find any of several.
    category: Option<Vec<crate::domain::need::Category>>,
    /// An administrative code at any level (province … village); repeat for several.
    #[param(value_type = Option<Vec<crate::validation::RegionCodeSchema>>, inline)]
    region: Option<Vec<String>>,
    /// `normal`, `urgent` or `critical`; repeatable.
    urgency: Option<Vec<crate::domain::need::Urgency>>,
    /// `household` or `village`; repeatable.
    beneficiary: Option<Vec<crate::domain::need::BeneficiaryKind>>,
    /// A public status; repeatable.
    #[param(inline)]
    status: Option<Vec<PublicStatus>>,
    /// A cause of poverty of the household (`illness`, `education_cost` …); repeatable.
    cause: Option<Vec<crate::domain::household::PovertyCause>>,
    /// `true`: only needs taking pledges now (published, something still to give).
    open: Option<bool>,
    /// `relevance` (default with `q`), `newest` (default without), `urgency`, `deadline` or
    /// `remaining_value`.
    sort: Option<crate::service::search::SortName>,
    /// From 1 (default 1).
    page: Option<u64>,
    /// 1 to 100 (default 20).
    per_page: Option<u64>,
}

/// Search the public needs: text, filters, facet counts, sorts and pages.
///
/// Each facet is counted disjunctively: ignoring its own filter (so ticked values keep the
/// others listed, with the needs ticking them would add) and respecting every other one.
#[utoipa::path(get, path = "/needs/search", tag = "search", params(SearchParams),
    responses(
        (status = 200, body = SearchPage),
        (status = 400, body = ErrorBody, description = "`invalid_parameter` for an unknown parameter, `validation_failed` naming a filter or sort whose value is not known, `invalid_region_code`"),
        (status = 503, body = ErrorBody, description = "`search_unavailable`: the search engine cannot answer now (sent with Retry-After)"),
    ))]
pub async fn search_needs(
    state: web::Data<Context>,
    request: HttpRequest,
) -> Result<web::Json<SearchPage>, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    let parsed = search::parse_request(&pairs)?;
    Ok(web::Json(
        search::search(state.search.as_ref(), &state.search_config, &parsed).await?,
    ))
}
