//! Who may do what, where: the one authorisation decision of the platform.
//!
//! An [`Actor`] holds grants, each a [`Role`] with a [`Scope`]; an [`Action`] is allowed on a
//! [`Target`] when some grant has a role that the action admits and a scope that covers the
//! target. Handlers never reinvent this: they name the action and the target and call
//! [`authorize`].

use serde::{Deserialize, Serialize};

use super::region::{Level, RegionCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 村干部 / 驻村工作队 / 帮扶责任人, scoped to villages.
    Cadre,
    /// 乡镇 / 县扶贫办 审核, scoped to a town or a county.
    Verifier,
    /// 对口帮扶 协调, scoped to a pairing (and so to its regions).
    Coordinator,
    /// Administers an organisation.
    OrgAdmin,
    /// Acts for an organisation.
    OrgMember,
    /// Platform administrator.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Cadre,
        Role::Verifier,
        Role::Coordinator,
        Role::OrgAdmin,
        Role::OrgMember,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cadre => "cadre",
            Role::Verifier => "verifier",
            Role::Coordinator => "coordinator",
            Role::OrgAdmin => "org_admin",
            Role::OrgMember => "org_member",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Platform,
    /// A region and everything in it.
    Region(RegionCode),
    Organisation(i64),
    /// A pairing, with the regions it helps (resolved when the actor is loaded).
    Pairing {
        id: i64,
        regions: Vec<RegionCode>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// A signed-in user and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub grants: Vec<Grant>,
}

/// Everything that needs a permission. Signing in, pledging as oneself, browsing and objecting
/// need none beyond being signed in (or not even that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See a household's private fields (name, ID number, phone, address), even masked.
    ViewHouseholdPrivate,
    /// Register and edit households, record incomes, move the register status.
    ManageHousehold,
    /// Record, edit, submit and withdraw needs.
    RecordNeed,
    /// Confirm that pledged help arrived.
    ConfirmReceipt,
    /// Verify or reject needs.
    VerifyNeed,
    /// Uphold or dismiss objections.
    HandleObjection,
    /// Take a need in public view out of it (撤下核查), and close it once taken down.
    TakeDownNeed,
    /// See the coordination board of a pairing's regions.
    ViewCoordinationBoard,
    /// Invite organisations to needs in a pairing's regions.
    InviteToNeed,
    /// Manage a pairing's period, status, regions and members.
    ManagePairing,
    /// Set up a new pairing.
    CreatePairing,
    /// Pledge on behalf of an organisation.
    PledgeForOrganisation,
    /// Offer help on behalf of an organisation, and answer the requests for its offers.
    ManageOffer,
    /// Ask for an offer for one of the village's needs.
    RequestOffer,
    /// List a cooperative's products and fill their orders (its people, its village's cadres).
    SellProduct,
    /// Certify a village's product as a 扶贫产品 (扶贫产品认定), or revoke it.
    CertifyProduct,
    /// See an organisation's ledger (台账) and export it.
    ViewOrganisationLedger,
    /// Edit an organisation and its members.
    ManageOrganisation,
    /// Mark an organisation verified.
    VerifyOrganisation,
    /// Grant and revoke roles, deactivate accounts.
    ManageUsers,
    /// Read the audit log.
    ViewAuditLog,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::ViewHouseholdPrivate,
        Action::ManageHousehold,
        Action::RecordNeed,
        Action::ConfirmReceipt,
        Action::VerifyNeed,
        Action::HandleObjection,
        Action::TakeDownNeed,
        Action::ViewCoordinationBoard,
        Action::InviteToNeed,
        Action::ManagePairing,
        Action::CreatePairing,
        Action::PledgeForOrganisation,
        Action::ManageOffer,
        Action::RequestOffer,
        Action::SellProduct,
        Action::CertifyProduct,
        Action::ViewOrganisationLedger,
        Action::ManageOrganisation,
        Action::VerifyOrganisation,
        Action::ManageUsers,
        Action::ViewAuditLog,
    ];

    /// The roles this action admits. The one table of the platform's permissions.
    ///
    /// Administrators manage the platform but do not see households' private data: that stays
    /// with the household's village cadres and its verifiers (DESIGN §3).
    fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ViewHouseholdPrivate => &[Cadre, Verifier],
            Action::ManageHousehold
            | Action::RecordNeed
            | Action::ConfirmReceipt
            | Action::RequestOffer => &[Cadre],
            Action::VerifyNeed
            | Action::HandleObjection
            | Action::TakeDownNeed
            | Action::CertifyProduct => &[Verifier],
            Action::SellProduct => &[Cadre, OrgAdmin, OrgMember],
            Action::ViewCoordinationBoard => &[Coordinator, Admin],
            Action::InviteToNeed => &[Coordinator],
            Action::ManagePairing => &[Coordinator, Admin],
            Action::PledgeForOrganisation | Action::ManageOffer => &[OrgAdmin, OrgMember],
            Action::ViewOrganisationLedger => &[OrgAdmin, OrgMember, Admin],
            Action::ManageOrganisation => &[OrgAdmin, Admin],
            Action::VerifyOrganisation
            | Action::ManageUsers
            | Action::ViewAuditLog
            | Action::CreatePairing => &[Admin],
        }
    }
}

impl Action {
    /// Whether this action can be done to this kind of target at all (managing a pairing is
    /// done to a pairing, not to a region it helps).
    fn applies_to(self, target: &Target<'_>) -> bool {
        match self {
            Action::ViewHouseholdPrivate
            | Action::ManageHousehold
            | Action::RecordNeed
            | Action::ConfirmReceipt
            | Action::VerifyNeed
            | Action::HandleObjection
            | Action::TakeDownNeed
            | Action::InviteToNeed
            | Action::RequestOffer
            | Action::CertifyProduct => matches!(target, Target::Region(_)),
            Action::SellProduct => matches!(target, Target::Region(_) | Target::Organisation(_)),
            Action::ViewCoordinationBoard => {
                matches!(target, Target::Region(_) | Target::Pairing(_))
            }
            Action::ManagePairing => matches!(target, Target::Pairing(_)),
            Action::PledgeForOrganisation
            | Action::ManageOffer
            | Action::ViewOrganisationLedger
            | Action::ManageOrganisation
            | Action::VerifyOrganisation => matches!(target, Target::Organisation(_)),
            Action::ManageUsers | Action::ViewAuditLog | Action::CreatePairing => {
                matches!(target, Target::Platform)
            }
        }
    }
}

/// What an action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A region, or a thing located in it (a household, a need: their village).
    Region(&'a RegionCode),
    Organisation(i64),
    Pairing(i64),
    Platform,
}

/// Why an action was refused (the caller turns it into a 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("you are not allowed to do this here")]
pub struct Denied;

/// Whether `scope` reaches `target`.
fn covers(scope: &Scope, target: &Target<'_>) -> bool {
    match (scope, target) {
        (Scope::Platform, _) => true,
        (Scope::Region(region), Target::Region(code)) => region.contains(code),
        (Scope::Organisation(id), Target::Organisation(target)) => id == target,
        (Scope::Pairing { id, .. }, Target::Pairing(target)) => id == target,
        (Scope::Pairing { regions, .. }, Target::Region(code)) => {
            regions.iter().any(|region| region.contains(code))
        }
        _ => false,
    }
}

/// The authorisation decision.
pub fn authorize(actor: &Actor, action: Action, target: Target<'_>) -> Result<(), Denied> {
    permits(actor, action, target, |_| true)
}

/// As [`authorize`], counting only grants scoped at `level` or above (the platform, or a region
/// of that level or a wider one): a value that needs a county-level second look is not verified
/// by a town's verifier.
pub fn authorize_at_level(
    actor: &Actor,
    action: Action,
    region: &RegionCode,
    level: Level,
) -> Result<(), Denied> {
    permits(actor, action, Target::Region(region), |scope| match scope {
        Scope::Platform => true,
        Scope::Region(code) => code.level() <= level,
        Scope::Organisation(_) | Scope::Pairing { .. } => false,
    })
}

/// Where an actor may do an action: what [`authorize`] would allow, as the regions to query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Nowhere,
    Everywhere,
    /// These regions and everything in them.
    Regions(Vec<RegionCode>),
}

/// The regions in which [`authorize`] allows `action` to `actor`, for listing what they may act
/// on without asking region by region. Agrees with [`authorize`] on every region target.
pub fn reach(actor: &Actor, action: Action) -> Reach {
    let probe = RegionCode::parse("11").expect("a province code");
    if !action.applies_to(&Target::Region(&probe))
        || (action == Action::ViewHouseholdPrivate && actor.has_role(Role::Admin))
    {
        return Reach::Nowhere;
    }
    let mut regions = Vec::new();
    for grant in actor
        .grants
        .iter()
        .filter(|g| action.roles().contains(&g.role))
    {
        match &grant.scope {
            Scope::Platform => return Reach::Everywhere,
            Scope::Region(code) => regions.push(code.clone()),
            Scope::Pairing {
                regions: paired, ..
            } => regions.extend(paired.iter().cloned()),
            Scope::Organisation(_) => {}
        }
    }
    if regions.is_empty() {
        Reach::Nowhere
    } else {
        Reach::Regions(regions)
    }
}

/// The organisations on which [`authorize`] allows any of `actions` to `actor`: every one
/// (`None`), or these. Agrees with [`authorize`] on every organisation target.
pub fn organisations_reached(actor: &Actor, actions: &[Action]) -> Option<Vec<i64>> {
    let mut ids = Vec::new();
    for action in actions {
        if !action.applies_to(&Target::Organisation(0)) {
            continue;
        }
        for grant in actor
            .grants
            .iter()
            .filter(|g| action.roles().contains(&g.role))
        {
            match &grant.scope {
                Scope::Platform => return None,
                Scope::Organisation(id) => ids.push(*id),
                Scope::Region(_) | Scope::Pairing { .. } => {}
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

fn permits(
    actor: &Actor,
    action: Action,
    target: Target<'_>,
    scope_counts: impl Fn(&Scope) -> bool,
) -> Result<(), Denied> {
    if !action.applies_to(&target) {
        return Err(Denied);
    }
    // A hard rule, not a default: an administrator never sees households' private data, even
    // if a cadre or verifier grant came to be held beside the admin one.
    if action == Action::ViewHouseholdPrivate && actor.has_role(Role::Admin) {
        return Err(Denied);
    }
    let admitted = action.roles();
    actor
        .grants
        .iter()
        .any(|grant| {
            admitted.contains(&grant.role)
                && scope_counts(&grant.scope)
                && covers(&grant.scope, &target)
        })
        .then_some(())
        .ok_or(Denied)
}

/// Who stands behind a pledge, for deciding who may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PledgeParties {
    pub donor_user_id: i64,
    /// The organisation the pledge was made for, if any.
    pub organisation_id: Option<i64>,
}

/// Whether `actor` may read a pledge (and so see its receipt photos) toward a need in
/// `village`: its donor, the people of the organisation it was made for, and the village's
/// cadres and verifiers. Not administrators: a receipt can show a household.
pub fn may_read_pledge(actor: &Actor, pledge: &PledgeParties, village: &RegionCode) -> bool {
    actor.user_id == pledge.donor_user_id
        || pledge
            .organisation_id
            .is_some_and(|org| actor.can(Action::PledgeForOrganisation, Target::Organisation(org)))
        || actor.can(Action::ConfirmReceipt, Target::Region(village))
        || actor.can(Action::VerifyNeed, Target::Region(village))
}

/// Whether `actor` sees a need of `village` as its staff (past the public projection): its
/// village's cadres, and its verifiers once it is no longer a draft (a draft is its cadres'
/// until they submit it).
pub fn sees_need_as_staff(actor: &Actor, village: &RegionCode, draft: bool) -> bool {
    let actions: &[Action] = if draft {
        &[Action::RecordNeed]
    } else {
        &[
            Action::RecordNeed,
            Action::VerifyNeed,
            Action::HandleObjection,
        ]
    };
    actions
        .iter()
        .any(|a| actor.can(*a, Target::Region(village)))
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn can(&self, action: Action, target: Target<'_>) -> bool {
        authorize(self, action, target).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    /// The whole matrix: every role × every action, on a target inside the role's scope and on
    /// one outside it. Written out by hand, not derived from the rule table, so that a change
    /// to a permission has to change this test too.
    #[test]
    fn the_permission_matrix_holds_in_and_out_of_scope() {
        // (role, scope, in-scope target, out-of-scope target)
        let village_in = code("441426100200"); // 墩背村, 平远县, 梅州
        let village_out = code("441624100201"); // 城西村, 和平县, 河源
        let pairing_regions = vec![code("4414"), code("4418")];
        let cases: Vec<(Role, Scope, Target, Target)> = vec![
            (
                Role::Cadre,
                Scope::Region(village_in.clone()),
                Target::Region(&village_in),
                Target::Region(&village_out),
            ),
            (
                Role::Verifier,
                Scope::Region(code("441426")),
                Target::Region(&village_in),
                Target::Region(&village_out),
            ),
            (
                Role::Coordinator,
                Scope::Pairing {
                    id: 1,
                    regions: pairing_regions.clone(),
                },
                Target::Region(&village_in),
                Target::Region(&village_out),
            ),
            (
                Role::OrgAdmin,
                Scope::Organisation(7),
                Target::Organisation(7),
                Target::Organisation(8),
            ),
            (
                Role::OrgMember,
                Scope::Organisation(7),
                Target::Organisation(7),
                Target::Organisation(8),
            ),
        ];
        // Allowed in scope, per role: C cadre, V verifier, P coordinator, A org admin, M member.
        use Action::*;
        let allowed: &[(Action, &str)] = &[
            (ViewHouseholdPrivate, "CV"),
            (ManageHousehold, "C"),
            (RecordNeed, "C"),
            (ConfirmReceipt, "C"),
            (VerifyNeed, "V"),
            (HandleObjection, "V"),
            (TakeDownNeed, "V"),
            (ViewCoordinationBoard, "P"),
            (InviteToNeed, "P"),
            (ManagePairing, ""),
            (CreatePairing, ""),
            (PledgeForOrganisation, "AM"),
            (ManageOffer, "AM"),
            (RequestOffer, "C"),
            (SellProduct, "CAM"),
            (CertifyProduct, "V"),
            (ViewOrganisationLedger, "AM"),
            (ManageOrganisation, "A"),
            (VerifyOrganisation, ""),
            (ManageUsers, ""),
            (ViewAuditLog, ""),
        ];
        assert_eq!(
            allowed.len(),
            Action::ALL.len(),
            "every action is in the matrix"
        );
        let letters = ['C', 'V', 'P', 'A', 'M'];
        for (action, who) in allowed {
            for ((role, scope, inside, outside), letter) in cases.iter().zip(letters) {
                let actor = Actor {
                    user_id: 1,
                    grants: vec![Grant {
                        role: *role,
                        scope: scope.clone(),
                    }],
                };
                let expected = who.contains(letter);
                assert_eq!(
                    actor.can(*action, *inside),
                    expected,
                    "{role:?} {action:?} in scope"
                );
                assert!(
                    !actor.can(*action, *outside),
                    "{role:?} {action:?} out of scope"
                );
                assert!(
                    !actor.can(*action, Target::Platform),
                    "{role:?} {action:?} platform-wide"
                );
            }
        }
    }

    #[test]
    fn a_coordinator_manages_only_their_own_pairing() {
        let actor = Actor {
            user_id: 1,
            grants: vec![Grant {
                role: Role::Coordinator,
                scope: Scope::Pairing {
                    id: 1,
                    regions: vec![code("4414")],
                },
            }],
        };
        assert!(actor.can(Action::ManagePairing, Target::Pairing(1)));
        assert!(actor.can(Action::ViewCoordinationBoard, Target::Pairing(1)));
        assert!(!actor.can(Action::ManagePairing, Target::Pairing(2)));
    }

    #[test]
    fn an_administrator_runs_the_platform_but_never_sees_private_household_data() {
        let admin = Actor {
            user_id: 1,
            grants: vec![Grant {
                role: Role::Admin,
                scope: Scope::Platform,
            }],
        };
        use Action::*;
        let village = code("441426100200");
        for action in [ManageUsers, ViewAuditLog] {
            assert!(admin.can(action, Target::Platform), "{action:?}");
        }
        for action in [
            VerifyOrganisation,
            ManageOrganisation,
            ViewOrganisationLedger,
        ] {
            assert!(admin.can(action, Target::Organisation(3)), "{action:?}");
        }
        assert!(admin.can(ManagePairing, Target::Pairing(5)));
        assert!(admin.can(ViewCoordinationBoard, Target::Region(&village)));
        for action in [
            ViewHouseholdPrivate,
            ManageHousehold,
            RecordNeed,
            VerifyNeed,
            HandleObjection,
            TakeDownNeed,
            ConfirmReceipt,
            InviteToNeed,
        ] {
            assert!(!admin.can(action, Target::Region(&village)), "{action:?}");
        }
        assert!(!admin.can(PledgeForOrganisation, Target::Organisation(3)));
    }

    #[test]
    fn an_administrator_who_also_holds_a_verifier_grant_still_sees_no_private_data() {
        let village = code("441426100200");
        let actor = Actor {
            user_id: 1,
            grants: vec![
                Grant {
                    role: Role::Admin,
                    scope: Scope::Platform,
                },
                Grant {
                    role: Role::Verifier,
                    scope: Scope::Region(code("441426")),
                },
            ],
        };
        assert!(!actor.can(Action::ViewHouseholdPrivate, Target::Region(&village)));
        assert!(actor.can(Action::VerifyNeed, Target::Region(&village)));
    }

    #[test]
    fn a_level_bound_decision_counts_only_grants_at_that_level_or_above() {
        let village = code("441426100200");
        let verifier_of = |scope: &str| Actor {
            user_id: 1,
            grants: vec![Grant {
                role: Role::Verifier,
                scope: Scope::Region(code(scope)),
            }],
        };
        let county = |actor: &Actor| {
            authorize_at_level(actor, Action::VerifyNeed, &village, Level::County).is_ok()
        };
        assert!(county(&verifier_of("441426")), "the county's verifier");
        assert!(county(&verifier_of("4414")), "the city's verifier");
        assert!(!county(&verifier_of("441426100")), "a town's verifier");
        assert!(!county(&verifier_of("441624")), "another county's verifier");
    }

    #[test]
    fn reach_agrees_with_authorize() {
        let actor = Actor {
            user_id: 1,
            grants: vec![
                Grant {
                    role: Role::Cadre,
                    scope: Scope::Region(code("441426100200")),
                },
                Grant {
                    role: Role::Verifier,
                    scope: Scope::Region(code("441426")),
                },
                Grant {
                    role: Role::Coordinator,
                    scope: Scope::Pairing {
                        id: 1,
                        regions: vec![code("4418")],
                    },
                },
            ],
        };
        let places = [
            "441426100200",
            "441426100201",
            "441426",
            "441825100201",
            "4401",
        ];
        for action in Action::ALL {
            let reach = reach(&actor, action);
            for place in places {
                let place = code(place);
                let by_reach = match &reach {
                    Reach::Nowhere => false,
                    Reach::Everywhere => true,
                    Reach::Regions(regions) => regions.iter().any(|r| r.contains(&place)),
                };
                assert_eq!(
                    by_reach,
                    actor.can(action, Target::Region(&place)),
                    "{action:?} at {place}"
                );
            }
        }
        let admin = Actor {
            user_id: 2,
            grants: vec![Grant {
                role: Role::Admin,
                scope: Scope::Platform,
            }],
        };
        assert_eq!(
            reach(&admin, Action::ViewCoordinationBoard),
            Reach::Everywhere
        );
        assert_eq!(reach(&admin, Action::ViewHouseholdPrivate), Reach::Nowhere);
        assert_eq!(
            reach(&admin, Action::ManageUsers),
            Reach::Nowhere,
            "not a region action"
        );
    }

    #[test]
    fn several_grants_add_up() {
        let actor = Actor {
            user_id: 1,
            grants: vec![
                Grant {
                    role: Role::Cadre,
                    scope: Scope::Region(code("441426100200")),
                },
                Grant {
                    role: Role::Cadre,
                    scope: Scope::Region(code("441426100201")),
                },
                Grant {
                    role: Role::OrgMember,
                    scope: Scope::Organisation(4),
                },
            ],
        };
        assert!(actor.can(Action::RecordNeed, Target::Region(&code("441426100201"))));
        assert!(actor.can(Action::PledgeForOrganisation, Target::Organisation(4)));
        assert!(!actor.can(Action::RecordNeed, Target::Region(&code("441426100202"))));
        let nobody = Actor {
            user_id: 2,
            grants: vec![],
        };
        for action in Action::ALL {
            assert!(!nobody.can(action, Target::Platform));
        }
    }
}
