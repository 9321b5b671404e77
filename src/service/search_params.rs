//! The query string the halls' searches share (the offers hall, `GET /offers/search`, and the
//! products hall, `GET /products/search`): `q`, `sort`, `page` and `per_page` once each, and
//! filters that may repeat (any of their values; different filters all hold). Each hall names
//! its sorts and reads its own filters; the rest, and the errors, are decided here once.
//! (The needs search, older, reads its parameters itself: `service::search::parse_request`.)

use std::collections::{BTreeMap, HashSet};

use crate::domain::region::RegionCode;
use crate::error::{ApiError, ErrorCode};
use crate::search::{Condition, SearchQuery, SortKey};

/// The most hits one page holds.
pub const MAX_PER_PAGE: usize = 50;
/// The last page one may ask for.
pub const MAX_PAGE: usize = 1000;
/// The most characters of `q` that are read.
const MAX_TEXT_CHARS: usize = 100;

/// Values wanted per filterable attribute.
pub type Filters = BTreeMap<&'static str, Vec<String>>;

/// A hall's query string, read.
#[derive(Debug, Clone)]
pub struct HallParams<S> {
    pub text: String,
    pub filters: Filters,
    /// The sort asked for, if any.
    pub sort: Option<S>,
    pub page: usize,
    pub per_page: usize,
}

/// `invalid_parameter`, naming the parameter first.
pub fn bad(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidParameter,
        format!("{name}: {}", message.into()),
    )
}

/// A region code, or `invalid_region_code` naming the parameter.
pub fn region(name: &str, value: &str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(value)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRegionCode, format!("{name}: {e}")))
}

/// `true` or `false` (`1`, `0`).
pub fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad(name, "true or false")),
    }
}

/// Reads `pairs`: the shared parameters here, the others by `filter` (which returns `false` for
/// a parameter it does not take: an error naming it). `sorts` names the hall's sorts.
pub fn parse_hall<S: Copy>(
    pairs: &[(String, String)],
    sorts: &[(&str, S)],
    mut filter: impl FnMut(&str, &str, &mut Filters) -> Result<bool, ApiError>,
) -> Result<HallParams<S>, ApiError> {
    let mut params = HallParams {
        text: String::new(),
        filters: Filters::new(),
        sort: None,
        page: 1,
        per_page: 20,
    };
    let mut seen = HashSet::new();
    for (name, value) in pairs {
        let value = value.trim();
        let once = matches!(name.as_str(), "q" | "sort" | "page" | "per_page");
        if once && !seen.insert(name.as_str()) {
            return Err(bad(name, "give it once"));
        }
        let number = |max: usize| -> Result<usize, ApiError> {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| bad(name, format!("a whole number from 1 to {max}")))
        };
        match name.as_str() {
            "q" => params.text = value.chars().take(MAX_TEXT_CHARS).collect(),
            "page" => params.page = number(MAX_PAGE)?,
            "per_page" => params.per_page = number(MAX_PER_PAGE)?,
            "sort" => {
                let found = sorts.iter().find(|(n, _)| *n == value).map(|(_, s)| *s);
                let names: Vec<&str> = sorts.iter().map(|(n, _)| *n).collect();
                params.sort =
                    Some(found.ok_or_else(|| bad(name, format!("one of {}", names.join(", "))))?);
            }
            other => {
                if !filter(other, value, &mut params.filters)? {
                    return Err(bad(other, "not a parameter of this search"));
                }
            }
        }
    }
    Ok(params)
}

impl<S: Copy> HallParams<S> {
    /// The sort asked for; else by relevance to the words typed, or `plain` without words.
    pub fn sort_or(&self, relevance: S, plain: S) -> S {
        self.sort.unwrap_or(if self.text.is_empty() {
            plain
        } else {
            relevance
        })
    }

    /// The search: the filters as conditions (values sorted, each once), sorted by `sort`,
    /// counting `facets`.
    pub fn query(self, sort: Vec<SortKey>, facets: &[&str]) -> SearchQuery {
        SearchQuery {
            text: self.text,
            conditions: self
                .filters
                .into_iter()
                .map(|(field, mut values)| {
                    values.sort();
                    values.dedup();
                    Condition::AnyOf {
                        field: field.to_owned(),
                        values,
                    }
                })
                .collect(),
            sort,
            page: self.page,
            per_page: self.per_page,
            facets: facets.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

/// One sort key.
pub fn key(field: &str, descending: bool) -> SortKey {
    SortKey {
        field: field.to_owned(),
        descending,
    }
}
