export default {
  appName: '对接',
  appTagline: '社会扶贫信息服务平台',
  skipToContent: '跳到正文',
  nav: {
    home: '首页', hall: '需求大厅', offers: '帮扶资源', notices: '公示', transparency: '公开透明', myPledges: '我的认捐',
    myFollows: '我的关注', myOffers: '我的帮扶资源', products: '消费帮扶', myOrders: '我的订单', myProducts: '我的产品',
    notifications: '通知设置', tokens: 'API 令牌', households: '农户', needs: '需求', review: '审核', boards: '帮扶协作',
    organisations: '组织审核', users: '用户与角色', workspace: '工作台', menu: '菜单',
  },
  auth: {
    login: '登录', logout: '退出', register: '注册', account: '账号（邮箱或手机号）', password: '密码',
    displayName: '称呼', email: '邮箱', mobile: '手机号', loginTitle: '登录对接', registerTitle: '注册账号',
    noAccount: '还没有账号？', haveAccount: '已有账号？', loginNeeded: '请先登录再继续。',
    signedInAs: '已登录：{name}',
  },
  language: { label: '语言', 'zh-CN': '中文', en: 'English' },
  state: {
    loading: '加载中…', empty: '暂无内容', error: '加载失败', retry: '重试', notFound: '页面不存在',
    notFoundText: '您访问的页面不存在或已被移除。', backHome: '返回首页', forbidden: '没有权限访问此页面。',
  },
  action: {
    save: '保存', cancel: '取消', confirm: '确定', submit: '提交', close: '关闭', search: '搜索', reset: '重置',
    edit: '编辑', delete: '删除', back: '返回', more: '查看更多', export: '导出', upload: '上传照片',
    view: '查看', refresh: '刷新', add: '添加',
  },
  field: {
    required: '必填', tooLong: '不能超过 {n} 个字',
  },
  money: '¥{amount}',
  yuan: '{amount} 元',
  pager: { total: '共 {n} 条' },
  footer: '对接 · 社会扶贫信息服务平台 — 需求经村、乡镇、县逐级核实并公示；农户隐私信息不公开。',
  progress: '已认捐 {pledged} / 目标 {target}',
  region: { label: '地区', placeholder: '选择省 / 市 / 县 / 乡镇 / 村', all: '全部地区' },
  saved: '已保存',
  labelled: '{label}：{value}',
  chart: {
    monthly: {
      pledged: '认捐',
      delivered: '到位',
      published: '发布需求数',
      value: '金额',
      needs: '需求数',
      none: '还没有逐月数据。',
      month: '{month}：认捐 {pledged}，到位 {delivered}，发布需求 {needs} 条',
    },
  },
}
