//! Background work beside the API: the scheduler of time-driven transitions and the outbox
//! drain that keeps the search index in step.

pub mod outbox;
pub mod scheduler;
