//! Background work beside the API: the scheduler of time-driven transitions (and, later, the
//! outbox drain).

pub mod scheduler;
