//! The OpenAPI document of the HTTP API, generated from the handlers' annotations and the
//! response types, served at `/api/v1/openapi.json`. Every new route is listed here.

use actix_web::web;
use utoipa::OpenApi;

use super::{account, health, households, organisations, regions, users};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "对接 Duijie API",
        description = "Social poverty-alleviation information platform. Errors are \
            `{\"error\": {\"code\", \"message\", \"fields\"}}` with a stable code."
    ),
    paths(
        account::register,
        account::login,
        account::logout,
        account::me,
        account::create_token,
        account::list_tokens,
        account::revoke_token,
        organisations::list,
        organisations::create,
        organisations::show,
        organisations::verify,
        households::list,
        households::create,
        households::show,
        households::reveal,
        households::update,
        households::add_income,
        households::change_status,
        users::grant,
        users::revoke,
        health::healthz,
        health::readyz,
        regions::provinces,
        regions::region,
        regions::children,
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> web::Json<utoipa::openapi::OpenApi> {
    web::Json(ApiDoc::openapi())
}
