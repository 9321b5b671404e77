//! Links sent by mail that prove who reads an account's mail: password resets
//! (`password_resets`) and email confirmations (`email_confirmations`). Both tables have the
//! same shape — a row per link, its token known by its SHA-256 hash and kept sealed for the mail
//! worker until used, an expiry, a use — and this module is the one place that reads and writes
//! that shape. Using a token is one guarded update (`used_at IS NULL`), so that two requests
//! racing with the same token cannot both use it.

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};

use crate::domain::mail_link::LinkToken;

/// Which kind of link: each has its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTable {
    PasswordResets,
    EmailConfirmations,
}

impl LinkTable {
    /// The table, which is also what a link's sealed token is bound to.
    pub const fn name(self) -> &'static str {
        match self {
            LinkTable::PasswordResets => "password_resets",
            LinkTable::EmailConfirmations => "email_confirmations",
        }
    }
}

/// A link on record.
#[derive(Clone)]
pub struct LinkRecord {
    pub id: i64,
    pub user_id: i64,
    /// SHA-256 of the token: the row's random key, which its sealed copy is bound to.
    pub token_hash: String,
    pub token: LinkToken,
    /// The token sealed for the mail; none once used.
    pub token_sealed: Option<Vec<u8>>,
    pub requested_from: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The address an email confirmation confirms; none for a password reset.
    pub email: Option<String>,
}

// Printed without the sealed token.
impl std::fmt::Debug for LinkRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRecord")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// A link to record.
pub struct NewLink<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub token_sealed: Vec<u8>,
    pub requested_from: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The address an email confirmation confirms (its table's own column).
    pub email: Option<&'a str>,
}

const COLUMNS: [&str; 8] = [
    "id",
    "user_id",
    "token_hash",
    "token_sealed",
    "requested_from",
    "created_at",
    "expires_at",
    "used_at",
];

fn select(table: LinkTable) -> SelectStatement {
    let mut query = Query::select();
    query.columns(COLUMNS).from(table.name());
    if table == LinkTable::EmailConfirmations {
        query.column("email");
    }
    query
}

fn read(table: LinkTable, row: &QueryResult) -> Result<LinkRecord, DbErr> {
    let at = |column: &str| -> Result<DateTime<Utc>, DbErr> {
        Ok(row.try_get::<DateTime<FixedOffset>>("", column)?.to_utc())
    };
    Ok(LinkRecord {
        id: row.try_get("", "id")?,
        user_id: row.try_get("", "user_id")?,
        token_hash: row.try_get("", "token_hash")?,
        token: LinkToken {
            expires_at: at("expires_at")?,
            used_at: row
                .try_get::<Option<DateTime<FixedOffset>>>("", "used_at")?
                .map(|t| t.to_utc()),
        },
        token_sealed: row.try_get("", "token_sealed")?,
        requested_from: row.try_get("", "requested_from")?,
        created_at: at("created_at")?,
        email: match table {
            LinkTable::EmailConfirmations => Some(row.try_get("", "email")?),
            LinkTable::PasswordResets => None,
        },
    })
}

/// Records a link; its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    table: LinkTable,
    new: NewLink<'_>,
) -> Result<i64, DbErr> {
    let requested_from: Option<String> = new.requested_from.map(|a| a.chars().take(64).collect());
    let mut columns = vec![
        "user_id",
        "token_hash",
        "token_sealed",
        "requested_from",
        "created_at",
        "expires_at",
    ];
    let mut values: Vec<SimpleExpr> = vec![
        new.user_id.into(),
        new.token_hash.into(),
        new.token_sealed.into(),
        requested_from.into(),
        new.at.fixed_offset().into(),
        new.expires_at.fixed_offset().into(),
    ];
    if let Some(email) = new.email {
        columns.push("email");
        values.push(email.into());
    }
    let stmt = Query::insert()
        .into_table(table.name())
        .columns(columns)
        .values_panic(values)
        .returning_col("id")
        .to_owned();
    db.query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("inserting into {} returned no id", table.name())))?
        .try_get("", "id")
}

pub async fn find(
    db: &impl ConnectionTrait,
    table: LinkTable,
    id: i64,
) -> Result<Option<LinkRecord>, DbErr> {
    let stmt = select(table).and_where(Expr::col("id").eq(id)).to_owned();
    db.query_one(&stmt)
        .await?
        .map(|row| read(table, &row))
        .transpose()
}

/// The link whose token has this hash.
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    table: LinkTable,
    token_hash: &str,
) -> Result<Option<LinkRecord>, DbErr> {
    let stmt = select(table)
        .and_where(Expr::col("token_hash").eq(token_hash))
        .to_owned();
    db.query_one(&stmt)
        .await?
        .map(|row| read(table, &row))
        .transpose()
}

/// Marks unused links of `table` used at `now`, wiping their sealed tokens, where `filter`
/// holds: how many.
async fn use_where(
    db: &impl ConnectionTrait,
    table: LinkTable,
    filter: SimpleExpr,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let stmt = Query::update()
        .table(table.name())
        .value("used_at", now.fixed_offset())
        .value("token_sealed", Option::<Vec<u8>>::None)
        .and_where(filter)
        .and_where(Expr::col("used_at").is_null())
        .to_owned();
    Ok(db.execute(&stmt).await?.rows_affected())
}

/// Uses the link `id` at `now`, wiping its sealed token; false when it was used already.
pub async fn take(
    db: &impl ConnectionTrait,
    table: LinkTable,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(use_where(db, table, Expr::col("id").eq(id), now).await? == 1)
}

/// Retires every link of the account not used yet (what they were for is done): how many.
pub async fn retire_all(
    db: &impl ConnectionTrait,
    table: LinkTable,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use_where(db, table, Expr::col("user_id").eq(user_id), now).await
}

/// A link's sealed token, as a key rotation reads it.
pub struct SealedToken {
    pub id: i64,
    pub token_hash: String,
    pub sealed: Vec<u8>,
}

fn still_sealed() -> SimpleExpr {
    Expr::col("token_sealed").is_not_null()
}

/// Links of `table` after `after` that still hold a sealed token, at most `limit`, by id.
pub async fn sealed_batch(
    db: &impl ConnectionTrait,
    table: LinkTable,
    after: i64,
    limit: u64,
) -> Result<Vec<SealedToken>, DbErr> {
    let stmt = Query::select()
        .columns(["id", "token_hash", "token_sealed"])
        .from(table.name())
        .and_where(Expr::col("id").gt(after))
        .and_where(still_sealed())
        .order_by("id", sea_orm::Order::Asc)
        .limit(limit)
        .to_owned();
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(SealedToken {
                id: row.try_get("", "id")?,
                token_hash: row.try_get("", "token_hash")?,
                sealed: row.try_get("", "token_sealed")?,
            })
        })
        .collect()
}

/// How many links of `table` still hold a sealed token.
pub async fn sealed_count(db: &impl ConnectionTrait, table: LinkTable) -> Result<u64, DbErr> {
    let stmt = Query::select()
        .expr_as(Expr::col("id").count(), "n")
        .from(table.name())
        .and_where(still_sealed())
        .to_owned();
    let n: i64 = match db.query_one(&stmt).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Writes link `id`'s token re-sealed, unless it changed since it was read as `was` (used
/// meanwhile): then false.
pub async fn reseal(
    db: &impl ConnectionTrait,
    table: LinkTable,
    id: i64,
    was: &[u8],
    now: Vec<u8>,
) -> Result<bool, DbErr> {
    let stmt = Query::update()
        .table(table.name())
        .value("token_sealed", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("token_sealed").eq(was.to_vec()))
        .to_owned();
    Ok(db.execute(&stmt).await?.rows_affected() == 1)
}
