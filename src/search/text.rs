//! Words: how text is cut into searchable words (Chinese by jieba's dictionary, other scripts at
//! spaces and punctuation), how a query becomes the words every hit must contain (with their
//! synonyms), and how hits are highlighted. Shared by both engines' callers, so a query means the
//! same words whichever engine answers it.

use std::collections::HashMap;
use std::sync::LazyLock;

use jieba_rs::{Jieba, TokenizeMode};

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the dictionary now rather than on the first search (it takes a moment).
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Full-width letters, digits and signs made half-width (`Ｐｒｏ` → `Pro`), char for char.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// A word's searchable form: half-width, lower case.
pub fn normalize(word: &str) -> String {
    word.chars()
        .map(half_width)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a cut piece is a word at all (not spaces or punctuation).
fn is_word(piece: &str) -> bool {
    piece.chars().any(char::is_alphanumeric)
}

/// A word of indexed text, with its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedWord {
    pub word: String,
    pub start: usize,
    pub end: usize,
}

/// The words under which `text` is indexed: jieba's search mode, which gives each long word and
/// the dictionary words inside it (`中华人民共和国` is found by `共和国` too).
pub fn index_words(text: &str) -> Vec<IndexedWord> {
    // Cut the half-width text (so that `Ｐｒｏ` is one word), report ranges in the original:
    // the two have the same characters, one for one.
    let narrow: String = text.chars().map(half_width).collect();
    let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    starts.push(text.len());
    JIEBA
        .tokenize(&narrow, TokenizeMode::Search, false)
        .into_iter()
        .filter(|t| is_word(t.word))
        .map(|t| IndexedWord {
            word: normalize(t.word),
            start: starts[t.start],
            end: starts[t.end],
        })
        .collect()
}

/// The words of a query (or a synonym), cut as typed, in searchable form.
fn cut_words(text: &str) -> Vec<String> {
    let narrow: String = text.chars().map(half_width).collect();
    JIEBA
        .cut(&narrow, false)
        .into_iter()
        .filter(|t| is_word(t.word))
        .map(|t| normalize(t.word))
        .collect()
}

/// One word of a query: every hit contains it, or one of its synonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// Ways the word may appear, each a run of indexed words: the word itself first, then its
    /// synonyms.
    pub alternatives: Vec<Vec<String>>,
    /// The query's last word, still being typed: it also matches words it begins.
    pub prefix: bool,
}

impl QueryWord {
    /// The word as typed (its first alternative), as one run of indexed words.
    pub fn typed(&self) -> &[String] {
        &self.alternatives[0]
    }
}

/// Words of a query that count; the rest are ignored (Meilisearch's limit, kept by both
/// engines so that they answer alike).
pub const MAX_QUERY_WORDS: usize = 10;

/// Cuts a query into the words every hit must contain, the first [`MAX_QUERY_WORDS`] of them. A
/// run of up to three words that is a key of `synonyms` becomes one word with the synonyms as
/// alternatives.
pub fn query_words(query: &str, synonyms: &HashMap<String, Vec<String>>) -> Vec<QueryWord> {
    let mut words = cut_words(query);
    let cut_short = words.len() > MAX_QUERY_WORDS;
    words.truncate(MAX_QUERY_WORDS);
    let synonyms: HashMap<String, &Vec<String>> =
        synonyms.iter().map(|(k, v)| (normalize(k), v)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let matched = (1..=3.min(words.len() - i)).rev().find_map(|n| {
            let joined: String = words[i..i + n].concat();
            synonyms.get(&joined).map(|alternatives| (n, *alternatives))
        });
        let (n, alternatives) = match matched {
            Some((n, alternatives)) => (n, alternatives.as_slice()),
            None => (1, &[][..]),
        };
        let mut word = QueryWord {
            alternatives: vec![words[i..i + n].to_vec()],
            prefix: false,
        };
        for alternative in alternatives {
            let cut = cut_words(alternative);
            if !cut.is_empty() && !word.alternatives.contains(&cut) {
                word.alternatives.push(cut);
            }
        }
        out.push(word);
        i += n;
    }
    // The last word typed is still being typed; a word cut off is not.
    let typing = !cut_short && !query.ends_with(char::is_whitespace);
    if let Some(last) = out.last_mut() {
        last.prefix = typing && last.typed().len() == 1;
    }
    out
}

/// `text` as HTML with the words of the query marked (`<mark>…</mark>`), everything else
/// escaped; cut to about `crop` characters around the first mark when given. `None` when no
/// word of the query occurs in it.
pub fn highlight(text: &str, words: &[QueryWord], crop: Option<usize>) -> Option<String> {
    let mut spans: Vec<(usize, usize)> = index_words(text)
        .into_iter()
        .filter(|w| matches_query(&w.word, words))
        .map(|w| (w.start, w.end))
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let (from, to) = match crop {
        Some(chars) => window(text, merged[0].0, chars),
        None => (0, text.len()),
    };
    let mut html = String::new();
    if from > 0 {
        html.push('…');
    }
    let mut at = from;
    for (start, end) in merged {
        if end <= from || start >= to {
            continue;
        }
        let (start, end) = (start.max(from), end.min(to));
        escape_into(&mut html, &text[at..start]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[start..end]);
        html.push_str("</mark>");
        at = end;
    }
    escape_into(&mut html, &text[at..to]);
    if to < text.len() {
        html.push('…');
    }
    Some(html)
}

fn matches_query(word: &str, query: &[QueryWord]) -> bool {
    query.iter().any(|q| {
        q.alternatives.iter().flatten().any(|w| w == word)
            || (q.prefix && word.starts_with(q.typed()[0].as_str()))
    })
}

/// About `chars` characters of `text` starting a little before byte `at`, on char boundaries.
fn window(text: &str, at: usize, chars: usize) -> (usize, usize) {
    let before = chars / 4;
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let hit = starts.partition_point(|&i| i < at);
    let first = hit.saturating_sub(before);
    let last = (first + chars).min(starts.len());
    let from = starts.get(first).copied().unwrap_or(0);
    let to = starts.get(last).copied().unwrap_or(text.len());
    (from, to)
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

/// jieba as a Tantivy tokenizer: the engine indexes exactly [`index_words`].
#[derive(Clone, Default)]
pub struct ChineseTokenizer;

pub struct WordStream {
    tokens: Vec<tantivy::tokenizer::Token>,
    next: usize,
}

impl tantivy::tokenizer::Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = index_words(text)
            .into_iter()
            .enumerate()
            .map(|(position, w)| tantivy::tokenizer::Token {
                offset_from: w.start,
                offset_to: w.end,
                position,
                text: w.word,
                position_length: 1,
            })
            .collect();
        WordStream { tokens, next: 0 }
    }
}

impl tantivy::tokenizer::TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms() -> HashMap<String, Vec<String>> {
        HashMap::from([("书包".to_owned(), vec!["学习用品".to_owned()])])
    }

    #[test]
    fn chinese_is_cut_into_dictionary_words() {
        let words: Vec<String> = index_words("为山区孩子捐赠新书包")
            .into_iter()
            .map(|w| w.word)
            .collect();
        assert!(words.contains(&"书包".to_owned()), "{words:?}");
        assert!(words.contains(&"孩子".to_owned()), "{words:?}");
        assert!(words.contains(&"山区".to_owned()), "{words:?}");
    }

    #[test]
    fn full_width_and_case_are_folded() {
        assert_eq!(normalize("ＡＢｃ１２"), "abc12");
        let words: Vec<String> = index_words("iPad Ｐｒｏ")
            .into_iter()
            .map(|w| w.word)
            .collect();
        assert_eq!(words, ["ipad", "pro"]);
    }

    #[test]
    fn a_query_word_carries_its_synonyms_and_the_last_is_a_prefix() {
        let words = query_words("山区 书包", &synonyms());
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].alternatives, [vec!["山区".to_owned()]]);
        assert!(!words[0].prefix);
        assert_eq!(words[1].typed(), ["书包"]);
        assert!(words[1].alternatives.len() == 2, "{:?}", words[1]);
        assert!(words[1].prefix);
        assert!(!query_words("书包 ", &synonyms())[0].prefix);
        assert!(query_words("  ，。 ", &synonyms()).is_empty());
    }

    #[test]
    fn highlights_are_escaped_html_around_the_words() {
        let words = query_words("书包", &synonyms());
        let html = highlight("<b>新书包</b>二十个", &words, None).unwrap();
        assert_eq!(html, "&lt;b&gt;新<mark>书包</mark>&lt;/b&gt;二十个");
        assert_eq!(highlight("课桌椅", &words, None), None);
        let long = format!("{}书包{}", "前".repeat(100), "后".repeat(100));
        let cropped = highlight(&long, &words, Some(40)).unwrap();
        assert!(
            cropped.starts_with('…') && cropped.ends_with('…'),
            "{cropped}"
        );
        assert!(cropped.contains("<mark>书包</mark>"));
        assert!(cropped.chars().count() < 60, "{cropped}");
    }
}
