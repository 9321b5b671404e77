//! The harness of the domain's property tests (issue #18, hostile input): each property runs a
//! stated number of generated cases from a fixed seed, so that a run of the suite is repeatable
//! (`PROPTEST_RNG_SEED=<n>` explores another sequence), and says how many it ran — on stdout,
//! and as a line of the report file named by `DUIJIE_HOSTILE_REPORT` when it is set
//! (tests/run.sh prints that file after the tests, since nextest hides a passing test's output).
//!
//! A failure panics with the smallest case proptest shrank it to; a bug it finds is fixed in the
//! domain and the case kept as an ordinary test beside the property.

use std::io::Write;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

/// The seed of every property unless `PROPTEST_RNG_SEED` names another.
const DEFAULT_SEED: u64 = 18;

/// Runs `property` on `cases` values drawn from `strategy`, and records the count under `name`.
pub(crate) fn check<S>(
    name: &str,
    cases: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    // `Config::default()` reads the PROPTEST_* variables; the seed falls back to a fixed one.
    let defaults = Config::default();
    let seed = match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => defaults.rng_seed,
        None => RngSeed::Fixed(DEFAULT_SEED),
    };
    let config = Config {
        cases,
        rng_seed: seed,
        // Cases found are kept as tests by hand, next to the property, not in files beside it.
        failure_persistence: None,
        ..defaults
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, property) {
        Ok(()) => record(name, cases),
        Err(TestError::Fail(reason, case)) => {
            panic!("proptest: {name}: failed (seed {seed}): {reason}\nminimal case: {case:#?}")
        }
        Err(TestError::Abort(reason)) => panic!("proptest: {name}: aborted: {reason}"),
    }
}

/// Says that `name` passed `cases` cases, on stdout and in the report file.
pub(crate) fn record(name: &str, cases: u32) {
    let line = format!("proptest: {name}: {cases} cases passed\n");
    print!("{line}");
    if let Some(path) = std::env::var_os("DUIJIE_HOSTILE_REPORT") {
        // One write of one short line to a file opened for appending: the lines of tests
        // running at once in other processes do not interleave.
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("opening {}: {e}", path.to_string_lossy()));
        file.write_all(line.as_bytes())
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.to_string_lossy()));
    }
}

/// The village the state machines' records belong to.
pub(crate) const VILLAGE: &str = "441426100200";

/// Everyone who may try to act on a record of [`VILLAGE`]: its cadres, another village's, the
/// town's and county's verifiers and one from elsewhere, organisations' people (of
/// organisations 20 and 30), a coordinator, a platform administrator, a person with no role,
/// and a cadre who is a verifier too. Their user ids are 1 to 11, in this order.
pub(crate) fn actors() -> Vec<crate::domain::authz::Actor> {
    use crate::domain::authz::{Actor, Grant, Role, Scope};
    use crate::domain::region::RegionCode;
    let region = |code: &str| Scope::Region(RegionCode::parse(code).unwrap());
    let grants = |list: Vec<(Role, Scope)>| {
        list.into_iter()
            .map(|(role, scope)| Grant { role, scope })
            .collect()
    };
    [
        vec![(Role::Cadre, region(VILLAGE))],
        vec![(Role::Cadre, region("441426100201"))],
        vec![(Role::Verifier, region("441426100"))],
        vec![(Role::Verifier, region("441426"))],
        vec![(Role::Verifier, region("4402"))],
        vec![(Role::OrgAdmin, Scope::Organisation(20))],
        vec![(Role::OrgMember, Scope::Organisation(30))],
        vec![(
            Role::Coordinator,
            Scope::Pairing {
                id: 1,
                regions: vec![RegionCode::parse("4414").unwrap()],
            },
        )],
        vec![(Role::Admin, Scope::Platform)],
        vec![],
        vec![
            (Role::Cadre, region(VILLAGE)),
            (Role::Verifier, region("441426")),
        ],
    ]
    .into_iter()
    .enumerate()
    .map(|(i, list)| Actor {
        user_id: i as i64 + 1,
        grants: grants(list),
    })
    .collect()
}

/// Quantities people and programs send: small ones, at the edges of `i64`, anything.
pub(crate) fn quantity() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -3i64..40,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => (i64::MAX - 3)..=i64::MAX,
        1 => any::<i64>(),
    ]
}
