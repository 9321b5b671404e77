//! Uploaded files (photos), kept by key: under the data directory (one node's own disk, the
//! SQLite default), or in the database's `stored_files` table, which every API node and worker
//! reads (the PostgreSQL default; `DUIJIE_FILES`). A key is a relative path the platform made
//! up, never one a client chose; both places refuse any other.

use std::io;
use std::path::{Path, PathBuf};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

const TABLE: &str = "stored_files";

#[derive(Debug, Clone)]
pub struct FileStore(Place);

#[derive(Debug, Clone)]
enum Place {
    Directory(PathBuf),
    /// The database, and the directory this node kept files in before (read and cleaned, never
    /// written), so that an upgrade serves its photos before `duijie files to-database` has run.
    Database {
        db: DatabaseConnection,
        earlier: Option<PathBuf>,
    },
}

/// `key` as a path under a root: plain names only, so that it cannot leave the root.
fn checked(key: &str) -> io::Result<&Path> {
    let relative = Path::new(key);
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || key.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{key}` is not a storage key"),
        ));
    }
    Ok(relative)
}

fn db_error(e: DbErr) -> io::Error {
    io::Error::other(e)
}

impl FileStore {
    /// Files under `root` (the data directory's `files`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self(Place::Directory(root.into()))
    }

    /// Files in the database's `stored_files` table.
    pub fn database(db: DatabaseConnection) -> Self {
        Self(Place::Database { db, earlier: None })
    }

    /// Files in the database, over the directory `earlier` that this node kept them in before:
    /// a key the database does not hold is read from there, and a deleted key is removed from
    /// both. New files go to the database only. Other nodes see only what the database holds,
    /// so `duijie files to-database` still has to move them.
    pub fn database_over(db: DatabaseConnection, earlier: impl Into<PathBuf>) -> Self {
        Self(Place::Database {
            db,
            earlier: Some(earlier.into()),
        })
    }

    /// Stores `bytes` under `key`, whole or not at all (a directory's file is written aside,
    /// then renamed; a database's row in one statement). Storing a key again replaces it.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let relative = checked(key)?;
        match &self.0 {
            Place::Directory(root) => {
                let path = root.join(relative);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let partial = path.with_extension("partial");
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, &path).await
            }
            Place::Database { db, .. } => {
                let stmt = Query::insert()
                    .into_table(TABLE)
                    .columns(["key", "bytes", "created_at"])
                    .values_panic([
                        key.into(),
                        bytes.to_vec().into(),
                        crate::clock::now().fixed_offset().into(),
                    ])
                    .on_conflict(
                        OnConflict::column("key")
                            .update_columns(["bytes", "created_at"])
                            .to_owned(),
                    )
                    .to_owned();
                db.execute(&stmt).await.map_err(db_error)?;
                Ok(())
            }
        }
    }

    /// The bytes under `key`; a key with none is `NotFound`.
    pub async fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        let relative = checked(key)?;
        match &self.0 {
            Place::Directory(root) => tokio::fs::read(root.join(relative)).await,
            Place::Database { db, earlier } => {
                let stmt = Query::select()
                    .column("bytes")
                    .from(TABLE)
                    .and_where(Expr::col("key").eq(key))
                    .to_owned();
                match db.query_one(&stmt).await.map_err(db_error)? {
                    Some(row) => row.try_get("", "bytes").map_err(db_error),
                    None => match earlier {
                        Some(dir) => tokio::fs::read(dir.join(relative)).await,
                        None => Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("no stored file `{key}`"),
                        )),
                    },
                }
            }
        }
    }

    /// Removes `key`; a key already gone is not an error.
    pub async fn delete(&self, key: &str) -> io::Result<()> {
        let relative = checked(key)?;
        match &self.0 {
            Place::Directory(root) => remove(&root.join(relative)).await,
            Place::Database { db, earlier } => {
                let stmt = Query::delete()
                    .from_table(TABLE)
                    .and_where(Expr::col("key").eq(key))
                    .to_owned();
                db.execute(&stmt).await.map_err(db_error)?;
                match earlier {
                    Some(dir) => remove(&dir.join(relative)).await,
                    None => Ok(()),
                }
            }
        }
    }
}

/// Removes a file; one already gone is not an error.
async fn remove(path: &Path) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// What [`move_to_database`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MoveReport {
    /// Files copied into the database.
    pub moved: u64,
    /// Files the database already held with the same bytes (moved by an earlier run).
    pub already_there: u64,
    /// Files left in the directory because the database holds other bytes under their key.
    pub conflicts: u64,
}

/// Moves every file under `root` into the database's `stored_files` table, by its path under
/// `root` as its key, removing each from the directory once the database holds the same bytes.
/// Idempotent: a key the database already holds with those bytes is only removed from the
/// directory; one it holds with other bytes is left in both places and counted as a conflict.
/// Half-written files (`*.partial`) are skipped. A missing `root` moves nothing.
pub async fn move_to_database(root: &Path, db: &DatabaseConnection) -> io::Result<MoveReport> {
    let mut report = MoveReport::default();
    let target = FileStore::database(db.clone());
    for (key, path) in files_under(root).await? {
        let bytes = tokio::fs::read(&path).await?;
        match target.get(&key).await {
            Ok(held) if held == bytes => report.already_there += 1,
            Ok(_) => {
                report.conflicts += 1;
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                insert_new(db, &key, &bytes).await?;
                if target.get(&key).await? != bytes {
                    report.conflicts += 1;
                    continue;
                }
                report.moved += 1;
            }
            Err(e) => return Err(e),
        }
        tokio::fs::remove_file(&path).await?;
    }
    Ok(report)
}

/// Copies every file under `root` into `db`'s `stored_files` table (a backup's), leaving the
/// directory as it is; a key the table holds already keeps what it holds (the database's copy
/// is the one a node reads first). Returns the keys copied, sorted.
pub async fn copy_to_database(root: &Path, db: &impl ConnectionTrait) -> io::Result<Vec<String>> {
    let mut copied = Vec::new();
    let mut files = files_under(root).await?;
    files.sort();
    for (key, path) in files {
        let bytes = match tokio::fs::read(&path).await {
            // Deleted since the walk (its photo removed meanwhile): nothing to keep.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            other => other?,
        };
        if insert_new(db, &key, &bytes).await? {
            copied.push(key);
        }
    }
    Ok(copied)
}

/// Writes the files `keys` of `db`'s `stored_files` table under `root` and removes them from
/// the table (a restored backup's photos, back where a node storing files in a directory reads
/// them). Returns how many were written.
pub async fn copy_out_of_database(
    db: &impl ConnectionTrait,
    keys: &[String],
    root: &Path,
) -> io::Result<u64> {
    let directory = FileStore::new(root);
    let mut written = 0;
    for key in keys {
        checked(key)?;
        let stmt = Query::select()
            .column("bytes")
            .from(TABLE)
            .and_where(Expr::col("key").eq(key.as_str()))
            .to_owned();
        let Some(row) = db.query_one(&stmt).await.map_err(db_error)? else {
            continue;
        };
        let bytes: Vec<u8> = row.try_get("", "bytes").map_err(db_error)?;
        directory.put(key, &bytes).await?;
        let stmt = Query::delete()
            .from_table(TABLE)
            .and_where(Expr::col("key").eq(key.as_str()))
            .to_owned();
        db.execute(&stmt).await.map_err(db_error)?;
        written += 1;
    }
    Ok(written)
}

/// Every finished file under `root` (not the half-written `*.partial`), with its key (its path
/// under `root`). A missing `root` holds none.
async fn files_under(root: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries = match tokio::fs::read_dir(&dir).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            other => other?,
        };
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            if entry.file_type().await?.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_some_and(|e| e == "partial") {
                continue;
            }
            let Some(key) = path
                .strip_prefix(root)
                .ok()
                .and_then(Path::to_str)
                .map(|k| k.replace(std::path::MAIN_SEPARATOR, "/"))
            else {
                continue;
            };
            found.push((key, path));
        }
    }
    Ok(found)
}

/// Inserts `key` unless the database already holds it (another node moving the same file):
/// whether it did.
async fn insert_new(db: &impl ConnectionTrait, key: &str, bytes: &[u8]) -> io::Result<bool> {
    checked(key)?;
    let stmt = Query::insert()
        .into_table(TABLE)
        .columns(["key", "bytes", "created_at"])
        .values_panic([
            key.into(),
            bytes.to_vec().into(),
            crate::clock::now().fixed_offset().into(),
        ])
        .on_conflict(OnConflict::column("key").do_nothing().to_owned())
        .to_owned();
    let done = db.execute(&stmt).await.map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Whether `root` holds any file (so that a node storing files in the database can say that
/// files were left behind in its directory).
pub fn directory_has_files(root: &Path) -> bool {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                Ok(_) => return true,
                Err(_) => {}
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{FileStore, move_to_database};

    async fn sqlite() -> (tempfile::TempDir, sea_orm::DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::config::Settings {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let db = crate::store::connect(&settings).await.unwrap();
        crate::store::migrate(&db).await.unwrap();
        (dir, db)
    }

    #[tokio::test]
    async fn files_round_trip_and_keys_cannot_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let (_db_dir, db) = sqlite().await;
        for store in [FileStore::new(dir.path()), FileStore::database(db)] {
            store.put("photos/ab/x.jpg", b"jpeg").await.unwrap();
            assert_eq!(store.get("photos/ab/x.jpg").await.unwrap(), b"jpeg");
            store.put("photos/ab/x.jpg", b"jpeg2").await.unwrap();
            assert_eq!(store.get("photos/ab/x.jpg").await.unwrap(), b"jpeg2");
            store.delete("photos/ab/x.jpg").await.unwrap();
            store.delete("photos/ab/x.jpg").await.unwrap();
            let gone = store.get("photos/ab/x.jpg").await.unwrap_err();
            assert_eq!(gone.kind(), std::io::ErrorKind::NotFound, "{store:?}");
            for bad in ["../secret.key", "/etc/passwd", "", "photos/../../x"] {
                assert!(store.put(bad, b"x").await.is_err(), "{bad}");
                assert!(store.get(bad).await.is_err(), "{bad}");
            }
        }
    }

    #[tokio::test]
    async fn moving_a_directory_into_the_database_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let (_db_dir, db) = sqlite().await;
        let local = FileStore::new(dir.path());
        local.put("photos/ab/one.jpg", b"one").await.unwrap();
        local.put("photos/cd/two.jpg", b"two").await.unwrap();
        local.put("photos/cd/clash.jpg", b"mine").await.unwrap();
        std::fs::write(dir.path().join("photos/cd/half.partial"), b"half").unwrap();
        let stored = FileStore::database(db.clone());
        stored.put("photos/cd/clash.jpg", b"theirs").await.unwrap();

        let report = move_to_database(dir.path(), &db).await.unwrap();
        assert_eq!(
            (report.moved, report.already_there, report.conflicts),
            (2, 0, 1)
        );
        assert_eq!(stored.get("photos/ab/one.jpg").await.unwrap(), b"one");
        assert_eq!(stored.get("photos/cd/two.jpg").await.unwrap(), b"two");
        assert!(
            !dir.path().join("photos/ab/one.jpg").exists(),
            "moved, not copied"
        );
        assert_eq!(
            stored.get("photos/cd/clash.jpg").await.unwrap(),
            b"theirs",
            "what the database holds is never overwritten"
        );
        assert!(dir.path().join("photos/cd/clash.jpg").exists());

        // A copy interrupted before its file was removed: the next run only removes it.
        local.put("photos/ab/one.jpg", b"one").await.unwrap();
        let again = move_to_database(dir.path(), &db).await.unwrap();
        assert_eq!(
            (again.moved, again.already_there, again.conflicts),
            (0, 1, 1)
        );
        assert!(!dir.path().join("photos/ab/one.jpg").exists());
        // Until then a node reads what its directory kept over the database, and deletes both.
        let over = FileStore::database_over(db.clone(), dir.path());
        assert_eq!(over.get("photos/cd/clash.jpg").await.unwrap(), b"theirs");
        local.put("photos/ef/old.jpg", b"old").await.unwrap();
        assert_eq!(over.get("photos/ef/old.jpg").await.unwrap(), b"old");
        assert_eq!(
            stored.get("photos/ef/old.jpg").await.unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
        over.delete("photos/ef/old.jpg").await.unwrap();
        assert!(!dir.path().join("photos/ef/old.jpg").exists());
        over.put("photos/ef/new.jpg", b"new").await.unwrap();
        assert!(
            !dir.path().join("photos/ef/new.jpg").exists(),
            "new files go to the database"
        );
        assert_eq!(stored.get("photos/ef/new.jpg").await.unwrap(), b"new");

        let missing = move_to_database(&dir.path().join("nothing"), &db)
            .await
            .unwrap();
        assert_eq!(missing, Default::default());
    }
}
