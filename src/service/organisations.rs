//! Organisations (帮扶主体): created by their people, verified by administrators. Only verified
//! organisations appear as such in public.

use sea_orm::{DatabaseConnection, SqlErr};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Role, Target, authorize, organisations_reached};
use crate::domain::confirmation::Deed;
use crate::domain::credit_code::CreditCode;
pub use crate::domain::organisation::OrganisationKind;
use crate::domain::region::{Level, RegionCode};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::paging::Paging;
use crate::store::accounts::{self as account_store, GrantScope, User};
use crate::store::audit::{self, Origin};
use crate::store::organisations::{self as organisation_store, NewOrganisationRow};
use crate::store::outbox::{self, Message};
use crate::store::regions as region_store;
use crate::validation::{Text, request_body};

pub use crate::store::organisations::OrganisationRecord as Organisation;

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct NewOrganisation {
        pub kind: OrganisationKind,
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 100))]
        pub name: Text,
        /// 统一社会信用代码 (GB 32100, its check character is verified too); required of
        /// enterprises.
        #[schema(value_type = Option<String>)]
        #[rule(credit_code)]
        pub credit_code: Option<Text>,
        #[rule(region_code)]
        pub region_code: Option<String>,
        #[schema(value_type = Option<String>)]
        #[rule(email)]
        pub contact_email: Option<Text>,
        /// Counted as written, spaces and all.
        #[rule(length(max = 2000))]
        pub description: Option<String>,
    }
}

/// Creates an organisation; its creator (a confirmed account) becomes its administrator.
pub async fn create(
    db: &DatabaseConnection,
    creator: &User,
    actor: &Actor,
    new: NewOrganisation,
    origin: &Origin,
) -> Result<Organisation, ApiError> {
    crate::service::auth::confirm::require(creator, Deed::ActForOrganisation)?;
    let mut fields = FieldErrors::of(new.validate());
    let name = new.name.trimmed().to_owned();
    // A valid code when one is given, by its rule.
    let credit_code = new
        .credit_code
        .as_ref()
        .and_then(Text::non_blank)
        .map(CreditCode::parse)
        .and_then(Result::ok);
    if new.credit_code.as_ref().and_then(Text::non_blank).is_none()
        && new.kind == OrganisationKind::Enterprise
    {
        fields.add(
            "credit_code",
            FieldError::required_with(Some("kind"))
                .because("an enterprise gives its 统一社会信用代码"),
        );
    }
    let region = match new.region_code.as_deref().map(RegionCode::parse) {
        Some(Ok(code)) if region_store::find(db, &code).await?.is_some() => Some(code),
        Some(Ok(_)) => {
            fields.add(
                "region_code",
                FieldError::not_found_reference().because("is not a known region code"),
            );
            None
        }
        // Not a region code: its rule said so.
        Some(Err(_)) | None => None,
    };
    // A cooperative sells a village's products: it is tied to its village.
    if new.kind == OrganisationKind::Cooperative
        && !fields.has("region_code")
        && region.as_ref().is_none_or(|r| r.level() != Level::Village)
    {
        fields.add(
            "region_code",
            FieldError::new(FieldCode::RegionLevel)
                .levels(["village"])
                .field("kind")
                .because("a cooperative (村集体/合作社) names its village"),
        );
    }
    let contact_email = new
        .contact_email
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_lowercase);
    fields.into_result()?;

    if let Some(code) = &credit_code
        && organisation_store::verified_holder_of(db, code)
            .await?
            .is_some()
    {
        return Err(duplicate_credit_code());
    }
    let now = crate::clock::now();
    let txn = crate::store::begin_write(db).await?;
    let organisation = organisation_store::insert(
        &txn,
        &NewOrganisationRow {
            kind: new.kind,
            name: &name,
            credit_code: credit_code.as_ref(),
            region: region.as_ref(),
            contact_email: contact_email.as_deref(),
            description: new.description.as_deref(),
            created_by: actor.user_id,
            at: now,
        },
    )
    .await?;
    account_store::grant_role(
        &txn,
        actor.user_id,
        Role::OrgAdmin,
        GrantScope::Organisation(organisation.id),
        Some(actor.user_id),
        crate::clock::now(),
    )
    .await?;
    audit::record(
        &txn,
        origin,
        "organisation.create",
        "organisation",
        organisation.id,
        None,
        None,
    )
    .await?;
    audit::record(
        &txn,
        origin,
        "role.grant",
        "user",
        actor.user_id,
        None,
        Some(serde_json::json!({
            "role": "org_admin",
            "scope": GrantScope::Organisation(organisation.id).key()
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(organisation)
}

pub async fn find(db: &DatabaseConnection, id: i64) -> Result<Option<Organisation>, ApiError> {
    Ok(organisation_store::find(db, id).await?)
}

/// An organisation as the caller may see it: verified ones are public; an unverified one
/// exists only for its own people and administrators.
pub async fn visible(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: i64,
) -> Result<Organisation, ApiError> {
    let org = find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("organisation"))?;
    let insider = actor.is_some_and(|a| {
        a.can(Action::ManageOrganisation, Target::Organisation(id))
            || a.can(Action::PledgeForOrganisation, Target::Organisation(id))
    });
    if org.verified_at.is_none() && !insider {
        return Err(ApiError::not_found("organisation"));
    }
    Ok(org)
}

/// One page of the verified organisations, by name, and how many there are.
pub async fn list_verified(
    db: &DatabaseConnection,
    paging: Paging,
) -> Result<(Vec<Organisation>, u64), ApiError> {
    Ok(organisation_store::verified_page(db, paging.page, paging.per_page).await?)
}

/// One page of the organisations waiting for verification that `actor` may verify
/// (administrators) or manages (its own), oldest first: the administrators' queue. A query
/// on the organisations `actor` reaches, never the whole list filtered in memory.
pub async fn list_unverified(
    db: &DatabaseConnection,
    actor: &Actor,
    paging: Paging,
) -> Result<(Vec<Organisation>, u64), ApiError> {
    let reached = organisations_reached(
        actor,
        &[Action::VerifyOrganisation, Action::ManageOrganisation],
    );
    if reached.as_ref().is_some_and(Vec::is_empty) {
        return Ok((Vec::new(), 0));
    }
    Ok(
        organisation_store::unverified_page(db, reached.as_deref(), paging.page, paging.per_page)
            .await?,
    )
}

fn duplicate_credit_code() -> ApiError {
    let mut error = ApiError::new(
        ErrorCode::OrganisationDuplicate,
        "a verified organisation already holds this credit code",
    );
    error.fields = Some(FieldErrors::from_iter([(
        "credit_code",
        FieldError::new(FieldCode::Duplicate).because("is already held by a verified organisation"),
    )]));
    error
}

/// Marks an organisation verified (administrators only). Refused when another verified
/// organisation holds the same credit code.
pub async fn verify(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    origin: &Origin,
) -> Result<Organisation, ApiError> {
    authorize(actor, Action::VerifyOrganisation, Target::Organisation(id))
        .map_err(|_| ApiError::forbidden())?;
    let txn = crate::store::begin_write(db).await?;
    let org = organisation_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("organisation"))?;
    if org.verified_at.is_some() {
        return Ok(org);
    }
    let now = crate::clock::now();
    let org = organisation_store::mark_verified(&txn, id, actor.user_id, now)
        .await
        .map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => duplicate_credit_code(),
            _ => err.into(),
        })?;
    audit::record(
        &txn,
        origin,
        "organisation.verify",
        "organisation",
        id,
        None,
        None,
    )
    .await?;
    outbox::enqueue(
        &txn,
        &Message::MailOrganisationVerified {
            organisation_id: id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(org)
}
