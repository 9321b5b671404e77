//! The embedded engine: a Tantivy index under the data directory, so that the platform searches
//! with no server at all; one index per kind of [`Document`], each in a directory of its own.
//! Its schema is derived from the document's settings file (`search-config/needs.json`,
//! `search-config/offers.json`) and field kinds: each searchable attribute is a text field cut
//! into words by jieba and weighted by its rank in the list, each filterable or sortable
//! attribute an exact (keyword) or numeric fast field. Queries mean what they mean on
//! Meilisearch: every query word must match (or a synonym, a typo within the configured word
//! sizes, or, for the last word, a longer word it begins); an explicit sort outranks relevance
//! when the ranking rules say so; totals stop at `maxTotalHits`.
//!
//! One process writes (Tantivy's lock on the directory); any number of searches run beside it.
//! A write commits and reloads the searcher before it returns, so it is searchable at once.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader,
    TERMINATED, TantivyDocument, TantivyError, Term,
};

use super::document::{Document, FieldKind, values_of};
use super::text::{ChineseTokenizer, QueryWord, query_words};
use super::{
    Condition, FacetCounts, IndexIdentity, SearchConfig, SearchError, SearchHits, SearchIndex,
    SearchQuery, SortKey,
};

const TOKENIZER: &str = "duijie_zh";
/// Stamped on every commit: an index cut into words another way (another jieba, another
/// normalisation) is rebuilt rather than searched with words it does not hold.
const WORDS_VERSION: &str = "jieba-rs 0.11 search mode, half-width, lower case; v1";
/// The file in the index's directory holding its [`IndexIdentity`] (Tantivy leaves files it did
/// not write alone; clearing the directory for a new schema removes it with the segments).
const IDENTITY_FILE: &str = "duijie-identity.json";
/// Indexing memory: Tantivy's floor is 15 MB a thread.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// An embedded index of documents of kind `D`.
pub struct EmbeddedIndex<D> {
    inner: Arc<Inner<D>>,
}

struct Inner<D> {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    /// Taken on the first write and kept: it holds the directory's write lock.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    config: Arc<SearchConfig>,
    facet_sets: Arc<FacetSets>,
    /// What it holds (a function type, so that the index is `Send` and `Sync` whatever `D`).
    documents: PhantomData<fn() -> D>,
}

struct Fields {
    id: Field,
    /// The whole document, as JSON, returned with hits.
    source: Field,
    fingerprint: Field,
    /// Searchable attributes in priority order, with their weights.
    searchable: Vec<(String, Field, Score)>,
    /// Filterable and sortable attributes.
    attributes: HashMap<String, (Field, FieldKind)>,
}

/// Field names in the Tantivy schema: text fields of searchable attributes are `s_<name>`,
/// fast fields of filterable and sortable ones `f_<name>`.
fn fast_name(attribute: &str) -> String {
    format!("f_{attribute}")
}

fn schema<D: Document>(config: &SearchConfig) -> Result<(Schema, Fields), SearchError> {
    let mut builder = Schema::builder();
    let id = builder.add_u64_field("id", INDEXED | STORED | tantivy::schema::FAST);
    let source = builder.add_text_field("source", STORED);
    let fingerprint = builder.add_text_field("fingerprint", TextOptions::default().set_fast("raw"));
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let count = config.searchable_attributes.len() as i32;
    let searchable = config
        .searchable_attributes
        .iter()
        .enumerate()
        .map(|(rank, name)| {
            // Each attribute outweighs all below it, as Meilisearch's `attribute` rule has it.
            let weight = 8f32.powi(count - 1 - rank as i32);
            let field = builder.add_text_field(&format!("s_{name}"), text.clone());
            (name.clone(), field, weight)
        })
        .collect();
    let mut attributes = HashMap::new();
    for name in config
        .filterable_attributes
        .iter()
        .chain(&config.sortable_attributes)
    {
        if attributes.contains_key(name) {
            continue;
        }
        let kind = D::field_kind(name).ok_or_else(|| {
            SearchError::Rejected(format!(
                "{}: attribute `{name}` is not a known keyword or numeric field",
                D::SETTINGS_FILE
            ))
        })?;
        let field = match kind {
            FieldKind::Keyword => builder.add_text_field(
                &fast_name(name),
                TextOptions::default()
                    .set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer("raw")
                            .set_index_option(IndexRecordOption::Basic),
                    )
                    .set_fast("raw"),
            ),
            FieldKind::Integer => builder.add_i64_field(
                &fast_name(name),
                NumericOptions::default().set_indexed().set_fast(),
            ),
        };
        attributes.insert(name.clone(), (field, kind));
    }
    let fields = Fields {
        id,
        source,
        fingerprint,
        searchable,
        attributes,
    };
    Ok((builder.build(), fields))
}

fn unavailable(context: &str, error: impl std::fmt::Display) -> SearchError {
    SearchError::Unavailable(format!("embedded index: {context}: {error}"))
}

impl<D: Document> EmbeddedIndex<D> {
    /// Opens the index in `dir`, creating it, or re-creating it empty when the settings file
    /// changed its schema or its words are cut another way (the worker then fills it from the
    /// database). Re-creating needs the write lock: not while another process writes it.
    pub fn open(dir: &Path, config: Arc<SearchConfig>) -> Result<Self, SearchError> {
        let (schema, fields) = schema::<D>(&config)?;
        std::fs::create_dir_all(dir).map_err(|e| unavailable("creating its directory", e))?;
        let existing = if dir.join("meta.json").exists() {
            let index = Index::open_in_dir(dir).map_err(|e| unavailable("opening", e))?;
            let payload = index
                .load_metas()
                .map_err(|e| unavailable("opening", e))?
                .payload;
            let current =
                index.schema() == schema && payload.as_deref().is_none_or(|p| p == WORDS_VERSION);
            if current {
                Some(index)
            } else {
                tracing::warn!(
                    dir = %dir.display(),
                    "the search settings or the word cutting changed: rebuilding the embedded index"
                );
                let lock = index
                    .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
                    .map_err(|e| lock_error(dir, e))?;
                drop(lock);
                drop(index);
                clear_dir(dir)?;
                None
            }
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => Index::create_in_dir(dir, schema).map_err(|e| unavailable("creating", e))?,
        };
        index.tokenizers().register(TOKENIZER, ChineseTokenizer);
        let reader = index
            .reader_builder()
            // Its own writes reload at once (below); another process's (a `duijie worker`
            // beside a `serve` that runs none) when their commit lands.
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| unavailable("opening a reader", e))?;
        Ok(Self {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                index,
                reader,
                writer: Mutex::new(None),
                fields,
                config,
                facet_sets: Arc::default(),
                documents: PhantomData,
            }),
        })
    }

    /// Runs blocking index work off the async threads.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner<D>) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|e| unavailable("a worker thread failed", e))?
    }
}

/// The write lock is another process's.
fn lock_error(dir: &Path, error: TantivyError) -> SearchError {
    match error {
        TantivyError::LockFailure(..) => SearchError::Unavailable(format!(
            "embedded index {} is held by another process (a running `duijie serve` or \
             `duijie worker`); only one process may write it: stop that one first",
            dir.display()
        )),
        other => unavailable("opening the writer", other),
    }
}

/// Empties a directory of an index whose schema is out of date.
fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let entries = std::fs::read_dir(dir).map_err(|e| unavailable("reading its directory", e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| unavailable("clearing its directory", e))?;
    }
    Ok(())
}

impl<D: Document> Inner<D> {
    /// Applies `change` with the writer, commits and reloads the searcher. A failed commit is
    /// rolled back and the writer let go, so the next write starts clean.
    fn write(
        &self,
        change: impl FnOnce(&IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        // A write that panicked left the writer in an unknown state: start afresh.
        let mut slot = self.writer.lock().unwrap_or_else(|poisoned| {
            let mut slot = poisoned.into_inner();
            *slot = None;
            slot
        });
        if slot.is_none() {
            let writer = self
                .index
                .writer_with_num_threads(1, WRITER_MEMORY)
                .map_err(|e| lock_error(&self.dir, e))?;
            *slot = Some(writer);
        }
        let writer = slot.as_mut().expect("set above");
        let result = change(writer).and_then(|()| {
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(WORDS_VERSION);
            commit.commit().map(drop)
        });
        if let Err(error) = result {
            let _ = writer.rollback();
            *slot = None;
            return Err(unavailable("writing", error));
        }
        self.reader
            .reload()
            .map_err(|e| unavailable("reloading the searcher", e))
    }

    fn tantivy_document(&self, document: &D) -> Result<TantivyDocument, SearchError> {
        let json = serde_json::to_value(document)
            .map_err(|e| SearchError::Rejected(format!("document {}: {e}", document.id())))?;
        let mut out = TantivyDocument::default();
        out.add_u64(self.fields.id, document.id() as u64);
        out.add_text(self.fields.source, json.to_string());
        out.add_text(self.fields.fingerprint, document.fingerprint());
        for (name, field, _) in &self.fields.searchable {
            for value in values_of(&json, name) {
                match value {
                    serde_json::Value::String(s) => out.add_text(*field, s),
                    other => out.add_text(*field, other.to_string()),
                }
            }
        }
        for (name, (field, kind)) in &self.fields.attributes {
            for value in values_of(&json, name) {
                match (kind, value) {
                    (FieldKind::Keyword, serde_json::Value::String(s)) => out.add_text(*field, s),
                    (FieldKind::Keyword, other) => out.add_text(*field, other.to_string()),
                    (FieldKind::Integer, value) => match value.as_i64() {
                        Some(n) => out.add_i64(*field, n),
                        None => {
                            return Err(SearchError::Rejected(format!(
                                "document {}: `{name}` is not a whole number",
                                document.id()
                            )));
                        }
                    },
                }
            }
        }
        Ok(out)
    }

    fn attribute(&self, name: &str, purpose: &str) -> Result<(Field, FieldKind), SearchError> {
        let listed = match purpose {
            "sort" => self.config.sortable_attributes.iter().any(|a| a == name),
            _ => self.config.filterable_attributes.iter().any(|a| a == name),
        };
        match self.fields.attributes.get(name) {
            Some(found) if listed => Ok(*found),
            _ => Err(SearchError::Rejected(format!(
                "attribute `{name}` is not {purpose}able"
            ))),
        }
    }

    fn term(&self, field: Field, kind: FieldKind, value: &str) -> Result<Term, SearchError> {
        Ok(match kind {
            FieldKind::Keyword => Term::from_field_text(field, value),
            FieldKind::Integer => Term::from_field_i64(
                field,
                value
                    .parse()
                    .map_err(|_| SearchError::Rejected(format!("`{value}` is not a number")))?,
            ),
        })
    }

    fn condition(&self, condition: &Condition) -> Result<Box<dyn Query>, SearchError> {
        Ok(match condition {
            Condition::AnyOf { field, values } => {
                let (f, kind) = self.attribute(field, "filter")?;
                let terms = values
                    .iter()
                    .map(|v| self.term(f, kind, v))
                    .collect::<Result<Vec<_>, _>>()?;
                Box::new(TermSetQuery::new(terms))
            }
            Condition::GreaterThan { field, value } => {
                let (f, kind) = self.attribute(field, "filter")?;
                if kind != FieldKind::Integer {
                    return Err(SearchError::Rejected(format!("`{field}` is not numeric")));
                }
                Box::new(RangeQuery::new(
                    Bound::Excluded(Term::from_field_i64(f, *value)),
                    Bound::Unbounded,
                ))
            }
        })
    }

    /// One indexed word in any searchable attribute, the best-weighted attribute counting.
    fn word_query(&self, word: &str, prefix: bool) -> Box<dyn Query> {
        let typos = self.config.typos_allowed(word.chars().count());
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        for (_, field, weight) in &self.fields.searchable {
            let term = Term::from_field_text(*field, word);
            per_field.push(Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                *weight,
            )));
            if typos > 0 {
                per_field.push(Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new(term.clone(), typos, true)),
                    *weight * 0.5,
                )));
            }
            if prefix {
                per_field.push(Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                    *weight * 0.5,
                )));
            }
        }
        Box::new(DisjunctionMaxQuery::new(per_field))
    }

    fn text_query(&self, words: &[QueryWord]) -> Box<dyn Query> {
        let clauses = words
            .iter()
            .map(|word| {
                let alternatives: Vec<Box<dyn Query>> = word
                    .alternatives
                    .iter()
                    .enumerate()
                    .map(|(i, run)| {
                        let prefix = word.prefix && i == 0;
                        let parts: Vec<Box<dyn Query>> =
                            run.iter().map(|w| self.word_query(w, prefix)).collect();
                        Box::new(BooleanQuery::intersection(parts)) as Box<dyn Query>
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::union(alternatives)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn query(
        &self,
        words: &[QueryWord],
        conditions: &[Condition],
    ) -> Result<Box<dyn Query>, SearchError> {
        let text: Box<dyn Query> = if words.is_empty() {
            Box::new(AllQuery)
        } else {
            self.text_query(words)
        };
        let mut clauses = vec![(Occur::Must, text)];
        for condition in conditions {
            // Conditions narrow; they do not score.
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(self.condition(condition)?, 0.0)),
            ));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    fn search(&self, query: &SearchQuery) -> Result<SearchHits<D>, SearchError> {
        let words = query_words(&query.text, &self.config.synonyms);
        let tantivy_query = self.query(&words, &query.conditions)?;
        let sort = query
            .sort
            .iter()
            .map(|key| self.attribute(&key.field, "sort").map(|_| key.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        if sort.len() > 2 {
            return Err(SearchError::Rejected("at most two sort keys".into()));
        }
        let facet_fields = query
            .facets
            .iter()
            .map(|name| match self.attribute(name, "filter")? {
                (field, FieldKind::Keyword) => Ok((name.clone(), field)),
                _ => Err(SearchError::Rejected(format!(
                    "`{name}` is not a keyword facet"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;

        let max_total = self.config.pagination.max_total_hits;
        let offset = (query.page.max(1) - 1).saturating_mul(query.per_page);
        let searcher = self.reader.searcher();
        self.facet_sets.keep_only(&searcher);
        let facets = Facets {
            fields: facet_fields,
            max_values: self.config.faceting.max_values_per_facet,
            sets: self.facet_sets.clone(),
        };
        let searching = |e| unavailable("searching", e);
        // Past `maxTotalHits` there is nothing to rank, and no page asks for nothing to be
        // ranked: count and facets only.
        let (count, hits, facets) = if query.per_page == 0 || offset >= max_total {
            let (count, facets) = searcher
                .search(&tantivy_query, &(Count, facets))
                .map_err(searching)?;
            (count, Vec::new(), facets)
        } else {
            let ranking = Ranking {
                sort,
                sort_first: self.config.sort_before_relevance(),
            };
            let top = TopDocs::with_limit(query.per_page.min(max_total - offset).max(1))
                .and_offset(offset);
            // Without words every document scores alike: order by the sort keys alone, and
            // let Tantivy skip scoring altogether.
            let (count, found, facets) = if words.is_empty() {
                let top = top.order_by(move |segment: &SegmentReader| ranking.by_keys(segment));
                let (count, top, facets) = searcher
                    .search(&tantivy_query, &(Count, top, facets))
                    .map_err(searching)?;
                (count, addresses(top), facets)
            } else {
                let top =
                    top.tweak_score(move |segment: &SegmentReader| ranking.for_segment(segment));
                let (count, top, facets) = searcher
                    .search(&tantivy_query, &(Count, top, facets))
                    .map_err(searching)?;
                (count, addresses(top), facets)
            };
            let hits = found
                .into_iter()
                .map(|address| self.load(&searcher, address))
                .collect::<Result<Vec<_>, _>>()?;
            (count, hits, facets)
        };
        Ok(SearchHits {
            hits,
            total: count.min(max_total) as u64,
            facets,
        })
    }

    fn load(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<D, SearchError> {
        let stored: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| unavailable("reading a document", e))?;
        let json = stored
            .get_first(self.fields.source)
            .and_then(|v| v.as_str())
            .ok_or_else(|| unavailable("reading a document", "no source stored"))?;
        serde_json::from_str(json).map_err(|e| unavailable("reading a document", e))
    }

    fn fingerprints(&self) -> Result<HashMap<i64, String>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
        let mut buffer = String::new();
        for segment in searcher.segment_readers() {
            let ids = segment
                .fast_fields()
                .u64("id")
                .map_err(|e| unavailable("reading ids", e))?;
            let prints = segment
                .fast_fields()
                .str("fingerprint")
                .map_err(|e| unavailable("reading fingerprints", e))?;
            for doc in segment.doc_ids_alive() {
                let Some(id) = ids.first(doc) else { continue };
                buffer.clear();
                if let Some(prints) = &prints
                    && let Some(ord) = prints.term_ords(doc).next()
                {
                    prints
                        .ord_to_str(ord, &mut buffer)
                        .map_err(|e| unavailable("reading fingerprints", e))?;
                }
                out.insert(id as i64, buffer.clone());
            }
        }
        Ok(out)
    }
}

/// How hits are ordered: by the sort keys then relevance, or relevance then the sort keys.
#[derive(Clone)]
struct Ranking {
    sort: Vec<SortKey>,
    sort_first: bool,
}

/// Larger ranks first. Sort values are exact in an f64 (timestamps, fen, ranks).
type RankKey = (f64, f64, f64);

/// The addresses of ranked documents, best first.
fn addresses<K>(ranked: Vec<(K, DocAddress)>) -> Vec<DocAddress> {
    ranked.into_iter().map(|(_, address)| address).collect()
}

impl Ranking {
    /// The sort keys of a document of `segment`, larger first (ascending keys negated).
    fn keys(&self, segment: &SegmentReader) -> impl Fn(DocId) -> (f64, f64) + use<> {
        let columns: Vec<(Option<tantivy::columnar::Column<i64>>, bool)> = self
            .sort
            .iter()
            .map(|key| {
                (
                    segment.fast_fields().i64(&fast_name(&key.field)).ok(),
                    key.descending,
                )
            })
            .collect();
        move |doc| {
            let value = |i: usize| -> f64 {
                match columns.get(i) {
                    Some((Some(column), descending)) => {
                        let v = column.first(doc).unwrap_or(0) as f64;
                        if *descending { v } else { -v }
                    }
                    _ => 0.0,
                }
            };
            (value(0), value(1))
        }
    }

    /// Ranks by the sort keys alone.
    fn by_keys(&self, segment: &SegmentReader) -> impl FnMut(DocId) -> (f64, f64) + use<> {
        self.keys(segment)
    }

    /// Ranks by the sort keys and relevance, in the order the ranking rules give.
    fn for_segment(&self, segment: &SegmentReader) -> impl Fn(DocId, Score) -> RankKey + use<> {
        let keys = self.keys(segment);
        let sort_first = self.sort_first;
        move |doc, score| {
            let (first, second) = keys(doc);
            if sort_first {
                (first, second, f64::from(score))
            } else {
                (f64::from(score), first, second)
            }
        }
    }
}

/// Each value of a keyword attribute in one segment, with the documents holding it as a
/// bitset (deleted documents included: they are never among those found).
type ValueSets = Arc<Vec<(String, Vec<u64>)>>;

/// The value bitsets of the segments being searched, built on a segment's first faceted search
/// (segments never change; merges make new ones). Counting a facet is then a few thousand
/// ANDs and popcounts per segment rather than a column read per document found.
#[derive(Default)]
struct FacetSets {
    sets: Mutex<HashMap<(SegmentId, Field), ValueSets>>,
}

impl FacetSets {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(SegmentId, Field), ValueSets>> {
        // The map only ever holds complete entries: a panic elsewhere cannot leave it half-made.
        self.sets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn of(&self, segment: &SegmentReader, field: Field) -> tantivy::Result<ValueSets> {
        let key = (segment.segment_id(), field);
        if let Some(found) = self.lock().get(&key) {
            return Ok(found.clone());
        }
        let words = (segment.max_doc() as usize).div_ceil(64);
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        let mut values = Vec::new();
        while terms.advance() {
            let mut docs = vec![0u64; words];
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs[doc as usize >> 6] |= 1 << (doc & 63);
                doc = postings.advance();
            }
            values.push((String::from_utf8_lossy(terms.key()).into_owned(), docs));
        }
        let sets = Arc::new(values);
        self.lock().insert(key, sets.clone());
        Ok(sets)
    }

    /// Forgets the segments no longer searched.
    fn keep_only(&self, searcher: &tantivy::Searcher) {
        let live: std::collections::HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.lock().retain(|(segment, _), _| live.contains(segment));
    }
}

/// Counts the values of keyword attributes over every document found.
struct Facets {
    fields: Vec<(String, Field)>,
    max_values: usize,
    sets: Arc<FacetSets>,
}

struct SegmentFacets {
    /// The documents found in the segment.
    found: Vec<u64>,
    fields: Vec<(String, ValueSets)>,
}

impl Collector for Facets {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let fields = self
            .fields
            .iter()
            .map(|(name, field)| Ok((name.clone(), self.sets.of(segment, *field)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let words = if fields.is_empty() {
            0
        } else {
            (segment.max_doc() as usize).div_ceil(64)
        };
        Ok(SegmentFacets {
            found: vec![0; words],
            fields,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged: FacetCounts = self
            .fields
            .iter()
            .map(|(name, _)| (name.clone(), BTreeMap::new()))
            .collect();
        for segment in segments {
            for (field, counts) in segment {
                let into = merged.entry(field).or_default();
                for (value, count) in counts {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        // The most frequent values, as many as the settings allow (ties by value).
        for counts in merged.values_mut() {
            if counts.len() > self.max_values {
                let mut ranked: Vec<(String, u64)> = std::mem::take(counts).into_iter().collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                ranked.truncate(self.max_values);
                *counts = ranked.into_iter().collect();
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(word) = self.found.get_mut(doc as usize >> 6) {
            *word |= 1 << (doc & 63);
        }
    }

    fn harvest(self) -> FacetCounts {
        let found = self.found;
        self.fields
            .into_iter()
            .map(|(name, values)| {
                let counts = values
                    .iter()
                    .filter_map(|(value, docs)| {
                        let count: u64 = found
                            .iter()
                            .zip(docs)
                            .map(|(a, b)| u64::from((a & b).count_ones()))
                            .sum();
                        (count > 0).then(|| (value.clone(), count))
                    })
                    .collect();
                (name, counts)
            })
            .collect()
    }
}

#[async_trait]
impl<D: Document> SearchIndex<D> for EmbeddedIndex<D> {
    fn describe(&self) -> String {
        format!("embedded index under {}", self.inner.dir.display())
    }

    /// New means never written: every commit of ours carries a payload.
    async fn prepare(&self) -> Result<bool, SearchError> {
        self.run(|inner| {
            let metas = inner
                .index
                .load_metas()
                .map_err(|e| unavailable("reading its metadata", e))?;
            if metas.payload.is_some() {
                return Ok(false);
            }
            // Written at once (an empty commit, with our payload), so that it is new this once
            // only: an index that stays empty (no products yet) was refilled at every worker's
            // start, and a second worker's refill unmarked what the first had finished.
            inner.write(|_| Ok(()))?;
            Ok(true)
        })
        .await
    }

    async fn upsert(&self, documents: &[D]) -> Result<(), SearchError> {
        if documents.is_empty() {
            return Ok(());
        }
        let documents = documents.to_vec();
        self.run(move |inner| {
            let prepared = documents
                .iter()
                .map(|d| Ok((d.id(), inner.tantivy_document(d)?)))
                .collect::<Result<Vec<_>, SearchError>>()?;
            inner.write(|writer| {
                for (id, document) in prepared {
                    writer.delete_term(Term::from_field_u64(inner.fields.id, id as u64));
                    writer.add_document(document)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = ids.to_vec();
        self.run(move |inner| {
            inner.write(|writer| {
                for id in ids {
                    writer.delete_term(Term::from_field_u64(inner.fields.id, id as u64));
                }
                Ok(())
            })
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits<D>, SearchError> {
        let query = query.clone();
        self.run(move |inner| inner.search(&query)).await
    }

    async fn fingerprints(&self) -> Result<HashMap<i64, String>, SearchError> {
        self.run(|inner| inner.fingerprints()).await
    }

    async fn health(&self) -> Result<(), SearchError> {
        Ok(())
    }

    async fn identity(&self) -> Result<Option<IndexIdentity>, SearchError> {
        let path = self.inner.dir.join(IDENTITY_FILE);
        self.run(move |_| match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                // Unreadable (cut short by hand?): as good as none, so the index is refilled.
                .or_else(|e| {
                    tracing::warn!(file = %path.display(), %e, "unreadable index identity");
                    Ok(None)
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unavailable("reading its identity", e)),
        })
        .await
    }

    /// Written to a temporary file and renamed over the old one: never half a file.
    async fn set_identity(&self, identity: &IndexIdentity) -> Result<(), SearchError> {
        let path = self.inner.dir.join(IDENTITY_FILE);
        let json = serde_json::to_vec_pretty(identity)
            .map_err(|e| SearchError::Rejected(format!("index identity: {e}")))?;
        self.run(move |_| {
            let temporary = path.with_extension("json.tmp");
            std::fs::write(&temporary, json)
                .and_then(|()| std::fs::rename(&temporary, &path))
                .map_err(|e| unavailable("writing its identity", e))
        })
        .await
    }
}
