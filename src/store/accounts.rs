//! Accounts: users, the roles they are granted, their browser sessions and personal API tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::{api_tokens, sessions, user_roles, users};
use crate::domain::api_token::TokenScope;
use crate::domain::authz::{Actor, Grant, Role, Scope};
use crate::domain::region::RegionCode;

/// An account.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    /// Lower-cased.
    pub email: Option<String>,
    /// Digits only.
    pub mobile: Option<String>,
    /// The password's argon2id hash, in PHC string format.
    pub password_hash: String,
    pub display_name: String,
    /// The language of its mail and pages, as stored: `zh-CN` or `en`.
    pub locale: String,
    pub is_active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When its owner proved they read its mail (a confirmation link); none until then.
    pub confirmed_at: Option<DateTime<Utc>>,
}

// Printed without its password hash, so that a stray `{:?}` cannot put it in a log line.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("display_name", &self.display_name)
            .field("is_active", &self.is_active)
            .finish_non_exhaustive()
    }
}

/// A role granted to a user, with its scope as stored: one of the region, organisation or
/// pairing, or none for the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    pub region_code: Option<String>,
    pub organisation_id: Option<i64>,
    pub pairing_id: Option<i64>,
    /// What makes the grant unique per user and role ([`GrantScope::key`]).
    pub scope_key: String,
}

/// A live browser session. Its token is known only by its hash.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token_hash: String,
    pub last_seen_at: DateTime<Utc>,
    /// Its absolute end.
    pub expires_at: DateTime<Utc>,
}

/// A session to open.
pub struct NewSessionRow<'a> {
    pub user_id: i64,
    pub token_hash: &'a str,
    pub csrf_token_hash: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A personal API token, without its secret (only its hash is kept, and not read back).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    /// What it is for, as its owner named it.
    pub name: String,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    /// What it may do.
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A personal API token to record.
pub struct NewApiTokenRow<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub scope: TokenScope,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn read_user(row: users::Model) -> User {
    User {
        id: row.id,
        email: row.email,
        mobile: row.mobile,
        password_hash: row.password_hash,
        display_name: row.display_name,
        locale: row.locale,
        is_active: row.is_active,
        last_login_at: row.last_login_at.map(|t| t.to_utc()),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
        confirmed_at: row.confirmed_at.map(|t| t.to_utc()),
    }
}

fn read_grant(row: user_roles::Model) -> GrantRecord {
    GrantRecord {
        id: row.id,
        user_id: row.user_id,
        role: row.role,
        region_code: row.region_code,
        organisation_id: row.organisation_id,
        pairing_id: row.pairing_id,
        scope_key: row.scope_key,
    }
}

fn read_session(row: sessions::Model) -> Session {
    Session {
        id: row.id,
        user_id: row.user_id,
        csrf_token_hash: row.csrf_token_hash,
        last_seen_at: row.last_seen_at.to_utc(),
        expires_at: row.expires_at.to_utc(),
    }
}

fn read_api_token(row: api_tokens::Model) -> ApiToken {
    ApiToken {
        id: row.id,
        user_id: row.user_id,
        name: row.name,
        prefix: row.prefix,
        // A scope this version does not know allows the least.
        scope: TokenScope::parse(&row.scope).unwrap_or(TokenScope::Read),
        created_at: row.created_at.to_utc(),
        last_used_at: row.last_used_at.map(|t| t.to_utc()),
        expires_at: row.expires_at.map(|t| t.to_utc()),
        revoked_at: row.revoked_at.map(|t| t.to_utc()),
    }
}

/// The user with this email (any case) or mobile number.
pub async fn find_by_login(db: &impl ConnectionTrait, login: &str) -> Result<Option<User>, DbErr> {
    let login = crate::domain::phone::normalise_login(login);
    let column = if login.contains('@') {
        users::Column::Email.eq(login)
    } else {
        users::Column::Mobile.eq(login)
    };
    Ok(users::Entity::find()
        .filter(column)
        .one(db)
        .await?
        .map(read_user))
}

/// The user with this email, as stored (lower-cased).
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<User>, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
        .map(read_user))
}

/// Stores a new, active account (zh-CN by default). `email` lower-cased, `mobile` as digits.
pub async fn insert_user(
    db: &impl ConnectionTrait,
    email: Option<String>,
    mobile: Option<String>,
    password_hash: String,
    display_name: &str,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let now = now.fixed_offset();
    let row = users::ActiveModel {
        confirmed_at: Set(confirmed.then_some(now)),
        email: Set(email),
        mobile: Set(mobile),
        password_hash: Set(password_hash),
        display_name: Set(display_name.to_owned()),
        locale: Set("zh-CN".to_owned()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read_user(row))
}

/// Holds account `id`'s row until the transaction ends (on PostgreSQL; SQLite's write
/// transaction holds the whole database): what one account does that is capped by a count of
/// its own rows (open pledges, waiting orders) takes this first, so that its requests take
/// turns at the count. Taken before any need's or product's lock: one lock order.
pub async fn hold(txn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    users::Entity::find_by_id(id)
        .select_only()
        .column(users::Column::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<i64>()
        .one(txn)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbErr> {
    Ok(users::Entity::find_by_id(id).one(db).await?.map(read_user))
}

/// The active accounts among `ids`, each once, in id order.
pub async fn active_users(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<User>, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::IsActive.eq(true))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read_user)
        .collect())
}

/// Sets the language of an account's mail and pages; the account as it is now.
pub async fn set_locale(
    db: &impl ConnectionTrait,
    user_id: i64,
    locale: &str,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let row = users::ActiveModel {
        id: Unchanged(user_id),
        locale: Set(locale.to_owned()),
        updated_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(read_user(row))
}

/// Records a successful sign-in.
pub async fn record_login(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::ActiveModel {
        id: Set(user_id),
        last_login_at: Set(Some(now.fixed_offset())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Accounts whose email, mobile or name contains `q` (every account without it), newest
/// first, one page of them, and how many there are in all.
pub async fn search_users(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<User>, u64), DbErr> {
    use sea_orm::{Condition, PaginatorTrait, QuerySelect};
    let mut query = users::Entity::find();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        // LIKE's own characters are matched as themselves.
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let contains = |column: users::Column, text: &str| {
            Expr::col(column)
                .like(sea_orm::sea_query::LikeExpr::new(format!("%{text}%")).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(contains(users::Column::Email, &escaped.to_lowercase()))
                .add(contains(users::Column::Mobile, &escaped))
                .add(contains(users::Column::DisplayName, &escaped)),
        );
    }
    let total = query.clone().count(db).await?;
    let users = query
        .order_by_desc(users::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?
        .into_iter()
        .map(read_user)
        .collect();
    Ok((users, total))
}

/// The grants of each of these users, in grant order.
pub async fn roles_of_many(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<GrantRecord>, DbErr> {
    Ok(user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(user_roles::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read_grant)
        .collect())
}

/// The grants a user holds, in grant order.
pub async fn roles(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<GrantRecord>, DbErr> {
    Ok(user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .order_by_asc(user_roles::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read_grant)
        .collect())
}

/// One grant, by its id.
pub async fn find_grant(db: &impl ConnectionTrait, id: i64) -> Result<Option<GrantRecord>, DbErr> {
    Ok(user_roles::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read_grant))
}

/// Takes a grant away.
pub async fn delete_grant(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    user_roles::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The user with their grants, scopes resolved (a coordinator's pairing with its regions).
pub async fn load_actor(db: &impl ConnectionTrait, user_id: i64) -> Result<Actor, DbErr> {
    let mut grants = Vec::new();
    for row in roles(db, user_id).await? {
        let role = row.role;
        let scope = match role {
            Role::Admin => Some(Scope::Platform),
            Role::Cadre | Role::Verifier => row
                .region_code
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok())
                .map(Scope::Region),
            Role::OrgAdmin | Role::OrgMember => row.organisation_id.map(Scope::Organisation),
            Role::Coordinator => match row.pairing_id {
                Some(id) => Some(Scope::Pairing {
                    id,
                    regions: super::pairings::targets(db, id).await?,
                }),
                None => None,
            },
        };
        if let Some(scope) = scope {
            grants.push(Grant { role, scope });
        }
    }
    Ok(Actor { user_id, grants })
}

/// Opens a browser session.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    new: &NewSessionRow<'_>,
) -> Result<Session, DbErr> {
    let at = new.at.fixed_offset();
    let row = sessions::ActiveModel {
        token_hash: Set(new.token_hash.to_owned()),
        user_id: Set(new.user_id),
        csrf_token_hash: Set(new.csrf_token_hash.to_owned()),
        ip: Set(new.ip.map(str::to_owned)),
        user_agent: Set(new.user_agent.map(str::to_owned)),
        created_at: Set(at),
        last_seen_at: Set(at),
        expires_at: Set(new.expires_at.fixed_offset()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read_session(row))
}

/// A session neither revoked nor past its absolute end, by the hash of its token, with its
/// user. (Whether it has been idle too long is `domain::session`'s to say.)
pub async fn find_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>, DbErr> {
    let found = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now.fixed_offset()))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(session, user)| user.map(|u| (read_session(session), read_user(u)))))
}

/// Records a personal API token (its secret only as a hash).
pub async fn insert_api_token(
    db: &impl ConnectionTrait,
    new: &NewApiTokenRow<'_>,
) -> Result<ApiToken, DbErr> {
    let row = api_tokens::ActiveModel {
        user_id: Set(new.user_id),
        name: Set(new.name.to_owned()),
        token_hash: Set(new.token_hash.to_owned()),
        prefix: Set(new.prefix.to_owned()),
        scope: Set(new.scope.as_str().to_owned()),
        created_at: Set(new.at.fixed_offset()),
        last_used_at: Set(None),
        expires_at: Set(Some(new.expires_at.fixed_offset())),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(read_api_token(row))
}

/// A live API token by the hash of its secret, with its user.
pub async fn find_api_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ApiToken, User)>, DbErr> {
    let found = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(token_hash))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .filter(
            api_tokens::Column::ExpiresAt
                .is_null()
                .or(api_tokens::Column::ExpiresAt.gt(now.fixed_offset())),
        )
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(token, user)| user.map(|u| (read_api_token(token), read_user(u)))))
}

/// Marks a session revoked; true when it was live.
pub async fn revoke_session(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now.fixed_offset()))
        .filter(sessions::Column::Id.eq(id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records that a session was used (at most once a minute, to spare the database).
pub async fn touch_session(
    db: &impl ConnectionTrait,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if now
        .signed_duration_since(session.last_seen_at)
        .num_seconds()
        < 60
    {
        return Ok(());
    }
    sessions::ActiveModel {
        id: Set(session.id),
        last_seen_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Records that a token was used (at most once a minute, to spare the database).
pub async fn touch_api_token(
    db: &impl ConnectionTrait,
    token: &ApiToken,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let recent = token
        .last_used_at
        .is_some_and(|t| now.signed_duration_since(t).num_seconds() < 60);
    if recent {
        return Ok(());
    }
    api_tokens::ActiveModel {
        id: Set(token.id),
        last_used_at: Set(Some(now.fixed_offset())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// One page of a user's API tokens, revoked ones too, oldest first, and how many they have.
pub async fn api_tokens_page(
    db: &impl ConnectionTrait,
    user_id: i64,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ApiToken>, u64), DbErr> {
    let query = api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .order_by_asc(api_tokens::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((rows.into_iter().map(read_api_token).collect(), total))
}

/// Revokes one of the user's tokens; true when it was live.
pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The scope of a stored grant, as the columns hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantScope<'a> {
    Platform,
    Region(&'a str),
    Organisation(i64),
    Pairing(i64),
}

impl GrantScope<'_> {
    /// The one non-null value that makes a grant unique per user and role.
    pub fn key(&self) -> String {
        match self {
            GrantScope::Platform => "platform".to_owned(),
            GrantScope::Region(code) => format!("region:{code}"),
            GrantScope::Organisation(id) => format!("organisation:{id}"),
            GrantScope::Pairing(id) => format!("pairing:{id}"),
        }
    }
}

/// Grants `role` in `scope` to a user unless they hold it already; true when granted now.
pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: i64,
    role: Role,
    scope: GrantScope<'_>,
    granted_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let key = scope.key();
    let held = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .filter(user_roles::Column::Role.eq(role))
        .filter(user_roles::Column::ScopeKey.eq(key.as_str()))
        .one(db)
        .await?;
    if held.is_some() {
        return Ok(false);
    }
    let (region_code, organisation_id, pairing_id) = match scope {
        GrantScope::Platform => (None, None, None),
        GrantScope::Region(code) => (Some(code.to_owned()), None, None),
        GrantScope::Organisation(id) => (None, Some(id), None),
        GrantScope::Pairing(id) => (None, None, Some(id)),
    };
    user_roles::ActiveModel {
        user_id: Set(user_id),
        role: Set(role),
        region_code: Set(region_code),
        organisation_id: Set(organisation_id),
        pairing_id: Set(pairing_id),
        scope_key: Set(key),
        granted_by: Set(granted_by),
        created_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Deletes the sessions that ended before `before`; how many.
pub async fn prune_sessions(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lt(before.fixed_offset()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Sets the account's password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(users::Column::UpdatedAt, Expr::value(now.fixed_offset()))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every live session of the account: how many.
pub async fn revoke_all_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now.fixed_offset()))
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Revokes every live API token of the account: how many.
pub async fn revoke_all_api_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            Expr::value(now.fixed_offset()),
        )
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Marks the account confirmed at `now`, if `email` is still its address and it was not
/// confirmed before: whether it was.
pub async fn confirm(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(users::Entity::update_many()
        .col_expr(users::Column::ConfirmedAt, Expr::value(now.fixed_offset()))
        .col_expr(users::Column::UpdatedAt, Expr::value(now.fixed_offset()))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::Email.eq(email))
        .filter(users::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Gives an account with no email address (a mobile-only one) this one: whether it took (an
/// account with an address keeps it). A taken address is the unique constraint's error.
pub async fn add_email(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(users::Entity::update_many()
        .col_expr(users::Column::Email, Expr::value(email))
        .col_expr(users::Column::UpdatedAt, Expr::value(now.fixed_offset()))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::Email.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
