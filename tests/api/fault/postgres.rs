//! The PostgreSQL stack's own throw-away cluster (`initdb` + `pg_ctl`, never the machine's
//! shared server: this one is stopped and started), on a free port with its socket in its own
//! directory. As root (CI) it runs as the `postgres` user, since PostgreSQL refuses root.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::Stack;
use super::report::Scenario;
use crate::children::free_port;
use crate::helpers::status_and_json;

/// The directory holding `initdb` and `pg_ctl`: on PATH, else Debian's newest
/// `/usr/lib/postgresql/<version>/bin`.
pub fn binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

/// The user and group id of `postgres`, when this process runs as root; none otherwise.
fn postgres_ids() -> Option<(u32, u32)> {
    let id = |args: &[&str]| -> Option<u32> {
        let output = Command::new("id").args(args).output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    };
    if id(&["-u"])? != 0 {
        return None;
    }
    Some((
        id(&["-u", "postgres"]).expect("running as root, and no `postgres` user"),
        id(&["-g", "postgres"]).expect("the `postgres` user's group"),
    ))
}

/// A PostgreSQL cluster of the test's own; stopped (immediately) and removed when dropped.
pub struct Server {
    bin: PathBuf,
    ids: Option<(u32, u32)>,
    dir: tempfile::TempDir,
    port: u16,
}

impl Server {
    /// Creates the cluster and starts it.
    pub fn start(bin: &Path) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let ids = postgres_ids();
        if let Some((uid, gid)) = ids {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let server = Server {
            bin: bin.to_path_buf(),
            ids,
            dir,
            port: free_port(),
        };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        server.pg_ctl_start();
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("postgresql.log")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs `program` of the PostgreSQL binaries to its end, as `postgres` when root.
    fn run(&self, program: &str, args: &[&str]) {
        let mut command = Command::new(self.bin.join(program));
        command.args(args).current_dir(self.dir.path());
        if let Some((uid, gid)) = self.ids {
            command.uid(uid).gid(gid);
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("running {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        );
    }

    /// Starts the server and waits (30 s at most) until it accepts connections.
    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let (data, log) = (self.data(), self.log());
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    /// Stops the server: `fast` ends every session (their transactions roll back).
    fn pg_ctl_stop(&self, mode: &str) {
        let data = self.data();
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                mode,
                "-w",
                "-t",
                "30",
                "stop",
            ],
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let text = std::fs::read_to_string(self.log()).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            eprintln!("---- the end of PostgreSQL's log ----");
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
        let data = self.data();
        let mut command = Command::new(self.bin.join("pg_ctl"));
        command.args([
            "-D",
            data.to_str().unwrap(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
        if let Some((uid, gid)) = self.ids {
            command.uid(uid).gid(gid);
        }
        let _ = command.output();
    }
}

/// Stops PostgreSQL a third of the way into a pledge rush and starts it again: while it is
/// away requests are answered 503 `database_unavailable` with Retry-After (never 500), after it
/// they succeed; nothing is half-written.
pub async fn restart_during_rush(stack: &mut Stack, server: &Server) {
    let mut scenario = Scenario::new("PostgreSQL restarted during a pledge rush");
    let needs = stack.publish_needs("数据库重启", 2, 30).await;
    let probe_need = needs[0];
    let outcome = stack
        .rush_with(&mut scenario, &needs, async |stack, scenario, progress| {
            progress.wait_for_third().await;
            server.pg_ctl_stop("fast");
            scenario.fault("stop PostgreSQL (fast: every session ended)");
            // Away until a request has been told so (the pool's first attempt finds its
            // connections gone; later ones wait for a connection up to its 10 s bound), at
            // least 2 s and at most 15 s.
            let started = Instant::now();
            let mut told = false;
            while started.elapsed() < Duration::from_secs(2)
                || (!told && started.elapsed() < Duration::from_secs(15))
            {
                let response = reqwest::Client::new()
                    .get(format!("{}/api/v1/needs/{probe_need}", stack.base))
                    .timeout(Duration::from_secs(15))
                    .send()
                    .await;
                match response {
                    Ok(response) => {
                        let retry_after = response.headers().contains_key("retry-after");
                        let (status, body) = status_and_json(response).await;
                        scenario.count(status, body["error"]["code"].as_str());
                        scenario.check(
                            "while PostgreSQL is away, requests are answered 503 database_unavailable with Retry-After",
                            status == 503
                                && body["error"]["code"] == "database_unavailable"
                                && retry_after,
                            || format!("{status} (Retry-After: {retry_after}) {body}"),
                        );
                        told = true;
                    }
                    Err(_) => scenario.connection_failed(),
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            scenario.check(
                "a request was told the database is away",
                told,
                || "no answer within 15 s".to_owned(),
            );
            server.pg_ctl_start();
            scenario.fault("start PostgreSQL again");
            let (status, body) = status_and_json(
                reqwest::get(format!("{}/api/v1/needs/{probe_need}", stack.base))
                    .await
                    .unwrap(),
            )
            .await;
            scenario.count(status, body["error"]["code"].as_str());
            scenario.check(
                "requests succeed once PostgreSQL is back",
                status == 200,
                || format!("{status} {body}"),
            );
        })
        .await;
    scenario.absorb(&outcome);
    let other_5xx: Vec<&String> = outcome
        .codes
        .keys()
        .filter(|code| code.starts_with('5') && code.as_str() != "503 database_unavailable")
        .collect();
    scenario.check(
        "the rush's only 5xx is 503 database_unavailable",
        other_5xx.is_empty(),
        || format!("{:?}", outcome.codes),
    );
    stack.check_rush(&mut scenario, &outcome, &needs).await;
    stack.no_need_over_pledged(&mut scenario).await;
    stack.index_catches_up(&mut scenario).await;
    stack.report.add(scenario);
}
