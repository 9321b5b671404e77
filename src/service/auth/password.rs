//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), in PHC
//! string format so parameters can be raised later without invalidating stored hashes.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash};

/// Hashes a password for storage.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the stored `phc` hash. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let stored = hash("demo-password-2024").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("demo-password-2024", &stored));
        assert!(!verify("demo-password-2025", &stored));
        assert!(!verify("demo-password-2024", "not a hash"));
    }
}
