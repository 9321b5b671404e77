//! Use cases, each one transaction over the store.

pub mod accounts;
pub mod auth;
pub mod backup;
mod context;
pub mod doctor;
pub mod exports;
pub mod follows;
pub mod households;
pub mod idempotency;
pub mod keys;
pub mod list_params;
pub mod metrics;
pub mod needs;
pub mod notifications;
pub mod offers;
pub mod orders;
pub mod organisations;
pub mod paging;
pub mod pairings;
pub mod pledges;
pub mod products;
pub mod rate_limit;
pub mod regions;
pub mod search;
pub mod search_identity;
pub mod search_params;

pub use context::Context;
