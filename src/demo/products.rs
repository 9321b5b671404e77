//! The demo's 消费扶贫: two village cooperatives' products — certified and not, sold from stock
//! and by season, one sold out, one a draft — listed and certified through the real use cases
//! on a clock set back in time, and purchase orders in every state, by the demo enterprise for
//! its organisation and by the demo citizen as herself.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::domain::product::ProductAction;
use crate::service::Context;
use crate::service::orders::{
    self, Answer, DeclineOrder, NewOrder, ReceiveOrder, SettleOrder, ShipOrder, Step,
};
use crate::service::products::{self, Certify, NewProduct, ProductFields};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::Origin;
use crate::store::seed;

const COOP: &str = "coop@demo.duijie.cn";
const VERIFIER: &str = "verifier@demo.duijie.cn";
const ENTERPRISE: &str = "enterprise@demo.duijie.cn";
const DONOR: &str = "donor@demo.duijie.cn";

/// The demo's certified honey, which the browser tests buy.
pub const HONEY: &str = "平远百花蜜";

struct DemoProduct {
    seller: &'static str,
    category: &'static str,
    name: &'static str,
    description: &'static str,
    unit: &'static str,
    unit_price_fen: i64,
    stock: Option<i64>,
    /// Days from today: the season's first and last day.
    season: Option<(i64, i64)>,
    min_order: i64,
    households: i64,
    certificate: Option<&'static str>,
    listed: bool,
}

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        seller: super::COOP_DUNBEI,
        category: "honey",
        name: HONEY,
        description: "墩背村山区散养中华蜂百花蜜，一年一取，合作社统一检测、灌装，带动村里贫困户养蜂增收。",
        unit: "jin",
        unit_price_fen: 6_000,
        stock: Some(800),
        season: None,
        min_order: 2,
        households: 23,
        certificate: Some("平扶产认〔2026〕012号"),
        listed: true,
    },
    DemoProduct {
        seller: super::COOP_DUNBEI,
        category: "fruit",
        name: "墩背村脐橙（10斤装）",
        description: "平远脐橙，果园在墩背村后山，当季现摘现发，每箱约10斤。",
        unit: "box",
        unit_price_fen: 8_800,
        stock: None,
        season: Some((-30, 60)),
        min_order: 1,
        households: 15,
        certificate: Some("平扶产认〔2026〕013号"),
        listed: true,
    },
    DemoProduct {
        seller: super::COOP_DUNBEI,
        category: "handicraft",
        name: "客家手工竹编篮",
        description: "村里老人手工编织的竹篮，可作果篮、收纳篮，每只尺寸略有不同。",
        unit: "item",
        unit_price_fen: 4_500,
        stock: Some(12),
        season: None,
        min_order: 1,
        households: 6,
        certificate: Some("平扶产认〔2026〕021号"),
        listed: true,
    },
    DemoProduct {
        seller: super::COOP_QIYUAN,
        category: "tea",
        name: "杞园高山绿茶",
        description: "杞园村海拔六百米茶园的春茶，合作社统一收购、炒制，带动留守老人采茶增收。",
        unit: "jin",
        unit_price_fen: 16_000,
        stock: Some(200),
        season: None,
        min_order: 1,
        households: 8,
        certificate: Some("平扶产认〔2026〕015号"),
        listed: true,
    },
    DemoProduct {
        seller: super::COOP_QIYUAN,
        category: "meat_eggs",
        name: "客家腊肉",
        description: "杞园村农户自家养的猪，按客家做法腌制风干，冬至前后供应。",
        unit: "jin",
        unit_price_fen: 7_000,
        stock: Some(100),
        season: None,
        min_order: 2,
        households: 3,
        certificate: None,
        listed: true,
    },
    DemoProduct {
        seller: super::COOP_QIYUAN,
        category: "vegetables",
        name: "梅菜干（500克袋装）",
        description: "杞园村晒制的梅菜干，正在准备包装和检测材料，尚未上架。",
        unit: "bag",
        unit_price_fen: 2_500,
        stock: Some(300),
        season: None,
        min_order: 5,
        households: 5,
        certificate: None,
        listed: false,
    },
];

/// What becomes of a demo order after it is placed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    Waiting,
    Confirmed,
    Declined,
    Shipped,
    Received,
    Settled,
    Cancelled,
    Expired,
}

struct DemoOrder {
    product: &'static str,
    buyer: &'static str,
    for_organisation: bool,
    quantity: i64,
    days_ago: i64,
    then: Then,
}

const ORDERS: &[DemoOrder] = &[
    DemoOrder {
        product: HONEY,
        buyer: ENTERPRISE,
        for_organisation: true,
        quantity: 300,
        days_ago: 20,
        then: Then::Settled,
    },
    DemoOrder {
        product: "杞园高山绿茶",
        buyer: ENTERPRISE,
        for_organisation: true,
        quantity: 50,
        days_ago: 12,
        then: Then::Received,
    },
    DemoOrder {
        product: "墩背村脐橙（10斤装）",
        buyer: ENTERPRISE,
        for_organisation: true,
        quantity: 40,
        days_ago: 6,
        then: Then::Shipped,
    },
    DemoOrder {
        product: HONEY,
        buyer: DONOR,
        for_organisation: false,
        quantity: 5,
        days_ago: 2,
        then: Then::Confirmed,
    },
    DemoOrder {
        product: "杞园高山绿茶",
        buyer: DONOR,
        for_organisation: false,
        quantity: 2,
        days_ago: 1,
        then: Then::Waiting,
    },
    DemoOrder {
        product: "客家腊肉",
        buyer: ENTERPRISE,
        for_organisation: true,
        quantity: 20,
        days_ago: 8,
        then: Then::Declined,
    },
    DemoOrder {
        product: "墩背村脐橙（10斤装）",
        buyer: DONOR,
        for_organisation: false,
        quantity: 2,
        days_ago: 4,
        then: Then::Cancelled,
    },
    DemoOrder {
        product: HONEY,
        buyer: DONOR,
        for_organisation: false,
        quantity: 10,
        days_ago: 9,
        then: Then::Expired,
    },
    // Sells the baskets out.
    DemoOrder {
        product: "客家手工竹编篮",
        buyer: ENTERPRISE,
        for_organisation: true,
        quantity: 12,
        days_ago: 15,
        then: Then::Settled,
    },
];

async fn user(db: &DatabaseConnection, email: &str) -> anyhow::Result<User> {
    account_store::find_by_email(db, email)
        .await?
        .with_context(|| format!("demo account {email} is missing"))
}

fn context_at(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: &Arc<Sealer>,
    at: DateTime<Utc>,
) -> anyhow::Result<(Context, Clock)> {
    let clock = Clock::manual(at);
    let app = crate::startup::context(db.clone(), settings.clone(), sealer.clone(), clock.clone())?;
    Ok((app, clock))
}

/// Seeds the demo products not there yet, and the orders of the products it made; returns how
/// many products it made.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: Arc<Sealer>,
) -> anyhow::Result<u32> {
    let now = crate::clock::now();
    let mut made = Vec::new();
    for product in PRODUCTS {
        if seed::product_named(db, product.name).await?.is_some() {
            continue;
        }
        let (app, clock) = context_at(db, settings, &sealer, now - Duration::days(40))?;
        make_product(db, &app, &clock, product, now).await?;
        made.push(product.name);
    }
    for order in ORDERS.iter().filter(|o| made.contains(&o.product)) {
        let (app, clock) = context_at(db, settings, &sealer, now - Duration::days(order.days_ago))?;
        place(db, &app, &clock, order).await?;
    }
    // What is due expires now, as the scheduler would.
    let (app, _) = context_at(db, settings, &sealer, now)?;
    crate::worker::scheduler::tick(&app)
        .await
        .map_err(|e| anyhow::anyhow!("demo scheduler tick: {e}"))?;
    Ok(made.len() as u32)
}

async fn make_product(
    db: &DatabaseConnection,
    app: &Context,
    clock: &Clock,
    product: &DemoProduct,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let failed = |what: &'static str| move |e| anyhow::anyhow!("demo product {what}: {e}");
    let coop = user(db, COOP).await?;
    let actor = account_store::load_actor(db, coop.id).await?;
    let origin = Origin::cli().with_user(coop.id);
    let seller_id = seed::organisation_id(db, product.seller)
        .await?
        .context("a demo cooperative is missing")?;
    let today: NaiveDate = crate::clock::in_beijing(now).date_naive();
    let new = NewProduct {
        seller_id,
        village_code: None,
        fields: ProductFields {
            category: product.category.to_owned(),
            name: product.name.into(),
            description: product.description.into(),
            unit: product.unit.to_owned(),
            unit_price_fen: product.unit_price_fen,
            stock: product.stock,
            season_from: product.season.map(|(from, _)| today + Duration::days(from)),
            season_to: product.season.map(|(_, to)| today + Duration::days(to)),
            min_order: product.min_order,
            households_supported: product.households,
            stock_seen: None,
        },
    };
    let created = products::create(app, &actor, new, &origin)
        .await
        .map_err(failed("creation"))?;
    let id = created.product.id;
    // A picture of the produce, uploaded as a seller's photo is.
    let seed = super::art::seed_of(product.name);
    let picture =
        super::art::picture(product.category, super::art::Setting::Field, seed, 800, 600)?;
    products::photos::add_to_product(app, &actor, id, picture, &origin)
        .await
        .map_err(failed("photo"))?;
    if let Some(certificate) = product.certificate {
        clock.advance(Duration::days(2));
        let verifier = user(db, VERIFIER).await?;
        let actor = account_store::load_actor(db, verifier.id).await?;
        let body = Certify {
            certificate_no: certificate.into(),
            certified_until: today + Duration::days(365),
        };
        products::certify(app, &actor, id, body, &Origin::cli().with_user(verifier.id))
            .await
            .map_err(failed("certification"))?;
    }
    if product.listed {
        clock.advance(Duration::hours(3));
        products::step(app, &actor, id, ProductAction::List, &origin)
            .await
            .map_err(failed("listing"))?;
    }
    Ok(())
}

async fn place(
    db: &DatabaseConnection,
    app: &Context,
    clock: &Clock,
    order: &DemoOrder,
) -> anyhow::Result<()> {
    let failed = |what: &'static str| move |e| anyhow::anyhow!("demo order {what}: {e}");
    let buyer = user(db, order.buyer).await?;
    let buyer_actor = account_store::load_actor(db, buyer.id).await?;
    let buyer_origin = Origin::cli().with_user(buyer.id);
    let coop = user(db, COOP).await?;
    let seller = account_store::load_actor(db, coop.id).await?;
    let seller_origin = Origin::cli().with_user(coop.id);
    let product_id = seed::product_named(db, order.product)
        .await?
        .context("a demo product is missing")?;
    let org_id = if order.for_organisation {
        Some(
            seed::organisation_id(db, super::ENTERPRISE)
                .await?
                .context("the demo enterprise is missing")?,
        )
    } else {
        None
    };
    let (recipient, phone, address) = if order.for_organisation {
        (
            "刘主席",
            "13800138000",
            "梅州市梅江区客都大道 88 号 客都农业工会",
        )
    } else {
        ("王女士", "13900139000", "广州市天河区体育西路 1 号")
    };
    let new = NewOrder {
        org_id,
        quantity: order.quantity,
        recipient_name: recipient.into(),
        recipient_phone: phone.to_owned(),
        delivery_address: address.into(),
        note: order
            .for_organisation
            .then(|| "春节慰问职工，请开具发票".into()),
    };
    let placed = orders::place(
        app,
        &buyer,
        &buyer_actor,
        product_id,
        new,
        None,
        &buyer_origin,
    )
    .await
    .map_err(failed("placing"))?;
    let Answer::Created(view) = placed else {
        anyhow::bail!("a demo order was answered as a replay");
    };
    let id = view.id;
    let step = |who: u8, step: Step| {
        clock.advance(Duration::hours(20));
        let (actor, origin) = if who == 0 {
            (&seller, &seller_origin)
        } else {
            (&buyer_actor, &buyer_origin)
        };
        async move { orders::step(app, actor, id, step, origin).await }
    };
    let then = order.then;
    match then {
        Then::Waiting | Then::Expired => return Ok(()),
        Then::Cancelled => {
            step(1, Step::Cancel).await.map_err(failed("cancel"))?;
            return Ok(());
        }
        Then::Declined => {
            let reason = DeclineOrder {
                reason: "本批腊肉已预订完，下一批冬至后再供应".into(),
            };
            step(0, Step::Decline(reason))
                .await
                .map_err(failed("decline"))?;
            return Ok(());
        }
        _ => {}
    }
    step(0, Step::Confirm).await.map_err(failed("confirm"))?;
    if then == Then::Confirmed {
        return Ok(());
    }
    let shipment = ShipOrder {
        carrier: "顺丰速运".into(),
        tracking_ref: Some(format!("SF10{id:08}").into()),
    };
    step(0, Step::Ship(shipment))
        .await
        .map_err(failed("ship"))?;
    if then == Then::Shipped {
        return Ok(());
    }
    let receipt = ReceiveOrder {
        received_quantity: order.quantity,
    };
    step(1, Step::Receive(receipt))
        .await
        .map_err(failed("receive"))?;
    if then == Then::Received {
        return Ok(());
    }
    let payment = SettleOrder {
        payment_ref: format!("对公转账 {id:04}").into(),
    };
    step(0, Step::Settle(payment))
        .await
        .map_err(failed("settle"))?;
    Ok(())
}
