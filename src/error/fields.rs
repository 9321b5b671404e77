//! What is wrong with each field of a request: a stable rule code with the rule's parameters,
//! `{"code": "length", "min": 4, "max": 60, "message": "must be 4 to 60 characters"}`, so that a
//! client tells its user in the user's language; `message` is English, for the API's developers.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

macro_rules! field_codes {
    ($($variant:ident = $code:literal,)*) => {
        /// The rule a field breaks, with the parameters the error carries beside it. The first
        /// are rules the API document states (its types, required fields, lengths, bounds,
        /// patterns and enums): a request that breaks one is answered 400. The others, from
        /// `required_with` on, are rules no schema can state (another field's value, the
        /// records, today): a request that breaks only such rules is answered 422.
        ///
        /// - `required`: the field must be given.
        /// - `invalid_type`: the value is not of the field's type (a text for a number, …).
        /// - `unknown_field`: the request has no such field.
        /// - `length` (`min`, `max`): a text's length in characters, leading and trailing
        ///   spaces not counted.
        /// - `items` (`min`, `max`): how many items a list holds.
        /// - `range` (`min`, `max`): a number's bounds, both included.
        /// - `one_of` (`allowed`): one of the listed codes.
        /// - `email`: an e-mail address.
        /// - `mobile`: a mainland mobile number (11 digits beginning 13 to 19).
        /// - `id_card` (`reason`: `format`, `birth_date`, `check_character`): a 身份证号.
        /// - `credit_code` (`reason`: `format`, `check_character`): a 统一社会信用代码.
        /// - `region_code` (`levels`, when only some fit: `province`, `city`, `county`,
        ///   `town`, `village`): an administrative division code of 2, 4, 6, 9 or 12 digits.
        /// - `id_card` and `credit_code` with `reason` `format` are the document's patterns;
        ///   their other reasons are not.
        ///
        /// - `required_with` (`field`, when another field makes it so): the field must be given
        ///   here, because of the other field's value (or the records', without `field`).
        /// - `absent`: the field must be left out here.
        /// - `exceeds` (`max`): more than the records allow now (what remains, what was
        ///   ordered or pledged, the stock, this year).
        /// - `below` (`min`): less than the records or another field ask now (the smallest
        ///   pledge, a product's minimum order, what was pledged already, a pay range's bottom).
        /// - `one_of_with` (`allowed`, `field`): one of the listed codes, which the other field
        ///   named decides.
        /// - `region_level` (`levels`, `field` when another field decides): a region of one of
        ///   these levels is needed here.
        /// - `not_found_reference`: names a record that does not exist, or one that this
        ///   request may not use (an unverified organisation, a household of another village).
        /// - `duplicate`: it is registered already.
        /// - `mismatch` (`field`): it does not agree with the other field named.
        /// - `not_before` (`field`): a date that must not be before the other field named.
        /// - `future`: a time that must be in the future.
        /// - `within_days` (`days`): a time at most so many days ahead.
        /// - `min_days_ahead` (`days`): a time at least so many days ahead.
        /// - `total_value` (`max`): a need's total value (target × unit value, in fen) is
        ///   above `max`.
        /// - `nul_character`: a text holds the character U+0000, which no text here may hold.
        /// - `private_data` (`kind`: `id_card`, `mobile`, `long_number`, `email`,
        ///   `household_name`, `household_address`): text the public will read carries
        ///   private data.
        /// - `invalid`: any other rule; `message` says which.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum FieldCode {
            $($variant,)*
        }

        impl FieldCode {
            pub const ALL: &'static [FieldCode] = &[$(FieldCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(FieldCode::$variant => $code,)*
                }
            }

            /// The code `validator` (or a custom rule) names; `invalid` for one not in the table.
            pub fn parse(code: &str) -> FieldCode {
                match code {
                    $($code => FieldCode::$variant,)*
                    _ => FieldCode::Invalid,
                }
            }
        }
    };
}

field_codes! {
    Required = "required",
    InvalidType = "invalid_type",
    UnknownField = "unknown_field",
    Length = "length",
    Items = "items",
    Range = "range",
    OneOf = "one_of",
    Email = "email",
    Mobile = "mobile",
    IdCard = "id_card",
    CreditCode = "credit_code",
    RegionCode = "region_code",
    RequiredWith = "required_with",
    Absent = "absent",
    Exceeds = "exceeds",
    Below = "below",
    OneOfWith = "one_of_with",
    RegionLevel = "region_level",
    NotFoundReference = "not_found_reference",
    Duplicate = "duplicate",
    Mismatch = "mismatch",
    NotBefore = "not_before",
    Future = "future",
    WithinDays = "within_days",
    MinDaysAhead = "min_days_ahead",
    TotalValue = "total_value",
    NulCharacter = "nul_character",
    PrivateData = "private_data",
    Invalid = "invalid",
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule a field breaks: its code, the rule's parameters, and an English message.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    params: Params,
    /// Set when the rule's own words say more than the code's (e.g. which check failed).
    message: Option<String>,
}

/// The code and parameters of a field error, as they are sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Params {
    code: FieldCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

/// One rule a field breaks: the rule's code, its parameters, and an English message. (The
/// schema of [`FieldError`] as it is sent.)
#[derive(Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct WireFieldError {
    /// The rule broken; see `FieldCode` for the parameters each carries.
    code: FieldCode,
    /// Least length, item count or value (`length`, `items`, `range`, `below`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    min: Option<i64>,
    /// Greatest length, item count or value (`length`, `items`, `range`, `exceeds`,
    /// `total_value`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    max: Option<i64>,
    /// The codes accepted (`one_of`, `one_of_with`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    allowed: Option<Vec<String>>,
    /// The levels of region accepted (`region_code`, `region_level`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    levels: Option<Vec<String>>,
    /// Which check failed (`id_card`, `credit_code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    reason: Option<String>,
    /// What private data was found (`private_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    kind: Option<String>,
    /// A number of days (`within_days`, `min_days_ahead`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    days: Option<i64>,
    /// The other field of the request the rule compares with or depends on (`mismatch`,
    /// `not_before`, `required_with`, `one_of_with`, `region_level`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    field: Option<String>,
    /// English, for the API's developers; a client shows its user the code's own words.
    message: String,
}

impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            #[serde(flatten)]
            params: &'a Params,
            message: String,
        }
        Wire {
            params: &self.params,
            message: self.message(),
        }
        .serialize(serializer)
    }
}

impl FieldError {
    pub fn new(code: FieldCode) -> Self {
        Self {
            params: Params {
                code,
                min: None,
                max: None,
                allowed: None,
                levels: None,
                reason: None,
                kind: None,
                days: None,
                field: None,
            },
            message: None,
        }
    }

    pub fn required() -> Self {
        Self::new(FieldCode::Required)
    }

    /// A text of `min` to `max` characters.
    pub fn length(min: i64, max: i64) -> Self {
        Self::new(FieldCode::Length).min(min).max(max)
    }

    /// A number from `min` to `max`.
    pub fn range(min: i64, max: i64) -> Self {
        Self::new(FieldCode::Range).min(min).max(max)
    }

    /// One of `allowed`.
    pub fn one_of<S: AsRef<str>>(allowed: impl IntoIterator<Item = S>) -> Self {
        let mut error = Self::new(FieldCode::OneOf);
        error.params.allowed = Some(allowed.into_iter().map(|s| s.as_ref().to_owned()).collect());
        error
    }

    /// Required here because of `field`'s value (or the records', without it).
    pub fn required_with(field: Option<&str>) -> Self {
        let mut error = Self::new(FieldCode::RequiredWith);
        error.params.field = field.map(str::to_owned);
        error
    }

    /// More than the records allow now: at most `max`.
    pub fn exceeds(max: i64) -> Self {
        Self::new(FieldCode::Exceeds).max(max)
    }

    /// Less than the records ask now: at least `min`.
    pub fn below(min: i64) -> Self {
        Self::new(FieldCode::Below).min(min)
    }

    /// One of `allowed`, which `field`'s value decides.
    pub fn one_of_with<S: AsRef<str>>(field: &str, allowed: impl IntoIterator<Item = S>) -> Self {
        let mut error = Self::one_of(allowed).field(field);
        error.params.code = FieldCode::OneOfWith;
        error
    }

    /// Whether the API document states the rule broken, so that a request breaking it is
    /// malformed (400); the rules it cannot state are broken by well-formed requests (422).
    /// The one place this is decided.
    pub fn stated_by_document(&self) -> bool {
        match self.params.code {
            FieldCode::Required
            | FieldCode::InvalidType
            | FieldCode::UnknownField
            | FieldCode::Length
            | FieldCode::Items
            | FieldCode::Range
            | FieldCode::OneOf
            | FieldCode::Email
            | FieldCode::Mobile
            | FieldCode::RegionCode => true,
            // The document's patterns say what an ID-card number or a credit code looks like,
            // not whether its birth date exists or its check character fits.
            FieldCode::IdCard | FieldCode::CreditCode => {
                self.params.reason.as_deref() == Some("format")
            }
            FieldCode::RequiredWith
            | FieldCode::Absent
            | FieldCode::Exceeds
            | FieldCode::Below
            | FieldCode::OneOfWith
            | FieldCode::RegionLevel
            | FieldCode::NotFoundReference
            | FieldCode::Duplicate
            | FieldCode::Mismatch
            | FieldCode::NotBefore
            | FieldCode::Future
            | FieldCode::WithinDays
            | FieldCode::MinDaysAhead
            | FieldCode::TotalValue
            | FieldCode::NulCharacter
            | FieldCode::PrivateData
            | FieldCode::Invalid => false,
        }
    }

    /// Names a record that does not exist, or one the request may not use.
    pub fn not_found_reference() -> Self {
        Self::new(FieldCode::NotFoundReference)
    }

    pub fn code(&self) -> FieldCode {
        self.params.code
    }

    pub fn min(mut self, min: i64) -> Self {
        self.params.min = Some(min);
        self
    }

    pub fn max(mut self, max: i64) -> Self {
        self.params.max = Some(max);
        self
    }

    /// The levels of region a `region_code` accepts.
    pub fn levels<S: AsRef<str>>(mut self, levels: impl IntoIterator<Item = S>) -> Self {
        self.params.levels = Some(levels.into_iter().map(|s| s.as_ref().to_owned()).collect());
        self
    }

    /// Which check of an `id_card` or `credit_code` failed.
    pub fn reason(mut self, reason: &str) -> Self {
        self.params.reason = Some(reason.to_owned());
        self
    }

    /// What `private_data` was found.
    pub fn kind(mut self, kind: &str) -> Self {
        self.params.kind = Some(kind.to_owned());
        self
    }

    pub fn days(mut self, days: i64) -> Self {
        self.params.days = Some(days);
        self
    }

    /// The other field a rule compares with or depends on (`mismatch`, `not_before`,
    /// `required_with`, `one_of_with`, `region_level`).
    pub fn field(mut self, field: &str) -> Self {
        self.params.field = Some(field.to_owned());
        self
    }

    /// The English message, when the rule's own words say more than the code's.
    pub fn because(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The English message sent as `message`.
    pub fn message(&self) -> String {
        if let Some(message) = &self.message {
            return message.clone();
        }
        let p = &self.params;
        let bounds = |unit: &str| match (p.min, p.max) {
            (Some(min), Some(max)) if min == max => format!("must be {min}{unit}"),
            (Some(min), Some(max)) => format!("must be {min} to {max}{unit}"),
            (Some(min), None) => format!("must be at least {min}{unit}"),
            (None, Some(max)) => format!("must be at most {max}{unit}"),
            (None, None) => "is out of bounds".to_owned(),
        };
        let named = p.field.as_deref().unwrap_or("the other field");
        match p.code {
            FieldCode::Required => "is required".to_owned(),
            FieldCode::RequiredWith => match &p.field {
                Some(field) => format!("is required here, given {field}"),
                None => "is required here".to_owned(),
            },
            FieldCode::Exceeds => format!("must be at most {} here", p.max.unwrap_or(0)),
            FieldCode::Below => format!("must be at least {} here", p.min.unwrap_or(0)),
            FieldCode::OneOfWith => format!(
                "must be one of {} here, given {named}",
                p.allowed.as_deref().unwrap_or_default().join(", ")
            ),
            FieldCode::RegionLevel => format!(
                "must be the code of a {} here",
                p.levels.as_deref().unwrap_or_default().join(" or ")
            ),
            FieldCode::Absent => "must be left out here".to_owned(),
            FieldCode::InvalidType => "is not of the field's type".to_owned(),
            FieldCode::UnknownField => "is not a field of this request".to_owned(),
            FieldCode::Length => bounds(" characters"),
            FieldCode::Items => bounds(" items"),
            FieldCode::Range => bounds(""),
            FieldCode::OneOf => format!(
                "must be one of {}",
                p.allowed.as_deref().unwrap_or_default().join(", ")
            ),
            FieldCode::Email => "is not an email address".to_owned(),
            FieldCode::Mobile => {
                "a mobile number has 11 digits and begins with 13 to 19".to_owned()
            }
            FieldCode::IdCard => "is not a valid ID-card number".to_owned(),
            FieldCode::CreditCode => "is not a valid unified social credit code".to_owned(),
            FieldCode::RegionCode => match &p.levels {
                Some(levels) => format!("must be the code of a {}", levels.join(" or ")),
                None => "a region code is 2, 4, 6, 9 or 12 digits".to_owned(),
            },
            FieldCode::NotFoundReference => "names nothing that may be used here".to_owned(),
            FieldCode::Duplicate => "is already registered".to_owned(),
            FieldCode::Mismatch => format!("does not agree with {named}"),
            FieldCode::NotBefore => format!("must not be before {named}"),
            FieldCode::Future => "must be in the future".to_owned(),
            FieldCode::WithinDays => format!("must be within {} days", p.days.unwrap_or(0)),
            FieldCode::MinDaysAhead => {
                format!("must be at least {} days away", p.days.unwrap_or(0))
            }
            FieldCode::TotalValue => format!("the total value is above {} fen", p.max.unwrap_or(0)),
            FieldCode::NulCharacter => "contains the character U+0000 (NUL)".to_owned(),
            FieldCode::PrivateData => "contains private data".to_owned(),
            FieldCode::Invalid => "is not valid".to_owned(),
        }
    }

    /// A field error from `validator`'s (the derive's, or a custom rule's): its code, the
    /// parameters clients render, and its message if the rule gave one. The value itself is
    /// not sent back: it may be private (an ID-card number).
    fn from_validator(error: &validator::ValidationError) -> Self {
        let mut field_error = Self::new(FieldCode::parse(&error.code));
        let number = |name: &str| {
            error.params.get(name).and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            })
        };
        let text = |name: &str| {
            error
                .params
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let list = |name: &str| {
            error.params.get(name).and_then(|v| v.as_array()).map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
        };
        let p = &mut field_error.params;
        p.min = number("min");
        p.max = number("max");
        p.days = number("days");
        p.allowed = list("allowed");
        p.levels = list("levels");
        p.reason = text("reason");
        p.kind = text("kind");
        p.field = text("field");
        field_error.message = error.message.as_ref().map(|m| m.to_string());
        field_error
    }
}

/// A field error as a custom rule of `validator`'s derive returns it: code, parameters and
/// message travel through `ValidationErrors` back into the field error.
impl From<FieldError> for validator::ValidationError {
    fn from(error: FieldError) -> Self {
        let message = error.message();
        let mut out = validator::ValidationError::new(error.params.code.as_str())
            .with_message(message.into());
        if let Ok(serde_json::Value::Object(params)) = serde_json::to_value(&error.params) {
            for (name, value) in params {
                if name != "code" {
                    out.params.insert(name.into(), value);
                }
            }
        }
        out
    }
}

/// The errors of a request's fields, by field name: `{"title": [{"code": "length", …}]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<FieldError>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `error` to those of `field`.
    pub fn add(&mut self, field: impl Into<String>, error: FieldError) {
        self.0.entry(field.into()).or_default().push(error);
    }

    /// Adds every error of `other`.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, errors) in other.0 {
            self.0.entry(field).or_default().extend(errors);
        }
    }

    /// Whether `field` has an error already (so that a later check of it need not run).
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields at fault, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Every error of every field.
    pub fn errors(&self) -> impl Iterator<Item = &FieldError> {
        self.0.values().flatten()
    }

    /// The errors `validator` found, or none.
    pub fn of(result: Result<(), validator::ValidationErrors>) -> Self {
        result.err().map(Self::from).unwrap_or_default()
    }

    /// `Ok` when there are none, else the validation failure naming them.
    pub fn into_result(self) -> Result<(), super::ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(super::ApiError::validation(self))
        }
    }
}

impl<S: Into<String>> FromIterator<(S, FieldError)> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = (S, FieldError)>>(iter: I) -> Self {
        let mut errors = Self::new();
        for (field, error) in iter {
            errors.add(field, error);
        }
        errors
    }
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Self::new();
        collect(&mut fields, "", &errors);
        fields
    }
}

/// Every field error of `errors`, a nested struct's named `outer.inner`, a list's `list[0].inner`.
fn collect(fields: &mut FieldErrors, prefix: &str, errors: &validator::ValidationErrors) {
    use validator::ValidationErrorsKind;
    for (name, kind) in errors.errors() {
        let path = format!("{prefix}{name}");
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    fields.add(path.clone(), FieldError::from_validator(e));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(fields, &format!("{path}."), inner),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(fields, &format!("{path}[{i}]."), inner);
                }
            }
        }
    }
}

// The domain's refusals of a value, as field errors: the code and parameters for clients, the
// domain's own words as the message.

impl From<crate::domain::id_card::InvalidIdCard> for FieldError {
    fn from(e: crate::domain::id_card::InvalidIdCard) -> Self {
        use crate::domain::id_card::InvalidIdCard;
        let reason = match e {
            InvalidIdCard::Format => "format",
            InvalidIdCard::BirthDate => "birth_date",
            InvalidIdCard::Checksum => "check_character",
        };
        FieldError::new(FieldCode::IdCard)
            .reason(reason)
            .because(e.to_string())
    }
}

impl From<crate::domain::credit_code::InvalidCreditCode> for FieldError {
    fn from(e: crate::domain::credit_code::InvalidCreditCode) -> Self {
        use crate::domain::credit_code::InvalidCreditCode;
        let reason = match e {
            InvalidCreditCode::Format => "format",
            InvalidCreditCode::Checksum => "check_character",
        };
        FieldError::new(FieldCode::CreditCode)
            .reason(reason)
            .because(e.to_string())
    }
}

impl From<crate::domain::region::InvalidRegionCode> for FieldError {
    fn from(e: crate::domain::region::InvalidRegionCode) -> Self {
        FieldError::new(FieldCode::RegionCode).because(e.to_string())
    }
}

impl From<crate::domain::phone::InvalidMobile> for FieldError {
    fn from(e: crate::domain::phone::InvalidMobile) -> Self {
        FieldError::new(FieldCode::Mobile).because(e.to_string())
    }
}

impl From<crate::domain::private_text::Finding> for FieldError {
    fn from(finding: crate::domain::private_text::Finding) -> Self {
        use crate::domain::private_text::Finding;
        let kind = match &finding {
            Finding::IdCard => "id_card",
            Finding::Mobile => "mobile",
            Finding::LongNumber => "long_number",
            Finding::Email => "email",
            Finding::HouseholdValue("name") => "household_name",
            Finding::HouseholdValue(_) => "household_address",
        };
        FieldError::new(FieldCode::PrivateData)
            .kind(kind)
            .because(finding.message())
    }
}

impl From<crate::domain::pairing::ShapeError> for FieldError {
    fn from(e: crate::domain::pairing::ShapeError) -> Self {
        use crate::domain::pairing::ShapeRule;
        // Each is the pairing's programme's, or the helping region's: none is the document's.
        let error = match e.rule {
            ShapeRule::Required => FieldError::required_with(Some("program")),
            ShapeRule::HelperKind(kinds) => {
                FieldError::one_of_with("program", kinds.iter().map(|k| k.as_str()))
            }
            ShapeRule::Levels(levels) => FieldError::new(FieldCode::RegionLevel)
                .levels(levels.iter().map(|l| l.as_str()))
                .field("program"),
            ShapeRule::HelpersOwn => FieldError::new(FieldCode::Invalid),
            ShapeRule::Count { min, max } => FieldError::new(FieldCode::Items)
                .min(min as i64)
                .max(max as i64),
            ShapeRule::NotBefore(other) => FieldError::new(FieldCode::NotBefore).field(other),
        };
        error.because(e.message)
    }
}

impl From<crate::domain::offer::ShapeError> for FieldError {
    fn from(e: crate::domain::offer::ShapeError) -> Self {
        use crate::domain::offer::{Destination, OfferKind, ShapeRule};
        match e.rule {
            // Each is decided by another field (the kind, who offers), none by the document.
            ShapeRule::UnitOfKind(units) => {
                FieldError::one_of_with("kind", units.iter().map(|u| u.as_str()))
                    .because("is not a unit this kind of offer is counted in")
            }
            ShapeRule::Category(category) => FieldError::one_of_with("kind", [category.as_str()])
                .because("a purchasing offer buys a village's produce: category consumption"),
            ShapeRule::OrganisationsOnly => match e.field {
                "kind" => FieldError::one_of_with(
                    "org_id",
                    [OfferKind::Goods.as_str(), OfferKind::Money.as_str()],
                )
                .because("a person offers goods or money; other kinds are an organisation's"),
                _ => FieldError::one_of_with(
                    "org_id",
                    [
                        Destination::Regions.as_str(),
                        Destination::Anywhere.as_str(),
                    ],
                )
                .because("a person has no pairings: name regions, or anywhere"),
            },
            ShapeRule::Required => FieldError::required_with(None),
            ShapeRule::NotAllowed => FieldError::new(FieldCode::Absent)
                .because("does not apply to this kind of offer or destination"),
            ShapeRule::AtLeast(min) => FieldError::below(min),
            ShapeRule::InFuture => FieldError::new(FieldCode::Future),
        }
    }
}
