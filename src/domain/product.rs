//! 扶贫产品: what a village cooperative sells — its honey, tea, pomelos — so that a canteen, an
//! enterprise's union or a paired city can buy instead of give (以购代捐, seeds 002 and 004:
//! "畅通农产品流通渠道", "农超对接、直销配送、电商农业"). Pure rules: a product's life, what its
//! fields must be, its certification (扶贫产品认定) and what the public sees of it.
//!
//! ```text
//! draft ─list─► listed ─delist─► delisted ─list─► listed
//! ```
//!
//! A product is sold from a stock (in its unit, never below zero: one guarded update in the
//! database) or by season, made to order between two days; either way an order takes at least
//! its minimum. Only a product certified by a verifier of its area, on the day it is ordered,
//! counts as 消费扶贫 in the figures.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::authz::{Action, Actor, Target};
use super::region::RegionCode;

code_enum! {
    /// What a product is.
    pub enum ProductCategory {
        Grain = ("grain", "粮油"),
        Vegetables = ("vegetables", "蔬菜"),
        Fruit = ("fruit", "水果"),
        Tea = ("tea", "茶叶"),
        Honey = ("honey", "蜂蜜"),
        MeatEggs = ("meat_eggs", "肉禽蛋"),
        Handicraft = ("handicraft", "手工艺品"),
        Other = ("other", "其他"),
    }
}

code_enum! {
    /// What a product is sold by.
    pub enum SaleUnit {
        Jin = ("jin", "斤"),
        Kg = ("kg", "公斤"),
        Item = ("item", "件"),
        Box = ("box", "箱"),
        Bottle = ("bottle", "瓶"),
        Bag = ("bag", "袋"),
    }
}

code_enum! {
    pub enum ProductStatus {
        /// Being written; seen by its seller's people only.
        Draft = ("draft", "草稿"),
        /// On sale: public, searchable, open to orders.
        Listed = ("listed", "在售"),
        /// Taken off sale by its seller; its orders go on.
        Delisted = ("delisted", "已下架"),
    }
}

code_enum! {
    /// Something that happened to a product, as its timeline tells it.
    pub enum ProductEventKind {
        Created = ("created", "创建产品"),
        Edited = ("edited", "修改"),
        Listed = ("listed", "上架"),
        Delisted = ("delisted", "下架"),
        Restocked = ("restocked", "调整库存"),
        Certified = ("certified", "认定为扶贫产品"),
        CertificationRevoked = ("certification_revoked", "撤销扶贫产品认定"),
    }
}

impl SaleUnit {
    /// The unit in English.
    pub fn label_en(self) -> &'static str {
        match self {
            SaleUnit::Jin => "jin",
            SaleUnit::Kg => "kg",
            SaleUnit::Item => "item(s)",
            SaleUnit::Box => "box(es)",
            SaleUnit::Bottle => "bottle(s)",
            SaleUnit::Bag => "bag(s)",
        }
    }
}

impl ProductStatus {
    /// Whether the public sees a product in this status (a delisted one stays readable: its
    /// buyers' orders point to it).
    pub fn is_public(self) -> bool {
        self != ProductStatus::Draft
    }
}

/// The most a unit may cost, in fen: 10 万元.
pub const MAX_UNIT_PRICE_FEN: i64 = 10_000_000;
/// The most a stock, a minimum order or an order may count, in the unit.
pub const MAX_QUANTITY: i64 = 10_000_000;
/// The longest season window, in days.
pub const MAX_SEASON_DAYS: i64 = 366;
/// The most households one product may say it supports.
pub const MAX_HOUSEHOLDS: i64 = 100_000;
/// Below this, the public is told "fewer than 5", never the count (DESIGN §2a).
pub const HOUSEHOLDS_SHOWN_FROM: i64 = 5;

/// Whether `actor` may list and edit a product of cooperative `seller` from `village`, and
/// confirm, ship and settle its orders: the cooperative's people and the village's cadres.
pub fn may_sell(actor: &Actor, seller: i64, village: &RegionCode) -> bool {
    actor.can(Action::SellProduct, Target::Organisation(seller))
        || actor.can(Action::SellProduct, Target::Region(village))
}

/// Whether `actor` may certify a product from `village`: a verifier of its area.
pub fn may_certify(actor: &Actor, village: &RegionCode) -> bool {
    actor.can(Action::CertifyProduct, Target::Region(village))
}

/// How a product is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Supply {
    /// What is in stock, in the unit; `None` when sold by season, made to order.
    pub stock: Option<i64>,
    /// The days it may be ordered on, both included.
    pub season: Option<(NaiveDate, NaiveDate)>,
}

/// A field of a product at fault, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldFault {
    pub field: &'static str,
    pub rule: ProductRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductRule {
    /// Give a stock or a season window (or both).
    StockOrSeason,
    /// The season's last day comes before its first.
    SeasonOrder,
    /// The season runs longer than [`MAX_SEASON_DAYS`].
    SeasonTooLong,
    /// The season is over already.
    SeasonOver,
    /// More than the stock: a minimum order must be one some buyer can place.
    AboveStock(i64),
}

/// Checks a product's fields against each other (each one's range is the request body's rule).
pub fn check_supply(supply: Supply, min_order: i64, today: NaiveDate) -> Vec<FieldFault> {
    let mut faults = Vec::new();
    let mut fault = |field, rule| faults.push(FieldFault { field, rule });
    if supply.stock.is_none() && supply.season.is_none() {
        fault("stock", ProductRule::StockOrSeason);
    }
    if let Some((from, to)) = supply.season {
        if to < from {
            fault("season_to", ProductRule::SeasonOrder);
        } else if (to - from).num_days() >= MAX_SEASON_DAYS {
            fault("season_to", ProductRule::SeasonTooLong);
        } else if to < today {
            fault("season_to", ProductRule::SeasonOver);
        }
    }
    if let Some(stock) = supply.stock
        && stock > 0
        && min_order > stock
    {
        fault("min_order", ProductRule::AboveStock(stock));
    }
    faults
}

/// A product's certification as a 扶贫产品.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Certification {
    /// The certificate's number, as the county's list gives it.
    pub certificate_no: String,
    pub certified_at: DateTime<Utc>,
    /// The last day it holds.
    pub certified_until: NaiveDate,
}

impl Certification {
    /// Whether it holds on `day`.
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        day <= self.certified_until
    }
}

/// A product's row, read once (by `store::products`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRecord {
    pub id: i64,
    pub seller_id: i64,
    pub village: RegionCode,
    pub category: ProductCategory,
    pub name: String,
    pub description: String,
    pub unit: SaleUnit,
    pub unit_price_fen: i64,
    pub supply: Supply,
    pub min_order: i64,
    pub households_supported: i64,
    pub status: ProductStatus,
    pub certification: Option<Certification>,
    pub created_by: i64,
    pub listed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProductRecord {
    /// Whether it is a certified 扶贫产品 on `day`.
    pub fn certified_on(&self, day: NaiveDate) -> bool {
        self.certification.as_ref().is_some_and(|c| c.holds_on(day))
    }

    /// Whether `day` is in its season (always, for a product without one).
    pub fn in_season(&self, day: NaiveDate) -> bool {
        self.supply
            .season
            .is_none_or(|(from, to)| from <= day && day <= to)
    }

    /// Whether something of it can be ordered on `day`: listed, in season, in stock.
    pub fn available_on(&self, day: NaiveDate) -> bool {
        self.status == ProductStatus::Listed
            && self.in_season(day)
            && self.supply.stock.is_none_or(|s| s >= self.min_order)
    }
}

/// A move on a product by its seller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductAction {
    Edit,
    List,
    Delist,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductRefusal {
    #[error("only the cooperative's people and its village's cadres can do this")]
    NotSeller,
    #[error("a product that is {0} cannot be {1}")]
    WrongStatus(ProductStatus, &'static str),
    #[error("the seller is not verified yet: a product goes on sale once its cooperative is")]
    SellerUnverified,
}

/// Decides whether `actor` may take `action` on the product, and its next status.
pub fn decide_product(
    product: &ProductRecord,
    seller_verified: bool,
    action: ProductAction,
    actor: &Actor,
) -> Result<ProductStatus, ProductRefusal> {
    use ProductStatus as S;
    if !may_sell(actor, product.seller_id, &product.village) {
        return Err(ProductRefusal::NotSeller);
    }
    match (action, product.status) {
        (ProductAction::Edit, status) => Ok(status),
        (ProductAction::List, S::Draft | S::Delisted) if !seller_verified => {
            Err(ProductRefusal::SellerUnverified)
        }
        (ProductAction::List, S::Draft | S::Delisted) => Ok(S::Listed),
        (ProductAction::Delist, S::Listed) => Ok(S::Delisted),
        (ProductAction::List, status) => Err(ProductRefusal::WrongStatus(status, "listed")),
        (ProductAction::Delist, status) => Err(ProductRefusal::WrongStatus(status, "delisted")),
    }
}

/// A place, by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Place {
    pub code: String,
    /// The village with its town and county, e.g. 平远县 仁居镇 墩背村.
    pub name: String,
}

/// What anyone may see of a product: everything the seller wrote for buyers, and how many
/// registered households it supports only from [`HOUSEHOLDS_SHOWN_FROM`] up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicProduct {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: ProductCategory,
    pub unit: SaleUnit,
    pub unit_price_fen: i64,
    /// In the unit; absent for a product sold by season.
    pub stock: Option<i64>,
    pub season_from: Option<NaiveDate>,
    pub season_to: Option<NaiveDate>,
    pub min_order: i64,
    /// Registered poor households it supports; absent when fewer than 5
    /// (`few_households`), so that no small household can be told apart.
    pub households_supported: Option<i64>,
    pub few_households: bool,
    pub status: ProductStatus,
    /// Whether it is a certified 扶贫产品 today.
    pub certified: bool,
    pub certification: Option<Certification>,
    /// Whether it can be ordered today: listed, in season, in stock.
    pub available: bool,
    pub seller_id: i64,
    pub seller_name: String,
    pub origin: Place,
    pub photos: Vec<String>,
    pub listed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The public projection of a product, the one place that decides it.
pub fn public_product(
    product: &ProductRecord,
    seller_name: &str,
    origin_name: &str,
    photos: Vec<String>,
    today: NaiveDate,
) -> PublicProduct {
    let shown = product.households_supported >= HOUSEHOLDS_SHOWN_FROM;
    PublicProduct {
        id: product.id,
        name: product.name.clone(),
        description: product.description.clone(),
        category: product.category,
        unit: product.unit,
        unit_price_fen: product.unit_price_fen,
        stock: product.supply.stock,
        season_from: product.supply.season.map(|(from, _)| from),
        season_to: product.supply.season.map(|(_, to)| to),
        min_order: product.min_order,
        households_supported: shown.then_some(product.households_supported),
        few_households: !shown && product.households_supported > 0,
        status: product.status,
        certified: product.certified_on(today),
        certification: product.certification.clone(),
        available: product.available_on(today),
        seller_id: product.seller_id,
        seller_name: seller_name.to_owned(),
        origin: Place {
            code: product.village.as_str().to_owned(),
            name: origin_name.to_owned(),
        },
        photos,
        listed_at: product.listed_at,
        updated_at: product.updated_at,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::authz::{Grant, Role, Scope};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn village() -> RegionCode {
        RegionCode::parse("441426100200").unwrap()
    }

    fn product(status: ProductStatus, supply: Supply) -> ProductRecord {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        ProductRecord {
            id: 1,
            seller_id: 5,
            village: village(),
            category: ProductCategory::Honey,
            name: "百花蜜".into(),
            description: "山里的蜜".into(),
            unit: SaleUnit::Jin,
            unit_price_fen: 6000,
            supply,
            min_order: 2,
            households_supported: 3,
            status,
            certification: None,
            created_by: 9,
            listed_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            user_id: 9,
            grants: vec![Grant { role, scope }],
        }
    }

    #[test]
    fn the_cooperatives_people_and_the_villages_cadres_sell_and_no_one_else() {
        let stock = Supply {
            stock: Some(10),
            season: None,
        };
        let draft = product(ProductStatus::Draft, stock);
        let member = actor(Role::OrgMember, Scope::Organisation(5));
        let cadre = actor(Role::Cadre, Scope::Region(village()));
        let other_coop = actor(Role::OrgAdmin, Scope::Organisation(6));
        let far_cadre = actor(
            Role::Cadre,
            Scope::Region(RegionCode::parse("441624100201").unwrap()),
        );
        let verifier = actor(
            Role::Verifier,
            Scope::Region(RegionCode::parse("441426").unwrap()),
        );
        for seller in [&member, &cadre] {
            assert_eq!(
                decide_product(&draft, true, ProductAction::List, seller),
                Ok(ProductStatus::Listed)
            );
        }
        for stranger in [&other_coop, &far_cadre, &verifier] {
            assert_eq!(
                decide_product(&draft, true, ProductAction::List, stranger),
                Err(ProductRefusal::NotSeller)
            );
        }
        assert!(may_certify(&verifier, &village()));
        assert!(!may_certify(&cadre, &village()));
        assert_eq!(
            decide_product(&draft, false, ProductAction::List, &member),
            Err(ProductRefusal::SellerUnverified)
        );
        let listed = product(ProductStatus::Listed, stock);
        assert_eq!(
            decide_product(&listed, true, ProductAction::Delist, &member),
            Ok(ProductStatus::Delisted)
        );
        assert!(matches!(
            decide_product(&listed, true, ProductAction::List, &member),
            Err(ProductRefusal::WrongStatus(ProductStatus::Listed, _))
        ));
        assert!(matches!(
            decide_product(&draft, true, ProductAction::Delist, &member),
            Err(ProductRefusal::WrongStatus(ProductStatus::Draft, _))
        ));
    }

    #[test]
    fn a_product_has_a_stock_or_a_season_that_hangs_together() {
        let today = day(12, 7);
        let none = Supply {
            stock: None,
            season: None,
        };
        assert_eq!(
            check_supply(none, 1, today),
            vec![FieldFault {
                field: "stock",
                rule: ProductRule::StockOrSeason
            }]
        );
        let backwards = Supply {
            stock: None,
            season: Some((day(12, 20), day(12, 10))),
        };
        assert_eq!(
            check_supply(backwards, 1, today)[0].rule,
            ProductRule::SeasonOrder
        );
        let over = Supply {
            stock: None,
            season: Some((day(1, 1), day(3, 1))),
        };
        assert_eq!(
            check_supply(over, 1, today)[0].rule,
            ProductRule::SeasonOver
        );
        let long = Supply {
            stock: None,
            season: Some((day(1, 1), NaiveDate::from_ymd_opt(2027, 6, 1).unwrap())),
        };
        assert_eq!(
            check_supply(long, 1, today)[0].rule,
            ProductRule::SeasonTooLong
        );
        let small = Supply {
            stock: Some(5),
            season: None,
        };
        assert_eq!(
            check_supply(small, 6, today)[0].rule,
            ProductRule::AboveStock(5)
        );
        // Sold out is a state, not a fault: it can be restocked.
        let sold_out = Supply {
            stock: Some(0),
            season: None,
        };
        assert!(check_supply(sold_out, 6, today).is_empty());
        let both = Supply {
            stock: Some(300),
            season: Some((day(11, 1), day(12, 31))),
        };
        assert!(check_supply(both, 10, today).is_empty());
    }

    #[test]
    fn availability_asks_for_listing_season_and_stock() {
        let today = day(12, 7);
        let mut p = product(
            ProductStatus::Listed,
            Supply {
                stock: Some(2),
                season: Some((day(11, 1), day(12, 31))),
            },
        );
        assert!(p.available_on(today));
        assert!(!p.available_on(day(10, 31)), "before the season");
        p.supply.stock = Some(1);
        assert!(!p.available_on(today), "less than the minimum left");
        p.supply.stock = None;
        assert!(p.available_on(today), "made to order in season");
        p.status = ProductStatus::Delisted;
        assert!(!p.available_on(today));
    }

    #[test]
    fn certification_holds_until_its_last_day_and_few_households_are_not_counted_in_public() {
        let today = day(12, 7);
        let mut p = product(
            ProductStatus::Listed,
            Supply {
                stock: Some(10),
                season: None,
            },
        );
        assert!(!p.certified_on(today));
        p.certification = Some(Certification {
            certificate_no: "平扶产〔2026〕12号".into(),
            certified_at: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            certified_until: today,
        });
        assert!(p.certified_on(today));
        assert!(!p.certified_on(day(12, 8)));
        let public = public_product(&p, "合作社", "墩背村", vec![], today);
        assert_eq!(public.households_supported, None);
        assert!(public.few_households);
        assert!(public.certified);
        p.households_supported = 12;
        let public = public_product(&p, "合作社", "墩背村", vec![], today);
        assert_eq!(public.households_supported, Some(12));
        assert!(!public.few_households);
        p.households_supported = 0;
        assert!(!public_product(&p, "合作社", "墩背村", vec![], today).few_households);
    }
}

/// Hostile input (issue #18): products moved by random steps of random actors, and supplies
/// with any figures and dates.
#[cfg(test)]
mod properties {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::{VILLAGE, actors, check, quantity};

    fn day() -> impl Strategy<Value = NaiveDate> {
        // Any day the dates of a request can name (chrono's whole range).
        prop_oneof![
            (-1000i32..1000).prop_map(|d| {
                NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Duration::days(d.into())
            }),
            Just(NaiveDate::MIN),
            Just(NaiveDate::MAX),
        ]
    }

    #[test]
    fn random_steps_by_random_actors_move_a_product_only_along_its_edges() {
        let actors = actors();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        check(
            "product: state machine, random actions by random actors",
            1024,
            (
                prop_oneof![Just(20i64), Just(30), Just(99)],
                proptest::collection::vec((0usize..3, 0usize..actors.len(), any::<bool>()), 1..30),
            ),
            |(seller_id, steps)| {
                let mut product = ProductRecord {
                    id: 1,
                    seller_id,
                    village: RegionCode::parse(VILLAGE).unwrap(),
                    category: ProductCategory::ALL[0],
                    name: "百花蜜".into(),
                    description: "山里的蜜".into(),
                    unit: SaleUnit::ALL[0],
                    unit_price_fen: 6000,
                    supply: Supply {
                        stock: Some(10),
                        season: None,
                    },
                    min_order: 1,
                    households_supported: 3,
                    status: ProductStatus::Draft,
                    certification: None,
                    created_by: 1,
                    listed_at: None,
                    created_at: at,
                    updated_at: at,
                };
                for (action, who, verified) in steps {
                    let action = [
                        ProductAction::Edit,
                        ProductAction::List,
                        ProductAction::Delist,
                    ][action];
                    let actor = &actors[who];
                    let from = product.status;
                    let Ok(to) = decide_product(&product, verified, action, actor) else {
                        continue;
                    };
                    prop_assert!(may_sell(actor, seller_id, &product.village));
                    use ProductAction as A;
                    use ProductStatus as S;
                    match (from, action, to) {
                        (_, A::Edit, same) => prop_assert_eq!(same, from),
                        (S::Draft | S::Delisted, A::List, S::Listed) => prop_assert!(verified),
                        (S::Listed, A::Delist, S::Delisted) => {}
                        edge => prop_assert!(false, "no such edge: {edge:?}"),
                    }
                    product.status = to;
                }
                Ok(())
            },
        );
    }

    #[test]
    fn a_supply_is_judged_without_panicking_for_any_figures_and_dates() {
        check(
            "product: supply checks for any stock, season and minimum",
            2048,
            (
                proptest::option::of(quantity()),
                proptest::option::of((day(), day())),
                quantity(),
                day(),
            ),
            |(stock, season, min_order, today)| {
                let faults = check_supply(Supply { stock, season }, min_order, today);
                for fault in &faults {
                    match fault.rule {
                        ProductRule::StockOrSeason => {
                            prop_assert!(stock.is_none() && season.is_none())
                        }
                        ProductRule::SeasonOrder => {
                            prop_assert!(season.is_some_and(|(from, to)| to < from))
                        }
                        ProductRule::SeasonTooLong => {
                            prop_assert!(
                                season.is_some_and(
                                    |(from, to)| (to - from).num_days() >= MAX_SEASON_DAYS
                                )
                            )
                        }
                        ProductRule::SeasonOver => {
                            prop_assert!(season.is_some_and(|(_, to)| to < today))
                        }
                        ProductRule::AboveStock(s) => {
                            prop_assert!(stock == Some(s) && s > 0 && min_order > s)
                        }
                    }
                }
                Ok(())
            },
        );
    }
}
