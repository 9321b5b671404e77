//! Paging of lists: which page, how long, within bounds. Every list of the API (needs, users,
//! search hits) takes it the same way.

use crate::error::{ApiError, ErrorCode};

/// Paging parameters, bounded.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub const MAX_PER_PAGE: u64 = 100;
    /// Deeper than this, narrow the query instead (and offsets stay far from overflowing).
    pub const MAX_PAGE: u64 = 10_000;

    pub fn parse(page: Option<u64>, per_page: Option<u64>) -> Result<Self, ApiError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if !(1..=Self::MAX_PAGE).contains(&page) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("page: must be 1 to {}", Self::MAX_PAGE),
            ));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("per_page: must be 1 to {}", Self::MAX_PER_PAGE),
            ));
        }
        Ok(Self { page, per_page })
    }
}
