//! 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-symbol
//! alphabet (no I, O, Z, S, V), the last a check character over the first 17.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCreditCode {
    #[error(
        "a unified social credit code has 18 characters: digits and capital letters other than I, O, Z, S, V"
    )]
    Format,
    #[error("the credit code's check character is wrong (a mistyped character?)")]
    Checksum,
}

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|a| *a == c)
}

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, InvalidCreditCode> {
        let s = input.trim().to_ascii_uppercase();
        let values: Vec<usize> = s
            .bytes()
            .map(value)
            .collect::<Option<_>>()
            .ok_or(InvalidCreditCode::Format)?;
        if values.len() != 18 {
            return Err(InvalidCreditCode::Format);
        }
        let sum: usize = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(InvalidCreditCode::Checksum);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_pass() {
        // A widely published real code (Alibaba (China) Co., Ltd.) and the demo enterprise's.
        assert!(CreditCode::parse("91330100799655058B").is_ok());
        assert!(CreditCode::parse("91441426MA4UDEM01B").is_ok());
        assert!(CreditCode::parse(" 51441400mjdem00038 ").is_ok());
    }

    #[test]
    fn a_wrong_check_character_or_alphabet_is_refused() {
        assert_eq!(
            CreditCode::parse("91330100799655058C"),
            Err(InvalidCreditCode::Checksum)
        );
        assert_eq!(
            CreditCode::parse("91330100799655O58B"),
            Err(InvalidCreditCode::Format)
        );
        assert_eq!(
            CreditCode::parse("9133010079965505"),
            Err(InvalidCreditCode::Format)
        );
    }
}
