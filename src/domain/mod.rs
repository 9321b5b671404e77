//! Pure domain rules: no actix, no sea-orm, no I/O.

pub mod region;
