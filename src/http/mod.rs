//! The HTTP layer (actix only, no SQL): routes, extractor settings, middleware, and one module
//! per resource. Handlers parse input into domain types, call a store query or a service, and
//! shape the JSON.

mod health;
mod middleware;
mod regions;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::{ApiError, ErrorCode};

pub use middleware::{catch_panic, request_id_header, security_headers};

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .service(web::scope("/api/v1").configure(regions::routes));
}

/// How request bodies, paths and query strings that do not parse are answered.
pub fn extractor_config(cfg: &mut web::ServiceConfig, max_json_bytes: usize) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(max_json_bytes)
            .error_handler(json_error),
    )
    .app_data(web::PayloadConfig::new(max_json_bytes))
    .app_data(web::PathConfig::default().error_handler(path_error))
    .app_data(web::QueryConfig::default().error_handler(query_error));
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "the request body must be JSON (Content-Type: application/json)",
        ),
        JsonPayloadError::Deserialize(e) => ApiError::new(
            ErrorCode::InvalidJson,
            format!("the request body is not valid: {e}"),
        ),
        other => ApiError::new(
            ErrorCode::InvalidJson,
            format!("the request body could not be read: {other}"),
        ),
    };
    api.into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("invalid path parameter: {err}"),
    )
    .into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("invalid query parameter: {err}"),
    )
    .into()
}

/// The answer to a path that names no resource.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("no resource at {}", req.path()),
    ))
}
