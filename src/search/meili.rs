//! The production engine: Meilisearch through `meilisearch-sdk`; one index per kind of
//! [`Document`], created with the primary key `id` and given the settings of the document's file
//! (`search-config/needs.json`, `search-config/offers.json`). Every write waits for its task to
//! be processed, so it is searchable when the call returns and a failed task is an error (the
//! outbox keeps the change and retries). Every call has a deadline: a server that hangs is
//! unavailable, not a stuck worker.

use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use async_trait::async_trait;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode, ErrorType};
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use meilisearch_sdk::settings::Settings as IndexSettings;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::config::meilisearch_settings;
use super::{
    Condition, Document, IndexIdentity, SearchError, SearchHits, SearchIndex, SearchQuery,
};

/// Longest wait for a search answer.
const SEARCH_DEADLINE: Duration = Duration::from_secs(5);
/// Longest wait for a write to be enqueued and processed (settings changes reindex, so longer).
const TASK_DEADLINE: Duration = Duration::from_secs(60);
/// How often a task's progress is polled.
const TASK_POLL: Duration = Duration::from_millis(25);
/// Documents read per request by `fingerprints`.
const PAGE: usize = 1000;
/// The marker index of index `uid` is `<uid>` followed by this: it holds one document, the
/// index's [`IndexIdentity`], where no search of the index meets it.
const MARKER_SUFFIX: &str = "__identity";
/// The id of that document.
const MARKER_ID: &str = "identity";

/// The marker index's one document.
#[derive(Serialize, Deserialize)]
struct Marker {
    id: String,
    #[serde(flatten)]
    identity: IndexIdentity,
}

/// A Meilisearch index of documents of kind `D`.
pub struct MeiliIndex<D> {
    url: String,
    client: Client,
    index: Index,
    /// Beside it, the marker index holding its identity.
    marker: Index,
    settings: IndexSettings,
    /// What it holds (a function type, so that the index is `Send` and `Sync` whatever `D`).
    documents: PhantomData<fn() -> D>,
}

impl<D: Document> MeiliIndex<D> {
    /// The index `uid` on the server at `url`, with the settings of `D`'s file.
    pub fn new(url: &str, key: Option<&SecretString>, uid: &str) -> Result<Self, SearchError> {
        let client = Client::new(url, key.map(|k| k.expose_secret().to_owned()))
            .map_err(|e| SearchError::Rejected(format!("Meilisearch client: {e}")))?;
        let settings = meilisearch_settings(D::settings_json())
            .map_err(|e| SearchError::Rejected(format!("{}: {e}", D::SETTINGS_FILE)))?;
        Ok(Self {
            url: url.to_owned(),
            index: client.index(uid),
            marker: client.index(format!("{uid}{MARKER_SUFFIX}")),
            client,
            settings,
            documents: PhantomData,
        })
    }

    /// Waits for a task to be processed; a failed task is Meilisearch's error.
    async fn finish(&self, task: TaskInfo) -> Result<(), SearchError> {
        self.outcome(task).await?.map_err(classify)
    }

    /// Waits for a task, within [`TASK_DEADLINE`] in all (the SDK's own limit does not count
    /// the time its polls take, and a poll that never answers would wait forever).
    async fn outcome(&self, task: TaskInfo) -> Result<Result<(), MeiliError>, SearchError> {
        let finished = within(
            TASK_DEADLINE,
            task.wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_DEADLINE)),
        )
        .await?;
        match finished {
            Task::Failed { content } => Ok(Err(MeiliError::Meilisearch(content.error))),
            _ => Ok(Ok(())),
        }
    }
}

/// Runs a call to Meilisearch with a deadline.
async fn within<T>(
    deadline: Duration,
    call: impl Future<Output = Result<T, MeiliError>>,
) -> Result<T, SearchError> {
    answer_within(deadline, call).await?.map_err(classify)
}

/// As [`within`], leaving Meilisearch's own answer unclassified.
async fn answer_within<T>(
    deadline: Duration,
    call: impl Future<Output = Result<T, MeiliError>>,
) -> Result<Result<T, MeiliError>, SearchError> {
    tokio::time::timeout(deadline, call).await.map_err(|_| {
        SearchError::Unavailable(format!(
            "Meilisearch did not answer within {} s",
            deadline.as_secs()
        ))
    })
}

fn has_code(error: &MeiliError, code: ErrorCode) -> bool {
    matches!(error, MeiliError::Meilisearch(e) if e.error_code == code)
}

/// A Meilisearch failure as retryable (unreachable, overloaded, internal, auth not yet
/// configured) or not (the request itself is wrong).
fn classify(error: MeiliError) -> SearchError {
    match &error {
        // Not created yet (the worker creates it with its settings), or deleted by someone.
        MeiliError::Meilisearch(e) if e.error_code == ErrorCode::IndexNotFound => {
            SearchError::Unavailable(format!("Meilisearch: {e}"))
        }
        MeiliError::Meilisearch(e) if e.error_type == ErrorType::InvalidRequest => {
            SearchError::Rejected(format!("Meilisearch: {e}"))
        }
        MeiliError::Meilisearch(e) => SearchError::Unavailable(format!("Meilisearch: {e}")),
        MeiliError::ParseError(_) | MeiliError::InvalidRequest => {
            SearchError::Rejected(format!("Meilisearch: {error}"))
        }
        _ => SearchError::Unavailable(format!("Meilisearch: {error}")),
    }
}

/// A filter in Meilisearch's syntax: `category IN ["education", "medical"] AND
/// remaining_quantity > 0`. Values are quoted and escaped.
pub fn filter_expression(conditions: &[Condition]) -> String {
    let quote = |value: &str| format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    conditions
        .iter()
        .map(|condition| match condition {
            Condition::AnyOf { field, values } => {
                let values: Vec<String> = values.iter().map(|v| quote(v)).collect();
                format!("{field} IN [{}]", values.join(", "))
            }
            Condition::GreaterThan { field, value } => format!("{field} > {value}"),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

#[derive(Deserialize)]
struct Fingerprint {
    id: i64,
    #[serde(default)]
    fingerprint: String,
}

#[async_trait]
impl<D: Document> SearchIndex<D> for MeiliIndex<D> {
    fn describe(&self) -> String {
        format!("Meilisearch at {}, index {}", self.url, self.index.uid)
    }

    async fn prepare(&self) -> Result<bool, SearchError> {
        let found =
            answer_within(SEARCH_DEADLINE, self.client.get_raw_index(&self.index.uid)).await?;
        let created = match found {
            Ok(_) => false,
            Err(e) if has_code(&e, ErrorCode::IndexNotFound) => {
                let task = within(
                    SEARCH_DEADLINE,
                    self.client.create_index(&self.index.uid, Some("id")),
                )
                .await?;
                match self.outcome(task).await? {
                    Ok(()) => true,
                    // Another node created it in the meantime.
                    Err(e) if has_code(&e, ErrorCode::IndexAlreadyExists) => false,
                    Err(e) => return Err(classify(e)),
                }
            }
            Err(e) => return Err(classify(e)),
        };
        let task = within(SEARCH_DEADLINE, self.index.set_settings(&self.settings)).await?;
        self.finish(task).await?;
        Ok(created)
    }

    async fn upsert(&self, documents: &[D]) -> Result<(), SearchError> {
        if documents.is_empty() {
            return Ok(());
        }
        let task = within(
            SEARCH_DEADLINE,
            self.index.add_or_replace(documents, Some("id")),
        )
        .await?;
        self.finish(task).await
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let task = within(SEARCH_DEADLINE, self.index.delete_documents(ids)).await?;
        self.finish(task).await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits<D>, SearchError> {
        let filter = filter_expression(&query.conditions);
        let sort: Vec<String> = query
            .sort
            .iter()
            .map(|k| format!("{}:{}", k.field, if k.descending { "desc" } else { "asc" }))
            .collect();
        let sort: Vec<&str> = sort.iter().map(String::as_str).collect();
        let facets: Vec<&str> = query.facets.iter().map(String::as_str).collect();
        let mut request = self.index.search();
        request
            .with_query(&query.text)
            .with_page(query.page)
            .with_hits_per_page(query.per_page)
            .with_matching_strategy(MatchingStrategies::ALL)
            // The index's text is Chinese (`localizedAttributes`); so is the query.
            .with_locales(&["cmn"]);
        if !filter.is_empty() {
            request.with_filter(&filter);
        }
        if !sort.is_empty() {
            request.with_sort(&sort);
        }
        if !facets.is_empty() {
            request.with_facets(Selectors::Some(&facets));
        }
        let results = within(SEARCH_DEADLINE, request.execute::<D>()).await?;
        let mut facets = super::FacetCounts::new();
        for name in &query.facets {
            let counts = results
                .facet_distribution
                .as_ref()
                .and_then(|d| d.get(name))
                .map(|values| {
                    values
                        .iter()
                        .filter(|(_, n)| **n > 0)
                        .map(|(v, n)| (v.clone(), *n as u64))
                        .collect()
                })
                .unwrap_or_default();
            facets.insert(name.clone(), counts);
        }
        Ok(SearchHits {
            total: results.total_hits.unwrap_or(results.hits.len()) as u64,
            hits: results.hits.into_iter().map(|h| h.result).collect(),
            facets,
        })
    }

    async fn fingerprints(&self) -> Result<HashMap<i64, String>, SearchError> {
        let mut out = HashMap::new();
        let mut offset = 0;
        loop {
            let mut query = DocumentsQuery::new(&self.index);
            query
                .with_fields(["id", "fingerprint"])
                .with_limit(PAGE)
                .with_offset(offset);
            let page = within(
                SEARCH_DEADLINE,
                self.index.get_documents_with::<Fingerprint>(&query),
            )
            .await?;
            let read = page.results.len();
            out.extend(page.results.into_iter().map(|d| (d.id, d.fingerprint)));
            if read < PAGE {
                return Ok(out);
            }
            offset += read;
        }
    }

    /// The server answers and the index is there.
    async fn health(&self) -> Result<(), SearchError> {
        within(SEARCH_DEADLINE, self.client.get_raw_index(&self.index.uid))
            .await
            .map(drop)
    }

    async fn identity(&self) -> Result<Option<IndexIdentity>, SearchError> {
        let found = answer_within(
            SEARCH_DEADLINE,
            self.marker.get_document::<Marker>(MARKER_ID),
        )
        .await?;
        match found {
            Ok(marker) => Ok(Some(marker.identity)),
            Err(e)
                if has_code(&e, ErrorCode::IndexNotFound)
                    || has_code(&e, ErrorCode::DocumentNotFound) =>
            {
                Ok(None)
            }
            Err(e) => Err(classify(e)),
        }
    }

    /// The marker index is created by its first document.
    async fn set_identity(&self, identity: &IndexIdentity) -> Result<(), SearchError> {
        let marker = Marker {
            id: MARKER_ID.to_owned(),
            identity: identity.clone(),
        };
        let task = within(
            SEARCH_DEADLINE,
            self.marker.add_or_replace(&[marker], Some("id")),
        )
        .await?;
        self.finish(task).await
    }
}

impl<D: Document> MeiliIndex<D> {
    /// Deletes the whole index and its marker index (tests clean up their own indexes with
    /// it).
    pub async fn drop_index(&self) -> Result<(), SearchError> {
        for uid in [&self.index.uid, &self.marker.uid] {
            let task = within(SEARCH_DEADLINE, self.client.delete_index(uid)).await?;
            match self.outcome(task).await? {
                Err(e) if !has_code(&e, ErrorCode::IndexNotFound) => return Err(classify(e)),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_quoted_meilisearch_expressions() {
        let conditions = vec![
            Condition::AnyOf {
                field: "category".into(),
                values: vec!["education".into(), "a\"b".into()],
            },
            Condition::GreaterThan {
                field: "remaining_quantity".into(),
                value: 0,
            },
        ];
        assert_eq!(
            filter_expression(&conditions),
            r#"category IN ["education", "a\"b"] AND remaining_quantity > 0"#
        );
    }
}
