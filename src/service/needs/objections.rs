//! Objections (异议/举报) against needs in their notice period. Anyone may object, signed in or
//! not; an objection pauses the notice until a verifier upholds it (the need is rejected) or
//! dismisses it (the notice resumes). The objector's reason and contact are for verifiers only.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{Extra, Move, apply, facts, load_visible, lock, lock_visible, refused, rules};
use crate::domain::authz::{Action, Actor, Target};
use crate::domain::need::{
    NeedAction, NeedStatus, ObjectionStatus, Who, decide, objection_handler,
};
use crate::error::{ApiError, ErrorCode};
use crate::service::Context;
use crate::service::paging::Paging;
use crate::service::rate_limit::{Limit, address_key, limit};
use crate::store::audit::Origin;
use crate::store::objections::{self as objection_store, ObjectionRecord, Resolution, Settles};
use crate::store::outbox::Message;
use crate::validation::{Text, request_body};

/// Objections from one address (or account).
pub const PER_ADDRESS: Limit = Limit {
    hits: 10,
    window: Duration::hours(1),
};
/// Objections open at once against one need: enough for a verifier to see that something is
/// wrong, without letting a few addresses keep a need suspended by flooding it.
pub const MAX_OPEN_PER_NEED: u64 = 10;

/// Objections from one address (or account) against one need.
pub const PER_ADDRESS_AND_NEED: Limit = Limit {
    hits: 3,
    window: Duration::days(1),
};

request_body! {
    #[derive(Debug, Deserialize, ToSchema, Validate)]
    pub struct NewObjection {
        /// What is wrong with the need.
        #[schema(value_type = String)]
        #[rule(length(min = 10, max = 1000))]
        pub reason: Text,
        /// How a verifier may reach the objector (phone, mail…), seen by verifiers only. Leave
        /// it out to object anonymously.
        #[schema(value_type = Option<String>)]
        #[rule(length(max = 100))]
        pub contact: Option<Text>,
    }
}

/// What the objector gets back.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionReceipt {
    pub id: i64,
    pub need_id: i64,
    /// The need's status now (`suspended`).
    pub need_status: NeedStatus,
}

/// An objection as the need's verifiers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    pub need_id: i64,
    pub reason: String,
    pub contact: Option<String>,
    /// Whether the objector was signed in.
    pub signed_in: bool,
    pub status: ObjectionStatus,
    pub resolution_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

fn view(o: ObjectionRecord) -> ObjectionView {
    ObjectionView {
        id: o.id,
        need_id: o.need_id,
        status: o.status,
        reason: o.reason,
        contact: o.contact,
        signed_in: o.reporter_user_id.is_some(),
        resolution_note: o.resolution_note,
        created_at: o.created_at,
        resolved_at: o.resolved_at,
    }
}

/// Files an objection against a need in notice; the need is suspended.
pub async fn file(
    app: &Context,
    reporter: Option<&Actor>,
    need_id: i64,
    new: NewObjection,
    address: Option<&str>,
    origin: &Origin,
) -> Result<ObjectionReceipt, ApiError> {
    new.validate()?;
    let reason = new.reason.trimmed().to_owned();
    let contact = new
        .contact
        .as_ref()
        .and_then(Text::non_blank)
        .map(str::to_owned);
    // The need must exist for the public before anything is counted against the caller.
    load_visible(&app.db, reporter, need_id).await?;
    // Counted per address, and per account too for a signed-in objector (who may move between
    // addresses).
    let mut sources: Vec<String> = address
        .map(|a| format!("address:{}", address_key(a)))
        .into_iter()
        .collect();
    sources.extend(reporter.map(|a| format!("user:{}", a.user_id)));
    for source in sources {
        limit(&app.db, &format!("objection:{source}"), &PER_ADDRESS).await?;
        limit(
            &app.db,
            &format!("objection:need:{need_id}:{source}"),
            &PER_ADDRESS_AND_NEED,
        )
        .await?;
    }

    let now = app.clock.now();
    let who = reporter.map_or(Who::Public, Who::User);
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, reporter, need_id).await?;
    let change =
        decide(&facts(&need, 0), NeedAction::Object, who, &rules(app), now).map_err(refused)?;
    let open = objection_store::count_open(&txn, need_id, None).await?;
    if open >= MAX_OPEN_PER_NEED {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!(
                "this need is already being examined on {open} objections; object again once \
                 they are decided if yours says something new"
            ),
        ));
    }
    let objection = objection_store::insert(
        &txn,
        objection_store::NewObjection {
            need_id,
            reason,
            contact,
            reporter_user_id: reporter.map(|a| a.user_id),
            at: now,
        },
    )
    .await?;
    let extra = Extra {
        messages: vec![Message::MailObjectionFiled {
            need_id,
            objection_id: objection.id,
        }],
        ..Extra::default()
    };
    let need = apply(
        &txn,
        &need,
        Move {
            action: NeedAction::Object,
            who,
            change,
            extra,
        },
        origin,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ObjectionReceipt {
        id: objection.id,
        need_id,
        need_status: need.status,
    })
}

/// One page of the objections against a need, for its verifiers, newest first, and how many
/// there are.
pub async fn list(
    app: &Context,
    actor: &Actor,
    need_id: i64,
    paging: Paging,
) -> Result<(Vec<ObjectionView>, u64), ApiError> {
    let need = load_visible(&app.db, Some(actor), need_id).await?;
    objection_handler(&facts(&need, 0), actor).map_err(refused)?;
    let (rows, total) =
        objection_store::of_need_page(&app.db, need_id, paging.page, paging.per_page).await?;
    Ok((rows.into_iter().map(view).collect(), total))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Uphold,
    Dismiss,
}

/// A verifier's decision on an open objection: upheld, the need is rejected (and the need's
/// other open objections are upheld with it); dismissed, the notice resumes once no objection
/// is left open.
pub async fn decide_objection(
    app: &Context,
    actor: &Actor,
    objection_id: i64,
    decision: Decision,
    note: &str,
    origin: &Origin,
) -> Result<ObjectionView, ApiError> {
    // Its length is the rule of the request's `Reason`.
    let note = note.trim();
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let objection = objection_store::find(&txn, objection_id)
        .await?
        .ok_or_else(|| ApiError::not_found("objection"))?;
    let need = lock(&txn, objection.need_id)
        .await?
        .ok_or_else(|| ApiError::not_found("objection"))?;
    // Read again under the need's lock: another verifier may have decided it meanwhile.
    let objection = objection_store::find(&txn, objection_id)
        .await?
        .ok_or_else(|| ApiError::not_found("objection"))?;
    if !actor.can(Action::HandleObjection, Target::Region(&need.village)) {
        return Err(ApiError::not_found("objection"));
    }
    if objection.status != ObjectionStatus::Open {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("this objection was already decided ({})", objection.status),
        ));
    }
    let others_open = objection_store::count_open(&txn, need.id, Some(objection_id)).await?;
    let action = match decision {
        Decision::Uphold => NeedAction::UpholdObjection,
        Decision::Dismiss => NeedAction::DismissObjection,
    };
    let change = decide(
        &facts(&need, others_open),
        action,
        Who::User(actor),
        &rules(app),
        now,
    )
    .map_err(refused)?;
    let status = match decision {
        Decision::Uphold => ObjectionStatus::Upheld,
        Decision::Dismiss => ObjectionStatus::Dismissed,
    };
    // An upheld objection settles the others: the need is rejected either way.
    let settles = match decision {
        Decision::Uphold => Settles::AllOfNeed(need.id),
        Decision::Dismiss => Settles::One(objection_id),
    };
    let resolution = Resolution {
        status,
        by: actor.user_id,
        note,
        at: now,
    };
    objection_store::resolve(&txn, settles, &resolution).await?;
    let extra = Extra {
        rejection_reason: (decision == Decision::Uphold).then(|| note.to_owned()),
        messages: if decision == Decision::Uphold {
            vec![Message::MailNeedRejected { need_id: need.id }]
        } else {
            vec![]
        },
        ..Extra::default()
    };
    apply(
        &txn,
        &need,
        Move {
            action,
            who: Who::User(actor),
            change,
            extra,
        },
        origin,
        now,
    )
    .await?;
    let objection = objection_store::find(&txn, objection_id)
        .await?
        .ok_or_else(|| ApiError::not_found("objection"))?;
    txn.commit().await?;
    Ok(view(objection))
}
