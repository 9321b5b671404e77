//! Whether the search indexes mirror this database: its instance id (made once, kept in
//! `platform_meta`), each index's identity compared with it and with this build's schema
//! (`search::identity`), and what follows — the worker fills an index that is not this
//! database's (or whose fill never finished) before it drains the outbox into it, a node set to
//! `refuse` does not start on another database's index, and `/readyz` answers 503 while any
//! index does not match.

use std::future::Future;

use sea_orm::{ConnectionTrait, DbErr};

use crate::config::OnMismatch;
use crate::error::ApiError;
use crate::search::identity::{self, Action, Standing};
use crate::search::{Document, IndexIdentity, SearchError, SearchIndex};
use crate::service::Context;
use crate::service::offers::search as offer_search;
use crate::service::products::search as product_search;
use crate::service::search::{self as need_search, search_failed};
use crate::store::meta;

/// The key of the database's instance id in `platform_meta`.
const INSTANCE_ID: &str = "instance_id";

/// This database's instance id: random, made the first time it is asked for (a node's first
/// start), then kept for good. A copy of the database (a backup restored) keeps it: it holds
/// the same data.
pub async fn instance_id(db: &impl ConnectionTrait) -> Result<String, DbErr> {
    let fresh = format!("{:032x}", rand::random::<u128>());
    meta::get_or_insert(db, INSTANCE_ID, &fresh).await
}

/// This database's instance id if a node has made it; read only (`duijie doctor`).
pub async fn stored_instance_id(db: &impl ConnectionTrait) -> Result<Option<String>, DbErr> {
    meta::get(db, INSTANCE_ID).await
}

/// Where `index` stands against the database `instance` and this build's schema.
pub async fn standing_of<D: Document>(
    index: &dyn SearchIndex<D>,
    instance: &str,
) -> Result<Standing, SearchError> {
    let found = index.identity().await?;
    Ok(identity::standing(
        &IndexIdentity::of::<D>(instance),
        found.as_ref(),
    ))
}

/// Why an index could not be made this database's.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// It mirrors another database or schema and the settings say `refuse`: the message names
    /// both and what to run.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("reading the database's instance id: {0}")]
    Database(#[from] DbErr),
    #[error("filling the {index} index from the database: {error}")]
    Fill { index: &'static str, error: String },
}

/// Fills `index` (called `name` in messages) from the database `instance` with `fill`: marked
/// as being filled first and as complete only once `fill` succeeded, so that a fill stopped
/// half-way (an error, a crash) is never taken for a finished one. Returns what `fill` counted.
pub async fn rebuild<D, F, Fut>(
    index: &dyn SearchIndex<D>,
    name: &'static str,
    instance: &str,
    fill: F,
) -> Result<u64, IdentityError>
where
    D: Document,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<u64, String>>,
{
    let expected = IndexIdentity::of::<D>(instance);
    index.prepare().await?;
    index.set_identity(&expected.filling()).await?;
    let indexed = fill()
        .await
        .map_err(|error| IdentityError::Fill { index: name, error })?;
    index.set_identity(&expected).await?;
    Ok(indexed)
}

/// Makes `index` this database's, as [`identity::action`] decides: prepared, and filled with
/// `fill` (through [`rebuild`]) unless it already mirrors this database completely with this
/// build's schema; or, set to `refuse`, left alone when it mirrors another database or schema.
/// Returns how it stood, when it was filled.
pub async fn make_current<D, F, Fut>(
    index: &dyn SearchIndex<D>,
    name: &'static str,
    instance: &str,
    on_mismatch: OnMismatch,
    fill: F,
) -> Result<Option<Standing>, IdentityError>
where
    D: Document,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<u64, String>>,
{
    let created = index.prepare().await?;
    let expected = IndexIdentity::of::<D>(instance);
    let standing = identity::standing(&expected, index.identity().await?.as_ref());
    match identity::action(&standing, created, on_mismatch) {
        Action::Keep => Ok(None),
        Action::Refuse => Err(IdentityError::Refused(refusal(
            index, name, &standing, &expected,
        ))),
        Action::Fill => {
            tracing::info!(
                index = name,
                at = %index.describe(),
                standing = ?standing,
                "the search index is not this database's: filling it from the database"
            );
            let indexed = rebuild(index, name, instance, fill).await?;
            tracing::info!(index = name, indexed, "search index filled");
            Ok(Some(standing))
        }
    }
}

fn refusal<D: Document>(
    index: &dyn SearchIndex<D>,
    name: &str,
    standing: &Standing,
    expected: &IndexIdentity,
) -> String {
    match standing {
        Standing::Mismatch { found } => identity::refusal(name, &index.describe(), found, expected),
        other => format!("the {name} index stands {other:?}"),
    }
}

/// The worker's start: makes the needs, offers and products indexes this database's, in that
/// order, filling each from the database as [`make_current`] decides.
pub async fn make_indexes_current(app: &Context) -> Result<(), IdentityError> {
    let instance = instance_id(&app.db).await?;
    let mode = app.settings.search.on_mismatch;
    let needs = app.search.as_ref();
    make_current(needs, "needs", &instance, mode, || async {
        need_search::reindex(&app.db, needs, |_| {})
            .await
            .map(|report| report.indexed)
            .map_err(|e| e.to_string())
    })
    .await?;
    let offers = app.offer_search.as_ref();
    make_current(offers, "offers", &instance, mode, || async {
        offer_search::reindex_offers(&app.db, offers)
            .await
            .map_err(|e| e.to_string())
    })
    .await?;
    let products = app.product_search.as_ref();
    make_current(products, "products", &instance, mode, || async {
        // A product's document holds what is true today: the app's clock.
        product_search::reindex_products(&app.db, products, app.clock.now())
            .await
            .map_err(|e| e.to_string())
    })
    .await?;
    Ok(())
}

/// A node's start (`serve`, `worker`): makes the database's instance id if it has none yet and,
/// set to `refuse`, stops at an index that mirrors another database or schema. An engine that
/// does not answer now stops nothing: the worker's own start checks again once it answers.
pub async fn check_at_start(app: &Context) -> Result<(), IdentityError> {
    let instance = instance_id(&app.db).await?;
    if app.settings.search.on_mismatch != OnMismatch::Refuse {
        return Ok(());
    }
    refuse_mismatch(app.search.as_ref(), "needs", &instance).await?;
    refuse_mismatch(app.offer_search.as_ref(), "offers", &instance).await?;
    refuse_mismatch(app.product_search.as_ref(), "products", &instance).await?;
    Ok(())
}

async fn refuse_mismatch<D: Document>(
    index: &dyn SearchIndex<D>,
    name: &'static str,
    instance: &str,
) -> Result<(), IdentityError> {
    let found = match index.identity().await {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(index = name, %error, "the search index's identity cannot be read now");
            return Ok(());
        }
    };
    let expected = IndexIdentity::of::<D>(instance);
    let standing = identity::standing(&expected, found.as_ref());
    match identity::action(&standing, false, OnMismatch::Refuse) {
        Action::Refuse => Err(IdentityError::Refused(refusal(
            index, name, &standing, &expected,
        ))),
        Action::Keep | Action::Fill => Ok(()),
    }
}

/// `/readyz`'s search half: each index answers (`search_unavailable`) and mirrors this database
/// completely (`search_rebuilding` while its fill is under way, `search_mismatch` while it holds
/// another database's documents, another schema's, or carries no identity yet).
pub async fn readiness(app: &Context) -> Result<(), ApiError> {
    let instance = instance_id(&app.db).await?;
    ready(app.search.as_ref(), "needs", &instance).await?;
    ready(app.offer_search.as_ref(), "offers", &instance).await?;
    ready(app.product_search.as_ref(), "products", &instance).await?;
    Ok(())
}

async fn ready<D: Document>(
    index: &dyn SearchIndex<D>,
    name: &str,
    instance: &str,
) -> Result<(), ApiError> {
    index.health().await.map_err(search_failed)?;
    let found = index.identity().await.map_err(search_failed)?;
    match identity::standing(&IndexIdentity::of::<D>(instance), found.as_ref()) {
        Standing::Current => Ok(()),
        Standing::Filling => Err(ApiError::search_rebuilding(name)),
        Standing::Unmarked | Standing::Mismatch { .. } => Err(ApiError::search_mismatch(name)),
    }
}
