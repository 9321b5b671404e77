//! Who helps through a pairing besides its helping side (a paired city's member organisations),
//! the invitations its coordinators send them to particular needs, and the indexes the
//! assessment figures (精准考核) aggregate over.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

use crate::columns::{at, create_indexes, drop_tables, fk, id, index, ref_id, ref_id_null, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table("pairing_members")
                    .col(id())
                    .col(ref_id("pairing_id"))
                    .col(ref_id("organisation_id"))
                    .col(ref_id_null("added_by"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "pairing_members",
                        "pairing_id",
                        "pairings",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "pairing_members",
                        "organisation_id",
                        "organisations",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "pairing_members",
                        "added_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("need_invitations")
                    .col(id())
                    .col(ref_id("pairing_id"))
                    .col(ref_id("need_id"))
                    .col(ref_id("organisation_id"))
                    .col(ref_id_null("invited_by"))
                    .col(text_null("message"))
                    .col(at("created_at"))
                    .foreign_key(&mut fk(
                        "need_invitations",
                        "pairing_id",
                        "pairings",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "need_invitations",
                        "need_id",
                        "needs",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "need_invitations",
                        "organisation_id",
                        "organisations",
                        "id",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "need_invitations",
                        "invited_by",
                        "users",
                        "id",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique("pairing_members", &["pairing_id", "organisation_id"]),
                index("pairing_members", &["organisation_id"]),
                unique("need_invitations", &["need_id", "organisation_id"]),
                index("need_invitations", &["pairing_id", "created_at"]),
                // A need's first pledge, for the days it waited.
                index("pledges", &["need_id", "created_at"]),
                // When a need was fulfilled, for the days it took.
                index("need_events", &["kind", "need_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("pledges", "ix_pledges_need_id_created_at"),
            ("need_events", "ix_need_events_kind_need_id"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        drop_tables(manager, &["need_invitations", "pairing_members"]).await
    }
}
