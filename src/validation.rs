//! The rules request bodies are checked by, declared on their fields with `validator`'s derive
//! (`#[validate(length(min = 4, max = 60))]`, `#[validate(custom(function = id_card))]`): the
//! text type people type into ([`Text`]), and the custom rules that the domain's parsers decide
//! (ID card, credit code, region code, mobile number, private data in public text, codes of a
//! code list). Each rule's refusal is a [`FieldError`] with its code and parameters.
//!
//! What needs more than the request to decide (a known region, a household's own name, a
//! deadline against today) stays with the use case.
//!
//! A request body is declared with [`request_body!`], its fields' rules written once as
//! `#[rule(…)]`: each becomes both the `#[validate(…)]` that checks it and the `#[schema(…)]`
//! that tells the OpenAPI document (utoipa does not read `validate`), so that the document's
//! bounds cannot drift from the rules.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use validator::{ValidateEmail, ValidateLength, ValidationError};

use crate::domain::credit_code::CreditCode;
use crate::domain::id_card::IdCardNumber;
use crate::domain::phone::Mobile;
use crate::domain::private_text::find_pattern;
use crate::domain::region::{Level, RegionCode};
use crate::error::{FieldCode, FieldError};

/// Text as a person typed it into a form. It is kept as sent (so a retried request is the same
/// request), and measured and used without its leading and trailing spaces: a `length` rule
/// counts the characters of the trimmed text, an empty or blank optional text is no text, an
/// `email` is checked trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// The text without its leading and trailing spaces.
    pub fn trimmed(&self) -> &str {
        self.0.trim()
    }

    /// The trimmed text, or none when it is blank.
    pub fn non_blank(&self) -> Option<&str> {
        Some(self.trimmed()).filter(|t| !t.is_empty())
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    /// The text as sent.
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl ValidateLength<u64> for Text {
    fn length(&self) -> Option<u64> {
        Some(self.trimmed().chars().count() as u64)
    }
}

impl ValidateEmail for Text {
    fn as_email_string(&self) -> Option<Cow<'_, str>> {
        self.non_blank().map(Cow::Borrowed)
    }
}

/// A request body whose fields' rules are written once, as `#[rule(…)]`, for both the check
/// (`validator`'s derive, which the body derives) and the document (utoipa's `ToSchema`):
///
/// | rule | checks | documents |
/// | --- | --- | --- |
/// | `length(min = 4, max = 60)`, `length(max = 200)` | a text's length ([`Text`]: trimmed) | `minLength`, `maxLength` (and `pattern: \S` for `min = 1`) |
/// | `range(min = 1, max = 30)`, `range(min = 1)` | a number's bounds | `minimum`, `maximum` |
/// | `email` | an e-mail address | `format: email` |
/// | `id_card`, `credit_code`, `region_code`, `village_code`, `mobile` | by the domain's parser ([`id_card`] …) | the form's `pattern` |
/// | `poverty_causes` | one or more causes ([`poverty_causes`]) | `minItems: 1` |
/// | `one_of(Category)` | one of a code list's codes ([`one_of`]) | (the field's `value_type`) |
/// | `region_codes(min = 1, max = MAX_TARGETS)` | that many region codes ([`region_codes`]) | `minItems`, `maxItems`, each item's `pattern` |
/// | `public_text` | [`public_text`] | — |
///
/// The numbers must be literals (utoipa reads nothing else). The body is `pub struct` with
/// named fields; any other attribute is kept as it is.
macro_rules! request_body {
    // The rules, each into its check and its description.
    // A text that must not be blank says so in its pattern too.
    (@body $head:tt [$($done:tt)*] #[rule(length(min = 1, max = $max:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(length(min = 1, max = $max))]
            #[schema(min_length = 1, max_length = $max, pattern = r"\S")]
        ] $($rest)*);
    };
    // Counted trimmed: two characters are two that are not spaces, somewhere. The spaces are
    // Rust's (Unicode White_Space: U+0085 is one, U+FEFF is not), not the regex's `\s`.
    (@body $head:tt [$($done:tt)*] #[rule(length(min = 2, max = $max:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(length(min = 2, max = $max))]
            #[schema(min_length = 2, max_length = $max, pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][\s\S]*[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(length(min = $min:tt, max = $max:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(length(min = $min, max = $max))]
            #[schema(min_length = $min, max_length = $max)]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(length(max = $max:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(length(max = $max))]
            #[schema(max_length = $max)]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(range(min = $min:tt, max = $max:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(range(min = $min, max = $max))]
            #[schema(minimum = $min, maximum = $max)]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(range(min = $min:tt))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(range(min = $min))]
            #[schema(minimum = $min)]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(email)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(email)]
            #[schema(format = Email)]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(id_card)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::id_card))]
            #[schema(pattern = r"^[0-9]{17}[0-9Xx]$")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(credit_code)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::credit_code))]
            #[schema(pattern = r"^([0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18})?$")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(region_code)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::region_code))]
            #[schema(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(village_code)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::village_code))]
            #[schema(pattern = r"^[0-9]{12}$")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(mobile)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::mobile))]
            #[schema(pattern = r"^((\+86)?1[3-9][0-9]{9})?$")]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(poverty_causes)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::poverty_causes))]
            #[schema(min_items = 1)]
        ] $($rest)*);
    };
    // A code from a list is that list in the document; region codes are each a region code.
    (@body $head:tt [$($done:tt)*] #[rule(one_of($list:ident))] pub $field:ident : String , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::one_of::<$list>))]
            #[schema(value_type = $list)]
        ] pub $field: String, $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(one_of($list:ident))] pub $field:ident : Option<String> , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::one_of::<$list>))]
            #[schema(value_type = Option<$list>)]
        ] pub $field: Option<String>, $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(region_codes(min = $min:literal, max = $max:expr))] pub $field:ident : Vec<String> , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::region_codes::<$min, { $max }>))]
            #[schema(schema_with = $crate::validation::region_codes_schema::<$min, { $max }>)]
        ] pub $field: Vec<String>, $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(region_codes(min = $min:literal, max = $max:expr))] pub $field:ident : Option<Vec<String>> , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::region_codes::<$min, { $max }>))]
            #[schema(schema_with = $crate::validation::optional_region_codes_schema::<$min, { $max }>)]
        ] pub $field: Option<Vec<String>>, $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule(one_of($list:ident))] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::one_of::<$list>))]
        ] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] #[rule($custom:ident)] $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)*
            #[validate(custom(function = $crate::validation::$custom))]
        ] $($rest)*);
    };
    // Anything else as it is: another attribute, a common field in one step, or one token (the
    // fields' types pass as plain tokens, which the derives read as the types they are).
    (@body $head:tt [$($done:tt)*] # $attr:tt $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)* # $attr] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] pub $field:ident : $ty:ident , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)* pub $field: $ty,] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] pub $field:ident : $outer:ident < $ty:ident > , $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)* pub $field: $outer<$ty>,] $($rest)*);
    };
    (@body $head:tt [$($done:tt)*] $token:tt $($rest:tt)*) => {
        $crate::validation::request_body!(@body $head [$($done)* $token] $($rest)*);
    };
    (@body [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
    // The struct's own attributes, then its fields.
    (@item [$($head:tt)*] # $attr:tt $($rest:tt)*) => {
        $crate::validation::request_body!(@item [$($head)* # $attr] $($rest)*);
    };
    (@item [$($head:tt)*] pub struct $name:ident { $($body:tt)* }) => {
        $crate::validation::request_body!(@body [$($head)* pub struct $name] [] $($body)*);
    };
    ($($item:tt)*) => {
        $crate::validation::request_body!(@item [] $($item)*);
    };
}

pub(crate) use request_body;

fn refuse(error: FieldError) -> ValidationError {
    error.into()
}

/// A 身份证号 (GB 11643, its check character too).
pub fn id_card(value: &str) -> Result<(), ValidationError> {
    IdCardNumber::parse(value)
        .map(drop)
        .map_err(|e| refuse(e.into()))
}

/// A 统一社会信用代码 (GB 32100, its check character too), when one is given.
pub fn credit_code(value: &str) -> Result<(), ValidationError> {
    match value.trim() {
        "" => Ok(()),
        code => CreditCode::parse(code)
            .map(drop)
            .map_err(|e| refuse(e.into())),
    }
}

/// An administrative division code of any level.
pub fn region_code(value: &str) -> Result<(), ValidationError> {
    RegionCode::parse(value)
        .map(drop)
        .map_err(|e| refuse(e.into()))
}

/// A village's code (12 digits).
pub fn village_code(value: &str) -> Result<(), ValidationError> {
    match RegionCode::parse(value) {
        Ok(code) if code.level() == Level::Village => Ok(()),
        _ => Err(refuse(
            FieldError::new(FieldCode::RegionCode)
                .levels([Level::Village.as_str()])
                .because("is not a 12-digit village code"),
        )),
    }
}

/// A region code at any level (2, 4, 6, 9 or 12 digits), as the API document gives one.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
#[allow(dead_code)]
pub struct RegionCodeSchema(String);

/// The `region_codes` rule's list as the document states it. Written by hand: utoipa drops the
/// items' `pattern` when `min_items`/`max_items` are added to a list of [`RegionCodeSchema`].
pub fn region_codes_schema<const MIN: usize, const MAX: usize>() -> utoipa::openapi::Array {
    region_codes_list(utoipa::openapi::schema::ArrayBuilder::new(), MIN, MAX)
}

/// [`region_codes_schema`], or `null` (a change that leaves the list as it is).
pub fn optional_region_codes_schema<const MIN: usize, const MAX: usize>() -> utoipa::openapi::Array
{
    use utoipa::openapi::schema::{SchemaType, Type};
    region_codes_list(
        utoipa::openapi::schema::ArrayBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Array, Type::Null])),
        MIN,
        MAX,
    )
}

fn region_codes_list(
    list: utoipa::openapi::schema::ArrayBuilder,
    min: usize,
    max: usize,
) -> utoipa::openapi::Array {
    use utoipa::PartialSchema;
    list.items(RegionCodeSchema::schema())
        .min_items((min > 0).then_some(min))
        .max_items(Some(max))
        .build()
}

/// `MIN` to `MAX` region codes of any level, each.
pub fn region_codes<const MIN: usize, const MAX: usize>(
    values: &[String],
) -> Result<(), ValidationError> {
    if values.len() < MIN || values.len() > MAX {
        let count = FieldError::new(FieldCode::Items).max(MAX as i64);
        return Err(refuse(
            if MIN > 0 {
                count.min(MIN as i64)
            } else {
                count
            }
            .because(format!("{MIN} to {MAX} region codes")),
        ));
    }
    for value in values {
        RegionCode::parse(value.trim())
            .map_err(|e| refuse(FieldError::from(e.clone()).because(format!("`{value}`: {e}"))))?;
    }
    Ok(())
}

/// A mainland mobile number, when one is given.
pub fn mobile(value: &str) -> Result<(), ValidationError> {
    match value.trim() {
        "" => Ok(()),
        number => Mobile::parse(number)
            .map(drop)
            .map_err(|e| refuse(e.into())),
    }
}

/// Text the public will read: no ID-card, phone or other long number, no e-mail address. (A
/// household's own name or address is checked by the use case, which can look it up.)
pub fn public_text(value: &str) -> Result<(), ValidationError> {
    match find_pattern(value) {
        None => Ok(()),
        Some(finding) => Err(refuse(finding.into())),
    }
}

/// A code list of the domain, as the API names its codes.
pub trait Codes {
    /// Every code, in the list's order.
    fn codes() -> Vec<&'static str>;
}

macro_rules! codes {
    ($($list:ty),* $(,)?) => {
        $(impl Codes for $list {
            fn codes() -> Vec<&'static str> {
                <$list>::ALL.iter().map(|v| v.as_str()).collect()
            }
        })*
    };
}

codes!(
    crate::domain::follow::FollowKind,
    crate::domain::follow::AlertMode,
    crate::domain::offer::OfferKind,
    crate::domain::offer::Destination,
    crate::domain::product::ProductCategory,
    crate::domain::product::SaleUnit,
    crate::domain::need::Category,
    crate::domain::need::Unit,
    crate::domain::need::Urgency,
    crate::domain::need::BeneficiaryKind,
    crate::domain::pairing::Program,
    crate::domain::pairing::PairingStatus,
    crate::domain::authz::Role,
    crate::domain::locale::Locale,
);

/// One of the codes of `L` (`custom(function = one_of::<Category>)`).
pub fn one_of<L: Codes>(value: &str) -> Result<(), ValidationError> {
    let codes = L::codes();
    if codes.contains(&value) {
        Ok(())
    } else {
        Err(refuse(FieldError::one_of(codes)))
    }
}

/// One or more 致贫原因, each one of the eleven.
pub fn poverty_causes(names: &[String]) -> Result<(), ValidationError> {
    use crate::domain::household::PovertyCause;
    PovertyCause::parse_list(names)
        .map(drop)
        .map_err(|message| {
            let error = if names.is_empty() {
                FieldError::new(FieldCode::Items).min(1)
            } else {
                FieldError::one_of(PovertyCause::ALL.map(PovertyCause::as_str))
            };
            refuse(error.because(message))
        })
}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;
    use crate::error::FieldErrors;

    request_body! {
        /// A body declared with its rules.
        #[derive(Deserialize, utoipa::ToSchema, Validate)]
        pub struct Declared {
            /// Its title.
            #[schema(value_type = String)]
            #[rule(length(min = 4, max = 60))]
            #[rule(public_text)]
            pub title: Text,
            #[schema(value_type = Option<String>)]
            #[rule(mobile)]
            pub phone: Option<Text>,
            #[rule(range(min = 1, max = 30))]
            pub members: Option<i16>,
        }
    }

    #[test]
    fn a_rule_written_once_is_both_checked_and_documented() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Declared::schema()).unwrap();
        let properties = &schema["properties"];
        assert_eq!(properties["title"]["minLength"], 4, "{schema}");
        assert_eq!(properties["title"]["maxLength"], 60, "{schema}");
        assert_eq!(properties["title"]["description"], "Its title.", "{schema}");
        assert_eq!(properties["members"]["maximum"], 30, "{schema}");
        assert!(properties["phone"]["pattern"].is_string(), "{schema}");
        let declared = |title: &str, phone: Option<&str>, members: Option<i16>| Declared {
            title: title.into(),
            phone: phone.map(Into::into),
            members,
        };
        assert!(
            declared("课桌椅五十套", Some(" "), Some(3))
                .validate()
                .is_ok()
        );
        let errors = errors_of(declared("桌", Some("12345"), Some(31)).validate());
        assert_eq!(errors["title"][0]["code"], "length");
        assert_eq!(errors["phone"][0]["code"], "mobile");
        assert_eq!(errors["members"][0]["code"], "range");
        let errors = errors_of(declared("请打13812345678", None, None).validate());
        assert_eq!(errors["title"][0]["code"], "private_data");
    }

    fn errors_of(result: Result<(), validator::ValidationErrors>) -> serde_json::Value {
        serde_json::to_value(FieldErrors::of(result)).unwrap()
    }

    #[derive(Validate)]
    struct Form {
        #[validate(length(min = 4, max = 60))]
        title: Text,
        #[validate(length(max = 10))]
        note: Option<Text>,
        #[validate(email)]
        email: Option<Text>,
        #[validate(custom(function = id_card))]
        id_card_number: String,
        #[validate(custom(function = one_of::<crate::domain::need::Unit>))]
        unit: String,
        #[validate(custom(function = public_text))]
        description: Text,
    }

    fn form() -> Form {
        Form {
            title: "课桌椅五十套".into(),
            note: None,
            email: None,
            id_card_number: "11010519491231002X".into(),
            unit: "set".into(),
            description: "学校课桌椅老旧".into(),
        }
    }

    fn errors(form: Form) -> serde_json::Value {
        serde_json::to_value(FieldErrors::of(form.validate())).unwrap()
    }

    #[test]
    fn text_is_measured_trimmed_as_it_always_was() {
        assert!(form().validate().is_ok());
        let spaced = Form {
            title: "  桌椅  ".into(),
            ..form()
        };
        assert_eq!(
            errors(spaced)["title"][0],
            serde_json::json!({"code": "length", "min": 4, "max": 60, "message": "must be 4 to 60 characters"})
        );
        let blank_note = Form {
            note: Some("   ".into()),
            email: Some(" ".into()),
            ..form()
        };
        assert!(
            blank_note.validate().is_ok(),
            "blank optional text is no text"
        );
        let padded_email = Form {
            email: Some("  li@example.cn ".into()),
            ..form()
        };
        assert!(padded_email.validate().is_ok());
    }

    #[test]
    fn custom_rules_answer_with_the_domains_code_and_words_and_never_the_value() {
        let bad = Form {
            id_card_number: "110105194912310021".into(),
            unit: "crate".into(),
            description: "联系 13812345678".into(),
            ..form()
        };
        let errors = errors(bad);
        assert_eq!(errors["id_card_number"][0]["code"], "id_card");
        assert_eq!(errors["id_card_number"][0]["reason"], "check_character");
        assert!(
            errors["id_card_number"][0]["message"]
                .as_str()
                .unwrap()
                .contains("check character")
        );
        assert!(!errors.to_string().contains("110105194912310021"));
        assert_eq!(errors["unit"][0]["code"], "one_of");
        assert_eq!(errors["unit"][0]["allowed"][1], "set");
        assert_eq!(
            errors["description"][0],
            serde_json::json!({"code": "private_data", "kind": "mobile", "message": "contains a phone number; remove it, contact goes through the platform"})
        );
    }
}
