//! The operator's tools, through the real binary: `duijie backup` and `duijie restore` on
//! SQLite (and their refusal on PostgreSQL), and `duijie doctor`'s checks and exit codes.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use duijie::store::{self, meta};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::cli::duijie;
use crate::db_test;
use crate::helpers::{Backend, TestDatabase, regions_fixture, test_settings};
use crate::smtp::{Options, SmtpServer};

/// A run of the binary: its exit code, standard output and standard error.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {:?}\n{}\n{}", self.code, self.stdout, self.stderr)
    }
}

/// Runs `duijie args…` on `database` with `env`, off the async threads (a writer task of the
/// test keeps running meanwhile).
async fn run(dir: &Path, database: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = duijie(dir);
    command
        .env("DUIJIE_DATABASE_URL", database)
        .envs(env.iter().copied())
        .args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap().into())
        .await
        .unwrap()
}

/// The demo data set, indexed: eleven public needs among sixteen.
async fn seeded(dir: &Path, database: &str) {
    let fixture = regions_fixture();
    let import = ["regions", "import", "--from", fixture.to_str().unwrap()];
    for args in [&import[..], &["seed", "demo"], &["reindex"]] {
        let done = run(dir, database, &[], args).await;
        assert_eq!(done.code, Some(0), "{args:?}: {done}");
    }
}

/// The writer's rows (`writer-<n>`) and the count it wrote with them, in one transaction each.
async fn writer_rows(db: &DatabaseConnection) -> (u64, u64) {
    use duijie::store::entity::platform_meta;
    let rows = platform_meta::Entity::find()
        .filter(platform_meta::Column::Key.starts_with("writer-"))
        .all(db)
        .await
        .unwrap();
    let count = rows
        .iter()
        .find(|r| r.key == "writer-count")
        .map(|r| r.value.parse().unwrap())
        .unwrap_or(0);
    (rows.len() as u64 - u64::from(count > 0), count)
}

/// Every file under `root`, by its path there, with its bytes.
fn files_under(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let key = path.strip_prefix(root).unwrap().display().to_string();
                found.insert(key, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

async fn open_sqlite(path: &Path) -> DatabaseConnection {
    let url = format!("sqlite://{}?mode=rw", path.display());
    let settings = test_settings(path.parent().unwrap(), &url);
    store::connect(&settings).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_a_writer_writes_restores_its_data_and_rebuilds_search_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::Sqlite, dir.path()).await;
    let url = database.url.as_str();
    seeded(dir.path(), url).await;
    let photo = dir.path().join("files/photos/ab/one.jpg");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, b"the bytes of a photo").unwrap();

    // A writer commits transaction after transaction, each a row and the count of rows.
    let db = store::connect(&test_settings(dir.path(), url))
        .await
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (db, stop) = (db.clone(), stop.clone());
        async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let txn = store::begin_write(&db).await.unwrap();
                meta::set(&txn, &format!("writer-{n}"), "x").await.unwrap();
                meta::set(&txn, "writer-count", &n.to_string())
                    .await
                    .unwrap();
                txn.commit().await.unwrap();
            }
            n
        }
    });
    while writer_rows(&db).await.1 < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("duijie-backup.db");
    let file_arg = file.to_str().unwrap();
    let (_, before) = writer_rows(&db).await;
    let backup = run(dir.path(), url, &[], &["backup", file_arg]).await;
    let (_, after) = writer_rows(&db).await;
    assert_eq!(backup.code, Some(0), "{backup}");
    assert!(
        after > before,
        "the writer kept writing during the backup: {before} → {after}"
    );
    assert!(
        backup.stdout.contains(&format!("wrote {file_arg} (")),
        "{backup}"
    );
    assert!(backup.stdout.contains("  needs: 16 rows"), "{backup}");
    let photos = files_under(&dir.path().join("files"));
    assert!(photos.len() > 1, "the demo's photos and ours: {photos:?}");
    let copied = format!("files: {}\n", photos.len());
    assert!(
        backup.stdout.contains(&copied),
        "every photo copied in: {backup}"
    );
    assert!(backup.stdout.contains("schema m20"), "{backup}");

    // Never over an existing file, unless told.
    let again = run(dir.path(), url, &[], &["backup", file_arg]).await;
    assert_eq!(again.code, Some(1), "{again}");
    assert!(again.stderr.contains("--force"), "{again}");
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();

    // The backup is one transaction's view: every row it holds is counted, none missing.
    let saved = {
        let copy = open_sqlite(&file).await;
        let saved = writer_rows(&copy).await;
        copy.close().await.unwrap();
        saved
    };
    assert_eq!(saved.0, saved.1, "rows and count agree in the backup");
    assert!(
        saved.1 >= before,
        "{saved:?} against {before} before the backup began"
    );

    // Life goes on after the backup: three more public needs, indexed; the photo deleted.
    let more = run(dir.path(), url, &[], &["seed", "demo", "--needs", "3"]).await;
    assert_eq!(more.code, Some(0), "{more}");
    let reindexed = run(dir.path(), url, &[], &["reindex"]).await;
    assert!(reindexed.stderr.contains("indexed=14"), "{reindexed}");
    std::fs::remove_file(&photo).unwrap();

    // A database someone has open is not taken from under them.
    let busy = run(dir.path(), url, &[], &["restore", file_arg]).await;
    assert_eq!(busy.code, Some(1), "{busy}");
    assert!(busy.stderr.contains("is in use"), "{busy}");
    assert!(busy.stderr.contains("stop every `duijie serve`"), "{busy}");
    db.close().await.unwrap();

    let restored = run(dir.path(), url, &[], &["restore", file_arg]).await;
    assert_eq!(restored.code, Some(0), "{restored}");
    let put_back = format!("photos put back: {}\n", photos.len());
    assert!(restored.stdout.contains(&put_back), "{restored}");
    assert!(
        restored.stdout.contains("search indexes rebuilt"),
        "{restored}"
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("duijie.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept: {kept:?}");
    assert_eq!(std::fs::read(&photo).unwrap(), b"the bytes of a photo");
    let after = files_under(&dir.path().join("files"));
    for (key, bytes) in &photos {
        assert_eq!(after.get(key), Some(bytes), "{key}");
    }

    // The data is the backup's; the search index mirrors it, not the newer database.
    let db = store::connect(&test_settings(dir.path(), url))
        .await
        .unwrap();
    assert_eq!(writer_rows(&db).await, saved);
    db.close().await.unwrap();
    let reconcile = run(dir.path(), url, &[], &["reconcile", "--dry-run"]).await;
    assert_eq!(reconcile.code, Some(0), "{reconcile}");
    assert!(
        reconcile
            .stderr
            .contains("checked=11 missing=0 stale=0 extra=0"),
        "{reconcile}"
    );
    let doctor = run(dir.path(), url, &[], &["doctor"]).await;
    for line in [
        "OK database:",
        "OK secret key:",
        "OK search index needs:",
        "OK search index offers:",
        "OK search index products:",
        "OK search drift: 11 public needs",
    ] {
        assert!(doctor.stdout.contains(line), "{line}: {doctor}");
    }
}

#[test]
fn backup_and_restore_on_postgresql_point_to_its_own_tools() {
    let dir = tempfile::tempdir().unwrap();
    // Refused before any connection is tried.
    let postgres = "postgres://nobody@127.0.0.1:9/none";
    for args in [["backup", "b.dump"], ["restore", "b.dump"]] {
        let output: Run = duijie(dir.path())
            .env("DUIJIE_DATABASE_URL", postgres)
            .args(args)
            .output()
            .unwrap()
            .into();
        assert_eq!(output.code, Some(1), "{output}");
        assert!(output.stderr.contains("pg_dump -Fc") || output.stderr.contains("pg_restore"));
        assert!(output.stderr.contains("duijie reindex"), "{output}");
        assert!(output.stderr.contains("README"), "{output}");
    }
}

/// Runs `duijie worker` until the outbox holds nothing pending, then stops it.
async fn drain_outbox(dir: &Path, url: &str, env: &[(&str, &str)], db: &DatabaseConnection) {
    use duijie::store::entity::outbox;
    let mut worker = duijie(dir)
        .env("DUIJIE_DATABASE_URL", url)
        .env("DUIJIE_OUTBOX_POLL_MS", "50")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .arg("worker")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let pending = outbox::Entity::find()
            .filter(outbox::Column::ProcessedAt.is_null())
            .filter(outbox::Column::FailedAt.is_null())
            .count(db)
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the worker left {pending} messages"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = tokio::task::spawn_blocking(move || worker.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status}");
}

fn smtp_url(server: &SmtpServer) -> String {
    format!("smtp://127.0.0.1:{}?tls=none", server.port)
}

fn plain() -> Options {
    Options {
        tls: false,
        credentials: None,
    }
}

db_test! {
    async fn doctor_reports_each_check_and_exits_by_the_worst(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let url = database.url.as_str();
        seeded(dir.path(), url).await;
        let server = SmtpServer::start_new(plain());
        let mail = smtp_url(&server);
        let env = [("DUIJIE_SMTP_URL", mail.as_str())];
        // A worker delivers what the demo left in the outbox (written on the demo's clock,
        // days back), then stops.
        let db = store::connect(&test_settings(dir.path(), url)).await.unwrap();
        drain_outbox(dir.path(), url, &env, &db).await;

        // A healthy platform.
        let healthy = run(dir.path(), url, &env, &["doctor"]).await;
        assert_eq!(healthy.code, Some(0), "{healthy}");
        for line in [
            "OK database:",
            "schema current",
            "OK secret key: the key (DUIJIE_SECRET_KEY) opens the private data",
            "OK search engine:",
            "OK search index needs: mirrors this database",
            "OK search drift: 11 public needs, each indexed as it is",
            "OK outbox:",
            "none failed",
            &format!("OK mail: SMTP 127.0.0.1:{} (no TLS) answers", server.port),
        ] {
            assert!(healthy.stdout.contains(line), "{line}: {healthy}");
        }
        assert!(!healthy.stdout.contains(&mail), "no URL printed: {healthy}");
        let json = run(dir.path(), url, &env, &["doctor", "--json"]).await;
        assert_eq!(json.code, Some(0), "{json}");
        let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(document["status"], "OK");
        assert_eq!(document["exit_code"], 0);
        assert!(document["checks"].as_array().unwrap().len() >= 8, "{document}");
        assert_eq!(document["checks"][0]["check"], "database");

        // Another key: the private data would be unreadable.
        let other_key = "11".repeat(32);
        let mut wrong = env.to_vec();
        wrong.push(("DUIJIE_SECRET_KEY", &other_key));
        let wrong_key = run(dir.path(), url, &wrong, &["doctor"]).await;
        assert_eq!(wrong_key.code, Some(2), "{wrong_key}");
        assert!(wrong_key.stdout.contains("FAIL secret key: the secret key (DUIJIE_SECRET_KEY) is not the one"), "{wrong_key}");

        // A document gone from the index behind the platform's back.
        {
            let settings = test_settings(dir.path(), url);
            let index = duijie::search::open(&settings).unwrap();
            let ids: Vec<i64> = index.fingerprints().await.unwrap().into_keys().collect();
            index.delete(&ids[..1]).await.unwrap();
        }
        let drifted = run(dir.path(), url, &env, &["doctor"]).await;
        assert_eq!(drifted.code, Some(1), "{drifted}");
        assert!(drifted.stdout.contains("WARN search drift: 11 public needs checked: 1 missing, 0 stale, 0 extra"), "{drifted}");
        assert_eq!(run(dir.path(), url, &[], &["reconcile"]).await.code, Some(0));

        // An outbox message that has waited two hours (as though its delivery had never been
        // done): past the default hour, within ten.
        use duijie::store::entity::outbox;
        let oldest = outbox::Entity::find()
            .filter(outbox::Column::Kind.starts_with("mail_"))
            .order_by_desc(outbox::Column::Id)
            .one(&db)
            .await
            .unwrap()
            .expect("the demo's mail");
        let two_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(2)).fixed_offset();
        outbox::Entity::update_many()
            .col_expr(outbox::Column::CreatedAt, sea_orm::sea_query::Expr::value(two_hours_ago))
            .col_expr(
                outbox::Column::ProcessedAt,
                sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<chrono::FixedOffset>>::None),
            )
            .filter(outbox::Column::Id.eq(oldest.id))
            .exec(&db)
            .await
            .unwrap();
        let late = run(dir.path(), url, &env, &["doctor"]).await;
        assert_eq!(late.code, Some(2), "{late}");
        let line = format!("FAIL outbox {}: ", oldest.kind);
        assert!(late.stdout.contains(&line), "{line}: {late}");
        assert!(late.stdout.contains("the oldest waiting 2h 0m (warn at 5m 0s, fail at 1h 0m)"), "{late}");
        let lenient = run(dir.path(), url, &env, &["doctor", "--outbox-fail-minutes", "600"]).await;
        assert_eq!(lenient.code, Some(1), "{lenient}");
        assert!(lenient.stdout.contains(&format!("WARN outbox {}: ", oldest.kind)), "{lenient}");

        // It failed for good instead.
        let now = chrono::Utc::now().fixed_offset();
        outbox::Entity::update_many()
            .col_expr(outbox::Column::FailedAt, sea_orm::sea_query::Expr::value(now))
            .filter(outbox::Column::Id.eq(oldest.id))
            .exec(&db)
            .await
            .unwrap();
        db.close().await.unwrap();
        let failed = run(dir.path(), url, &env, &["doctor"]).await;
        assert_eq!(failed.code, Some(1), "{failed}");
        assert!(failed.stdout.contains("1 message(s) failed for good"), "{failed}");

        // The mail server away (nothing listens on its port), and mail off.
        let away = SmtpServer::reserve(plain());
        let away_url = smtp_url(&away);
        let unreachable = run(dir.path(), url, &[("DUIJIE_SMTP_URL", &away_url)], &["doctor"]).await;
        assert_eq!(unreachable.code, Some(2), "{unreachable}");
        assert!(unreachable.stdout.contains(&format!("FAIL mail: SMTP 127.0.0.1:{} (no TLS) does not answer", away.port)), "{unreachable}");
        let off = run(dir.path(), url, &[], &["doctor", "--json"]).await;
        let document: serde_json::Value = serde_json::from_str(&off.stdout).unwrap();
        let mail = document["checks"].as_array().unwrap().iter().find(|c| c["check"] == "mail").unwrap();
        assert_eq!(mail["status"], "WARN", "{document}");
        assert!(mail["detail"].as_str().unwrap().contains("no DUIJIE_SMTP_URL"), "{document}");

        // The doctor itself cannot run: Nagios' UNKNOWN.
        let unknown = run(dir.path(), url, &[("DUIJIE_NOTICE_DAYS", "three")], &["doctor"]).await;
        assert_eq!(unknown.code, Some(3), "{unknown}");
    }
}

#[test]
fn doctor_on_a_missing_sqlite_database_fails_and_makes_none() {
    let dir = tempfile::tempdir().unwrap();
    let output: Run = duijie(dir.path()).arg("doctor").output().unwrap().into();
    assert_eq!(output.code, Some(2), "{output}");
    assert!(
        output
            .stdout
            .contains("FAIL database: there is no SQLite database at"),
        "{output}"
    );
    assert!(
        !dir.path().join("duijie.db").exists(),
        "nothing was created"
    );
}
