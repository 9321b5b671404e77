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

/// Hostile input (issue #18): generated codes, every single-character change of them, and
/// arbitrary strings.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::check;

    /// 17 characters of the alphabet completed with their check character.
    fn valid_code() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..31, 17).prop_map(|values| {
            let sum: usize = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
            values
                .iter()
                .chain(std::iter::once(&((31 - sum % 31) % 31)))
                .map(|v| ALPHABET[*v] as char)
                .collect()
        })
    }

    #[test]
    fn a_generated_code_with_its_check_character_parses_in_any_case_and_padding() {
        check(
            "credit_code: a generated code parses",
            1024,
            (valid_code(), "[ \t]{0,2}", any::<bool>()),
            |(code, padding, lower)| {
                let written = if lower {
                    code.to_ascii_lowercase()
                } else {
                    code.clone()
                };
                let parsed = CreditCode::parse(&format!("{padding}{written}{padding}"));
                prop_assert_eq!(parsed.map(|c| c.as_str().to_owned()), Ok(code));
                Ok(())
            },
        );
    }

    #[test]
    fn any_single_character_changed_in_a_valid_code_is_refused() {
        check(
            "credit_code: a single-character change is refused",
            2048,
            (valid_code(), 0usize..18, any::<char>(), any::<bool>()),
            |(code, at, replacement, plausible)| {
                let mut chars: Vec<char> = code.chars().collect();
                let replacement = if plausible {
                    // Another symbol of the alphabet, or one of the five letters it leaves out.
                    let symbols = b"0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV";
                    symbols[replacement as usize % symbols.len()] as char
                } else {
                    replacement
                };
                // The code is read case-insensitively: a change of case is no change.
                prop_assume!(!replacement.eq_ignore_ascii_case(&chars[at]));
                chars[at] = replacement;
                let changed: String = chars.into_iter().collect();
                prop_assert!(
                    CreditCode::parse(&changed).is_err(),
                    "{changed:?} was accepted"
                );
                Ok(())
            },
        );
    }

    #[test]
    fn arbitrary_text_never_panics_and_whatever_parses_is_well_formed() {
        check(
            "credit_code: arbitrary strings",
            2048,
            prop_oneof![any::<String>(), "[0-9A-Za-z ]{16,20}", "\\PC{18}"],
            |input| {
                if let Ok(code) = CreditCode::parse(&input) {
                    prop_assert_eq!(code.as_str().len(), 18);
                    prop_assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
                }
                Ok(())
            },
        );
    }
}
