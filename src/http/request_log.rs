//! The request logger: one span per request, with the client as the HTTP layer sees it
//! (`transport::client_address`), and one closing line with the status and error code.

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

use crate::error::ApiError;

/// The span of each request (method, route, path, client, request id) and one closing line
/// per request with its status and, for a failure, its error code only. Error messages are
/// never logged here: a validation message may echo what the client sent, and that may be
/// private. Nor is the query string: a search may be for a person's name.
pub struct RequestSpans;

impl RootSpanBuilder for RequestSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        // The same client as the rate limits and the audit log see: a forwarding header only
        // from a trusted proxy.
        let client = super::transport::client_address(request.request())
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.path(),
            http.client_ip = %client,
            http.status_code = tracing::field::Empty,
            request_id = %request_id,
            error.code = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        let code = error
            .and_then(|e| e.as_error::<ApiError>())
            .map(|e| e.code.as_str());
        span.record("http.status_code", status.as_u16());
        if let Some(code) = code {
            span.record("error.code", code);
        }
        let _entered = span.enter();
        if status.is_server_error() {
            tracing::warn!(
                status = status.as_u16(),
                error.code = code,
                "request failed"
            );
        } else {
            tracing::info!(
                status = status.as_u16(),
                error.code = code,
                "request finished"
            );
        }
    }
}
