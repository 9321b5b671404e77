//! Mainland mobile numbers: 11 digits beginning 13–19.

use std::fmt;

/// A valid mobile number. Its `Debug` and `Display` are masked (`138****5678`).
#[derive(Clone, PartialEq, Eq)]
pub struct Mobile(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a mobile number has 11 digits and begins with 13 to 19")]
pub struct InvalidMobile;

impl Mobile {
    pub fn parse(input: &str) -> Result<Self, InvalidMobile> {
        let digits: String = input
            .trim()
            .trim_start_matches("+86")
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let b = digits.as_bytes();
        if b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
        {
            Ok(Self(digits))
        } else {
            Err(InvalidMobile)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_mobile(&self.0)
    }
}

/// A login as accounts store it: a mobile number's digits, or a lower-cased email.
pub fn normalise_login(login: &str) -> String {
    match Mobile::parse(login) {
        Ok(mobile) => mobile.0,
        Err(_) => login.trim().to_lowercase(),
    }
}

/// `138****5678`: the first three and last four digits.
pub fn mask_mobile(full: &str) -> String {
    if full.len() != 11 {
        return "*".repeat(full.chars().count());
    }
    format!("{}****{}", &full[..3], &full[7..])
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({})", self.masked())
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalised_and_masked() {
        let m = Mobile::parse("+86 138-1234-5678").unwrap();
        assert_eq!(m.expose(), "13812345678");
        assert_eq!(m.masked(), "138****5678");
        assert_eq!(format!("{m:?}"), "Mobile(138****5678)");
    }

    #[test]
    fn logins_are_normalised_as_accounts_store_them() {
        assert_eq!(normalise_login(" Wang@Example.CN "), "wang@example.cn");
        assert_eq!(normalise_login("+86 138-0013-8000"), "13800138000");
    }

    #[test]
    fn other_numbers_are_refused() {
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "0755-1234567",
            "abc",
        ] {
            assert_eq!(Mobile::parse(bad), Err(InvalidMobile), "{bad}");
        }
    }
}
