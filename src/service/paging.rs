//! Paging of lists: which page, how long, within bounds. Every list of the API (needs, users,
//! search hits, pledges of a need, organisations) takes it the same way, and answers a page as
//! `{items, total, page, per_page}` read from the database with LIMIT/OFFSET.

use crate::error::{ApiError, ErrorCode};

/// Paging parameters, bounded.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub const MAX_PER_PAGE: u64 = 100;
    /// The deepest a list may be read (`page × per_page`): deeper, narrow the query instead.
    /// Offsets stay cheap for the database and far from overflowing.
    pub const MAX_DEPTH: u64 = 10_000;
    /// The highest page of any list (one item a page, as deep as [`Self::MAX_DEPTH`]): what the
    /// API document gives as `page`'s maximum.
    pub const MAX_PAGE: u64 = Self::MAX_DEPTH;

    /// `page` from 1 (default 1), `per_page` 1 to 100 (default 20): 400 `invalid_parameter`
    /// outside these; 422 `page_too_deep` (with `details.max_depth`) past [`Self::MAX_DEPTH`]
    /// items.
    pub fn parse(page: Option<u64>, per_page: Option<u64>) -> Result<Self, ApiError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if page < 1 {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "page: must be 1 or more",
            ));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("per_page: must be 1 to {}", Self::MAX_PER_PAGE),
            ));
        }
        if page.saturating_mul(per_page) > Self::MAX_DEPTH {
            return Err(ApiError::new(
                ErrorCode::PageTooDeep,
                format!(
                    "page {page} of {per_page} reaches past the first {} items, as deep as a \
                     list may be read: narrow the query (a region, a status) instead",
                    Self::MAX_DEPTH
                ),
            )
            .with_details(serde_json::json!({ "max_depth": Self::MAX_DEPTH })));
        }
        Ok(Self { page, per_page })
    }

    /// The first page of `per_page` items (at most [`Self::MAX_PER_PAGE`]): the newest or best
    /// few that a view shows beside others, with a link to the whole list.
    pub fn first(per_page: u64) -> Self {
        Self {
            page: 1,
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_in_length_and_depth() {
        let paging = Paging::parse(None, None).unwrap();
        assert_eq!((paging.page, paging.per_page, paging.offset()), (1, 20, 0));
        assert_eq!(Paging::parse(Some(100), Some(100)).unwrap().offset(), 9_900);
        let code = |page, per_page| Paging::parse(page, per_page).unwrap_err().code;
        assert_eq!(code(Some(0), None), ErrorCode::InvalidParameter);
        assert_eq!(code(None, Some(0)), ErrorCode::InvalidParameter);
        assert_eq!(code(None, Some(101)), ErrorCode::InvalidParameter);
        assert_eq!(code(Some(101), Some(100)), ErrorCode::PageTooDeep);
        assert_eq!(code(Some(u64::MAX), Some(100)), ErrorCode::PageTooDeep);
        let first = Paging::first(500);
        assert_eq!((first.page, first.per_page, first.offset()), (1, 100, 0));
    }
}
