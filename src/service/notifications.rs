//! Who hears about what: from an outbox row announcing an event to the letters it becomes (one
//! per recipient, in the recipient's language, stating only what they may see), each person's
//! notification preferences, and the signed one-click unsubscribe links.
//!
//! Recipients are chosen by the platform's one authorisation decision: the cadres told about a
//! need are the users who may record needs in its village (`authz`), the verifiers told of an
//! objection are those who may decide it (`domain::need::objection_handler`).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::crypto::Place;
use crate::domain::authz::{Action, Actor, Role, Target, authorize};
use crate::domain::locale::Locale;
use crate::domain::mail_link;
use crate::domain::need::objection_handler;
use crate::domain::notification::NotificationKind;
use crate::domain::offer::Offerer;
use crate::domain::pledge::PledgeStatus;
use crate::domain::projection::NeedRecord;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::mail::templates::{AlertedNeed, Amount, Facts, LinkSecret, NeedFacts, PledgeFacts};
use crate::service::Context;
use crate::service::needs::projection::{PublicContext, public_need};
use crate::store::accounts::{self as account_store, User};
use crate::store::audit::{self, Origin};
use crate::store::follows as follow_store;
use crate::store::mail_links::{self, LinkRecord, LinkTable};
use crate::store::needs as need_store;
use crate::store::notifications as store;
use crate::store::offers as offer_store;
use crate::store::organisations as organisation_store;
use crate::store::outbox::Message;
use crate::store::photos::{self as photo_store, Owner};
use crate::store::pledges::{self as pledge_store, PledgeRecord};

/// Receipt photos shown inside a thanks mail, at most.
const PHOTOS_PER_MAIL: usize = 3;

/// One mail to one person.
#[derive(Debug, Clone)]
pub struct Letter {
    pub user_id: i64,
    pub name: String,
    /// None: the account signs in by mobile number only, and gets no mail.
    pub email: Option<String>,
    pub locale: Locale,
    /// Whether the person wants this kind of mail.
    pub wanted: bool,
    pub facts: Facts,
    /// Storage keys of photos to show inline.
    pub photos: Vec<String>,
    /// The follow that brought it: its one-click link leaves that follow, not a kind of mail.
    pub unfollow: Option<i64>,
}

/// Why an outbox row yields no letters.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error(transparent)]
    Db(#[from] DbErr),
    /// What the row is about is gone or unreadable: nothing can be said of it, ever.
    #[error("{0}")]
    Unusable(String),
}

impl From<ApiError> for ComposeError {
    fn from(e: ApiError) -> Self {
        ComposeError::Unusable(e.message)
    }
}

/// The notification kind of a mail row; `None` for rows that are not mail.
pub fn kind_of(message: &Message) -> Option<NotificationKind> {
    use NotificationKind as K;
    Some(match message {
        Message::SearchSyncNeed { .. }
        | Message::SearchSyncOffer { .. }
        | Message::SearchSyncProduct { .. } => return None,
        Message::MailOrderStep { step, .. } => match step.told() {
            crate::domain::order::Side::Seller => K::OrderForSeller,
            _ => K::OrderForBuyer,
        },
        Message::MailNeedVerified { .. } => K::NeedVerified,
        Message::MailNeedRejected { .. } => K::NeedRejected,
        Message::MailNeedTakenDown { .. } => K::NeedTakenDown,
        Message::MailObjectionFiled { .. } => K::ObjectionFiled,
        Message::MailPledgeReceived { .. } => K::PledgeReceived,
        Message::MailPledgeConfirmation { .. } => K::PledgeConfirmation,
        Message::MailPledgeShipped { .. } => K::PledgeShipped,
        Message::MailReceiptConfirmed { .. } => K::ReceiptConfirmed,
        Message::MailPledgeThanked { .. } => K::PledgeThanked,
        Message::MailPledgeExpiring { .. } => K::PledgeExpiring,
        Message::MailPledgeExpired { .. } => K::PledgeExpired,
        Message::MailOrganisationVerified { .. } => K::OrganisationVerified,
        Message::MailNeedInvitation { .. } => K::NeedInvitation,
        Message::MailOfferRequested { .. } => K::OfferRequested,
        Message::MailOfferRequestAnswered { .. } => K::OfferRequestAnswered,
        Message::MailOfferPublished { .. } => K::OfferForYourNeeds,
        Message::MailNeedAlert { .. } => K::NeedAlert,
        Message::MailAlertDigest { .. } => K::AlertDigest,
        Message::MailPasswordReset { .. } => K::PasswordReset,
        Message::MailPasswordChanged { .. } => K::PasswordChanged,
        Message::MailEmailConfirmation { .. } => K::EmailConfirmation,
    })
}

/// The letters `message` becomes, read from the database as it is now.
pub async fn letters(
    app: &Context,
    kind: NotificationKind,
    message: &Message,
) -> Result<Vec<Letter>, ComposeError> {
    use NotificationKind as K;
    let db = &app.db;
    if let Message::MailPasswordReset { .. }
    | Message::MailPasswordChanged { .. }
    | Message::MailEmailConfirmation { .. } = message
    {
        return account_letters(app, message).await;
    }
    if let Message::MailNeedAlert { .. } | Message::MailAlertDigest { .. } = message {
        return alert_letters(db, kind, message).await;
    }
    if let Message::MailOfferPublished { offer_id } = *message {
        return offer_letters(db, kind, offer_id).await;
    }
    if let Message::MailNeedTakenDown { need_id } = *message {
        return taken_down_letters(db, kind, need_id).await;
    }
    let (recipients, facts, photo_keys) = match *message {
        Message::MailPledgeReceived { pledge_id }
        | Message::MailPledgeConfirmation { pledge_id }
        | Message::MailPledgeShipped { pledge_id }
        | Message::MailReceiptConfirmed { pledge_id }
        | Message::MailPledgeThanked { pledge_id }
        | Message::MailPledgeExpiring { pledge_id }
        | Message::MailPledgeExpired { pledge_id } => {
            let pledge = pledge_store::find(db, pledge_id)
                .await?
                .ok_or_else(|| ComposeError::Unusable(format!("pledge {pledge_id} is gone")))?;
            // A reminder is for a pledge still waiting to be shipped when the mail goes out.
            if kind == K::PledgeExpiring && pledge.status != PledgeStatus::Pledged {
                return Ok(Vec::new());
            }
            let need = find_need(db, pledge.need_id).await?;
            let recipients = match kind {
                // The village hears of pledges; a cadre who pledged to their own village is not
                // told of their own pledge.
                K::PledgeReceived | K::PledgeShipped => {
                    village_staff(db, &need, Action::ConfirmReceipt)
                        .await?
                        .into_iter()
                        .filter(|u| u.id != pledge.donor_user_id)
                        .collect()
                }
                _ => account_store::active_users(db, [pledge.donor_user_id]).await?,
            };
            let photo_keys = if kind == K::PledgeThanked {
                photo_store::of(db, Owner::Pledge(pledge_id))
                    .await?
                    .into_iter()
                    .take(PHOTOS_PER_MAIL)
                    .map(|p| p.storage_key)
                    .collect()
            } else {
                Vec::new()
            };
            let facts = Facts::Pledge {
                need: need_facts(db, &need).await?,
                pledge: pledge_facts(&pledge, &need),
            };
            (recipients, facts, photo_keys)
        }
        Message::MailNeedVerified { need_id } | Message::MailNeedRejected { need_id } => {
            let need = find_need(db, need_id).await?;
            let recipients = village_staff(db, &need, Action::RecordNeed).await?;
            let facts = need_facts(db, &need).await?;
            let facts = if kind == K::NeedRejected {
                Facts::NeedRejected {
                    need: facts,
                    reason: need.rejection_reason.clone().unwrap_or_default(),
                }
            } else {
                Facts::NeedVerified { need: facts }
            };
            (recipients, facts, Vec::new())
        }
        Message::MailObjectionFiled {
            need_id,
            objection_id,
        } => {
            let need = find_need(db, need_id).await?;
            let reason = store::objection_reason(db, objection_id)
                .await?
                .ok_or_else(|| {
                    ComposeError::Unusable(format!("objection {objection_id} is gone"))
                })?;
            let facts = crate::service::needs::facts(&need, 0);
            let candidates = region_role_holders(db, &need, Role::Verifier).await?;
            let mut handlers = Vec::new();
            for user in candidates {
                let actor = account_store::load_actor(db, user.id).await?;
                if objection_handler(&facts, &actor).is_ok() {
                    handlers.push(user);
                }
            }
            let facts = Facts::ObjectionFiled {
                need: need_facts(db, &need).await?,
                reason,
            };
            (handlers, facts, Vec::new())
        }
        Message::MailOrganisationVerified { organisation_id } => {
            let name = organisation_store::find(db, organisation_id)
                .await?
                .map(|o| o.name)
                .ok_or_else(|| {
                    ComposeError::Unusable(format!("organisation {organisation_id} is gone"))
                })?;
            let admins = store::organisation_admins(db, organisation_id).await?;
            let facts = Facts::OrganisationVerified {
                id: organisation_id,
                name,
            };
            (
                account_store::active_users(db, admins).await?,
                facts,
                Vec::new(),
            )
        }
        Message::MailNeedInvitation { invitation_id } => {
            let invitation = store::invitation(db, invitation_id).await?.ok_or_else(|| {
                ComposeError::Unusable(format!("invitation {invitation_id} is gone"))
            })?;
            let need = find_need(db, invitation.need_id).await?;
            let pairing = store::pairing_name(db, invitation.pairing_id)
                .await?
                .ok_or_else(|| ComposeError::Unusable("the pairing is gone".into()))?;
            let organisation = organisation_store::find(db, invitation.organisation_id)
                .await?
                .map(|o| o.name)
                .ok_or_else(|| ComposeError::Unusable("the organisation is gone".into()))?;
            let people =
                crate::service::pairings::people_of(db, invitation.organisation_id).await?;
            let facts = Facts::NeedInvitation {
                remaining: Amount {
                    unit: need.unit,
                    quantity: (need.target_quantity - need.pledged_quantity).max(0),
                },
                need: need_facts(db, &need).await?,
                pairing,
                organisation,
                message: invitation.message,
            };
            (
                account_store::active_users(db, people).await?,
                facts,
                Vec::new(),
            )
        }
        Message::MailOfferRequested { request_id }
        | Message::MailOfferRequestAnswered { request_id } => {
            let request = offer_store::find_request(db, request_id)
                .await?
                .ok_or_else(|| ComposeError::Unusable(format!("request {request_id} is gone")))?;
            let offer = offer_store::find(db, request.offer_id)
                .await?
                .ok_or_else(|| ComposeError::Unusable("the offer is gone".into()))?;
            let need = find_need(db, request.need_id).await?;
            let recipients = if kind == K::OfferRequested {
                let people = match offer.offerer {
                    Offerer::Organisation(org) => {
                        crate::service::pairings::people_of(db, org).await?
                    }
                    Offerer::Person(user) => vec![user],
                };
                account_store::active_users(db, people).await?
            } else {
                account_store::active_users(db, [request.requested_by]).await?
            };
            let facts = Facts::OfferRequest {
                amount: Amount {
                    unit: need.unit,
                    quantity: request.quantity,
                },
                need: need_facts(db, &need).await?,
                offer_id: offer.id,
                offer_title: offer.title,
                offerer: offer.display_name,
                note: request.note,
                status: request.status,
                decline_reason: request.decline_reason,
                pledge_id: request.pledge_id,
            };
            (recipients, facts, Vec::new())
        }
        Message::MailOrderStep {
            order_id, event_id, ..
        } => order_letter(db, kind, order_id, event_id).await?,
        Message::SearchSyncNeed { .. }
        | Message::SearchSyncOffer { .. }
        | Message::SearchSyncProduct { .. }
        | Message::MailNeedAlert { .. }
        | Message::MailAlertDigest { .. }
        | Message::MailOfferPublished { .. }
        | Message::MailNeedTakenDown { .. }
        | Message::MailPasswordReset { .. }
        | Message::MailPasswordChanged { .. }
        | Message::MailEmailConfirmation { .. } => {
            return Err(ComposeError::Unusable("not a mail row".into()));
        }
    };
    let ids: Vec<i64> = recipients.iter().map(|u| u.id).collect();
    let opted_out = opted_out(db, &ids, kind).await?;
    Ok(recipients
        .into_iter()
        .map(|user| Letter {
            user_id: user.id,
            wanted: !opted_out.contains(&user.id),
            locale: Locale::of_stored(&user.locale),
            name: user.display_name,
            email: user.email,
            facts: facts.clone(),
            photos: photo_keys.clone(),
            unfollow: None,
        })
        .collect())
}

/// Who among `user_ids` turned `kind` of mail off: nobody, for the mail that is always sent.
async fn opted_out(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
    kind: NotificationKind,
) -> Result<std::collections::BTreeSet<i64>, DbErr> {
    if kind.always_sent() {
        return Ok(Default::default());
    }
    store::opted_out(db, user_ids, kind).await
}

/// A mailed link's row and its token, opened for the mail, while the link may still be used (a
/// link that died before its mail went out is not sent).
async fn link_for_mail(
    app: &Context,
    table: LinkTable,
    id: i64,
) -> Result<Option<(LinkRecord, LinkSecret)>, ComposeError> {
    let Some(link) = mail_links::find(&app.db, table, id).await? else {
        return Ok(None);
    };
    let (Ok(()), Some(sealed)) = (
        mail_link::check(&link.token, app.clock.now()),
        link.token_sealed.as_deref(),
    ) else {
        return Ok(None);
    };
    let token = app
        .sealer
        .open(&Place::mail_link(table.name(), &link.token_hash), sealed)
        .map_err(|e| ComposeError::Unusable(e.to_string()))?;
    Ok(Some((link, LinkSecret(token))))
}

/// The security mail about an account, to its owner (always wanted): the link of a password
/// reset or of an email confirmation, while it may still be used, or the notice that the
/// password was changed. A confirmation goes only to the address it confirms.
async fn account_letters(app: &Context, message: &Message) -> Result<Vec<Letter>, ComposeError> {
    let mut to_address = None;
    let (user_id, facts) = match *message {
        Message::MailPasswordReset { reset_id } => {
            let Some((reset, token)) =
                link_for_mail(app, LinkTable::PasswordResets, reset_id).await?
            else {
                return Ok(Vec::new());
            };
            (
                reset.user_id,
                Facts::PasswordReset {
                    token,
                    expires_at: reset.token.expires_at,
                    requested_from: reset.requested_from,
                },
            )
        }
        Message::MailEmailConfirmation { confirmation_id } => {
            let Some((confirmation, token)) =
                link_for_mail(app, LinkTable::EmailConfirmations, confirmation_id).await?
            else {
                return Ok(Vec::new());
            };
            to_address = confirmation.email;
            (
                confirmation.user_id,
                Facts::EmailConfirmation {
                    token,
                    expires_at: confirmation.token.expires_at,
                },
            )
        }
        Message::MailPasswordChanged { user_id, at } => (user_id, Facts::PasswordChanged { at }),
        _ => return Err(ComposeError::Unusable("not an account mail row".into())),
    };
    Ok(account_store::active_users(&app.db, [user_id])
        .await?
        .into_iter()
        .filter(|user| to_address.is_none() || user.email == to_address)
        .map(|user| Letter {
            user_id: user.id,
            wanted: true,
            locale: Locale::of_stored(&user.locale),
            name: user.display_name,
            email: user.email,
            facts: facts.clone(),
            photos: Vec::new(),
            unfollow: None,
        })
        .collect())
}

/// Who hears of a step on an order, and what they are told: the cooperative's people for a
/// new order, a cancellation or a receipt; the person who ordered for the seller's steps.
async fn order_letter(
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    order_id: i64,
    event_id: i64,
) -> Result<(Vec<User>, Facts, Vec<String>), ComposeError> {
    use crate::store::orders as order_store;
    use crate::store::products as product_store;
    let order = order_store::find(db, order_id)
        .await?
        .ok_or_else(|| ComposeError::Unusable(format!("order {order_id} is gone")))?;
    let event = order_store::find_event(db, event_id)
        .await?
        .filter(|e| e.order_id == order_id)
        .ok_or_else(|| ComposeError::Unusable(format!("order event {event_id} is gone")))?;
    let product = product_store::find(db, order.product_id)
        .await?
        .ok_or_else(|| ComposeError::Unusable("the product is gone".into()))?;
    let name_of = |org: Option<crate::store::organisations::OrganisationRecord>| {
        org.map(|o| o.name).unwrap_or_default()
    };
    let seller = name_of(organisation_store::find(db, order.seller_id).await?);
    let buyer = match order.buyer_org_id {
        Some(org) => name_of(organisation_store::find(db, org).await?),
        None => account_store::find(db, order.buyer_user_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
    };
    let recipients = if kind == NotificationKind::OrderForSeller {
        let people = crate::service::pairings::people_of(db, order.seller_id).await?;
        account_store::active_users(db, people)
            .await?
            .into_iter()
            .filter(|u| Some(u.id) != event.actor_user_id)
            .collect()
    } else {
        account_store::active_users(db, [order.buyer_user_id]).await?
    };
    let facts = Facts::OrderStep {
        order_id,
        step: event.kind,
        product: product.name,
        seller,
        buyer,
        quantity: order.quantity,
        unit: product.unit,
        value_fen: order.value_fen,
        note: event.note,
    };
    Ok((recipients, facts, Vec::new()))
}

/// Open needs an offer's mail names per village, at most.
const NEEDS_PER_OFFER_MAIL: usize = 5;

/// The letters of a newly published offer: to the cadres of each village with open needs it
/// could fill (as matching judges them now), each naming their villages' needs. An offer that
/// goes anywhere is not mailed to every village: cadres find it beside their needs.
async fn offer_letters(
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    offer_id: i64,
) -> Result<Vec<Letter>, ComposeError> {
    use crate::domain::matching::{Looking, assess};
    use crate::service::offers::{bonds_of, matching, reach};
    let Some(offer) = offer_store::find(db, offer_id).await? else {
        return Ok(Vec::new());
    };
    let bonds = bonds_of(db, offer.offerer).await?;
    let regions = reach(&offer, &bonds);
    if regions.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let side = matching::offer_side(&offer, &bonds);
    let open = crate::store::pairings::open_needs(db, &regions, 200).await?;
    // By cadre: the fitting needs of the villages they record needs for.
    let mut by_cadre: Vec<(User, Vec<AlertedNeed>)> = Vec::new();
    for need in open.shown {
        if assess(&matching::need_side(&need), &side, Looking::ForNeeds, now).is_none() {
            continue;
        }
        let facts = AlertedNeed {
            remaining: Amount {
                unit: need.unit,
                quantity: (need.target_quantity - need.pledged_quantity).max(0),
            },
            need: need_facts(db, &need).await?,
        };
        for cadre in village_staff(db, &need, Action::RequestOffer).await? {
            match by_cadre.iter_mut().find(|(u, _)| u.id == cadre.id) {
                Some((_, needs)) if needs.len() >= NEEDS_PER_OFFER_MAIL => {}
                Some((_, needs)) => needs.push(facts.clone()),
                None => by_cadre.push((cadre, vec![facts.clone()])),
            }
        }
    }
    let ids: Vec<i64> = by_cadre.iter().map(|(u, _)| u.id).collect();
    let opted_out = opted_out(db, &ids, kind).await?;
    Ok(by_cadre
        .into_iter()
        .map(|(user, needs)| Letter {
            user_id: user.id,
            wanted: !opted_out.contains(&user.id),
            locale: Locale::of_stored(&user.locale),
            name: user.display_name,
            email: user.email,
            facts: Facts::OfferForNeeds {
                offer_id: offer.id,
                offer_title: offer.title.clone(),
                offerer: offer.display_name.clone(),
                remaining: Amount {
                    unit: offer.unit,
                    quantity: offer.remaining,
                },
                needs,
            },
            photos: Vec::new(),
            unfollow: None,
        })
        .collect())
}

/// The letters of an instant alert (one per person alerted, each naming the follow it came
/// through) or of a follow's daily digest (one, to its person). Needs no longer public are left
/// out; a digest of none is no letter.
async fn alert_letters(
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    message: &Message,
) -> Result<Vec<Letter>, ComposeError> {
    let (alerts, only_follow) = match *message {
        Message::MailNeedAlert { need_id } => {
            (follow_store::instant_alerts(db, need_id).await?, None)
        }
        Message::MailAlertDigest { follow_id, day } => (
            follow_store::digest(db, follow_id, day).await?,
            Some(follow_id),
        ),
        _ => return Err(ComposeError::Unusable("not an alert row".into())),
    };
    let mut need_ids: Vec<i64> = alerts.iter().map(|a| a.need_id).collect();
    need_ids.sort_unstable();
    need_ids.dedup();
    let mut needs = Vec::new();
    for need in need_store::find_many(db, &need_ids).await? {
        if need.is_public() {
            needs.push(AlertedNeed {
                remaining: Amount {
                    unit: need.unit,
                    quantity: (need.target_quantity - need.pledged_quantity).max(0),
                },
                need: need_facts(db, &need).await?,
            });
        }
    }
    if needs.is_empty() {
        return Ok(Vec::new());
    }
    // By person: the needs they are alerted to, and the follow that brought them.
    let mut people: Vec<(i64, Option<i64>, Vec<AlertedNeed>)> = Vec::new();
    for alert in &alerts {
        let Some(found) = needs.iter().find(|n| n.need.id == alert.need_id) else {
            continue;
        };
        match people.iter_mut().find(|p| p.0 == alert.user_id) {
            Some(person) => person.2.push(found.clone()),
            None => people.push((
                alert.user_id,
                alert.follow_id.or(only_follow),
                vec![found.clone()],
            )),
        }
    }
    let users = account_store::active_users(db, people.iter().map(|p| p.0)).await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let opted_out = opted_out(db, &ids, kind).await?;
    let mut letters = Vec::new();
    for user in users {
        let Some((_, follow_id, alerted)) = people.iter().find(|p| p.0 == user.id) else {
            continue;
        };
        let follow = match follow_id {
            Some(id) => match follow_store::find(db, *id).await? {
                Some(f) => Some(crate::service::follows::label(db, &f.target).await?),
                // Left meanwhile: the digest is not sent; an instant alert says no follow.
                None if only_follow.is_some() => return Ok(Vec::new()),
                None => None,
            },
            None => None,
        };
        letters.push(Letter {
            user_id: user.id,
            wanted: !opted_out.contains(&user.id),
            locale: Locale::of_stored(&user.locale),
            name: user.display_name,
            email: user.email,
            facts: Facts::NeedAlert {
                needs: alerted.clone(),
                follow,
            },
            photos: Vec::new(),
            unfollow: *follow_id,
        });
    }
    Ok(letters)
}

/// The letters of a take-down: to the need's cadres, with its title and the verifier's reason
/// (what they must correct); to each donor with an open pledge (pledged or shipped), naming the
/// need only by its number and place and what they pledged. Neither the title nor the reason
/// goes to donors: either may hold the very private data the need was taken down for.
async fn taken_down_letters(
    db: &impl ConnectionTrait,
    kind: NotificationKind,
    need_id: i64,
) -> Result<Vec<Letter>, ComposeError> {
    let need = find_need(db, need_id).await?;
    let place = need_facts(db, &need).await?.place;
    let cadres = village_staff(db, &need, Action::RecordNeed).await?;
    // Each donor's open pledges: the first to link to, and what they add up to.
    let mut donors: Vec<(i64, i64, i64)> = Vec::new();
    for pledge in pledge_store::of_need(db, need_id).await? {
        if !matches!(pledge.status, PledgeStatus::Pledged | PledgeStatus::Shipped) {
            continue;
        }
        match donors.iter_mut().find(|d| d.0 == pledge.donor_user_id) {
            Some(donor) => donor.2 += pledge.quantity,
            None => donors.push((pledge.donor_user_id, pledge.id, pledge.quantity)),
        }
    }
    let mut recipients: Vec<(User, Facts)> = Vec::new();
    for user in cadres {
        let facts = Facts::NeedTakenDown {
            need_id,
            place: place.clone(),
            title: Some(need.title.clone()),
            reason: need.takedown_reason.clone(),
            pledge: None,
        };
        recipients.push((user, facts));
    }
    let donor_users = account_store::active_users(db, donors.iter().map(|d| d.0)).await?;
    for user in donor_users {
        // A cadre who pledged to their own village hears as its cadre.
        if recipients.iter().any(|(u, _)| u.id == user.id) {
            continue;
        }
        let Some(&(_, pledge_id, quantity)) = donors.iter().find(|d| d.0 == user.id) else {
            continue;
        };
        let facts = Facts::NeedTakenDown {
            need_id,
            place: place.clone(),
            title: None,
            reason: None,
            pledge: Some((
                pledge_id,
                Amount {
                    unit: need.unit,
                    quantity,
                },
            )),
        };
        recipients.push((user, facts));
    }
    let ids: Vec<i64> = recipients.iter().map(|(u, _)| u.id).collect();
    let opted_out = store::opted_out(db, &ids, kind).await?;
    Ok(recipients
        .into_iter()
        .map(|(user, facts)| Letter {
            user_id: user.id,
            wanted: !opted_out.contains(&user.id),
            locale: Locale::of_stored(&user.locale),
            name: user.display_name,
            email: user.email,
            facts,
            photos: Vec::new(),
            unfollow: None,
        })
        .collect())
}

async fn find_need(db: &impl ConnectionTrait, id: i64) -> Result<NeedRecord, ComposeError> {
    need_store::find(db, id)
        .await?
        .ok_or_else(|| ComposeError::Unusable(format!("need {id} is gone")))
}

/// The need as the public sees it: its title and place from the public projection.
async fn need_facts(
    db: &impl ConnectionTrait,
    need: &NeedRecord,
) -> Result<NeedFacts, ComposeError> {
    let context = PublicContext::load(db, std::slice::from_ref(need)).await?;
    let public = public_need(need, &context);
    Ok(NeedFacts {
        id: public.id,
        title: public.title,
        place: crate::domain::region::place_name(&public.region_names),
        status: public.status,
        notice_ends_at: public.notice_ends_at,
    })
}

fn pledge_facts(pledge: &PledgeRecord, need: &NeedRecord) -> PledgeFacts {
    PledgeFacts {
        id: pledge.id,
        donor_name: pledge
            .display_name
            .clone()
            .unwrap_or_else(|| crate::service::pledges::ANONYMOUS.to_owned()),
        amount: Amount {
            unit: need.unit,
            quantity: pledge.quantity,
        },
        message: pledge.message.clone(),
        due_at: pledge.due_at,
        carrier: pledge.shipment_carrier.clone(),
        reference: pledge.shipment_reference.clone(),
        received: pledge.received_quantity,
        thanks_note: pledge.thanks_note.clone(),
    }
}

/// The need's village.
/// Active users holding `role` somewhere at or above the need's village.
async fn region_role_holders(
    db: &impl ConnectionTrait,
    need: &NeedRecord,
    role: Role,
) -> Result<Vec<User>, ComposeError> {
    let ids = store::role_holders(db, role, &need.village.lineage()).await?;
    Ok(account_store::active_users(db, ids).await?)
}

/// The users who may take `action` in the need's village.
async fn village_staff(
    db: &impl ConnectionTrait,
    need: &NeedRecord,
    action: Action,
) -> Result<Vec<User>, ComposeError> {
    let village = &need.village;
    let mut staff = Vec::new();
    for user in region_role_holders(db, need, Role::Cadre).await? {
        let actor: Actor = account_store::load_actor(db, user.id).await?;
        if authorize(&actor, action, Target::Region(village)).is_ok() {
            staff.push(user);
        }
    }
    Ok(staff)
}

/// One kind of notification and whether its mail is on.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preference {
    #[schema(value_type = String, example = "pledge_received")]
    pub kind: NotificationKind,
    /// The kind's name in the account's language.
    pub label: String,
    pub email: bool,
}

/// An account's notification settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preferences {
    /// The language of the account's mail: `zh-CN` or `en`.
    pub locale: String,
    pub notifications: Vec<Preference>,
}

/// Changes to an account's notification settings: `{"email": {"pledge_received": false}}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesChange {
    /// Mail on (`true`) or off per notification kind; kinds left out keep their setting.
    #[serde(default)]
    #[schema(value_type = EmailSwitches, inline)]
    pub email: HashMap<String, bool>,
}

/// How the document gives `PreferencesChange.email`: a switch for each kind of mail that may be
/// turned off, and no other name (the always-sent security mail has none), so that the kinds
/// are the document's to state, not only the server's to check.
struct EmailSwitches;

impl utoipa::PartialSchema for EmailSwitches {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Mail on (`true`) or off per notification kind; kinds left out keep their setting.",
            ))
            .additional_properties(Some(
                AdditionalProperties::<utoipa::openapi::schema::Schema>::FreeForm(false),
            ));
        for kind in NotificationKind::optional() {
            object = object.property(
                kind.as_str(),
                ObjectBuilder::new().schema_type(Type::Boolean),
            );
        }
        object.into()
    }
}

impl utoipa::ToSchema for EmailSwitches {}

/// The account's settings: every kind, on unless turned off.
pub async fn preferences(db: &impl ConnectionTrait, user: &User) -> Result<Preferences, DbErr> {
    let off = store::turned_off(db, user.id).await?;
    let locale = Locale::of_stored(&user.locale);
    Ok(Preferences {
        locale: locale.as_str().to_owned(),
        // The mail that is always sent is no one's to turn off, so it is not listed.
        notifications: NotificationKind::optional()
            .map(|kind| Preference {
                kind,
                label: kind.label(locale).to_owned(),
                email: !off.contains(&kind),
            })
            .collect(),
    })
}

/// Applies `change` to the account's settings (all or nothing: an unknown kind changes
/// nothing).
pub async fn update_preferences(
    app: &Context,
    user: &User,
    change: PreferencesChange,
    origin: &Origin,
) -> Result<Preferences, ApiError> {
    let mut fields = FieldErrors::new();
    let mut settings = Vec::new();
    for (name, email) in &change.email {
        match NotificationKind::parse(name).filter(|k| !k.always_sent()) {
            Some(kind) => settings.push((kind, *email)),
            None => {
                let optional: Vec<&str> =
                    NotificationKind::optional().map(|k| k.as_str()).collect();
                fields.add(
                    format!("email.{name}"),
                    FieldError::one_of(optional.iter().copied()).because(format!(
                        "is not a notification kind that can be turned off ({})",
                        optional.join(", ")
                    )),
                );
            }
        }
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let txn = crate::store::begin_write(&app.db).await?;
    for (kind, email) in &settings {
        store::set_preference(&txn, user.id, *kind, *email, Utc::now()).await?;
    }
    if !settings.is_empty() {
        let detail: serde_json::Map<String, serde_json::Value> = settings
            .iter()
            .map(|(k, on)| (k.as_str().to_owned(), (*on).into()))
            .collect();
        audit::record(
            &txn,
            origin,
            "notification.preferences",
            "user",
            user.id,
            None,
            Some(serde_json::Value::Object(detail)),
        )
        .await?;
    }
    let answer = preferences(&txn, user).await?;
    txn.commit().await?;
    Ok(answer)
}

/// The token of an unsubscribe link: `<user>.<kind>.<signature>`. It does one thing, turn off
/// that kind of mail for that account, and only this deployment can make one.
pub fn unsubscribe_token(app: &Context, user_id: i64, kind: NotificationKind) -> String {
    let claim = format!("{user_id}.{}", kind.as_str());
    let signature = app.sealer.sign_link(&format!("unsubscribe/{claim}"));
    format!("{claim}.{signature}")
}

/// What an unsubscribe token names, if it is genuine.
pub fn read_unsubscribe_token(app: &Context, token: &str) -> Option<(i64, NotificationKind)> {
    let mut parts = token.trim().splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    // The mail that is always sent has no unsubscribe link, and none is honoured.
    let kind = NotificationKind::parse(parts.next()?).filter(|k| !k.always_sent())?;
    let signature = parts.next()?;
    let claim = format!("{user_id}.{}", kind.as_str());
    app.sealer
        .verify_link(&format!("unsubscribe/{claim}"), signature)
        .then_some((user_id, kind))
}

/// Turns off the kind of mail a genuine token names. Returns the account's language and the
/// kind, for the page that says so; `None` for a token that is not genuine (nothing changes).
pub async fn unsubscribe(
    app: &Context,
    token: &str,
    origin: &Origin,
) -> Result<Option<(Locale, NotificationKind)>, ApiError> {
    let Some((user_id, kind)) = read_unsubscribe_token(app, token) else {
        return Ok(None);
    };
    let Some(user) = account_store::find(&app.db, user_id).await? else {
        return Ok(None);
    };
    let txn = crate::store::begin_write(&app.db).await?;
    store::set_preference(&txn, user.id, kind, false, Utc::now()).await?;
    audit::record(
        &txn,
        &origin.with_user(user.id),
        "notification.unsubscribe",
        "user",
        user.id,
        None,
        Some(serde_json::json!({ "kind": kind.as_str() })),
    )
    .await?;
    txn.commit().await?;
    Ok(Some((Locale::of_stored(&user.locale), kind)))
}

/// Sets the language of the account (its mail and, in time, its pages).
pub async fn set_locale(app: &Context, user: &User, locale: &str) -> Result<User, ApiError> {
    let locale = Locale::parse(locale).ok_or_else(|| {
        ApiError::field(
            "locale",
            FieldError::one_of(Locale::ALL.map(Locale::as_str)).because("must be zh-CN or en"),
        )
    })?;
    Ok(account_store::set_locale(&app.db, user.id, locale.as_str(), Utc::now()).await?)
}
