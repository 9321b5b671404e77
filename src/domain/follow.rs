//! Follows (关注) and the alerts they bring: anyone signed in follows a region (a village, a
//! town, a county, a city), a category, a pairing or an organisation, and hears of each need
//! published inside it — at once, or in a daily digest. Pure rules: what a follow names, and
//! whether a need is inside it.

use super::need::Category;
use super::region::RegionCode;

code_enum! {
    /// What a follow names.
    pub enum FollowKind {
        Region = ("region", "地区"),
        Category = ("category", "类别"),
        Pairing = ("pairing", "结对"),
        Organisation = ("organisation", "帮扶主体"),
    }
}

code_enum! {
    /// How the follower hears of new needs.
    pub enum AlertMode {
        /// A mail for each need, when it is published.
        Instant = ("instant", "即时提醒"),
        /// One mail a day with the needs published since the last.
        Daily = ("daily", "每日汇总"),
    }
}

/// A follow's target, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FollowTarget {
    Region(RegionCode),
    Category(Category),
    Pairing(i64),
    Organisation(i64),
}

/// Why a target does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a target of this kind of follow")]
pub struct InvalidTarget;

impl FollowTarget {
    pub fn parse(kind: FollowKind, target: &str) -> Result<Self, InvalidTarget> {
        let target = target.trim();
        let id = || {
            target
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or(InvalidTarget)
        };
        Ok(match kind {
            FollowKind::Region => {
                FollowTarget::Region(RegionCode::parse(target).map_err(|_| InvalidTarget)?)
            }
            FollowKind::Category => {
                FollowTarget::Category(Category::parse(target).ok_or(InvalidTarget)?)
            }
            FollowKind::Pairing => FollowTarget::Pairing(id()?),
            FollowKind::Organisation => FollowTarget::Organisation(id()?),
        })
    }

    pub fn kind(&self) -> FollowKind {
        match self {
            FollowTarget::Region(_) => FollowKind::Region,
            FollowTarget::Category(_) => FollowKind::Category,
            FollowTarget::Pairing(_) => FollowKind::Pairing,
            FollowTarget::Organisation(_) => FollowKind::Organisation,
        }
    }

    /// The target as stored and sent: a region code, a category code, an id.
    pub fn value(&self) -> String {
        match self {
            FollowTarget::Region(code) => code.as_str().to_owned(),
            FollowTarget::Category(category) => category.as_str().to_owned(),
            FollowTarget::Pairing(id) | FollowTarget::Organisation(id) => id.to_string(),
        }
    }
}

/// What a newly published need is, for the follows it falls inside.
#[derive(Debug, Clone)]
pub struct PublishedNeed<'a> {
    pub village: &'a RegionCode,
    pub category: Category,
    /// The pairings whose regions hold the village.
    pub pairings: &'a [i64],
    /// The organisations helping through those pairings (as their helping side or members).
    pub organisations: &'a [i64],
}

/// Whether `need` falls inside a follow of `target`.
pub fn inside(target: &FollowTarget, need: &PublishedNeed<'_>) -> bool {
    match target {
        FollowTarget::Region(region) => region.contains(need.village),
        FollowTarget::Category(category) => *category == need.category,
        FollowTarget::Pairing(id) => need.pairings.contains(id),
        FollowTarget::Organisation(id) => need.organisations.contains(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_is_inside_the_follows_of_its_regions_category_pairings_and_helpers() {
        let village = RegionCode::parse("441426100200").unwrap();
        let need = PublishedNeed {
            village: &village,
            category: Category::Education,
            pairings: &[3],
            organisations: &[7],
        };
        let parse = |k, t| FollowTarget::parse(k, t).unwrap();
        for (target, expected) in [
            (parse(FollowKind::Region, "4414"), true),
            (parse(FollowKind::Region, "441426100200"), true),
            (parse(FollowKind::Region, "441426100201"), false),
            (parse(FollowKind::Category, "education"), true),
            (parse(FollowKind::Category, "medical"), false),
            (parse(FollowKind::Pairing, "3"), true),
            (parse(FollowKind::Pairing, "4"), false),
            (parse(FollowKind::Organisation, "7"), true),
        ] {
            assert_eq!(inside(&target, &need), expected, "{target:?}");
        }
    }

    #[test]
    fn a_target_must_be_one_of_its_kind() {
        assert!(FollowTarget::parse(FollowKind::Region, "44142").is_err());
        assert!(FollowTarget::parse(FollowKind::Category, "toys").is_err());
        assert!(FollowTarget::parse(FollowKind::Pairing, "0").is_err());
        assert!(FollowTarget::parse(FollowKind::Organisation, "x").is_err());
        let t = FollowTarget::parse(FollowKind::Region, " 4414 ").unwrap();
        assert_eq!(
            (t.kind(), t.value()),
            (FollowKind::Region, "4414".to_owned())
        );
    }
}
