//! `/api/v1/regions`: the administrative divisions, for cascaders and for naming places.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::domain::region::{Level, RegionCode};
use crate::error::{ApiError, ErrorCode};
use crate::startup::AppState;
use crate::store::regions::{self as region_store, Region};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/regions", web::get().to(provinces))
        .route("/regions/{code}", web::get().to(region))
        .route("/regions/{code}/children", web::get().to(children));
}

/// A region as the API shows it.
#[derive(Debug, Serialize)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Villages have no divisions below them.
    pub leaf: bool,
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

fn parse_code(raw: &str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(raw).map_err(|e| ApiError::new(ErrorCode::InvalidRegionCode, e.to_string()))
}

async fn existing(state: &AppState, code: &RegionCode) -> Result<Region, ApiError> {
    region_store::find(&state.db, code).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::RegionNotFound,
            format!("there is no region with code {code}"),
        )
    })
}

/// `GET /regions`: the provinces.
async fn provinces(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let provinces = region_store::children(&state.db, None).await?;
    let children: Vec<RegionView> = provinces.into_iter().map(RegionView::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "children": children })))
}

/// `GET /regions/{code}`: one region with its ancestors, province first.
async fn region(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = parse_code(&code)?;
    let region = existing(&state, &code).await?;
    let mut lineage = region_store::find_many(&state.db, &code.lineage()).await?;
    lineage.sort_by_key(|r| r.level);
    let path: Vec<RegionView> = lineage.into_iter().map(RegionView::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "region": RegionView::from(region),
        "path": path,
    })))
}

/// `GET /regions/{code}/children`: the divisions directly below a region, by code.
async fn children(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = parse_code(&code)?;
    let region = existing(&state, &code).await?;
    let children = region_store::children(&state.db, Some(&code)).await?;
    let children: Vec<RegionView> = children.into_iter().map(RegionView::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "region": RegionView::from(region),
        "children": children,
    })))
}
