//! Queries over users, their roles, sessions and API tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entity::{api_tokens, pairing_targets, sessions, user_roles, users};
use crate::domain::authz::{Actor, Grant, Role, Scope};
use crate::domain::region::RegionCode;

pub use users::Model as User;

/// The user with this email (any case) or mobile number.
pub async fn find_by_login(db: &impl ConnectionTrait, login: &str) -> Result<Option<User>, DbErr> {
    let login = crate::domain::phone::normalise_login(login);
    let column = if login.contains('@') {
        users::Column::Email.eq(login)
    } else {
        users::Column::Mobile.eq(login)
    };
    users::Entity::find().filter(column).one(db).await
}

/// Stores a new, active account (zh-CN by default). `email` lower-cased, `mobile` as digits.
pub async fn insert_user(
    db: &impl ConnectionTrait,
    email: Option<String>,
    mobile: Option<String>,
    password_hash: String,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let now = now.fixed_offset();
    users::ActiveModel {
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
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
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
        .await?;
    Ok((users, total))
}

/// The roles of each of these users, as stored, in grant order.
pub async fn roles_of_many(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<user_roles::Model>, DbErr> {
    user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(user_roles::Column::Id)
        .all(db)
        .await
}

/// The roles a user holds, as stored.
pub async fn roles(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<user_roles::Model>, DbErr> {
    user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .order_by_asc(user_roles::Column::Id)
        .all(db)
        .await
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
                Some(id) => {
                    let regions = pairing_targets::Entity::find()
                        .filter(pairing_targets::Column::PairingId.eq(id))
                        .all(db)
                        .await?
                        .into_iter()
                        .filter_map(|t| RegionCode::parse(&t.region_code).ok())
                        .collect();
                    Some(Scope::Pairing { id, regions })
                }
                None => None,
            },
        };
        if let Some(scope) = scope {
            grants.push(Grant { role, scope });
        }
    }
    Ok(Actor { user_id, grants })
}

/// A live session (not revoked, not expired) by the hash of its token, with its user.
pub async fn find_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(sessions::Model, User)>, DbErr> {
    let found = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now.fixed_offset()))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(session, user)| user.map(|u| (session, u))))
}

/// A live API token by the hash of its secret, with its user.
pub async fn find_api_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(api_tokens::Model, User)>, DbErr> {
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
    Ok(found.and_then(|(token, user)| user.map(|u| (token, u))))
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
    session: &sessions::Model,
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

pub async fn touch_api_token(
    db: &impl ConnectionTrait,
    token: &api_tokens::Model,
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

pub async fn list_api_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<api_tokens::Model>, DbErr> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .order_by_asc(api_tokens::Column::Id)
        .all(db)
        .await
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
