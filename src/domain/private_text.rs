//! Finds private data in text meant for the public: a need's title and description must never
//! carry an ID-card number, a phone number, a bank card, an e-mail address or the household's
//! name (DESIGN §3). Earlier platforms leaked exactly this way, through free text.

/// Something private found in a text, with a message that tells the writer what to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    IdCard,
    Mobile,
    LongNumber,
    Email,
    /// One of the household's own private values (its head's name, its address).
    HouseholdValue(&'static str),
}

impl Finding {
    pub fn message(&self) -> String {
        match self {
            Finding::IdCard => "contains what looks like an ID-card number (身份证号); \
                                remove it, the public must never see it"
                .to_owned(),
            Finding::Mobile => "contains a phone number; remove it, contact goes through the \
                                platform"
                .to_owned(),
            Finding::LongNumber => "contains a long number (phone, ID-card or bank account?); \
                                    remove it"
                .to_owned(),
            Finding::Email => "contains an e-mail address; remove it".to_owned(),
            Finding::HouseholdValue(what) => format!(
                "contains the household's {what}; describe the household without identifying it \
                 (e.g. 3口之家, 因病致贫)"
            ),
        }
    }
}

/// The household's private values that must not appear in its needs' text.
#[derive(Debug, Default)]
pub struct KnownPrivate<'a> {
    pub head_name: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// The first piece of private data in `text`, if any.
pub fn find_private(text: &str, known: &KnownPrivate<'_>) -> Option<Finding> {
    find_pattern(text).or_else(|| find_household_value(text, known))
}

/// The first piece of private data that `text` shows by its form alone (an ID-card, phone or
/// other long number, an e-mail address), if any: the rule a request's public text is held to
/// before anything is looked up.
pub fn find_pattern(text: &str) -> Option<Finding> {
    let normalised = normalise(text);
    for run in digit_runs(&normalised) {
        if run.len() >= 15 && looks_like_id_card(&run) {
            return Some(Finding::IdCard);
        }
        if run.len() == 11 && run.starts_with('1') && matches!(run.as_bytes()[1], b'3'..=b'9') {
            return Some(Finding::Mobile);
        }
        if run.len() >= 11 {
            return Some(Finding::LongNumber);
        }
    }
    if has_email(&normalised) {
        return Some(Finding::Email);
    }
    None
}

/// One of the household's own private values (`known`) in `text`, if any.
pub fn find_household_value(text: &str, known: &KnownPrivate<'_>) -> Option<Finding> {
    let normalised = normalise(text);
    // Letters and digits only, so that 陈·大明, 陈 大明 and 陈-大明 all read 陈大明.
    let compact = |text: &str| -> String {
        normalise(text)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let text = compact(&normalised);
    let contains = |value: Option<&str>| {
        value
            .map(compact)
            .is_some_and(|v| v.chars().count() >= 2 && text.contains(&v))
    };
    if contains(known.head_name) {
        return Some(Finding::HouseholdValue("name"));
    }
    if contains(known.address) {
        return Some(Finding::HouseholdValue("address"));
    }
    None
}

/// Full-width digits and letters (１３８, Ｘ, ＠) folded to ASCII, every kind of space (the
/// no-break space of pasted text, the ideographic space) made a plain one, and invisible
/// characters (zero-width spaces and joiners, soft hyphens) dropped: none of them hides a
/// number.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            )
        })
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c if c.is_whitespace() => ' ',
            _ => c,
        })
        .collect()
}

/// What people put between the groups of a number: 138-1234-5678, 138 1234 5678, (0753)
/// 8765432, 138、1234、5678.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '、' | '·' | '(' | ')' | '/' | '_' | '—' | '–'
    )
}

/// Separators allowed between two groups of one number.
const MAX_SEPARATORS: usize = 3;

/// Runs of digits (with a trailing X, as ID-card numbers end), joined across short runs of
/// separators.
fn digit_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            current.push(c);
        } else if matches!(c, 'x' | 'X') && !current.is_empty() {
            current.push('X');
            runs.push(std::mem::take(&mut current));
        } else if !current.is_empty() {
            let gap = chars[i..].iter().take_while(|c| is_separator(**c)).count();
            let resumes = chars.get(i + gap).is_some_and(char::is_ascii_digit);
            if (1..=MAX_SEPARATORS).contains(&gap) && resumes {
                i += gap;
                continue;
            }
            runs.push(std::mem::take(&mut current));
        }
        i += 1;
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn looks_like_id_card(run: &str) -> bool {
    // 17 digits and a check character (valid or not: a mistyped number is still private), or
    // the old 15-digit form.
    (run.len() == 18 && run[..17].bytes().all(|b| b.is_ascii_digit()))
        || (run.len() == 15 && run.bytes().all(|b| b.is_ascii_digit()))
}

fn has_email(text: &str) -> bool {
    text.char_indices()
        .filter(|(_, c)| *c == '@')
        .any(|(at, _)| {
            let local_ok = text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
            let domain: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            // A full stop (or a dash) right after the address ends the sentence, not the
            // domain: `写信到 a@example.com.` still shows the address.
            let domain = domain.trim_end_matches(['.', '-']);
            local_ok && domain.contains('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Option<Finding> {
        find_private(text, &KnownPrivate::default())
    }

    #[test]
    fn plain_descriptions_with_quantities_and_dates_pass() {
        for text in [
            "村小学需要课桌椅50套，每套约300元，2026年9月开学前到位。",
            "3口之家，因病致贫，需要轮椅1台",
            "年产量20000公斤，收购价每公斤8.5元",
            "联系方式请通过平台留言",
            "村道硬化 1.2 公里",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn id_card_numbers_are_found_in_any_form() {
        for text in [
            "户主身份证 11010519491231002X 已核实",
            "身份证号：110105194912310021",
            "身份证号：１１０１０５１９４９１２３１００２Ｘ",
            "老身份证 110105491231002",
        ] {
            assert_eq!(find(text), Some(Finding::IdCard), "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_found_however_they_are_written() {
        for text in [
            "有意者请联系13812345678",
            "电话 138-1234-5678",
            "电话 138 1234 5678 王书记",
            "电话１３８１２３４５６７８",
            "电话 138\u{A0}1234\u{A0}5678",
            "电话 138\u{200B}1234\u{200B}5678",
            "电话 138 - 1234 - 5678",
            "电话 138、1234、5678",
            "电话 138—1234—5678",
        ] {
            assert_eq!(find(text), Some(Finding::Mobile), "{text}");
        }
        assert_eq!(find("座机 0753-87654321"), Some(Finding::LongNumber));
        assert_eq!(find("座机 (0753)8765432"), Some(Finding::LongNumber));
        assert_eq!(
            find("工资卡 6222 0212 3456 7890 123"),
            Some(Finding::LongNumber)
        );
    }

    #[test]
    fn email_addresses_are_found() {
        assert_eq!(
            find("请发邮件到 li.ming@example.com 联系"),
            Some(Finding::Email)
        );
        assert_eq!(find("@村委会 请尽快处理"), None);
    }

    /// Found by a property test (issue #18): an address followed by a full stop was missed,
    /// the stop read as part of its domain.
    #[test]
    fn an_email_address_at_the_end_of_a_sentence_is_found() {
        assert_eq!(find("0@a.aa.，"), Some(Finding::Email));
        assert_eq!(find("Write to li.ming@example.com."), Some(Finding::Email));
        assert_eq!(find("邮箱 li.ming@example.com.cn..."), Some(Finding::Email));
        assert_eq!(find("写信到 li.ming@example.com-"), Some(Finding::Email));
        assert_eq!(find("a@b. 不是地址"), None);
    }

    #[test]
    fn the_households_own_name_and_address_are_found() {
        let known = KnownPrivate {
            head_name: Some("陈 大明"),
            address: Some("墩背村三组12号"),
        };
        assert_eq!(
            find_private("陈大明家需要一台冰箱", &known),
            Some(Finding::HouseholdValue("name"))
        );
        assert_eq!(
            find_private("送到墩背村三组12号", &known),
            Some(Finding::HouseholdValue("address"))
        );
        assert_eq!(
            find_private("陈·大明家需要一台冰箱", &known),
            Some(Finding::HouseholdValue("name"))
        );
        assert_eq!(find_private("3口之家需要一台冰箱", &known), None);
    }
}

/// Hostile input (issue #18): an ID-card number, a mobile number or an e-mail address embedded
/// anywhere in arbitrary text — written with the separators, full-width characters and
/// invisible characters [`normalise`] and [`is_separator`] claim to see through — is found; a
/// household's name is found through the punctuation people put inside it; nothing panics.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::id_card::IdCardNumber;
    use crate::hostile::check;

    /// Text of any kind around the private value.
    fn surrounding() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            any::<String>(),
            "\\PC{0,12}",
            "[ 。，,.:：a-zA-Z\u{4e00}-\u{4e20}-]{0,8}",
        ]
    }

    /// Between two groups of digits: nothing, or one to three of the separators people use.
    fn gap() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => Just(String::new()),
            2 => proptest::collection::vec(
                prop_oneof![
                    Just(' '), Just('-'), Just('.'), Just('、'), Just('·'), Just('/'),
                    Just('_'), Just('—'), Just('–'), Just('\u{3000}'), Just('\u{a0}'),
                    Just('\u{ff0d}'),
                ],
                1..=MAX_SEPARATORS,
            )
            .prop_map(|v| v.into_iter().collect()),
        ]
    }

    /// `digits` in groups of `sizes` joined by `gaps`, some digits written full-width, with
    /// invisible characters here and there.
    fn disguise(
        digits: &str,
        sizes: &[usize],
        gaps: &[String],
        wide: &[bool],
        hide: &[bool],
    ) -> String {
        let mut out = String::new();
        let mut chars = digits.chars().enumerate();
        for (group, size) in sizes.iter().enumerate() {
            if group > 0 {
                out.push_str(&gaps[group - 1]);
            }
            for (i, c) in chars.by_ref().take(*size) {
                if hide[i % hide.len()] {
                    out.push('\u{200b}');
                }
                out.push(if wide[i % wide.len()] {
                    full_width(c)
                } else {
                    c
                });
            }
        }
        out
    }

    fn full_width(c: char) -> char {
        match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        }
    }

    fn id_number() -> impl Strategy<Value = String> {
        (
            "[1-6][0-9]{5}",
            1950u32..2020,
            1u32..=12,
            1u32..=28,
            "[0-9]{3}",
        )
            .prop_map(|(region, year, month, day, sequence)| {
                IdCardNumber::complete(&format!("{region}{year}{month:02}{day:02}{sequence}"))
                    .unwrap()
                    .expose()
                    .to_owned()
            })
    }

    fn flags() -> impl Strategy<Value = (Vec<bool>, Vec<bool>)> {
        (
            proptest::collection::vec(prop::bool::weighted(0.3), 1..18),
            proptest::collection::vec(prop::bool::weighted(0.1), 1..18),
        )
    }

    #[test]
    fn an_id_card_number_anywhere_in_any_text_is_found() {
        check(
            "private_text: an embedded ID-card number is found",
            1024,
            (
                surrounding(),
                id_number(),
                any::<bool>(),
                proptest::collection::vec(gap(), 2),
                flags(),
                surrounding(),
            ),
            |(before, id, lower_x, gaps, (wide, hide), after)| {
                let id = if lower_x { id.replace('X', "x") } else { id };
                let text = format!(
                    "{before}{}{after}",
                    disguise(&id, &[6, 8, 4], &gaps, &wide, &hide)
                );
                prop_assert!(find_pattern(&text).is_some(), "not found in {:?}", text);
                prop_assert!(find_private(&text, &KnownPrivate::default()).is_some());
                Ok(())
            },
        );
    }

    #[test]
    fn a_mobile_number_anywhere_in_any_text_is_found() {
        check(
            "private_text: an embedded mobile number is found",
            1024,
            (
                surrounding(),
                "1[3-9][0-9]{9}",
                proptest::collection::vec(gap(), 2),
                flags(),
                surrounding(),
            ),
            |(before, mobile, gaps, (wide, hide), after)| {
                let text = format!(
                    "{before}{}{after}",
                    disguise(&mobile, &[3, 4, 4], &gaps, &wide, &hide)
                );
                prop_assert!(find_pattern(&text).is_some(), "not found in {:?}", text);
                Ok(())
            },
        );
    }

    #[test]
    fn an_email_address_anywhere_in_any_text_is_found() {
        check(
            "private_text: an embedded e-mail address is found",
            1024,
            (
                surrounding(),
                "[a-z0-9][a-z0-9._%+-]{0,10}",
                "[a-z0-9][a-z0-9-]{0,10}(\\.[a-z]{2,6}){1,2}",
                any::<bool>(),
                surrounding(),
            ),
            |(before, local, domain, wide_at, after)| {
                let at = if wide_at { '\u{ff20}' } else { '@' };
                let text = format!("{before}{local}{at}{domain}{after}");
                prop_assert!(find_pattern(&text).is_some(), "not found in {:?}", text);
                Ok(())
            },
        );
    }

    #[test]
    fn a_household_name_broken_up_by_punctuation_is_found() {
        check(
            "private_text: a household's name is found",
            1024,
            (
                surrounding(),
                "[\u{4e00}-\u{9fa5}]{2,4}",
                proptest::collection::vec(
                    prop_oneof![Just(""), Just("·"), Just(" "), Just("-"), Just("\u{200b}")],
                    4,
                ),
                surrounding(),
            ),
            |(before, name, marks, after)| {
                let written: String = name
                    .chars()
                    .zip(marks.iter().cycle())
                    .flat_map(|(c, mark)| std::iter::once(c.to_string()).chain([mark.to_string()]))
                    .collect();
                let text = format!("{before}{written}{after}");
                let known = KnownPrivate {
                    head_name: Some(&name),
                    address: None,
                };
                prop_assert_eq!(
                    find_household_value(&text, &known),
                    Some(Finding::HouseholdValue("name")),
                    "not found in {:?}",
                    text
                );
                Ok(())
            },
        );
    }

    #[test]
    fn arbitrary_text_and_household_values_never_panic() {
        check(
            "private_text: arbitrary input",
            2048,
            (
                prop_oneof![
                    any::<String>(),
                    "[0-9xX@. \u{ff10}-\u{ff19}\u{200b}-]{0,40}"
                ],
                proptest::option::of(any::<String>()),
                proptest::option::of(any::<String>()),
            ),
            |(text, head_name, address)| {
                let known = KnownPrivate {
                    head_name: head_name.as_deref(),
                    address: address.as_deref(),
                };
                if let Some(finding) = find_private(&text, &known) {
                    prop_assert!(!finding.message().is_empty());
                }
                Ok(())
            },
        );
    }
}
