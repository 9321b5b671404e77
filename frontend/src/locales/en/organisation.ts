// An organisation's page and dashboard.
export default {
  verified: 'Verified',
  unverified: 'Awaiting verification',
  unverifiedNote: 'This organisation is not verified by the platform yet: until it is, it is not shown in public and cannot pledge in its own name.',
  creditCode: 'Unified social credit code',
  region: 'Based in',
  verifiedAt: 'Verified on',
  figuresTitle: 'What this organisation pledged and delivered',
  ledgerTitle: 'Ledger export',
  ledgerText: "The ledger lists every pledge of this organisation and what came of it (shipped, received, thanked), for reports and assessments.",
  ledgerOf: 'Ledger of {name}',
  pairingsTitle: 'Pairings it helps through',
  noPairings: 'This organisation is not in any pairing yet.',
  openNeedsTitle: 'Open needs in the paired regions',
}
