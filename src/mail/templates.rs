//! The text of every notification, in Chinese and English, as pure functions of the facts a
//! mail states: no database, no I/O. Each kind says its facts in a [`Content`] (a subject, an
//! opening line, some labelled details, perhaps a quoted text, and the one thing to do next);
//! the plain-text and HTML bodies are both drawn from that one content, so they cannot say
//! different things.
//!
//! The facts are only what the recipient may see: a need's title and place (its public
//! projection), a pledge's public name, quantity and dates. No household field reaches here.

use chrono::{DateTime, Utc};

use crate::domain::locale::Locale;
use crate::domain::need::{NeedStatus, Unit};
use crate::domain::notification::NotificationKind;
use crate::domain::offer::RequestStatus;
use crate::domain::order::OrderEventKind;
use crate::domain::product::SaleUnit;

/// A quantity in a need's unit (fen for money).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub unit: Unit,
    pub quantity: i64,
}

/// The need a mail is about, as the public sees it.
#[derive(Debug, Clone)]
pub struct NeedFacts {
    pub id: i64,
    pub title: String,
    /// The village and the regions above it, e.g. `广东省梅州市平远县大柘镇墩背村`.
    pub place: String,
    pub status: NeedStatus,
    pub notice_ends_at: Option<DateTime<Utc>>,
}

/// A newly published need in an alert.
#[derive(Debug, Clone)]
pub struct AlertedNeed {
    pub need: NeedFacts,
    pub remaining: Amount,
}

/// A pledge a mail is about.
#[derive(Debug, Clone)]
pub struct PledgeFacts {
    pub id: i64,
    /// The name the donor shows (爱心人士 when anonymous).
    pub donor_name: String,
    pub amount: Amount,
    pub message: Option<String>,
    pub due_at: DateTime<Utc>,
    pub carrier: Option<String>,
    pub reference: Option<String>,
    pub received: Option<i64>,
    pub thanks_note: Option<String>,
}

/// What one mail says.
#[derive(Debug, Clone)]
pub enum Facts {
    Pledge {
        need: NeedFacts,
        pledge: PledgeFacts,
    },
    NeedVerified {
        need: NeedFacts,
    },
    NeedRejected {
        need: NeedFacts,
        reason: String,
    },
    ObjectionFiled {
        need: NeedFacts,
        reason: String,
    },
    /// A verifier took a need out of public view. Its cadres read its title and the reason;
    /// a donor reads neither (either may hold the private data it was taken down for), only
    /// its number, its place and their open pledge (the first's id, and what theirs add up to).
    NeedTakenDown {
        need_id: i64,
        place: String,
        title: Option<String>,
        reason: Option<String>,
        pledge: Option<(i64, Amount)>,
    },
    OrganisationVerified {
        id: i64,
        name: String,
    },
    /// A pairing's coordinator invites an organisation to a need.
    NeedInvitation {
        need: NeedFacts,
        pairing: String,
        organisation: String,
        remaining: Amount,
        message: Option<String>,
    },
    /// Needs published where the recipient follows (or that an offer of theirs could fill): one
    /// for an instant alert, several for a digest.
    NeedAlert {
        needs: Vec<AlertedNeed>,
        /// What the follow names (`广东省梅州市`, `教育助学`); none for an offer's match.
        follow: Option<String>,
    },
    /// A newly published offer that could fill some of the recipient's villages' open needs.
    OfferForNeeds {
        offer_id: i64,
        offer_title: String,
        offerer: String,
        /// What is left of it, in its unit.
        remaining: Amount,
        needs: Vec<AlertedNeed>,
    },
    /// A village's request for an offer: made (to the offerer), or answered (to the cadre).
    OfferRequest {
        need: NeedFacts,
        offer_id: i64,
        offer_title: String,
        offerer: String,
        amount: Amount,
        note: Option<String>,
        status: RequestStatus,
        decline_reason: Option<String>,
        pledge_id: Option<i64>,
    },
    /// A step on a purchase order, told to its other side. No delivery data: the order's page
    /// has it, for its two sides.
    OrderStep {
        order_id: i64,
        step: OrderEventKind,
        product: String,
        seller: String,
        buyer: String,
        /// In the product's unit.
        quantity: i64,
        unit: SaleUnit,
        value_fen: i64,
        /// The decline's reason, the carrier and reference, what arrived, the payment's reference.
        note: Option<String>,
    },
    /// The link to reset the account's password (always sent).
    PasswordReset {
        token: LinkSecret,
        expires_at: DateTime<Utc>,
        /// The address the reset was asked from.
        requested_from: Option<String>,
    },
    /// The account's password was reset (always sent).
    PasswordChanged {
        at: DateTime<Utc>,
    },
    /// The link that confirms the account's email address (always sent).
    EmailConfirmation {
        token: LinkSecret,
        expires_at: DateTime<Utc>,
    },
}

/// A mailed link's token (a password reset's, an email confirmation's), on its way into the
/// mail's link: printed as `LinkSecret(..)`, so
/// that a stray `{:?}` of a letter cannot put it in a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkSecret(pub String);

impl std::fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSecret(..)")
    }
}

/// Where the links of a mail point: the front end's pages under the platform's public address.
#[derive(Debug, Clone)]
pub struct Links {
    /// e.g. `https://duijie.example.cn`, without a trailing slash.
    pub base: String,
}

impl Links {
    pub fn need(&self, id: i64) -> String {
        format!("{}/needs/{id}", self.base)
    }
    pub fn pledge(&self, id: i64) -> String {
        format!("{}/pledges/{id}", self.base)
    }
    pub fn objections(&self, need_id: i64) -> String {
        format!("{}/needs/{need_id}/objections", self.base)
    }
    pub fn hall(&self) -> String {
        format!("{}/needs", self.base)
    }
    pub fn offer(&self, id: i64) -> String {
        format!("{}/offers/{id}", self.base)
    }
    pub fn order(&self, id: i64) -> String {
        format!("{}/orders/{id}", self.base)
    }
    pub fn organisation(&self, id: i64) -> String {
        format!("{}/organisations/{id}", self.base)
    }
    pub fn preferences(&self) -> String {
        format!("{}/me/notifications", self.base)
    }
    /// The page that sets a new password with a reset token.
    pub fn reset_password(&self, token: &LinkSecret) -> String {
        format!("{}/reset-password?token={}", self.base, token.0)
    }
    /// The page that confirms an email address with a confirmation token.
    pub fn confirm_email(&self, token: &LinkSecret) -> String {
        format!("{}/confirm-email?token={}", self.base, token.0)
    }
    /// The page that asks for a password reset.
    pub fn forgot_password(&self) -> String {
        format!("{}/forgot-password", self.base)
    }
    /// The one-click unsubscribe address (RFC 8058) for a signed token.
    pub fn unsubscribe(&self, token: &str) -> String {
        format!("{}/unsubscribe?token={token}", self.base)
    }
}

/// A mail's content, before it is laid out as text or HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    pub greeting: String,
    pub intro: String,
    pub details: Vec<(String, String)>,
    /// A text someone wrote (a donor's message, a thanks note, a reason), with its label.
    pub quote: Option<(String, String)>,
    /// The next step: a button's label and where it goes.
    pub action: (String, String),
}

/// The mail of `kind` to `recipient` stating `facts`.
pub fn content(
    kind: NotificationKind,
    facts: &Facts,
    recipient: &str,
    locale: Locale,
    links: &Links,
) -> Content {
    let zh = locale == Locale::ZhCn;
    let t = |zh_text: String, en_text: String| if zh { zh_text } else { en_text };
    let greeting = t(format!("{recipient}，您好："), format!("Dear {recipient},"));
    let mut details = Vec::new();
    let mut quote = None;
    let (subject, intro, action) = match facts {
        Facts::Pledge { need, pledge } => {
            let amount = amount(pledge.amount, locale);
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            let donor_label = t("认捐方".into(), "Donor".into());
            let quantity_label = t("认捐数量".into(), "Pledged".into());
            let open_pledge = (
                t("查看认捐".into(), "View the pledge".into()),
                links.pledge(pledge.id),
            );
            match kind {
                NotificationKind::PledgeReceived => {
                    details.push((donor_label, pledge.donor_name.clone()));
                    details.push((quantity_label, amount.clone()));
                    details.push((
                        t("发货期限".into(), "Ship by".into()),
                        time(pledge.due_at, locale),
                    ));
                    quote = labelled(t("留言".into(), "Message".into()), &pledge.message);
                    (
                        t(
                            format!("【对接】{}认捐了「{}」{}", pledge.donor_name, need.title, amount),
                            format!("[Duijie] {} pledged {} to “{}”", pledge.donor_name, amount, need.title),
                        ),
                        t(
                            "您村的需求收到了一笔新的认捐。物资或款项到达后，请上传照片并确认收到。".into(),
                            "A new pledge was made toward your village's need. When it arrives, upload a photo and confirm the receipt.".into(),
                        ),
                        open_pledge,
                    )
                }
                NotificationKind::PledgeConfirmation => {
                    details.push((quantity_label, amount.clone()));
                    details.push((
                        t("发货期限".into(), "Ship by".into()),
                        time(pledge.due_at, locale),
                    ));
                    (
                        t(
                            format!("【对接】认捐确认：「{}」{}", need.title, amount),
                            format!("[Duijie] Pledge confirmed: {} to “{}”", amount, need.title),
                        ),
                        t(
                            format!(
                                "感谢您的爱心！您的认捐已记录。请在 {} 前发货或转账，并在平台上标记已发货；逾期未发货，认捐将自动失效，数量退回该需求。",
                                time(pledge.due_at, locale)
                            ),
                            format!(
                                "Thank you! Your pledge is recorded. Please ship or transfer it before {} and mark it shipped on the platform; unshipped by then, it expires and its quantity returns to the need.",
                                time(pledge.due_at, locale)
                            ),
                        ),
                        open_pledge,
                    )
                }
                NotificationKind::PledgeShipped => {
                    details.push((donor_label, pledge.donor_name.clone()));
                    details.push((quantity_label, amount.clone()));
                    if let Some(carrier) = &pledge.carrier {
                        details.push((t("承运方".into(), "Carrier".into()), carrier.clone()));
                    }
                    if let Some(reference) = &pledge.reference {
                        details.push((
                            t(
                                "运单号 / 转账凭证".into(),
                                "Tracking / transfer reference".into(),
                            ),
                            reference.clone(),
                        ));
                    }
                    (
                        t(
                            format!("【对接】「{}」的认捐已发货", need.title),
                            format!("[Duijie] A pledge to “{}” was shipped", need.title),
                        ),
                        t(
                            format!(
                                "{}已发出认捐的{}。收到后，请上传照片并确认收到的数量。",
                                pledge.donor_name, amount
                            ),
                            format!(
                                "{} has sent the {} pledged. When it arrives, upload a photo and confirm what you received.",
                                pledge.donor_name, amount
                            ),
                        ),
                        open_pledge,
                    )
                }
                NotificationKind::ReceiptConfirmed => {
                    let received = pledge.received.unwrap_or(pledge.amount.quantity);
                    let received_amount = self::amount(
                        Amount {
                            unit: pledge.amount.unit,
                            quantity: received,
                        },
                        locale,
                    );
                    details.push((quantity_label, amount.clone()));
                    details.push((
                        t("实收数量".into(), "Received".into()),
                        received_amount.clone(),
                    ));
                    (
                        t(
                            format!("【对接】「{}」已确认收到您的认捐", need.title),
                            format!("[Duijie] Your pledge to “{}” was received", need.title),
                        ),
                        t(
                            format!(
                                "受助方已确认收到{received_amount}。谢谢您，帮扶已经落到实处。"
                            ),
                            format!(
                                "The village confirmed it received {received_amount}. Thank you: your help has arrived where it was needed."
                            ),
                        ),
                        open_pledge,
                    )
                }
                NotificationKind::PledgeThanked => {
                    quote = labelled(
                        t("感谢信".into(), "Thanks note".into()),
                        &pledge.thanks_note,
                    );
                    (
                        t(
                            format!("【对接】「{}」的受助方向您致谢", need.title),
                            format!("[Duijie] Thanks for your pledge to “{}”", need.title),
                        ),
                        t(
                            format!(
                                "受助方为您对「{}」的认捐写来了感谢信，并附上了收货照片。",
                                need.title
                            ),
                            format!(
                                "The village wrote to thank you for your pledge to “{}”, with photos of what arrived.",
                                need.title
                            ),
                        ),
                        open_pledge,
                    )
                }
                NotificationKind::PledgeExpiring => {
                    details.push((quantity_label, amount.clone()));
                    details.push((
                        t("发货期限".into(), "Ship by".into()),
                        time(pledge.due_at, locale),
                    ));
                    (
                        t(
                            format!("【对接】提醒：您对「{}」的认捐即将到期", need.title),
                            format!(
                                "[Duijie] Reminder: your pledge to “{}” is due soon",
                                need.title
                            ),
                        ),
                        t(
                            format!(
                                "您的认捐尚未标记发货，将于 {} 到期。发货或转账后请在平台上标记；如无法履行，也可以取消认捐，让其他爱心人士接力。",
                                time(pledge.due_at, locale)
                            ),
                            format!(
                                "Your pledge is not marked shipped yet and is due on {}. Mark it shipped once sent; if you cannot fulfil it, cancel it so that others can step in.",
                                time(pledge.due_at, locale)
                            ),
                        ),
                        open_pledge,
                    )
                }
                // Expired, and any pledge kind not matched above.
                _ => {
                    details.push((quantity_label, amount.clone()));
                    (
                        t(
                            format!("【对接】您对「{}」的认捐已过期", need.title),
                            format!("[Duijie] Your pledge to “{}” expired", need.title),
                        ),
                        t(
                            format!(
                                "您的认捐在到期前未标记发货，已自动失效，{amount}已退回该需求。如仍愿意帮助，欢迎重新认捐。"
                            ),
                            format!(
                                "Your pledge was not marked shipped by its due date and has expired; {amount} returned to the need. You are welcome to pledge again."
                            ),
                        ),
                        (
                            t("查看需求".into(), "View the need".into()),
                            links.need(need.id),
                        ),
                    )
                }
            }
        }
        Facts::NeedVerified { need } => {
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            let next = match (need.status, need.notice_ends_at) {
                (NeedStatus::InNotice, Some(ends)) => t(
                    format!(
                        "需求已进入公示期，公示至 {}；期满无异议即发布。",
                        time(ends, locale)
                    ),
                    format!(
                        "It is now in its public notice period until {}; it is published then unless an objection is raised.",
                        time(ends, locale)
                    ),
                ),
                _ => t(
                    "需求已发布，社会各界现在可以认捐。".into(),
                    "It is published: donors can now pledge.".into(),
                ),
            };
            (
                t(
                    format!("【对接】需求「{}」已通过审核", need.title),
                    format!("[Duijie] Need “{}” verified", need.title),
                ),
                t(
                    format!("您村的需求已通过审核。{next}"),
                    format!("Your village's need was verified. {next}"),
                ),
                (
                    t("查看需求".into(), "View the need".into()),
                    links.need(need.id),
                ),
            )
        }
        Facts::NeedRejected { need, reason } => {
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            quote = Some((t("原因".into(), "Reason".into()), reason.clone()));
            (
                t(
                    format!("【对接】需求「{}」未通过审核", need.title),
                    format!("[Duijie] Need “{}” rejected", need.title),
                ),
                t(
                    "您村的需求未通过审核。请根据原因修改后重新录入。".into(),
                    "Your village's need was rejected. Please address the reason and record it again.".into(),
                ),
                (t("查看需求".into(), "View the need".into()), links.need(need.id)),
            )
        }
        Facts::NeedTakenDown {
            need_id,
            place,
            title,
            reason,
            pledge,
        } => {
            let number = format!("#{need_id}");
            details.push((t("需求编号".into(), "Need number".into()), number.clone()));
            details.push((t("地点".into(), "Place".into()), place.clone()));
            match (title, pledge) {
                (_, Some((pledge_id, pledged))) => {
                    details.push((
                        t("您的认捐".into(), "Your pledge".into()),
                        amount(*pledged, locale),
                    ));
                    (
                        t(
                            format!("【对接】您认捐的需求 {number} 已撤下核查"),
                            format!("[Duijie] The need {number} you pledged to is withdrawn from view"),
                        ),
                        t(
                            "审核人员已将该需求暂时撤下，正在核查。您的认捐仍然保留：尚未发出的，请暂缓发货，待需求核查后恢复；您也可以取消认捐。已发出的物资到达后，村里仍会确认收到。".into(),
                            "A verifier has withdrawn this need from public view while it is checked. Your pledge stands: if it is not sent yet, please hold it until the need is back; you may also cancel it. Help already sent is still confirmed by the village when it arrives.".into(),
                        ),
                        (
                            t("查看认捐".into(), "View the pledge".into()),
                            links.pledge(*pledge_id),
                        ),
                    )
                }
                (title, None) => {
                    let title = title.clone().unwrap_or_default();
                    details.insert(0, (t("需求".into(), "Need".into()), title.clone()));
                    quote = labelled(t("原因".into(), "Reason".into()), reason);
                    (
                        t(
                            format!("【对接】需求「{title}」已撤下核查"),
                            format!("[Duijie] Need “{title}” withdrawn from view"),
                        ),
                        t(
                            "审核人员已将您村的这条需求撤下公开展示，原因见下。请据此修改后重新提交审核；也可能由审核人员直接结束该需求。".into(),
                            "A verifier has withdrawn your village's need from public view, for the reason below. Please correct it and submit it again for verification; a verifier may also close it.".into(),
                        ),
                        (
                            t("修改需求".into(), "Correct the need".into()),
                            links.need(*need_id),
                        ),
                    )
                }
            }
        }
        Facts::ObjectionFiled { need, reason } => {
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            quote = Some((t("异议内容".into(), "Objection".into()), reason.clone()));
            (
                t(
                    format!("【对接】公示中的需求「{}」收到异议", need.title),
                    format!("[Duijie] Objection to “{}” in notice", need.title),
                ),
                t(
                    "该需求已暂停公示，等待核查。请核实后维持异议（需求不予通过）或驳回异议（恢复公示）。".into(),
                    "The need's notice is suspended until the objection is examined. Please look into it and uphold it (the need is rejected) or dismiss it (the notice resumes).".into(),
                ),
                (t("处理异议".into(), "Handle the objection".into()), links.objections(need.id)),
            )
        }
        Facts::NeedInvitation {
            need,
            pairing,
            organisation,
            remaining,
            message,
        } => {
            let remaining = amount(*remaining, locale);
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            details.push((t("尚缺".into(), "Still needed".into()), remaining.clone()));
            details.push((t("结对".into(), "Pairing".into()), pairing.clone()));
            quote = labelled(
                t("协调人留言".into(), "From the coordinator".into()),
                message,
            );
            (
                t(
                    format!("【对接】邀请{organisation}认捐「{}」", need.title),
                    format!(
                        "[Duijie] {organisation} is invited to help with “{}”",
                        need.title
                    ),
                ),
                t(
                    format!(
                        "{pairing}的协调人邀请{organisation}帮助这项需求，目前尚缺{remaining}。"
                    ),
                    format!(
                        "The coordinator of {pairing} invites {organisation} to help with this need; {remaining} is still needed."
                    ),
                ),
                (
                    t("查看并认捐".into(), "View and pledge".into()),
                    links.need(need.id),
                ),
            )
        }
        Facts::OfferForNeeds {
            offer_id,
            offer_title,
            offerer,
            remaining,
            needs,
        } => {
            details.push((t("帮扶资源".into(), "Offer".into()), offer_title.clone()));
            details.push((t("提供方".into(), "Offered by".into()), offerer.clone()));
            details.push((
                t("可提供".into(), "Available".into()),
                amount(*remaining, locale),
            ));
            for alerted in needs {
                details.push((
                    alerted.need.title.clone(),
                    format!(
                        "{} · {}",
                        alerted.need.place,
                        t(
                            format!("尚缺{}", amount(alerted.remaining, locale)),
                            format!("{} still needed", amount(alerted.remaining, locale)),
                        )
                    ),
                ));
            }
            (
                t(
                    format!("【对接】「{offer_title}」可以对接您村里的需求"),
                    format!("[Duijie] “{offer_title}” could fill your village's needs"),
                ),
                t(
                    format!(
                        "{offerer}刚刚发布了帮扶资源，可以对接您村里下面这些需求。在需求页面的「可对接的帮扶资源」里可以一键申请。"
                    ),
                    format!(
                        "{offerer} just published an offer that could fill the needs below. Ask for it in one click on the need's page, under “Offers that could fill it”."
                    ),
                ),
                (
                    t("查看帮扶资源".into(), "View the offer".into()),
                    links.offer(*offer_id),
                ),
            )
        }
        Facts::NeedAlert { needs, follow } => {
            for alerted in needs {
                details.push((
                    alerted.need.title.clone(),
                    format!(
                        "{} · {}",
                        alerted.need.place,
                        t(
                            format!("尚缺{}", amount(alerted.remaining, locale)),
                            format!("{} still needed", amount(alerted.remaining, locale)),
                        )
                    ),
                ));
            }
            let why = match follow {
                Some(named) => t(
                    format!("您关注的「{named}」"),
                    format!("“{named}”, which you follow,"),
                ),
                None => t(
                    "您的帮扶资源可以对接的范围内".into(),
                    "where an offer of yours could help".into(),
                ),
            };
            let first = needs.first();
            let (subject, intro) = match (kind, first) {
                (NotificationKind::NeedAlert, Some(one)) => (
                    t(
                        format!("【对接】新需求：「{}」", one.need.title),
                        format!("[Duijie] New need: “{}”", one.need.title),
                    ),
                    t(
                        format!("{why}有一项需求刚刚发布，欢迎查看并认捐。"),
                        format!(
                            "A need was just published in {why}; have a look, and pledge if you can."
                        ),
                    ),
                ),
                _ => (
                    t(
                        format!("【对接】关注动态：{} 项新需求", needs.len()),
                        format!("[Duijie] {} new needs where you follow", needs.len()),
                    ),
                    t(
                        format!("昨天以来，{why}共发布了 {} 项新需求。", needs.len()),
                        format!(
                            "Since yesterday, {} needs were published in {why}.",
                            needs.len()
                        ),
                    ),
                ),
            };
            let action = match first {
                Some(one) if needs.len() == 1 => (
                    t("查看需求".into(), "View the need".into()),
                    links.need(one.need.id),
                ),
                _ => (
                    t("查看需求大厅".into(), "Browse the needs".into()),
                    links.hall(),
                ),
            };
            (subject, intro, action)
        }
        Facts::OfferRequest {
            need,
            offer_id,
            offer_title,
            offerer,
            amount: asked,
            note,
            status,
            decline_reason,
            pledge_id,
        } => {
            let asked = amount(*asked, locale);
            details.push((t("帮扶资源".into(), "Offer".into()), offer_title.clone()));
            details.push((t("需求".into(), "Need".into()), need.title.clone()));
            details.push((t("地点".into(), "Place".into()), need.place.clone()));
            details.push((t("申请数量".into(), "Asked for".into()), asked.clone()));
            match (kind, status, pledge_id) {
                (NotificationKind::OfferRequested, _, _) => {
                    quote = labelled(t("村里留言".into(), "From the village".into()), note);
                    (
                        t(
                            format!("【对接】村里申请对接您的「{offer_title}」"),
                            format!("[Duijie] A village asks for your offer “{offer_title}”"),
                        ),
                        t(
                            format!(
                                "{}为需求「{}」申请{asked}。请在有效期内接受（即转为认捐）或婉拒并说明原因。",
                                need.place, need.title
                            ),
                            format!(
                                "{} asks for {asked} for its need “{}”. Please accept (it becomes a pledge) or decline with a reason before the request expires.",
                                need.place, need.title
                            ),
                        ),
                        (
                            t("答复申请".into(), "Answer the request".into()),
                            links.offer(*offer_id),
                        ),
                    )
                }
                (_, RequestStatus::Accepted, Some(pledge_id)) => (
                    t(
                        format!("【对接】{offerer}接受了对接申请：「{}」", need.title),
                        format!(
                            "[Duijie] {offerer} accepted your request for “{}”",
                            need.title
                        ),
                    ),
                    t(
                        format!("{offerer}接受了申请，已为该需求认捐{asked}。到货后请确认收货。"),
                        format!(
                            "{offerer} accepted: {asked} is now pledged to the need. Confirm the receipt when it arrives."
                        ),
                    ),
                    (
                        t("查看认捐".into(), "View the pledge".into()),
                        links.pledge(*pledge_id),
                    ),
                ),
                _ => {
                    quote = labelled(t("婉拒原因".into(), "Their reason".into()), decline_reason);
                    (
                        t(
                            format!("【对接】对接申请未被接受：「{offer_title}」"),
                            format!("[Duijie] Your request for “{offer_title}” was declined"),
                        ),
                        t(
                            format!(
                                "{offerer}婉拒了为需求「{}」申请的{asked}。可以看看其他可对接的帮扶资源。",
                                need.title
                            ),
                            format!(
                                "{offerer} declined the {asked} asked for “{}”. Other offers may fit the need.",
                                need.title
                            ),
                        ),
                        (
                            t("查看需求".into(), "View the need".into()),
                            links.need(need.id),
                        ),
                    )
                }
            }
        }
        Facts::OrderStep {
            order_id,
            step,
            product,
            seller,
            buyer,
            quantity,
            unit,
            value_fen,
            note,
        } => {
            let quantity = match locale {
                Locale::ZhCn => format!("{} {}", group(*quantity), unit.label_zh()),
                Locale::En => format!("{} {}", group(*quantity), unit.label_en()),
            };
            let value = amount(
                Amount {
                    unit: Unit::Money,
                    quantity: *value_fen,
                },
                locale,
            );
            details.push((t("订单号".into(), "Order".into()), format!("#{order_id}")));
            details.push((t("产品".into(), "Product".into()), product.clone()));
            details.push((t("数量".into(), "Quantity".into()), quantity.clone()));
            details.push((t("金额".into(), "Value".into()), value));
            details.push((t("卖方".into(), "Seller".into()), seller.clone()));
            details.push((t("买方".into(), "Buyer".into()), buyer.clone()));
            let (zh_subject, en_subject, zh_intro, en_intro, quoted) = match step {
                OrderEventKind::Placed => (
                    format!("【对接】新订单：{buyer}订购「{product}」{quantity}"),
                    format!("[Duijie] New order: {buyer} orders {quantity} of “{product}”"),
                    "请在 3 天内确认订单（或婉拒并说明原因），收货信息见订单页。逾期未确认的订单会自动过期，库存退回。".to_owned(),
                    "Please confirm the order within 3 days (or decline it with a reason); the delivery details are on the order's page. An order not confirmed in time expires and its stock returns.".to_owned(),
                    None,
                ),
                OrderEventKind::Confirmed => (
                    format!("【对接】{seller}已确认您的订单「{product}」"),
                    format!("[Duijie] {seller} confirmed your order for “{product}”"),
                    "卖方已确认订单，发货后会再通知您。".to_owned(),
                    "The seller confirmed the order and will tell you when it ships.".to_owned(),
                    None,
                ),
                OrderEventKind::Declined => (
                    format!("【对接】订单未被接受：「{product}」"),
                    format!("[Duijie] Your order for “{product}” was declined"),
                    format!("{seller}婉拒了这笔订单，订购的数量已退回库存。"),
                    format!("{seller} declined the order; its quantity went back to the stock."),
                    Some((t("婉拒原因".into(), "Their reason".into()), note)),
                ),
                OrderEventKind::Shipped => (
                    format!("【对接】您订购的「{product}」已发货"),
                    format!("[Duijie] Your order for “{product}” has shipped"),
                    "到货后请在订单页确认收货，填写实收数量，可附照片。".to_owned(),
                    "When it arrives, confirm the receipt on the order's page with the quantity received, and a photo if you like.".to_owned(),
                    Some((t("物流".into(), "Shipped by".into()), note)),
                ),
                OrderEventKind::Received => (
                    format!("【对接】{buyer}已确认收货：「{product}」"),
                    format!("[Duijie] {buyer} received “{product}”"),
                    "买方已确认收货。收到货款后，请在订单页登记收款（平台不经手资金）。".to_owned(),
                    "The buyer confirmed the receipt. When the payment arrives, record it on the order's page (the platform handles no money).".to_owned(),
                    Some((t("实收数量".into(), "Received".into()), note)),
                ),
                OrderEventKind::Settled => (
                    format!("【对接】订单已结清：「{product}」"),
                    format!("[Duijie] Order settled: “{product}”"),
                    "卖方已登记收到货款，这笔消费帮扶已计入您的台账。谢谢您以购代捐！".to_owned(),
                    "The seller recorded your payment; the purchase is in your ledger as consumption support. Thank you for buying instead of giving!".to_owned(),
                    Some((t("收款凭证".into(), "Payment reference".into()), note)),
                ),
                OrderEventKind::Cancelled => (
                    format!("【对接】{buyer}取消了订单「{product}」"),
                    format!("[Duijie] {buyer} cancelled the order for “{product}”"),
                    "买方在确认前取消了订单，订购的数量已退回库存。".to_owned(),
                    "The buyer cancelled the order before it was confirmed; its quantity went back to the stock.".to_owned(),
                    None,
                ),
                OrderEventKind::Expired => (
                    format!("【对接】订单已过期：「{product}」"),
                    format!("[Duijie] Your order for “{product}” expired"),
                    format!("{seller}未在 3 天内确认这笔订单，订单已过期。可以重新下单或选购其他产品。"),
                    format!("{seller} did not confirm the order within 3 days, so it expired. You may order again, or choose another product."),
                    None,
                ),
            };
            if let Some((label, text)) = quoted {
                quote = labelled(label, text);
            }
            (
                t(zh_subject, en_subject),
                t(zh_intro, en_intro),
                (
                    t("查看订单".into(), "View the order".into()),
                    links.order(*order_id),
                ),
            )
        }
        Facts::OrganisationVerified { id, name } => {
            details.push((t("组织".into(), "Organisation".into()), name.clone()));
            (
                t(
                    format!("【对接】「{name}」已通过认证"),
                    format!("[Duijie] “{name}” is verified"),
                ),
                t(
                    "您的组织已通过平台认证，现在可以以组织名义认捐，并出现在公开的帮扶主体名单中。".into(),
                    "Your organisation is verified: you can now pledge in its name, and it appears among the platform's verified helpers.".into(),
                ),
                (t("查看组织".into(), "View the organisation".into()), links.organisation(*id)),
            )
        }
        Facts::PasswordReset {
            token,
            expires_at,
            requested_from,
        } => {
            details.push((
                t("链接有效期至".into(), "The link works until".into()),
                time(*expires_at, locale),
            ));
            if let Some(address) = requested_from {
                details.push((t("申请来自".into(), "Asked from".into()), address.clone()));
            }
            (
                t("【对接】重置您的密码".into(), "[Duijie] Reset your password".into()),
                t(
                    "有人（希望是您本人）申请重置您在对接平台的密码。请在 30 分钟内点击下面的链接设置新密码；链接只能使用一次。如果不是您本人申请的，请忽略这封邮件，您的密码不会改变。".into(),
                    "Someone (we hope you) asked to reset your Duijie password. Follow the link below within 30 minutes to set a new one; it works once. If you did not ask for this, ignore this mail: your password stays as it is.".into(),
                ),
                (
                    t("设置新密码".into(), "Set a new password".into()),
                    links.reset_password(token),
                ),
            )
        }
        Facts::PasswordChanged { at } => {
            details.push((t("修改时间".into(), "Changed at".into()), time(*at, locale)));
            (
                t("【对接】您的密码已修改".into(), "[Duijie] Your password was changed".into()),
                t(
                    "您在对接平台的密码已通过邮件中的重置链接修改，所有已登录的设备和 API 令牌均已退出，请用新密码重新登录。如果这不是您本人的操作，请立即重新申请重置密码，并联系平台管理员。".into(),
                    "Your Duijie password was changed through a reset link sent by mail. Every signed-in device and API token was signed out: sign in again with the new password. If this was not you, ask for a new password reset at once and contact the platform administrator.".into(),
                ),
                (
                    t("重新申请重置密码".into(), "Reset the password again".into()),
                    links.forgot_password(),
                ),
            )
        }
        Facts::EmailConfirmation { token, expires_at } => {
            details.push((
                t("链接有效期至".into(), "The link works until".into()),
                time(*expires_at, locale),
            ));
            (
                t("【对接】请确认您的邮箱".into(), "[Duijie] Confirm your email address".into()),
                t(
                    "欢迎加入对接平台！请点击下面的链接确认这个邮箱属于您；确认之后才能认捐、下单、代表组织行事或担任角色。链接只能使用一次。如果您没有在对接平台注册，请忽略这封邮件。".into(),
                    "Welcome to Duijie! Follow the link below to confirm that this address is yours; once it is confirmed you can pledge, place orders, act for an organisation and hold a role. The link works once. If you did not register on Duijie, ignore this mail.".into(),
                ),
                (
                    t("确认邮箱".into(), "Confirm my email address".into()),
                    links.confirm_email(token),
                ),
            )
        }
    };
    Content {
        subject,
        greeting,
        intro,
        details,
        quote,
        action,
    }
}

fn labelled(label: String, text: &Option<String>) -> Option<(String, String)> {
    text.as_ref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| (label, t.clone()))
}

/// Why the mail came and how to stop it, under every mail; the security mail about the account
/// itself says it is always sent, and has no unsubscribe link (`unsubscribe` is none).
fn footer(
    kind: NotificationKind,
    locale: Locale,
    links: &Links,
    unsubscribe: Option<&str>,
) -> Vec<String> {
    let Some(unsubscribe) = unsubscribe else {
        return vec![match locale {
            Locale::ZhCn => {
                "这是关于您账户安全的邮件，无论通知设置如何都会发送。".to_owned()
            }
            Locale::En => "This mail is about the security of your Duijie account: it is sent whatever your notification settings.".to_owned(),
        }];
    };
    match locale {
        Locale::ZhCn => vec![
            format!(
                "您收到这封邮件，是因为您在对接平台开启了「{}」通知。",
                kind.label_zh()
            ),
            format!("退订此类通知：{unsubscribe}"),
            format!("管理全部通知：{}", links.preferences()),
        ],
        Locale::En => vec![
            format!(
                "You receive this mail because “{}” notifications are on for your Duijie account.",
                kind.label_en()
            ),
            format!("Unsubscribe from these: {unsubscribe}"),
            format!("All notification settings: {}", links.preferences()),
        ],
    }
}

/// The plain-text body.
pub fn text_body(
    content: &Content,
    kind: NotificationKind,
    locale: Locale,
    links: &Links,
    unsubscribe: Option<&str>,
) -> String {
    let mut out = format!("{}\n\n{}\n\n", content.greeting, content.intro);
    for (label, value) in &content.details {
        out.push_str(&format!("{label}：{value}\n"));
    }
    if let Some((label, text)) = &content.quote {
        out.push_str(&format!("\n{label}：\n"));
        for line in text.lines() {
            out.push_str(&format!("> {line}\n"));
        }
    }
    out.push_str(&format!(
        "\n{}：{}\n\n-- \n",
        content.action.0, content.action.1
    ));
    for line in footer(kind, locale, links, unsubscribe) {
        out.push_str(&line);
        out.push('\n');
    }
    if locale == Locale::En {
        out = out.replace('：', ": ");
    }
    out
}

/// The HTML body: the same content, escaped, with the images of `cids` shown inline.
pub fn html_body(
    content: &Content,
    kind: NotificationKind,
    locale: Locale,
    links: &Links,
    unsubscribe: Option<&str>,
    cids: &[String],
) -> String {
    let e = escape;
    let lang = locale.as_str();
    let colon = if locale == Locale::ZhCn { "：" } else { ": " };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head>\n\
         <body style=\"margin:0;padding:16px;background:#f5f6f8;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2329;line-height:1.6\">\n\
         <div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px\">\n\
         <p style=\"margin:0 0 8px;color:#c0392b;font-weight:bold\">对接 Duijie</p>\n\
         <p>{}</p>\n<p>{}</p>\n",
        e(&content.subject),
        e(&content.greeting),
        e(&content.intro)
    );
    if !content.details.is_empty() {
        out.push_str("<table style=\"border-collapse:collapse;width:100%\">\n");
        for (label, value) in &content.details {
            out.push_str(&format!(
                "<tr><th scope=\"row\" style=\"text-align:left;padding:4px 12px 4px 0;color:#646a73;font-weight:normal;white-space:nowrap;vertical-align:top\">{}{colon}</th><td style=\"padding:4px 0\">{}</td></tr>\n",
                e(label),
                e(value)
            ));
        }
        out.push_str("</table>\n");
    }
    if let Some((label, text)) = &content.quote {
        out.push_str(&format!(
            "<p style=\"margin:16px 0 4px;color:#646a73\">{}{colon}</p>\n<blockquote style=\"margin:0;padding:8px 12px;border-left:3px solid #c0392b;background:#fdf5f4;white-space:pre-wrap\">{}</blockquote>\n",
            e(label),
            e(text)
        ));
    }
    for cid in cids {
        out.push_str(&format!(
            "<p><img src=\"cid:{}\" alt=\"\" style=\"max-width:100%;border-radius:4px\"></p>\n",
            e(cid)
        ));
    }
    out.push_str(&format!(
        "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"display:inline-block;padding:10px 20px;background:#c0392b;color:#fff;text-decoration:none;border-radius:4px\">{}</a></p>\n",
        e(&content.action.1),
        e(&content.action.0)
    ));
    let why = footer(kind, locale, links, unsubscribe).swap_remove(0);
    let (unsubscribe_label, preferences_label) = match locale {
        Locale::ZhCn => ("退订此类通知", "管理全部通知"),
        Locale::En => ("Unsubscribe from these", "All notification settings"),
    };
    let links_line = match unsubscribe {
        Some(unsubscribe) => format!(
            "<br>\
             <a href=\"{}\" style=\"color:#8f959e\">{unsubscribe_label}</a> · <a href=\"{}\" style=\"color:#8f959e\">{preferences_label}</a>",
            e(unsubscribe),
            e(&links.preferences())
        ),
        None => String::new(),
    };
    out.push_str(&format!(
        "<p style=\"font-size:12px;color:#8f959e;border-top:1px solid #eee;padding-top:12px\">{}{links_line}</p>\n\
         </div></body></html>\n",
        e(&why),
    ));
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A quantity as people read it: `20 套`, `1,234.50 元` (money is kept in fen).
pub fn amount(amount: Amount, locale: Locale) -> String {
    if amount.unit == Unit::Money {
        let fen = amount.quantity;
        let yuan = format!("{}.{:02}", group(fen / 100), (fen % 100).abs());
        return match locale {
            Locale::ZhCn => format!("{yuan} 元"),
            Locale::En => format!("¥{yuan}"),
        };
    }
    let count = group(amount.quantity);
    match locale {
        Locale::ZhCn => format!("{count} {}", amount.unit.label_zh()),
        Locale::En => {
            let one = amount.quantity == 1;
            let unit = match amount.unit {
                Unit::Item => {
                    if one {
                        "item"
                    } else {
                        "items"
                    }
                }
                Unit::Set => {
                    if one {
                        "set"
                    } else {
                        "sets"
                    }
                }
                Unit::Kg => "kg",
                Unit::Position => {
                    if one {
                        "job"
                    } else {
                        "jobs"
                    }
                }
                Unit::PersonTime => {
                    if one {
                        "person-time"
                    } else {
                        "person-times"
                    }
                }
                Unit::Money => unreachable!("handled above"),
            };
            format!("{count} {unit}")
        }
    }
}

fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A moment in Beijing time, where the platform's people live.
pub fn time(at: DateTime<Utc>, locale: Locale) -> String {
    let local = crate::clock::in_beijing(at);
    match locale {
        Locale::ZhCn => local.format("%Y年%-m月%-d日 %H:%M").to_string(),
        Locale::En => local.format("%Y-%m-%d %H:%M (Beijing time)").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn links() -> Links {
        Links {
            base: "https://duijie.example".into(),
        }
    }

    fn need() -> NeedFacts {
        NeedFacts {
            id: 7,
            title: "墩背小学课桌椅 <新>".into(),
            place: "广东省梅州市平远县大柘镇墩背村".into(),
            status: NeedStatus::InNotice,
            notice_ends_at: Some(Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()),
        }
    }

    fn pledge() -> PledgeFacts {
        PledgeFacts {
            id: 3,
            donor_name: "梅州爱心企业".into(),
            amount: Amount {
                unit: Unit::Set,
                quantity: 20,
            },
            message: Some("祝孩子们学习进步".into()),
            due_at: Utc.with_ymd_and_hms(2026, 12, 31, 10, 0, 0).unwrap(),
            carrier: Some("顺丰".into()),
            reference: Some("SF123".into()),
            received: Some(18),
            thanks_note: Some("谢谢！\n孩子们很开心".into()),
        }
    }

    fn every_facts() -> Vec<(NotificationKind, Facts)> {
        use NotificationKind::*;
        let p = || Facts::Pledge {
            need: need(),
            pledge: pledge(),
        };
        vec![
            (PledgeReceived, p()),
            (PledgeConfirmation, p()),
            (PledgeShipped, p()),
            (ReceiptConfirmed, p()),
            (PledgeThanked, p()),
            (PledgeExpiring, p()),
            (PledgeExpired, p()),
            (NeedVerified, Facts::NeedVerified { need: need() }),
            (
                NeedRejected,
                Facts::NeedRejected {
                    need: need(),
                    reason: "数量与实际不符".into(),
                },
            ),
            (
                NeedTakenDown,
                Facts::NeedTakenDown {
                    need_id: 7,
                    place: "广东省梅州市平远县大柘镇墩背村".into(),
                    title: Some("墩背小学课桌椅 <新>".into()),
                    reason: Some("照片中可见身份证号".into()),
                    pledge: None,
                },
            ),
            (
                ObjectionFiled,
                Facts::ObjectionFiled {
                    need: need(),
                    reason: "该户已脱贫".into(),
                },
            ),
            (
                OrganisationVerified,
                Facts::OrganisationVerified {
                    id: 2,
                    name: "梅州爱心企业".into(),
                },
            ),
            (
                NeedInvitation,
                Facts::NeedInvitation {
                    need: need(),
                    pairing: "广州 → 梅州、清远 对口帮扶".into(),
                    organisation: "广州某企业".into(),
                    remaining: Amount {
                        unit: Unit::Set,
                        quantity: 12,
                    },
                    message: Some("请关注".into()),
                },
            ),
            (
                OfferForYourNeeds,
                Facts::OfferForNeeds {
                    offer_id: 4,
                    offer_title: "捐赠学生课桌椅".into(),
                    offerer: "客都农业".into(),
                    remaining: Amount {
                        unit: Unit::Set,
                        quantity: 30,
                    },
                    needs: vec![AlertedNeed {
                        need: need(),
                        remaining: Amount {
                            unit: Unit::Set,
                            quantity: 12,
                        },
                    }],
                },
            ),
            (
                NeedAlert,
                Facts::NeedAlert {
                    needs: vec![AlertedNeed {
                        need: need(),
                        remaining: Amount {
                            unit: Unit::Set,
                            quantity: 12,
                        },
                    }],
                    follow: Some("广东省梅州市".into()),
                },
            ),
            (
                AlertDigest,
                Facts::NeedAlert {
                    needs: vec![
                        AlertedNeed {
                            need: need(),
                            remaining: Amount {
                                unit: Unit::Set,
                                quantity: 12,
                            },
                        },
                        AlertedNeed {
                            need: need(),
                            remaining: Amount {
                                unit: Unit::Money,
                                quantity: 500_000,
                            },
                        },
                    ],
                    follow: Some("教育助学".into()),
                },
            ),
            (
                OfferRequested,
                Facts::OfferRequest {
                    need: need(),
                    offer_id: 4,
                    offer_title: "捐赠学生课桌椅".into(),
                    offerer: "客都农业".into(),
                    amount: Amount {
                        unit: Unit::Set,
                        quantity: 20,
                    },
                    note: Some("秋季开学前需要".into()),
                    status: RequestStatus::Pending,
                    decline_reason: None,
                    pledge_id: None,
                },
            ),
            (
                OfferRequestAnswered,
                Facts::OfferRequest {
                    need: need(),
                    offer_id: 4,
                    offer_title: "捐赠学生课桌椅".into(),
                    offerer: "客都农业".into(),
                    amount: Amount {
                        unit: Unit::Set,
                        quantity: 20,
                    },
                    note: None,
                    status: RequestStatus::Declined,
                    decline_reason: Some("本批已分配完毕".into()),
                    pledge_id: None,
                },
            ),
            (
                OrderForSeller,
                Facts::OrderStep {
                    order_id: 12,
                    step: OrderEventKind::Placed,
                    product: "平远百花蜜".into(),
                    seller: "墩背村蜂蜜合作社".into(),
                    buyer: "广州市某单位食堂".into(),
                    quantity: 300,
                    unit: SaleUnit::Jin,
                    value_fen: 1_800_000,
                    note: None,
                },
            ),
            (
                OrderForBuyer,
                Facts::OrderStep {
                    order_id: 12,
                    step: OrderEventKind::Shipped,
                    product: "平远百花蜜".into(),
                    seller: "墩背村蜂蜜合作社".into(),
                    buyer: "广州市某单位食堂".into(),
                    quantity: 300,
                    unit: SaleUnit::Jin,
                    value_fen: 1_800_000,
                    note: Some("顺丰 SF1234567".into()),
                },
            ),
            (
                PasswordReset,
                Facts::PasswordReset {
                    token: LinkSecret("0123abcd".into()),
                    expires_at: Utc.with_ymd_and_hms(2026, 12, 8, 2, 30, 0).unwrap(),
                    requested_from: Some("203.0.113.7".into()),
                },
            ),
            (
                PasswordChanged,
                Facts::PasswordChanged {
                    at: Utc.with_ymd_and_hms(2026, 12, 8, 2, 10, 0).unwrap(),
                },
            ),
            (
                EmailConfirmation,
                Facts::EmailConfirmation {
                    token: LinkSecret("0123abcd".into()),
                    expires_at: Utc.with_ymd_and_hms(2026, 12, 10, 2, 0, 0).unwrap(),
                },
            ),
        ]
    }

    #[test]
    fn every_kind_reads_in_both_languages_with_its_link_and_an_unsubscribe_line_unless_always_sent()
    {
        let all = every_facts();
        assert_eq!(
            all.len(),
            NotificationKind::ALL.len(),
            "every kind is covered"
        );
        for (kind, facts) in &all {
            for locale in Locale::ALL {
                let c = content(*kind, facts, "陈老师", locale, &links());
                assert!(c.subject.contains("对接") || c.subject.contains("Duijie"));
                assert!(
                    c.action.1.starts_with("https://duijie.example/"),
                    "{kind}: {:?}",
                    c.action
                );
                let unsubscribe = (!kind.always_sent()).then_some("https://u/x");
                let text = text_body(&c, *kind, locale, &links(), unsubscribe);
                assert!(text.contains(&c.action.1));
                let html = html_body(&c, *kind, locale, &links(), unsubscribe, &[]);
                assert!(html.contains(&format!("lang=\"{}\"", locale.as_str())));
                if unsubscribe.is_some() {
                    assert!(text.contains("https://u/x"), "{kind} {locale:?}: {text}");
                    assert!(html.contains("href=\"https://u/x\""));
                } else {
                    for body in [&text, &html] {
                        assert!(
                            !body.contains("退订") && !body.contains("Unsubscribe"),
                            "{kind} {locale:?}: {body}"
                        );
                        assert!(
                            body.contains("无论通知设置如何")
                                || body.contains("whatever your notification settings")
                        );
                    }
                }
            }
        }
        let en = content(
            NotificationKind::PledgeReceived,
            &all[0].1,
            "Ms Chen",
            Locale::En,
            &links(),
        );
        assert_eq!(en.greeting, "Dear Ms Chen,");
        assert!(en.subject.contains("20 sets"), "{}", en.subject);
    }

    #[test]
    fn a_donor_hears_of_a_take_down_without_the_needs_title_or_the_reason() {
        let facts = Facts::NeedTakenDown {
            need_id: 7,
            place: "广东省梅州市平远县大柘镇墩背村".into(),
            title: None,
            reason: None,
            pledge: Some((
                3,
                Amount {
                    unit: Unit::Set,
                    quantity: 20,
                },
            )),
        };
        for locale in Locale::ALL {
            let c = content(
                NotificationKind::NeedTakenDown,
                &facts,
                "陈老师",
                locale,
                &links(),
            );
            let text = text_body(
                &c,
                NotificationKind::NeedTakenDown,
                locale,
                &links(),
                Some("u"),
            );
            assert!(text.contains("#7") && text.contains("墩背村"), "{text}");
            assert!(c.quote.is_none());
            assert_eq!(c.action.1, "https://duijie.example/pledges/3");
        }
    }

    #[test]
    fn what_people_wrote_is_escaped_in_html_and_kept_in_text() {
        let (kind, facts) = &every_facts()[0];
        let c = content(*kind, facts, "<b>x</b>", Locale::ZhCn, &links());
        let html = html_body(
            &c,
            *kind,
            Locale::ZhCn,
            &links(),
            Some("https://u/?a=1&b=2"),
            &[],
        );
        assert!(html.contains("墩背小学课桌椅 &lt;新&gt;"));
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(html.contains("https://u/?a=1&amp;b=2"));
        assert!(!html.contains("<新>"));
        let text = text_body(&c, *kind, Locale::ZhCn, &links(), Some("https://u/x"));
        assert!(text.contains("墩背小学课桌椅 <新>"));
        assert!(text.contains("> 祝孩子们学习进步"));
    }

    #[test]
    fn the_reset_mail_links_to_the_reset_page_for_thirty_minutes_and_says_to_ignore_it_if_unasked()
    {
        let facts = Facts::PasswordReset {
            token: LinkSecret("0123abcd".into()),
            expires_at: Utc.with_ymd_and_hms(2026, 12, 8, 2, 30, 0).unwrap(),
            requested_from: None,
        };
        let zh = content(
            NotificationKind::PasswordReset,
            &facts,
            "陈老师",
            Locale::ZhCn,
            &links(),
        );
        assert_eq!(
            zh.action.1,
            "https://duijie.example/reset-password?token=0123abcd"
        );
        assert!(
            zh.intro.contains("30 分钟") && zh.intro.contains("请忽略"),
            "{}",
            zh.intro
        );
        assert!(zh.details.iter().any(|(_, v)| v == "2026年12月8日 10:30"));
        let en = content(
            NotificationKind::PasswordReset,
            &facts,
            "Ms Chen",
            Locale::En,
            &links(),
        );
        assert!(en.intro.contains("30 minutes") && en.intro.contains("ignore this mail"));
        assert!(
            !format!("{facts:?}").contains("0123abcd"),
            "the token is not printed"
        );
    }

    #[test]
    fn a_verified_need_says_when_its_notice_ends_in_beijing_time() {
        let c = content(
            NotificationKind::NeedVerified,
            &Facts::NeedVerified { need: need() },
            "陈老师",
            Locale::ZhCn,
            &links(),
        );
        assert!(c.intro.contains("2026年12月4日 18:00"), "{}", c.intro);
    }

    #[test]
    fn amounts_are_shown_in_the_needs_unit_and_money_in_yuan() {
        let money = |q| Amount {
            unit: Unit::Money,
            quantity: q,
        };
        assert_eq!(amount(money(123_456), Locale::ZhCn), "1,234.56 元");
        assert_eq!(amount(money(5), Locale::En), "¥0.05");
        assert_eq!(amount(money(100_000_000), Locale::ZhCn), "1,000,000.00 元");
        let sets = Amount {
            unit: Unit::Set,
            quantity: 1,
        };
        assert_eq!(amount(sets, Locale::En), "1 set");
        assert_eq!(amount(sets, Locale::ZhCn), "1 套");
    }
}
