//! `duijie seed demo`: a deterministic demo data set on the real regions of Guangdong, so that a
//! newcomer sees every capability with data in it. Running it again changes nothing: every
//! part is found by its natural key (an email, an organisation's name, a pairing's name) before
//! it is created.
//!
//! Each capability extends this module as it lands (households, needs in every state, pledges,
//! mail).

pub mod art;
pub mod needs;
pub mod offers;
pub mod pledges;
pub mod products;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::crypto::Sealer;
use crate::domain::authz::Role;
use crate::domain::credit_code::CreditCode;
use crate::domain::id_card::IdCardNumber;
use crate::domain::organisation::OrganisationKind;
use crate::domain::pairing::Program;
use crate::domain::region::RegionCode;
use crate::service::auth::password;
use crate::service::households::{self, NewHousehold};
use crate::store::accounts::{self as account_store, GrantScope};
use crate::store::audit::Origin;
use crate::store::organisations::{self as organisation_store, NewOrganisationRow};
use crate::store::pairings::{self as pairing_store, NewPairingRow};
use crate::store::regions::{self as region_store, VillageProfile};
use crate::store::seed;

/// The password of every demo account (documented in the README; demo only).
pub const DEMO_PASSWORD: &str = "demo-password-2024";

struct DemoUser {
    email: &'static str,
    name: &'static str,
    /// (role, scope): a region code, an organisation's name or a pairing's name, by role.
    roles: &'static [(&'static str, Scope)],
}

#[derive(Clone, Copy)]
enum Scope {
    Platform,
    Region(&'static str),
    Organisation(&'static str),
    Pairing(&'static str),
}

struct DemoOrganisation {
    name: &'static str,
    kind: OrganisationKind,
    credit_code: Option<&'static str>,
    region: &'static str,
    verified: bool,
}

struct DemoPairing {
    name: &'static str,
    program: Program,
    helper_region: Option<&'static str>,
    helper_organisation: Option<&'static str>,
    targets: &'static [&'static str],
    /// Organisations helping through it besides its helping side.
    members: &'static [&'static str],
}

struct DemoVillage {
    code: &'static str,
    is_poor: bool,
    population: i32,
    households: i32,
    profile: &'static str,
}

const ENTERPRISE: &str = "梅州客都农业发展有限公司（演示）";
const GUANGZHOU_OFFICE: &str = "广州市对口帮扶梅州、清远工作办公室（演示）";
const DESIGNATED_UNIT: &str = "广东省某厅定点扶贫工作队（演示）";
const CHARITY: &str = "梅州市慈善会（演示）";
const GUANGZHOU_PAIRING: &str = "广州 → 梅州、清远 对口帮扶";
const COOP_DUNBEI: &str = "平远县墩背村蜂业专业合作社（演示）";
const COOP_QIYUAN: &str = "平远县杞园村茶叶专业合作社（演示）";

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        name: ENTERPRISE,
        kind: OrganisationKind::Enterprise,
        credit_code: Some("91441426MA4UDEM01B"),
        region: "441426",
        verified: true,
    },
    DemoOrganisation {
        name: GUANGZHOU_OFFICE,
        kind: OrganisationKind::PairedCity,
        credit_code: None,
        region: "4401",
        verified: true,
    },
    DemoOrganisation {
        name: DESIGNATED_UNIT,
        kind: OrganisationKind::DesignatedUnit,
        credit_code: None,
        region: "44",
        verified: true,
    },
    DemoOrganisation {
        name: CHARITY,
        kind: OrganisationKind::SocialOrg,
        credit_code: Some("51441400MJDEM00038"),
        region: "4414",
        verified: false,
    },
    DemoOrganisation {
        name: COOP_DUNBEI,
        kind: OrganisationKind::Cooperative,
        credit_code: None,
        region: "441426100200",
        verified: true,
    },
    DemoOrganisation {
        name: COOP_QIYUAN,
        kind: OrganisationKind::Cooperative,
        credit_code: None,
        region: "441426100201",
        verified: true,
    },
];

/// The 对口帮扶 pairs of seed `003` (广州 ↔ 梅州、清远; 深圳 ↔ 河源、汕尾; …), plus one
/// 万企帮万村 and one 定点扶贫 pairing on the demo villages.
const PAIRINGS: &[DemoPairing] = &[
    DemoPairing {
        name: GUANGZHOU_PAIRING,
        program: Program::Duikou,
        helper_region: Some("4401"),
        helper_organisation: Some(GUANGZHOU_OFFICE),
        targets: &["4414", "4418"],
        members: &[ENTERPRISE],
    },
    DemoPairing {
        name: "深圳 → 河源、汕尾 对口帮扶",
        program: Program::Duikou,
        helper_region: Some("4403"),
        helper_organisation: None,
        targets: &["4416", "4415"],
        members: &[],
    },
    DemoPairing {
        name: "珠海 → 阳江、茂名 对口帮扶",
        program: Program::Duikou,
        helper_region: Some("4404"),
        helper_organisation: None,
        targets: &["4417", "4409"],
        members: &[],
    },
    DemoPairing {
        name: "佛山 → 湛江、云浮 对口帮扶",
        program: Program::Duikou,
        helper_region: Some("4406"),
        helper_organisation: None,
        targets: &["4408", "4453"],
        members: &[],
    },
    DemoPairing {
        name: "东莞 → 韶关、揭阳 对口帮扶",
        program: Program::Duikou,
        helper_region: Some("4419"),
        helper_organisation: None,
        targets: &["4402", "4452"],
        members: &[],
    },
    DemoPairing {
        name: "中山 → 肇庆、潮州 对口帮扶",
        program: Program::Duikou,
        helper_region: Some("4420"),
        helper_organisation: None,
        targets: &["4412", "4451"],
        members: &[],
    },
    DemoPairing {
        name: "万企帮万村：客都农业 ↔ 墩背村、杞园村",
        program: Program::Wanqi,
        helper_region: None,
        helper_organisation: Some(ENTERPRISE),
        targets: &["441426100200", "441426100201"],
        members: &[],
    },
    DemoPairing {
        name: "定点扶贫：省某厅 ↔ 东台村",
        program: Program::Dingdian,
        helper_region: None,
        helper_organisation: Some(DESIGNATED_UNIT),
        targets: &["441426101200"],
        members: &[],
    },
];

const VILLAGES: &[DemoVillage] = &[
    DemoVillage {
        code: "441426100200",
        is_poor: true,
        population: 1830,
        households: 462,
        profile: "平远县大柘镇山区村，脐橙与茶叶为主要产业，村小学一所。",
    },
    DemoVillage {
        code: "441426100201",
        is_poor: true,
        population: 1215,
        households: 301,
        profile: "平远县大柘镇，青壮年多外出务工，留守老人与儿童较多。",
    },
    DemoVillage {
        code: "441426101200",
        is_poor: true,
        population: 2040,
        households: 515,
        profile: "平远县石正镇，村道与饮水工程待改善。",
    },
    DemoVillage {
        code: "441426101201",
        is_poor: false,
        population: 1620,
        households: 398,
        profile: "平远县石正镇，种植沙田柚。",
    },
    DemoVillage {
        code: "441624100201",
        is_poor: true,
        population: 1390,
        households: 344,
        profile: "和平县阳明镇，猕猴桃种植基地建设中。",
    },
    DemoVillage {
        code: "441825100201",
        is_poor: true,
        population: 980,
        households: 236,
        profile: "连山壮族瑶族自治县永和镇，少数民族聚居村。",
    },
];

const USERS: &[DemoUser] = &[
    DemoUser {
        email: "admin@demo.duijie.cn",
        name: "平台管理员",
        roles: &[("admin", Scope::Platform)],
    },
    DemoUser {
        email: "cadre@demo.duijie.cn",
        name: "陈村官（墩背村驻村工作队）",
        roles: &[
            ("cadre", Scope::Region("441426100200")),
            ("cadre", Scope::Region("441426100201")),
        ],
    },
    DemoUser {
        email: "cadre-heyuan@demo.duijie.cn",
        name: "李村官（和平县城西村）",
        roles: &[("cadre", Scope::Region("441624100201"))],
    },
    DemoUser {
        email: "verifier@demo.duijie.cn",
        name: "平远县扶贫办审核员",
        roles: &[("verifier", Scope::Region("441426"))],
    },
    DemoUser {
        email: "verifier-heyuan@demo.duijie.cn",
        name: "和平县扶贫办审核员",
        roles: &[("verifier", Scope::Region("441624"))],
    },
    DemoUser {
        email: "coordinator@demo.duijie.cn",
        name: "广州对口帮扶协调员",
        roles: &[("coordinator", Scope::Pairing(GUANGZHOU_PAIRING))],
    },
    DemoUser {
        email: "enterprise@demo.duijie.cn",
        name: "客都农业社会责任部",
        roles: &[("org_admin", Scope::Organisation(ENTERPRISE))],
    },
    DemoUser {
        email: "coop@demo.duijie.cn",
        name: "张师傅（墩背村、杞园村合作社）",
        roles: &[
            ("org_admin", Scope::Organisation(COOP_DUNBEI)),
            ("org_admin", Scope::Organisation(COOP_QIYUAN)),
        ],
    },
    DemoUser {
        email: "donor@demo.duijie.cn",
        name: "爱心市民王女士",
        roles: &[],
    },
];

/// A demo household. The people are invented; their ID numbers are generated to pass the
/// GB 11643 checksum. Their private fields exist so that the platform can be seen keeping them
/// private.
pub struct DemoHousehold {
    pub village: &'static str,
    /// The cadre who registers it.
    pub cadre: &'static str,
    pub head_name: &'static str,
    /// The first 17 digits of the ID-card number; the check character is computed.
    pub id_card_first17: &'static str,
    pub phone: &'static str,
    pub address: &'static str,
    pub members: i16,
    pub causes: &'static [&'static str],
}

pub const HOUSEHOLDS: &[DemoHousehold] = &[
    DemoHousehold {
        village: "441426100200",
        cadre: "cadre@demo.duijie.cn",
        head_name: "陈秀英",
        id_card_first17: "44142619580312004",
        phone: "13802001111",
        address: "平远县大柘镇墩背村上屋组 12 号",
        members: 3,
        causes: &["illness"],
    },
    DemoHousehold {
        village: "441426100200",
        cadre: "cadre@demo.duijie.cn",
        head_name: "黄国强",
        id_card_first17: "44142619750825201",
        phone: "13902002222",
        address: "平远县大柘镇墩背村下围组 3 号",
        members: 5,
        causes: &["education_cost", "lack_capital"],
    },
    DemoHousehold {
        village: "441426100201",
        cadre: "cadre@demo.duijie.cn",
        head_name: "李桂芳",
        id_card_first17: "44142619620107302",
        phone: "13702003333",
        address: "平远县大柘镇杞园村新屋组 7 号",
        members: 2,
        causes: &["disability", "lack_labour"],
    },
    DemoHousehold {
        village: "441426100201",
        cadre: "cadre@demo.duijie.cn",
        head_name: "张木生",
        id_card_first17: "44142619880419401",
        phone: "13602004444",
        address: "平远县大柘镇杞园村老街 21 号",
        members: 4,
        causes: &["lack_skills"],
    },
    DemoHousehold {
        village: "441624100201",
        cadre: "cadre-heyuan@demo.duijie.cn",
        head_name: "刘志明",
        id_card_first17: "44162419700530501",
        phone: "13502005555",
        address: "和平县阳明镇城西村河背组 9 号",
        members: 3,
        causes: &["disaster"],
    },
];

impl DemoHousehold {
    pub fn id_card(&self) -> IdCardNumber {
        IdCardNumber::complete(self.id_card_first17).expect("demo ID numbers are well formed")
    }
}

/// What a run of the seed created (zero everywhere on a second run).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users: u32,
    pub roles: u32,
    pub organisations: u32,
    pub villages: u32,
    pub pairings: u32,
    pub households: u32,
}

/// Every region code the demo data set refers to.
fn referenced_regions() -> Vec<&'static str> {
    let mut codes: Vec<&str> = ORGANISATIONS.iter().map(|o| o.region).collect();
    codes.extend(VILLAGES.iter().map(|v| v.code));
    for pairing in PAIRINGS {
        codes.extend(pairing.helper_region);
        codes.extend(pairing.targets);
    }
    for user in USERS {
        for (_, scope) in user.roles {
            if let Scope::Region(code) = scope {
                codes.push(code);
            }
        }
    }
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Creates whatever part of the demo data set is missing. Households are registered through the
/// same use case a cadre's request goes through, as the demo cadre. Organisations, villages'
/// profiles and pairings are written through the store directly, in one transaction with the
/// accounts: their use cases would also make the demo administrator an administrator of each
/// organisation and mail its verification.
pub async fn seed(db: &DatabaseConnection, sealer: &Sealer) -> anyhow::Result<SeedReport> {
    let wanted = referenced_regions();
    let codes: Vec<RegionCode> = wanted
        .iter()
        .map(|c| RegionCode::parse(c).expect("demo region codes are valid"))
        .collect();
    let found = region_store::find_many(db, &codes).await?;
    if found.len() != wanted.len() {
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|c| !found.iter().any(|r| r.code == **c))
            .copied()
            .collect();
        bail!(
            "the demo needs regions that are not loaded ({}); run `duijie regions import` first",
            missing.join(", ")
        );
    }

    // Hash once, outside the transaction: argon2 is deliberately slow.
    let password_hash = password::hash(DEMO_PASSWORD).context("hashing the demo password")?;
    let txn = crate::store::begin_write(db).await?;
    let mut report = SeedReport::default();
    let now = crate::clock::now();

    let admin_id = ensure_user(&txn, &USERS[0], &password_hash, &mut report).await?;
    for org in ORGANISATIONS {
        if seed::organisation_id(&txn, org.name).await?.is_none() {
            let credit_code = org
                .credit_code
                .map(|c| CreditCode::parse(c).expect("demo credit codes are valid"));
            let region = RegionCode::parse(org.region).expect("demo region codes are valid");
            let new = NewOrganisationRow {
                kind: org.kind,
                name: org.name,
                credit_code: credit_code.as_ref(),
                region: Some(&region),
                contact_email: None,
                description: None,
                created_by: admin_id,
                at: now,
            };
            let created = organisation_store::insert(&txn, &new).await?;
            if org.verified {
                organisation_store::mark_verified(&txn, created.id, admin_id, now).await?;
            }
            report.organisations += 1;
        }
    }

    for village in VILLAGES {
        let code = RegionCode::parse(village.code).expect("demo region codes are valid");
        let profile = VillageProfile {
            village: &code,
            is_poor: village.is_poor,
            population: village.population,
            household_count: village.households,
            profile: village.profile,
        };
        if region_store::add_village(&txn, &profile, now).await? {
            report.villages += 1;
        }
    }

    let starts_on = NaiveDate::from_ymd_opt(2016, 1, 1).expect("valid date");
    for pairing in PAIRINGS {
        if seed::pairing_id(&txn, pairing.name).await?.is_some() {
            continue;
        }
        let helper_organisation_id = match pairing.helper_organisation {
            Some(name) => Some(organisation_id(&txn, name).await?),
            None => None,
        };
        let region = |code| RegionCode::parse(code).expect("demo region codes are valid");
        let helper_region = pairing.helper_region.map(region);
        let targets: Vec<RegionCode> = pairing.targets.iter().copied().map(region).collect();
        let new = NewPairingRow {
            program: pairing.program,
            name: pairing.name,
            helper_organisation_id,
            helper_region: helper_region.as_ref(),
            targets: &targets,
            starts_on,
            ends_on: None,
            created_by: admin_id,
            at: now,
        };
        let id = pairing_store::insert(&txn, &new).await?;
        for member in pairing.members {
            let member = organisation_id(&txn, member).await?;
            pairing_store::add_member(&txn, id, member, admin_id, now).await?;
        }
        report.pairings += 1;
    }

    for user in USERS {
        let user_id = ensure_user(&txn, user, &password_hash, &mut report).await?;
        for (role, scope) in user.roles {
            let role = Role::parse(role).expect("demo roles are valid");
            let organisation;
            let pairing;
            let scope = match *scope {
                Scope::Platform => GrantScope::Platform,
                Scope::Region(code) => GrantScope::Region(code),
                Scope::Organisation(name) => {
                    organisation = organisation_id(&txn, name).await?;
                    GrantScope::Organisation(organisation)
                }
                Scope::Pairing(name) => {
                    pairing = pairing_id(&txn, name).await?;
                    GrantScope::Pairing(pairing)
                }
            };
            if account_store::grant_role(
                &txn,
                user_id,
                role,
                scope,
                Some(admin_id),
                crate::clock::now(),
            )
            .await?
            {
                report.roles += 1;
            }
        }
    }

    txn.commit().await?;

    for household in HOUSEHOLDS {
        let hashes = sealer.id_card_hashes(&household.id_card());
        let exists = households::holder(db, &hashes)
            .await
            .map_err(|e| anyhow::anyhow!("looking a demo household up: {e}"))?
            .is_some();
        if exists {
            continue;
        }
        let cadre = account_store::find_by_email(db, household.cadre)
            .await?
            .with_context(|| format!("demo cadre {} is missing", household.cadre))?;
        let actor = account_store::load_actor(db, cadre.id).await?;
        let new = NewHousehold {
            village_code: household.village.to_owned(),
            head_name: household.head_name.into(),
            id_card_number: household.id_card().expose().to_owned(),
            phone: Some(household.phone.into()),
            address: Some(household.address.into()),
            members_count: household.members,
            poverty_causes: household.causes.iter().map(|c| (*c).to_owned()).collect(),
        };
        households::create(db, sealer, &actor, new, &Origin::cli().with_user(cadre.id))
            .await
            .map_err(|e| anyhow::anyhow!("registering a demo household: {e}"))?;
        report.households += 1;
    }
    Ok(report)
}

/// The demo accounts, for the README and the seed's closing log lines.
pub fn account_emails() -> impl Iterator<Item = &'static str> {
    USERS.iter().map(|u| u.email)
}

async fn ensure_user(
    db: &impl ConnectionTrait,
    user: &DemoUser,
    password_hash: &str,
    report: &mut SeedReport,
) -> anyhow::Result<i64> {
    if let Some(existing) = account_store::find_by_email(db, user.email).await? {
        return Ok(existing.id);
    }
    let created = account_store::insert_user(
        db,
        Some(user.email.to_owned()),
        None,
        password_hash.to_owned(),
        user.name,
        // Demo accounts act at once.
        true,
        crate::clock::now(),
    )
    .await?;
    report.users += 1;
    Ok(created.id)
}

async fn organisation_id(db: &impl ConnectionTrait, name: &str) -> anyhow::Result<i64> {
    seed::organisation_id(db, name)
        .await?
        .with_context(|| format!("demo organisation {name} is missing"))
}

async fn pairing_id(db: &impl ConnectionTrait, name: &str) -> anyhow::Result<i64> {
    seed::pairing_id(db, name)
        .await?
        .with_context(|| format!("demo pairing {name} is missing"))
}
