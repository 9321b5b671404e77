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
/// engine's three indexes (needs, offers, products), each mirroring this database completely.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200),
    (status = 503, body = crate::error::ErrorBody, description = "`database_unavailable`; `search_unavailable` (the engine does not answer); `search_rebuilding` (an index is being filled from this database); `search_mismatch` (an index mirrors another database or another schema of its documents, or is not filled yet)"),
))]
pub async fn readyz(state: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    crate::service::search_identity::readiness(&state).await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready", "database": "ok", "search": "ok"})))
}
