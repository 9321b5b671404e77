//! The conformance suite of the products index: what any `SearchIndex<ProductDocument>` must
//! do, run against each engine on the same eight products. Text (a word of the name, of the
//! category, of the cooperative's name, of the origin and of the description, synonyms, the
//! last word as a prefix), every filter (category, a region at any level above the village,
//! certified, available, seller), facets, both sorts, paging, replacing and deleting
//! documents, fingerprints, and hits that are the whole public document and nothing more. The
//! products hall over HTTP, from listing to delisting, is at the end.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duijie::domain::product::{Place, ProductCategory, ProductStatus, PublicProduct, SaleUnit};
use duijie::search::{Condition, Document, ProductDocument, SearchQuery};
use serde_json::{Value, json};

use super::api::{app_on, clean_up};
use super::conformance::{any_of, counts, ids, ordered, query, set, sorted_by};
use super::{Engine, TestIndex, disjunctive};
use crate::helpers::{Backend, Session, TestApp, assert_error_code};
use crate::{engine_test, search_app_test};

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()
}

struct Spec {
    id: i64,
    name: &'static str,
    description: &'static str,
    category: ProductCategory,
    unit: SaleUnit,
    unit_price_fen: i64,
    seller: (i64, &'static str),
    /// The village's code and place name.
    origin: (&'static str, &'static str),
    certified: bool,
    available: bool,
    households: i64,
    listed_days_ago: i64,
}

fn document(spec: Spec) -> ProductDocument {
    let shown = spec.households >= 5;
    ProductDocument::new(PublicProduct {
        id: spec.id,
        name: spec.name.to_owned(),
        description: spec.description.to_owned(),
        category: spec.category,
        unit: spec.unit,
        unit_price_fen: spec.unit_price_fen,
        stock: spec.available.then_some(100),
        season_from: None,
        season_to: (!spec.available).then(|| NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
        min_order: 1,
        households_supported: shown.then_some(spec.households),
        few_households: !shown && spec.households > 0,
        status: ProductStatus::Listed,
        certified: spec.certified,
        certification: None,
        available: spec.available,
        seller_id: spec.seller.0,
        seller_name: spec.seller.1.to_owned(),
        origin: Place {
            code: spec.origin.0.to_owned(),
            name: spec.origin.1.to_owned(),
        },
        photos: vec![format!("/api/v1/photos/p{}", spec.id)],
        listed_at: Some(base() - Duration::days(spec.listed_days_ago)),
        updated_at: base(),
    })
}

const DUNBEI: (i64, &str) = (21, "墩背村农民专业合作社");
const RENJU: (i64, &str) = (22, "仁居果业合作社");
const JIAOLING: (i64, &str) = (23, "新铺镇粮油合作社");
const HEPING: (i64, &str) = (24, "和平县手工编织合作社");

const VILLAGE_A: (&str, &str) = ("441426100200", "平远县 仁居镇 墩背村");
const VILLAGE_B: (&str, &str) = ("441426100201", "平远县 仁居镇 邹坊村");
const VILLAGE_C: (&str, &str) = ("441427102204", "蕉岭县 新铺镇 黄坑村");
const VILLAGE_D: (&str, &str) = ("441624103205", "和平县 林寨镇 兴井村");

/// Eight listed products: distinct prices and listing days, so that every sort has one right
/// answer. From 平远县 (1, 2, 3, 6; 1 and 3 in one village), 蕉岭县 (4, 7), 和平县 (5, 8).
/// Certified: 1, 2, 4, 6, 8. Available: all but 2 (its season is over) and 5.
fn fixture() -> Vec<ProductDocument> {
    use ProductCategory::*;
    vec![
        document(Spec {
            id: 1,
            name: "百花蜂蜜",
            description: "深山里的野生百花蜜，一年只收一次。",
            category: Honey,
            unit: SaleUnit::Jin,
            unit_price_fen: 6000,
            seller: DUNBEI,
            origin: VILLAGE_A,
            certified: true,
            available: true,
            households: 3,
            listed_days_ago: 5,
        }),
        document(Spec {
            id: 2,
            name: "平远脐橙",
            description: "果皮薄，汁水多，产地直发。",
            category: Fruit,
            unit: SaleUnit::Box,
            unit_price_fen: 500,
            seller: RENJU,
            origin: VILLAGE_B,
            certified: true,
            available: false,
            households: 12,
            listed_days_ago: 9,
        }),
        document(Spec {
            id: 3,
            name: "高山绿茶",
            description: "海拔八百米的茶园，清明前采摘。",
            category: Tea,
            unit: SaleUnit::Jin,
            unit_price_fen: 12000,
            seller: DUNBEI,
            origin: VILLAGE_A,
            certified: false,
            available: true,
            households: 8,
            listed_days_ago: 2,
        }),
        document(Spec {
            id: 4,
            name: "沙田蜜柚",
            description: "个大皮薄，清甜化渣。",
            category: Fruit,
            unit: SaleUnit::Item,
            unit_price_fen: 800,
            seller: JIAOLING,
            origin: VILLAGE_C,
            certified: true,
            available: true,
            households: 20,
            listed_days_ago: 1,
        }),
        document(Spec {
            id: 5,
            name: "农家土鸡蛋",
            description: "林下散养，每天现捡。",
            category: MeatEggs,
            unit: SaleUnit::Item,
            unit_price_fen: 150,
            seller: HEPING,
            origin: VILLAGE_D,
            certified: false,
            available: false,
            households: 0,
            listed_days_ago: 12,
        }),
        document(Spec {
            id: 6,
            name: "客家腊肉",
            description: "传统柴火烟熏，过年送礼。",
            category: MeatEggs,
            unit: SaleUnit::Jin,
            unit_price_fen: 9000,
            seller: RENJU,
            origin: VILLAGE_B,
            certified: true,
            available: true,
            households: 6,
            listed_days_ago: 20,
        }),
        document(Spec {
            id: 7,
            name: "丝苗大米",
            description: "山泉水灌溉，一季一收。",
            category: Grain,
            unit: SaleUnit::Bag,
            unit_price_fen: 450,
            seller: JIAOLING,
            origin: VILLAGE_C,
            certified: false,
            available: true,
            households: 30,
            listed_days_ago: 3,
        }),
        document(Spec {
            id: 8,
            name: "竹编果篮",
            description: "手工竹编，结实耐用。",
            category: Handicraft,
            unit: SaleUnit::Item,
            unit_price_fen: 3500,
            seller: HEPING,
            origin: VILLAGE_D,
            certified: true,
            available: true,
            households: 5,
            listed_days_ago: 7,
        }),
    ]
}

async fn loaded(engine: Engine) -> TestIndex<ProductDocument> {
    let index = TestIndex::<ProductDocument>::of(engine).await;
    index.index.upsert(&fixture()).await.unwrap();
    index
}

fn filtered(conditions: Vec<Condition>) -> SearchQuery {
    SearchQuery {
        conditions,
        ..query("")
    }
}

engine_test! {
    async fn products_are_found_by_the_words_of_their_text(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // A word of the name.
        assert_eq!(ids(index, &query("脐橙")).await, set(&[2]));
        assert_eq!(ids(index, &query("腊肉")).await, set(&[6]));
        // Of the category's label (茶叶, the tea).
        assert_eq!(ids(index, &query("茶叶")).await, set(&[3]));
        // Of the cooperative's name, of the origin, of the description.
        assert_eq!(ids(index, &query("果业")).await, set(&[2, 6]));
        assert_eq!(ids(index, &query("蕉岭")).await, set(&[4, 7]));
        assert_eq!(ids(index, &query("柴火")).await, set(&[6]));
        // Every word must be there.
        assert_eq!(ids(index, &query("脐橙 腊肉")).await, set(&[]));
        assert_eq!(ids(index, &query("飞机")).await, set(&[]));
        assert_eq!(ids(index, &query("")).await, set(&[1, 2, 3, 4, 5, 6, 7, 8]));
    }
}

engine_test! {
    async fn product_synonyms_find_each_other(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // search-config/products.json: 蜂糖 ↔ 蜂蜜, 柚子 ↔ 蜜柚, 腊味 ↔ 腊肉, 稻米 ↔ 大米.
        assert_eq!(ids(index, &query("蜂糖")).await, set(&[1]));
        assert_eq!(ids(index, &query("柚子")).await, set(&[4]));
        assert_eq!(ids(index, &query("腊味")).await, set(&[6]));
        assert_eq!(ids(index, &query("稻米")).await, set(&[7]));
    }
}

engine_test! {
    async fn the_last_word_of_a_product_search_is_a_prefix(engine: Engine) {
        let t = loaded(engine).await;
        assert_eq!(ids(t.index.as_ref(), &query("脐")).await, set(&[2]));
        assert_eq!(ids(t.index.as_ref(), &query("客家 腊")).await, set(&[6]));
    }
}

engine_test! {
    async fn every_product_filter_narrows(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let by = |field: &str, values: &[&str]| filtered(vec![any_of(field, values)]);
        assert_eq!(ids(index, &by("category", &["fruit"])).await, set(&[2, 4]));
        assert_eq!(ids(index, &by("category", &["meat_eggs", "tea"])).await, set(&[3, 5, 6]));
        assert_eq!(ids(index, &by("certified", &["true"])).await, set(&[1, 2, 4, 6, 8]));
        assert_eq!(ids(index, &by("certified", &["false"])).await, set(&[3, 5, 7]));
        assert_eq!(ids(index, &by("available", &["true"])).await, set(&[1, 3, 4, 6, 7, 8]));
        assert_eq!(ids(index, &by("available", &["false"])).await, set(&[2, 5]));
        assert_eq!(ids(index, &by("seller_id", &["21"])).await, set(&[1, 3]));
        assert_eq!(ids(index, &by("seller_id", &["22", "23"])).await, set(&[2, 4, 6, 7]));
        assert_eq!(ids(index, &by("status", &["listed"])).await.len(), 8);
        // A region at any level finds the products of the villages in it.
        let region = |code: &str| by("region_codes", &[code]);
        assert_eq!(ids(index, &region("441426100200")).await, set(&[1, 3]));
        assert_eq!(ids(index, &region("441426100")).await, set(&[1, 2, 3, 6]));
        assert_eq!(ids(index, &region("441426")).await, set(&[1, 2, 3, 6]));
        assert_eq!(ids(index, &region("4414")).await, set(&[1, 2, 3, 4, 6, 7]));
        assert_eq!(ids(index, &region("44")).await.len(), 8);
        assert_eq!(ids(index, &by("region_codes", &["441427", "441624"])).await, set(&[4, 5, 7, 8]));
        assert_eq!(ids(index, &region("110116")).await, set(&[]));
        // Filters combine with each other and with words.
        let certified_fruit = filtered(vec![
            any_of("category", &["fruit"]),
            any_of("available", &["true"]),
            any_of("certified", &["true"]),
        ]);
        assert_eq!(ids(index, &certified_fruit).await, set(&[4]));
        let worded = SearchQuery {
            conditions: vec![any_of("region_codes", &["441426"])],
            ..query("合作社")
        };
        assert_eq!(ids(index, &worded).await, set(&[1, 2, 3, 6]));
    }
}

engine_test! {
    async fn product_facets_count_categories_and_certification_of_what_was_found(engine: Engine) {
        let t = loaded(engine).await;
        let facets = vec!["category".to_owned(), "certified".to_owned()];
        let everything = SearchQuery { facets: facets.clone(), ..query("") };
        let found = t.index.search(&everything).await.unwrap();
        assert_eq!(
            found.facets["category"],
            counts(&[("fruit", 2), ("grain", 1), ("handicraft", 1), ("honey", 1), ("meat_eggs", 2), ("tea", 1)])
        );
        assert_eq!(found.facets["certified"], counts(&[("false", 3), ("true", 5)]));
        // Over what was found, not over everything.
        let pingyuan = SearchQuery {
            facets,
            conditions: vec![any_of("region_codes", &["441426"])],
            ..query("")
        };
        let found = t.index.search(&pingyuan).await.unwrap();
        assert_eq!(found.total, 4);
        assert_eq!(
            found.facets["category"],
            counts(&[("fruit", 1), ("honey", 1), ("meat_eggs", 1), ("tea", 1)])
        );
        assert_eq!(found.facets["certified"], counts(&[("false", 1), ("true", 3)]));
    }
}

engine_test! {
    async fn product_facets_ignore_their_own_filter_and_keep_the_others(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let searched = |text: &str, conditions: Vec<Condition>| SearchQuery {
            facets: vec!["category".into(), "certified".into()],
            conditions,
            ..query(text)
        };
        let pingyuan = || any_of("region_codes", &["441426"]);
        // 水果 ticked in 平远县: its other categories stay listed.
        let (found, counted) =
            disjunctive(index, &searched("", vec![any_of("category", &["fruit"]), pingyuan()]))
                .await;
        assert_eq!(set(&found), set(&[2]));
        assert_eq!(
            counted["category"],
            counts(&[("fruit", 1), ("honey", 1), ("meat_eggs", 1), ("tea", 1)])
        );
        assert_eq!(counted["certified"], counts(&[("true", 1)]));
        // Two categories and certification: each field counted under the other's filter.
        let (found, counted) = disjunctive(
            index,
            &searched(
                "",
                vec![
                    any_of("category", &["fruit", "tea"]),
                    any_of("certified", &["true"]),
                    pingyuan(),
                ],
            ),
        )
        .await;
        assert_eq!(set(&found), set(&[2]));
        assert_eq!(
            counted["category"],
            counts(&[("fruit", 1), ("honey", 1), ("meat_eggs", 1)])
        );
        assert_eq!(counted["certified"], counts(&[("false", 1), ("true", 1)]));
        // With words: 果业 finds two products of 仁居, which a ticked 蜂蜜 does not hide.
        let (found, counted) =
            disjunctive(index, &searched("果业", vec![any_of("category", &["honey"]), pingyuan()]))
                .await;
        assert!(found.is_empty());
        assert_eq!(counted["category"], counts(&[("fruit", 1), ("meat_eggs", 1)]));
        assert!(counted["certified"].is_empty());
    }
}

engine_test! {
    async fn every_product_sort_orders_the_products(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let sorted = |field: &str, descending: bool| SearchQuery {
            sort: sorted_by(field, descending),
            ..query("")
        };
        assert_eq!(ordered(index, &sorted("listed_ts", true)).await, [4, 3, 7, 1, 8, 2, 5, 6]);
        assert_eq!(ordered(index, &sorted("unit_price_fen", false)).await, [5, 7, 2, 4, 8, 1, 6, 3]);
        assert_eq!(ordered(index, &sorted("unit_price_fen", true)).await, [3, 6, 1, 8, 4, 2, 7, 5]);
        // A sort applies to what the words found.
        let worded = SearchQuery { sort: sorted_by("unit_price_fen", false), ..query("果业") };
        assert_eq!(ordered(index, &worded).await, [2, 6]);
    }
}

engine_test! {
    async fn pages_split_the_sorted_products(engine: Engine) {
        let t = loaded(engine).await;
        let page = |page: usize| SearchQuery {
            sort: sorted_by("unit_price_fen", false),
            page,
            per_page: 3,
            ..query("")
        };
        let second = t.index.search(&page(2)).await.unwrap();
        assert_eq!(second.total, 8);
        assert_eq!(second.hits.iter().map(|h| h.id()).collect::<Vec<_>>(), [4, 8, 1]);
        let last = t.index.search(&page(3)).await.unwrap();
        assert_eq!(last.total, 8);
        assert_eq!(last.hits.iter().map(|h| h.id()).collect::<Vec<_>>(), [6, 3]);
        assert!(t.index.search(&page(4)).await.unwrap().hits.is_empty());
    }
}

engine_test! {
    async fn a_product_upsert_replaces_and_a_delete_removes(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // Product 1 is renamed, sold out and its certification lapsed.
        let mut changed = fixture().remove(0);
        changed.name = "槐花蜂蜜".into();
        changed.description = "槐花开时采的蜜。".into();
        changed.stock = Some(0);
        changed.available = false;
        changed.certified = false;
        let changed = ProductDocument { fingerprint: "changed".into(), ..changed };
        index.upsert(std::slice::from_ref(&changed)).await.unwrap();
        assert_eq!(ids(index, &query("槐花")).await, set(&[1]));
        assert_eq!(ids(index, &query("百花")).await, set(&[]));
        let certified = filtered(vec![any_of("certified", &["true"])]);
        assert_eq!(ids(index, &certified).await, set(&[2, 4, 6, 8]));
        let found = index.search(&query("槐花")).await.unwrap();
        assert_eq!(found.hits[0].stock, Some(0));
        assert_eq!(found.hits[0].fingerprint, "changed");
        assert_eq!(ids(index, &query("")).await.len(), 8, "replaced, not added");

        index.delete(&[2, 8, 999]).await.unwrap();
        assert_eq!(ids(index, &query("")).await, set(&[1, 3, 4, 5, 6, 7]));
        assert_eq!(ids(index, &query("脐橙")).await, set(&[]));
        let facets = SearchQuery { facets: vec!["category".into()], ..query("") };
        let found = index.search(&facets).await.unwrap();
        assert_eq!(found.facets["category"].get("handicraft"), None);
        index.delete(&[]).await.unwrap();
    }
}

engine_test! {
    async fn product_fingerprints_list_every_document(engine: Engine) {
        let t = loaded(engine).await;
        let prints = t.index.fingerprints().await.unwrap();
        let expected: std::collections::HashMap<i64, String> =
            fixture().into_iter().map(|d| (d.id(), d.fingerprint)).collect();
        assert_eq!(prints, expected);
        t.index.health().await.unwrap();
        assert!(!t.index.prepare().await.unwrap());
        assert_eq!(t.index.fingerprints().await.unwrap().len(), 8);
    }
}

engine_test! {
    async fn product_hits_are_whole_public_documents_and_nothing_more(engine: Engine) {
        let t = loaded(engine).await;
        let found = t.index.search(&query("百花")).await.unwrap();
        let hit = serde_json::to_value(&found.hits[0]).unwrap();
        assert_eq!(hit, serde_json::to_value(&fixture()[0]).unwrap());
        // Fewer than five households: the count is not there, only that there are a few.
        assert_eq!(hit["households_supported"], Value::Null);
        assert_eq!(hit["few_households"], true);
        // Nothing beyond the public projection's fields reaches the index: no certificate,
        // no one who created or certified it.
        let keys: std::collections::BTreeSet<&str> =
            hit.as_object().unwrap().keys().map(String::as_str).collect();
        for private in ["certification", "created_by", "certified_by", "min_order", "updated_at"] {
            assert!(!keys.contains(private), "{private} in {hit}");
        }
        assert_eq!(hit["region_codes"], json!(["44", "4414", "441426", "441426100", "441426100200"]));
        assert_eq!(hit["photo"], "/api/v1/photos/p1");
    }
}

// ---------------------------------------------------------------------------------------------
// The products hall over HTTP

/// A cooperative of 墩背村 registered by the demo donor and verified by the demo administrator;
/// the donor's session (its administrator) and its id.
async fn verified_cooperative(app: &TestApp) -> (Session, i64) {
    let donor = app.login_demo("donor").await;
    let (status, org) = donor
        .post(
            "/api/v1/organisations",
            &json!({"kind": "cooperative", "name": "墩背村蜂业合作社", "region_code": "441426100200"}),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let id = org["id"].as_i64().unwrap();
    let admin = app.login_demo("admin").await;
    let (status, body) = admin
        .post(&format!("/api/v1/organisations/{id}/verify"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    (donor, id)
}

/// Searches the products hall until it answers and `done` holds (the worker prepares and syncs
/// the index), up to 20 s.
async fn search_products_until(app: &TestApp, query: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, page) = app
            .get_json(&format!("/api/v1/products/search?{query}"))
            .await;
        if status == 200 && done(&page) {
            return page;
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(20),
            "{query}: {status} {page}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

fn hit_ids(page: &Value) -> Vec<i64> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

search_app_test! {
    async fn a_listed_product_is_found_in_the_hall_and_leaves_it_when_delisted(backend: Backend, engine: Engine) {
        let app = app_on(backend, engine, None).await;
        let (seller, org) = verified_cooperative(&app).await;
        let (status, created) = seller
            .post(
                "/api/v1/products",
                &json!({
                    "seller_id": org,
                    "category": "honey",
                    "name": "墩背百花蜂蜜",
                    "description": "深山里的野生百花蜜，一年只收一次。",
                    "unit": "jin",
                    "unit_price_fen": 6000,
                    "stock": 40,
                    "min_order": 2,
                    "households_supported": 12,
                }),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["product"]["id"].as_i64().unwrap();
        // A draft is not in the hall.
        search_products_until(&app, "q=百花", |p| hit_ids(p).is_empty()).await;

        let (status, listed) = seller.post(&format!("/api/v1/products/{id}/list"), &json!({})).await;
        assert_eq!(status, 200, "{listed}");
        let page = search_products_until(&app, "q=蜂糖", |p| hit_ids(p) == [id]).await;
        let hit = &page["hits"][0];
        assert_eq!(hit["seller_name"], "墩背村蜂业合作社");
        assert_eq!(hit["available"], true);
        assert_eq!(hit["certified"], false);
        assert_eq!(hit["households_supported"], 12);
        assert_eq!(page["facets"]["category"]["honey"], 1);
        assert_eq!(page["facets"]["certified"]["false"], 1);
        assert_eq!(page["sort"], "relevance");
        // Found by a region above its village, by its seller; not by another county.
        let (_, inside) = app.get_json(&format!("/api/v1/products/search?region=441426&seller={org}&available=true")).await;
        assert_eq!(hit_ids(&inside), [id]);
        let (_, elsewhere) = app.get_json("/api/v1/products/search?region=441427").await;
        assert_eq!(hit_ids(&elsewhere), Vec::<i64>::new());
        let (_, certified) = app.get_json("/api/v1/products/search?certified=true").await;
        assert_eq!(hit_ids(&certified), Vec::<i64>::new());
        // `/products/search` is not a product's id.
        let (status, _) = app.get_json(&format!("/api/v1/products/{id}")).await;
        assert_eq!(status, 200);

        // Bad parameters name themselves.
        for (query, code) in [
            ("category=fish", "invalid_parameter"),
            ("certified=yes", "invalid_parameter"),
            ("sort=cheapest", "invalid_parameter"),
            ("per_page=51", "invalid_parameter"),
            ("region=12345", "invalid_region_code"),
        ] {
            let (status, body) = app.get_json(&format!("/api/v1/products/search?{query}")).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert_error_code(&body, code);
        }

        // Delisted, it leaves the hall.
        let (status, body) = seller.post(&format!("/api/v1/products/{id}/delist"), &json!({})).await;
        assert_eq!(status, 200, "{body}");
        search_products_until(&app, "q=百花", |p| hit_ids(p).is_empty()).await;
        clean_up(&app);
    }
}
