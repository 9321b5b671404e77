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
//! length of the throughput runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use duijie::domain::household::PovertyCause;
use duijie::domain::need::{BeneficiaryKind, Category, NeedStatus, Unit, Urgency};
use duijie::search::embedded::EmbeddedIndex;
use duijie::search::{NeedDocument, SearchConfig, SearchIndex};
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

/// The mixed query set: what the needs hall sends.
fn queries() -> Vec<SearchRequest> {
    let raw = [
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
    raw.iter()
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

async fn run(label: &str, index: Arc<dyn SearchIndex>, docs: usize, seconds: u64) {
    let config = SearchConfig::needs();
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
    let mut totals = Vec::new();
    let single = Instant::now();
    while single.elapsed() < Duration::from_secs(seconds) {
        for request in &set {
            let t = Instant::now();
            let page = duijie::service::search::search(index.as_ref(), &config, request)
                .await
                .unwrap();
            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            totals.push(page.total);
        }
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
    let clients = 8;
    let saturated = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let index = index.clone();
        let set = set.clone();
        let config = config.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            let mut i = c;
            while saturated.elapsed() < Duration::from_secs(seconds) {
                duijie::service::search::search(index.as_ref(), &config, &set[i % set.len()])
                    .await
                    .unwrap();
                done += 1;
                i += 1;
            }
            done
        }));
    }
    let mut done = 0;
    for task in tasks {
        done += task.await.unwrap();
    }
    println!(
        "{label}: {clients} clients: {:.0} searches/s",
        done as f64 / saturated.elapsed().as_secs_f64()
    );

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
        let dir = tempfile::tempdir().unwrap();
        let embedded =
            EmbeddedIndex::open(&dir.path().join("needs"), Arc::new(SearchConfig::needs()))
                .expect("opening the embedded index");
        duijie::search::text::warm_up();
        run("embedded", Arc::new(embedded), docs, seconds).await;
        if let Ok(url) = std::env::var("MEILI_URL") {
            let key = std::env::var("MEILI_MASTER_KEY")
                .ok()
                .map(secrecy::SecretString::from);
            let uid = format!("duijie_bench_{}", std::process::id());
            let meili = Arc::new(
                duijie::search::meili::MeiliIndex::new(&url, key.as_ref(), &uid).expect("a client"),
            );
            run("meilisearch", meili.clone(), docs, seconds).await;
            let _ = meili.drop_index().await;
        }
    });
}
