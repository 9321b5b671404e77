//! The OpenAPI document of the HTTP API, served at `/api/v1/openapi.json`: collected from the
//! routes' registration (each handler's `#[utoipa::path]` and the response types it names),
//! then completed here with what every operation shares.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{App, HttpResponse, web};
use utoipa::Number;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::domain::api_token::{Requirement, TokenScope};
use crate::service::paging::Paging;

/// What the document says besides its operations, which the routes bring.
#[derive(OpenApi)]
#[openapi(
    components(schemas(
        crate::validation::RegionCodeSchema,
        super::offers::PublicOfferStatus,
        crate::store::needs::WorklistSort,
        crate::store::pledges::MinePledgeSort
    )),
    info(
        title = "对接 Duijie API",
        description = "Social poverty-alleviation information platform. Errors are \
        `{\"error\": {\"code\", \"message\", \"fields\"}}` with a stable code."
    )
)]
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

/// What every operation shares, added here once rather than on each handler: its id, the
/// bounds of the parameters whose meaning the server gives them everywhere (a record's id is at
/// least 1, a page is 1 to [`Paging::MAX_PAGE`] of 1 to [`Paging::MAX_PER_PAGE`]), and the
/// failures any operation can answer: a malformed parameter or body, an unsupported method, a
/// crash, the database away; a body too large or of the wrong type where there is a body; 401
/// everywhere (a bad bearer token is refused even where no sign-in is needed); 403 where the caller's
/// roles, scopes or CSRF token decide; 404 where the path names a record or a query names a
/// region; 422 where a change meets a record in a state that does not allow it.
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

/// Operations that recognise no caller at all: their answers are the same with any
/// credentials or none, so no CSRF token or role is asked there (a bad bearer token is still
/// refused, as everywhere).
const NO_CALLER: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/password/forgot"),
    ("post", "/api/v1/auth/password/reset"),
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
        if let Some(components) = openapi.components.as_mut() {
            for schema in components.schemas.values_mut() {
                bound_fields(schema);
            }
        }
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
                bound_parameters(op);
                let api = path.starts_with("/api/v1/");
                let public = !api
                    || path.starts_with("/api/v1/regions")
                    || PUBLIC.contains(&(method, path.as_str()));
                let changes = method != "get";
                let recognises_caller = api
                    && !path.starts_with("/api/v1/regions")
                    && !NO_CALLER.contains(&(method, path.as_str()));
                let names_a_region = op.parameters.iter().flatten().any(|p| {
                    matches!(p.parameter_in, ParameterIn::Query)
                        && matches!(p.name.as_str(), "region" | "village")
                });
                let pages = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query) && p.name == "page");
                let has_body = op.request_body.is_some();
                let queried = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
                let mut errors = vec![
                    (
                        "400",
                        "`invalid_parameter`, `invalid_json` or `validation_failed`: the request \
                         breaks what this document states (a type, a required field, a length, a \
                         bound, a pattern, a code list)",
                    ),
                    ("405", "`method_not_allowed`"),
                    ("500", "`internal`"),
                    (
                        "503",
                        "`database_unavailable` or `storage_full`, with Retry-After",
                    ),
                ];
                if has_body {
                    errors.push(("413", "`payload_too_large`"));
                    errors.push(("415", "`unsupported_media_type`"));
                }
                if names_a_record {
                    errors.push(("404", "`not_found`"));
                }
                if names_a_region {
                    errors.push(("404", "`region_not_found`"));
                }
                // `ApiError::status`: a request this document allows may still break a rule it
                // cannot state (another field's value, the records, today).
                if has_body || queried {
                    errors.push((
                        "422",
                        "`validation_failed`, `private_data` or `invalid_token`: the fields at \
                         fault break only rules this document cannot state, each named by its \
                         field code (`required_with`, `exceeds`, `not_found_reference`, \
                         `future` …)",
                    ));
                }
                if pages {
                    errors.push((
                        "422",
                        "`page_too_deep`: `page × per_page` past the first 10,000 items",
                    ));
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
                // Every route refuses an `Authorization` header naming no live API token
                // (`auth::credentials`), public ones and pages too.
                if public {
                    errors.push((
                        "401",
                        "`unauthenticated`: the Authorization header sent names no valid API \
                         token (not `Bearer <token>`, expired or revoked); without one, a \
                         visitor is served",
                    ));
                } else {
                    errors.push((
                        "401",
                        "`unauthenticated`: sign in first, or the Authorization header sent \
                         names no valid API token (not `Bearer <token>`, expired or revoked)",
                    ));
                }
                if !public || (changes && recognises_caller) {
                    errors.push((
                        "403",
                        "`forbidden` (the caller's roles or token scope do not allow it) or \
                         `csrf_token_invalid`",
                    ));
                }
                if changes && names_a_record {
                    errors.push((
                        "422",
                        "`invalid_state`: the record's state does not allow this now",
                    ));
                }
                let mut by_status: Vec<(&str, String)> = Vec::new();
                for (status, description) in errors {
                    match by_status.iter_mut().find(|(s, _)| *s == status) {
                        Some((_, all)) => *all = format!("{all}; {description}"),
                        None => by_status.push((status, description.to_owned())),
                    }
                }
                for (status, description) in by_status {
                    add_error(op, status, &description);
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

/// Bounds every operation's parameters share: an integer in a path, or in a query other than a
/// page's, names a record by its id (at least 1); `page` and `per_page` as [`Paging`] takes
/// them (the search endpoints, whose engines page otherwise, give their own).
fn bound_parameters(op: &mut Operation) {
    for parameter in op.parameters.iter_mut().flatten() {
        let (min, max) = match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path | ParameterIn::Query, "page") => (1, Some(Paging::MAX_PAGE)),
            (ParameterIn::Path | ParameterIn::Query, "per_page") => (1, Some(Paging::MAX_PER_PAGE)),
            (ParameterIn::Path | ParameterIn::Query, _) => (1, None),
            _ => continue,
        };
        let Some(RefOr::T(schema)) = parameter.schema.as_mut() else {
            continue;
        };
        let integer = match schema {
            Schema::Object(object) => Some(object),
            Schema::Array(array) => match &mut array.items {
                ArrayItems::RefOrSchema(items) => match items.as_mut() {
                    RefOr::T(Schema::Object(object)) => Some(object),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(integer) = integer.filter(|o| is_integer(&o.schema_type)) else {
            continue;
        };
        // A bound the handler's attribute gives is its own (the search endpoints' pages).
        let unbounded = match integer.minimum {
            None | Some(Number::Int(0)) | Some(Number::UInt(0)) => true,
            Some(Number::Float(f)) => f == 0.0,
            _ => false,
        };
        if unbounded {
            integer.minimum = Some(Number::Int(min));
            if let Some(max) = max {
                integer.maximum = Some(Number::UInt(max as usize));
            }
        }
    }
}

/// A date's pattern: JSON Schema 2020-12 takes `format` as a note, not a rule, and clients
/// generated from the document check the pattern.
const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// A moment's pattern: RFC 3339, as the server reads and writes one (`2026-12-07T08:30:00Z`,
/// `2026-12-07T16:30:00.5+08:00`).
const DATE_TIME_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

/// The fields of a body or an answer whose meaning the server gives them everywhere: a date is
/// written `YYYY-MM-DD` and a moment in RFC 3339; a record's id (`id`, `…_id`) is at least 1.
fn bound_fields(schema: &mut RefOr<Schema>) {
    let RefOr::T(Schema::Object(object)) = schema else {
        return;
    };
    for (name, field) in object.properties.iter_mut() {
        let RefOr::T(Schema::Object(field)) = field else {
            continue;
        };
        if field.format == Some(SchemaFormat::KnownFormat(KnownFormat::Date))
            && field.pattern.is_none()
        {
            field.pattern = Some(DATE_PATTERN.to_owned());
        }
        if field.format == Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))
            && field.pattern.is_none()
        {
            field.pattern = Some(DATE_TIME_PATTERN.to_owned());
        }
        if (name == "id" || name.ends_with("_id"))
            && is_integer(&field.schema_type)
            && field.minimum.is_none()
        {
            field.minimum = Some(Number::Int(1));
        }
    }
}

fn is_integer(schema_type: &SchemaType) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == Type::Integer,
        SchemaType::Array(types) => types.contains(&Type::Integer),
        SchemaType::AnyValue => false,
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

    /// Every schema the document refers to is in it (a type named only in a parameter's
    /// attribute is not collected: such parameters inline theirs).
    #[test]
    fn every_reference_resolves() {
        let doc = serde_json::to_value(api_document()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let text = doc.to_string();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{name} is referred to but not defined"
            );
        }
    }

    /// No body is limited to a number of fields: utoipa-gen 5.5 writes `min_properties` as
    /// `maxProperties`, which documented household and need edits as one field at most.
    #[test]
    fn no_schema_caps_its_fields() {
        let text = serde_json::to_string(&api_document()).unwrap();
        assert!(
            !text.contains("\"maxProperties\""),
            "a maxProperties crept in"
        );
    }

    /// Bounds the server holds every parameter to: ids from 1, pages as `Paging` takes them.
    #[test]
    fn ids_and_pages_are_bounded() {
        let doc = serde_json::to_value(api_document()).unwrap();
        let params = &doc["paths"]["/api/v1/needs"]["get"]["parameters"];
        let param = |name: &str| {
            params
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap()["schema"]
                .clone()
        };
        assert_eq!(param("page")["minimum"], 1);
        assert_eq!(param("page")["maximum"], Paging::MAX_PAGE);
        assert_eq!(param("per_page")["maximum"], Paging::MAX_PER_PAGE);
        assert_eq!(param("household")["minimum"], 1);
        let id = &doc["paths"]["/api/v1/needs/{id}"]["get"]["parameters"][0]["schema"];
        assert_eq!(id["minimum"], 1, "{id}");
        assert_eq!(id["type"], "integer", "{id}");
    }

    /// A list filter that takes several codes, comma-separated, says exactly which codes: its
    /// pattern is the one its enum makes, so that what the document allows is what is taken.
    #[test]
    fn code_list_filters_list_their_codes() {
        use crate::domain::{need, pledge};
        use crate::service::list_params::codes_pattern;
        let doc = serde_json::to_value(api_document()).unwrap();
        let pattern = |path: &str, name: &str| {
            doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap()["schema"]["pattern"]
                .clone()
        };
        let codes = |all: Vec<&'static str>| serde_json::Value::from(codes_pattern(&all));
        let statuses = need::NeedStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(pattern("/api/v1/needs", "status"), codes(statuses));
        let categories = need::Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(pattern("/api/v1/needs", "category"), codes(categories));
        let pledges = pledge::PledgeStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(pattern("/api/v1/me/pledges", "status"), codes(pledges));
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
