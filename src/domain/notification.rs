//! What people are told by mail: the notification kinds, with their labels in each language.
//! Each person may turn off any kind but the security mail about their own account
//! ([`NotificationKind::always_sent`]).

use super::locale::Locale;

code_enum! {
    /// A kind of mail the platform sends. Each can be turned off by its recipient (in the
    /// preferences, or by the one-click unsubscribe link in every such mail), except the
    /// security mail about the account itself, which is always sent.
    pub enum NotificationKind {
        /// To the need's village cadres: someone pledged toward their need.
        PledgeReceived = ("pledge_received", "收到新的认捐"),
        /// To the donor: their pledge is recorded, and what to do next.
        PledgeConfirmation = ("pledge_confirmation", "认捐确认"),
        /// To the need's village cadres: a pledge was sent or transferred.
        PledgeShipped = ("pledge_shipped", "认捐已发货"),
        /// To the donor: the village confirmed what arrived.
        ReceiptConfirmed = ("receipt_confirmed", "受助方已确认收到"),
        /// To the donor: the village's thanks, with the receipt photos.
        PledgeThanked = ("pledge_thanked", "收到感谢信"),
        /// To the donor: their pledge is due soon and still unshipped.
        PledgeExpiring = ("pledge_expiring", "认捐即将到期"),
        /// To the donor: their pledge expired unshipped; its quantity returned to the need.
        PledgeExpired = ("pledge_expired", "认捐已过期"),
        /// To the need's village cadres: a verifier verified their need.
        NeedVerified = ("need_verified", "需求审核通过"),
        /// To the need's village cadres: their need was rejected, with the reason.
        NeedRejected = ("need_rejected", "需求未通过审核"),
        /// To the need's village cadres (with the reason) and the donors of its open pledges
        /// (without): a verifier took it out of public view to check it.
        NeedTakenDown = ("need_taken_down", "需求已撤下核查"),
        /// To the verifiers who handle the need's objections: one was filed.
        ObjectionFiled = ("objection_filed", "收到异议"),
        /// To the organisation's administrators: the platform verified it.
        OrganisationVerified = ("organisation_verified", "组织认证通过"),
        /// To an organisation's people: a pairing's coordinator invites them to a need.
        NeedInvitation = ("need_invitation", "结对帮扶邀请"),
        /// To an offer's offerer (its organisation's people): a village asks for it.
        OfferRequested = ("offer_requested", "村里申请对接帮扶资源"),
        /// To the cadre who asked for an offer: the offering side accepted or declined.
        OfferRequestAnswered = ("offer_request_answered", "对接申请有了答复"),
        /// To the cadres of villages whose open needs a newly published offer could fill.
        OfferForYourNeeds = ("offer_for_your_needs", "有帮扶资源可对接您的需求"),
        /// To a follower (or an organisation with a fitting offer): a need was published.
        NeedAlert = ("need_alert", "关注的新需求"),
        /// To a follower who chose a daily digest: the needs published since the last one.
        AlertDigest = ("alert_digest", "关注动态每日汇总"),
        /// To a cooperative's people: a new order for its products, a cancellation, a receipt.
        OrderForSeller = ("order_for_seller", "消费帮扶订单（卖方）"),
        /// To the buyer: the seller confirmed, declined, shipped or recorded the payment.
        OrderForBuyer = ("order_for_buyer", "我的采购订单进展"),
        /// To the account's owner: the link to reset their password, asked for by mail.
        /// Always sent.
        PasswordReset = ("password_reset", "重置密码"),
        /// To the account's owner: their password was reset. Always sent.
        PasswordChanged = ("password_changed", "密码已修改"),
        /// To the account's owner: the link that confirms its email address. Always sent.
        EmailConfirmation = ("email_confirmation", "确认邮箱"),
    }
}

impl NotificationKind {
    /// The English name of the kind, for the `en` interface and mail.
    pub fn label_en(self) -> &'static str {
        use NotificationKind::*;
        match self {
            PledgeReceived => "New pledge for your need",
            PledgeConfirmation => "Pledge confirmation",
            PledgeShipped => "Pledge shipped",
            ReceiptConfirmed => "Receipt confirmed",
            PledgeThanked => "Thanks from the village",
            PledgeExpiring => "Pledge due soon",
            PledgeExpired => "Pledge expired",
            NeedVerified => "Need verified",
            NeedRejected => "Need rejected",
            NeedTakenDown => "Need withdrawn from view",
            ObjectionFiled => "Objection filed",
            OrganisationVerified => "Organisation verified",
            NeedInvitation => "Invitation to a need",
            OfferRequested => "A village asks for your offer",
            OfferRequestAnswered => "Answer to your request for an offer",
            OfferForYourNeeds => "An offer could fill your village's needs",
            NeedAlert => "New need where you follow",
            AlertDigest => "Daily digest of what you follow",
            OrderForSeller => "Orders for your products",
            OrderForBuyer => "Progress of your purchase orders",
            PasswordReset => "Reset your password",
            PasswordChanged => "Your password was changed",
            EmailConfirmation => "Confirm your email address",
        }
    }

    /// Security mail about the account itself: sent whatever the preferences say, with no
    /// unsubscribe link, and not listed among the preferences. Someone who cannot turn off the
    /// notice of a password change learns of a reset they did not ask for.
    pub fn always_sent(self) -> bool {
        matches!(
            self,
            NotificationKind::PasswordReset
                | NotificationKind::PasswordChanged
                | NotificationKind::EmailConfirmation
        )
    }

    /// The kinds a person may turn off: every kind but the [`always_sent`](Self::always_sent).
    pub fn optional() -> impl Iterator<Item = NotificationKind> {
        Self::ALL.iter().copied().filter(|k| !k.always_sent())
    }

    /// The label in `locale`.
    pub fn label(self, locale: Locale) -> &'static str {
        match locale {
            Locale::ZhCn => self.label_zh(),
            Locale::En => self.label_en(),
        }
    }
}

code_enum! {
    /// What became of one mail to one person (a row of `mail_deliveries`, keyed by the mail's
    /// Message-ID, so that a retried outbox row skips whoever already has their mail).
    pub enum DeliveryStatus {
        /// A worker claimed it and is sending it.
        Sending = ("sending", "发送中"),
        /// The mail server accepted it (or the file was written).
        Sent = ("sent", "已发送"),
        /// The mail server refused it for good.
        Failed = ("failed", "发送失败"),
        /// Not sent: the recipient turned this kind off, or has no mail address.
        Skipped = ("skipped", "已跳过"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_both_labels_and_a_code_that_fits_its_column() {
        for kind in NotificationKind::ALL {
            assert!(!kind.label_zh().is_empty() && !kind.label_en().is_empty());
            assert!(kind.as_str().len() <= 32);
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(*kind));
        }
    }

    #[test]
    fn only_the_mail_about_the_account_itself_is_always_sent() {
        let always: Vec<_> = NotificationKind::ALL
            .iter()
            .filter(|k| k.always_sent())
            .collect();
        assert_eq!(
            always,
            [
                &NotificationKind::PasswordReset,
                &NotificationKind::PasswordChanged,
                &NotificationKind::EmailConfirmation,
            ]
        );
        assert!(NotificationKind::optional().all(|k| !k.always_sent()));
        assert_eq!(
            NotificationKind::optional().count() + always.len(),
            NotificationKind::ALL.len()
        );
    }
}
