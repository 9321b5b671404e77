//! 对接 Duijie — the social poverty-alleviation information platform (社会扶贫信息服务平台).
//!
//! Layout: `domain` holds the pure rules; `store` the database; `service` the use cases, one
//! transaction each; `search` the search engines; `http` the thin actix layer; `startup` builds the application for `main`
//! and for the tests alike.

pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod domain;
pub mod error;
#[cfg(test)]
/// The domain's property tests' harness (it writes their case counts to a report file).
pub(crate) mod hostile;
pub mod http;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod search;
pub mod secret;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod validation;
pub mod worker;
