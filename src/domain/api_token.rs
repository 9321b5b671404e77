//! Personal API tokens (OWASP ASVS 4.0.3 V3.5): what each may do (its scope), how long it
//! lives, and the one rule deciding whether a token may make a request, by the request's
//! method and route.
//!
//! - `read`: GET (and HEAD) requests only.
//! - `pledge`: reading, and pledging, ordering and following as the user.
//! - `manage`: everything the user may do, except what reveals a household's private fields:
//!   that needs a browser session (a person at a screen, whose reveal is audited to them), never
//!   a token, whatever its scope.

use chrono::{DateTime, Duration, Utc};

code_enum! {
    /// What an API token may do.
    pub enum TokenScope {
        Read = ("read", "只读"),
        Pledge = ("pledge", "认捐下单"),
        Manage = ("manage", "管理"),
    }
}

/// Days a token lives when the request names none.
pub const DEFAULT_DAYS: u32 = 90;
/// The longest life a token may be given, in days.
pub const MAX_DAYS: u32 = 365;

/// When a token made at `now` to live `days` expires.
pub fn expires_at(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now + Duration::days(i64::from(days.clamp(1, MAX_DAYS)))
}

/// What a request asks of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// A token of at least this scope.
    Scope(TokenScope),
    /// No token at all: a browser session.
    Session,
}

/// Requests (method, route under `/api/v1`) that a `pledge` token may make besides reading:
/// pledging, ordering and following as the user.
const PLEDGING: &[(&str, &str)] = &[
    ("POST", "/needs/{id}/pledges"),
    ("POST", "/pledges/{id}/cancel"),
    ("POST", "/pledges/{id}/ship"),
    ("POST", "/products/{id}/orders"),
    ("POST", "/orders/{id}/cancel"),
    ("POST", "/orders/{id}/receive"),
    ("POST", "/me/follows"),
    ("PATCH", "/me/follows/{id}"),
    ("DELETE", "/me/follows/{id}"),
];

/// Requests that show a household's private fields.
const REVEALING: &[(&str, &str)] = &[("POST", "/households/{id}/private")];

/// What a request by `method` on `route` (its pattern under `/api/v1`, e.g.
/// `/needs/{id}/pledges`) asks of a token.
pub fn requirement(method: &str, route: &str) -> Requirement {
    let method = method.to_ascii_uppercase();
    let key = (method.as_str(), route);
    if REVEALING.contains(&key) {
        Requirement::Session
    } else if matches!(method.as_str(), "GET" | "HEAD") {
        Requirement::Scope(TokenScope::Read)
    } else if PLEDGING.contains(&key) {
        Requirement::Scope(TokenScope::Pledge)
    } else {
        Requirement::Scope(TokenScope::Manage)
    }
}

/// Whether a token of `scope` may make the request; what it lacks otherwise.
pub fn allows(scope: TokenScope, method: &str, route: &str) -> Result<(), Requirement> {
    match requirement(method, route) {
        Requirement::Scope(needed) if scope >= needed => Ok(()),
        missing => Err(missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_ordered_by_what_they_allow() {
        assert!(TokenScope::Read < TokenScope::Pledge);
        assert!(TokenScope::Pledge < TokenScope::Manage);
    }

    #[test]
    fn a_read_token_only_reads() {
        assert_eq!(allows(TokenScope::Read, "GET", "/me/pledges"), Ok(()));
        assert_eq!(
            allows(TokenScope::Read, "POST", "/needs/{id}/pledges"),
            Err(Requirement::Scope(TokenScope::Pledge))
        );
        assert_eq!(
            allows(TokenScope::Read, "PATCH", "/me"),
            Err(Requirement::Scope(TokenScope::Manage))
        );
    }

    #[test]
    fn a_pledge_token_pledges_orders_and_follows_but_manages_nothing() {
        for (method, route) in PLEDGING {
            assert_eq!(allows(TokenScope::Pledge, method, route), Ok(()));
        }
        assert_eq!(
            allows(TokenScope::Pledge, "POST", "/needs/{id}/verify"),
            Err(Requirement::Scope(TokenScope::Manage))
        );
    }

    #[test]
    fn no_token_reveals_a_households_private_fields() {
        for scope in TokenScope::ALL {
            assert_eq!(
                allows(*scope, "POST", "/households/{id}/private"),
                Err(Requirement::Session)
            );
        }
        assert_eq!(
            allows(TokenScope::Manage, "GET", "/households/{id}"),
            Ok(())
        );
    }

    #[test]
    fn a_tokens_life_is_one_day_to_a_year() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(expires_at(now, 90), now + Duration::days(90));
        assert_eq!(expires_at(now, 9999), now + Duration::days(365));
    }
}
