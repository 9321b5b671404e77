//! Authentication: password hashing now; sessions, tokens and the authorisation function join
//! it with the accounts issue.

pub mod password;
