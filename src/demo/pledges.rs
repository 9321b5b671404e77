//! The demo's pledges: in every pledge status, and taking their needs to fully pledged,
//! fulfilled and closed, while the desks of 墩背村 still have twenty sets open for the demo
//! donor. Each goes through the real use cases, on a clock set back in time.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::art::{self, Setting};
use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::domain::projection::NeedRecord;
use crate::service::needs::{self as need_service, Step as NeedStep};
use crate::service::pledges::{self, Answer, NewPledge, Step};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::Origin;
use crate::store::seed;

const DONOR: &str = "donor@demo.duijie.cn";
const ENTERPRISE: &str = "enterprise@demo.duijie.cn";
const CADRE: &str = "cadre@demo.duijie.cn";
const CADRE_HEYUAN: &str = "cadre-heyuan@demo.duijie.cn";

/// One step of a demo pledge story; pledges are numbered in the order they are made.
enum Do {
    Pledge {
        by: &'static str,
        quantity: i64,
        for_organisation: bool,
        anonymous: bool,
        message: Option<&'static str>,
    },
    Ship(usize, &'static str),
    Cancel(usize),
    /// The village adds a photo and confirms this much received.
    Receive(usize, i64),
    Thank(usize, &'static str),
    /// The scheduler finds it past its due date, now.
    Expire(usize),
    CloseNeed,
}

struct Story {
    need: &'static str,
    cadre: &'static str,
    /// When the first pledge is made.
    days_ago: i64,
    /// Days the pledges have to ship (the deployment's setting when `None`).
    due_days: Option<u32>,
    steps: &'static [Do],
}

const STORIES: &[Story] = &[
    Story {
        need: "墩背村小学课桌椅",
        cadre: CADRE,
        days_ago: 7,
        due_days: None,
        steps: &[
            Do::Pledge {
                by: ENTERPRISE,
                quantity: 20,
                for_organisation: true,
                anonymous: false,
                message: Some("祝同学们学习进步！"),
            },
            Do::Pledge {
                by: DONOR,
                quantity: 10,
                for_organisation: false,
                anonymous: false,
                message: None,
            },
            Do::Ship(0, "SF1029384756"),
        ],
    },
    Story {
        need: "杞园村沙田柚消费帮扶",
        cadre: CADRE,
        days_ago: 3,
        due_days: None,
        steps: &[
            Do::Pledge {
                by: DONOR,
                quantity: 1_000,
                for_organisation: false,
                anonymous: true,
                message: Some("单位食堂认购"),
            },
            Do::Pledge {
                by: ENTERPRISE,
                quantity: 500,
                for_organisation: true,
                anonymous: false,
                message: None,
            },
            Do::Cancel(1),
            Do::Ship(0, "村里自提"),
            Do::Receive(0, 1_000),
            Do::Thank(0, "沙田柚已全部交付，感谢对杞园村的支持！"),
        ],
    },
    Story {
        need: "助听器一副",
        cadre: CADRE,
        days_ago: 5,
        due_days: None,
        steps: &[Do::Pledge {
            by: ENTERPRISE,
            quantity: 1,
            for_organisation: true,
            anonymous: false,
            message: None,
        }],
    },
    Story {
        need: "轮椅一台",
        cadre: CADRE,
        days_ago: 4,
        due_days: None,
        steps: &[
            Do::Pledge {
                by: DONOR,
                quantity: 1,
                for_organisation: false,
                anonymous: false,
                message: Some("早日康复"),
            },
            Do::Ship(0, "JD0087654321"),
            Do::Receive(0, 1),
        ],
    },
    Story {
        need: "城西村小学图书角",
        cadre: CADRE_HEYUAN,
        days_ago: 10,
        due_days: None,
        steps: &[
            Do::Pledge {
                by: ENTERPRISE,
                quantity: 500,
                for_organisation: true,
                anonymous: false,
                message: None,
            },
            Do::Ship(0, "YT5566778899"),
            Do::Receive(0, 500),
            Do::Thank(0, "孩子们很喜欢新书，谢谢！"),
            Do::CloseNeed,
        ],
    },
    Story {
        need: "扶贫车间就业岗位",
        cadre: CADRE_HEYUAN,
        days_ago: 6,
        due_days: Some(3),
        steps: &[
            Do::Pledge {
                by: DONOR,
                quantity: 5,
                for_organisation: false,
                anonymous: false,
                message: None,
            },
            Do::Expire(0),
        ],
    },
];

async fn user(db: &DatabaseConnection, email: &str) -> anyhow::Result<User> {
    account_store::find_by_email(db, email)
        .await?
        .with_context(|| format!("demo account {email} is missing"))
}

/// Seeds the demo's pledge stories whose needs have no pledges yet; returns the pledges made.
pub async fn seed(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: Arc<Sealer>,
) -> anyhow::Result<u32> {
    let now = crate::clock::now();
    let mut made = 0;
    for story in STORIES {
        let Some(need) = seed::need_titled(db, story.need).await? else {
            continue;
        };
        // With a longer notice period than the default the need may not have been open yet
        // when the story begins: then the story is not told.
        let begins = now - Duration::days(story.days_ago);
        if need.published_at.is_none_or(|at| at >= begins) {
            tracing::info!(
                need = story.need,
                "demo pledges skipped: the need was not published then"
            );
            continue;
        }
        if seed::has_pledges(db, need.id).await? {
            continue;
        }
        made += tell(db, settings, &sealer, story, &need, now).await?;
    }
    Ok(made)
}

async fn tell(
    db: &DatabaseConnection,
    settings: &Settings,
    sealer: &Arc<Sealer>,
    story: &Story,
    need: &NeedRecord,
    now: DateTime<Utc>,
) -> anyhow::Result<u32> {
    let need_id = need.id;
    let clock = Clock::manual(now - Duration::days(story.days_ago));
    let mut settings = settings.clone();
    if let Some(days) = story.due_days {
        settings.policy.pledge_due_days = days;
    }
    let app = crate::startup::context(db.clone(), settings, sealer.clone(), clock.clone())?;
    let cadre = user(db, story.cadre).await?;
    let cadre_actor = account_store::load_actor(db, cadre.id).await?;
    let as_cadre = Origin::cli().with_user(cadre.id);
    let failed = |what: &'static str| move |e| anyhow::anyhow!("demo pledge {what}: {e}");
    // (id, donor) of each pledge made so far.
    let mut made: Vec<(i64, User)> = Vec::new();
    for step in story.steps {
        clock.advance(Duration::hours(3));
        match step {
            Do::Pledge {
                by,
                quantity,
                for_organisation,
                anonymous,
                message,
            } => {
                let donor = user(db, by).await?;
                let actor = account_store::load_actor(db, donor.id).await?;
                let org_id = if *for_organisation {
                    Some(
                        seed::organisation_id(db, super::ENTERPRISE)
                            .await?
                            .context("the demo enterprise is missing")?,
                    )
                } else {
                    None
                };
                let new = NewPledge {
                    quantity: *quantity,
                    anonymous: *anonymous,
                    message: message.map(Into::into),
                    org_id,
                };
                let origin = Origin::cli().with_user(donor.id);
                let answer = pledges::pledge(&app, &donor, &actor, need_id, new, None, &origin)
                    .await
                    .map_err(failed("pledge"))?;
                let Answer::Created(view) = answer else {
                    anyhow::bail!("a demo pledge was answered as a replay");
                };
                made.push((view.id, donor));
            }
            Do::Ship(index, reference) => {
                let (id, donor) = &made[*index];
                let actor = account_store::load_actor(db, donor.id).await?;
                let ship = Step::Ship(pledges::Shipment {
                    carrier: None,
                    reference: (*reference).into(),
                });
                pledges::step(&app, &actor, *id, ship, &Origin::cli().with_user(donor.id))
                    .await
                    .map_err(failed("shipment"))?;
            }
            Do::Cancel(index) => {
                let (id, donor) = &made[*index];
                let actor = account_store::load_actor(db, donor.id).await?;
                pledges::step(
                    &app,
                    &actor,
                    *id,
                    Step::Cancel,
                    &Origin::cli().with_user(donor.id),
                )
                .await
                .map_err(failed("cancellation"))?;
            }
            Do::Receive(index, quantity) => {
                let id = made[*index].0;
                // What arrived, among the village's houses; each receipt its own scene.
                let seed = art::seed_of(&format!("{} {id}", need.title));
                let category = need.category.as_str();
                let picture = art::picture(category, Setting::Village, seed, 640, 480)?;
                pledges::add_receipt_photo(&app, &cadre_actor, id, picture, &as_cadre)
                    .await
                    .map_err(failed("receipt photo"))?;
                let confirm = Step::Confirm {
                    received_quantity: *quantity,
                };
                pledges::step(&app, &cadre_actor, id, confirm, &as_cadre)
                    .await
                    .map_err(failed("receipt"))?;
            }
            Do::Thank(index, note) => {
                let thank = Step::Thank(pledges::Thanks {
                    note: (*note).into(),
                });
                pledges::step(&app, &cadre_actor, made[*index].0, thank, &as_cadre)
                    .await
                    .map_err(failed("thanks"))?;
            }
            Do::Expire(index) => {
                clock.set(now);
                pledges::expire(&app, made[*index].0)
                    .await
                    .map_err(failed("expiry"))?;
            }
            Do::CloseNeed => {
                need_service::step(&app, &cadre_actor, need_id, NeedStep::Close, &as_cadre)
                    .await
                    .map_err(failed("closing its need"))?;
            }
        }
    }
    Ok(made.len() as u32)
}
