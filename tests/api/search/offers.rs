//! The conformance suite of the offers index: what any `SearchIndex<OfferDocument>` must do,
//! run against each engine on the same eight offers. Text (a word of the title, of the
//! description, of the offerer's name and the job's place, synonyms, the last word as a prefix),
//! every filter, the region filter through `region_filter_values` (an offer's reach, the regions
//! inside it and around it, offers that go anywhere), facets, every sort, paging, replacing and
//! deleting documents, fingerprints.

use chrono::{DateTime, Duration, TimeZone, Utc};
use duijie::domain::need::{Category, Unit};
use duijie::domain::offer::{
    Destination, OfferKind, OfferStatus, PlacedRegion, PublicOffer, region_filter_values,
};
use duijie::domain::pairing::Program;
use duijie::domain::region::RegionCode;
use duijie::search::{Condition, Document, OfferDocument, SearchQuery};

use super::conformance::{any_of, counts, ids, ordered, query, set, sorted_by};
use super::{Engine, TestIndex, disjunctive};
use crate::engine_test;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()
}

struct Spec {
    id: i64,
    kind: OfferKind,
    category: Category,
    unit: Unit,
    title: &'static str,
    description: &'static str,
    /// `None`: a person's offer.
    organisation: Option<(i64, &'static str)>,
    destination: Destination,
    /// Where it may go: a region code, at any level.
    reach: &'static [(&'static str, &'static str)],
    programmes: &'static [Program],
    job_place: Option<&'static str>,
    quantity: i64,
    remaining: i64,
    status: OfferStatus,
    listed_days_ago: i64,
    valid_days: i64,
}

fn document(spec: Spec) -> OfferDocument {
    let offer = PublicOffer {
        id: spec.id,
        kind: spec.kind,
        kind_label: spec.kind.label_zh().to_owned(),
        category: spec.category,
        category_label: spec.category.label_zh().to_owned(),
        title: spec.title.to_owned(),
        description: spec.description.to_owned(),
        unit: spec.unit,
        unit_label: spec.unit.label_zh().to_owned(),
        quantity: spec.quantity,
        remaining: spec.remaining,
        matched: spec.quantity - spec.remaining,
        status: spec.status,
        organisation_id: spec.organisation.map(|(id, _)| id),
        offered_by_name: spec
            .organisation
            .map_or("爱心人士", |(_, name)| name)
            .to_owned(),
        destination: spec.destination,
        regions: spec
            .reach
            .iter()
            .map(|(code, name)| PlacedRegion {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
            })
            .collect(),
        valid_until: base() + Duration::days(spec.valid_days),
        job_place: spec.job_place.map(str::to_owned),
        pay_min_fen: spec.job_place.map(|_| 450_000),
        pay_max_fen: spec.job_place.map(|_| 600_000),
        requirements: spec.job_place.map(|_| "18至45周岁，身体健康".to_owned()),
        deliver_by: None,
        published_at: Some(base() - Duration::days(spec.listed_days_ago)),
        updated_at: base(),
    };
    let reach: Vec<RegionCode> = spec
        .reach
        .iter()
        .map(|(code, _)| RegionCode::parse(code).unwrap())
        .collect();
    OfferDocument::new(offer, &reach, spec.programmes.to_vec())
}

const FACTORY: Option<(i64, &str)> = Some((11, "梅州电子有限公司"));
const AGENCY: Option<(i64, &str)> = Some((12, "省直机关工委"));
const PAIRED_CITY: Option<(i64, &str)> = Some((13, "深圳市对口协作办"));
const COURIER: Option<(i64, &str)> = Some((14, "顺达物流"));

/// Eight offers: distinct listing days, end dates and remaining quantities, so that every sort
/// has one right answer. Their reach: 1 平远县, 2 墩背村 (in 平远县), 4 蕉岭县 (平远县's sibling),
/// 5 梅州市, 6 大柘镇 (in 平远县), 8 和平县 (河源市); 3 and 7 go anywhere.
fn fixture() -> Vec<OfferDocument> {
    use Category::*;
    use Program::*;
    vec![
        document(Spec {
            id: 1,
            kind: OfferKind::Jobs,
            category: Employment,
            unit: Unit::Position,
            title: "电子厂招聘普工",
            description: "流水线操作，包吃住，月薪四千五起。",
            organisation: FACTORY,
            destination: Destination::Regions,
            reach: &[("441426", "平远县")],
            programmes: &[Wanqi],
            job_place: Some("东莞市"),
            quantity: 30,
            remaining: 30,
            status: OfferStatus::Published,
            listed_days_ago: 5,
            valid_days: 60,
        }),
        document(Spec {
            id: 2,
            kind: OfferKind::Goods,
            category: Education,
            unit: Unit::Set,
            title: "捐赠课桌椅",
            description: "全新课桌椅五十套，可送货到村小学。",
            organisation: AGENCY,
            destination: Destination::Pairings,
            reach: &[("441426100201", "墩背村委会")],
            programmes: &[Dingdian],
            job_place: None,
            quantity: 50,
            remaining: 20,
            status: OfferStatus::Published,
            listed_days_ago: 9,
            valid_days: 30,
        }),
        document(Spec {
            id: 3,
            kind: OfferKind::Money,
            category: Medical,
            unit: Unit::Money,
            title: "助医资金",
            description: "资助村卫生室添置血压计等设备。",
            organisation: None,
            destination: Destination::Anywhere,
            reach: &[],
            programmes: &[],
            job_place: None,
            quantity: 500_000,
            remaining: 500_000,
            status: OfferStatus::Published,
            listed_days_ago: 2,
            valid_days: 90,
        }),
        document(Spec {
            id: 4,
            kind: OfferKind::Purchasing,
            category: Consumption,
            unit: Unit::Money,
            title: "采购山区蜂蜜",
            description: "职工食堂每月收农产品。",
            organisation: PAIRED_CITY,
            destination: Destination::Regions,
            reach: &[("441427", "蕉岭县")],
            programmes: &[Duikou],
            job_place: None,
            quantity: 2_000_000,
            remaining: 1_500_000,
            status: OfferStatus::Published,
            listed_days_ago: 1,
            valid_days: 45,
        }),
        document(Spec {
            id: 5,
            kind: OfferKind::Services,
            category: Medical,
            unit: Unit::PersonTime,
            title: "义诊服务",
            description: "三甲医院医生下乡看病。",
            organisation: AGENCY,
            destination: Destination::Regions,
            reach: &[("4414", "梅州市")],
            programmes: &[Dingdian],
            job_place: None,
            quantity: 100,
            remaining: 0,
            status: OfferStatus::Exhausted,
            listed_days_ago: 12,
            valid_days: 20,
        }),
        document(Spec {
            id: 6,
            kind: OfferKind::Goods,
            category: DailyGoods,
            unit: Unit::Item,
            title: "冬季棉被",
            description: "羽绒棉被两百床。",
            organisation: FACTORY,
            destination: Destination::Regions,
            reach: &[("441426100", "大柘镇")],
            // An organisation in two programmes, one through two pairings.
            programmes: &[Wanqi, Dingdian, Wanqi],
            job_place: None,
            quantity: 200,
            remaining: 150,
            status: OfferStatus::Paused,
            listed_days_ago: 20,
            valid_days: 10,
        }),
        document(Spec {
            id: 7,
            kind: OfferKind::Jobs,
            category: Employment,
            unit: Unit::Position,
            title: "物流公司招收快递员",
            description: "会骑电动车，多劳多得。",
            organisation: COURIER,
            destination: Destination::Anywhere,
            reach: &[],
            programmes: &[],
            job_place: Some("广州市"),
            quantity: 10,
            remaining: 8,
            status: OfferStatus::Published,
            listed_days_ago: 3,
            valid_days: 40,
        }),
        document(Spec {
            id: 8,
            kind: OfferKind::Goods,
            category: Education,
            unit: Unit::Item,
            title: "学习用品",
            description: "文具和作业本各一百份。",
            organisation: None,
            destination: Destination::Regions,
            reach: &[("441624", "和平县")],
            programmes: &[],
            job_place: None,
            quantity: 100,
            remaining: 100,
            status: OfferStatus::Published,
            listed_days_ago: 7,
            valid_days: 25,
        }),
    ]
}

async fn loaded(engine: Engine) -> TestIndex<OfferDocument> {
    let index = TestIndex::<OfferDocument>::of(engine).await;
    index.index.upsert(&fixture()).await.unwrap();
    index
}

fn filtered(conditions: Vec<Condition>) -> SearchQuery {
    SearchQuery {
        conditions,
        ..query("")
    }
}

/// The one condition a search for offers that may go to or into `region` makes.
fn in_region(region: &str) -> Condition {
    Condition::AnyOf {
        field: "region_codes".into(),
        values: region_filter_values(&RegionCode::parse(region).unwrap()),
    }
}

engine_test! {
    async fn offers_are_found_by_the_words_of_their_text(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // A word of the title.
        assert_eq!(ids(index, &query("蜂蜜")).await, set(&[4]));
        assert_eq!(ids(index, &query("棉被")).await, set(&[6]));
        // Of the description.
        assert_eq!(ids(index, &query("血压计")).await, set(&[3]));
        // Of the offerer's name, and of the job's place.
        assert_eq!(ids(index, &query("梅州电子")).await, set(&[1, 6]));
        assert_eq!(ids(index, &query("东莞")).await, set(&[1]));
        // Every word must be there.
        assert_eq!(ids(index, &query("蜂蜜 棉被")).await, set(&[]));
        assert_eq!(ids(index, &query("飞机")).await, set(&[]));
        // No words at all lists everything.
        assert_eq!(ids(index, &query("")).await, set(&[1, 2, 3, 4, 5, 6, 7, 8]));
    }
}

engine_test! {
    async fn offer_synonyms_find_each_other(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // 招工 ↔ 就业, 岗位 (search-config/offers.json): the job offers' kind, 就业岗位.
        assert_eq!(ids(index, &query("招工")).await, set(&[1, 7]));
        // 购买 ↔ 采购, 消费: the purchasing offer.
        assert_eq!(ids(index, &query("购买")).await, set(&[4]));
        // The needs' synonyms hold here too: 书包 ↔ 学习用品.
        assert_eq!(ids(index, &query("书包")).await, set(&[8]));
    }
}

engine_test! {
    async fn the_last_word_of_an_offer_search_is_a_prefix(engine: Engine) {
        let t = loaded(engine).await;
        assert_eq!(ids(t.index.as_ref(), &query("蜂")).await, set(&[4]));
        assert_eq!(ids(t.index.as_ref(), &query("卫生")).await, set(&[3]));
    }
}

engine_test! {
    async fn every_offer_filter_narrows(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let by = |field: &str, values: &[&str]| filtered(vec![any_of(field, values)]);
        assert_eq!(ids(index, &by("kind", &["jobs"])).await, set(&[1, 7]));
        assert_eq!(ids(index, &by("kind", &["goods", "money"])).await, set(&[2, 3, 6, 8]));
        assert_eq!(ids(index, &by("category", &["education"])).await, set(&[2, 8]));
        assert_eq!(ids(index, &by("category", &["medical", "consumption"])).await, set(&[3, 4, 5]));
        assert_eq!(ids(index, &by("offerer_id", &["org:11"])).await, set(&[1, 6]));
        assert_eq!(ids(index, &by("offerer_id", &["org:12", "org:13"])).await, set(&[2, 4, 5]));
        assert_eq!(ids(index, &by("offerer_id", &["person"])).await, set(&[3, 8]));
        assert_eq!(ids(index, &by("programmes", &["wanqi"])).await, set(&[1, 6]));
        assert_eq!(ids(index, &by("programmes", &["dingdian"])).await, set(&[2, 5, 6]));
        assert_eq!(ids(index, &by("programmes", &["duikou"])).await, set(&[4]));
        assert_eq!(ids(index, &by("status", &["published"])).await, set(&[1, 2, 3, 4, 7, 8]));
        assert_eq!(ids(index, &by("status", &["exhausted", "paused"])).await, set(&[5, 6]));
        let left = filtered(vec![Condition::GreaterThan { field: "remaining".into(), value: 0 }]);
        assert_eq!(ids(index, &left).await, set(&[1, 2, 3, 4, 6, 7, 8]));
        // Filters combine with each other and with words.
        let published_goods = filtered(vec![
            any_of("kind", &["goods"]),
            any_of("status", &["published"]),
        ]);
        assert_eq!(ids(index, &published_goods).await, set(&[2, 8]));
        let jobs_for_a_village = filtered(vec![any_of("kind", &["jobs"]), in_region("441426100201")]);
        assert_eq!(ids(index, &jobs_for_a_village).await, set(&[1, 7]));
        let worded = SearchQuery {
            conditions: vec![any_of("offerer_id", &["org:11"])],
            ..query("棉被")
        };
        assert_eq!(ids(index, &worded).await, set(&[6]));
    }
}

engine_test! {
    async fn one_region_condition_finds_offers_going_to_into_or_over_a_region(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let found = |region: &str| filtered(vec![in_region(region)]);
        // 平远县's offer (1) is found by the county, by its city and by a village inside it,
        // not by its sibling county 蕉岭县; offers that go anywhere (3, 7) by every region.
        assert_eq!(ids(index, &found("441426")).await, set(&[1, 2, 3, 5, 6, 7]));
        assert_eq!(ids(index, &found("4414")).await, set(&[1, 2, 3, 4, 5, 6, 7]));
        assert_eq!(ids(index, &found("441426100201")).await, set(&[1, 2, 3, 5, 6, 7]));
        assert_eq!(ids(index, &found("441426100202")).await, set(&[1, 3, 5, 6, 7]));
        assert_eq!(ids(index, &found("441427")).await, set(&[3, 4, 5, 7]));
        assert_eq!(ids(index, &found("441427102204")).await, set(&[3, 4, 5, 7]));
        // The province holds every reach; another city sees its own and the anywhere offers;
        // another province only those.
        assert_eq!(ids(index, &found("44")).await, set(&[1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(ids(index, &found("441624103205")).await, set(&[3, 7, 8]));
        assert_eq!(ids(index, &found("110116")).await, set(&[3, 7]));
    }
}

engine_test! {
    async fn offer_facets_count_kinds_and_categories_of_the_offers_found(engine: Engine) {
        let t = loaded(engine).await;
        let facets = vec!["kind".to_owned(), "category".to_owned()];
        let everything = SearchQuery { facets: facets.clone(), ..query("") };
        let found = t.index.search(&everything).await.unwrap();
        assert_eq!(
            found.facets["kind"],
            counts(&[("goods", 3), ("jobs", 2), ("money", 1), ("purchasing", 1), ("services", 1)])
        );
        assert_eq!(
            found.facets["category"],
            counts(&[
                ("consumption", 1),
                ("daily_goods", 1),
                ("education", 2),
                ("employment", 2),
                ("medical", 2),
            ])
        );
        // Over what was found, not over everything.
        let in_jiaoling = SearchQuery { facets, conditions: vec![in_region("441427")], ..query("") };
        let found = t.index.search(&in_jiaoling).await.unwrap();
        assert_eq!(found.total, 4);
        assert_eq!(
            found.facets["kind"],
            counts(&[("jobs", 1), ("money", 1), ("purchasing", 1), ("services", 1)])
        );
        assert_eq!(
            found.facets["category"],
            counts(&[("consumption", 1), ("employment", 1), ("medical", 2)])
        );
    }
}

engine_test! {
    async fn offer_facets_ignore_their_own_filter_and_keep_the_others(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let searched = |text: &str, conditions: Vec<Condition>| SearchQuery {
            facets: vec!["kind".into(), "category".into(), "programmes".into()],
            conditions,
            ..query(text)
        };
        let jiaoling_kinds =
            counts(&[("jobs", 1), ("money", 1), ("purchasing", 1), ("services", 1)]);
        // 资金 ticked for 蕉岭县: the other kinds that reach it stay listed.
        let (found, counted) = disjunctive(
            index,
            &searched("", vec![any_of("kind", &["money"]), in_region("441427")]),
        )
        .await;
        assert_eq!(set(&found), set(&[3]));
        assert_eq!(counted["kind"], jiaoling_kinds);
        assert_eq!(counted["category"], counts(&[("medical", 1)]));
        // A second kind: the union, and the same kind counts.
        let (found, counted) = disjunctive(
            index,
            &searched("", vec![any_of("kind", &["money", "services"]), in_region("441427")]),
        )
        .await;
        assert_eq!(set(&found), set(&[3, 5]));
        assert_eq!(counted["kind"], jiaoling_kinds);
        assert_eq!(counted["category"], counts(&[("medical", 2)]));
        assert_eq!(counted["programmes"], counts(&[("dingdian", 1)]));
        // Kind and category both ticked, finding nothing: each counted under the other.
        let (found, counted) = disjunctive(
            index,
            &searched(
                "",
                vec![
                    any_of("kind", &["money"]),
                    any_of("category", &["employment"]),
                    in_region("441427"),
                ],
            ),
        )
        .await;
        assert!(found.is_empty());
        assert_eq!(counted["kind"], counts(&[("jobs", 1)]));
        assert_eq!(counted["category"], counts(&[("medical", 1)]));
        // With words: 招工 finds the two job offers, which a ticked 物资 does not hide.
        let (found, counted) =
            disjunctive(index, &searched("招工", vec![any_of("kind", &["goods"])])).await;
        assert!(found.is_empty());
        assert_eq!(counted["kind"], counts(&[("jobs", 2)]));
        assert!(counted["category"].is_empty());
    }
}

engine_test! {
    async fn every_offer_sort_orders_the_offers(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let sorted = |field: &str, descending: bool| SearchQuery {
            sort: sorted_by(field, descending),
            ..query("")
        };
        // Newest first.
        assert_eq!(ordered(index, &sorted("listed_ts", true)).await, [4, 3, 7, 1, 8, 2, 5, 6]);
        // Ending soonest first.
        assert_eq!(ordered(index, &sorted("valid_until_ts", false)).await, [6, 5, 8, 2, 7, 4, 1, 3]);
        // Most left first (in each offer's unit).
        assert_eq!(ordered(index, &sorted("remaining", true)).await, [4, 3, 6, 8, 1, 2, 7, 5]);
        // A sort applies to what the words found.
        let worded = SearchQuery { sort: sorted_by("listed_ts", true), ..query("招工") };
        assert_eq!(ordered(index, &worded).await, [7, 1]);
    }
}

engine_test! {
    async fn pages_split_the_sorted_offers(engine: Engine) {
        let t = loaded(engine).await;
        let page = |page: usize| SearchQuery {
            sort: sorted_by("valid_until_ts", false),
            page,
            per_page: 3,
            ..query("")
        };
        let second = t.index.search(&page(2)).await.unwrap();
        assert_eq!(second.total, 8);
        assert_eq!(second.hits.iter().map(|h| h.id()).collect::<Vec<_>>(), [2, 7, 4]);
        let last = t.index.search(&page(3)).await.unwrap();
        assert_eq!(last.total, 8);
        assert_eq!(last.hits.iter().map(|h| h.id()).collect::<Vec<_>>(), [1, 3]);
        assert!(t.index.search(&page(4)).await.unwrap().hits.is_empty());
    }
}

engine_test! {
    async fn an_offer_upsert_replaces_and_a_delete_removes(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // Offer 1 is re-titled and half taken: the old words no longer find it.
        let mut changed = fixture().remove(0).offer;
        changed.title = "电子厂招聘质检员".into();
        changed.remaining = 15;
        changed.matched = 15;
        let reach = [RegionCode::parse("441426").unwrap()];
        let changed = OfferDocument::new(changed, &reach, vec![Program::Wanqi]);
        index.upsert(std::slice::from_ref(&changed)).await.unwrap();
        assert_eq!(ids(index, &query("质检员")).await, set(&[1]));
        assert_eq!(ids(index, &query("普工")).await, set(&[]));
        let found = index.search(&query("质检员")).await.unwrap();
        assert_eq!(found.hits[0].offer.remaining, 15);
        assert_eq!(found.hits[0].fingerprint, changed.fingerprint);
        assert_eq!(ids(index, &query("")).await.len(), 8, "replaced, not added");

        index.delete(&[2, 8, 999]).await.unwrap();
        assert_eq!(ids(index, &query("")).await, set(&[1, 3, 4, 5, 6, 7]));
        assert_eq!(ids(index, &query("课桌椅")).await, set(&[]));
        let facets = SearchQuery { facets: vec!["category".into()], ..query("") };
        let found = index.search(&facets).await.unwrap();
        assert_eq!(found.facets["category"].get("education"), None);
        index.delete(&[]).await.unwrap();
    }
}

engine_test! {
    async fn offer_fingerprints_list_every_document(engine: Engine) {
        let t = loaded(engine).await;
        let prints = t.index.fingerprints().await.unwrap();
        let expected: std::collections::HashMap<i64, String> =
            fixture().into_iter().map(|d| (d.id(), d.fingerprint)).collect();
        assert_eq!(prints, expected);
        t.index.health().await.unwrap();
        // Preparing again keeps the documents.
        assert!(!t.index.prepare().await.unwrap());
        assert_eq!(t.index.fingerprints().await.unwrap().len(), 8);
    }
}

engine_test! {
    async fn offer_hits_are_whole_public_documents(engine: Engine) {
        let t = loaded(engine).await;
        let found = t.index.search(&query("东莞")).await.unwrap();
        let hit = serde_json::to_value(&found.hits[0]).unwrap();
        let expected = serde_json::to_value(&fixture()[0]).unwrap();
        assert_eq!(hit, expected);
    }
}
