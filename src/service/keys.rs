//! The keys private data is sealed under: which a node may start with, and `duijie keys
//! rotate`, which re-seals every sealed value under a new key (see `crate::crypto` for the
//! design, `crate::domain::keys` for the rules).
//!
//! A rotation reads the sealed rows in batches by id, re-seals in one transaction per batch
//! every value not yet under the new key (legacy values, the old key's), and writes each row
//! back only if it did not change meanwhile. It goes over everything again until a pass finds
//! nothing left to re-seal; only then does the database record the new key as the one its data
//! is under. So a rotation killed half way, or stopped by `--max-batches`, and run again picks
//! up where the data stands, and values written meanwhile by a node still sealing with the old
//! key are caught by the next pass.

use anyhow::Context as _;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

use crate::crypto::{Place, Sealer};
use crate::domain::keys::{HeldKeys, KeyRefusal, StoredKeys, admit, admit_rotation};
use crate::store::households::SealedPrivate;
use crate::store::mail_links::{self, LinkTable};
use crate::store::{households as household_store, meta};

/// The check of the key the data is sealed under.
const KEY_CHECK: &str = "secret_key_check";
/// The check of the key a rotation under way moves the data to.
const ROTATING_TO: &str = "secret_key_rotation";
/// Present once a rotation has re-sealed every value of the legacy format.
const LEGACY_RETIRED: &str = "sealed_legacy_retired";

/// The database's key checks; a database without one is set up for `sealer`'s key now.
async fn stored_keys(
    db: &impl ConnectionTrait,
    sealer: &Sealer,
) -> anyhow::Result<(String, Option<String>)> {
    let under = meta::get_or_insert(db, KEY_CHECK, &sealer.key_check()).await?;
    let to = meta::get(db, ROTATING_TO).await?;
    Ok((under, to))
}

fn held(sealer: &Sealer) -> (String, Option<String>) {
    (sealer.key_check(), sealer.previous_key_check())
}

/// Checks that a node holding `sealer`'s keys may serve `db` (it can read everything), and
/// makes it refuse the legacy format once a rotation has retired it.
pub async fn admit_node(db: &DatabaseConnection, sealer: &mut Sealer) -> anyhow::Result<()> {
    let (under, to) = stored_keys(db, sealer).await?;
    let (current, previous) = held(sealer);
    admit(
        &StoredKeys {
            sealed_under: &under,
            rotating_to: to.as_deref(),
        },
        &HeldKeys {
            current: &current,
            previous: previous.as_deref(),
        },
    )?;
    if previous.is_some() && to.is_none() {
        tracing::warn!(
            "DUIJIE_PREVIOUS_SECRET_KEY is set but no key rotation is under way: it is not \
             needed, remove it"
        );
    }
    if meta::get(db, LEGACY_RETIRED).await?.is_some() {
        sealer.retire_legacy();
    }
    Ok(())
}

/// Where the keys a node holds stand against a database, as `duijie doctor` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStanding {
    /// No key check is stored yet: no node has started on this database (the first one stores
    /// its key's).
    Unset,
    /// A node holding these keys may start ([`admit_node`] would let it).
    Admitted {
        /// A rotation to the current key is under way (`duijie keys rotate` to finish it).
        rotating: bool,
        /// A previous key is held though no rotation is under way.
        previous_unneeded: bool,
    },
    /// A node holding these keys would be refused, and why.
    Refused(KeyRefusal),
}

/// [`admit_node`]'s judgement, read only: stores nothing, re-seals nothing.
pub async fn standing(db: &impl ConnectionTrait, sealer: &Sealer) -> Result<KeyStanding, DbErr> {
    let Some(under) = meta::get(db, KEY_CHECK).await? else {
        return Ok(KeyStanding::Unset);
    };
    let to = meta::get(db, ROTATING_TO).await?;
    let (current, previous) = held(sealer);
    let stored = StoredKeys {
        sealed_under: &under,
        rotating_to: to.as_deref(),
    };
    Ok(
        match admit(
            &stored,
            &HeldKeys {
                current: &current,
                previous: previous.as_deref(),
            },
        ) {
            Ok(()) => KeyStanding::Admitted {
                rotating: to.as_deref().is_some_and(|to| to != under),
                previous_unneeded: previous.is_some() && to.is_none(),
            },
            Err(refusal) => KeyStanding::Refused(refusal),
        },
    )
}

/// How a rotation runs.
#[derive(Debug, Clone, Copy)]
pub struct RotateOptions {
    /// Rows read and re-sealed per transaction.
    pub batch_size: u64,
    /// Stop after this many batches (the rotation stays under way; run it again to go on).
    pub max_batches: Option<u64>,
}

/// Where a rotation stands, after each batch.
#[derive(Debug, Clone, Copy)]
pub struct RotationProgress {
    /// The pass over the data (a pass after the first checks that nothing was left).
    pub pass: u32,
    /// `households`, `password_resets` or `email_confirmations`.
    pub table: &'static str,
    pub read: u64,
    pub total: u64,
    pub resealed: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct RotationReport {
    /// Passes over the data begun by this run.
    pub passes: u32,
    /// Rows whose values were re-sealed by this run.
    pub households_resealed: u64,
    /// Mailed links' tokens (password resets, email confirmations) re-sealed.
    pub links_resealed: u64,
    /// Values that opened under no key held, left as they are (each logged with its place).
    pub unreadable: u64,
    pub batches: u64,
    /// Whether the data is now all under the new key, and the database says so.
    pub finished: bool,
}

/// Re-seals every sealed value under `sealer`'s current key (see the module's doc).
pub async fn rotate(
    db: &DatabaseConnection,
    sealer: &Sealer,
    options: RotateOptions,
    mut progress: impl FnMut(RotationProgress),
) -> anyhow::Result<RotationReport> {
    let (under, to) = stored_keys(db, sealer).await?;
    let (current, previous) = held(sealer);
    admit_rotation(
        &StoredKeys {
            sealed_under: &under,
            rotating_to: to.as_deref(),
        },
        &HeldKeys {
            current: &current,
            previous: previous.as_deref(),
        },
    )?;
    if current != under && to.is_none() {
        meta::set(db, ROTATING_TO, &current).await?;
        tracing::info!("key rotation begun: nodes now need both keys to start");
    }
    let mut report = RotationReport::default();
    let mut batches = Batches {
        run: 0,
        max: options.max_batches,
    };
    let limit = options.batch_size.max(1);
    let finished = loop {
        let pass = report.passes + 1;
        report.passes = pass;
        let households =
            go_over::<Households>(db, sealer, limit, pass, &mut batches, &mut progress)
                .await
                .context("re-sealing households' private fields")?;
        report.households_resealed += households.resealed;
        if !households.complete {
            break false;
        }
        let resets = go_over::<Links<Resets>>(db, sealer, limit, pass, &mut batches, &mut progress)
            .await
            .context("re-sealing password resets' tokens")?;
        report.links_resealed += resets.resealed;
        if !resets.complete {
            break false;
        }
        let confirmations =
            go_over::<Links<Confirmations>>(db, sealer, limit, pass, &mut batches, &mut progress)
                .await
                .context("re-sealing email confirmations' tokens")?;
        report.links_resealed += confirmations.resealed;
        if !confirmations.complete {
            break false;
        }
        if households.resealed + resets.resealed + confirmations.resealed == 0 {
            report.unreadable =
                households.unreadable + resets.unreadable + confirmations.unreadable;
            break true;
        }
    };
    report.batches = batches.run;
    if finished {
        let txn = db.begin().await?;
        meta::set(&txn, KEY_CHECK, &current).await?;
        meta::remove(&txn, ROTATING_TO).await?;
        meta::set(&txn, LEGACY_RETIRED, "true").await?;
        txn.commit().await?;
        report.finished = true;
    }
    Ok(report)
}

/// Counts batches against the limit asked for.
struct Batches {
    run: u64,
    max: Option<u64>,
}

impl Batches {
    /// Whether another batch may run (then counted).
    fn another(&mut self) -> bool {
        if self.max.is_some_and(|max| self.run >= max) {
            return false;
        }
        self.run += 1;
        true
    }
}

/// What one pass over a table did.
struct Pass {
    resealed: u64,
    unreadable: u64,
    /// Whether it went to the end (not stopped by the batch limit).
    complete: bool,
}

/// A table holding sealed values, as a rotation goes over it by id.
trait SealedTable {
    const NAME: &'static str;
    type Row;
    async fn count(db: &DatabaseConnection) -> Result<u64, DbErr>;
    async fn batch(
        db: &DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Self::Row>, DbErr>;
    fn id(row: &Self::Row) -> i64;
    /// Re-seals `row`'s values not under the current key: whether the row was written, and
    /// how many of its values did not open.
    async fn reseal(
        db: &DatabaseTransaction,
        sealer: &Sealer,
        row: &Self::Row,
    ) -> Result<(bool, u64), DbErr>;
}

/// One pass over table `T`, a transaction per batch, until its end or the batch limit.
async fn go_over<T: SealedTable>(
    db: &DatabaseConnection,
    sealer: &Sealer,
    limit: u64,
    pass: u32,
    batches: &mut Batches,
    progress: &mut impl FnMut(RotationProgress),
) -> Result<Pass, DbErr> {
    let total = T::count(db).await?;
    let (mut after, mut read) = (0, 0);
    let mut done = Pass {
        resealed: 0,
        unreadable: 0,
        complete: false,
    };
    while batches.another() {
        let txn = crate::store::begin_write(db).await?;
        let rows = T::batch(&txn, after, limit).await?;
        let Some(last) = rows.last() else {
            txn.rollback().await?;
            done.complete = true;
            break;
        };
        after = T::id(last);
        read += rows.len() as u64;
        for row in &rows {
            let (written, unreadable) = T::reseal(&txn, sealer, row).await?;
            done.resealed += u64::from(written);
            done.unreadable += unreadable;
        }
        txn.commit().await?;
        progress(RotationProgress {
            pass,
            table: T::NAME,
            read,
            total,
            resealed: done.resealed,
        });
    }
    Ok(done)
}

/// Households' private fields, with their ID-card hashes.
struct Households;

impl SealedTable for Households {
    const NAME: &'static str = "households";
    type Row = (i64, SealedPrivate);

    async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
        household_store::private_count(db).await
    }

    async fn batch(
        db: &DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Self::Row>, DbErr> {
        household_store::private_batch(db, after, limit).await
    }

    fn id(row: &Self::Row) -> i64 {
        row.0
    }

    async fn reseal(
        db: &DatabaseTransaction,
        sealer: &Sealer,
        (id, was): &Self::Row,
    ) -> Result<(bool, u64), DbErr> {
        let resealed = crate::service::households::reseal(sealer, *id, was);
        let unreadable = resealed.unreadable.len() as u64;
        let written = match resealed.row {
            Some((now, hash)) => {
                household_store::reseal_private(db, *id, was, &now, hash.as_deref()).await?
            }
            None => false,
        };
        Ok((written, unreadable))
    }
}

/// The kinds of mailed link, each a table of tokens sealed for their mail until used.
trait LinkKind {
    const TABLE: LinkTable;
}

/// Password resets' tokens.
struct Resets;

impl LinkKind for Resets {
    const TABLE: LinkTable = LinkTable::PasswordResets;
}

/// Email confirmations' tokens.
struct Confirmations;

impl LinkKind for Confirmations {
    const TABLE: LinkTable = LinkTable::EmailConfirmations;
}

/// The links of kind `K`.
struct Links<K>(std::marker::PhantomData<K>);

impl<K: LinkKind> SealedTable for Links<K> {
    const NAME: &'static str = K::TABLE.name();
    type Row = mail_links::SealedToken;

    async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
        mail_links::sealed_count(db, K::TABLE).await
    }

    async fn batch(
        db: &DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Self::Row>, DbErr> {
        mail_links::sealed_batch(db, K::TABLE, after, limit).await
    }

    fn id(row: &Self::Row) -> i64 {
        row.id
    }

    async fn reseal(
        db: &DatabaseTransaction,
        sealer: &Sealer,
        row: &Self::Row,
    ) -> Result<(bool, u64), DbErr> {
        if sealer.is_current(&row.sealed) {
            return Ok((false, 0));
        }
        let place = Place::mail_link(K::TABLE.name(), &row.token_hash);
        match sealer.open(&place, &row.sealed) {
            Ok(token) => {
                let now = sealer.seal(&place, &token);
                Ok((
                    mail_links::reseal(db, K::TABLE, row.id, &row.sealed, now).await?,
                    0,
                ))
            }
            Err(error) => {
                tracing::warn!(table = K::TABLE.name(), link_id = row.id, %error, "a mailed link's token did not open; left as it is");
                Ok((false, 1))
            }
        }
    }
}
