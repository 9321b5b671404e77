//! The fault suite's report: per scenario the faults injected, the requests sent and how they
//! were answered, the invariants checked, and what was lost (0, or the run fails). Printed and
//! written to `target/fault-report/<stack>.{txt,json}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use serde::Serialize;

use super::rush::Outcome;

#[derive(Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    pub faults: Vec<String>,
    pub requests: u64,
    pub connection_errors: u64,
    /// Answers by status class (`2xx`, `4xx`, `5xx`).
    pub answers: BTreeMap<String, u64>,
    /// Error answers by status and code (`503 database_unavailable`).
    pub codes: BTreeMap<String, u64>,
    /// Each invariant checked, with how many times it held.
    pub invariants: BTreeMap<String, u64>,
    pub mails: u64,
    /// Pledges answered 2xx but not stored, mails not delivered: anything lost.
    pub lost: u64,
    #[serde(skip)]
    started: Option<Instant>,
    pub seconds: f64,
}

impl Scenario {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            faults: Vec::new(),
            requests: 0,
            connection_errors: 0,
            answers: BTreeMap::new(),
            codes: BTreeMap::new(),
            invariants: BTreeMap::new(),
            mails: 0,
            lost: 0,
            started: Some(Instant::now()),
            seconds: 0.0,
        }
    }

    /// Records a fault injected (or taken away).
    pub fn fault(&mut self, what: &str) {
        self.faults.push(what.to_owned());
    }

    /// Records one answer to a request the scenario sent itself.
    pub fn count(&mut self, status: u16, code: Option<&str>) {
        self.requests += 1;
        *self
            .answers
            .entry(format!("{}xx", status / 100))
            .or_default() += 1;
        if let Some(code) = code {
            *self.codes.entry(format!("{status} {code}")).or_default() += 1;
        }
    }

    /// Records a connection that failed.
    pub fn connection_failed(&mut self) {
        self.requests += 1;
        self.connection_errors += 1;
    }

    /// Adds what a rush's clients saw.
    pub fn absorb(&mut self, outcome: &Outcome) {
        self.requests += outcome.requests;
        self.connection_errors += outcome.connection_errors;
        for (k, v) in &outcome.classes {
            *self.answers.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &outcome.codes {
            *self.codes.entry(k.clone()).or_default() += v;
        }
    }

    /// Checks an invariant: fails the run with `detail` when it does not hold.
    pub fn check(&mut self, invariant: &str, holds: bool, detail: impl FnOnce() -> String) {
        assert!(holds, "{}: {invariant}: {}", self.name, detail());
        self.passed(invariant);
    }

    /// Records an invariant that held.
    pub fn passed(&mut self, invariant: &str) {
        *self.invariants.entry(invariant.to_owned()).or_default() += 1;
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub stack: String,
    pub scenarios: Vec<Scenario>,
    /// Scenarios that could not run here, and why.
    pub skipped: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn new(stack: &str) -> Self {
        Self {
            stack: stack.to_owned(),
            scenarios: Vec::new(),
            skipped: Vec::new(),
            seconds: 0.0,
        }
    }

    /// Adds a scenario that has ended.
    pub fn add(&mut self, mut scenario: Scenario) {
        if let Some(at) = scenario.started.take() {
            scenario.seconds = at.elapsed().as_secs_f64();
        }
        self.scenarios.push(scenario);
    }

    /// Closes the report: printed on standard error and written under `target/fault-report/`.
    pub fn finish(&mut self, started: Instant) {
        self.seconds = started.elapsed().as_secs_f64();
        let text = self.text();
        eprintln!("{text}");
        let dir = super::report_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let txt = dir.join(format!("{}.txt", self.stack));
        std::fs::write(&txt, &text).unwrap();
        std::fs::write(
            dir.join(format!("{}.json", self.stack)),
            serde_json::to_string_pretty(self).unwrap(),
        )
        .unwrap();
        eprintln!("fault report written to {}", txt.display());
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let lost: u64 = self.scenarios.iter().map(|s| s.lost).sum();
        let requests: u64 = self.scenarios.iter().map(|s| s.requests).sum();
        let checks: u64 = self
            .scenarios
            .iter()
            .flat_map(|s| s.invariants.values())
            .sum();
        let faults: usize = self.scenarios.iter().map(|s| s.faults.len()).sum();
        let _ = writeln!(
            out,
            "fault suite, {}: {faults} faults injected, {requests} requests, {checks} invariant checks held, lost {lost}, {:.1} s",
            self.stack, self.seconds
        );
        for s in &self.scenarios {
            let _ = writeln!(out, "- {} ({:.1} s)", s.name, s.seconds);
            for fault in &s.faults {
                let _ = writeln!(out, "    fault: {fault}");
            }
            if s.requests > 0 {
                let _ = writeln!(
                    out,
                    "    requests: {} ({} connections refused or cut); answers {:?}; errors {:?}",
                    s.requests, s.connection_errors, s.answers, s.codes
                );
            }
            if s.mails > 0 {
                let _ = writeln!(out, "    mails delivered: {}", s.mails);
            }
            for (invariant, times) in &s.invariants {
                let _ = writeln!(out, "    held ×{times}: {invariant}");
            }
            let _ = writeln!(out, "    lost: {}", s.lost);
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "- SKIPPED: {skipped}");
        }
        out
    }
}
