//! Background work beside the API: the scheduler of time-driven transitions, the outbox drain
//! that keeps the search index in step, and the one that sends the mail.

pub mod mail;
pub mod outbox;
pub mod scheduler;
