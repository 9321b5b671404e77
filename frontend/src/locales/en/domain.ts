export default {
  category: {
    education: 'Education', medical: 'Health care', industry: 'Industry', employment: 'Jobs & skills',
    housing: 'Safe housing', infrastructure: 'Infrastructure', daily_goods: 'Daily goods', consumption: 'Buy local produce',
  },
  urgency: { normal: 'Normal', urgent: 'Urgent', critical: 'Critical' },
  status: {
    draft: 'Draft', submitted: 'Awaiting review', verified: 'Awaiting county review', in_notice: 'In public notice',
    published: 'Open', fully_pledged: 'Fully pledged', fulfilled: 'Fulfilled', closed: 'Closed', rejected: 'Rejected',
    withdrawn: 'Withdrawn', suspended: 'Under objection review', expired: 'Expired', taken_down: 'Withdrawn from view for checking',
  },
  beneficiary: { household: 'Household', village: 'Village' },
  cause: {
    illness: 'Illness', disability: 'Disability', education_cost: 'Schooling costs', disaster: 'Disaster',
    lack_land: 'Lack of land', lack_water: 'Lack of water', lack_skills: 'Lack of skills', lack_labour: 'Lack of labour',
    lack_capital: 'Lack of capital', poor_transport: 'Poor transport', lack_motivation: 'Low motivation',
  },
  unit: { item: 'items', set: 'sets', kg: 'kg', money: 'yuan', position: 'jobs', person_time: 'person-times' },
  // A need's beneficiary said from its parts (other languages than Chinese; see useBeneficiary).
  beneficiaryCard: { village: 'Village collective', household: 'Household of {n}', causes: 'poor through {causes}' },
  causeShort: {
    illness: 'illness', disability: 'disability', education_cost: 'schooling costs', disaster: 'disaster',
    lack_land: 'lack of land', lack_water: 'lack of water', lack_skills: 'lack of skills', lack_labour: 'lack of labour',
    lack_capital: 'lack of capital', poor_transport: 'poor transport', lack_motivation: 'low motivation',
  },
  // A count with its unit, plural-aware where the language has plurals (`1 set`, `5 sets`).
  unitCount: {
    item: '{amount} item | {amount} items', set: '{amount} set | {amount} sets', kg: '{amount} kg',
    position: '{amount} job | {amount} jobs', person_time: '{amount} person-time | {amount} person-times',
  },
  pledgeKind: { goods: 'Goods', money: 'Money', jobs: 'Jobs', services: 'Services' },
  pledgeStatus: {
    pledged: 'Pledged', shipped: 'Shipped', received: 'Received', thanked: 'Thanked', cancelled: 'Cancelled', expired: 'Expired',
  },
  event: {
    created: 'Need recorded', submitted: 'Submitted for review', verified: 'Verified', second_verified: 'County review passed',
    notice_started: 'Public notice began', objection_filed: 'Objection filed, notice paused',
    objection_dismissed: 'Objection dismissed', objection_upheld: 'Objection upheld', notice_resumed: 'Notice resumed',
    published: 'Notice ended, published', rejected: 'Rejected', withdrawn: 'Withdrawn by the village',
    expired: 'Deadline passed', fully_pledged: 'Fully pledged', reopened: 'Pledge released, open again',
    fulfilled: 'Everything received', closed: 'Closed', pledged: 'Pledge', shipped: 'Shipped', received: 'Receipt confirmed',
    thanked: 'Thanks from the village', pledge_cancelled: 'Pledge cancelled, quantity released',
    pledge_expired: 'Pledge expired, quantity released', taken_down: 'Withdrawn from view',
  },
  objectionStatus: { open: 'Open', upheld: 'Upheld', dismissed: 'Dismissed' },
  registerStatus: { registered: 'Registered', exited: 'Exited poverty', returned: 'Returned to poverty' },
  orgKind: { enterprise: 'Enterprise', paired_city: 'Paired city', designated_unit: 'Designated unit', social_org: 'Social organisation', cooperative: 'Village collective / cooperative' },
  program: { wanqi: '10,000 Enterprises', duikou: 'City pairing', dingdian: 'Designated assistance' },
  role: {
    cadre: 'Village cadre', verifier: 'Verifier', coordinator: 'Coordinator', org_admin: 'Organisation admin',
    org_member: 'Organisation member', admin: 'Administrator',
  },
  sort: { relevance: 'Relevance', newest: 'Newest', urgency: 'Most urgent', deadline: 'Deadline soonest', remaining_value: 'Largest gap' },
  offerKind: { goods: 'Goods', money: 'Money', jobs: 'Jobs', services: 'Services', purchasing: 'Produce purchasing' },
  offerStatus: { draft: 'Draft', published: 'Open', paused: 'Paused', exhausted: 'Used up', expired: 'Expired', withdrawn: 'Withdrawn' },
  requestStatus: { pending: 'Awaiting answer', accepted: 'Accepted', declined: 'Declined', expired: 'Expired', withdrawn: 'Withdrawn' },
  destination: { pairings: 'Paired regions', regions: 'Chosen regions', anywhere: 'Any region' },
  offerEvent: {
    created: 'Offer created', edited: 'Edited', published: 'Published', paused: 'Paused', resumed: 'Published again',
    exhausted: 'All of it matched', replenished: 'Pledge released, open again', expired: 'Validity ended', withdrawn: 'Withdrawn',
    requested: 'A village asked for it', request_accepted: 'Request accepted, pledged', request_declined: 'Request declined',
    applied: 'Applied to a need, pledged', pledge_released: 'Pledge cancelled or expired, quantity returned',
  },
  productCategory: {
    grain: 'Grain and oil', vegetables: 'Vegetables', fruit: 'Fruit', tea: 'Tea', honey: 'Honey', meat_eggs: 'Meat and eggs', handicraft: 'Handicrafts', other: 'Other',
  },
  saleUnit: { jin: 'jin', kg: 'kg', item: 'items', box: 'boxes', bottle: 'bottles', bag: 'bags' },
  /** A price's unit: ¥58 per jin. */
  saleUnitOne: { jin: 'jin', kg: 'kg', item: 'item', box: 'box', bottle: 'bottle', bag: 'bag' },
  productStatus: { draft: 'Draft', listed: 'On sale', delisted: 'Off sale' },
  productSort: { relevance: 'Relevance', newest: 'Newest', price_asc: 'Price, low to high', price_desc: 'Price, high to low' },
  productEvent: {
    created: 'Created', edited: 'Edited', listed: 'Listed', delisted: 'Taken off sale', restocked: 'Stock changed',
    certified: 'Certified as a poverty-alleviation product', certification_revoked: 'Certification revoked',
  },
  orderStatus: {
    ordered: 'To confirm', confirmed: 'Confirmed', declined: 'Declined', shipped: 'Shipped', received: 'Received',
    settled: 'Settled', cancelled: 'Cancelled', expired: 'Expired',
  },
  orderEvent: {
    placed: 'Ordered', confirmed: 'Confirmed by the seller', declined: 'Declined by the seller', shipped: 'Shipped', received: 'Receipt confirmed',
    settled: 'Payment recorded', cancelled: 'Cancelled by the buyer', expired: 'Expired unconfirmed',
  },
  offerSort: { relevance: 'Relevance', newest: 'Newest', valid_until: 'Ending soonest', remaining: 'Most left' },
}
