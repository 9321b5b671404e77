//! Account use cases.

use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;

use crate::domain::authz::Role;
use crate::service::auth::password;
use crate::store::accounts::{self as account_store, GrantRecord, GrantScope, User, load_actor};

/// Creates a platform administrator (the first one, from the command line), audited.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    plain_password: &str,
) -> anyhow::Result<i64> {
    let email = email.trim().to_lowercase();
    let email = email.as_str();
    let password_hash = password::hash(plain_password).context("hashing the password")?;
    let txn = crate::store::begin_write(db).await?;
    if account_store::find_by_email(&txn, email).await?.is_some() {
        bail!("a user with email {email} already exists");
    }
    let now = crate::clock::now();
    let user = account_store::insert_user(
        &txn,
        Some(email.to_owned()),
        None,
        password_hash,
        name,
        // Whoever runs the command is the platform's operator, not a stranger.
        true,
        now,
    )
    .await?;
    account_store::grant_role(&txn, user.id, Role::Admin, GrantScope::Platform, None, now).await?;
    crate::store::audit::record(
        &txn,
        &crate::store::audit::Origin::cli(),
        "user.create_admin",
        "user",
        user.id,
        None,
        Some(serde_json::json!({"via": "cli"})),
    )
    .await?;
    txn.commit().await?;
    Ok(user.id)
}

/// One page of the accounts matching `q`, each with its roles, and how many match in all
/// (platform administrators).
pub async fn list_users(
    db: &DatabaseConnection,
    actor: &crate::domain::authz::Actor,
    q: Option<&str>,
    paging: crate::service::paging::Paging,
) -> Result<(Vec<(User, Vec<GrantRecord>)>, u64), crate::error::ApiError> {
    use crate::domain::authz::{Action, Target};
    if !actor.can(Action::ManageUsers, Target::Platform) {
        return Err(crate::error::ApiError::forbidden());
    }
    let (found, total) = account_store::search_users(db, q, paging.page, paging.per_page).await?;
    let ids: Vec<i64> = found.iter().map(|u| u.id).collect();
    let mut roles = account_store::roles_of_many(db, &ids).await?;
    let users = found
        .into_iter()
        .map(|user| {
            let (theirs, rest) = roles.drain(..).partition(|r| r.user_id == user.id);
            roles = rest;
            (user, theirs)
        })
        .collect();
    Ok((users, total))
}

crate::validation::request_body! {
    /// A role to grant, with its scope as the request gives it.
    #[derive(Debug, serde::Deserialize, utoipa::ToSchema, validator::Validate)]
    pub struct NewGrant {
        #[schema(value_type = crate::domain::authz::Role, example = "cadre")]
        #[rule(one_of(Role))]
        pub role: String,
        /// A village for a cadre; a town or county for a verifier.
        #[schema(pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$")]
        pub region_code: Option<String>,
        /// For org_admin and org_member.
        pub organisation_id: Option<i64>,
        /// For a coordinator.
        pub pairing_id: Option<i64>,
    }
}

/// Grants a role to a user (administrators; an organisation's administrators for its own
/// members), checking that the scope fits the role.
pub async fn grant(
    db: &DatabaseConnection,
    actor: &crate::domain::authz::Actor,
    user_id: i64,
    new: NewGrant,
    origin: &crate::store::audit::Origin,
) -> Result<bool, crate::error::ApiError> {
    use crate::domain::authz::{Action, Target};
    use crate::domain::region::{Level, RegionCode};
    use crate::error::{ApiError, FieldCode, FieldError};

    validator::Validate::validate(&new)?;
    let role = Role::parse(&new.role)
        .ok_or_else(|| ApiError::internal("a role past its rule does not parse"))?;
    // An organisation's administrators take in its members; every other grant is the
    // platform administrators'.
    let allowed = match (role, new.organisation_id) {
        (Role::OrgAdmin | Role::OrgMember, Some(org)) => {
            actor.can(Action::ManageOrganisation, Target::Organisation(org))
        }
        _ => actor.can(Action::ManageUsers, Target::Platform),
    };
    if !allowed {
        return Err(ApiError::forbidden());
    }
    if user_id == actor.user_id {
        return Err(ApiError::new(
            crate::error::ErrorCode::Forbidden,
            "no one grants roles to themselves",
        ));
    }
    let grantee = account_store::find(db, user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    // Roles go to accounts whose owner is proven: no one holds a village's records or acts
    // for an organisation through an address they cannot read.
    crate::service::auth::confirm::require_grantee(&grantee)?;
    // Who runs the platform does not also keep households' records: private data stays with
    // the village's cadres and its verifiers (DESIGN §3).
    let held = load_actor(db, user_id).await?;
    let keeps_households = held.has_role(Role::Cadre) || held.has_role(Role::Verifier);
    if (role == Role::Admin && keeps_households)
        || (matches!(role, Role::Cadre | Role::Verifier) && held.has_role(Role::Admin))
    {
        return Err(ApiError::new(
            crate::error::ErrorCode::InvalidState,
            "an administrator cannot also be a cadre or a verifier",
        ));
    }
    let region = |levels: &[Level]| -> Result<RegionCode, ApiError> {
        new.region_code
            .as_deref()
            .and_then(|c| RegionCode::parse(c).ok())
            .filter(|c| levels.contains(&c.level()))
            .ok_or_else(|| {
                let levels: Vec<&str> = levels.iter().map(|l| l.as_str()).collect();
                ApiError::field(
                    "region_code",
                    FieldError::new(FieldCode::RegionLevel)
                        .levels(&levels)
                        .field("role")
                        .because(format!(
                            "a {} is scoped to a {}",
                            role.as_str(),
                            levels.join(" or ")
                        )),
                )
            })
    };
    let region_code;
    let scope = match role {
        Role::Admin => GrantScope::Platform,
        Role::Cadre | Role::Verifier => {
            let levels: &[Level] = if role == Role::Cadre {
                &[Level::Village]
            } else {
                &[Level::Town, Level::County]
            };
            region_code = region(levels)?;
            if crate::store::regions::find(db, &region_code)
                .await?
                .is_none()
            {
                return Err(ApiError::field(
                    "region_code",
                    FieldError::not_found_reference().because("is not a known region"),
                ));
            }
            GrantScope::Region(region_code.as_str())
        }
        Role::OrgAdmin | Role::OrgMember => {
            let id = new.organisation_id.ok_or_else(|| {
                ApiError::field(
                    "organisation_id",
                    FieldError::required_with(Some("role")).because("is required for this role"),
                )
            })?;
            if crate::store::organisations::find(db, id).await?.is_none() {
                return Err(ApiError::field(
                    "organisation_id",
                    FieldError::not_found_reference().because("is not a known organisation"),
                ));
            }
            GrantScope::Organisation(id)
        }
        Role::Coordinator => {
            let id = new.pairing_id.ok_or_else(|| {
                ApiError::field(
                    "pairing_id",
                    FieldError::required_with(Some("role")).because("is required for this role"),
                )
            })?;
            if crate::store::pairings::find(db, id).await?.is_none() {
                return Err(ApiError::field(
                    "pairing_id",
                    FieldError::not_found_reference().because("is not a known pairing"),
                ));
            }
            GrantScope::Pairing(id)
        }
    };
    let scope_region = match scope {
        GrantScope::Region(code) => Some(code),
        _ => None,
    };
    let txn = crate::store::begin_write(db).await?;
    let granted = account_store::grant_role(
        &txn,
        user_id,
        role,
        scope,
        Some(actor.user_id),
        crate::clock::now(),
    )
    .await?;
    if granted {
        crate::store::audit::record(
            &txn,
            origin,
            "role.grant",
            "user",
            user_id,
            scope_region,
            Some(serde_json::json!({"role": role.as_str(), "scope": scope.key()})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(granted)
}

/// Revokes a grant (administrators; an organisation's administrators for its own roles).
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &crate::domain::authz::Actor,
    user_id: i64,
    grant_id: i64,
    origin: &crate::store::audit::Origin,
) -> Result<(), crate::error::ApiError> {
    use crate::domain::authz::{Action, Target};
    use crate::error::ApiError;

    let txn = crate::store::begin_write(db).await?;
    let grant = account_store::find_grant(&txn, grant_id)
        .await?
        .filter(|g| g.user_id == user_id)
        .ok_or_else(|| ApiError::not_found("role"))?;
    let allowed = match grant.organisation_id {
        Some(org) => actor.can(Action::ManageOrganisation, Target::Organisation(org)),
        None => actor.can(Action::ManageUsers, Target::Platform),
    };
    if !allowed {
        return Err(ApiError::forbidden());
    }
    let detail = serde_json::json!({"role": grant.role, "scope": grant.scope_key});
    account_store::delete_grant(&txn, grant.id).await?;
    crate::store::audit::record(
        &txn,
        origin,
        "role.revoke",
        "user",
        user_id,
        grant.region_code.as_deref(),
        Some(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
