//! The HTTP layer (actix only, no SQL): routes, extractor settings, middleware, and one module
//! per resource. Handlers parse input into domain types, call a store query or a service, and
//! shape the JSON.

mod account;
pub mod auth;
mod follows;
pub mod frontend;
mod health;
mod households;
pub mod metrics;
mod middleware;
mod needs;
mod notifications;
mod offers;
mod openapi;
mod orders;
mod organisations;
mod pairings;
mod pledges;
mod products;
mod regions;
mod request_log;
mod search;
mod stats;
pub mod transport;
mod users;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::Method;
use actix_web::{App, HttpRequest, web};
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa_actix_web::OpenApiFactory;
pub use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};

pub use middleware::{catch_panic, request_id_header, security_headers, whole_numbers};
pub use request_log::RequestSpans;

/// Every route of the application. The API's document is collected from this registration
/// (`openapi::collect`): an API route is an [`endpoint!`] of handlers, each served at the path
/// and method of its `#[utoipa::path]` attribute, relative to the scope it is registered in.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes)
        .configure(notifications::page_routes)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(Endpoint::undocumented("/openapi.json").get(openapi::document))
                .configure(account::routes)
                .configure(notifications::routes)
                .configure(organisations::routes)
                .configure(pairings::routes)
                .configure(stats::routes)
                .configure(households::routes)
                // Before `needs`, whose `/needs/{id}` would take `/needs/search` for an id.
                .configure(search::routes)
                .configure(needs::routes)
                .configure(pledges::routes)
                .configure(offers::routes)
                .configure(follows::routes)
                .configure(products::routes)
                .configure(orders::routes)
                .configure(users::routes)
                .configure(regions::routes),
        );
}

/// `app` with every route, serving at `/api/v1/openapi.json` the document collected from them.
pub fn with_routes<T>(app: App<T>) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, document) = openapi::collect(app);
    app.app_data(web::Data::new(document))
}

/// `page` and `per_page` of a list ([`crate::service::paging::Paging`] bounds them).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// From 1; `page × per_page` at most 10,000 (`page_too_deep` beyond).
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn paging(&self) -> Result<crate::service::paging::Paging, ApiError> {
        crate::service::paging::Paging::parse(self.page, self.per_page)
    }
}

/// Declares a list's page, `{items, total, page, per_page}`, the one shape every list of the API
/// answers: `page!(/** A page of … */ TokenPage of TokenView);`, then
/// `TokenPage::of(service_answer, paging)`.
macro_rules! page {
    ($(#[$doc:meta])* $name:ident of $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
            pub page: u64,
            pub per_page: u64,
        }

        impl $name {
            /// The page of `paging` holding `items`, of `total` in all.
            pub fn of(
                (items, total): (Vec<$item>, u64),
                paging: crate::service::paging::Paging,
            ) -> Self {
                Self {
                    items,
                    total,
                    page: paging.page,
                    per_page: paging.per_page,
                }
            }
        }
    };
}
pub(crate) use page;

/// A record's id in a query string (`#[serde(default, deserialize_with = "record_id")]`): at
/// least 1, as the API document says of every id; anything else is `invalid_parameter`.
pub(crate) fn record_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let id = <Option<i64> as serde::Deserialize>::deserialize(d)?;
    match id {
        Some(id) if id < 1 => Err(serde::de::Error::custom(format_args!(
            "an id is at least 1, not {id}"
        ))),
        id => Ok(id),
    }
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
        JsonPayloadError::Deserialize(e) => match named_field(e) {
            Some((field, error)) => ApiError::validation(FieldErrors::from_iter([(
                field,
                error.because(e.to_string()),
            )])),
            None => ApiError::new(
                ErrorCode::InvalidJson,
                format!("the request body is not valid: {e}"),
            ),
        },
        other => ApiError::new(
            ErrorCode::InvalidJson,
            format!("the request body could not be read: {other}"),
        ),
    };
    api.into()
}

/// The field a body's deserialisation failed on, when serde's message names it: a missing field
/// (`missing field `deadline``) is `required`, one the body may not have (`unknown field `x`,
/// expected …`) is `unknown_field`. Serde does not name the field of a value of the wrong type;
/// that stays `invalid_json`, as does a name that is not a plain field name.
fn named_field(err: &serde_json::Error) -> Option<(String, FieldError)> {
    if err.classify() != serde_json::error::Category::Data {
        return None;
    }
    let message = err.to_string();
    let (field, code) = if let Some(rest) = message.strip_prefix("missing field `") {
        (rest.split_once('`')?.0, FieldCode::Required)
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        // The name is the client's and may hold anything; what follows it is the body type's
        // own field names, which hold no backquote: the last separator is the one.
        let end = ["`, expected ", "`, there are no fields"]
            .iter()
            .filter_map(|tail| rest.rfind(tail))
            .max()?;
        (&rest[..end], FieldCode::UnknownField)
    } else {
        return None;
    };
    let plain = !field.is_empty()
        && field.len() <= 64
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then(|| (field.to_owned(), FieldError::new(code)))
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    parameter_error("path", &err.to_string()).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    parameter_error("query", &err.to_string()).into()
}

/// A path or query parameter that does not parse: `invalid_region_code` when it is a region
/// code that is not one (handlers take [`RegionCode`](crate::domain::region::RegionCode)s,
/// whose parse error this recognises), `invalid_parameter` otherwise.
fn parameter_error(place: &str, error: &str) -> ApiError {
    let not_a_region = crate::domain::region::InvalidRegionCode.to_string();
    if error.contains(&not_a_region) {
        ApiError::new(
            ErrorCode::InvalidRegionCode,
            format!("region: {not_a_region}"),
        )
    } else {
        ApiError::new(
            ErrorCode::InvalidParameter,
            format!("invalid {place} parameter: {error}"),
        )
    }
}

/// One path and the handlers of its methods. Any other method gets a JSON `405
/// method_not_allowed` whose `Allow` header lists the methods given here, so the list cannot
/// drift from the routes.
///
/// An API endpoint is made by [`endpoint!`] from handlers with `#[utoipa::path]`: the path and
/// method each is served at are the ones its attribute documents, and the endpoint carries
/// their part of the API document to the registration (`utoipa_actix_web`), so the path is
/// written once. The few routes outside the document are [`Endpoint::undocumented`].
pub struct Endpoint {
    path: Option<String>,
    resource: Option<actix_web::Resource>,
    methods: Vec<Method>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

/// The [`Endpoint`] serving each handler at the path and method of its `#[utoipa::path]`
/// attribute (`__path_<handler>`), which all share one path: `endpoint!(show, update)`.
macro_rules! endpoint {
    ($($handler:ident),+ $(,)?) => {
        pastey::paste! {
            $crate::http::Endpoint::documented()
                $(.handler([<__path_ $handler>], $handler))+
        }
    };
}
pub(crate) use endpoint;

impl Endpoint {
    /// An endpoint of the API document, filled by [`endpoint!`].
    pub fn documented() -> Self {
        Endpoint {
            path: None,
            resource: None,
            methods: Vec::new(),
            paths: Paths::new(),
            schemas: Vec::new(),
        }
    }

    /// An endpoint at `path` that the API document leaves out: a page, or the document itself.
    pub fn undocumented(path: &str) -> Self {
        Self::documented().at(path)
    }

    fn at(mut self, path: &str) -> Self {
        match &self.path {
            None => {
                self.path = Some(path.to_owned());
                self.resource = Some(web::resource(path));
            }
            Some(at) => assert_eq!(
                at, path,
                "the handlers of one endpoint share its path: {at} and {path}"
            ),
        }
        self
    }

    fn route<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: actix_web::Handler<Args>,
        Args: actix_web::FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        let resource = self
            .resource
            .take()
            .expect("an endpoint's path comes first");
        self.resource = Some(resource.route(web::method(method.clone()).to(handler)));
        self.methods.push(method);
        self
    }

    /// Serves `handler` at the path and methods of its `#[utoipa::path]` attribute, `doc`.
    pub fn handler<P, F, Args>(mut self, doc: P, handler: F) -> Self
    where
        P: utoipa::Path + OpenApiFactory,
        F: actix_web::Handler<Args>,
        Args: actix_web::FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        self = self.at(&P::path());
        for method in P::methods() {
            self = self.route(actix_method(method), handler.clone());
        }
        self.paths.merge(doc.paths());
        doc.schemas(&mut self.schemas);
        self
    }
}

fn actix_method(method: HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// The methods of an [`Endpoint::undocumented`]; an API endpoint takes its methods from its
/// handlers' attributes.
impl Endpoint {
    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: actix_web::Handler<Args>,
        Args: actix_web::FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        self.route(Method::GET, handler)
    }

    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: actix_web::Handler<Args>,
        Args: actix_web::FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        self.route(Method::POST, handler)
    }
}

impl OpenApiFactory for Endpoint {
    fn paths(&self) -> Paths {
        self.paths.clone()
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.extend(self.schemas.iter().cloned());
    }
}

impl actix_web::dev::HttpServiceFactory for Endpoint {
    fn register(self, config: &mut actix_web::dev::AppService) {
        let allow = self
            .methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let resource = self
            .resource
            .expect("an endpoint with a handler")
            .default_service(web::to(move |req: HttpRequest| {
                let allow = allow.clone();
                async move {
                    let error = ApiError::new(
                        ErrorCode::MethodNotAllowed,
                        format!(
                            "{} is not supported at {}; use {allow}",
                            req.method(),
                            req.path()
                        ),
                    );
                    let mut response = actix_web::ResponseError::error_response(&error);
                    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
                        response
                            .headers_mut()
                            .insert(actix_web::http::header::ALLOW, value);
                    }
                    response
                }
            }));
        actix_web::dev::HttpServiceFactory::register(resource, config);
    }
}

/// The answer to a path that names no resource.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("no resource at {}", req.path()),
    ))
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use serde_json::Value;

    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Echo {
        title: String,
        count: Option<i64>,
    }

    async fn echo(_body: web::Json<Echo>) -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn explode() -> HttpResponse {
        panic!("a bug in a handler")
    }

    async fn call(req: test::TestRequest) -> (u16, Value) {
        let app = test::init_service(
            App::new()
                .configure(|cfg| extractor_config(cfg, 2048))
                .route("/echo", web::post().to(echo))
                .route("/explode", web::get().to(explode))
                .default_service(web::to(not_found))
                .wrap(from_fn(catch_panic)),
        )
        .await;
        let response = match test::try_call_service(&app, req.to_request()).await {
            Ok(response) => response.map_into_boxed_body(),
            Err(err) => {
                let response = err.error_response();
                let status = response.status().as_u16();
                let body = actix_web::body::to_bytes(response.into_body())
                    .await
                    .unwrap();
                return (status, serde_json::from_slice(&body).unwrap());
            }
        };
        let status = response.status().as_u16();
        let body = test::read_body(response).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    #[actix_web::test]
    async fn an_oversized_body_is_413_and_names_the_limit() {
        let big = format!(r#"{{"title": "{}"}}"#, "x".repeat(4096));
        let (status, body) = call(
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload(big),
        )
        .await;
        assert_eq!(status, 413);
        assert_eq!(body["error"]["code"], "payload_too_large");
        assert!(body["error"]["message"].as_str().unwrap().contains("2048"));
    }

    async fn post_echo(payload: &'static str) -> (u16, Value) {
        call(
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload(payload),
        )
        .await
    }

    #[actix_web::test]
    async fn a_body_missing_a_field_is_400_validation_failed_naming_it() {
        let (status, body) = post_echo(r#"{"count": 1}"#).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["fields"]["title"][0]["code"], "required");
        assert!(body["error"]["message"].as_str().unwrap().contains("title"));
    }

    #[actix_web::test]
    async fn a_field_the_body_may_not_have_is_named_too() {
        let (status, body) = post_echo(r#"{"title": "x", "titel": "x"}"#).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["fields"]["titel"][0]["code"], "unknown_field");
    }

    #[actix_web::test]
    async fn a_body_whose_fault_serde_cannot_place_stays_invalid_json() {
        for payload in [
            r#"{"title": "x", "count": "many"}"#,
            r#"{"title": "#,
            r#"{"title": "x", "a`, expected b": 1}"#,
        ] {
            let (status, body) = post_echo(payload).await;
            assert_eq!(status, 400, "{payload}");
            assert_eq!(body["error"]["code"], "invalid_json", "{payload}: {body}");
            assert!(body["error"].get("fields").is_none(), "{payload}: {body}");
        }
    }

    #[actix_web::test]
    async fn a_body_that_is_not_json_is_415() {
        let (status, body) = call(
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "text/plain"))
                .set_payload("title=x"),
        )
        .await;
        assert_eq!(status, 415);
        assert_eq!(body["error"]["code"], "unsupported_media_type");
    }

    #[actix_web::test]
    async fn a_panicking_handler_is_a_json_500_not_a_dropped_connection() {
        let (status, body) = call(test::TestRequest::get().uri("/explode")).await;
        assert_eq!(status, 500);
        assert_eq!(body["error"]["code"], "internal");
        assert!(
            !body.to_string().contains("a bug in a handler"),
            "the cause stays in the logs"
        );
    }
}
