//! A scrape of the metrics: this process's own, with what the processes share read from the
//! database at this moment (the outbox's backlog) and the connection pool's use.

use crate::metrics::Observed;
use crate::service::Context;
use crate::store;

/// The metrics text. A database that does not answer leaves the outbox's figures out (and says
/// so in `duijie_database_up`) rather than failing the scrape: the request counts are still
/// worth having then.
pub async fn scrape(app: &Context) -> String {
    let backlog = match store::outbox::backlog(&app.db).await {
        Ok(backlog) => Some(backlog),
        Err(error) => {
            tracing::warn!(%error, "metrics: the outbox could not be read");
            None
        }
    };
    app.metrics.render(&Observed {
        backlog,
        pool: store::pool_use(&app.db),
        now: app.clock.now(),
    })
}
