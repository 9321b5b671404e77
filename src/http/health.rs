//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::{ServiceConfig, endpoint};
use crate::error::ApiError;
use crate::service::Context;

/// Outside `/api/v1`, where probes expect them.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(endpoint!(healthz)).service(endpoint!(readyz));
}

/// Liveness: the process is up and serving.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the process can do its work: its database answers, and so do its search
/// engine's three indexes (needs, offers, products).
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200),
    (status = 503, body = crate::error::ErrorBody, description = "`database_unavailable` or `search_unavailable`"),
))]
pub async fn readyz(state: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    let failed = crate::service::search::search_failed;
    state.search.health().await.map_err(failed)?;
    state.offer_search.health().await.map_err(failed)?;
    state.product_search.health().await.map_err(failed)?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready", "database": "ok", "search": "ok"})))
}
