use duijie::auth::password;
use duijie::service::demo::{self, DEMO_PASSWORD, SeedReport};
use duijie::store::entity::{pairing_targets, pairings, user_roles, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::db_test;
use crate::helpers::{TestApp, test_sealer};

db_test! {
    async fn seeding_the_demo_twice_creates_everything_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let first = demo::seed(&app.db, &test_sealer()).await.unwrap();
        assert_eq!(
            first,
            SeedReport { users: 7, roles: 7, organisations: 4, villages: 6, pairings: 8, households: 5 }
        );
        let second = demo::seed(&app.db, &test_sealer()).await.unwrap();
        assert_eq!(second, SeedReport::default());
        assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 7);
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
        assert_eq!(role.role, "coordinator");
        let pairing = pairings::Entity::find_by_id(role.pairing_id.unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pairing.program, "duikou");
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
