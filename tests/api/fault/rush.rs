//! A pledge rush: every donor pledging on a few needs at once, each pledge under an
//! Idempotency-Key of its own and retried under that key on a connection error or a 5xx until
//! it gets a definite answer (2xx or 4xx) — what a careful client does while a node dies.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use duijie::store::entity::pledges;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::report::Scenario;

/// How long one pledge may take to get a definite answer, retries included.
const ANSWER_BOUND: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Donor {
    pub email: String,
    pub token: String,
}

pub struct RushPlan {
    pub base: String,
    pub donors: Vec<Donor>,
    pub needs: Vec<i64>,
    /// Pledges each donor makes, one after the other.
    pub per_donor: usize,
}

/// How far the rush has come: pledges answered, of how many.
#[derive(Clone, Default)]
pub struct Progress {
    answered: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Progress {
    /// Waits (30 s at most) until a third of the rush's pledges have their answer.
    pub async fn wait_for_third(&self) {
        let started = Instant::now();
        loop {
            let total = self.total.load(Ordering::SeqCst);
            if total > 0 && self.answered.load(Ordering::SeqCst) * 3 >= total {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the rush did not get a third of the way within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Whether the rush is over.
    pub fn finished(&self) -> bool {
        let total = self.total.load(Ordering::SeqCst);
        total > 0 && self.answered.load(Ordering::SeqCst) >= total
    }
}

/// One pledge's final answer.
#[derive(Debug)]
pub struct Answer {
    pub key: String,
    pub need: i64,
    pub status: u16,
    pub pledge: Option<i64>,
}

/// What the clients saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub answers: Vec<Answer>,
    /// Requests sent, retries included.
    pub requests: u64,
    pub connection_errors: u64,
    /// Answers by status class (`2xx`, `4xx`, `5xx`), and by status and error code
    /// (`503 database_unavailable`).
    pub classes: BTreeMap<String, u64>,
    pub codes: BTreeMap<String, u64>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.answers.extend(other.answers);
        self.requests += other.requests;
        self.connection_errors += other.connection_errors;
        for (k, v) in other.classes {
            *self.classes.entry(k).or_default() += v;
        }
        for (k, v) in other.codes {
            *self.codes.entry(k).or_default() += v;
        }
    }
}

/// Runs the rush to its end: every pledge with its definite answer.
pub async fn run(plan: RushPlan, progress: Progress) -> Outcome {
    progress
        .total
        .store(plan.donors.len() * plan.per_donor, Ordering::SeqCst);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let plan = Arc::new(plan);
    let tasks = (0..plan.donors.len()).map(|d| {
        let plan = plan.clone();
        let client = client.clone();
        let progress = progress.clone();
        async move {
            let mut outcome = Outcome::default();
            for n in 0..plan.per_donor {
                let need = plan.needs[(d + n) % plan.needs.len()];
                let quantity = 1 + (d + n) as i64 % 3;
                let key = format!("rush-{need}-{d}-{n}");
                let answer = pledge(
                    &client,
                    &plan,
                    &plan.donors[d],
                    need,
                    quantity,
                    key,
                    &mut outcome,
                )
                .await;
                outcome.answers.push(answer);
                progress.answered.fetch_add(1, Ordering::SeqCst);
            }
            outcome
        }
    });
    let mut all = Outcome::default();
    for outcome in futures_util::future::join_all(tasks).await {
        all.merge(outcome);
    }
    all
}

/// One pledge, retried under its key until it gets a definite answer.
async fn pledge(
    client: &reqwest::Client,
    plan: &RushPlan,
    donor: &Donor,
    need: i64,
    quantity: i64,
    key: String,
    outcome: &mut Outcome,
) -> Answer {
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < ANSWER_BOUND,
            "pledge {key} got no definite answer within {ANSWER_BOUND:?}"
        );
        outcome.requests += 1;
        let sent = client
            .post(format!("{}/api/v1/needs/{need}/pledges", plan.base))
            .bearer_auth(&donor.token)
            .header("idempotency-key", &key)
            .json(&json!({"quantity": quantity, "message": format!("故障演练 {key}")}))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(_) => {
                outcome.connection_errors += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let class = format!("{}xx", status / 100);
        *outcome.classes.entry(class).or_default() += 1;
        if let Some(code) = body["error"]["code"].as_str() {
            *outcome.codes.entry(format!("{status} {code}")).or_default() += 1;
        }
        match status {
            200..=299 => {
                return Answer {
                    key,
                    need,
                    status,
                    pledge: Some(body["id"].as_i64().expect("a pledge's id")),
                };
            }
            400..=499 => {
                return Answer {
                    key,
                    need,
                    status,
                    pledge: None,
                };
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The pledges in the database on `need_ids` are exactly those answered 2xx: each key's 2xx
/// pledge exists, once; no pledge exists that no 2xx answered (a key refused in the end left
/// nothing behind); and no request was answered 500.
pub async fn check(
    db: &DatabaseConnection,
    scenario: &mut Scenario,
    outcome: &Outcome,
    need_ids: &[i64],
) {
    let stored = pledges::Entity::find()
        .filter(pledges::Column::NeedId.is_in(need_ids.iter().copied()))
        .all(db)
        .await
        .unwrap();
    let stored_ids: HashSet<i64> = stored.iter().map(|p| p.id).collect();
    let answered: Vec<(&str, i64)> = outcome
        .answers
        .iter()
        .filter_map(|a| a.pledge.map(|id| (a.key.as_str(), id)))
        .collect();
    let answered_ids: HashSet<i64> = answered.iter().map(|(_, id)| *id).collect();
    scenario.check(
        "no two Idempotency-Keys were answered with the same pledge",
        answered_ids.len() == answered.len(),
        || format!("{} answers, {} pledges", answered.len(), answered_ids.len()),
    );
    let lost: Vec<&(&str, i64)> = answered
        .iter()
        .filter(|(_, id)| !stored_ids.contains(id))
        .collect();
    scenario.lost += lost.len() as u64;
    scenario.check("every 2xx pledge exists", lost.is_empty(), || {
        format!("answered 2xx but not stored: {lost:?}")
    });
    let unanswered: Vec<i64> = stored
        .iter()
        .filter(|p| !answered_ids.contains(&p.id))
        .map(|p| p.id)
        .collect();
    scenario.check(
        "no pledge exists without a 2xx answer to its key (each key at most one pledge)",
        unanswered.is_empty(),
        || format!("stored without a 2xx answer: {unanswered:?}"),
    );
    for answer in &outcome.answers {
        scenario.check(
            "every final refusal is a rule's 4xx (over-pledged or the need no longer open)",
            answer.pledge.is_some() || matches!(answer.status, 409 | 422),
            || format!("{answer:?}"),
        );
        if let Some(id) = answer.pledge {
            let row = stored.iter().find(|p| p.id == id);
            scenario.check(
                "each 2xx pledge is on the need it was made on",
                row.is_some_and(|p| p.need_id == answer.need),
                || format!("{answer:?}: {row:?}"),
            );
        }
    }
    let internal: u64 = outcome
        .codes
        .iter()
        .filter(|(code, _)| code.starts_with("500"))
        .map(|(_, n)| n)
        .sum();
    scenario.check("no request was answered 500", internal == 0, || {
        format!("{internal} answers were 500 internal")
    });
}
