//! The demo's needs: in every state the needs capability reaches, in three villages of two
//! cities and in every category, each walked through the same use cases a cadre's and a
//! verifier's requests go through, on a clock set back in time, so that its timeline reads
//! true. (Fully pledged, fulfilled and closed needs come with pledges.)

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::HOUSEHOLDS;
use super::art::{self, Setting};
use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::domain::authz::Actor;
use crate::domain::need::{NeedAction, NeedStatus};
use crate::service::needs::objections::{self, NewObjection};
use crate::service::needs::{self, NeedFields, NewNeed, Step, photos};
use crate::store::accounts as account_store;
use crate::store::audit::Origin;
use crate::store::seed;

/// Who a demo need helps: the village, or the demo household at this index of [`HOUSEHOLDS`].
#[derive(Clone, Copy)]
enum For {
    Village,
    Household(usize),
}

struct DemoNeed<'a> {
    village: &'static str,
    cadre: &'static str,
    verifier: &'static str,
    beneficiary: For,
    category: &'static str,
    title: &'a str,
    description: &'static str,
    unit: &'static str,
    target: i64,
    unit_value_fen: i64,
    urgency: &'static str,
    /// Where the demo leaves it.
    state: NeedStatus,
    /// Days since it was recorded.
    age_days: i64,
    /// Days from its recording to its deadline.
    deadline_days: i64,
    with_photo: bool,
}

const CADRE: &str = "cadre@demo.duijie.cn";
const CADRE_HEYUAN: &str = "cadre-heyuan@demo.duijie.cn";
const VERIFIER: &str = "verifier@demo.duijie.cn";
const VERIFIER_HEYUAN: &str = "verifier-heyuan@demo.duijie.cn";
const DUNBEI: &str = "441426100200";
const QIYUAN: &str = "441426100201";
const CHENGXI: &str = "441624100201";

const NEEDS: &[DemoNeed<'static>] = &[
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "education",
        title: "墩背村小学课桌椅",
        description: "村小学现有课桌椅多为二十年前购置，桌面开裂、椅腿松动。需要新课桌椅50套，\
                      秋季开学前到位，供一至六年级使用。",
        unit: "set",
        target: 50,
        unit_value_fen: 30_000,
        urgency: "urgent",
        state: NeedStatus::Published,
        age_days: 12,
        deadline_days: 75,
        with_photo: true,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Household(0),
        category: "medical",
        title: "轮椅一台",
        description: "户主因病行动不便，日常就医需家人背送。需要轻便折叠轮椅一台。",
        unit: "item",
        target: 1,
        unit_value_fen: 80_000,
        urgency: "critical",
        state: NeedStatus::Published,
        age_days: 9,
        deadline_days: 40,
        with_photo: false,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "infrastructure",
        title: "村道太阳能路灯",
        description: "墩背村主干道约两公里无照明，夜间出行不便、存在安全隐患。需要太阳能路灯40盏。",
        unit: "item",
        target: 40,
        unit_value_fen: 120_000,
        urgency: "normal",
        state: NeedStatus::Published,
        age_days: 20,
        deadline_days: 120,
        with_photo: false,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Household(1),
        category: "education",
        title: "两名学生本学年学费",
        description: "家中两名子女分别就读高中和中职，学费和住宿费负担较重，需要资助本学年费用。",
        unit: "money",
        target: 600_000,
        unit_value_fen: 1,
        urgency: "urgent",
        state: NeedStatus::InNotice,
        age_days: 2,
        deadline_days: 60,
        with_photo: false,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "daily_goods",
        title: "冬季棉被",
        description: "村里独居老人较多，冬季山区气温低。需要厚棉被60床，入冬前发放到户。",
        unit: "item",
        target: 60,
        unit_value_fen: 15_000,
        urgency: "urgent",
        state: NeedStatus::Suspended,
        age_days: 3,
        deadline_days: 45,
        with_photo: false,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "housing",
        title: "危房改造屋面材料",
        description: "村内三户土坯房屋面漏雨，需要彩钢瓦及配套材料，由村里组织施工。",
        unit: "set",
        target: 3,
        unit_value_fen: 800_000,
        urgency: "normal",
        state: NeedStatus::Draft,
        age_days: 1,
        deadline_days: 90,
        with_photo: true,
    },
    DemoNeed {
        village: DUNBEI,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "consumption",
        title: "收购村民自种蜜柚",
        description: "村民种植的蜜柚进入采摘期，希望爱心单位以市场价收购，每公斤约6元。",
        unit: "kg",
        target: 200_000,
        unit_value_fen: 600,
        urgency: "normal",
        state: NeedStatus::Rejected,
        age_days: 6,
        deadline_days: 40,
        with_photo: false,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "consumption",
        title: "杞园村沙田柚消费帮扶",
        description: "杞园村沙田柚今年丰收，约五千公斤待销。欢迎单位食堂和工会以每公斤8元认购。",
        unit: "kg",
        target: 5_000,
        unit_value_fen: 800,
        urgency: "urgent",
        state: NeedStatus::Published,
        age_days: 8,
        deadline_days: 30,
        with_photo: true,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Household(2),
        category: "medical",
        title: "助听器一副",
        description: "户主听力残疾，与人交流困难，影响日常生活。经医院验配，需要助听器一副。",
        unit: "item",
        target: 1,
        unit_value_fen: 120_000,
        urgency: "urgent",
        state: NeedStatus::Published,
        age_days: 10,
        deadline_days: 50,
        with_photo: false,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "employment",
        title: "村民电商直播培训",
        description: "组织村民学习电商直播和网店运营，帮助销售本地农产品。需要培训30人次。",
        unit: "person_time",
        target: 30,
        unit_value_fen: 50_000,
        urgency: "normal",
        state: NeedStatus::Submitted,
        age_days: 1,
        deadline_days: 60,
        with_photo: false,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "industry",
        title: "百香果种植连栋大棚",
        description: "村集体计划发展百香果种植，需要连栋钢架大棚10套，由合作社统一经营，收益按股分红。",
        unit: "set",
        target: 10,
        unit_value_fen: 3_000_000,
        urgency: "normal",
        state: NeedStatus::Verified,
        age_days: 2,
        deadline_days: 120,
        with_photo: false,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Household(3),
        category: "employment",
        title: "电焊技能培训",
        description: "户主有意外出务工，需要参加电焊技能培训并取得证书。",
        unit: "person_time",
        target: 1,
        unit_value_fen: 300_000,
        urgency: "normal",
        state: NeedStatus::Withdrawn,
        age_days: 5,
        deadline_days: 60,
        with_photo: false,
    },
    DemoNeed {
        village: QIYUAN,
        cadre: CADRE,
        verifier: VERIFIER,
        beneficiary: For::Village,
        category: "daily_goods",
        title: "中秋慰问米油",
        description: "中秋节前为村内困难群众发放大米和食用油，每套含大米10公斤、食用油5升。",
        unit: "set",
        target: 100,
        unit_value_fen: 20_000,
        urgency: "normal",
        state: NeedStatus::Expired,
        age_days: 45,
        deadline_days: 30,
        with_photo: false,
    },
    DemoNeed {
        village: CHENGXI,
        cadre: CADRE_HEYUAN,
        verifier: VERIFIER_HEYUAN,
        beneficiary: For::Village,
        category: "education",
        title: "城西村小学图书角",
        description: "为村小学建设图书角，需要适合小学生阅读的课外书500册，含书架。",
        unit: "item",
        target: 500,
        unit_value_fen: 3_000,
        urgency: "normal",
        state: NeedStatus::Published,
        age_days: 15,
        deadline_days: 90,
        with_photo: false,
    },
    DemoNeed {
        village: CHENGXI,
        cadre: CADRE_HEYUAN,
        verifier: VERIFIER_HEYUAN,
        beneficiary: For::Village,
        category: "employment",
        title: "扶贫车间就业岗位",
        description: "村扶贫车间承接服装加工订单，需要爱心企业提供稳定订单或岗位20个，月薪约三千元。",
        unit: "position",
        target: 20,
        unit_value_fen: 200_000,
        urgency: "urgent",
        state: NeedStatus::Published,
        age_days: 11,
        deadline_days: 60,
        with_photo: false,
    },
    DemoNeed {
        village: CHENGXI,
        cadre: CADRE_HEYUAN,
        verifier: VERIFIER_HEYUAN,
        beneficiary: For::Household(4),
        category: "housing",
        title: "灾后房屋修缮",
        description: "今年汛期房屋受损，墙体开裂，需要修缮材料和人工，经村委会评估约需两万元。",
        unit: "money",
        target: 2_000_000,
        unit_value_fen: 1,
        urgency: "critical",
        state: NeedStatus::InNotice,
        age_days: 2,
        deadline_days: 45,
        with_photo: false,
    },
];

/// Extra published needs for `seed demo --needs N`: what they are, round-robin.
const EXTRA: &[(&str, &str, &str, i64, i64)] = &[
    ("education", "学习用品", "item", 120, 2_500),
    ("medical", "常用药品", "set", 40, 9_000),
    ("daily_goods", "过冬衣物", "item", 80, 12_000),
    ("employment", "技能培训", "person_time", 25, 40_000),
    ("infrastructure", "饮水管网", "set", 5, 600_000),
    ("consumption", "土鸡蛋认购", "kg", 800, 3_000),
    ("industry", "种苗", "item", 2_000, 300),
    ("housing", "防水材料", "set", 10, 50_000),
];

struct Demo {
    db: DatabaseConnection,
    settings: Settings,
    sealer: Arc<Sealer>,
    now: DateTime<Utc>,
}

impl Demo {
    async fn actor(&self, email: &str) -> anyhow::Result<Actor> {
        let user = account_store::find_by_email(&self.db, email)
            .await?
            .with_context(|| format!("demo account {email} is missing"))?;
        Ok(account_store::load_actor(&self.db, user.id).await?)
    }

    async fn household_id(&self, index: usize) -> anyhow::Result<i64> {
        let hashes = self.sealer.id_card_hashes(&HOUSEHOLDS[index].id_card());
        crate::service::households::holder(&self.db, &hashes)
            .await
            .map_err(|e| anyhow::anyhow!("looking a demo household up: {e}"))?
            .map(|h| h.id)
            .context("a demo household is missing")
    }

    async fn exists(&self, village: &str, title: &str) -> anyhow::Result<bool> {
        Ok(seed::need_exists(&self.db, village, title).await?)
    }

    /// Records `need` on a clock set back `age_days` and walks it to its state.
    async fn walk(&self, need: &DemoNeed<'_>) -> anyhow::Result<()> {
        let clock = Clock::manual(self.now - Duration::days(need.age_days));
        let app = crate::startup::context(
            self.db.clone(),
            self.settings.clone(),
            self.sealer.clone(),
            clock.clone(),
        )?;
        let cadre = self.actor(need.cadre).await?;
        let verifier = self.actor(need.verifier).await?;
        let as_cadre = Origin::cli().with_user(cadre.user_id);
        let as_verifier = Origin::cli().with_user(verifier.user_id);
        let household_id = match need.beneficiary {
            For::Household(index) => Some(self.household_id(index).await?),
            For::Village => None,
        };
        let new = NewNeed {
            beneficiary: match need.beneficiary {
                For::Household(_) => "household",
                For::Village => "village",
            }
            .to_owned(),
            household_id,
            village_code: household_id.is_none().then(|| need.village.to_owned()),
            fields: NeedFields {
                category: need.category.to_owned(),
                title: need.title.into(),
                description: need.description.into(),
                unit: need.unit.to_owned(),
                target_quantity: need.target,
                unit_value_fen: Some(need.unit_value_fen),
                urgency: Some(need.urgency.to_owned()),
                deadline: clock.now() + Duration::days(need.deadline_days),
                min_pledge_quantity: None,
            },
        };
        let failed = |what: &'static str| move |e| anyhow::anyhow!("demo need {what}: {e}");
        let id = needs::create(&app, &cadre, new, &as_cadre)
            .await
            .map_err(failed("recording"))?
            .need
            .id;
        if need.with_photo {
            let seed = art::seed_of(need.title);
            let picture = art::picture(need.category, Setting::Field, seed, 800, 600)?;
            photos::add(&app, &cadre, id, picture, true, &as_cadre)
                .await
                .map_err(failed("photo"))?;
        }
        if need.state == NeedStatus::Draft {
            return Ok(());
        }
        clock.advance(Duration::hours(2));
        needs::step(&app, &cadre, id, Step::Submit, &as_cadre)
            .await
            .map_err(failed("submission"))?;
        clock.advance(Duration::hours(20));
        let step = match need.state {
            NeedStatus::Submitted => return Ok(()),
            NeedStatus::Withdrawn => Step::Withdraw,
            NeedStatus::Rejected => Step::Reject {
                reason: "数量与村里实际产量不符，请核实后重新录入。".to_owned(),
            },
            _ => Step::Verify,
        };
        let by = if matches!(step, Step::Withdraw) {
            (&cadre, &as_cadre)
        } else {
            (&verifier, &as_verifier)
        };
        let detail = needs::step(&app, by.0, id, step, by.1)
            .await
            .map_err(failed("verification"))?;
        match need.state {
            NeedStatus::Suspended => {
                clock.advance(Duration::hours(5));
                let objection = NewObjection {
                    reason: "听说村里去年已经发过一批棉被，请核实是否重复申请。".into(),
                    contact: None,
                };
                objections::file(&app, None, id, objection, None, &Origin::cli())
                    .await
                    .map_err(failed("objection"))?;
            }
            NeedStatus::Published | NeedStatus::Expired => {
                if let Some(end) = detail.need.notice_ends_at {
                    clock.set(end);
                    needs::advance_by_time(&app, id, NeedAction::EndNotice)
                        .await
                        .map_err(failed("publication"))?;
                }
                if need.state == NeedStatus::Expired {
                    clock.set(self.now);
                    needs::advance_by_time(&app, id, NeedAction::Expire)
                        .await
                        .map_err(failed("expiry"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Seeds the demo needs that are missing, and `extra` more published ones (for search and
/// load tests); returns how many it recorded.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: Arc<Sealer>,
    extra: u32,
) -> anyhow::Result<u32> {
    let demo = Demo {
        db: db.clone(),
        settings: settings.clone(),
        sealer,
        now: crate::clock::now(),
    };
    let mut created = 0;
    for need in NEEDS {
        if !demo.exists(need.village, need.title).await? {
            demo.walk(need).await?;
            created += 1;
        }
    }
    let villages = [
        (DUNBEI, CADRE, VERIFIER),
        (QIYUAN, CADRE, VERIFIER),
        (CHENGXI, CADRE_HEYUAN, VERIFIER_HEYUAN),
    ];
    for i in 0..extra as usize {
        let (category, item, unit, target, value) = EXTRA[i % EXTRA.len()];
        let (village, cadre, verifier) = villages[i % villages.len()];
        let title = format!("{item}（第{}批）", i + 1);
        if demo.exists(village, &title).await? {
            continue;
        }
        let need = DemoNeed {
            village,
            cadre,
            verifier,
            beneficiary: For::Village,
            category,
            title: &title,
            description: "村里统一登记的帮扶需求，经村两委核实，由村里负责接收和发放。",
            unit,
            target,
            unit_value_fen: value,
            urgency: ["normal", "urgent", "critical"][i % 3],
            state: NeedStatus::Published,
            age_days: 5 + (i % 20) as i64,
            deadline_days: 60 + (i % 60) as i64,
            with_photo: false,
        };
        demo.walk(&need).await?;
        created += 1;
    }
    Ok(created)
}
