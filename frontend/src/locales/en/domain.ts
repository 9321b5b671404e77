export default {
  category: {
    education: 'Education', medical: 'Health care', industry: 'Industry', employment: 'Jobs & skills',
    housing: 'Safe housing', infrastructure: 'Infrastructure', daily_goods: 'Daily goods', consumption: 'Buy local produce',
  },
  urgency: { normal: 'Normal', urgent: 'Urgent', critical: 'Critical' },
  status: {
    draft: 'Draft', submitted: 'Awaiting review', verified: 'Awaiting county review', in_notice: 'In public notice',
    published: 'Open', fully_pledged: 'Fully pledged', fulfilled: 'Fulfilled', closed: 'Closed', rejected: 'Rejected',
    withdrawn: 'Withdrawn', suspended: 'Under objection review', expired: 'Expired',
  },
  beneficiary: { household: 'Household', village: 'Village' },
  cause: {
    illness: 'Illness', disability: 'Disability', education_cost: 'Schooling costs', disaster: 'Disaster',
    lack_land: 'Lack of land', lack_water: 'Lack of water', lack_skills: 'Lack of skills', lack_labour: 'Lack of labour',
    lack_capital: 'Lack of capital', poor_transport: 'Poor transport', lack_motivation: 'Low motivation',
  },
  unit: { item: 'items', set: 'sets', kg: 'kg', money: 'yuan', position: 'jobs', person_time: 'person-times' },
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
    pledge_expired: 'Pledge expired, quantity released',
  },
  objectionStatus: { open: 'Open', upheld: 'Upheld', dismissed: 'Dismissed' },
  registerStatus: { registered: 'Registered', exited: 'Exited poverty', returned: 'Returned to poverty' },
  orgKind: { enterprise: 'Enterprise', paired_city: 'Paired city', designated_unit: 'Designated unit', social_org: 'Social organisation' },
  program: { wanqi: '10,000 Enterprises', duikou: 'City pairing', dingdian: 'Designated assistance' },
  role: {
    cadre: 'Village cadre', verifier: 'Verifier', coordinator: 'Coordinator', org_admin: 'Organisation admin',
    org_member: 'Organisation member', admin: 'Administrator',
  },
  sort: { relevance: 'Relevance', newest: 'Newest', urgency: 'Most urgent', deadline: 'Deadline soonest', remaining_value: 'Largest gap' },
}
