// Notification settings: which mail the account receives, and its language.
export default {
  title: 'Notification settings',
  intro: 'Choose which notifications reach you by mail. Every mail also has a one-click unsubscribe link.',
  noEmail: 'Your account has no email address, so no mail reaches you for now.',
  mail: { title: 'Mail', on: 'On', off: 'Off' },
  group: {
    donor: 'My pledges',
    cadre: 'Your village’s needs (cadres)',
    verifier: 'Review (verifiers)',
    organisation: 'Organisations and pairings',
    other: 'Other',
  },
  kinds: {
    pledge_confirmation: { label: 'Pledge confirmation', help: 'After you pledge: what you pledged and when to send it by.' },
    pledge_expiring: { label: 'Pledge due soon', help: 'A reminder when a pledge is close to its due date and not yet sent.' },
    pledge_expired: { label: 'Pledge expired', help: 'When a pledge was not sent in time and its quantity went back to the need.' },
    receipt_confirmed: { label: 'Receipt confirmed', help: 'When the village confirms your help arrived.' },
    pledge_thanked: { label: 'Thanks from the village', help: 'When the village writes you a thank-you note, with the receipt photos.' },
    pledge_received: { label: 'New pledge for your need', help: 'When someone pledges toward one of your village’s needs.' },
    pledge_shipped: { label: 'Pledge sent', help: 'When a donor marks a pledge as sent: watch for it and confirm receipt.' },
    need_verified: { label: 'Need verified', help: 'When a need you recorded is verified and enters its public notice.' },
    need_rejected: { label: 'Need rejected', help: 'When a need is rejected, with the reason.' },
    objection_filed: { label: 'Objection filed', help: 'When a need in public notice receives an objection to examine.' },
    organisation_verified: { label: 'Organisation verified', help: 'When an organisation you manage is verified by the platform.' },
    need_invitation: { label: 'Pairing invitation', help: 'When a pairing’s coordinator invites your organisation to pledge toward a need.' },
  },
  saved: 'Saved: {label}',
  language: {
    title: 'Account language',
    hint: 'Mail reaches you in this language, and the pages switch to it.',
    saved: 'Language updated',
  },
}
