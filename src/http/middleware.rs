//! Middleware shared by every route.

use std::panic::AssertUnwindSafe;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use futures_util::{FutureExt, StreamExt};
use tracing_actix_web::RequestId;

use crate::error::{ApiError, ErrorCode, FieldCode, FieldError};

/// Answers a panicking handler with a JSON 500 instead of a dropped connection: no panic
/// reaches a client.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(path = %path, "request handler panicked");
            Err(ApiError::new(ErrorCode::Internal, "internal error; it has been logged").into())
        }
    }
}

/// Returns the request id (the one in every log line of the request) as `X-Request-Id`, so a
/// user's report can be matched with the logs.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut response = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}

/// Reads a JSON request body once before the handlers' types do:
/// - JSON Schema, which the API document speaks, counts `2.0` as the integer 2, and so do the
///   clients generated from it (and languages whose JSON numbers are all floats): whole numbers
///   written with a zero fraction (up to 2^53, where a float still spells the integer exactly)
///   are read as integers;
/// - a text holding U+0000 (`"\u0000"`) is refused here, naming its field (422
///   `validation_failed`, `nul_character`): no text the platform keeps may hold one, and
///   PostgreSQL cannot store one.
///
/// Any other body passes as it came. The body's size limit is the JSON extractor's, which
/// answers a larger body with 413 as before.
pub async fn whole_numbers(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let limit = req
        .app_data::<actix_web::web::Data<crate::service::Context>>()
        .map(|state| state.settings.server.max_json_bytes);
    if let (true, Some(limit)) = (json, limit) {
        let mut payload = req.take_payload();
        let mut body = actix_web::web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > limit {
                break;
            }
        }
        let body = body.freeze();
        let mut value = serde_json::from_slice::<serde_json::Value>(&body).ok();
        if let Some(field) = value.as_ref().and_then(|v| nul_character_at(v, "body")) {
            let refusal = ApiError::field(&field, FieldError::new(FieldCode::NulCharacter));
            return Ok(req.error_response(refusal).map_into_right_body());
        }
        let rewritten = match value.as_mut() {
            Some(value) if body.len() <= limit => spell_whole_numbers(value),
            _ => false,
        };
        let body = match value.filter(|_| rewritten) {
            Some(value) => serde_json::to_vec(&value).map_or(body, actix_web::web::Bytes::from),
            None => body,
        };
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Where in `value` a text (a value or a field's name) holds U+0000: the field's path
/// (`title`, `items[2].name`; `at` for the body itself), or `None`.
fn nul_character_at(value: &serde_json::Value, at: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text) => text.contains('\0').then(|| at.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_character_at(item, &format!("{at}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let path = if at == "body" {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            if name.contains('\0') {
                Some(path.replace('\0', "\\u0000"))
            } else {
                nul_character_at(item, &path)
            }
        }),
        _ => None,
    }
}

/// Turns every whole float of `value` up to 2^53 into an integer; whether it found one.
fn spell_whole_numbers(value: &mut serde_json::Value) -> bool {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        serde_json::Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= EXACT => {
                *value = serde_json::Value::from(f as i64);
                true
            }
            _ => false,
        },
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, item| spell_whole_numbers(item) | found),
        serde_json::Value::Object(fields) => fields
            .values_mut()
            .fold(false, |found, item| spell_whole_numbers(item) | found),
        _ => false,
    }
}

/// Headers every response carries.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
}
