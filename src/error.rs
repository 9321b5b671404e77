//! The API's errors: one table of stable, machine-readable codes with their HTTP status, and the
//! `{"error": {"code", "message", "fields"}}` body every failure is answered with. A field's
//! errors are coded too (`fields.rs`): `{"title": [{"code": "length", "min": 4, "max": 60,
//! "message": "…"}]}`.
//!
//! Internal causes are logged with their context and never sent to the client.

mod fields;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:ident;)*) => {
        /// A stable error code. Clients switch on the snake_case string, never on the message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)*
                }
            }
        }
    };
}

error_codes! {
    // 400 when a field breaks what the API document states; 422 when every field error is a
    // rule it cannot state (`ApiError::status`).
    ValidationFailed = "validation_failed", BAD_REQUEST;
    InvalidJson = "invalid_json", BAD_REQUEST;
    InvalidParameter = "invalid_parameter", BAD_REQUEST;
    InvalidRegionCode = "invalid_region_code", BAD_REQUEST;
    InvalidPhoto = "invalid_photo", BAD_REQUEST;
    Unauthenticated = "unauthenticated", UNAUTHORIZED;
    InvalidCredentials = "invalid_credentials", UNAUTHORIZED;
    CsrfTokenInvalid = "csrf_token_invalid", FORBIDDEN;
    Forbidden = "forbidden", FORBIDDEN;
    ConflictOfInterest = "conflict_of_interest", FORBIDDEN;
    EmailUnconfirmed = "email_unconfirmed", FORBIDDEN;
    TokenScopeInsufficient = "token_scope_insufficient", FORBIDDEN;
    SessionRequired = "session_required", FORBIDDEN;
    NotFound = "not_found", NOT_FOUND;
    RegionNotFound = "region_not_found", NOT_FOUND;
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED;
    Conflict = "conflict", CONFLICT;
    NeedOverPledged = "need_over_pledged", CONFLICT;
    OutOfStock = "out_of_stock", CONFLICT;
    HouseholdDuplicate = "household_duplicate", CONFLICT;
    OrganisationDuplicate = "organisation_duplicate", CONFLICT;
    IncomeYearRecorded = "income_year_recorded", CONFLICT;
    AlreadyConfirmed = "already_confirmed", CONFLICT;
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE;
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE;
    // Rules no schema states: private data in public text, a reset or confirmation token that
    // was not issued (or has been used, or has expired).
    PrivateData = "private_data", UNPROCESSABLE_ENTITY;
    InvalidToken = "invalid_token", UNPROCESSABLE_ENTITY;
    InvalidState = "invalid_state", UNPROCESSABLE_ENTITY;
    IdempotencyKeyReused = "idempotency_key_reused", UNPROCESSABLE_ENTITY;
    GranteeUnconfirmed = "grantee_unconfirmed", UNPROCESSABLE_ENTITY;
    PledgeLimit = "pledge_limit", UNPROCESSABLE_ENTITY;
    PledgeShareLimit = "pledge_share_limit", UNPROCESSABLE_ENTITY;
    OrderLimit = "order_limit", UNPROCESSABLE_ENTITY;
    OrderShareLimit = "order_share_limit", UNPROCESSABLE_ENTITY;
    ExportTooLarge = "export_too_large", UNPROCESSABLE_ENTITY;
    PageTooDeep = "page_too_deep", UNPROCESSABLE_ENTITY;
    RateLimited = "rate_limited", TOO_MANY_REQUESTS;
    SignInDelayed = "sign_in_delayed", TOO_MANY_REQUESTS;
    Internal = "internal", INTERNAL_SERVER_ERROR;
    DatabaseUnavailable = "database_unavailable", SERVICE_UNAVAILABLE;
    StorageFull = "storage_full", SERVICE_UNAVAILABLE;
    SearchUnavailable = "search_unavailable", SERVICE_UNAVAILABLE;
    SearchRebuilding = "search_rebuilding", SERVICE_UNAVAILABLE;
    SearchMismatch = "search_mismatch", SERVICE_UNAVAILABLE;
    ServerBusy = "server_busy", SERVICE_UNAVAILABLE;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use fields::{FieldCode, FieldError, FieldErrors, WireFieldError};

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Option<FieldErrors>,
    /// Seconds to wait, for 429 answers (sent as `Retry-After`).
    pub retry_after: Option<u64>,
    /// Facts a client acts on, e.g. `{"remaining_quantity": 3}` with `need_over_pledged`.
    pub details: Option<serde_json::Value>,
}

/// The challenge of every 401 (`WWW-Authenticate`).
pub const BEARER_CHALLENGE: &str = "Bearer realm=\"duijie\"";

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `region_not_found`.
    code: &'static str,
    /// What went wrong, for a person.
    message: String,
    /// For validation failures: the rules each field at fault breaks, by field name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, Vec<WireFieldError>>>)]
    fields: Option<FieldErrors>,
    /// Facts a client acts on, e.g. `{"remaining_quantity": 3}` with `need_over_pledged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    details: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: None,
            retry_after: None,
            details: None,
        }
    }

    /// With facts the client acts on (`error.details`).
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Too many attempts: try again in `seconds`.
    pub fn rate_limited(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                ErrorCode::RateLimited,
                format!("too many attempts; try again in {seconds} seconds"),
            )
        }
    }

    /// A validation failure naming the fields at fault: `private_data` when private data in
    /// public text is all that is wrong, else `validation_failed`.
    pub fn validation(fields: FieldErrors) -> Self {
        let names: Vec<&str> = fields.names().collect();
        let (code, message) = if fields.errors().all(|e| e.code() == FieldCode::PrivateData) {
            (
                ErrorCode::PrivateData,
                format!(
                    "{} would be public and must not contain private data",
                    names.join(" and ")
                ),
            )
        } else {
            (
                ErrorCode::ValidationFailed,
                format!("invalid value for: {}", names.join(", ")),
            )
        };
        Self {
            fields: Some(fields),
            ..Self::new(code, message)
        }
    }

    /// A single field's validation failure.
    pub fn field(name: &str, error: FieldError) -> Self {
        Self::validation(FieldErrors::from_iter([(name, error)]))
    }

    /// The status answered: the code's, except for a validation failure that breaks only rules
    /// the API document cannot state (`FieldError::stated_by_document`), 422 — the request
    /// is well formed, and a client generated from the document could not have known. One
    /// field at fault by the document's rules makes it 400.
    /// What a 401 says of how to authenticate (RFC 7235): an API token, as a bearer token
    /// (RFC 6750; a browser's session cookie needs no challenge). A sent token that is not
    /// valid gets `error="invalid_token"` added where it is refused (`http::auth::credentials`).
    fn challenge(&self) -> Option<&'static str> {
        (self.status() == StatusCode::UNAUTHORIZED).then_some(BEARER_CHALLENGE)
    }

    pub fn status(&self) -> StatusCode {
        match (self.code, &self.fields) {
            (ErrorCode::ValidationFailed, Some(fields))
                if !fields.is_empty() && fields.errors().all(|e| !e.stated_by_document()) =>
            {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            // Another code keeps its status with its fields (a duplicate's 409).
            _ => self.code.status(),
        }
    }

    /// 403 for an action the caller's roles and scopes do not allow.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "you are not allowed to do this here")
    }

    /// 503: the search engine cannot answer now; everything else still works.
    pub fn search_unavailable() -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(
                ErrorCode::SearchUnavailable,
                "search is unavailable for the moment; try again shortly",
            )
        }
    }

    /// 503 from `/readyz`: the index `name` is being filled from this database.
    pub fn search_rebuilding(name: &str) -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(
                ErrorCode::SearchRebuilding,
                format!("the {name} search index is being filled from this database"),
            )
        }
    }

    /// 503 from `/readyz`: the index `name` mirrors another database or schema, or carries no
    /// identity yet; a worker set to rebuild fills it, else `duijie reindex` does.
    pub fn search_mismatch(name: &str) -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(
                ErrorCode::SearchMismatch,
                format!(
                    "the {name} search index does not mirror this database (another database's                      or schema's, or not yet filled): a worker rebuilds it, or run `duijie                      reindex`"
                ),
            )
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "sign in first")
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// An unexpected failure: the cause is logged here, the client gets a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::Internal, "internal error; it has been logged")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(challenge) = self.challenge() {
            response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, challenge));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str(),
                message: self.message.clone(),
                fields: self.fields.clone(),
                details: self.details.clone(),
            },
        })
    }
}

/// What kind of failure a database error is, when it is not the request's fault.
#[derive(Debug, PartialEq, Eq)]
enum Outage {
    /// Passing (the server restarting or away, a lock, a serialisation conflict): worth a 503
    /// and a retry rather than a 500.
    Transient,
    /// The disk under the database is full (SQLite's SQLITE_FULL, PostgreSQL's `disk_full`):
    /// nothing was written, and writing can resume once an operator frees space.
    StorageFull,
}

fn outage(err: &sea_orm::DbErr) -> Option<Outage> {
    use sea_orm::sqlx::Error as SqlxError;
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => Some(Outage::Transient),
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                SqlxError::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
                    Some(Outage::StorageFull)
                }
                SqlxError::Io(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed => Some(Outage::Transient),
                SqlxError::Database(db) => match db.code().as_deref() {
                    // SQLite: SQLITE_FULL; PostgreSQL: disk_full.
                    Some("13" | "53100") => Some(Outage::StorageFull),
                    // PostgreSQL: serialization failure, deadlock, lock not available, admin,
                    // crash shutdown, cannot connect now (starting up or shutting down), any
                    // connection exception (class 08); SQLite: busy, locked.
                    Some(
                        "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03" | "5" | "6"
                        | "517" | "262",
                    ) => Some(Outage::Transient),
                    Some(code) if code.starts_with("08") => Some(Outage::Transient),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

impl ApiError {
    /// 503: the disk under the database or the data directory is full; nothing was written.
    pub fn storage_full() -> Self {
        Self {
            retry_after: Some(30),
            ..Self::new(
                ErrorCode::StorageFull,
                "the server's storage is full, so nothing was saved; try again later",
            )
        }
    }
}

impl ApiError {
    /// A stored file (a photo) could not be written or read: 503 `storage_full` when the disk
    /// (or, for files kept in the database, the database's disk) is full, else internal.
    pub fn file(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::StorageFull {
            tracing::error!(error = %err, "the file store's disk is full");
            return Self::storage_full();
        }
        let text = err.to_string();
        match err
            .into_inner()
            .map(|inner| inner.downcast::<sea_orm::DbErr>())
        {
            Some(Ok(db)) => Self::from(*db),
            _ => Self::internal(text),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::SqlErr;
        match outage(&err) {
            Some(Outage::Transient) => {
                tracing::error!(error = %err, "database unavailable");
                return Self {
                    retry_after: Some(1),
                    ..Self::new(
                        ErrorCode::DatabaseUnavailable,
                        "the database is unavailable; try again shortly",
                    )
                };
            }
            Some(Outage::StorageFull) => {
                tracing::error!(error = %err, "the database's storage is full");
                return Self::storage_full();
            }
            None => {}
        }
        // A constraint the service did not anticipate by name: still the client's conflict.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::warn!(constraint = %detail, "unique constraint violated");
                Self::new(
                    ErrorCode::Conflict,
                    "this conflicts with a record that already exists",
                )
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                tracing::warn!(constraint = %detail, "foreign key constraint violated");
                Self::new(
                    ErrorCode::Conflict,
                    "this refers to a record that does not exist or is still in use",
                )
            }
            _ => Self::internal(err),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::validation(errors.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
        }
    }

    /// A code in the table that nothing answers with is a contract clients are told about but
    /// never see: remove it, or use it.
    #[test]
    fn every_error_code_is_used_somewhere() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut text = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut text,
        );
        for code in ErrorCode::ALL {
            let usage = format!("ErrorCode::{code:?}");
            assert!(text.contains(&usage), "{usage} ({code}) is never used");
        }
    }

    #[test]
    fn a_file_that_finds_the_disk_full_is_storage_full_and_any_other_file_error_internal() {
        let full = ApiError::file(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(full.code, ErrorCode::StorageFull);
        assert!(
            full.retry_after.is_some(),
            "a client is told when to try again"
        );
        let other = ApiError::file(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(other.code, ErrorCode::Internal);
        let in_database = ApiError::file(std::io::Error::other(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout,
        )));
        assert_eq!(in_database.code, ErrorCode::DatabaseUnavailable);
    }

    fn body(err: &ApiError) -> serde_json::Value {
        let body = err.error_response().into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    #[test]
    fn a_validation_error_names_its_fields_in_the_body_with_each_rules_code() {
        let err = ApiError::field("title", FieldError::length(4, 60));
        assert_eq!(err.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body(&err),
            serde_json::json!({"error": {
                "code": "validation_failed",
                "message": "invalid value for: title",
                "fields": {"title": [
                    {"code": "length", "min": 4, "max": 60, "message": "must be 4 to 60 characters"}
                ]}
            }})
        );
    }

    #[test]
    fn only_rules_the_document_cannot_state_make_a_validation_failure_422() {
        let rule = ApiError::validation(FieldErrors::from_iter([
            ("quantity", FieldError::exceeds(3)),
            ("org_id", FieldError::not_found_reference()),
            ("deadline", FieldError::new(FieldCode::Future)),
        ]));
        assert_eq!(rule.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body(&rule)["error"]["code"], "validation_failed");
        assert_eq!(
            body(&rule)["error"]["fields"]["quantity"][0],
            serde_json::json!({"code": "exceeds", "max": 3, "message": "must be at most 3 here"})
        );
        // One field at fault by the document's rules makes the request malformed.
        let mixed = ApiError::validation(FieldErrors::from_iter([
            ("quantity", FieldError::exceeds(3)),
            ("title", FieldError::length(4, 60)),
        ]));
        assert_eq!(mixed.status_code(), StatusCode::BAD_REQUEST);
        // An ID-card number of the wrong form breaks the document's pattern; one whose check
        // character is wrong does not.
        let id_card = |reason| {
            ApiError::field(
                "id_card_number",
                FieldError::new(FieldCode::IdCard).reason(reason),
            )
            .status_code()
        };
        assert_eq!(id_card("format"), StatusCode::BAD_REQUEST);
        assert_eq!(id_card("check_character"), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            ApiError::field("email", FieldError::required_with(Some("mobile"))).status_code(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            ApiError::field("email", FieldError::required()).status_code(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn a_rule_with_words_of_its_own_keeps_them_as_the_message() {
        let err = ApiError::field(
            "id_card_number",
            FieldError::new(FieldCode::IdCard)
                .reason("check_character")
                .because("the ID-card number's check character is wrong"),
        );
        assert_eq!(
            body(&err)["error"]["fields"]["id_card_number"][0],
            serde_json::json!({
                "code": "id_card",
                "reason": "check_character",
                "message": "the ID-card number's check character is wrong"
            })
        );
    }

    #[test]
    fn private_data_alone_is_its_own_error_code() {
        let private = || FieldError::new(FieldCode::PrivateData).kind("mobile");
        let err = ApiError::validation(FieldErrors::from_iter([
            ("title", private()),
            ("description", private()),
        ]));
        assert_eq!(err.code, ErrorCode::PrivateData);
        assert_eq!(
            err.message,
            "description and title would be public and must not contain private data"
        );
        let mixed = ApiError::validation(FieldErrors::from_iter([
            ("title", private()),
            ("unit", FieldError::one_of(["item", "money"])),
        ]));
        assert_eq!(mixed.code, ErrorCode::ValidationFailed);
    }

    #[test]
    fn validators_errors_keep_their_code_and_parameters_but_not_the_value() {
        use validator::Validate;
        #[derive(Validate)]
        struct Body {
            #[validate(length(min = 4, max = 60))]
            title: String,
            #[validate(range(min = 1, max = 30))]
            members: i64,
        }
        let errors = Body {
            title: "桌".into(),
            members: 0,
        }
        .validate()
        .unwrap_err();
        let json = body(&ApiError::from(errors));
        assert_eq!(
            json["error"]["fields"],
            serde_json::json!({
                "members": [{"code": "range", "min": 1, "max": 30, "message": "must be 1 to 30"}],
                "title": [{"code": "length", "min": 4, "max": 60, "message": "must be 4 to 60 characters"}],
            })
        );
    }
}
