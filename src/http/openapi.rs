//! The OpenAPI document of the HTTP API, served at `/api/v1/openapi.json`: collected from the
//! routes' registration (each handler's `#[utoipa::path]` and the response types it names),
//! then completed here with what every operation shares.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{App, HttpResponse, web};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::domain::api_token::{Requirement, TokenScope};

/// What the document says besides its operations, which the routes bring.
#[derive(OpenApi)]
#[openapi(info(
    title = "对接 Duijie API",
    description = "Social poverty-alleviation information platform. Errors are \
        `{\"error\": {\"code\", \"message\", \"fields\"}}` with a stable code."
))]
struct ApiDoc;

/// `app` with every route (`super::routes`), and the API document collected from them.
pub(super) fn collect<T>(app: App<T>) -> (App<T>, utoipa::openapi::OpenApi)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, mut openapi) = app
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::routes)
        .split_for_parts();
    CommonErrors.modify(&mut openapi);
    (app, openapi)
}

/// The failures any operation can answer, added to every operation once here rather than on
/// each handler: a malformed parameter or body, an unsupported method, a crash, the database
/// away; a body too large or of the wrong type where there is a body; 401 where the caller must
/// sign in; 404 where the path names a record.
struct CommonErrors;

/// API operations anyone may call without signing in (besides the regions).
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/v1/needs/search"),
    ("get", "/api/v1/needs/notices"),
    ("get", "/api/v1/needs/{id}"),
    ("post", "/api/v1/needs/{id}/objections"),
    ("get", "/api/v1/photos/{id}"),
    ("get", "/api/v1/needs/{id}/pledges"),
    ("get", "/api/v1/pairings"),
    ("get", "/api/v1/pairings/{id}"),
    ("get", "/api/v1/stats"),
    ("get", "/api/v1/stats/regions"),
    ("get", "/api/v1/exports/needs"),
    ("get", "/api/v1/offers/search"),
    ("get", "/api/v1/offers/{id}"),
    ("get", "/api/v1/offers/{id}/needs"),
    ("get", "/api/v1/needs/{id}/offers"),
    ("get", "/api/v1/organisations/{id}/offers"),
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/search"),
    ("get", "/api/v1/products/{id}"),
];

/// `get_needs_id_pledges` for `GET /api/v1/needs/{id}/pledges`: unique, where the handlers'
/// names (`show`, `list` …) repeat across modules, and clients generated from the document
/// key operations by it.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.trim_start_matches("/api/v1").split('/') {
        let word: String = segment
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let word = word.trim_matches('_');
        if !word.is_empty() {
            id.push('_');
            id.push_str(word);
        }
    }
    id
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names_a_record = path.contains('{');
            for (method, op) in [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
            ]
            .into_iter()
            .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
            {
                op.operation_id = Some(operation_id(method, path));
                let public = !path.starts_with("/api/v1/")
                    || path.starts_with("/api/v1/regions")
                    || PUBLIC.contains(&(method, path.as_str()));
                let has_body = op.request_body.is_some();
                let mut errors = vec![
                    (
                        "400",
                        "`invalid_parameter`, `invalid_json` or `validation_failed`",
                    ),
                    ("405", "`method_not_allowed`"),
                    ("500", "`internal`"),
                    ("503", "`database_unavailable`"),
                ];
                if has_body {
                    errors.push(("413", "`payload_too_large`"));
                    errors.push(("415", "`unsupported_media_type`"));
                }
                if names_a_record {
                    errors.push(("404", "`not_found`"));
                }
                if !public {
                    errors.push(("401", "`unauthenticated`"));
                }
                // What an API token may do is decided per route (`domain::api_token`).
                let route = path.trim_start_matches("/api/v1");
                let token_refusal = match crate::domain::api_token::requirement(method, route) {
                    Requirement::Scope(TokenScope::Read) => None,
                    Requirement::Scope(_) => Some(
                        "`token_scope_insufficient`: an API token without the scope this needs",
                    ),
                    Requirement::Session => {
                        Some("`session_required`: no API token may do this, only a browser session")
                    }
                };
                for (status, description) in errors {
                    add_error(op, status, description);
                }
                if let Some(refusal) = token_refusal {
                    add_or_mention(op, "403", refusal);
                }
            }
        }
    }
}

/// Documents `status` with `description`, or adds `description` to what the operation says of
/// it already (a 403 for its roles is also a 403 for a token's scope).
fn add_or_mention(op: &mut Operation, status: &str, description: &str) {
    match op.responses.responses.get_mut(status) {
        Some(RefOr::T(response)) => {
            if !response.description.contains(description) {
                response.description = format!("{}; {description}", response.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => add_error(op, status, description),
    }
}

fn add_error(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}

/// `GET /api/v1/openapi.json`: the document `collect` gave the app.
pub async fn document(openapi: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(openapi.get_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_document() -> utoipa::openapi::OpenApi {
        collect(App::new()).1
    }

    #[test]
    fn every_operation_has_an_id_of_its_own() {
        let doc = api_document();
        let mut seen = std::collections::BTreeSet::new();
        for item in doc.paths.paths.values() {
            for op in [&item.get, &item.post, &item.patch, &item.put, &item.delete]
                .into_iter()
                .flatten()
            {
                let id = op.operation_id.clone().expect("an operation id");
                assert!(seen.insert(id.clone()), "{id} twice");
            }
        }
        assert!(seen.contains("get_needs_id_pledges"), "{seen:?}");
        assert!(seen.contains("get_healthz"), "{seen:?}");
    }

    #[test]
    fn code_enums_are_described_by_their_codes() {
        let doc = serde_json::to_value(api_document()).unwrap();
        let status = &doc["components"]["schemas"]["NeedStatus"]["enum"];
        assert_eq!(status[0], "draft", "{status}");
        assert!(status.as_array().unwrap().contains(&"in_notice".into()));
        assert_eq!(doc["components"]["schemas"]["Unit"]["enum"][3], "money");
    }

    /// The front end's typed client (`frontend/src/api/schema.d.ts`) is generated from a copy of
    /// this document; the copy must be the document the handlers describe.
    #[test]
    fn the_front_ends_copy_of_the_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/frontend/src/api/openapi.json");
        let current = serde_json::to_string_pretty(&api_document()).unwrap() + "\n";
        if std::env::var_os("DUIJIE_UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &current).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == current,
            "{path} is not the API's document: run `DUIJIE_UPDATE_OPENAPI=1 cargo test --lib \
             openapi`, then `npm run api:types` in frontend/, and commit both"
        );
    }
}
