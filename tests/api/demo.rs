use duijie::demo::{self, DEMO_PASSWORD, SeedReport};
use duijie::service::auth::password;
use duijie::store::entity::{needs, pairing_targets, pairings, pledges, user_roles, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::db_test;
use crate::helpers::{TestApp, test_sealer};

db_test! {
    async fn seeding_the_demo_twice_creates_everything_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let first = demo::seed(&app.db, &test_sealer()).await.unwrap();
        assert_eq!(
            first,
            SeedReport { users: 9, roles: 10, organisations: 6, villages: 6, pairings: 8, households: 5 }
        );
        let second = demo::seed(&app.db, &test_sealer()).await.unwrap();
        assert_eq!(second, SeedReport::default());
        assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 9);
    }
}

db_test! {
    async fn every_demo_account_signs_in_with_the_documented_password(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        for email in demo::account_emails() {
            let user = users::Entity::find()
                .filter(users::Column::Email.eq(email))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{email} exists"));
            assert!(user.password_hash.starts_with("$argon2id$"));
            assert!(password::verify(DEMO_PASSWORD, &user.password_hash), "{email}");
        }
    }
}

db_test! {
    async fn the_demo_coordinator_covers_guangzhou_to_meizhou_and_qingyuan(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let coordinator = users::Entity::find()
            .filter(users::Column::Email.eq("coordinator@demo.duijie.cn"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let role = user_roles::Entity::find()
            .filter(user_roles::Column::UserId.eq(coordinator.id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(role.role.as_str(), "coordinator");
        let pairing = pairings::Entity::find_by_id(role.pairing_id.unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pairing.program.as_str(), "duikou");
        assert_eq!(pairing.helper_region_code.as_deref(), Some("4401"));
        let mut targets: Vec<String> = pairing_targets::Entity::find()
            .filter(pairing_targets::Column::PairingId.eq(pairing.id))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.region_code)
            .collect();
        targets.sort();
        assert_eq!(targets, ["4414", "4418"]);
        // All six paired-city relations of seed 003 are there.
        let duikou = pairings::Entity::find()
            .filter(pairings::Column::Program.eq("duikou"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(duikou, 6);
    }
}

db_test! {
    async fn the_demo_holds_needs_in_every_state_with_true_timelines_once(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let sealer = std::sync::Arc::new(test_sealer());
        let settings = app.state.settings.as_ref().clone();
        let created = demo::needs::seed(&app.db, &settings, sealer.clone(), 3).await.unwrap();
        assert_eq!(created, 16 + 3);
        let pledged = demo::pledges::seed(&app.db, &settings, sealer.clone()).await.unwrap();
        assert_eq!(pledged, 8);
        let again = demo::needs::seed(&app.db, &settings, sealer.clone(), 3).await.unwrap();
        assert_eq!(again, 0, "a second run records nothing");
        assert_eq!(demo::pledges::seed(&app.db, &settings, sealer).await.unwrap(), 0);

        let rows = needs::Entity::find().all(&app.db).await.unwrap();
        let mut statuses: Vec<&str> = rows.iter().map(|n| n.status.as_str()).collect();
        statuses.sort();
        statuses.dedup();
        assert_eq!(
            statuses,
            ["closed", "draft", "expired", "fulfilled", "fully_pledged", "in_notice", "published",
             "rejected", "submitted", "suspended", "verified", "withdrawn"],
            "every need status"
        );
        let pledge_rows = pledges::Entity::find().all(&app.db).await.unwrap();
        let mut pledge_statuses: Vec<&str> = pledge_rows.iter().map(|p| p.status.as_str()).collect();
        pledge_statuses.sort();
        pledge_statuses.dedup();
        assert_eq!(
            pledge_statuses,
            ["cancelled", "expired", "pledged", "received", "shipped", "thanked"],
            "every pledge status"
        );
        // The demo donor finds the desks with twenty sets still open.
        let desks = rows.iter().find(|n| n.title == "墩背村小学课桌椅").unwrap();
        let desks = needs::Entity::find_by_id(desks.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!((desks.status.as_str(), desks.target_quantity - desks.pledged_quantity), ("published", 20));
        let villages: std::collections::BTreeSet<&str> =
            rows.iter().map(|n| n.village_code.as_str()).collect();
        assert_eq!(villages.len(), 3);
        let categories: std::collections::BTreeSet<&str> =
            rows.iter().map(|n| n.category.as_str()).collect();
        assert_eq!(categories.len(), 8, "every category");

        // Published needs are public and their story is told in order, in the past.
        let published = rows.iter().find(|n| n.title == "墩背村小学课桌椅").unwrap();
        let (status, detail) = app.get_json(&format!("/api/v1/needs/{}", published.id)).await;
        assert_eq!(status, 200, "{detail}");
        let kinds: Vec<&str> =
            detail["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            ["created", "submitted", "verified", "notice_started", "published", "pledged", "pledged",
             "shipped"]
        );
        assert_eq!(detail["photos"].as_array().unwrap().len(), 1);
        // Recorded twelve days ago, each step no earlier than the one before.
        let times: Vec<chrono::DateTime<chrono::Utc>> = detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["at"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        let age = chrono::Utc::now() - times[0];
        assert!((11..=12).contains(&age.num_days()), "recorded {age} ago");
        let expired = rows.iter().find(|n| n.status.as_str() == "expired").unwrap();
        let (status, _) = app.get_json(&format!("/api/v1/needs/{}", expired.id)).await;
        assert_eq!(status, 200, "an expired need that was published stays public");
    }
}

db_test! {
    async fn the_demo_holds_offers_of_every_kind_and_state_requests_and_follows_once(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let sealer = std::sync::Arc::new(test_sealer());
        let settings = app.state.settings.as_ref().clone();
        demo::needs::seed(&app.db, &settings, sealer.clone(), 0).await.unwrap();
        demo::pledges::seed(&app.db, &settings, sealer.clone()).await.unwrap();
        assert_eq!(demo::offers::seed(&app.db, &settings, sealer.clone()).await.unwrap(), 9);
        assert_eq!(demo::offers::seed(&app.db, &settings, sealer).await.unwrap(), 0, "once");

        let offers = duijie::store::entity::offers::Entity::find().all(&app.db).await.unwrap();
        let set = |f: fn(&duijie::store::entity::offers::Model) -> &str| {
            offers.iter().map(f).collect::<std::collections::BTreeSet<&str>>()
        };
        assert_eq!(
            set(|o| o.status.as_str()),
            ["draft", "exhausted", "expired", "paused", "published", "withdrawn"].into(),
            "every offer status"
        );
        assert_eq!(
            set(|o| o.kind.as_str()),
            ["goods", "jobs", "money", "purchasing", "services"].into(),
            "every kind"
        );
        let requests = duijie::store::entity::offer_requests::Entity::find().all(&app.db).await.unwrap();
        let mut statuses: Vec<&str> = requests.iter().map(|r| r.status.as_str()).collect();
        statuses.sort();
        assert_eq!(statuses, ["accepted", "declined"]);
        // An accepted request and an application are pledges, each taken from its offer.
        let links = duijie::store::entity::offer_pledges::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(links.len(), 2);
        // Follows, by three of the demo's people, and nothing mailed for them yet.
        let follows = duijie::store::entity::follows::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(follows, 4);
        // The public sees the live ones in the hall and matched beside the needs.
        let desks_paused = offers.iter().find(|o| o.status.as_str() == "paused").unwrap();
        let (status, _) = app.get_json(&format!("/api/v1/offers/{}", desks_paused.id)).await;
        assert_eq!(status, 200, "a paused offer is public");
        let draft = offers.iter().find(|o| o.status.as_str() == "draft").unwrap();
        assert_eq!(app.get_json(&format!("/api/v1/offers/{}", draft.id)).await.0, 404);
    }
}

db_test! {
    async fn the_demo_holds_cooperatives_products_and_orders_in_every_state_once(backend: Backend) {
        use duijie::store::entity::{orders, products};
        let app = TestApp::spawn_with_demo(backend).await;
        let sealer = std::sync::Arc::new(test_sealer());
        let settings = app.state.settings.as_ref().clone();
        assert_eq!(demo::products::seed(&app.db, &settings, sealer.clone()).await.unwrap(), 6);
        assert_eq!(demo::products::seed(&app.db, &settings, sealer).await.unwrap(), 0, "once");

        let rows = products::Entity::find().all(&app.db).await.unwrap();
        let certified = rows.iter().filter(|p| p.certificate_no.is_some()).count();
        assert_eq!((rows.len(), certified), (6, 4), "certified and uncertified products");
        let statuses: std::collections::BTreeSet<&str> = rows.iter().map(|p| p.status.as_str()).collect();
        assert_eq!(statuses, ["draft", "listed"].into());
        assert!(rows.iter().any(|p| p.stock == Some(0)), "one sold out");
        assert!(rows.iter().any(|p| p.stock.is_none() && p.season_from.is_some()), "one sold by season");

        let orders = orders::Entity::find().all(&app.db).await.unwrap();
        let statuses: std::collections::BTreeSet<&str> = orders.iter().map(|o| o.status.as_str()).collect();
        assert_eq!(
            statuses,
            ["cancelled", "confirmed", "declined", "expired", "ordered", "received", "settled", "shipped"].into(),
            "orders in every state"
        );
        // The honey: 800 less the enterprise's 300 and the citizen's 5; the expired 10 came back.
        let honey = rows.iter().find(|p| p.name == demo::products::HONEY).unwrap();
        assert_eq!(honey.stock, Some(495));

        // In the figures: the certified purchases that stand, by the enterprise, seen on the
        // pairing's board too.
        let (status, stats) = app.get_json("/api/v1/stats?region=441426").await;
        assert_eq!(status, 200, "{stats}");
        let consumption = &stats["figures"]["consumption"];
        // honey 300×60 + tea 50×160 + oranges 40×88 + baskets 12×45 + honey 5×60 + tea 2×160 元
        assert_eq!(consumption["ordered_value_fen"], 1_800_000 + 800_000 + 352_000 + 54_000 + 30_000 + 32_000);
        // received: the settled honey and baskets, the received tea
        assert_eq!(consumption["received_value_fen"], 1_800_000 + 54_000 + 800_000);
        // the 腊肉 was declined, and is not certified anyway
        assert_eq!(consumption["uncertified_ordered_value_fen"], 0);
        assert_eq!(consumption["households_supported"], 23 + 8 + 6);
        let coordinator = app.login_demo("coordinator").await;
        let pairing = duijie::store::seed::pairing_id(&app.db, "广州 → 梅州、清远 对口帮扶").await.unwrap().unwrap();
        let (status, board) = coordinator.get(&format!("/api/v1/pairings/{pairing}/board")).await;
        assert_eq!(status, 200, "{board}");
        let enterprise = board["members"].as_array().unwrap().iter()
            .find(|m| m["organisation"]["name"] == "梅州客都农业发展有限公司（演示）").unwrap();
        assert_eq!(enterprise["purchases"]["ordered_value_fen"], 1_800_000 + 800_000 + 352_000 + 54_000);
        assert_eq!(board["figures"]["consumption"]["ordered_value_fen"], 1_800_000 + 800_000 + 352_000 + 54_000);
        assert_eq!(board["purchases"].as_array().unwrap().len(), 4);
        assert!(!board.to_string().contains("13800138000"), "no delivery data on the board");
    }
}
