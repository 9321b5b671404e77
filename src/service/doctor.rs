//! `duijie doctor`: looks at a running platform from outside — the database and its schema,
//! the secret key, the search engine and its indexes, the outbox, the mail server — and says
//! what it found, one [`Finding`] per check, judged by `domain::doctor`. It changes no data:
//! no migration, no key check or instance id stored, no SQLite file made (opening the embedded
//! engine where it has no index yet leaves an empty one, as any node's start would).
//! Each judgement is the one the platform itself makes: the key check is `service::keys`'s,
//! the index identity `search_identity`'s, the drift `reconcile`'s.

use migration::MigratorTrait as _;
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::crypto::Sealer;
use crate::domain::doctor::{Finding, OutboxThresholds, Status, human, pending_status};
use crate::search::identity::Standing;
use crate::search::{Document, SearchIndex};
use crate::service::keys::KeyStanding;
use crate::service::{search as need_search, search_identity};
use crate::store;

/// How long the doctor waits for the SMTP server to answer.
const SMTP_PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The configured keys, or why there are none (`startup::key_ring`'s answer: the composition
/// root's, which builds the sealer), and where they were read from.
pub type Keys = Result<(Sealer, String), String>;

/// Runs every check; each one that cannot run says so as a finding of its own.
pub async fn examine(settings: &Settings, keys: Keys, outbox: OutboxThresholds) -> Vec<Finding> {
    let mut findings = Vec::new();
    let db = database(settings, &mut findings).await;
    if let Some(db) = &db {
        findings.push(secret_key(keys, db).await);
    }
    search(settings, db.as_ref(), &mut findings).await;
    if let Some(db) = &db {
        outbox_backlog(db, outbox, &mut findings).await;
    }
    findings.push(mail(settings).await);
    findings
}

/// Reachable, and its schema current. The connection, when there is one.
async fn database(settings: &Settings, findings: &mut Vec<Finding>) -> Option<DatabaseConnection> {
    let engine = if settings.uses_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // Connecting would make an empty SQLite file where there is none.
    if !settings.uses_postgres() {
        match store::sqlite_file(settings) {
            Ok(file) if file.exists() => {}
            Ok(file) => {
                findings.push(Finding::new(
                    Status::Fail,
                    "database",
                    format!(
                        "there is no SQLite database at {} (DUIJIE_DATABASE_URL, or the data \
                         directory's duijie.db)",
                        file.display()
                    ),
                ));
                return None;
            }
            Err(error) => {
                findings.push(Finding::new(Status::Fail, "database", error.to_string()));
                return None;
            }
        }
    }
    let db = match store::connect(settings).await {
        Ok(db) => db,
        Err(error) => {
            findings.push(Finding::new(
                Status::Fail,
                "database",
                format!("{engine} cannot be reached: {error}"),
            ));
            return None;
        }
    };
    let finding = match migration::Migrator::get_pending_migrations_read_only(&db).await {
        Ok(pending) if pending.is_empty() => {
            let known = migration::Migrator::migrations().len();
            Finding::new(
                Status::Ok,
                "database",
                format!("{engine} reachable, schema current ({known} migrations applied)"),
            )
        }
        Ok(pending) => Finding::new(
            Status::Warn,
            "database",
            format!(
                "{engine} reachable, {} migration(s) pending (first {}): run `duijie migrate`",
                pending.len(),
                pending[0].name()
            ),
        ),
        Err(error) => Finding::new(
            Status::Fail,
            "database",
            format!("{engine} reachable, but its migrations cannot be read: {error}"),
        ),
    };
    findings.push(finding);
    Some(db)
}

/// Whether the configured key opens the database's private data, as a node's start judges it.
async fn secret_key(keys: Keys, db: &DatabaseConnection) -> Finding {
    const CHECK: &str = "secret key";
    let (sealer, from) = match keys {
        Ok(keys) => keys,
        Err(error) => return Finding::new(Status::Fail, CHECK, error),
    };
    match crate::service::keys::standing(db, &sealer).await {
        Err(error) => Finding::new(
            Status::Fail,
            CHECK,
            format!("reading the key check: {error}"),
        ),
        Ok(KeyStanding::Unset) => Finding::new(
            Status::Warn,
            CHECK,
            "the database keeps no key check yet (no node has started on it): the first start \
             records the key it is given",
        ),
        Ok(KeyStanding::Refused(refusal)) => Finding::new(Status::Fail, CHECK, refusal.to_string()),
        Ok(KeyStanding::Admitted { rotating: true, .. }) => Finding::new(
            Status::Warn,
            CHECK,
            "a key rotation is under way: finish it with `duijie keys rotate`",
        ),
        Ok(KeyStanding::Admitted {
            previous_unneeded: true,
            ..
        }) => Finding::new(
            Status::Warn,
            CHECK,
            "opens the private data; DUIJIE_PREVIOUS_SECRET_KEY is set but no rotation is under \
             way: remove it",
        ),
        Ok(KeyStanding::Admitted { .. }) => Finding::new(
            Status::Ok,
            CHECK,
            format!("the key ({from}) opens the private data"),
        ),
    }
}

/// The engine answers, each index mirrors this database, and the needs index holds what the
/// database says.
async fn search(settings: &Settings, db: Option<&DatabaseConnection>, findings: &mut Vec<Finding>) {
    let instance = match db {
        Some(db) => match search_identity::stored_instance_id(db).await {
            Ok(instance) => instance,
            Err(error) => {
                findings.push(Finding::new(
                    Status::Fail,
                    "search index",
                    format!("reading the database's instance id: {error}"),
                ));
                return;
            }
        },
        None => None,
    };
    let needs = match crate::search::open(settings) {
        Ok(index) => index,
        Err(error) => {
            findings.push(Finding::new(
                Status::Fail,
                "search engine",
                format!("cannot be opened: {error}"),
            ));
            return;
        }
    };
    if let Err(error) = needs.health().await {
        findings.push(Finding::new(
            Status::Fail,
            "search engine",
            format!("{} does not answer: {error}", needs.describe()),
        ));
        return;
    }
    findings.push(Finding::new(
        Status::Ok,
        "search engine",
        format!("{} answers", needs.describe()),
    ));
    let Some(db) = db else { return };
    let Some(instance) = instance else {
        findings.push(Finding::new(
            Status::Warn,
            "search index",
            "the database has no instance id yet (no node has started on it): the indexes \
             mirror nothing yet",
        ));
        return;
    };
    findings.push(index_standing(needs.as_ref(), "needs", &instance).await);
    match crate::search::open_offers(settings) {
        Ok(offers) => findings.push(index_standing(offers.as_ref(), "offers", &instance).await),
        Err(error) => findings.push(Finding::new(
            Status::Fail,
            "search index offers",
            error.to_string(),
        )),
    }
    match crate::search::open_products(settings) {
        Ok(products) => {
            findings.push(index_standing(products.as_ref(), "products", &instance).await)
        }
        Err(error) => findings.push(Finding::new(
            Status::Fail,
            "search index products",
            error.to_string(),
        )),
    }
    findings.push(drift(db, needs.as_ref()).await);
}

async fn index_standing<D: Document>(
    index: &dyn SearchIndex<D>,
    name: &str,
    instance: &str,
) -> Finding {
    let check = format!("search index {name}");
    match search_identity::standing_of(index, instance).await {
        Err(error) => Finding::new(
            Status::Fail,
            check,
            format!("its identity cannot be read: {error}"),
        ),
        Ok(Standing::Current) => Finding::new(
            Status::Ok,
            check,
            format!("mirrors this database (instance {instance})"),
        ),
        Ok(Standing::Filling) => Finding::new(
            Status::Warn,
            check,
            "being filled from this database (or a fill stopped half-way: the worker finishes \
             it at its start, or run `duijie reindex`)",
        ),
        Ok(Standing::Unmarked) => Finding::new(
            Status::Warn,
            check,
            "carries no identity yet: the worker fills it at its start, or run `duijie reindex`",
        ),
        Ok(Standing::Mismatch { found }) => Finding::new(
            Status::Fail,
            check,
            format!(
                "mirrors another database or schema (instance {}, schema {}; this database is \
                 instance {instance}): run `duijie reindex`",
                found.instance, found.schema
            ),
        ),
    }
}

/// `duijie reconcile --dry-run`'s comparison, reported.
async fn drift(
    db: &DatabaseConnection,
    needs: &dyn SearchIndex<crate::search::NeedDocument>,
) -> Finding {
    const CHECK: &str = "search drift";
    match need_search::reconcile(db, needs, false).await {
        Err(error) => Finding::new(Status::Fail, CHECK, format!("cannot compare: {error}")),
        Ok(drift) if drift.is_clean() => Finding::new(
            Status::Ok,
            CHECK,
            format!("{} public needs, each indexed as it is", drift.checked),
        ),
        Ok(drift) => Finding::new(
            Status::Warn,
            CHECK,
            format!(
                "{} public needs checked: {} missing, {} stale, {} extra in the index (pending \
                 outbox messages count too); `duijie reconcile` repairs it",
                drift.checked,
                drift.missing.len(),
                drift.stale.len(),
                drift.extra.len()
            ),
        ),
    }
}

/// Each kind of message: how long its oldest pending one has waited, and how many failed.
async fn outbox_backlog(
    db: &DatabaseConnection,
    thresholds: OutboxThresholds,
    findings: &mut Vec<Finding>,
) {
    let backlog = match store::outbox::backlog(db).await {
        Ok(backlog) => backlog,
        Err(error) => {
            findings.push(Finding::new(
                Status::Fail,
                "outbox",
                format!("cannot be read: {error}"),
            ));
            return;
        }
    };
    let now = crate::clock::now();
    let mut reported = false;
    for kind in &backlog {
        let age = kind.oldest_pending.map(|at| now - at).unwrap_or_default();
        let status = pending_status(age, thresholds);
        if status != Status::Ok {
            reported = true;
            findings.push(Finding::new(
                status,
                format!("outbox {}", kind.kind),
                format!(
                    "{} pending, the oldest waiting {} (warn at {}, fail at {})",
                    kind.pending,
                    human(age),
                    human(thresholds.warn),
                    human(thresholds.fail)
                ),
            ));
        }
        if kind.failed > 0 {
            reported = true;
            findings.push(Finding::new(
                Status::Warn,
                format!("outbox {}", kind.kind),
                format!(
                    "{} message(s) failed for good (their `last_error` in the outbox table says \
                     why)",
                    kind.failed
                ),
            ));
        }
    }
    if !reported {
        let pending: i64 = backlog.iter().map(|k| k.pending).sum();
        let oldest = backlog.iter().filter_map(|k| k.oldest_pending).min();
        let detail = match oldest {
            Some(at) => format!("{pending} pending, the oldest waiting {}", human(now - at)),
            None => "nothing pending".to_owned(),
        };
        findings.push(Finding::new(
            Status::Ok,
            "outbox",
            format!("{detail}, none failed"),
        ));
    }
}

/// The mail transport: configured, and the SMTP server answers.
async fn mail(settings: &Settings) -> Finding {
    const CHECK: &str = "mail";
    let mailer = match crate::mail::Mailer::from_settings(settings) {
        Ok(mailer) => mailer,
        Err(error) => return Finding::new(Status::Fail, CHECK, format!("misconfigured: {error}")),
    };
    if let crate::mail::Mailer::Files(dir) = &mailer {
        return Finding::new(
            Status::Warn,
            CHECK,
            format!(
                "off: no DUIJIE_SMTP_URL, so mail is written as files under {} and reaches nobody",
                dir.display()
            ),
        );
    }
    match tokio::time::timeout(SMTP_PROBE_TIMEOUT, mailer.probe()).await {
        Ok(Ok(())) => Finding::new(Status::Ok, CHECK, format!("{} answers", mailer.describe())),
        Ok(Err(error)) => Finding::new(
            Status::Fail,
            CHECK,
            format!("{} does not answer: {error}", mailer.describe()),
        ),
        Err(_) => Finding::new(
            Status::Fail,
            CHECK,
            format!(
                "{} did not answer within {}s",
                mailer.describe(),
                SMTP_PROBE_TIMEOUT.as_secs()
            ),
        ),
    }
}
