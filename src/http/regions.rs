//! `/api/v1/regions`: the administrative divisions, for cascaders and for naming places.

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ServiceConfig, endpoint};
use crate::domain::region::{Level, RegionCode};
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::service::Context;
use crate::store::regions::{self as region_store, Region};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(provinces))
        .service(endpoint!(region))
        .service(endpoint!(children));
}

/// A region as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    /// National statistical code: 2 (province), 4 (city), 6 (county), 9 (town) or 12 (village)
    /// digits.
    #[schema(example = "4414")]
    pub code: String,
    #[schema(example = "梅州市")]
    pub name: String,
    #[schema(value_type = String, example = "city")]
    pub level: Level,
    /// Villages have no divisions below them.
    pub leaf: bool,
}

/// The regions directly below `region` (below the country when `region` is absent).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionChildren {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionView>,
    pub children: Vec<RegionView>,
}

/// A region and its ancestors.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDetail {
    pub region: RegionView,
    /// From the province down to the region itself.
    pub path: Vec<RegionView>,
}

impl From<Region> for RegionView {
    fn from(region: Region) -> Self {
        let level = Level::from_depth(region.level).unwrap_or(Level::Village);
        Self {
            code: region.code,
            name: region.name,
            level,
            leaf: level == Level::Village,
        }
    }
}

async fn existing(state: &Context, code: &RegionCode) -> Result<Region, ApiError> {
    region_store::find(&state.db, code).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::RegionNotFound,
            format!("there is no region with code {code}"),
        )
    })
}

fn views(regions: Vec<Region>) -> Vec<RegionView> {
    regions.into_iter().map(RegionView::from).collect()
}

/// The provinces.
#[utoipa::path(get, path = "/regions", tag = "regions",
    responses((status = 200, body = RegionChildren)))]
pub async fn provinces(state: web::Data<Context>) -> Result<web::Json<RegionChildren>, ApiError> {
    let provinces = region_store::children(&state.db, None).await?;
    Ok(web::Json(RegionChildren {
        region: None,
        children: views(provinces),
    }))
}

/// One region with its ancestors, province first.
#[utoipa::path(get, path = "/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "administrative division code", pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$", example = "441426100200")),
    responses(
        (status = 200, body = RegionDetail),
        (status = 400, body = ErrorBody, description = "`invalid_region_code`"),
        (status = 404, body = ErrorBody, description = "`region_not_found`"),
    ))]
pub async fn region(
    state: web::Data<Context>,
    code: web::Path<RegionCode>,
) -> Result<web::Json<RegionDetail>, ApiError> {
    let code = code.into_inner();
    let region = existing(&state, &code).await?;
    let mut lineage = region_store::find_many(&state.db, &code.lineage()).await?;
    lineage.sort_by_key(|r| r.level);
    Ok(web::Json(RegionDetail {
        region: RegionView::from(region),
        path: views(lineage),
    }))
}

/// The divisions directly below a region, by code (a cascader's next column).
#[utoipa::path(get, path = "/regions/{code}/children", tag = "regions",
    params(("code" = String, Path, description = "administrative division code", pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$", example = "4414")),
    responses(
        (status = 200, body = RegionChildren),
        (status = 400, body = ErrorBody, description = "`invalid_region_code`"),
        (status = 404, body = ErrorBody, description = "`region_not_found`"),
    ))]
pub async fn children(
    state: web::Data<Context>,
    code: web::Path<RegionCode>,
) -> Result<web::Json<RegionChildren>, ApiError> {
    let code = code.into_inner();
    let region = existing(&state, &code).await?;
    let children = region_store::children(&state.db, Some(&code)).await?;
    Ok(web::Json(RegionChildren {
        region: Some(RegionView::from(region)),
        children: views(children),
    }))
}
