//! Account use cases.

use anyhow::{Context, bail};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::password;
use crate::domain::authz::Role;
use crate::store::accounts::{self as account_store, GrantScope};
use crate::store::entity::{audit_log, users};

/// Creates a platform administrator (the first one, from the command line), audited.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    plain_password: &str,
) -> anyhow::Result<i64> {
    let password_hash = password::hash(plain_password).context("hashing the password")?;
    let txn = crate::store::begin_write(db).await?;
    if users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&txn)
        .await?
        .is_some()
    {
        bail!("a user with email {email} already exists");
    }
    let now = crate::clock::now().fixed_offset();
    let user = users::ActiveModel {
        email: Set(Some(email.to_owned())),
        mobile: Set(None),
        password_hash: Set(password_hash),
        display_name: Set(name.to_owned()),
        locale: Set("zh-CN".to_owned()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    account_store::grant_role(
        &txn,
        user.id,
        Role::Admin,
        GrantScope::Platform,
        None,
        crate::clock::now(),
    )
    .await?;
    audit_log::ActiveModel {
        actor_user_id: Set(None),
        action: Set("user.create_admin".to_owned()),
        target_kind: Set("user".to_owned()),
        target_id: Set(Some(user.id.to_string())),
        region_code: Set(None),
        ip: Set(None),
        request_id: Set(None),
        detail: Set(Some(r#"{"via":"cli"}"#.to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(user.id)
}
