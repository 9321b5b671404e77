//! Database schema of Duijie, as backend-neutral sea-orm migrations that run on SQLite and
//! PostgreSQL alike.
//!
//! Conventions kept by every table:
//! - surrogate keys are `bigint` auto-increment `id`s (regions are keyed by their statistical
//!   code instead);
//! - money is integer fen (`*_fen`, `bigint`), never a float;
//! - timestamps are `timestamp with time zone`, always written in UTC;
//! - enumerations are stored as their snake_case code names from the glossary (`text`), parsed
//!   into domain types by the application, so that adding a variant needs no table rebuild;
//! - private household data lives only in `household_private`, encrypted by the application.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_regions;
mod m20261123_000002_accounts;
mod m20261123_000003_households;
mod m20261123_000004_needs;
mod m20261123_000005_pledges;
mod m20261123_000006_outbox_audit;
mod m20261123_000007_rate_limits_meta;
mod m20261123_000008_need_suspension;
mod m20261123_000009_pledge_minimum;
mod m20261123_000010_outbox_done_index;
mod m20261201_000011_mail;
mod m20261201_000012_pairing_members;
mod m20261206_000013_private_photos;
mod m20261207_000014_offers;
mod m20261207_000015_follows;
mod m20261207_000016_products;
mod m20261208_000017_password_resets;
mod m20261210_000017_need_takedown;
mod m20261211_000018_email_confirmations;
mod m20261212_000019_sign_in_failures_token_scopes;
mod m20261213_000020_stored_files;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_regions::Migration),
            Box::new(m20261123_000002_accounts::Migration),
            Box::new(m20261123_000003_households::Migration),
            Box::new(m20261123_000004_needs::Migration),
            Box::new(m20261123_000005_pledges::Migration),
            Box::new(m20261123_000006_outbox_audit::Migration),
            Box::new(m20261123_000007_rate_limits_meta::Migration),
            Box::new(m20261123_000008_need_suspension::Migration),
            Box::new(m20261123_000009_pledge_minimum::Migration),
            Box::new(m20261123_000010_outbox_done_index::Migration),
            Box::new(m20261201_000011_mail::Migration),
            Box::new(m20261201_000012_pairing_members::Migration),
            Box::new(m20261206_000013_private_photos::Migration),
            Box::new(m20261207_000014_offers::Migration),
            Box::new(m20261207_000015_follows::Migration),
            Box::new(m20261207_000016_products::Migration),
            Box::new(m20261208_000017_password_resets::Migration),
            Box::new(m20261210_000017_need_takedown::Migration),
            Box::new(m20261211_000018_email_confirmations::Migration),
            Box::new(m20261212_000019_sign_in_failures_token_scopes::Migration),
            Box::new(m20261213_000020_stored_files::Migration),
        ]
    }
}
