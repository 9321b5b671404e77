//! Real binaries as child processes of a test (`duijie`, Meilisearch): started with their log
//! in a file, killed when the test ends (also when it panics, after printing the end of each
//! one's log), and killed or restarted by name in between. Shared by the multi-node test and the
//! fault suite.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// One child process and where its standard error goes.
struct Running {
    name: String,
    child: Option<Child>,
    log: PathBuf,
}

/// The child processes of a test, and the directories they keep their data in.
#[derive(Default)]
pub struct Children {
    running: Vec<Running>,
    dirs: Vec<TempDir>,
}

impl Drop for Children {
    fn drop(&mut self) {
        for running in &mut self.running {
            if let Some(child) = &mut running.child {
                let _ = child.kill();
                let _ = child.wait();
            }
            if std::thread::panicking() {
                print_tail(&running.name, &running.log);
            }
        }
    }
}

/// Prints the last 30 lines of `log` on standard error.
fn print_tail(name: &str, log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(30).collect();
    eprintln!("---- the end of {name}'s log ({}) ----", log.display());
    for line in tail.into_iter().rev() {
        eprintln!("{line}");
    }
}

impl Children {
    /// Keeps `dir` until the children are gone.
    pub fn keep(&mut self, dir: TempDir) -> &Path {
        self.dirs.push(dir);
        self.dirs.last().unwrap().path()
    }

    /// The directories kept.
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.dirs.iter().map(|d| d.path())
    }

    /// Starts `command` as `name`, its standard error appended to `log` (a restarted child
    /// goes on writing the same log).
    pub fn spawn(&mut self, name: &str, mut command: Command, log: &Path) {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap_or_else(|e| panic!("opening {}: {e}", log.display()));
        let child = command
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        match self.running.iter_mut().find(|r| r.name == name) {
            Some(running) => {
                assert!(running.child.is_none(), "{name} is already running");
                running.child = Some(child);
                running.log = log.to_path_buf();
            }
            None => self.running.push(Running {
                name: name.to_owned(),
                child: Some(child),
                log: log.to_path_buf(),
            }),
        }
    }

    /// Kills `name` with SIGKILL (no chance to clean up) and reaps it.
    pub fn kill(&mut self, name: &str) {
        let running = self
            .running
            .iter_mut()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no child called {name}"));
        let mut child = running
            .child
            .take()
            .unwrap_or_else(|| panic!("{name} is not running"));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// Whether every child that should run still runs; the log of the first that stopped if not.
    pub fn all_running(&mut self) -> Result<(), String> {
        for running in &mut self.running {
            if let Some(child) = &mut running.child
                && let Ok(Some(status)) = child.try_wait()
            {
                let text = std::fs::read_to_string(&running.log).unwrap_or_default();
                return Err(format!("{} stopped ({status}):\n{text}", running.name));
            }
        }
        Ok(())
    }
}

/// A loopback port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (60 s at most) until `node` answers `/readyz` with 200 (the database and the search
/// engine reachable), failing at once if a child stops.
pub async fn wait_ready(children: &mut Children, node: &str) {
    let started = Instant::now();
    loop {
        if let Ok(response) = reqwest::get(format!("{node}/readyz")).await
            && response.status() == 200
        {
            return;
        }
        if let Err(stopped) = children.all_running() {
            panic!("{stopped}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{node} did not become ready within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
