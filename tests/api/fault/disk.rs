//! A full disk under the SQLite stack's data directory: a small tmpfs of the test's own (root
//! only), filled by a file until the kernel says ENOSPC. Writes must be refused with a clear
//! 503 `storage_full` and leave nothing half-written; reads go on; once the file is gone,
//! writes succeed again and the database is intact.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use duijie::store::entity::{needs, photos};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

use super::Stack;
use super::report::Scenario;
use crate::helpers::status_and_json;

/// A tmpfs mounted on a temporary directory; unmounted when dropped.
pub struct SmallDisk {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `mib` MiB; none if this process may not mount.
    pub fn mount(mib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m,mode=0700")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .ok()?;
        if !mounted.status.success() {
            eprintln!(
                "mount -t tmpfs: {}",
                String::from_utf8_lossy(&mounted.stderr).trim()
            );
            return None;
        }
        let path = dir.path().to_path_buf();
        Some(SmallDisk {
            dir: Some(dir),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn filler(&self) -> PathBuf {
        self.path.join("filler")
    }

    /// Fills what is left of the disk; how many bytes that took.
    fn fill(&self) -> u64 {
        let mut file = std::fs::File::create(self.filler()).unwrap();
        let mut written = 0u64;
        // Big blocks first, then small ones for the last pages.
        for size in [1 << 20, 4096, 1] {
            let block = vec![0u8; size];
            loop {
                match file.write(&block) {
                    Ok(0) => break,
                    Ok(n) => written += n as u64,
                    Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                    Err(e) => panic!("filling the disk: {e}"),
                }
            }
        }
        let _ = file.sync_all();
        written
    }

    fn free(&self) {
        std::fs::remove_file(self.filler()).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily, in case a process still has a file open on it.
        let _ = Command::new("umount").arg("-l").arg(&self.path).output();
        drop(self.dir.take());
    }
}

/// Fills the disk while the node runs, writes needs until one is refused for lack of space,
/// and frees the disk again.
pub async fn fill_and_recover(stack: &mut Stack, disk: &SmallDisk) {
    let mut scenario = Scenario::new("the data directory's disk fills up");
    let published = stack.publish_needs("满盘", 1, 1_000).await;
    // A shipped pledge, for a receipt photo (a file) to be uploaded to while the disk is full.
    let donor = stack
        .token(&stack.donors[0].email, super::DONOR_PASSWORD, "manage")
        .await;
    let (status, pledge) = status_and_json(
        stack
            .post(&donor, &format!("/needs/{}/pledges", published[0]))
            .json(&serde_json::json!({"quantity": 1}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{pledge}");
    let shipped = pledge["id"].as_i64().unwrap();
    let (status, body) = status_and_json(
        stack
            .post(&donor, &format!("/pledges/{shipped}/ship"))
            .json(&serde_json::json!({"reference": "自送到村"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let upload = async |stack: &Stack| {
        let response = stack
            .post(&stack.cadre, &format!("/pledges/{shipped}/photos"))
            .body(duijie::media::samples::phone_jpeg_with_gps(40, 30))
            .send()
            .await
            .unwrap();
        let retry_after = response.headers().contains_key("retry-after");
        let (status, body) = status_and_json(response).await;
        (status, retry_after, body)
    };
    let bytes = disk.fill();
    scenario.fault(&format!(
        "fill the data directory's tmpfs ({} MiB written until ENOSPC)",
        bytes >> 20
    ));

    // SQLite may still find room in pages it already has (the WAL, free pages): write until
    // the disk is felt, then a few more, each a need with its own title.
    let mut written = Vec::new();
    let mut refused = Vec::new();
    for i in 0..400 {
        let title = format!("满盘演练第{i}号");
        let response = stack.need_request(&title, 10).send().await.unwrap();
        let retry_after = response.headers().contains_key("retry-after");
        let (status, body) = status_and_json(response).await;
        let code = body["error"]["code"].as_str().map(str::to_owned);
        scenario.count(status, code.as_deref());
        match status {
            201 => written.push(title),
            _ => {
                scenario.check(
                    "a write on a full disk is refused with 503 storage_full and Retry-After",
                    status == 503 && code.as_deref() == Some("storage_full") && retry_after,
                    || format!("{title}: {status} (Retry-After: {retry_after}) {body}"),
                );
                refused.push(title);
            }
        }
        if refused.len() >= 5 {
            break;
        }
    }
    scenario.check("the full disk was felt", !refused.is_empty(), || {
        format!(
            "{} needs written on a full disk, none refused",
            written.len()
        )
    });
    let (status, retry_after, body) = upload(stack).await;
    scenario.count(status, body["error"]["code"].as_str());
    scenario.check(
        "a photo uploaded on a full disk is refused with 503 storage_full and Retry-After",
        status == 503 && body["error"]["code"] == "storage_full" && retry_after,
        || format!("{status} (Retry-After: {retry_after}) {body}"),
    );

    // Reads go on.
    let read = reqwest::get(format!("{}/api/v1/needs/{}", stack.base, published[0]))
        .await
        .unwrap();
    scenario.count(read.status().as_u16(), None);
    scenario.check(
        "reads are answered while the disk is full",
        read.status() == 200,
        || format!("GET a need: {}", read.status()),
    );

    disk.free();
    scenario.fault("remove the filler: space returns");
    // Writes succeed again (the Retry-After was 30 s; a client retrying sooner is welcome).
    let started = Instant::now();
    loop {
        let (status, body) = stack.write_need("满盘之后", 10).await;
        scenario.count(status, body["error"]["code"].as_str());
        if status == 201 {
            written.push("满盘之后".to_owned());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "writes did not come back within 20 s of space returning: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    scenario.passed("writes succeed once space returns");
    let (status, body) = status_and_json(
        stack
            .post(
                &stack.donors[0].token,
                &format!("/needs/{}/pledges", published[0]),
            )
            .json(&serde_json::json!({"quantity": 1}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    scenario.count(status, body["error"]["code"].as_str());
    scenario.check(
        "a pledge succeeds once space returns",
        status == 201,
        || format!("{status} {body}"),
    );

    let (status, _, body) = upload(stack).await;
    scenario.count(status, body["error"]["code"].as_str());
    scenario.check(
        "a photo is stored once space returns",
        status == 201,
        || format!("{status} {body}"),
    );
    let stored = photos::Entity::find()
        .filter(photos::Column::PledgeId.eq(shipped))
        .all(&stack.db)
        .await
        .unwrap();
    scenario.check(
        "the photo refused on the full disk left nothing; the one after is stored, its file readable",
        stored.len() == 1,
        || format!("{} photo rows: {stored:?}", stored.len()),
    );
    let file = duijie::store::files::FileStore::new(stack.data_dir.join("files"))
        .get(&stored[0].storage_key)
        .await;
    scenario.check("the stored photo's file is readable", file.is_ok(), || {
        format!("{file:?}")
    });

    // Nothing half-written: every need answered 201 is there, none refused is.
    for title in &written {
        let found = needs::Entity::find()
            .filter(needs::Column::Title.eq(title.as_str()))
            .count(&stack.db)
            .await
            .unwrap();
        scenario.check("every need answered 201 exists once", found == 1, || {
            format!("{title}: {found} rows")
        });
    }
    for title in &refused {
        let found = needs::Entity::find()
            .filter(needs::Column::Title.eq(title.as_str()))
            .count(&stack.db)
            .await
            .unwrap();
        scenario.check("no refused need was half-written", found == 0, || {
            format!("{title}: {found} rows")
        });
    }
    let integrity = stack
        .db
        .query_one_raw(Statement::from_string(
            stack.db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    let verdict: String = integrity.try_get_by_index(0).unwrap();
    scenario.check("PRAGMA integrity_check is ok", verdict == "ok", || {
        verdict.clone()
    });
    stack.report.add(scenario);
}
