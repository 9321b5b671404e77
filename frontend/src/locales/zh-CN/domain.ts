// Labels of the API's codes (the same words the server uses in its own `*_label` fields).
export default {
  category: {
    education: '教育助学', medical: '医疗健康', industry: '产业发展', employment: '就业技能',
    housing: '住房安全', infrastructure: '基础设施', daily_goods: '生活物资', consumption: '消费帮扶',
  },
  urgency: { normal: '一般', urgent: '紧急', critical: '特急' },
  status: {
    draft: '草稿', submitted: '待审核', verified: '待复核', in_notice: '公示中', published: '已发布',
    fully_pledged: '已认满', fulfilled: '已完成', closed: '已结束', rejected: '未通过',
    withdrawn: '已撤回', suspended: '异议核查中', expired: '已过期', taken_down: '已下架核查',
  },
  beneficiary: { household: '农户', village: '村集体' },
  cause: {
    illness: '因病', disability: '因残', education_cost: '因学', disaster: '因灾', lack_land: '缺土地',
    lack_water: '缺水', lack_skills: '缺技术', lack_labour: '缺劳力', lack_capital: '缺资金',
    poor_transport: '交通条件落后', lack_motivation: '自身发展动力不足',
  },
  unit: { item: '件', set: '套', kg: '公斤', money: '元', position: '个岗位', person_time: '人次' },
  // A need's beneficiary said from its parts (other languages than Chinese; see useBeneficiary).
  beneficiaryCard: { village: '村集体', household: '{n}口之家', causes: '{causes}' },
  causeShort: {
    illness: '因病', disability: '因残', education_cost: '因学', disaster: '因灾', lack_land: '缺土地',
    lack_water: '缺水', lack_skills: '缺技术', lack_labour: '缺劳力', lack_capital: '缺资金',
    poor_transport: '交通条件落后', lack_motivation: '自身发展动力不足',
  },
  // A count with its unit, plural-aware where the language has plurals (`1 set`, `5 sets`).
  unitCount: { item: '{amount} 件', set: '{amount} 套', kg: '{amount} 公斤', position: '{amount} 个岗位', person_time: '{amount} 人次' },
  pledgeKind: { goods: '物资', money: '资金', jobs: '岗位', services: '服务' },
  pledgeStatus: {
    pledged: '已认捐', shipped: '已发出', received: '已收到', thanked: '已致谢', cancelled: '已取消', expired: '已逾期',
  },
  event: {
    created: '录入需求', submitted: '提交审核', verified: '审核通过', second_verified: '县级复核通过',
    notice_started: '开始公示', objection_filed: '收到异议，暂停公示', objection_dismissed: '异议经核查不成立',
    objection_upheld: '异议经核查成立', notice_resumed: '恢复公示', published: '公示期满，正式发布',
    rejected: '审核未通过', withdrawn: '村里撤回需求', expired: '已过截止日期', fully_pledged: '已全部认捐',
    reopened: '有认捐释放，重新开放', fulfilled: '全部到位', closed: '需求结束', pledged: '认捐',
    shipped: '已发出', received: '确认收到', thanked: '村里致谢', pledge_cancelled: '认捐取消，数量释放',
    pledge_expired: '认捐逾期，数量释放', taken_down: '撤下核查',
  },
  objectionStatus: { open: '待核查', upheld: '异议成立', dismissed: '异议不成立' },
  registerStatus: { registered: '在档', exited: '已脱贫', returned: '返贫' },
  orgKind: { enterprise: '企业', paired_city: '对口帮扶城市', designated_unit: '定点扶贫单位', social_org: '社会组织', cooperative: '村集体/合作社' },
  program: { wanqi: '万企帮万村', duikou: '对口帮扶', dingdian: '定点扶贫' },
  role: {
    cadre: '村干部', verifier: '审核员', coordinator: '协作协调员', org_admin: '组织管理员',
    org_member: '组织成员', admin: '平台管理员',
  },
  sort: { relevance: '相关度', newest: '最新发布', urgency: '最紧急', deadline: '截止日期最近', remaining_value: '缺口金额最大' },
  offerKind: { goods: '物资', money: '资金', jobs: '就业岗位', services: '服务', purchasing: '消费采购' },
  offerStatus: { draft: '草稿', published: '发布中', paused: '已暂停', exhausted: '已用完', expired: '已过期', withdrawn: '已撤回' },
  requestStatus: { pending: '待答复', accepted: '已接受', declined: '已婉拒', expired: '已过期', withdrawn: '已撤回' },
  destination: { pairings: '结对帮扶地区', regions: '指定地区', anywhere: '不限地区' },
  offerEvent: {
    created: '创建帮扶资源', edited: '修改', published: '发布', paused: '暂停', resumed: '恢复发布',
    exhausted: '已全部对接', replenished: '有认捐释放，重新开放', expired: '已过有效期', withdrawn: '撤回',
    requested: '村里申请对接', request_accepted: '接受申请，转为认捐', request_declined: '婉拒申请',
    applied: '直接用于需求，转为认捐', pledge_released: '认捐取消或逾期，数量退回',
  },
  productCategory: {
    grain: '粮油', vegetables: '蔬菜', fruit: '水果', tea: '茶叶', honey: '蜂蜜', meat_eggs: '肉禽蛋', handicraft: '手工艺品', other: '其他',
  },
  saleUnit: { jin: '斤', kg: '公斤', item: '件', box: '箱', bottle: '瓶', bag: '袋' },
  /** A price's unit: ¥58/斤. */
  saleUnitOne: { jin: '斤', kg: '公斤', item: '件', box: '箱', bottle: '瓶', bag: '袋' },
  productStatus: { draft: '草稿', listed: '在售', delisted: '已下架' },
  productSort: { relevance: '相关度', newest: '最新上架', price_asc: '价格从低到高', price_desc: '价格从高到低' },
  productEvent: {
    created: '创建产品', edited: '修改', listed: '上架', delisted: '下架', restocked: '调整库存',
    certified: '认定为扶贫产品', certification_revoked: '撤销扶贫产品认定',
  },
  orderStatus: {
    ordered: '待确认', confirmed: '已确认', declined: '已婉拒', shipped: '已发货', received: '已收货',
    settled: '已结清', cancelled: '已取消', expired: '已过期',
  },
  orderEvent: {
    placed: '下单', confirmed: '卖方确认订单', declined: '卖方婉拒订单', shipped: '已发货', received: '买方确认收货',
    settled: '卖方确认收款', cancelled: '买方取消订单', expired: '未及时确认，订单过期',
  },
  offerSort: { relevance: '相关度', newest: '最新发布', valid_until: '即将到期', remaining: '剩余最多' },
}
