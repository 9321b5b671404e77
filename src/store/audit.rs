//! The audit log: who did what, to what, when and from where. Written in the transaction of the
//! change it records. Details name private fields, never their values.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use super::entity::audit_log;

/// Where a change came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub user_id: Option<i64>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Origin {
    /// A change made from the command line.
    pub fn cli() -> Self {
        Self::default()
    }

    /// A change the platform made by itself (its scheduler).
    pub fn platform() -> Self {
        Self::default()
    }

    pub fn with_user(&self, user_id: i64) -> Self {
        Self {
            user_id: Some(user_id),
            ..self.clone()
        }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    origin: &Origin,
    action: &str,
    target_kind: &str,
    target_id: impl ToString,
    region_code: Option<&str>,
    detail: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    let entry = Entry {
        action,
        target_kind,
        target_id: target_id.to_string(),
        region_code,
        detail,
    };
    record_at(db, origin, entry, crate::clock::now()).await
}

/// One audit entry.
pub struct Entry<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: String,
    pub region_code: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

/// As [`record`], at a time the caller's clock gives.
pub async fn record_at(
    db: &impl ConnectionTrait,
    origin: &Origin,
    entry: Entry<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Entry {
        action,
        target_kind,
        target_id,
        region_code,
        detail,
    } = entry;
    audit_log::ActiveModel {
        actor_user_id: Set(origin.user_id),
        action: Set(action.to_owned()),
        target_kind: Set(target_kind.to_owned()),
        target_id: Set(Some(target_id)),
        region_code: Set(region_code.map(str::to_owned)),
        ip: Set(origin.ip.clone()),
        request_id: Set(origin.request_id.clone()),
        detail: Set(detail.map(|d| d.to_string())),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
