//! Accounts that prove their owner (OWASP ASVS 4.0.3 V2.1, V3.7): an account acts — pledges,
//! orders, acts for an organisation, holds a role — only once its owner has shown they read
//! its mail, by following the confirmation link sent to it. The one rule every gate asks.
//!
//! No SMS provider is configured in this product, so a mobile number is never proven: a
//! mobile-only account confirms by adding an email address. An SMS sender (a code texted to
//! the number, checked the way the mail link's token is) is the place to extend this; it would
//! set the same `confirmed_at`.

use chrono::{DateTime, Utc};

/// How long a confirmation link works, unless the deployment says otherwise.
pub const DEFAULT_TTL_HOURS: u32 = 48;

/// What an account may do only once confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deed {
    /// Pledge toward a need, itself or through an offer (applying to one, accepting a request).
    Pledge,
    /// Place an order in 消费扶贫.
    Order,
    /// Register an organisation, or act for one.
    ActForOrganisation,
    /// Be granted a role.
    HoldRole,
}

impl Deed {
    pub fn as_str(self) -> &'static str {
        match self {
            Deed::Pledge => "pledge",
            Deed::Order => "order",
            Deed::ActForOrganisation => "act_for_organisation",
            Deed::HoldRole => "hold_role",
        }
    }
}

/// Why an account may not act yet: its owner has not confirmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unconfirmed(pub Deed);

/// Whether an account confirmed at `confirmed_at` (none: never) may do `deed`.
pub fn may_act(confirmed_at: Option<DateTime<Utc>>, deed: Deed) -> Result<(), Unconfirmed> {
    match confirmed_at {
        Some(_) => Ok(()),
        None => Err(Unconfirmed(deed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_confirmed_account_acts_and_the_refusal_names_what_it_tried() {
        for deed in [
            Deed::Pledge,
            Deed::Order,
            Deed::ActForOrganisation,
            Deed::HoldRole,
        ] {
            assert_eq!(may_act(Some(Utc::now()), deed), Ok(()));
            assert_eq!(may_act(None, deed), Err(Unconfirmed(deed)));
        }
    }
}
