//! Which database, and which schema, an index mirrors. A database has an instance id of its own
//! (made once, kept in `platform_meta`); each kind of [`Document`] a schema fingerprint, derived
//! from its settings file and the shape of its documents. An index carries an
//! [`IndexIdentity`] (in a file beside the embedded index's segments; in a marker index beside
//! the Meilisearch index), written as "being filled" before a fill from a database and as
//! "complete" after it. Comparing it with what this database and this build expect
//! ([`standing`]) says whether the index may be searched as this database's, must be (re)filled,
//! or belongs to another database or schema.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Document;
use crate::config::OnMismatch;

/// What an index says it mirrors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexIdentity {
    /// The instance id of the database it was filled from (`platform_meta.instance_id`).
    pub instance: String,
    /// The [`schema_fingerprint`] of the documents it was filled with.
    pub schema: String,
    /// Whether that fill finished: false while it is under way, and after one that stopped
    /// half-way (which the next start then finishes).
    pub complete: bool,
}

impl IndexIdentity {
    /// The identity of an index of `D`s filled completely from the database `instance`.
    pub fn of<D: Document>(instance: &str) -> Self {
        Self {
            instance: instance.to_owned(),
            schema: schema_fingerprint::<D>(),
            complete: true,
        }
    }

    /// The same, with its fill under way.
    pub fn filling(&self) -> Self {
        Self {
            complete: false,
            ..self.clone()
        }
    }
}

/// The schema an index of `D`s is built to: a digest of its settings file (what is searchable,
/// filterable, sortable, ranking, synonyms…), the shape of its documents (their fields and
/// types, as the OpenAPI schema of `D` and every type in it describes them) and the kinds the
/// embedded engine gives its filterable and sortable attributes. Derived, never numbered by
/// hand: a change to any of them changes it, and each index is then rebuilt.
pub fn schema_fingerprint<D: Document>() -> String {
    schema_digest(D::settings_json(), &shapes::<D>(), &attribute_kinds::<D>())
}

/// The OpenAPI schemas of `D` and of the types it holds, by name, each once.
fn shapes<D: Document>() -> Vec<(String, serde_json::Value)> {
    let mut schemas = vec![(D::name().into_owned(), D::schema())];
    D::schemas(&mut schemas);
    let mut shapes: Vec<(String, serde_json::Value)> = schemas
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    shapes.sort_by(|a, b| a.0.cmp(&b.0));
    shapes.dedup_by(|a, b| a.0 == b.0);
    shapes
}

/// Each filterable and sortable attribute of `D`'s settings with the kind the embedded engine
/// indexes it as.
fn attribute_kinds<D: Document>() -> Vec<(String, String)> {
    let config = D::config();
    let mut kinds: Vec<(String, String)> = config
        .filterable_attributes
        .iter()
        .chain(&config.sortable_attributes)
        .map(|name| (name.clone(), format!("{:?}", D::field_kind(name))))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// The digest of a settings file (read as JSON, so that its layout does not count), document
/// shapes and attribute kinds.
fn schema_digest(
    settings_json: &str,
    shapes: &[(String, serde_json::Value)],
    kinds: &[(String, String)],
) -> String {
    let settings = serde_json::from_str::<serde_json::Value>(settings_json)
        .unwrap_or_else(|_| serde_json::Value::String(settings_json.to_owned()));
    let all = serde_json::json!({"settings": settings, "shapes": shapes, "kinds": kinds});
    let digest = Sha256::digest(all.to_string().as_bytes());
    hex::encode(&digest[..8])
}

/// Where an index stands against the database and build that would use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Filled completely from this database, with this schema: searched as it is.
    Current,
    /// Being filled from this database with this schema, or a fill of it stopped half-way:
    /// to be filled (again) before it is searched.
    Filling,
    /// Carries no identity: new, or made before indexes carried one. To be filled.
    Unmarked,
    /// Filled from another database, or with another schema.
    Mismatch { found: IndexIdentity },
}

/// Compares what an index carries (`found`) with what this database and build expect.
pub fn standing(expected: &IndexIdentity, found: Option<&IndexIdentity>) -> Standing {
    match found {
        None => Standing::Unmarked,
        Some(found) if found.instance != expected.instance || found.schema != expected.schema => {
            Standing::Mismatch {
                found: found.clone(),
            }
        }
        Some(found) if found.complete => Standing::Current,
        Some(_) => Standing::Filling,
    }
}

/// What a node does with an index when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Search it as it is.
    Keep,
    /// Fill it from this database: marked as being filled first, as complete after.
    Fill,
    /// Leave it alone and do not start (`DUIJIE_SEARCH_ON_MISMATCH=refuse`).
    Refuse,
}

/// What to do with an index standing as it does, `created` just now (empty), when the settings
/// say `on_mismatch`. An index of this database that is unmarked, or whose fill never finished,
/// is filled whatever the setting: refusing is for another database's or schema's index only.
pub fn action(standing: &Standing, created: bool, on_mismatch: OnMismatch) -> Action {
    match standing {
        Standing::Current if !created => Action::Keep,
        Standing::Mismatch { .. } if on_mismatch == OnMismatch::Refuse => Action::Refuse,
        _ => Action::Fill,
    }
}

/// Why a node will not start on an index of another database or schema
/// (`DUIJIE_SEARCH_ON_MISMATCH=refuse`): both identities, and what to do.
pub fn refusal(
    index: &str,
    described: &str,
    found: &IndexIdentity,
    expected: &IndexIdentity,
) -> String {
    let what = if found.instance != expected.instance {
        "another database"
    } else {
        "another schema of this database's documents"
    };
    format!(
        "the {index} search index ({described}) mirrors {what}: it holds database instance \
         {} (schema {}{}), this database is instance {} (schema {}). \
         DUIJIE_SEARCH_ON_MISMATCH=refuse, so this node does not start. Rebuild the indexes \
         from this database with `duijie reindex` (searches keep answering meanwhile), or point \
         the search settings at this database's own indexes, or set \
         DUIJIE_SEARCH_ON_MISMATCH=rebuild to have the worker rebuild them",
        found.instance,
        found.schema,
        if found.complete {
            ""
        } else {
            ", its fill unfinished"
        },
        expected.instance,
        expected.schema,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{NeedDocument, OfferDocument, ProductDocument};

    fn identity(instance: &str, schema: &str, complete: bool) -> IndexIdentity {
        IndexIdentity {
            instance: instance.into(),
            schema: schema.into(),
            complete,
        }
    }

    #[test]
    fn an_index_is_current_only_when_filled_completely_from_this_database_and_schema() {
        let expected = identity("db-b", "s1", true);
        assert_eq!(standing(&expected, None), Standing::Unmarked);
        assert_eq!(
            standing(&expected, Some(&identity("db-b", "s1", true))),
            Standing::Current
        );
        // A fill that stopped half-way is finished, never taken as done.
        assert_eq!(
            standing(&expected, Some(&identity("db-b", "s1", false))),
            Standing::Filling
        );
        for found in [
            identity("db-a", "s1", true),
            identity("db-a", "s1", false),
            identity("db-b", "s0", true),
        ] {
            assert_eq!(
                standing(&expected, Some(&found)),
                Standing::Mismatch {
                    found: found.clone()
                },
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_mismatch_is_rebuilt_or_refused_by_the_setting_and_anything_unfinished_is_filled() {
        use OnMismatch::{Rebuild, Refuse};
        let mismatch = Standing::Mismatch {
            found: identity("db-a", "s1", true),
        };
        let cases = [
            (Standing::Current, false, Rebuild, Action::Keep),
            (Standing::Current, false, Refuse, Action::Keep),
            // Its marker outlived the index (deleted by hand): the new, empty one is filled.
            (Standing::Current, true, Refuse, Action::Fill),
            (Standing::Filling, false, Refuse, Action::Fill),
            (Standing::Unmarked, false, Refuse, Action::Fill),
            (Standing::Unmarked, true, Rebuild, Action::Fill),
            (mismatch.clone(), false, Rebuild, Action::Fill),
            (mismatch.clone(), false, Refuse, Action::Refuse),
        ];
        for (standing, created, setting, expected) in cases {
            assert_eq!(
                action(&standing, created, setting),
                expected,
                "{standing:?}, created {created}, {setting:?}"
            );
        }
    }

    #[test]
    fn the_schema_fingerprint_is_derived_from_settings_shape_and_kinds() {
        let needs = schema_fingerprint::<NeedDocument>();
        assert_eq!(needs, schema_fingerprint::<NeedDocument>(), "stable");
        assert_eq!(needs.len(), 16);
        let all = [
            needs.clone(),
            schema_fingerprint::<OfferDocument>(),
            schema_fingerprint::<ProductDocument>(),
        ];
        assert_eq!(
            all.iter().collect::<std::collections::HashSet<_>>().len(),
            3
        );

        let settings = NeedDocument::settings_json();
        let shapes = shapes::<NeedDocument>();
        let kinds = attribute_kinds::<NeedDocument>();
        assert_eq!(schema_digest(settings, &shapes, &kinds), needs);
        // The shape holds the nested types' fields too (PublicNeed's, flattened in).
        let names: Vec<&str> = shapes.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"NeedDocument"), "{names:?}");
        assert!(names.contains(&"PublicNeed"), "{names:?}");
        assert!(
            shapes
                .iter()
                .any(|(_, s)| s.to_string().contains("remaining_quantity"))
        );
        // The settings' layout does not count; their content does.
        let reformatted = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(settings).unwrap(),
        )
        .unwrap();
        assert_eq!(schema_digest(&reformatted, &shapes, &kinds), needs);
        let fewer_synonyms = settings.replacen("\"synonyms\"", "\"synonyms_\"", 1);
        assert_ne!(schema_digest(&fewer_synonyms, &shapes, &kinds), needs);
        // A field more in a document, or an attribute indexed as another kind.
        let mut grown = shapes.clone();
        grown[0].1["properties"]["new_field"] = serde_json::json!({"type": "string"});
        assert_ne!(schema_digest(settings, &grown, &kinds), needs);
        let mut rekinded = kinds.clone();
        rekinded[0].1 = "Some(Integer)".into();
        assert_ne!(schema_digest(settings, &shapes, &rekinded), needs);
    }

    #[test]
    fn a_refusal_names_both_instances_and_the_command_to_run() {
        let message = refusal(
            "needs",
            "Meilisearch at http://m:7700, index needs",
            &identity("aaa111", "s1", true),
            &identity("bbb222", "s1", true),
        );
        assert!(message.contains("another database"), "{message}");
        assert!(message.contains("aaa111"), "{message}");
        assert!(message.contains("bbb222"), "{message}");
        assert!(message.contains("`duijie reindex`"), "{message}");
        assert!(message.contains("DUIJIE_SEARCH_ON_MISMATCH"), "{message}");
        let message = refusal(
            "offers",
            "embedded index under ./data/search/offers",
            &identity("bbb222", "s0", false),
            &identity("bbb222", "s1", true),
        );
        assert!(message.contains("another schema"), "{message}");
        assert!(message.contains("its fill unfinished"), "{message}");
    }
}
