//! 身份证号 (resident identity card number, GB 11643-1999): 6 digits of region, 8 of birth date,
//! 3 of sequence, and a check character over the first 17 (ISO 7064 MOD 11-2, `X` for 10).

use std::fmt;

use chrono::NaiveDate;

/// A valid 18-character identity card number, upper-case. Its `Debug` and `Display` show only
/// the masked form, so it cannot leak into a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCardNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidIdCard {
    #[error("an ID-card number has 18 characters: 17 digits and a final digit or X")]
    Format,
    #[error("the birth date in the ID-card number is not a real date")]
    BirthDate,
    #[error("the ID-card number's check character is wrong (a mistyped digit?)")]
    Checksum,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

impl IdCardNumber {
    pub fn parse(input: &str) -> Result<Self, InvalidIdCard> {
        let s = input.trim().to_ascii_uppercase();
        let bytes = s.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(InvalidIdCard::Format);
        }
        NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| InvalidIdCard::BirthDate)?;
        let sum: u32 = bytes[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(InvalidIdCard::Checksum);
        }
        Ok(Self(s))
    }

    /// Completes 17 digits with their check character (for generating demo and test data).
    pub fn complete(first17: &str) -> Result<Self, InvalidIdCard> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidIdCard::Format);
        }
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        Self::parse(&format!("{first17}{}", CHECK[(sum % 11) as usize] as char))
    }

    /// The full number, for encryption and keyed hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `4414**********1234`: the first four and last four characters.
    pub fn masked(&self) -> String {
        mask_id_card(&self.0)
    }
}

/// Masks a stored identity number for display: first four and last four characters kept.
pub fn mask_id_card(full: &str) -> String {
    let chars: Vec<char> = full.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

impl fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNumber({})", self.masked())
    }
}

impl fmt::Display for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's check character, computed independently of `complete` (which also
    /// validates the date).
    fn with_check(first17: &str) -> String {
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn the_standard_example_is_valid() {
        // The worked example of GB 11643-1999.
        assert!(IdCardNumber::parse("11010519491231002X").is_ok());
        assert!(
            IdCardNumber::parse("11010519491231002x").is_ok(),
            "lower-case x"
        );
        assert!(IdCardNumber::parse(&with_check("44142619850612123")).is_ok());
    }

    #[test]
    fn a_mistyped_digit_fails_the_checksum() {
        assert_eq!(
            IdCardNumber::parse("110105194912310021"),
            Err(InvalidIdCard::Checksum)
        );
        assert_eq!(
            IdCardNumber::parse("11010519491231003X"),
            Err(InvalidIdCard::Checksum)
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert_eq!(
            IdCardNumber::parse("1101051949123100"),
            Err(InvalidIdCard::Format)
        );
        assert_eq!(
            IdCardNumber::parse("11010519491231002Y"),
            Err(InvalidIdCard::Format)
        );
        assert_eq!(
            IdCardNumber::parse(&with_check("44142619851312123")),
            Err(InvalidIdCard::BirthDate)
        );
    }

    #[test]
    fn the_number_is_masked_everywhere_it_could_be_printed() {
        let id = IdCardNumber::parse(&with_check("44142619850612123")).unwrap();
        let masked = id.masked();
        assert_eq!(masked.len(), 18);
        assert!(masked.starts_with("4414**********"));
        assert_eq!(format!("{id}"), masked);
        assert!(!format!("{id:?}").contains("19850612"));
    }
}

/// Hostile input (issue #18): generated numbers, every single-character change of them, and
/// arbitrary strings.
#[cfg(test)]
mod properties {
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    use super::*;
    use crate::hostile::check;

    /// The first 17 characters of a number: any region digits, a real birth date, any sequence.
    fn first17() -> impl Strategy<Value = String> {
        let birth = (0i64..=73_000).prop_map(|days| {
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days)
        });
        ("[0-9]{6}", birth, "[0-9]{3}").prop_map(|(region, birth, sequence)| {
            format!(
                "{region}{:04}{:02}{:02}{sequence}",
                birth.year(),
                birth.month(),
                birth.day()
            )
        })
    }

    #[test]
    fn a_generated_number_with_its_check_character_parses_in_any_case_and_padding() {
        check(
            "id_card: a generated number parses",
            1024,
            (first17(), "[ \t]{0,2}", "[ \t]{0,2}", any::<bool>()),
            |(first17, before, after, lower)| {
                let id = IdCardNumber::complete(&first17).expect("a real date completes");
                let written = if lower {
                    id.expose().to_ascii_lowercase()
                } else {
                    id.expose().to_owned()
                };
                let parsed = IdCardNumber::parse(&format!("{before}{written}{after}"));
                prop_assert_eq!(parsed, Ok(id.clone()));
                prop_assert!(id.expose().starts_with(&first17));
                // The masked form shows four and four characters, never the birth date.
                prop_assert_eq!(id.masked().chars().count(), 18);
                prop_assert!(!id.masked().contains(&first17[6..14]));
                Ok(())
            },
        );
    }

    #[test]
    fn any_single_character_changed_in_a_valid_number_is_refused() {
        check(
            "id_card: a single-character change is refused",
            2048,
            (first17(), 0usize..18, any::<char>(), any::<bool>()),
            |(first17, at, replacement, plausible)| {
                let id = IdCardNumber::complete(&first17).unwrap();
                let mut chars: Vec<char> = id.expose().chars().collect();
                // Half the cases replace with what could belong there (a digit, or X at the end).
                let replacement = if plausible {
                    let alphabet = b"0123456789X";
                    let pick = alphabet[replacement as usize % alphabet.len()] as char;
                    if at < 17 && pick == 'X' { '7' } else { pick }
                } else {
                    replacement
                };
                prop_assume!(!replacement.eq_ignore_ascii_case(&chars[at]));
                chars[at] = replacement;
                let changed: String = chars.into_iter().collect();
                prop_assert!(
                    IdCardNumber::parse(&changed).is_err(),
                    "{changed:?} was accepted"
                );
                Ok(())
            },
        );
    }

    #[test]
    fn arbitrary_text_never_panics_and_whatever_parses_is_a_well_formed_number() {
        check(
            "id_card: arbitrary strings",
            2048,
            prop_oneof![any::<String>(), "[0-9xX ]{15,20}", "\\PC{18}"],
            |input| {
                if let Ok(id) = IdCardNumber::parse(&input) {
                    let s = id.expose();
                    prop_assert_eq!(s.len(), 18);
                    prop_assert!(s[..17].bytes().all(|b| b.is_ascii_digit()));
                    prop_assert_eq!(IdCardNumber::complete(&s[..17]), Ok(id.clone()));
                }
                let _ = IdCardNumber::complete(&input);
                let masked = mask_id_card(&input);
                prop_assert_eq!(masked.chars().count(), input.chars().count());
                Ok(())
            },
        );
    }
}
