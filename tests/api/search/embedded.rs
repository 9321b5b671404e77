//! What the embedded engine does beyond the conformance suite: typo tolerance by the settings'
//! word sizes (Meilisearch's documented rule, which the suite leaves out because Meilisearch
//! cuts Latin words in Chinese-localised attributes its own way).

use chrono::Utc;
use duijie::search::NeedDocument;

use super::conformance::{fixture, ids, query, set};
use super::{Engine, TestIndex};

#[tokio::test]
async fn long_words_forgive_typos_and_short_ones_do_not() {
    let t = TestIndex::new(Engine::Embedded).await;
    let mut documents = fixture();
    let mut laptop = documents.remove(6);
    laptop.need.title = "computer training for the village".into();
    documents.push(NeedDocument::new(laptop.need, Utc::now()));
    t.index.upsert(&documents).await.unwrap();
    let index = t.index.as_ref();
    // Five to eight letters: one typo is forgiven, two are not.
    assert_eq!(ids(index, &query("compoter ")).await, set(&[7]));
    assert_eq!(ids(index, &query("vilage ")).await, set(&[7]));
    assert_eq!(ids(index, &query("compotr ")).await, set(&[]));
    // Nine letters or more: two.
    assert_eq!(ids(index, &query("viillagge ")).await, set(&[7]));
    // Under five letters: none.
    assert_eq!(ids(index, &query("fur ")).await, set(&[]));
    assert_eq!(ids(index, &query("for ")).await, set(&[7]));
}
