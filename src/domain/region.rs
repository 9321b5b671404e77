//! Administrative divisions (行政区划) and their national statistical codes.
//!
//! A code's length gives its level (省 2, 市 4, 县 6, 乡镇 9, 村 12 digits) and its prefixes are
//! its ancestors: 441426100001 (a village) lies in 441426100 (town) ⊂ 441426 (平远县) ⊂ 4414
//! (梅州市) ⊂ 44 (广东省).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The five levels of administrative division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    City,
    County,
    Town,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Town,
        Level::Village,
    ];

    /// Number of digits of a code at this level.
    pub const fn code_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Town => 9,
            Level::Village => 12,
        }
    }

    /// 1 (province) to 5 (village), as stored in the database.
    pub const fn depth(self) -> i16 {
        match self {
            Level::Province => 1,
            Level::City => 2,
            Level::County => 3,
            Level::Town => 4,
            Level::Village => 5,
        }
    }

    pub fn from_depth(depth: i16) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.depth() == depth)
    }

    fn from_code_len(len: usize) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code_len() == len)
    }

    pub fn parent(self) -> Option<Level> {
        Level::from_depth(self.depth() - 1)
    }

    /// The level directly below (none below villages).
    pub fn child(self) -> Option<Level> {
        Level::from_depth(self.depth() + 1)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
            Level::Village => "village",
        }
    }
}

/// A valid administrative division code: 2, 4, 6, 9 or 12 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a region code is 2, 4, 6, 9 or 12 digits (province, city, county, town, village)")]
pub struct InvalidRegionCode;

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, InvalidRegionCode> {
        let input = input.trim();
        if !input.bytes().all(|b| b.is_ascii_digit()) || Level::from_code_len(input.len()).is_none()
        {
            return Err(InvalidRegionCode);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        Level::from_code_len(self.0.len()).expect("checked by parse")
    }

    /// The code of the division directly above, none for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        self.level()
            .parent()
            .map(|level| RegionCode(self.0[..level.code_len()].to_owned()))
    }

    /// Every ancestor from the province down, then this code itself.
    pub fn lineage(&self) -> Vec<RegionCode> {
        Level::ALL
            .iter()
            .filter(|l| **l <= self.level())
            .map(|l| RegionCode(self.0[..l.code_len()].to_owned()))
            .collect()
    }

    /// Whether `other` is this region or lies within it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The place of a need from its region names, province first: `广东省梅州市平远县大柘镇墩背村`.
/// Some villages' names in the national data set already spell out the regions above them
/// (`广东省河源市和平县长塘镇…居民委员会`); those are not repeated.
pub fn place_name(names: &[String]) -> String {
    names.iter().fold(String::new(), |so_far, name| {
        if name.starts_with(&so_far) {
            name.clone()
        } else {
            so_far + name
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_reads_down_the_regions_once() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            place_name(&names(&[
                "广东省",
                "梅州市",
                "平远县",
                "大柘镇",
                "墩背村委会"
            ])),
            "广东省梅州市平远县大柘镇墩背村委会"
        );
        assert_eq!(
            place_name(&names(&[
                "广东省",
                "河源市",
                "和平县",
                "长塘镇",
                "广东省河源市和平县长塘镇街镇社区居民委员会"
            ])),
            "广东省河源市和平县长塘镇街镇社区居民委员会"
        );
        assert_eq!(place_name(&[]), "");
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn the_length_of_a_code_gives_its_level() {
        assert_eq!(code("44").level(), Level::Province);
        assert_eq!(code("4414").level(), Level::City);
        assert_eq!(code("441426").level(), Level::County);
        assert_eq!(code("441426100").level(), Level::Town);
        assert_eq!(code("441426100001").level(), Level::Village);
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in ["", "4", "441", "44142", "4414261000", "44a4", " ", "４４"] {
            assert_eq!(RegionCode::parse(bad), Err(InvalidRegionCode), "{bad:?}");
        }
    }

    #[test]
    fn ancestors_are_the_prefixes_of_a_code() {
        let village = code("441426100001");
        assert_eq!(village.parent(), Some(code("441426100")));
        assert_eq!(code("44").parent(), None);
        let lineage: Vec<_> = village.lineage().iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lineage,
            ["44", "4414", "441426", "441426100", "441426100001"]
        );
        assert!(code("4414").contains(&village));
        assert!(village.contains(&village));
        assert!(!code("4416").contains(&village));
    }

    #[test]
    fn depth_and_level_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::from_depth(level.depth()), Some(level));
        }
        assert_eq!(Level::from_depth(0), None);
        assert_eq!(Level::Village.parent(), Some(Level::Town));
    }
}

/// Hostile input (issue #18): what parses, and the relations between the codes that do.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::check;

    /// A well-formed code of any level.
    fn valid_code() -> impl Strategy<Value = String> {
        prop_oneof!["[0-9]{2}", "[0-9]{4}", "[0-9]{6}", "[0-9]{9}", "[0-9]{12}"]
    }

    /// A code of a random level in the same area as a random village (so that some contain
    /// others), or from anywhere.
    fn related_codes() -> impl Strategy<Value = (RegionCode, RegionCode)> {
        (
            "[0-9]{12}",
            "[0-9]{12}",
            0usize..5,
            0usize..5,
            any::<bool>(),
        )
            .prop_map(|(a, b, la, lb, same_area)| {
                let b = if same_area { a.clone() } else { b };
                let cut =
                    |s: &str, l: usize| RegionCode::parse(&s[..Level::ALL[l].code_len()]).unwrap();
                (cut(&a, la), cut(&b, lb))
            })
    }

    #[test]
    fn a_code_parses_exactly_when_it_is_digits_of_a_level_length() {
        check(
            "region: codes parse iff well-formed",
            2048,
            prop_oneof![
                valid_code(),
                "[0-9]{0,14}",
                "[ ]?[0-9]{2,12}[ ]?",
                "[0-9]{1,6}[^0-9][0-9]{1,6}",
                any::<String>(),
            ],
            |input| {
                let digits = input.trim();
                let well_formed = digits.bytes().all(|b| b.is_ascii_digit())
                    && [2, 4, 6, 9, 12].contains(&digits.len());
                let parsed = RegionCode::parse(&input);
                prop_assert_eq!(parsed.is_ok(), well_formed, "{:?}", input);
                if let Ok(code) = parsed {
                    prop_assert_eq!(code.as_str(), digits);
                    prop_assert_eq!(code.level().code_len(), digits.len());
                }
                // Deserialising (a query, a body) is the same rule, and never panics.
                let json = serde_json::to_string(&input).unwrap();
                let read: Result<RegionCode, _> = serde_json::from_str(&json);
                prop_assert_eq!(read.is_ok(), well_formed);
                Ok(())
            },
        );
    }

    #[test]
    fn parent_lineage_and_contains_agree() {
        check(
            "region: parent, lineage and contains agree",
            2048,
            related_codes(),
            |(a, b)| {
                let lineage = a.lineage();
                prop_assert_eq!(lineage.len(), a.level().depth() as usize);
                prop_assert_eq!(lineage.last(), Some(&a));
                for pair in lineage.windows(2) {
                    prop_assert_eq!(pair[1].parent(), Some(pair[0].clone()));
                    prop_assert!(pair[0].contains(&pair[1]));
                }
                match a.parent() {
                    Some(parent) => {
                        prop_assert!(parent.contains(&a) && !a.contains(&parent));
                        prop_assert_eq!(parent.level().child(), Some(a.level()));
                    }
                    None => prop_assert_eq!(a.level(), Level::Province),
                }
                prop_assert!(a.contains(&a));
                // To contain is to be one of the other's ancestors (or itself).
                prop_assert_eq!(a.contains(&b), b.lineage().contains(&a));
                if a.contains(&b) && b.contains(&a) {
                    prop_assert_eq!(&a, &b);
                }
                if a.contains(&b) {
                    prop_assert!(a.level() <= b.level());
                }
                Ok(())
            },
        );
    }
}
