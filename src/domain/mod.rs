//! Pure domain rules: no actix, no sea-orm, no I/O.

pub mod authz;
pub mod credit_code;
pub mod household;
pub mod id_card;
pub mod phone;
pub mod region;
