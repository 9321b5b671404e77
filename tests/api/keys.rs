//! Private fields sealed for their row and field, and the rotation of the key they are sealed
//! under (`duijie keys rotate`), through the real binary.

use duijie::crypto::{Place, Sealer};
use duijie::demo::HOUSEHOLDS;
use duijie::secret::SecretKey;
use duijie::store::entity::{email_confirmations, household_private, password_resets};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::cli::{DemoServer, duijie};
use crate::db_test;
use crate::helpers::{TestDatabase, regions_fixture, test_settings};

/// The key `duijie()` starts the binary with.
const OLD_KEY: &str = "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e";
const NEW_KEY: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

fn sealer(key: &str) -> Sealer {
    Sealer::new(&SecretKey::parse(key).unwrap())
}

async fn connect(dir: &std::path::Path, database: &TestDatabase) -> DatabaseConnection {
    duijie::store::connect(&test_settings(dir, &database.url))
        .await
        .unwrap()
}

/// The id of demo household `index`, found by its ID-card hash under `key`.
async fn household_id(db: &DatabaseConnection, key: &str, index: usize) -> i64 {
    let hash = sealer(key).id_card_hash(&HOUSEHOLDS[index].id_card());
    duijie::store::households::id_card_holder(db, &hash)
        .await
        .unwrap()
        .expect("a demo household")
        .id
}

/// `nonce ‖ ciphertext` without associated data under `key`: how private fields were sealed
/// before the format named its version and key.
fn seal_legacy(key: &str, plaintext: &str) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit};
    use hmac::Mac;
    let secret = hex::decode(key).unwrap();
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&secret).unwrap();
    mac.update(b"duijie/household-fields/aes-256-gcm");
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(&mac.finalize().into_bytes()).unwrap();
    let nonce = [3u8; 12];
    let mut sealed = nonce.to_vec();
    sealed.extend(
        cipher
            .encrypt(aes_gcm::Nonce::from_slice(&nonce), plaintext.as_bytes())
            .unwrap(),
    );
    sealed
}

db_test! {
    async fn keys_rotate_reseals_everything_resumably_and_then_the_old_key_is_refused(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let run = |args: &[&str], keys: &[(&str, &str)]| {
            let output = duijie(dir.path())
                .env("DUIJIE_DATABASE_URL", &database.url)
                .envs(keys.iter().copied())
                .args(args)
                .output()
                .unwrap();
            (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
        };
        let both = [("DUIJIE_SECRET_KEY", NEW_KEY), ("DUIJIE_PREVIOUS_SECRET_KEY", OLD_KEY)];
        let new_only = [("DUIJIE_SECRET_KEY", NEW_KEY)];
        let fixture = regions_fixture();
        assert!(run(&["regions", "import", "--from", fixture.to_str().unwrap()], &[]).0);
        let (ok, stderr) = run(&["seed", "demo"], &[]);
        assert!(ok, "{stderr}");

        // One address as it was sealed before the format had a version, and a password
        // reset and an email confirmation, whose mailed tokens are sealed too.
        let db = connect(dir.path(), &database).await;
        let legacy_id = household_id(&db, OLD_KEY, 4).await;
        let legacy = seal_legacy(OLD_KEY, HOUSEHOLDS[4].address);
        household_private::Entity::update(household_private::ActiveModel {
            household_id: sea_orm::ActiveValue::Unchanged(legacy_id),
            address_enc: sea_orm::ActiveValue::Set(Some(legacy)),
            ..Default::default()
        })
        .exec(&db)
        .await
        .unwrap();
        let mut settings = test_settings(dir.path(), &database.url);
        settings.secret_key = Some(OLD_KEY.into());
        let app = duijie::startup::context(
            db.clone(),
            settings,
            std::sync::Arc::new(sealer(OLD_KEY)),
            duijie::clock::Clock::system(),
        )
        .unwrap();
        duijie::service::auth::reset::forgot(
            &app,
            duijie::service::auth::reset::ForgotPassword { email: "donor@demo.duijie.cn".into() },
            &duijie::store::audit::Origin::cli(),
        )
        .await
        .unwrap();
        duijie::service::auth::register(
            &app,
            serde_json::from_value(serde_json::json!({
                "email": "newcomer@example.com",
                "password": "a long enough password",
                "display_name": "新来的",
            }))
            .unwrap(),
            &duijie::store::audit::Origin::cli(),
        )
        .await
        .unwrap();
        drop(app);

        // Stopped half way (as a kill would): nodes with one key alone refuse to start.
        let (ok, stderr) = run(&["keys", "rotate", "--batch-size", "2", "--max-batches", "2"], &both);
        assert!(ok, "{stderr}");
        assert!(stderr.contains("pass=1 table=households read=2 total=5 resealed=2"), "{stderr}");
        assert!(stderr.contains("read=4 total=5 resealed=4"), "{stderr}");
        assert!(stderr.contains("stopped after 2 batches"), "{stderr}");
        for keys in [&[][..], &new_only[..]] {
            let (ok, stderr) = run(&["seed", "demo"], keys);
            assert!(!ok, "{stderr}");
            assert!(stderr.contains("a key rotation is under way"), "{stderr}");
        }

        // Run again, it finishes: the rest, then a pass that finds nothing left.
        let (ok, stderr) = run(&["keys", "rotate", "--batch-size", "2"], &both);
        assert!(ok, "{stderr}");
        assert!(stderr.contains("pass=1 table=households read=5 total=5 resealed=1"), "{stderr}");
        assert!(stderr.contains("pass=1 table=password_resets read=1 total=1 resealed=1"), "{stderr}");
        assert!(stderr.contains("pass=1 table=email_confirmations read=1 total=1 resealed=1"), "{stderr}");
        assert!(stderr.contains("pass=2 table=households read=5 total=5 resealed=0"), "{stderr}");
        assert!(stderr.contains("households=1 mail_links=2 unreadable=0"), "{stderr}");
        assert!(stderr.contains("key rotation finished"), "{stderr}");

        // The old key alone is refused with what to do; the new one alone reads everything:
        // the demo finds its households by their re-keyed ID-card hashes.
        let (ok, stderr) = run(&["seed", "demo"], &[]);
        assert!(!ok, "{stderr}");
        assert!(stderr.contains("is not the one this database's private data is sealed with"), "{stderr}");
        let (ok, stderr) = run(&["seed", "demo"], &new_only);
        assert!(ok, "{stderr}");
        assert!(stderr.contains("households=0"), "none registered again: {stderr}");
        for value in [HOUSEHOLDS[4].address, HOUSEHOLDS[0].head_name] {
            assert!(!stderr.contains(value), "{stderr}");
        }

        let new = sealer(NEW_KEY);
        let rows = household_private::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), HOUSEHOLDS.len());
        for (index, h) in HOUSEHOLDS.iter().enumerate() {
            let id = household_id(&db, NEW_KEY, index).await;
            let row = rows.iter().find(|r| r.household_id == id).unwrap();
            let fields = [
                ("head_name", &row.head_name_enc, h.head_name.to_owned()),
                ("id_card", &row.id_card_enc, h.id_card().expose().to_owned()),
                ("phone", row.phone_enc.as_ref().unwrap(), h.phone.to_owned()),
                ("address", row.address_enc.as_ref().unwrap(), h.address.to_owned()),
            ];
            for (field, sealed, value) in fields {
                assert!(new.is_current(sealed), "{id} {field}");
                assert_eq!(new.open(&Place::household(id, field), sealed).unwrap(), value);
            }
        }
        let reset = password_resets::Entity::find().one(&db).await.unwrap().unwrap();
        let token = new
            .open(&Place::mail_link("password_resets", &reset.token_hash), reset.token_sealed.as_ref().unwrap())
            .unwrap();
        assert_eq!(duijie::crypto::token_hash(&token), reset.token_hash);
        let confirmation = email_confirmations::Entity::find().one(&db).await.unwrap().unwrap();
        let token = new
            .open(
                &Place::mail_link("email_confirmations", &confirmation.token_hash),
                confirmation.token_sealed.as_ref().unwrap(),
            )
            .unwrap();
        assert_eq!(duijie::crypto::token_hash(&token), confirmation.token_hash);

        // Legacy values are retired now: one pasted back from an old backup does not open.
        household_private::Entity::update(household_private::ActiveModel {
            household_id: sea_orm::ActiveValue::Unchanged(legacy_id),
            address_enc: sea_orm::ActiveValue::Set(Some(seal_legacy(NEW_KEY, "别处的地址"))),
            ..Default::default()
        })
        .exec(&db)
        .await
        .unwrap();
        let mut node = sealer(NEW_KEY);
        duijie::service::keys::admit_node(&db, &mut node).await.unwrap();
        let row = household_private::Entity::find_by_id(legacy_id).one(&db).await.unwrap().unwrap();
        assert_eq!(
            node.open(&Place::household(legacy_id, "address"), row.address_enc.as_ref().unwrap()),
            Err(duijie::crypto::OpenError::LegacyRetired)
        );
    }
}

db_test! {
    async fn a_sealed_field_copied_to_another_household_shows_as_unavailable_and_is_not_logged(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(backend, dir.path()).await;
        let server = DemoServer::start(dir.path(), &database, backend).await;
        let base = &server.base;

        // Someone with the database but not the key moves A's sealed name onto B's row, and
        // B's phone into B's address.
        let db = connect(dir.path(), &database).await;
        let (a, b) = (household_id(&db, OLD_KEY, 0).await, household_id(&db, OLD_KEY, 1).await);
        db.execute_unprepared(&format!(
            "UPDATE household_private SET \
               head_name_enc = (SELECT head_name_enc FROM household_private WHERE household_id = {a}), \
               address_enc = phone_enc \
             WHERE household_id = {b}"
        ))
        .await
        .unwrap();

        let (client, csrf) = server.sign_in("cadre@demo.duijie.cn").await;
        let get = |path: String| {
            let request = client.get(format!("{base}{path}"));
            async move {
                let response = request.send().await.unwrap();
                (response.status().as_u16(), response.text().await.unwrap())
            }
        };
        let (status, body) = get(format!("/api/v1/households/{b}")).await;
        assert_eq!(status, 200, "{body}");
        let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(detail["head_name_masked"], "");
        assert_eq!(detail["unavailable"], serde_json::json!(["head_name", "address"]));
        assert_eq!(detail["phone_masked"], "139****2222", "B's own fields still show");
        assert!(!body.contains("陈*"), "not A's name, even masked: {body}");
        let (status, body) = get(format!("/api/v1/households?village={}", HOUSEHOLDS[0].village)).await;
        assert_eq!(status, 200, "the village's list still answers: {body}");

        let revealed = client
            .post(format!("{base}/api/v1/households/{b}/private"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({}))
            .send().await.unwrap();
        assert_eq!(revealed.status(), 200);
        let body = revealed.text().await.unwrap();
        let private: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(private["head_name"], "");
        assert_eq!(private["address"], serde_json::Value::Null);
        assert_eq!(private["phone"], HOUSEHOLDS[1].phone);
        assert_eq!(private["id_card_number"], HOUSEHOLDS[1].id_card().expose());
        assert_eq!(private["unavailable"], serde_json::json!(["head_name", "address"]));
        assert!(!body.contains(HOUSEHOLDS[0].head_name), "{body}");

        let (stopped, stderr) = server.stop().await;
        assert!(stopped, "{stderr}");
        assert!(
            stderr.contains(&format!("household_id={b} field=head_name")),
            "where, logged: {stderr}"
        );
        assert!(stderr.contains("does not authenticate"), "why, logged: {stderr}");
        for value in [HOUSEHOLDS[0].head_name, HOUSEHOLDS[1].head_name, HOUSEHOLDS[1].phone, HOUSEHOLDS[1].address] {
            assert!(!stderr.contains(value), "the log holds `{value}`");
        }
        let row = household_private::Entity::find_by_id(b).one(&db).await.unwrap().unwrap();
        for sealed in [&row.head_name_enc, row.address_enc.as_ref().unwrap()] {
            assert!(!stderr.contains(&hex::encode(&sealed[..8])), "the log holds sealed bytes");
        }
    }
}
