//! The conformance suite: what any `SearchIndex` must do, run against each engine on the same
//! eight documents. Text (Chinese segmentation, every word required, other attributes, prefix,
//! synonyms, attribute ranking), every filter, the region filter at each of the five levels,
//! facets, every sort, paging, replacing and deleting documents, fingerprints.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, TimeZone, Utc};
use duijie::domain::household::PovertyCause;
use duijie::domain::need::{BeneficiaryKind, Category, NeedStatus, Unit, Urgency};
use duijie::search::{Condition, Document, NeedDocument, SearchIndex, SearchQuery, SortKey};
use duijie::service::needs::projection::{PublicBeneficiary, PublicNeed};
use duijie::service::search;

use super::{Engine, TestIndex, disjunctive};
use crate::engine_test;

/// One village and its ancestors: codes and names.
struct Place {
    codes: [&'static str; 5],
    names: [&'static str; 5],
}

const DUNBEI: Place = Place {
    codes: ["44", "4414", "441426", "441426100", "441426100201"],
    names: ["广东省", "梅州市", "平远县", "大柘镇", "墩背村委会"],
};
const DUNBEI_NEIGHBOUR: Place = Place {
    codes: ["44", "4414", "441426", "441426100", "441426100202"],
    names: ["广东省", "梅州市", "平远县", "大柘镇", "程西村委会"],
};
const OTHER_TOWN: Place = Place {
    codes: ["44", "4414", "441426", "441426101", "441426101203"],
    names: ["广东省", "梅州市", "平远县", "仁居镇", "邹坊村委会"],
};
const OTHER_COUNTY: Place = Place {
    codes: ["44", "4414", "441427", "441427102", "441427102204"],
    names: ["广东省", "梅州市", "蕉岭县", "蓝坊镇", "高思村委会"],
};
const OTHER_CITY: Place = Place {
    codes: ["44", "4416", "441624", "441624103", "441624103205"],
    names: ["广东省", "河源市", "和平县", "彭寨镇", "福和村委会"],
};
const OTHER_PROVINCE: Place = Place {
    codes: ["11", "1101", "110116", "110116104", "110116104206"],
    names: ["北京市", "市辖区", "怀柔区", "宝山镇", "转年村委会"],
};

struct Spec {
    id: i64,
    title: &'static str,
    description: &'static str,
    category: Category,
    status: NeedStatus,
    urgency: Urgency,
    place: Place,
    /// Household needs carry causes; village needs none.
    causes: &'static [PovertyCause],
    target: i64,
    pledged: i64,
    unit_value_fen: i64,
    deadline_days: i64,
    listed_days_ago: i64,
}

fn document(spec: Spec) -> NeedDocument {
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let kind = if spec.causes.is_empty() {
        BeneficiaryKind::Village
    } else {
        BeneficiaryKind::Household
    };
    let remaining = spec.target - spec.pledged;
    let need = PublicNeed {
        id: spec.id,
        title: spec.title.to_owned(),
        description: spec.description.to_owned(),
        category: spec.category,
        category_label: spec.category.label_zh().to_owned(),
        status: spec.status,
        unit: Unit::Item,
        unit_label: Unit::Item.label_zh().to_owned(),
        pledge_kind: Unit::Item.pledge_kind(),
        target_quantity: spec.target,
        pledged_quantity: spec.pledged,
        received_quantity: 0,
        remaining_quantity: remaining,
        min_pledge_quantity: 1,
        unit_value_fen: spec.unit_value_fen,
        target_value_fen: spec.target * spec.unit_value_fen,
        remaining_value_fen: remaining * spec.unit_value_fen,
        progress_percent: spec.pledged * 100 / spec.target,
        urgency: spec.urgency,
        deadline: base + Duration::days(spec.deadline_days),
        beneficiary: PublicBeneficiary {
            kind,
            household_size: (kind == BeneficiaryKind::Household).then_some(3),
            poverty_causes: spec.causes.to_vec(),
            summary: format!("{} · 3口之家", spec.place.names[4]),
        },
        region_codes: spec.place.codes.iter().map(|c| c.to_string()).collect(),
        region_names: spec.place.names.iter().map(|c| c.to_string()).collect(),
        notice_ends_at: None,
        published_at: Some(base - Duration::days(spec.listed_days_ago)),
        created_at: base - Duration::days(30),
        updated_at: base,
        version: 3,
    };
    NeedDocument::new(need, base - Duration::days(spec.listed_days_ago))
}

/// Eight needs: distinct deadlines, listing days, remaining values and urgencies, so that every
/// sort has one right answer.
pub(super) fn fixture() -> Vec<NeedDocument> {
    use Category::*;
    use PovertyCause::*;
    vec![
        document(Spec {
            id: 1,
            title: "为山区孩子捐赠新书包",
            description: "墩背小学三十名学生需要新书包。",
            category: Education,
            status: NeedStatus::Published,
            urgency: Urgency::Urgent,
            place: DUNBEI,
            causes: &[EducationCost],
            target: 30,
            pledged: 0,
            unit_value_fen: 8_000,
            deadline_days: 10,
            listed_days_ago: 5,
        }),
        document(Spec {
            id: 2,
            title: "教室课桌椅更新",
            description: "村小学教室的旧桌椅需要更换。",
            category: Education,
            status: NeedStatus::FullyPledged,
            urgency: Urgency::Normal,
            place: OTHER_TOWN,
            causes: &[],
            target: 40,
            pledged: 40,
            unit_value_fen: 30_000,
            deadline_days: 20,
            listed_days_ago: 9,
        }),
        document(Spec {
            id: 3,
            title: "村卫生室医疗设备",
            description: "卫生室缺少血压计和消毒柜。",
            category: Medical,
            status: NeedStatus::Published,
            urgency: Urgency::Critical,
            place: OTHER_COUNTY,
            causes: &[],
            target: 2,
            pledged: 1,
            unit_value_fen: 500_000,
            deadline_days: 5,
            listed_days_ago: 2,
        }),
        document(Spec {
            id: 4,
            title: "贫困户危房改造",
            description: "老屋漏雨，需要修缮屋顶。",
            category: Housing,
            status: NeedStatus::InNotice,
            urgency: Urgency::Urgent,
            place: OTHER_CITY,
            causes: &[Illness, Disability],
            target: 1,
            pledged: 0,
            unit_value_fen: 4_000_000,
            deadline_days: 30,
            listed_days_ago: 1,
        }),
        document(Spec {
            id: 5,
            title: "冬季棉被",
            description: "三口之家过冬缺棉被，孩子上学还缺一个书包。",
            category: DailyGoods,
            status: NeedStatus::Published,
            urgency: Urgency::Normal,
            place: DUNBEI_NEIGHBOUR,
            causes: &[LackLabour],
            target: 3,
            pledged: 1,
            unit_value_fen: 20_000,
            deadline_days: 15,
            listed_days_ago: 7,
        }),
        document(Spec {
            id: 6,
            title: "捐赠学习用品",
            description: "为留守儿童准备文具和作业本。",
            category: Education,
            status: NeedStatus::Fulfilled,
            urgency: Urgency::Normal,
            place: OTHER_PROVINCE,
            causes: &[EducationCost, LackLabour],
            target: 50,
            pledged: 50,
            unit_value_fen: 3_000,
            deadline_days: 25,
            listed_days_ago: 20,
        }),
        document(Spec {
            id: 7,
            title: "电脑技能培训岗位",
            description: "为返乡青年提供培训和就业机会。",
            category: Employment,
            status: NeedStatus::Published,
            urgency: Urgency::Critical,
            place: OTHER_TOWN,
            causes: &[],
            target: 10,
            pledged: 2,
            unit_value_fen: 100_000,
            deadline_days: 12,
            listed_days_ago: 3,
        }),
        document(Spec {
            id: 8,
            title: "农产品消费帮扶：蜂蜜",
            description: "合作社的蜂蜜需要销路。",
            category: Consumption,
            status: NeedStatus::Published,
            urgency: Urgency::Normal,
            place: OTHER_CITY,
            causes: &[],
            target: 200,
            pledged: 20,
            unit_value_fen: 6_000,
            deadline_days: 40,
            listed_days_ago: 12,
        }),
    ]
}

async fn loaded(engine: Engine) -> TestIndex<NeedDocument> {
    let index = TestIndex::new(engine).await;
    index.index.upsert(&fixture()).await.unwrap();
    index
}

pub(super) fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_owned(),
        per_page: 50,
        ..SearchQuery::all()
    }
}

pub(super) fn any_of(field: &str, values: &[&str]) -> Condition {
    Condition::AnyOf {
        field: field.to_owned(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

pub(super) fn sorted_by(field: &str, descending: bool) -> Vec<SortKey> {
    vec![SortKey {
        field: field.to_owned(),
        descending,
    }]
}

/// The ids found, as a set.
pub(super) async fn ids<D: Document>(
    index: &dyn SearchIndex<D>,
    query: &SearchQuery,
) -> BTreeSet<i64> {
    let found = index.search(query).await.unwrap();
    assert_eq!(
        found.total as usize,
        found.hits.len(),
        "one page holds them all"
    );
    found.hits.iter().map(|h| h.id()).collect()
}

/// The ids found, in order.
pub(super) async fn ordered<D: Document>(
    index: &dyn SearchIndex<D>,
    query: &SearchQuery,
) -> Vec<i64> {
    let found = index.search(query).await.unwrap();
    found.hits.iter().map(|h| h.id()).collect()
}

pub(super) fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

engine_test! {
    async fn chinese_text_is_found_by_its_words(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // A word inside a sentence, without spaces.
        assert_eq!(ids(index, &query("蜂蜜")).await, set(&[8]));
        // Every word must be there, in any order.
        assert_eq!(ids(index, &query("山区孩子")).await, set(&[1]));
        assert_eq!(ids(index, &query("孩子 山区")).await, set(&[1]));
        assert_eq!(ids(index, &query("山区 蜂蜜")).await, set(&[]));
        // The description counts.
        assert_eq!(ids(index, &query("血压计")).await, set(&[3]));
        // So do the region names, the category label and the causes of poverty.
        assert_eq!(ids(index, &query("蕉岭县")).await, set(&[3]));
        assert_eq!(ids(index, &query("河源市")).await, set(&[4, 8]));
        assert_eq!(ids(index, &query("医疗健康")).await, set(&[3]));
        assert_eq!(ids(index, &query("因病")).await, set(&[4]));
        // Nothing matches nothing.
        assert_eq!(ids(index, &query("飞机")).await, set(&[]));
        // No words at all lists everything.
        assert_eq!(ids(index, &query("")).await, set(&[1, 2, 3, 4, 5, 6, 7, 8]));
    }
}

engine_test! {
    async fn the_last_word_is_a_prefix_while_typing(engine: Engine) {
        let t = loaded(engine).await;
        assert_eq!(ids(t.index.as_ref(), &query("蜂")).await, set(&[8]));
        assert_eq!(ids(t.index.as_ref(), &query("卫生")).await, set(&[3]));
    }
}

engine_test! {
    async fn synonyms_find_each_other(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // 书包 ↔ 学习用品 (search-config/needs.json).
        assert_eq!(ids(index, &query("书包")).await, set(&[1, 5, 6]));
        assert_eq!(ids(index, &query("学习用品")).await, set(&[1, 5, 6]));
    }
}

engine_test! {
    async fn a_match_in_the_title_ranks_above_one_in_the_description(engine: Engine) {
        let t = loaded(engine).await;
        let hits = ordered(t.index.as_ref(), &query("棉被")).await;
        assert_eq!(hits, [5]);
        let hits = ordered(t.index.as_ref(), &query("书包")).await;
        // 1 has 书包 in its title, 5 only in its description (6 has a synonym in its title:
        // where it ranks is an engine's own affair).
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert!(
            hits.iter().position(|&id| id == 1) < hits.iter().position(|&id| id == 5),
            "{hits:?}"
        );
    }
}

engine_test! {
    async fn every_filter_narrows(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let filtered = |conditions: Vec<Condition>| SearchQuery {
            conditions,
            ..query("")
        };
        assert_eq!(ids(index, &filtered(vec![any_of("category", &["education"])])).await, set(&[1, 2, 6]));
        assert_eq!(
            ids(index, &filtered(vec![any_of("category", &["education", "medical"])])).await,
            set(&[1, 2, 3, 6])
        );
        assert_eq!(ids(index, &filtered(vec![any_of("urgency", &["critical"])])).await, set(&[3, 7]));
        assert_eq!(
            ids(index, &filtered(vec![any_of("beneficiary_kind", &["household"])])).await,
            set(&[1, 4, 5, 6])
        );
        assert_eq!(ids(index, &filtered(vec![any_of("status", &["in_notice"])])).await, set(&[4]));
        assert_eq!(
            ids(index, &filtered(vec![any_of("status", &["fully_pledged", "fulfilled"])])).await,
            set(&[2, 6])
        );
        assert_eq!(
            ids(index, &filtered(vec![any_of("poverty_causes", &["lack_labour"])])).await,
            set(&[5, 6])
        );
        assert_eq!(
            ids(
                index,
                &filtered(vec![Condition::GreaterThan {
                    field: "remaining_quantity".into(),
                    value: 0,
                }])
            )
            .await,
            set(&[1, 3, 4, 5, 7, 8])
        );
        // Filters combine with each other and with words.
        assert_eq!(
            ids(
                index,
                &filtered(vec![
                    any_of("category", &["education"]),
                    any_of("status", &["published"]),
                ])
            )
            .await,
            set(&[1])
        );
        let worded = SearchQuery {
            conditions: vec![any_of("status", &["published"])],
            ..query("书包")
        };
        assert_eq!(ids(index, &worded).await, set(&[1, 5]));
    }
}

engine_test! {
    async fn a_region_filter_works_at_each_of_the_five_levels(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let in_region = |code: &str| SearchQuery {
            conditions: vec![any_of("region_codes", &[code])],
            ..query("")
        };
        assert_eq!(ids(index, &in_region("44")).await, set(&[1, 2, 3, 4, 5, 7, 8]));
        assert_eq!(ids(index, &in_region("4414")).await, set(&[1, 2, 3, 5, 7]));
        assert_eq!(ids(index, &in_region("441426")).await, set(&[1, 2, 5, 7]));
        assert_eq!(ids(index, &in_region("441426100")).await, set(&[1, 5]));
        assert_eq!(ids(index, &in_region("441426100201")).await, set(&[1]));
        assert_eq!(ids(index, &in_region("110116104206")).await, set(&[6]));
        // Several regions: either.
        let either = SearchQuery {
            conditions: vec![any_of("region_codes", &["441427", "4416"])],
            ..query("")
        };
        assert_eq!(ids(index, &either).await, set(&[3, 4, 8]));
    }
}

pub(super) fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

engine_test! {
    async fn facets_count_the_values_of_the_documents_found(engine: Engine) {
        let t = loaded(engine).await;
        let facets = ["category", "urgency", "beneficiary_kind", "status", "poverty_causes"]
            .map(String::from)
            .to_vec();
        let everything = SearchQuery {
            facets: facets.clone(),
            ..query("")
        };
        let found = t.index.search(&everything).await.unwrap();
        assert_eq!(
            found.facets["category"],
            counts(&[
                ("consumption", 1),
                ("daily_goods", 1),
                ("education", 3),
                ("employment", 1),
                ("housing", 1),
                ("medical", 1),
            ])
        );
        assert_eq!(
            found.facets["urgency"],
            counts(&[("critical", 2), ("normal", 4), ("urgent", 2)])
        );
        assert_eq!(
            found.facets["beneficiary_kind"],
            counts(&[("household", 4), ("village", 4)])
        );
        // A list attribute counts each of its values.
        assert_eq!(
            found.facets["poverty_causes"],
            counts(&[
                ("disability", 1),
                ("education_cost", 2),
                ("illness", 1),
                ("lack_labour", 2),
            ])
        );
        // Over what was found, not over everything.
        let in_meizhou = SearchQuery {
            facets,
            conditions: vec![any_of("region_codes", &["4414"])],
            ..query("")
        };
        let found = t.index.search(&in_meizhou).await.unwrap();
        assert_eq!(found.total, 5);
        assert_eq!(
            found.facets["status"],
            counts(&[("fully_pledged", 1), ("published", 4)])
        );
        assert_eq!(
            found.facets["category"],
            counts(&[("daily_goods", 1), ("education", 2), ("employment", 1), ("medical", 1)])
        );
    }
}

engine_test! {
    async fn disjunctive_facets_ignore_their_own_filter_and_keep_the_others(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let facets: Vec<String> = ["category", "urgency", "beneficiary_kind", "status", "poverty_causes"]
            .map(String::from)
            .to_vec();
        let searched = |text: &str, conditions: Vec<Condition>| SearchQuery {
            facets: facets.clone(),
            conditions,
            ..query(text)
        };
        let in_meizhou = || any_of("region_codes", &["4414"]);
        // 教育 ticked in 梅州: two needs found, and the other categories of 梅州 stay listed
        // with the needs ticking them would add.
        let (found, counted) = disjunctive(
            index,
            &searched("", vec![any_of("category", &["education"]), in_meizhou()]),
        )
        .await;
        assert_eq!(set(&found), set(&[1, 2]));
        let meizhou_categories =
            counts(&[("daily_goods", 1), ("education", 2), ("employment", 1), ("medical", 1)]);
        assert_eq!(counted["category"], meizhou_categories);
        // The other fields count what was found: both filters hold.
        assert_eq!(counted["status"], counts(&[("fully_pledged", 1), ("published", 1)]));
        assert_eq!(counted["urgency"], counts(&[("normal", 1), ("urgent", 1)]));

        // A second category: the union, and the same category counts.
        let (found, counted) = disjunctive(
            index,
            &searched("", vec![any_of("category", &["education", "medical"]), in_meizhou()]),
        )
        .await;
        assert_eq!(set(&found), set(&[1, 2, 3]));
        assert_eq!(counted["category"], meizhou_categories);

        // Two fields filtered: each is counted under the other's filter and the region.
        let (found, counted) = disjunctive(
            index,
            &searched(
                "",
                vec![
                    any_of("category", &["education", "medical"]),
                    in_meizhou(),
                    any_of("urgency", &["critical"]),
                ],
            ),
        )
        .await;
        assert_eq!(set(&found), set(&[3]));
        assert_eq!(counted["category"], counts(&[("employment", 1), ("medical", 1)]));
        assert_eq!(
            counted["urgency"],
            counts(&[("critical", 1), ("normal", 1), ("urgent", 1)])
        );
        assert_eq!(counted["status"], counts(&[("published", 1)]));

        // With words: what matches none of the ticked values still counts the others.
        let (found, counted) = disjunctive(
            index,
            &searched("书包", vec![any_of("category", &["medical"]), in_meizhou()]),
        )
        .await;
        // (书包 is in needs 1 and 5 of 梅州, and in need 6 outside it.)
        assert!(found.is_empty());
        assert_eq!(counted["category"], counts(&[("daily_goods", 1), ("education", 1)]));
        assert!(counted["urgency"].is_empty());

        // Nothing ticked: the plain counts.
        let (_, counted) = disjunctive(index, &searched("", vec![in_meizhou()])).await;
        assert_eq!(counted["category"], meizhou_categories);

        // The needs search: `open` is a status condition too, so of the statuses only
        // `published` is counted with it, even with another status ticked.
        let pairs = |query: &str| -> Vec<(String, String)> {
            url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
        };
        let config = &NeedDocument::config();
        let searched = |asked: &str| {
            let request = search::parse_request(&pairs(asked)).unwrap();
            async move { search::search(index, config, &request).await.unwrap() }
        };
        // 教育 open in 梅州: need 1; the other categories open there stay listed.
        let page = searched("category=education&region=4414&open=true").await;
        assert_eq!(page.total, 1);
        assert_eq!(page.facets["status"], counts(&[("published", 1)]));
        assert_eq!(
            page.facets["category"],
            counts(&[("daily_goods", 1), ("education", 1), ("employment", 1), ("medical", 1)])
        );
        // 已认满 ticked with `open`: nothing is both, and `published` is what ticking adds.
        let page = searched("status=fully_pledged&region=4414&open=true").await;
        assert_eq!(page.total, 0);
        assert_eq!(page.facets["status"], counts(&[("published", 4)]));
    }
}

engine_test! {
    async fn every_sort_orders_the_documents(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        let sorted = |sort: Vec<SortKey>| SearchQuery { sort, ..query("") };
        assert_eq!(
            ordered(index, &sorted(sorted_by("deadline_ts", false))).await,
            [3, 1, 7, 5, 2, 6, 4, 8]
        );
        assert_eq!(
            ordered(index, &sorted(sorted_by("deadline_ts", true))).await,
            [8, 4, 6, 2, 5, 7, 1, 3]
        );
        assert_eq!(
            ordered(index, &sorted(sorted_by("listed_ts", true))).await,
            [4, 3, 7, 1, 5, 2, 8, 6]
        );
        // Remaining value: 4 = 40,000 元, 8 = 10,800, 7 = 8,000, 3 = 5,000, 1 = 2,400 …
        assert_eq!(
            ordered(index, &sorted(sorted_by("remaining_value_fen", true)))
                .await
                .into_iter()
                .take(5)
                .collect::<Vec<_>>(),
            [4, 8, 7, 3, 1]
        );
        // Most urgent first, then the nearest deadline.
        let urgency = vec![
            SortKey { field: "urgency_rank".into(), descending: true },
            SortKey { field: "deadline_ts".into(), descending: false },
        ];
        assert_eq!(ordered(index, &sorted(urgency)).await, [3, 7, 1, 4, 5, 2, 6, 8]);
        // A sort applies to what the words found.
        let worded = SearchQuery {
            sort: sorted_by("deadline_ts", true),
            ..query("书包")
        };
        assert_eq!(ordered(index, &worded).await, [6, 5, 1]);
    }
}

engine_test! {
    async fn pages_split_the_sorted_documents(engine: Engine) {
        let t = loaded(engine).await;
        let page = |page: usize| SearchQuery {
            sort: sorted_by("deadline_ts", false),
            page,
            per_page: 3,
            ..query("")
        };
        let mut all = Vec::new();
        for n in 1..=3 {
            let found = t.index.search(&page(n)).await.unwrap();
            assert_eq!(found.total, 8, "the total is the same on every page");
            all.extend(found.hits.iter().map(|h| h.id()));
        }
        assert_eq!(all, [3, 1, 7, 5, 2, 6, 4, 8]);
        let beyond = t.index.search(&page(4)).await.unwrap();
        assert!(beyond.hits.is_empty());
        assert_eq!(beyond.total, 8);
    }
}

engine_test! {
    async fn an_upsert_replaces_and_a_delete_removes(engine: Engine) {
        let t = loaded(engine).await;
        let index = t.index.as_ref();
        // Need 1 is re-titled and now fully pledged: the old words no longer find it.
        let mut changed = fixture().remove(0);
        changed.need.title = "为山区孩子捐赠冬衣".into();
        changed.need.description = "三十件冬衣。".into();
        changed.need.pledged_quantity = 30;
        changed.need.remaining_quantity = 0;
        changed.need.status = NeedStatus::FullyPledged;
        let changed = NeedDocument::new(changed.need, Utc.with_ymd_and_hms(2026, 10, 27, 8, 0, 0).unwrap());
        index.upsert(std::slice::from_ref(&changed)).await.unwrap();
        assert_eq!(ids(index, &query("冬衣")).await, set(&[1]));
        assert_eq!(ids(index, &query("新书包")).await, set(&[]));
        let found = index.search(&query("冬衣")).await.unwrap();
        assert_eq!(found.hits[0].need.remaining_quantity, 0);
        assert_eq!(found.hits[0].need.status, NeedStatus::FullyPledged);
        assert_eq!(ids(index, &query("")).await.len(), 8, "replaced, not added");

        index.delete(&[2, 8, 999]).await.unwrap();
        assert_eq!(ids(index, &query("")).await, set(&[1, 3, 4, 5, 6, 7]));
        assert_eq!(ids(index, &query("蜂蜜")).await, set(&[]));
        let facets = SearchQuery {
            facets: vec!["category".into()],
            ..query("")
        };
        let found = index.search(&facets).await.unwrap();
        assert_eq!(found.facets["category"].get("consumption"), None);
        index.delete(&[]).await.unwrap();
    }
}

engine_test! {
    async fn fingerprints_list_every_document(engine: Engine) {
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
    async fn hits_are_whole_public_documents(engine: Engine) {
        let t = loaded(engine).await;
        let found = t.index.search(&query("医疗设备")).await.unwrap();
        let hit = serde_json::to_value(&found.hits[0]).unwrap();
        let expected = serde_json::to_value(&fixture()[2]).unwrap();
        assert_eq!(hit, expected);
    }
}
