//! The transactional outbox: a change that the search index or someone's mailbox must hear
//! about writes a row here in its own transaction; the worker delivers it afterwards, at least
//! once (so every consumer is idempotent).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use super::entity::outbox;

/// What an outbox row asks the worker to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// Bring the need's search document up to date: upsert it while the public may see the
    /// need, delete it otherwise. Carries only the id: the worker reads the need as it is then.
    SearchSyncNeed { need_id: i64 },
    /// Tell the need's cadres that it was verified.
    MailNeedVerified { need_id: i64 },
    /// Tell the need's cadres that it was rejected, and why.
    MailNeedRejected { need_id: i64 },
    /// Tell the need's verifiers that an objection was filed.
    MailObjectionFiled { need_id: i64, objection_id: i64 },
    /// Tell the need's cadres that something was pledged for it.
    MailPledgeReceived { pledge_id: i64 },
    /// Confirm a pledge to its donor.
    MailPledgeConfirmation { pledge_id: i64 },
    /// Tell the need's cadres that a pledge was shipped.
    MailPledgeShipped { pledge_id: i64 },
    /// Tell the donor that the village confirmed the receipt.
    MailReceiptConfirmed { pledge_id: i64 },
    /// Bring the village's thanks to the donor.
    MailPledgeThanked { pledge_id: i64 },
    /// Remind the donor that their pledge is due soon and still unshipped.
    MailPledgeExpiring { pledge_id: i64 },
    /// Tell the donor that their pledge expired unshipped.
    MailPledgeExpired { pledge_id: i64 },
    /// Tell an organisation's administrators that the platform verified it.
    MailOrganisationVerified { organisation_id: i64 },
    /// Tell an organisation's people that a pairing's coordinator invited them to a need.
    MailNeedInvitation { invitation_id: i64 },
}

impl Message {
    /// The `kind` of every mail row.
    pub const MAIL_KINDS: [&'static str; 12] = [
        "mail_need_verified",
        "mail_need_rejected",
        "mail_objection_filed",
        "mail_pledge_received",
        "mail_pledge_confirmation",
        "mail_pledge_shipped",
        "mail_receipt_confirmed",
        "mail_pledge_thanked",
        "mail_pledge_expiring",
        "mail_pledge_expired",
        "mail_organisation_verified",
        "mail_need_invitation",
    ];

    /// The row's `kind` column: the tag of the message.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::SearchSyncNeed { .. } => "search_sync_need",
            Message::MailNeedVerified { .. } => "mail_need_verified",
            Message::MailNeedRejected { .. } => "mail_need_rejected",
            Message::MailObjectionFiled { .. } => "mail_objection_filed",
            Message::MailPledgeReceived { .. } => "mail_pledge_received",
            Message::MailPledgeConfirmation { .. } => "mail_pledge_confirmation",
            Message::MailPledgeShipped { .. } => "mail_pledge_shipped",
            Message::MailReceiptConfirmed { .. } => "mail_receipt_confirmed",
            Message::MailPledgeThanked { .. } => "mail_pledge_thanked",
            Message::MailPledgeExpiring { .. } => "mail_pledge_expiring",
            Message::MailPledgeExpired { .. } => "mail_pledge_expired",
            Message::MailOrganisationVerified { .. } => "mail_organisation_verified",
            Message::MailNeedInvitation { .. } => "mail_need_invitation",
        }
    }

    fn subject(&self) -> (&'static str, i64) {
        match self {
            Message::SearchSyncNeed { need_id }
            | Message::MailNeedVerified { need_id }
            | Message::MailNeedRejected { need_id }
            | Message::MailObjectionFiled { need_id, .. } => ("need", *need_id),
            Message::MailPledgeReceived { pledge_id }
            | Message::MailPledgeConfirmation { pledge_id }
            | Message::MailPledgeShipped { pledge_id }
            | Message::MailReceiptConfirmed { pledge_id }
            | Message::MailPledgeThanked { pledge_id }
            | Message::MailPledgeExpiring { pledge_id }
            | Message::MailPledgeExpired { pledge_id } => ("pledge", *pledge_id),
            Message::MailOrganisationVerified { organisation_id } => {
                ("organisation", *organisation_id)
            }
            Message::MailNeedInvitation { invitation_id } => ("invitation", *invitation_id),
        }
    }
}

/// Writes `message` into the outbox, due at once. Call it inside the transaction of the change
/// it announces.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    row(message, now)?.insert(db).await?;
    Ok(())
}

/// As [`enqueue`], several messages in one statement.
pub async fn enqueue_all(
    db: &impl ConnectionTrait,
    messages: &[Message],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows = messages
        .iter()
        .map(|m| row(m, now))
        .collect::<Result<Vec<_>, _>>()?;
    outbox::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

fn row(message: &Message, now: DateTime<Utc>) -> Result<outbox::ActiveModel, DbErr> {
    let (subject_kind, subject_id) = message.subject();
    let payload = serde_json::to_string(message).map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(outbox::ActiveModel {
        kind: Set(message.kind().to_owned()),
        payload: Set(payload),
        subject_kind: Set(Some(subject_kind.to_owned())),
        subject_id: Set(Some(subject_id.to_string())),
        created_at: Set(now.fixed_offset()),
        // The drain runs on the system's clock (`now` may be a test's or the demo's).
        available_at: Set(crate::clock::now().fixed_offset()),
        attempts: Set(0),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn every_mail_message_is_drained_as_mail() {
        let mail = [
            Message::MailNeedVerified { need_id: 1 },
            Message::MailNeedRejected { need_id: 1 },
            Message::MailObjectionFiled {
                need_id: 1,
                objection_id: 1,
            },
            Message::MailPledgeReceived { pledge_id: 1 },
            Message::MailPledgeConfirmation { pledge_id: 1 },
            Message::MailPledgeShipped { pledge_id: 1 },
            Message::MailReceiptConfirmed { pledge_id: 1 },
            Message::MailPledgeThanked { pledge_id: 1 },
            Message::MailPledgeExpiring { pledge_id: 1 },
            Message::MailPledgeExpired { pledge_id: 1 },
            Message::MailOrganisationVerified { organisation_id: 1 },
            Message::MailNeedInvitation { invitation_id: 1 },
        ];
        let kinds: Vec<&str> = mail.iter().map(Message::kind).collect();
        assert_eq!(kinds, Message::MAIL_KINDS);
        assert!(!Message::MAIL_KINDS.contains(&Message::SearchSyncNeed { need_id: 1 }.kind()));
    }

    #[test]
    fn the_payload_is_tagged_with_the_rows_kind() {
        let message = Message::MailObjectionFiled {
            need_id: 4,
            objection_id: 9,
        };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["kind"], message.kind());
        assert_eq!(serde_json::from_value::<Message>(json).unwrap(), message);
    }
}
