//! What every use case works with, handed to each service the same way: the database, the
//! clock, the sealer of private fields, uploaded files, the search indexes and the mail
//! transport, with the settings. `startup` builds it once; `http` and the workers hold it.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::Sealer;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::search::{NeedDocument, OfferDocument, ProductDocument, SearchConfig, SearchIndex};
use crate::service::auth::hashing::HashPool;
use crate::store::files::FileStore;

pub struct Context {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Encrypts and decrypts private household fields.
    pub sealer: Arc<Sealer>,
    /// What time it is, for everything that time drives.
    pub clock: Clock,
    /// Photos and other uploaded files.
    pub files: FileStore,
    /// The needs index, on the search engine the settings chose.
    pub search: Arc<dyn SearchIndex<NeedDocument>>,
    /// Its settings (`search-config/needs.json`): synonyms for highlighting.
    pub search_config: Arc<SearchConfig>,
    /// The offers index, on the same engine.
    pub offer_search: Arc<dyn SearchIndex<OfferDocument>>,
    /// Its settings (`search-config/offers.json`): synonyms for highlighting.
    pub offer_search_config: Arc<SearchConfig>,
    /// The products index, on the same engine.
    pub product_search: Arc<dyn SearchIndex<ProductDocument>>,
    /// Its settings (`search-config/products.json`).
    pub product_search_config: Arc<SearchConfig>,
    /// Where mail goes: SMTP, or files under the data directory.
    pub mailer: Arc<Mailer>,
    /// The bounded pool that hashes and verifies passwords.
    pub hashing: HashPool,
    /// This process's metrics: the requests it answered, the mail it sent.
    pub metrics: Arc<Metrics>,
}
