//! The authorisation matrix over real stored grants: every demo account × every action, on a
//! target inside its scope and on one outside, decided by the one authorisation function from
//! the actor loaded from the database.

use duijie::domain::authz::{Action, Target};
use duijie::domain::region::RegionCode;
use duijie::store::accounts::load_actor;
use duijie::store::entity::{organisations, pairings, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::db_test;
use crate::helpers::TestApp;

db_test! {
    async fn the_matrix_of_demo_roles_actions_and_scopes_holds(backend: Backend) {
        let app = TestApp::spawn_with_demo(backend).await;
        let org = |name: &'static str| {
            let db = app.db.clone();
            async move {
                organisations::Entity::find().filter(organisations::Column::Name.eq(name)).one(&db).await.unwrap().unwrap().id
            }
        };
        let enterprise = org("梅州客都农业发展有限公司（演示）").await;
        let charity = org("梅州市慈善会（演示）").await;
        let pairing = |name: &'static str| {
            let db = app.db.clone();
            async move { pairings::Entity::find().filter(pairings::Column::Name.eq(name)).one(&db).await.unwrap().unwrap().id }
        };
        let guangzhou = pairing("广州 → 梅州、清远 对口帮扶").await;
        let shenzhen = pairing("深圳 → 河源、汕尾 对口帮扶").await;

        let dunbei = RegionCode::parse("441426100200").unwrap(); // 梅州 平远 (cadre, verifier, 广州 pairing)
        let chengxi = RegionCode::parse("441624100201").unwrap(); // 河源 (cadre-heyuan; 深圳 pairing)
        let lianshan = RegionCode::parse("441825100201").unwrap(); // 清远 (广州 pairing only)

        use Action::*;
        // (account, action, target, allowed)
        let cases: Vec<(&str, Action, Target, bool)> = vec![
            ("cadre", RecordNeed, Target::Region(&dunbei), true),
            ("cadre", RecordNeed, Target::Region(&chengxi), false),
            ("cadre", ManageHousehold, Target::Region(&dunbei), true),
            ("cadre", ViewHouseholdPrivate, Target::Region(&chengxi), false),
            ("cadre", ConfirmReceipt, Target::Region(&dunbei), true),
            ("cadre", VerifyNeed, Target::Region(&dunbei), false),
            ("cadre-heyuan", RecordNeed, Target::Region(&chengxi), true),
            ("cadre-heyuan", RecordNeed, Target::Region(&dunbei), false),
            ("verifier", VerifyNeed, Target::Region(&dunbei), true),
            ("verifier", HandleObjection, Target::Region(&dunbei), true),
            ("verifier", ViewHouseholdPrivate, Target::Region(&dunbei), true),
            ("verifier", VerifyNeed, Target::Region(&chengxi), false),
            ("verifier", VerifyNeed, Target::Region(&lianshan), false),
            ("verifier", RecordNeed, Target::Region(&dunbei), false),
            ("coordinator", ViewCoordinationBoard, Target::Region(&dunbei), true),
            ("coordinator", ViewCoordinationBoard, Target::Region(&lianshan), true),
            ("coordinator", ViewCoordinationBoard, Target::Region(&chengxi), false),
            ("coordinator", InviteToNeed, Target::Region(&lianshan), true),
            ("coordinator", ManagePairing, Target::Pairing(guangzhou), true),
            ("coordinator", ManagePairing, Target::Pairing(shenzhen), false),
            ("coordinator", ViewHouseholdPrivate, Target::Region(&dunbei), false),
            ("enterprise", PledgeForOrganisation, Target::Organisation(enterprise), true),
            ("enterprise", PledgeForOrganisation, Target::Organisation(charity), false),
            ("enterprise", ManageOrganisation, Target::Organisation(enterprise), true),
            ("enterprise", ViewOrganisationLedger, Target::Organisation(enterprise), true),
            ("enterprise", VerifyOrganisation, Target::Organisation(enterprise), false),
            ("admin", VerifyOrganisation, Target::Organisation(charity), true),
            ("admin", ManageUsers, Target::Platform, true),
            ("admin", ViewAuditLog, Target::Platform, true),
            ("admin", ManagePairing, Target::Pairing(shenzhen), true),
            ("admin", ViewHouseholdPrivate, Target::Region(&dunbei), false),
            ("admin", RecordNeed, Target::Region(&dunbei), false),
            ("donor", PledgeForOrganisation, Target::Organisation(enterprise), false),
            ("donor", ViewHouseholdPrivate, Target::Region(&dunbei), false),
            ("donor", ManageUsers, Target::Platform, false),
        ];
        for (who, action, target, allowed) in cases {
            let user = users::Entity::find()
                .filter(users::Column::Email.eq(format!("{who}@demo.duijie.cn")))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let actor = load_actor(&app.db, user.id).await.unwrap();
            assert_eq!(actor.can(action, target), allowed, "{who} {action:?} {target:?}");
        }
    }
}
