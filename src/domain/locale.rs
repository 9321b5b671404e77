//! The languages the platform writes in.

/// The languages the platform writes in. zh-CN is the default; a user may choose English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// `zh-CN` or `en` exactly, as the API takes them.
    pub fn parse(s: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// A stored locale; anything not English is read as the default.
    pub fn of_stored(s: &str) -> Locale {
        if s.eq_ignore_ascii_case("en") || s.to_ascii_lowercase().starts_with("en-") {
            Locale::En
        } else {
            Locale::ZhCn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_locales_fall_back_to_chinese() {
        assert_eq!(Locale::of_stored("en"), Locale::En);
        assert_eq!(Locale::of_stored("en-GB"), Locale::En);
        assert_eq!(Locale::of_stored("zh-CN"), Locale::ZhCn);
        assert_eq!(Locale::of_stored("fr"), Locale::ZhCn);
        assert_eq!(Locale::parse("EN"), None);
    }
}
