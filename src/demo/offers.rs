//! The demo's offers of help (帮扶资源): of every kind and in every state, made and moved
//! through the real use cases on a clock set back in time — published, paused, drafted,
//! withdrawn, expired, exhausted by being applied to a need — with a village's requests
//! accepted (a pledge) and declined, and the demo accounts' follows.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::domain::offer::OfferAction;
use crate::service::Context;
use crate::service::follows::{self, NewFollow};
use crate::service::offers::requests::{self, Application, Decline, NewRequest};
use crate::service::offers::{self, NewOffer, OfferFields};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::Origin;
use crate::store::seed;

const DONOR: &str = "donor@demo.duijie.cn";
const ENTERPRISE: &str = "enterprise@demo.duijie.cn";
const CADRE: &str = "cadre@demo.duijie.cn";
const COORDINATOR: &str = "coordinator@demo.duijie.cn";

/// What becomes of a demo offer after it is made.
#[derive(Clone, Copy)]
enum Then {
    /// Left a draft.
    Draft,
    Publish,
    PublishAndPause,
    PublishAndWithdraw,
    /// Published, then out of date when the platform looks (made 40 days ago, valid 10).
    Expire,
    /// Published, a cadre asks for it for this need and quantity, and it is accepted.
    Accepted(&'static str, i64),
    /// Published, a cadre asks for it for this need and quantity, and it is declined.
    Declined(&'static str, i64, &'static str),
    /// Published and applied to this need for all it holds: exhausted.
    Applied(&'static str),
}

struct DemoOffer {
    by: &'static str,
    for_organisation: bool,
    kind: &'static str,
    unit: &'static str,
    category: &'static str,
    title: &'static str,
    description: &'static str,
    quantity: i64,
    /// `None`: the default (an organisation's pairings; anywhere for a person).
    destination: Option<&'static str>,
    regions: &'static [&'static str],
    job: Option<(&'static str, i64, i64, &'static str)>,
    then: Then,
}

const OFFERS: &[DemoOffer] = &[
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "jobs",
        unit: "position",
        category: "employment",
        title: "东莞电子厂普工岗位",
        description: "客都农业合作伙伴东莞电子厂招收普工，包吃住，优先结对村有劳动能力的村民。",
        quantity: 20,
        destination: None,
        regions: &[],
        job: Some((
            "广东省东莞市",
            450_000,
            600_000,
            "18至45岁，身体健康，能适应两班倒",
        )),
        then: Then::Publish,
    },
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "money",
        unit: "money",
        category: "education",
        title: "梅州乡村小学校舍修缮资金",
        description: "用于梅州市乡村小学教室、厕所和围墙的修缮，按需求分批拨付。",
        quantity: 20_000_000,
        destination: Some("regions"),
        regions: &["4414"],
        job: None,
        then: Then::Publish,
    },
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "purchasing",
        unit: "money",
        category: "consumption",
        title: "春节员工福利采购结对村农产品",
        description: "企业工会春节福利采购结对村的沙田柚、蜜柚等农产品，预算两万元。",
        quantity: 2_000_000,
        destination: None,
        regions: &[],
        job: None,
        then: Then::Accepted("杞园村沙田柚消费帮扶", 300),
    },
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "goods",
        unit: "item",
        category: "infrastructure",
        title: "路灯灯杆二十根",
        description: "企业库存的镀锌路灯灯杆二十根，高六米，需自行安装。",
        quantity: 20,
        destination: None,
        regions: &[],
        job: None,
        then: Then::Declined(
            "村道太阳能路灯",
            15,
            "这批灯杆高六米，与村道要求的四米规格不符，先不对接。",
        ),
    },
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "goods",
        unit: "item",
        category: "infrastructure",
        title: "太阳能路灯十盏",
        description: "企业捐赠太阳能路灯十盏，含安装。",
        quantity: 10,
        destination: None,
        regions: &[],
        job: None,
        then: Then::Applied("村道太阳能路灯"),
    },
    DemoOffer {
        by: ENTERPRISE,
        for_organisation: true,
        kind: "services",
        unit: "person_time",
        category: "medical",
        title: "乡村医生慢病管理培训",
        description: "企业合作医院派专家为乡村医生开展慢病管理培训。",
        quantity: 100,
        destination: Some("anywhere"),
        regions: &[],
        job: None,
        then: Then::PublishAndPause,
    },
    DemoOffer {
        by: DONOR,
        for_organisation: false,
        kind: "goods",
        unit: "item",
        category: "education",
        title: "闲置儿童图书",
        description: "家中孩子读过的儿童图书，品相良好，可寄往乡村小学图书角。",
        quantity: 200,
        destination: Some("regions"),
        regions: &["441426"],
        job: None,
        then: Then::Draft,
    },
    DemoOffer {
        by: DONOR,
        for_organisation: false,
        kind: "money",
        unit: "money",
        category: "education",
        title: "寒门学子助学金",
        description: "每年资助一名家庭困难学生的学费。",
        quantity: 200_000,
        destination: Some("anywhere"),
        regions: &[],
        job: None,
        then: Then::Expire,
    },
    DemoOffer {
        by: DONOR,
        for_organisation: false,
        kind: "goods",
        unit: "item",
        category: "daily_goods",
        title: "冬衣三十件",
        description: "八成新冬衣三十件，已清洗。",
        quantity: 30,
        destination: Some("anywhere"),
        regions: &[],
        job: None,
        then: Then::PublishAndWithdraw,
    },
];

/// The demo accounts' follows: (who, kind, target, mode).
const FOLLOWS: &[(&str, &str, &str, &str)] = &[
    (DONOR, "region", "4414", "instant"),
    (DONOR, "category", "education", "daily"),
    (ENTERPRISE, "category", "consumption", "daily"),
];

async fn user(db: &DatabaseConnection, email: &str) -> anyhow::Result<User> {
    account_store::find_by_email(db, email)
        .await?
        .with_context(|| format!("demo account {email} is missing"))
}

/// Seeds the demo offers not there yet and the follows; returns the offers made.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: Arc<Sealer>,
) -> anyhow::Result<u32> {
    let now = crate::clock::now();
    let mut made = 0;
    for offer in OFFERS {
        if seed::offer_titled(db, offer.title).await?.is_some() {
            continue;
        }
        let days_ago = if matches!(offer.then, Then::Expire) {
            40
        } else {
            5
        };
        let clock = Clock::manual(now - Duration::days(days_ago));
        let app =
            crate::startup::context(db.clone(), settings.clone(), sealer.clone(), clock.clone())?;
        make(db, &app, &clock, offer, now).await?;
        made += 1;
    }
    let clock = Clock::manual(now);
    let app = crate::startup::context(db.clone(), settings.clone(), sealer, clock)?;
    for (who, kind, target, mode) in FOLLOWS {
        let person = user(db, who).await?;
        let new = NewFollow {
            target_kind: (*kind).to_owned(),
            target: (*target).to_owned(),
            mode: Some((*mode).to_owned()),
        };
        follows::follow(&app, &person, new, &Origin::cli().with_user(person.id))
            .await
            .map_err(|e| anyhow::anyhow!("demo follow of {target}: {e}"))?;
    }
    // The coordinator follows their pairing, in a daily digest.
    let pairing = seed::pairing_id(db, super::GUANGZHOU_PAIRING)
        .await?
        .context("the demo pairing is missing")?;
    let coordinator = user(db, COORDINATOR).await?;
    let new = NewFollow {
        target_kind: "pairing".to_owned(),
        target: pairing.to_string(),
        mode: Some("daily".to_owned()),
    };
    follows::follow(
        &app,
        &coordinator,
        new,
        &Origin::cli().with_user(coordinator.id),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo follow of the pairing: {e}"))?;
    Ok(made)
}

async fn make(
    db: &DatabaseConnection,
    app: &Context,
    clock: &Clock,
    offer: &DemoOffer,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let failed = |what: &'static str| move |e| anyhow::anyhow!("demo offer {what}: {e}");
    let person = user(db, offer.by).await?;
    let actor = account_store::load_actor(db, person.id).await?;
    let origin = Origin::cli().with_user(person.id);
    let org_id = if offer.for_organisation {
        Some(
            seed::organisation_id(db, super::ENTERPRISE)
                .await?
                .context("the demo enterprise is missing")?,
        )
    } else {
        None
    };
    let today = crate::clock::in_beijing(clock.now()).date_naive();
    let valid_days = if matches!(offer.then, Then::Expire) {
        10
    } else {
        90
    };
    let valid_until: NaiveDate = today + Duration::days(valid_days);
    let new = NewOffer {
        kind: offer.kind.to_owned(),
        unit: offer.unit.to_owned(),
        org_id,
        fields: OfferFields {
            category: offer.category.to_owned(),
            title: offer.title.into(),
            description: offer.description.into(),
            quantity: offer.quantity,
            anonymous: false,
            destination: offer.destination.map(str::to_owned),
            regions: offer.regions.iter().map(|r| (*r).to_owned()).collect(),
            valid_until,
            job_place: offer.job.map(|j| j.0.into()),
            pay_min_fen: offer.job.map(|j| j.1),
            pay_max_fen: offer.job.map(|j| j.2),
            requirements: offer.job.map(|j| j.3.into()),
            deliver_by: None,
        },
    };
    let created = offers::create(app, &person, &actor, new, &origin)
        .await
        .map_err(failed("creation"))?;
    let id = created.offer.id;
    if matches!(offer.then, Then::Draft) {
        return Ok(());
    }
    clock.advance(Duration::hours(1));
    offers::step(app, &actor, id, OfferAction::Publish, &origin)
        .await
        .map_err(failed("publication"))?;
    clock.advance(Duration::hours(2));
    let cadre = user(db, CADRE).await?;
    let cadre_actor = account_store::load_actor(db, cadre.id).await?;
    let as_cadre = Origin::cli().with_user(cadre.id);
    let need_id = |title: &'static str| async move {
        seed::need_titled(db, title)
            .await?
            .map(|n| n.id)
            .with_context(|| format!("the demo need {title} is missing"))
    };
    match offer.then {
        Then::Draft | Then::Publish => {}
        Then::PublishAndPause => {
            offers::step(app, &actor, id, OfferAction::Pause, &origin)
                .await
                .map_err(failed("pause"))?;
        }
        Then::PublishAndWithdraw => {
            offers::step(app, &actor, id, OfferAction::Withdraw, &origin)
                .await
                .map_err(failed("withdrawal"))?;
        }
        Then::Expire => {
            clock.set(now);
            offers::expire(app, id).await.map_err(failed("expiry"))?;
        }
        Then::Accepted(title, quantity) | Then::Declined(title, quantity, _) => {
            let ask = NewRequest {
                need_id: need_id(title).await?,
                quantity,
                note: Some("村里盼着这批帮扶，谢谢！".into()),
            };
            let request = requests::request(app, &cadre_actor, id, ask, &as_cadre)
                .await
                .map_err(failed("request"))?;
            clock.advance(Duration::hours(2));
            if let Then::Declined(_, _, reason) = offer.then {
                let decline = Decline {
                    reason: reason.into(),
                };
                requests::decline(app, &actor, request.id, decline, &origin)
                    .await
                    .map_err(failed("decline"))?;
            } else {
                requests::accept(app, &person, &actor, request.id, &origin)
                    .await
                    .map_err(failed("acceptance"))?;
            }
        }
        Then::Applied(title) => {
            let application = Application {
                need_id: need_id(title).await?,
                quantity: offer.quantity,
            };
            requests::apply(app, &person, &actor, id, application, &origin)
                .await
                .map_err(failed("application"))?;
        }
    }
    Ok(())
}
