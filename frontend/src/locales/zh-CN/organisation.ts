// An organisation's page and dashboard.
export default {
  verified: '已认证',
  unverified: '待认证',
  unverifiedNote: '该组织尚未通过平台认证：认证前不会公开显示，也不能以组织名义认捐。',
  creditCode: '统一社会信用代码',
  region: '所在地',
  verifiedAt: '认证时间',
  figuresTitle: '本单位认捐与到位',
  ledgerTitle: '台账导出',
  ledgerText: '台账列出本单位的每一笔认捐及其结果（发出、到位、致谢），可用于工作报告和考核。',
  ledgerOf: '{name} 台账',
  pairingsTitle: '参与的结对',
  noPairings: '本单位还没有参与结对。',
  openNeedsTitle: '结对地区的缺口需求',
}
