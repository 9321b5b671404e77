//! The index settings in `search-config/needs.json`: the one source of truth for what is
//! searchable (in priority order), filterable and sortable, the ranking rules, synonyms and
//! typo tolerance. Meilisearch receives the file as its index settings; the embedded engine
//! builds its schema and query behaviour from the same values. It is compiled into the binary,
//! so the two engines of one build can never read different versions of it.

use std::collections::HashMap;

use serde::Deserialize;

/// The settings file, verbatim.
pub const NEEDS_SETTINGS_JSON: &str = include_str!("../../search-config/needs.json");

/// What the embedded engine reads from the settings file. Meilisearch reads all of it (see
/// [`meilisearch_settings`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchConfig {
    pub primary_key: String,
    pub searchable_attributes: Vec<String>,
    pub filterable_attributes: Vec<String>,
    pub sortable_attributes: Vec<String>,
    pub ranking_rules: Vec<String>,
    #[serde(default)]
    pub synonyms: HashMap<String, Vec<String>>,
    #[serde(default)]
    pub typo_tolerance: TypoTolerance,
    #[serde(default)]
    pub pagination: Pagination,
    #[serde(default)]
    pub faceting: Faceting,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypoTolerance {
    pub enabled: bool,
    pub min_word_size_for_typos: MinWordSizeForTypos,
}

impl Default for TypoTolerance {
    /// Meilisearch's defaults.
    fn default() -> Self {
        Self {
            enabled: true,
            min_word_size_for_typos: MinWordSizeForTypos {
                one_typo: 5,
                two_typos: 9,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinWordSizeForTypos {
    pub one_typo: usize,
    pub two_typos: usize,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// No search reaches past this many hits, however it pages (Meilisearch's
    /// `maxTotalHits`); the total it reports is capped to it.
    pub max_total_hits: usize,
}

impl Default for Pagination {
    fn default() -> Self {
        Self {
            max_total_hits: 1000,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Faceting {
    /// At most this many values per facet: the most frequent (the embedded engine always
    /// keeps those; the file tells Meilisearch so with `sortFacetValuesBy: {"*": "count"}`).
    pub max_values_per_facet: usize,
}

impl Default for Faceting {
    fn default() -> Self {
        Self {
            max_values_per_facet: 100,
        }
    }
}

impl SearchConfig {
    /// The compiled-in settings of the needs index.
    pub fn needs() -> Self {
        serde_json::from_str(NEEDS_SETTINGS_JSON)
            .expect("search-config/needs.json is checked by a unit test")
    }

    /// Whether an explicit sort outranks relevance: `sort` comes before `words` in the ranking
    /// rules.
    pub fn sort_before_relevance(&self) -> bool {
        let position = |rule: &str| self.ranking_rules.iter().position(|r| r == rule);
        match (position("sort"), position("words")) {
            (Some(sort), Some(words)) => sort < words,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// How many typos a query word of `chars` characters may carry and still match.
    pub fn typos_allowed(&self, chars: usize) -> u8 {
        let sizes = self.typo_tolerance.min_word_size_for_typos;
        match chars {
            _ if !self.typo_tolerance.enabled => 0,
            n if n >= sizes.two_typos => 2,
            n if n >= sizes.one_typo => 1,
            _ => 0,
        }
    }
}

/// The settings file as Meilisearch settings. `primaryKey` is not a setting: it is given when
/// the index is created.
pub fn meilisearch_settings() -> Result<meilisearch_sdk::settings::Settings, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_str(NEEDS_SETTINGS_JSON)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("primaryKey");
    }
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::{FieldKind, field_kind};

    #[test]
    fn the_settings_file_parses_for_both_engines() {
        let config = SearchConfig::needs();
        assert_eq!(config.primary_key, "id");
        assert!(config.sort_before_relevance());
        let settings = meilisearch_settings().unwrap();
        assert_eq!(
            settings.searchable_attributes.as_deref(),
            Some(config.searchable_attributes.as_slice())
        );
        assert_eq!(
            settings.synonyms.as_ref().map(|s| s.len()),
            Some(config.synonyms.len())
        );
        assert!(settings.localized_attributes.is_some());
        assert!(settings.typo_tolerance.is_some());
        // Nothing in the file was dropped on the way to Meilisearch.
        let sent = serde_json::to_value(&settings).unwrap();
        let file: serde_json::Value = serde_json::from_str(NEEDS_SETTINGS_JSON).unwrap();
        for key in file.as_object().unwrap().keys() {
            if key != "primaryKey" {
                assert!(
                    sent.get(key).is_some(),
                    "`{key}` is not sent to Meilisearch"
                );
            }
        }
    }

    #[test]
    fn every_filterable_and_sortable_attribute_has_a_known_type() {
        let config = SearchConfig::needs();
        for name in config
            .filterable_attributes
            .iter()
            .chain(&config.sortable_attributes)
        {
            assert!(field_kind(name).is_some(), "`{name}` has no field kind");
        }
        for name in &config.sortable_attributes {
            assert_eq!(
                field_kind(name),
                Some(FieldKind::Integer),
                "`{name}` sorts as a number"
            );
        }
    }

    #[test]
    fn typos_follow_the_word_sizes() {
        let config = SearchConfig::needs();
        assert_eq!(config.typos_allowed(4), 0);
        assert_eq!(config.typos_allowed(5), 1);
        assert_eq!(config.typos_allowed(9), 2);
    }
}
