//! Photos: who may see one, decided once for every kind of photo and every caller.
//!
//! A need's photo is public only when its cadre chose to publish it and the need itself is
//! public; otherwise it is the need's staff's. A receipt photo (what arrived, often with a
//! household's face or a courier label with an address) is never public: only whoever may read
//! its pledge sees it. Everyone else is told the photo does not exist.

use super::authz::{Actor, PledgeParties, may_read_pledge, sees_need_as_staff};
use super::order::{OrderParties, may_read_order};
use super::product::{may_certify, may_sell};
use super::region::RegionCode;

/// A photo's id as the API shows it: 128 random bits in lowercase hex, so that holding one
/// photo's address tells nothing about any other's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoId(String);

impl PhotoId {
    /// Hex digits in an id.
    pub const LEN: usize = 32;

    /// An id as written in a URL; anything else is no photo's id.
    pub fn parse(s: &str) -> Option<PhotoId> {
        (s.len() == Self::LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| PhotoId(s.to_owned()))
    }

    /// The id for 16 random bytes (the caller draws them).
    pub fn from_bytes(bytes: [u8; 16]) -> PhotoId {
        PhotoId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PhotoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoKind {
    /// A need's photo; `published` when its cadre chose to show it to the public.
    Need { published: bool },
    /// What arrived for a pledge.
    Receipt(PledgeParties),
}

/// What the decision needs to know of a photo and its need.
#[derive(Debug, Clone, Copy)]
pub struct PhotoFacts<'a> {
    pub kind: PhotoKind,
    /// The village of the need (of the pledge's need, for a receipt).
    pub village: &'a RegionCode,
    /// Whether the public may see the need.
    pub need_public: bool,
    /// Whether the need is still a draft (its cadres' alone).
    pub need_draft: bool,
}

/// How a photo is served to one caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoAccess {
    /// Anyone may see it: shared caches may keep it briefly.
    Public,
    /// This caller may see it, and nobody may keep a copy (`private, no-store`).
    Private,
    /// As for a photo that does not exist.
    Hidden,
}

/// Whether `who` (nobody signed in: `None`) may see the photo, and how it is served.
pub fn photo_access(who: Option<&Actor>, photo: &PhotoFacts<'_>) -> PhotoAccess {
    let allowed = |rule: &dyn Fn(&Actor) -> bool| who.is_some_and(rule);
    match photo.kind {
        PhotoKind::Need { published: true } if photo.need_public => PhotoAccess::Public,
        PhotoKind::Need { .. } => {
            if allowed(&|actor| sees_need_as_staff(actor, photo.village, photo.need_draft)) {
                PhotoAccess::Private
            } else {
                PhotoAccess::Hidden
            }
        }
        PhotoKind::Receipt(parties) => {
            if allowed(&|actor| may_read_pledge(actor, &parties, photo.village)) {
                PhotoAccess::Private
            } else {
                PhotoAccess::Hidden
            }
        }
    }
}

/// A photo of trade (消费扶贫): a product's, or what arrived for an order.
#[derive(Debug, Clone, Copy)]
pub enum TradePhotoFacts<'a> {
    /// A product's photo: public with the product (a draft's only for its sellers and the
    /// verifiers of its area).
    Product {
        seller_id: i64,
        village: &'a RegionCode,
        product_public: bool,
    },
    /// What arrived for an order: its buyer's and seller's only, like the order's delivery data.
    Order(OrderParties<'a>),
}

/// As [`photo_access`], for a photo of trade.
pub fn trade_photo_access(who: Option<&Actor>, photo: &TradePhotoFacts<'_>) -> PhotoAccess {
    let allowed = |rule: &dyn Fn(&Actor) -> bool| who.is_some_and(rule);
    let visible = match photo {
        TradePhotoFacts::Product {
            product_public: true,
            ..
        } => return PhotoAccess::Public,
        TradePhotoFacts::Product {
            seller_id, village, ..
        } => allowed(&|actor| may_sell(actor, *seller_id, village) || may_certify(actor, village)),
        TradePhotoFacts::Order(parties) => allowed(&|actor| may_read_order(actor, parties)),
    };
    if visible {
        PhotoAccess::Private
    } else {
        PhotoAccess::Hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn actor(user_id: i64, role: Role, scope: Scope) -> Actor {
        Actor {
            user_id,
            grants: vec![Grant { role, scope }],
        }
    }

    #[test]
    fn ids_are_32_lowercase_hex_digits() {
        let id = PhotoId::from_bytes([0xab; 16]);
        assert_eq!(id.as_str().len(), PhotoId::LEN);
        assert_eq!(PhotoId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "1",
            "ABABABABABABABABABABABABABABABAB",
            "../../../../../../../etc/passwd",
        ] {
            assert_eq!(PhotoId::parse(bad), None, "{bad}");
        }
    }

    /// Every kind of photo × every kind of caller, with the need public and not.
    #[test]
    fn the_photo_matrix_holds() {
        let village = code("441426100200");
        let elsewhere = code("441624100201");
        let donor = actor(10, Role::OrgMember, Scope::Organisation(99));
        let colleague = actor(11, Role::OrgMember, Scope::Organisation(7));
        let org_admin = actor(12, Role::OrgAdmin, Scope::Organisation(7));
        let stranger_org = actor(13, Role::OrgAdmin, Scope::Organisation(8));
        let cadre = actor(20, Role::Cadre, Scope::Region(village.clone()));
        let far_cadre = actor(21, Role::Cadre, Scope::Region(elsewhere.clone()));
        let verifier = actor(30, Role::Verifier, Scope::Region(code("441426")));
        let admin = actor(40, Role::Admin, Scope::Platform);
        let citizen = Actor {
            user_id: 50,
            grants: vec![],
        };
        let receipt = PhotoKind::Receipt(PledgeParties {
            donor_user_id: 10,
            organisation_id: Some(7),
        });
        let facts = |kind, need_public, need_draft| PhotoFacts {
            kind,
            village: &village,
            need_public,
            need_draft,
        };
        use PhotoAccess::*;
        // (caller, published need photo on a public need, unpublished one on a public need,
        //  photo of a draft, receipt photo)
        let cases: &[(Option<&Actor>, [PhotoAccess; 4])] = &[
            (None, [Public, Hidden, Hidden, Hidden]),
            (Some(&citizen), [Public, Hidden, Hidden, Hidden]),
            (Some(&donor), [Public, Hidden, Hidden, Private]),
            (Some(&colleague), [Public, Hidden, Hidden, Private]),
            (Some(&org_admin), [Public, Hidden, Hidden, Private]),
            (Some(&stranger_org), [Public, Hidden, Hidden, Hidden]),
            (Some(&cadre), [Public, Private, Private, Private]),
            (Some(&far_cadre), [Public, Hidden, Hidden, Hidden]),
            // A verifier never sees a draft: it is the cadres' until they submit it.
            (Some(&verifier), [Public, Private, Hidden, Private]),
            // Administrators manage the platform, not households' receipts.
            (Some(&admin), [Public, Hidden, Hidden, Hidden]),
        ];
        for (who, expected) in cases {
            let got = [
                photo_access(
                    *who,
                    &facts(PhotoKind::Need { published: true }, true, false),
                ),
                photo_access(
                    *who,
                    &facts(PhotoKind::Need { published: false }, true, false),
                ),
                photo_access(
                    *who,
                    &facts(PhotoKind::Need { published: true }, false, true),
                ),
                photo_access(*who, &facts(receipt, true, false)),
            ];
            assert_eq!(&got, expected, "{who:?}");
        }
    }

    #[test]
    fn a_products_photo_is_public_with_it_and_an_orders_only_for_its_two_sides() {
        let village = code("441426100200");
        let seller = actor(1, Role::OrgMember, Scope::Organisation(30));
        let cadre = actor(2, Role::Cadre, Scope::Region(village.clone()));
        let buyer = Actor {
            user_id: 3,
            grants: vec![],
        };
        let stranger = Actor {
            user_id: 4,
            grants: vec![],
        };
        let admin = actor(5, Role::Admin, Scope::Platform);
        let draft = TradePhotoFacts::Product {
            seller_id: 30,
            village: &village,
            product_public: false,
        };
        let listed = TradePhotoFacts::Product {
            seller_id: 30,
            village: &village,
            product_public: true,
        };
        assert_eq!(trade_photo_access(None, &listed), PhotoAccess::Public);
        assert_eq!(trade_photo_access(None, &draft), PhotoAccess::Hidden);
        assert_eq!(
            trade_photo_access(Some(&stranger), &draft),
            PhotoAccess::Hidden
        );
        assert_eq!(
            trade_photo_access(Some(&seller), &draft),
            PhotoAccess::Private
        );
        assert_eq!(
            trade_photo_access(Some(&cadre), &draft),
            PhotoAccess::Private
        );
        let order = TradePhotoFacts::Order(OrderParties {
            buyer_user_id: 3,
            buyer_org_id: None,
            seller_id: 30,
            village: &village,
        });
        for (who, access) in [
            (Some(&buyer), PhotoAccess::Private),
            (Some(&seller), PhotoAccess::Private),
            (Some(&cadre), PhotoAccess::Private),
            (Some(&stranger), PhotoAccess::Hidden),
            (Some(&admin), PhotoAccess::Hidden),
            (None, PhotoAccess::Hidden),
        ] {
            assert_eq!(trade_photo_access(who, &order), access);
        }
    }
}
