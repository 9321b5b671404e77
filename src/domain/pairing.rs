//! Pairings (结对): standing help relationships of the three programmes of seed 003 — an
//! enterprise with villages (万企帮万村), a city with the cities or counties it is paired with
//! (对口帮扶 / 东西部扶贫协作), a designated unit with villages or counties (定点扶贫) — and which
//! shapes of pairing each programme admits. Pure rules: no database.

use chrono::NaiveDate;

use super::organisation::OrganisationKind;
use super::region::{Level, RegionCode};

code_enum! {
    /// The programme a pairing belongs to.
    pub enum Program {
        /// 万企帮万村: an enterprise helps villages.
        Wanqi = ("wanqi", "万企帮万村"),
        /// 对口帮扶: a city helps cities or counties.
        Duikou = ("duikou", "对口帮扶"),
        /// 定点扶贫: a designated unit helps villages or counties.
        Dingdian = ("dingdian", "定点扶贫"),
    }
}

code_enum! {
    pub enum PairingStatus {
        Active = ("active", "进行中"),
        Ended = ("ended", "已结束"),
    }
}

/// The organisation kinds that may be the helping side of a programme.
impl Program {
    pub fn helper_kinds(self) -> &'static [OrganisationKind] {
        match self {
            Program::Wanqi => &[OrganisationKind::Enterprise],
            Program::Duikou => &[OrganisationKind::PairedCity],
            Program::Dingdian => &[OrganisationKind::DesignatedUnit],
        }
    }

    /// The levels the helped regions of this programme are at.
    pub fn target_levels(self) -> &'static [Level] {
        match self {
            Program::Wanqi => &[Level::Village],
            Program::Duikou => &[Level::City, Level::County],
            Program::Dingdian => &[Level::Village, Level::County],
        }
    }

    /// Whether the helping side must be a region (a paired city) or an organisation.
    pub fn needs_helper_region(self) -> bool {
        self == Program::Duikou
    }
}

/// The shape of a pairing, as asked for.
#[derive(Debug, Clone)]
pub struct PairingShape<'a> {
    pub program: Program,
    /// The kind of the helping organisation, if one is named.
    pub helper_organisation_kind: Option<OrganisationKind>,
    pub helper_region: Option<&'a RegionCode>,
    pub targets: &'a [RegionCode],
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// What is wrong with a pairing's shape, by the field at fault: the rule broken, and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub field: &'static str,
    pub rule: ShapeRule,
    pub message: String,
}

/// The rule of a pairing's shape that a field breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeRule {
    /// It must be given.
    Required,
    /// The helping organisation must be of one of these kinds.
    HelperKind(&'static [OrganisationKind]),
    /// The regions must be at one of these levels.
    Levels(&'static [Level]),
    /// A helped region must not be the helping region's own.
    HelpersOwn,
    /// At least `min`, at most `max` regions.
    Count { min: usize, max: usize },
    /// A date must not be before the other field's.
    NotBefore(&'static str),
}

fn wrong(field: &'static str, rule: ShapeRule, message: impl Into<String>) -> ShapeError {
    ShapeError {
        field,
        rule,
        message: message.into(),
    }
}

/// The most regions a pairing helps.
pub const MAX_TARGETS: usize = 200;

/// Checks a pairing against its programme: who may help, which regions may be helped, and
/// that its period is a period.
pub fn check_shape(shape: &PairingShape<'_>) -> Result<(), Vec<ShapeError>> {
    let program = shape.program;
    let mut errors = Vec::new();
    match (shape.helper_organisation_kind, shape.helper_region) {
        (None, None) => errors.push(wrong(
            "helper_organisation_id",
            ShapeRule::Required,
            "a pairing needs a helping organisation or region",
        )),
        (Some(kind), _) if !program.helper_kinds().contains(&kind) => errors.push(wrong(
            "helper_organisation_id",
            ShapeRule::HelperKind(program.helper_kinds()),
            format!(
                "a {} pairing is helped by a {} organisation, not a {kind}",
                program.label_zh(),
                program
                    .helper_kinds()
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        )),
        _ => {}
    }
    if program.needs_helper_region() {
        match shape.helper_region {
            None => errors.push(wrong(
                "helper_region_code",
                ShapeRule::Required,
                "a 对口帮扶 pairing names its city",
            )),
            Some(region) if region.level() != Level::City => errors.push(wrong(
                "helper_region_code",
                ShapeRule::Levels(&[Level::City]),
                "must be a city (4 digits)",
            )),
            Some(_) => {}
        }
    }
    if shape.targets.is_empty() {
        errors.push(wrong(
            "targets",
            ShapeRule::Count {
                min: 1,
                max: MAX_TARGETS,
            },
            "name at least one region helped",
        ));
    }
    let levels = program.target_levels();
    for target in shape.targets {
        if !levels.contains(&target.level()) {
            errors.push(wrong(
                "targets",
                ShapeRule::Levels(levels),
                format!(
                    "{} is a {}; a {} pairing helps {}",
                    target.as_str(),
                    target.level().as_str(),
                    program.label_zh(),
                    levels
                        .iter()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
        if let Some(helper) = shape.helper_region
            && (helper.contains(target) || target.contains(helper))
        {
            errors.push(wrong(
                "targets",
                ShapeRule::HelpersOwn,
                format!("{} is the helping region's own", target.as_str()),
            ));
        }
    }
    if shape.targets.len() > MAX_TARGETS {
        errors.push(wrong(
            "targets",
            ShapeRule::Count {
                min: 1,
                max: MAX_TARGETS,
            },
            "at most 200 regions",
        ));
    }
    if let Some(ends) = shape.ends_on
        && ends < shape.starts_on
    {
        errors.push(wrong(
            "ends_on",
            ShapeRule::NotBefore("starts_on"),
            "must not be before starts_on",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Whether a pairing is in force on `day`: active, and `day` within its period.
pub fn in_force(
    status: PairingStatus,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    status == PairingStatus::Active && starts_on <= day && ends_on.is_none_or(|end| day <= end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn shape<'a>(
        program: Program,
        kind: Option<OrganisationKind>,
        helper: Option<&'a RegionCode>,
        targets: &'a [RegionCode],
    ) -> PairingShape<'a> {
        PairingShape {
            program,
            helper_organisation_kind: kind,
            helper_region: helper,
            targets,
            starts_on: day("2026-01-01"),
            ends_on: None,
        }
    }

    fn fields(result: Result<(), Vec<ShapeError>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn each_programme_admits_its_own_shape() {
        let guangzhou = code("4401");
        let meizhou = [code("4414"), code("441426")];
        assert!(
            check_shape(&shape(
                Program::Duikou,
                Some(OrganisationKind::PairedCity),
                Some(&guangzhou),
                &meizhou
            ))
            .is_ok()
        );
        assert!(check_shape(&shape(Program::Duikou, None, Some(&guangzhou), &meizhou)).is_ok());
        let villages = [code("441426100200")];
        assert!(
            check_shape(&shape(
                Program::Wanqi,
                Some(OrganisationKind::Enterprise),
                None,
                &villages
            ))
            .is_ok()
        );
        assert!(
            check_shape(&shape(
                Program::Dingdian,
                Some(OrganisationKind::DesignatedUnit),
                None,
                &[code("441426")]
            ))
            .is_ok()
        );
    }

    #[test]
    fn a_wrong_helper_target_or_period_is_named() {
        let villages = [code("441426100200")];
        assert_eq!(
            fields(check_shape(&shape(
                Program::Wanqi,
                Some(OrganisationKind::SocialOrg),
                None,
                &villages
            ))),
            ["helper_organisation_id"]
        );
        assert_eq!(
            fields(check_shape(&shape(
                Program::Wanqi,
                Some(OrganisationKind::Enterprise),
                None,
                &[code("4414")]
            ))),
            ["targets"]
        );
        assert_eq!(
            fields(check_shape(&shape(Program::Wanqi, None, None, &villages))),
            ["helper_organisation_id"]
        );
        let county = code("441426");
        assert_eq!(
            fields(check_shape(&shape(
                Program::Duikou,
                None,
                Some(&county),
                &[code("4418")]
            ))),
            ["helper_region_code"]
        );
        let meizhou = code("4414");
        assert_eq!(
            fields(check_shape(&shape(
                Program::Duikou,
                None,
                Some(&meizhou),
                &[code("441426")]
            ))),
            ["targets"],
            "not its own county"
        );
        assert_eq!(
            fields(check_shape(&shape(
                Program::Dingdian,
                Some(OrganisationKind::DesignatedUnit),
                None,
                &[]
            ))),
            ["targets"]
        );
        let mut backwards = shape(
            Program::Dingdian,
            Some(OrganisationKind::DesignatedUnit),
            None,
            &villages,
        );
        backwards.ends_on = Some(day("2025-12-31"));
        assert_eq!(fields(check_shape(&backwards)), ["ends_on"]);
    }

    #[test]
    fn a_pairing_is_in_force_while_active_and_within_its_period() {
        let (start, end) = (day("2026-01-01"), Some(day("2026-12-31")));
        assert!(in_force(
            PairingStatus::Active,
            start,
            end,
            day("2026-06-01")
        ));
        assert!(!in_force(
            PairingStatus::Active,
            start,
            end,
            day("2027-01-01")
        ));
        assert!(!in_force(
            PairingStatus::Ended,
            start,
            None,
            day("2026-06-01")
        ));
        assert!(in_force(
            PairingStatus::Active,
            start,
            None,
            day("2030-01-01")
        ));
    }
}
