//! Registered poor households (建档立卡户): the causes of their poverty and the register's
//! dynamic in-and-out (有进有出, 进出有据).

use serde::{Deserialize, Serialize};

/// 致贫原因: the standard eleven.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PovertyCause {
    Illness,
    Disability,
    EducationCost,
    Disaster,
    LackLand,
    LackWater,
    LackSkills,
    LackLabour,
    LackCapital,
    PoorTransport,
    LackMotivation,
}

impl PovertyCause {
    pub const ALL: [PovertyCause; 11] = [
        PovertyCause::Illness,
        PovertyCause::Disability,
        PovertyCause::EducationCost,
        PovertyCause::Disaster,
        PovertyCause::LackLand,
        PovertyCause::LackWater,
        PovertyCause::LackSkills,
        PovertyCause::LackLabour,
        PovertyCause::LackCapital,
        PovertyCause::PoorTransport,
        PovertyCause::LackMotivation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PovertyCause::Illness => "illness",
            PovertyCause::Disability => "disability",
            PovertyCause::EducationCost => "education_cost",
            PovertyCause::Disaster => "disaster",
            PovertyCause::LackLand => "lack_land",
            PovertyCause::LackWater => "lack_water",
            PovertyCause::LackSkills => "lack_skills",
            PovertyCause::LackLabour => "lack_labour",
            PovertyCause::LackCapital => "lack_capital",
            PovertyCause::PoorTransport => "poor_transport",
            PovertyCause::LackMotivation => "lack_motivation",
        }
    }

    /// The term used in the policy documents and the zh-CN interface.
    pub fn label_zh(self) -> &'static str {
        match self {
            PovertyCause::Illness => "因病",
            PovertyCause::Disability => "因残",
            PovertyCause::EducationCost => "因学",
            PovertyCause::Disaster => "因灾",
            PovertyCause::LackLand => "缺土地",
            PovertyCause::LackWater => "缺水",
            PovertyCause::LackSkills => "缺技术",
            PovertyCause::LackLabour => "缺劳力",
            PovertyCause::LackCapital => "缺资金",
            PovertyCause::PoorTransport => "交通条件落后",
            PovertyCause::LackMotivation => "自身发展动力不足",
        }
    }

    pub fn parse(s: &str) -> Option<PovertyCause> {
        PovertyCause::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Parses a non-empty list of code names into a sorted set.
    pub fn parse_list(names: &[String]) -> Result<Vec<PovertyCause>, String> {
        if names.is_empty() {
            return Err("give at least one cause".to_owned());
        }
        let mut causes = names
            .iter()
            .map(|n| {
                PovertyCause::parse(n)
                    .ok_or_else(|| format!("`{n}` is not one of the eleven causes"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        causes.sort();
        causes.dedup();
        Ok(causes)
    }
}

/// Where a household stands on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegisterStatus {
    /// 在档
    Registered,
    /// 已脱贫
    Exited,
    /// 返贫
    Returned,
}

impl RegisterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterStatus::Registered => "registered",
            RegisterStatus::Exited => "exited",
            RegisterStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<RegisterStatus> {
        [
            RegisterStatus::Registered,
            RegisterStatus::Exited,
            RegisterStatus::Returned,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Why a move on the register is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    #[error("a household cannot move from {from} to {to}")]
    NotAMove {
        from: &'static str,
        to: &'static str,
    },
    #[error(
        "a household leaves the register only after two consecutive years with per-capita income \
         of at least {line_yuan} 元 (连续两年达到脱贫标准); the latest records do not show that"
    )]
    IncomeNotShown { line_yuan: i64 },
}

/// Whether a household may move from `from` to `to`, given its income records `(year,
/// per-capita fen)`: leaving (`exited`) takes the two latest recorded years to be consecutive
/// and both at or above `exit_line_fen`; falling back (`returned`) is open to a household that
/// had left. Every move also needs a reason and evidence, checked by the caller.
pub fn check_move(
    from: RegisterStatus,
    to: RegisterStatus,
    incomes: &[(i32, i64)],
    exit_line_fen: i64,
) -> Result<(), MoveRefused> {
    use RegisterStatus::*;
    match (from, to) {
        (Registered | Returned, Exited) => {
            let mut years: Vec<(i32, i64)> = incomes.to_vec();
            years.sort_by_key(|(year, _)| *year);
            let shown = match years.as_slice() {
                [.., (y1, f1), (y2, f2)] => {
                    *y2 == y1 + 1 && *f1 >= exit_line_fen && *f2 >= exit_line_fen
                }
                _ => false,
            };
            if shown {
                Ok(())
            } else {
                Err(MoveRefused::IncomeNotShown {
                    line_yuan: exit_line_fen / 100,
                })
            }
        }
        (Exited, Returned) => Ok(()),
        _ => Err(MoveRefused::NotAMove {
            from: from.as_str(),
            to: to.as_str(),
        }),
    }
}

/// A head-of-household name for lists: the family name and a star per further character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegisterStatus::*;

    const LINE: i64 = 400_000;

    #[test]
    fn leaving_the_register_takes_two_consecutive_years_above_the_line() {
        assert!(
            check_move(
                Registered,
                Exited,
                &[(2022, 410_000), (2023, 450_000)],
                LINE
            )
            .is_ok()
        );
        assert!(
            check_move(
                Returned,
                Exited,
                &[(2021, 100), (2022, 400_000), (2023, 400_000)],
                LINE
            )
            .is_ok()
        );
        // One good year only, a gap, or the latest year below the line.
        for incomes in [
            vec![(2023, 500_000)],
            vec![(2021, 500_000), (2023, 500_000)],
            vec![(2022, 500_000), (2023, 399_999)],
            vec![],
        ] {
            assert_eq!(
                check_move(Registered, Exited, &incomes, LINE),
                Err(MoveRefused::IncomeNotShown { line_yuan: 4_000 }),
                "{incomes:?}"
            );
        }
    }

    #[test]
    fn only_a_household_that_left_can_fall_back() {
        assert!(check_move(Exited, Returned, &[], LINE).is_ok());
        for (from, to) in [
            (Registered, Returned),
            (Registered, Registered),
            (Exited, Registered),
            (Returned, Registered),
            (Exited, Exited),
        ] {
            assert!(
                matches!(
                    check_move(from, to, &[], LINE),
                    Err(MoveRefused::NotAMove { .. })
                ),
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn causes_parse_from_their_code_names() {
        let parsed =
            PovertyCause::parse_list(&["lack_labour".into(), "illness".into(), "illness".into()])
                .unwrap();
        assert_eq!(
            parsed,
            vec![PovertyCause::Illness, PovertyCause::LackLabour]
        );
        assert!(PovertyCause::parse_list(&[]).is_err());
        assert!(
            PovertyCause::parse_list(&["laziness".into()])
                .unwrap_err()
                .contains("laziness")
        );
        assert_eq!(PovertyCause::ALL.len(), 11);
    }

    #[test]
    fn names_are_masked_after_the_family_name() {
        assert_eq!(mask_name("陈秀英"), "陈**");
        assert_eq!(mask_name("欧阳"), "欧*");
        assert_eq!(mask_name(""), "");
    }
}
