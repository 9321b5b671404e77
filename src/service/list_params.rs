//! What the workspace lists (the worklist, households, my pledges, users, organisations) take
//! besides paging: `q`, words to look for; `sort`, one of the list's orders; and filters that
//! take one code or several, comma-separated (`status=submitted,rejected`). Each refusal is
//! `invalid_parameter` naming the parameter first, decided here once.

use super::search_params::bad;
use crate::error::ApiError;

/// The most characters of `q` that are taken.
pub const MAX_WORDS_CHARS: usize = 100;
/// The most codes one filter takes.
pub const MAX_CODES: usize = 20;

/// `q`, trimmed; `None` when blank. Longer than [`MAX_WORDS_CHARS`]: refused.
pub fn words(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(words) = raw.map(str::trim).filter(|w| !w.is_empty()) else {
        return Ok(None);
    };
    if words.chars().count() > MAX_WORDS_CHARS {
        return Err(bad("q", format!("at most {MAX_WORDS_CHARS} characters")));
    }
    if words.contains('\0') {
        return Err(bad("q", "must not hold U+0000"));
    }
    Ok(Some(words.to_owned()))
}

/// One code of `name`, read by `parse`; `codes` lists those accepted, for the refusal.
pub fn one<T>(
    name: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    codes: impl Fn() -> String,
) -> Result<Option<T>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    parse(raw)
        .map(Some)
        .ok_or_else(|| bad(name, format!("must be one of {}", codes())))
}

/// Codes of `name`, comma-separated, each read by `parse`, repeats dropped; empty when not
/// given. Any of them matches. The codes are taken exactly as the API document's pattern
/// ([`codes_pattern`]) has them: given empty, or with spaces, the parameter is refused.
pub fn several<T: PartialEq>(
    name: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    codes: impl Fn() -> String,
) -> Result<Vec<T>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for code in raw.split(',') {
        let value =
            parse(code).ok_or_else(|| bad(name, format!("each must be one of {}", codes())))?;
        if !found.contains(&value) {
            found.push(value);
        }
        if found.len() > MAX_CODES {
            return Err(bad(name, format!("at most {MAX_CODES} values")));
        }
    }
    Ok(found)
}

/// The pattern of a parameter holding one or several of these codes, comma-separated, as the
/// API document states it (`^(a|b)(,(a|b))*$`): the `#[param(pattern)]` of such a parameter is
/// this, written out, and a test holds the two together.
pub fn codes_pattern(codes: &[&str]) -> String {
    let one = codes.join("|");
    format!("^({one})(,({one}))*$")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::need::NeedStatus;
    use crate::error::ErrorCode;

    #[test]
    fn codes_are_read_once_or_several_and_refusals_name_the_parameter() {
        let statuses = several(
            "status",
            Some("submitted,rejected,submitted"),
            NeedStatus::parse,
            NeedStatus::codes,
        )
        .unwrap();
        assert_eq!(statuses, [NeedStatus::Submitted, NeedStatus::Rejected]);
        assert!(
            several("status", None, NeedStatus::parse, NeedStatus::codes)
                .unwrap()
                .is_empty()
        );
        // Exactly as the document's pattern has them: nothing empty, no spaces.
        for raw in ["", " ", "submitted, rejected", "submitted,"] {
            let error =
                several("status", Some(raw), NeedStatus::parse, NeedStatus::codes).unwrap_err();
            assert!(
                error.message.starts_with("status: "),
                "{raw:?}: {}",
                error.message
            );
        }
        assert!(one("sort", Some(""), NeedStatus::parse, NeedStatus::codes).is_err());
        let error = several(
            "status",
            Some("submitted,lost"),
            NeedStatus::parse,
            NeedStatus::codes,
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidParameter);
        assert!(error.message.starts_with("status: "), "{}", error.message);
        let error = one("sort", Some("up"), NeedStatus::parse, NeedStatus::codes).unwrap_err();
        assert!(error.message.starts_with("sort: "), "{}", error.message);
        assert_eq!(words(Some("  课桌 ")).unwrap().as_deref(), Some("课桌"));
        assert_eq!(words(Some("   ")).unwrap(), None);
        assert!(words(Some(&"字".repeat(101))).is_err());
    }
}
