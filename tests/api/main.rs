//! One integration-test binary (one link): the real application over HTTP, on SQLite and on
//! PostgreSQL.

mod helpers;

mod abuse;
mod architecture;
mod auth;
mod authz;
mod cli;
mod confirm_email;
mod demo;
mod follows;
mod frontend;
mod health;
mod households;
mod keys;
mod mail;
mod multinode;
mod needs;
mod offers;
mod orders;
mod organisations;
mod paging;
mod password_reset;
mod photos;
mod pledges;
mod privacy;
mod products;
mod regions;
mod search;
mod sessions;
mod smtp;
mod stats;
mod takedown;
mod transport;
mod users;
mod validation;
