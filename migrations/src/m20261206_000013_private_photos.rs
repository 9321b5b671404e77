//! Photos named by random ids, and published by choice.
//!
//! A photo's address was its sequential row id, so anyone could walk them all; receipt photos
//! (a household's face, a courier label) were shown to whoever could see the need. Each photo
//! now has a `public_id` of 128 random bits, the only id the API shows, and a need's photo is
//! public only when its cadre `published` it. Photos already on needs were shown with their
//! need when it went public, so they stay published; receipt photos never are.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, string_len};

use crate::columns::unique;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            string_len("public_id", 32).default("").to_owned(),
            boolean("published").default(false).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("photos").add_column(column).to_owned())
                .await?;
        }
        let random_hex = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "replace(gen_random_uuid()::text, '-', '')"
            }
            _ => "lower(hex(randomblob(16)))",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "UPDATE photos SET public_id = {random_hex}, published = (need_id IS NOT NULL)"
        ))
        .await?;
        manager.create_index(unique("photos", &["public_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_photos_public_id")
                    .table("photos")
                    .to_owned(),
            )
            .await?;
        for column in ["published", "public_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("photos")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
