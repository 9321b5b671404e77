//! The HTTP side of the metrics: the middleware that counts every request the API answers
//! (beside the request logger, with the same route pattern), and the one route of the metrics
//! listener.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::metrics::{CONTENT_TYPE, ROUTE_FRONTEND, ROUTE_UNMATCHED};
use crate::service::Context;

/// Counts the request and times it up to its response's head, under its route's pattern
/// (`/api/v1/needs/{id}`): never the path itself, which holds ids and would make a series per
/// id. A request no route matched is counted as the web front end's when it answered it,
/// as `unmatched` otherwise.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let pattern = req.match_pattern();
    let method = req.method().clone();
    let metrics = req
        .app_data::<web::Data<Context>>()
        .map(|state| state.metrics.clone());
    let outcome = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        let route = match &pattern {
            Some(pattern) => pattern.as_str(),
            None if status.is_success() || status.is_redirection() => ROUTE_FRONTEND,
            None => ROUTE_UNMATCHED,
        };
        metrics.observe_request(method.as_str(), route, status.as_u16(), started.elapsed());
    }
    outcome
}

/// The metrics listener's routes: `GET /metrics`, and 404 for anything else.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape))
        .default_service(web::to(HttpResponse::NotFound));
}

/// The metrics in the Prometheus text format.
async fn scrape(state: web::Data<Context>) -> HttpResponse {
    let text = crate::service::metrics::scrape(&state).await;
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(text)
}
