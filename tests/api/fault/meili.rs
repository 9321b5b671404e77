//! The PostgreSQL stack's own Meilisearch (never the shared one at `MEILI_URL`: this one is
//! killed and restarted), a child of the test on a free port with a throw-away database.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::Stack;
use super::report::Scenario;
use crate::children::{Children, free_port};
use crate::helpers::status_and_json;

pub const MASTER_KEY: &str = "fault-suite-master-key-0123456789";

/// The Meilisearch binary: `MEILI_BIN`, else `../shared/bin/meilisearch` beside the repository.
pub fn binary() -> Option<PathBuf> {
    let path = std::env::var_os("MEILI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bin/meilisearch"));
    path.is_file().then_some(path)
}

pub struct Server {
    bin: PathBuf,
    port: u16,
    db_path: PathBuf,
    log: PathBuf,
}

impl Server {
    /// Starts it as the child `meilisearch` and waits until it is healthy.
    pub async fn start(bin: PathBuf, children: &mut Children, logs: &Path) -> Server {
        let dir = children.keep(tempfile::tempdir().unwrap()).to_path_buf();
        let server = Server {
            bin,
            port: free_port(),
            db_path: dir.join("data.ms"),
            log: logs.join("meilisearch.log"),
        };
        server.spawn(children).await;
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts (or restarts) it on its port and database; waits (30 s at most) for `/health`.
    async fn spawn(&self, children: &mut Children) {
        let mut command = Command::new(&self.bin);
        command
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--master-key")
            .arg(MASTER_KEY)
            .arg("--db-path")
            .arg(&self.db_path)
            .args([
                "--no-analytics",
                "--env",
                "development",
                "--max-indexing-memory",
                "256MiB",
            ]);
        children.spawn("meilisearch", command, &self.log);
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(format!("{}/health", self.url())).await
                && response.status() == 200
            {
                return;
            }
            if let Err(stopped) = children.all_running() {
                panic!("{stopped}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "Meilisearch did not come up within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Kills Meilisearch a third of the way into a pledge rush and keeps it away until the rush is
/// over: the writes go on (no 5xx), search answers 503 `search_unavailable` with Retry-After;
/// restarted on the same database and port, the index catches up with zero drift.
pub async fn stop_during_rush(stack: &mut Stack, search: &Server) {
    let mut scenario = Scenario::new("Meilisearch stopped during a pledge rush");
    let needs = stack.publish_needs("搜索停摆", 2, 30).await;
    let outcome = stack
        .rush_with(&mut scenario, &needs, async |stack, scenario, progress| {
            progress.wait_for_third().await;
            stack.children.kill("meilisearch");
            scenario.fault("SIGKILL Meilisearch");
            let started = Instant::now();
            let mut probes = 0;
            while !progress.finished() || probes == 0 {
                let response = reqwest::get(format!(
                    "{}/api/v1/needs/search?q=%E6%A3%89%E8%A2%AB",
                    stack.base
                ))
                .await
                .unwrap();
                let retry_after = response.headers().contains_key("retry-after");
                let (status, body) = status_and_json(response).await;
                scenario.count(status, body["error"]["code"].as_str());
                scenario.check(
                    "search answers 503 search_unavailable with Retry-After while Meilisearch is away",
                    status == 503 && body["error"]["code"] == "search_unavailable" && retry_after,
                    || format!("{status} (Retry-After: {retry_after}) {body}"),
                );
                probes += 1;
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "the rush did not end within 60 s of Meilisearch stopping"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            search.spawn(&mut stack.children).await;
            scenario.fault("restart Meilisearch on the same database and port");
        })
        .await;
    scenario.absorb(&outcome);
    scenario.check(
        "writes go on while Meilisearch is away (no 5xx)",
        !outcome.classes.contains_key("5xx") && outcome.connection_errors == 0,
        || {
            format!(
                "{:?}, {} connection errors",
                outcome.codes, outcome.connection_errors
            )
        },
    );
    stack.check_rush(&mut scenario, &outcome, &needs).await;
    stack.no_need_over_pledged(&mut scenario).await;
    stack.index_catches_up(&mut scenario).await;
    stack.report.add(scenario);
}
