export default {
  title: 'Public notice',
  intro: 'Needs verified by the township and county are put on public notice; only when the notice ends with no objection are they published for pledges. If you know a need to be false or wrong, object during its notice and a verifier will look into it.',
  empty: 'No need is on public notice now.',
  total: '{n} needs on public notice',
  ends: 'Notice ends {date}',
  target: 'Needed: {amount}',
  details: 'Details',
  objection: {
    intro: 'Say exactly what is false or wrong. A contact is optional and seen by verifiers only, to check with you; without one you object anonymously.',
    reason: 'What is wrong',
    reasonPlaceholder: 'e.g. this household already has…, which the notice does not say',
    reasonRequired: 'Say what is wrong.',
    contact: 'Contact (optional)',
    contactPlaceholder: 'Phone or email, for verifiers only',
    submit: 'Send objection',
    filed: 'Objection sent. Thank you for keeping watch.',
  },
}
