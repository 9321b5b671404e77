//! How long a browser session lives (OWASP ASVS 4.0.3 V3.3): until it has been idle for the
//! idle timeout, and never past its absolute lifetime, which is shorter for accounts that hold
//! the power to verify, run villages or administer the platform.

use chrono::{DateTime, Duration, Utc};

use super::authz::{Actor, Role};

/// The lifetimes a deployment sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A session unused this long ends.
    pub idle: Duration,
    /// The absolute lifetime of everyone else's sessions.
    pub absolute: Duration,
    /// The absolute lifetime of the sessions of cadres, verifiers and administrators.
    pub staff_absolute: Duration,
}

/// The roles whose sessions live [`Lifetimes::staff_absolute`].
pub const STAFF_ROLES: [Role; 3] = [Role::Cadre, Role::Verifier, Role::Admin];

impl Lifetimes {
    /// The absolute lifetime of a session of `actor`, opened now: the shorter one when any of
    /// their grants is a staff role.
    pub fn absolute_for(&self, actor: &Actor) -> Duration {
        if STAFF_ROLES.iter().any(|role| actor.has_role(*role)) {
            self.staff_absolute.min(self.absolute)
        } else {
            self.absolute
        }
    }

    /// When a session last used at `last_seen` ends unless used again: its idle deadline,
    /// never past its absolute end `expires_at`.
    pub fn deadline(&self, last_seen: DateTime<Utc>, expires_at: DateTime<Utc>) -> DateTime<Utc> {
        (last_seen + self.idle).min(expires_at)
    }

    /// Whether the session is live at `now`.
    pub fn is_live(
        &self,
        last_seen: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        now < self.deadline(last_seen, expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::authz::{Grant, Scope};

    const LIFETIMES: Lifetimes = Lifetimes {
        idle: Duration::hours(2),
        absolute: Duration::days(7),
        staff_absolute: Duration::hours(12),
    };

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            user_id: 1,
            grants: roles
                .iter()
                .map(|role| Grant {
                    role: *role,
                    scope: Scope::Platform,
                })
                .collect(),
        }
    }

    #[test]
    fn staff_sessions_end_sooner_than_everyone_elses() {
        assert_eq!(LIFETIMES.absolute_for(&actor(&[])), Duration::days(7));
        assert_eq!(
            LIFETIMES.absolute_for(&actor(&[Role::OrgMember, Role::Coordinator])),
            Duration::days(7)
        );
        for role in STAFF_ROLES {
            assert_eq!(
                LIFETIMES.absolute_for(&actor(&[Role::OrgMember, role])),
                Duration::hours(12)
            );
        }
    }

    #[test]
    fn use_moves_the_idle_deadline_but_never_past_the_absolute_end() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let end = start + Duration::hours(12);
        assert_eq!(LIFETIMES.deadline(start, end), start + Duration::hours(2));
        let late = start + Duration::hours(11);
        assert_eq!(LIFETIMES.deadline(late, end), end);
        assert!(LIFETIMES.is_live(start, end, start + Duration::minutes(119)));
        assert!(!LIFETIMES.is_live(start, end, start + Duration::hours(2)));
        assert!(!LIFETIMES.is_live(late, end, end));
    }
}
