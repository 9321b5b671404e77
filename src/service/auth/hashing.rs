//! The bounded pool that password hashing and verification run on. Argon2id takes tens of
//! milliseconds of a core and 19 MiB each time by design; run unbounded, a flood of sign-ins
//! would queue without end on the blocking threads and take every core from the requests
//! around it. Here at most `hash_workers` hashes run at once, at most `hash_queue` more wait
//! for a turn, and beyond that a request is answered 503 with `Retry-After` at once.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::{ApiError, ErrorCode};

/// Seconds a client turned away from a full queue is told to wait.
pub const RETRY_AFTER_SECS: u64 = 1;

/// Hashing workers and their queue. Cheap to clone; clones share the bound.
#[derive(Clone)]
pub struct HashPool {
    /// One permit per hash running.
    running: Arc<Semaphore>,
    /// One permit per hash running or waiting to.
    admitted: Arc<Semaphore>,
}

impl HashPool {
    /// A pool of `workers` (at least one) with room for `queue` more to wait.
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Self {
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
        }
    }

    /// Runs `work` on a blocking thread when a worker is free; 503 `server_busy` at once when
    /// the queue is full. The worker stays taken until `work` ends, even when the request that
    /// asked for it is gone.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| busy())?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        let done = tokio::task::spawn_blocking(move || {
            let result = work();
            drop((running, admitted));
            result
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(done)
    }
}

fn busy() -> ApiError {
    ApiError {
        retry_after: Some(RETRY_AFTER_SECS),
        ..ApiError::new(
            ErrorCode::ServerBusy,
            "the server is checking too many passwords at once; try again in a moment",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_turns_work_away_at_once() {
        let pool = HashPool::new(1, 0);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    1
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        let refused = pool.run(|| 2).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::ServerBusy);
        assert_eq!(refused.retry_after, Some(RETRY_AFTER_SECS));
        release_tx.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(pool.run(|| 3).await.unwrap(), 3, "free again");
    }
}
