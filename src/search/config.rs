//! The index settings in `search-config/` (`needs.json`, `offers.json`, `products.json`: one file per kind of
//! [`Document`](super::Document)): the one source of truth for what is searchable (in priority
//! order), filterable and sortable, the ranking rules, synonyms and typo tolerance. Meilisearch
//! receives a file as its index settings; the embedded engine builds its schema and query
//! behaviour from the same values. They are compiled into the binary, so the two engines of one
//! build can never read different versions of them.

use std::collections::HashMap;

use serde::Deserialize;

/// The settings file of the needs index, verbatim.
pub const NEEDS_SETTINGS_JSON: &str = include_str!("../../search-config/needs.json");
/// The settings file of the offers index, verbatim.
pub const OFFERS_SETTINGS_JSON: &str = include_str!("../../search-config/offers.json");
/// The settings file of the products index, verbatim.
pub const PRODUCTS_SETTINGS_JSON: &str = include_str!("../../search-config/products.json");

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
    /// A settings file's values (a [`Document`](super::Document)'s `config()` reads its own).
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
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

/// A settings file as Meilisearch settings. `primaryKey` is not a setting: it is given when
/// the index is created.
pub fn meilisearch_settings(
    json: &str,
) -> Result<meilisearch_sdk::settings::Settings, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_str(json)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("primaryKey");
    }
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::document::{
        Document, FieldKind, NeedDocument, OfferDocument, ProductDocument,
    };

    /// Each settings file, with its document's field kinds.
    fn each_file(check: impl Fn(&str, &str, SearchConfig, fn(&str) -> Option<FieldKind>)) {
        check(
            NeedDocument::SETTINGS_FILE,
            NeedDocument::settings_json(),
            NeedDocument::config(),
            NeedDocument::field_kind,
        );
        check(
            OfferDocument::SETTINGS_FILE,
            OfferDocument::settings_json(),
            OfferDocument::config(),
            OfferDocument::field_kind,
        );
        check(
            ProductDocument::SETTINGS_FILE,
            ProductDocument::settings_json(),
            ProductDocument::config(),
            ProductDocument::field_kind,
        );
    }

    #[test]
    fn the_settings_files_parse_for_both_engines() {
        each_file(|file, json, config, _| {
            assert_eq!(config.primary_key, "id", "{file}");
            assert!(config.sort_before_relevance(), "{file}");
            let settings = meilisearch_settings(json).unwrap();
            assert_eq!(
                settings.searchable_attributes.as_deref(),
                Some(config.searchable_attributes.as_slice()),
                "{file}"
            );
            assert_eq!(
                settings.synonyms.as_ref().map(|s| s.len()),
                Some(config.synonyms.len()),
                "{file}"
            );
            assert!(settings.localized_attributes.is_some(), "{file}");
            assert!(settings.typo_tolerance.is_some(), "{file}");
            // Nothing in the file was dropped on the way to Meilisearch.
            let sent = serde_json::to_value(&settings).unwrap();
            let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
            for key in parsed.as_object().unwrap().keys() {
                if key != "primaryKey" {
                    assert!(
                        sent.get(key).is_some(),
                        "{file}: `{key}` is not sent to Meilisearch"
                    );
                }
            }
        });
    }

    #[test]
    fn every_filterable_and_sortable_attribute_has_a_known_type() {
        each_file(|file, _, config, field_kind| {
            for name in config
                .filterable_attributes
                .iter()
                .chain(&config.sortable_attributes)
            {
                assert!(
                    field_kind(name).is_some(),
                    "{file}: `{name}` has no field kind"
                );
            }
            for name in &config.sortable_attributes {
                assert_eq!(
                    field_kind(name),
                    Some(FieldKind::Integer),
                    "{file}: `{name}` sorts as a number"
                );
            }
        });
    }

    #[test]
    fn the_offers_index_is_ranked_searched_and_paged_as_the_needs_index() {
        let needs: serde_json::Value = serde_json::from_str(NEEDS_SETTINGS_JSON).unwrap();
        let offers: serde_json::Value = serde_json::from_str(OFFERS_SETTINGS_JSON).unwrap();
        for key in [
            "primaryKey",
            "rankingRules",
            "typoTolerance",
            "localizedAttributes",
            "faceting",
            "pagination",
        ] {
            assert_eq!(offers[key], needs[key], "`{key}`");
        }
        // The needs' synonyms, and more.
        for (word, synonyms) in needs["synonyms"].as_object().unwrap() {
            for synonym in synonyms.as_array().unwrap() {
                assert!(
                    offers["synonyms"][word]
                        .as_array()
                        .is_some_and(|s| s.contains(synonym)),
                    "{word} → {synonym}"
                );
            }
        }
    }

    #[test]
    fn the_products_index_is_ranked_searched_and_paged_as_the_needs_index() {
        let needs: serde_json::Value = serde_json::from_str(NEEDS_SETTINGS_JSON).unwrap();
        let products: serde_json::Value = serde_json::from_str(PRODUCTS_SETTINGS_JSON).unwrap();
        for key in [
            "primaryKey",
            "rankingRules",
            "typoTolerance",
            "localizedAttributes",
            "faceting",
            "pagination",
        ] {
            assert_eq!(products[key], needs[key], "`{key}`");
        }
        // Every synonym goes both ways.
        for (word, synonyms) in products["synonyms"].as_object().unwrap() {
            for synonym in synonyms.as_array().unwrap() {
                let back = &products["synonyms"][synonym.as_str().unwrap()];
                assert!(
                    back.as_array()
                        .is_some_and(|s| s.contains(&word.as_str().into())),
                    "{synonym} → {word}"
                );
            }
        }
    }

    #[test]
    fn typos_follow_the_word_sizes() {
        let config = NeedDocument::config();
        assert_eq!(config.typos_allowed(4), 0);
        assert_eq!(config.typos_allowed(5), 1);
        assert_eq!(config.typos_allowed(9), 2);
    }
}
