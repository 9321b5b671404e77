//! Use cases, each one transaction over the store.

pub mod accounts;
pub mod auth;
pub mod demo;
pub mod households;
pub mod needs;
pub mod notifications;
pub mod organisations;
pub mod pledges;
pub mod regions;
pub mod search;
