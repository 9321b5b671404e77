export default {
  title: 'Needs',
  search: { label: 'Search needs', placeholder: 'Search needs, e.g. school fees, wheelchair, pomelos' },
  sort: { label: 'Sort', defaultWithWords: 'Relevance (default)', defaultWithout: 'Newest (default)' },
  open: { label: 'Open to pledges only' },
  region: { clear: 'Clear region' },
  facet: {
    title: 'Filters', category: 'Category', urgency: 'Urgency', beneficiary_kind: 'For', status: 'Status', poverty_causes: 'Cause of poverty',
  },
  clearAll: 'Clear all filters',
  total: '{n} needs found',
  results: 'Search results',
  invalid: { value: 'This value is not valid here; choose another.', q: 'Search words can be at most 100 characters.' },
  refused: 'A filter is not valid; see the note beside it.',
  unavailable: { title: 'Search is temporarily unavailable', text: 'Please try again shortly; no data is affected.' },
  empty: { none: 'No needs are public yet.', filtered: 'No need matches these filters. Try others.' },
  card: {
    remaining: '{amount} still needed',
    ended: 'No longer taking pledges; {amount} short',
    nothingRemaining: 'Fully pledged',
    deadline: 'Until {date}',
    daysLeft: ' ({n} days left)',
  },
}
