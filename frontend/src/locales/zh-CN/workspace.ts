export default {
  title: '工作台',
  menu: '工作台菜单',
  openMenu: '打开菜单',
  collapse: '收起菜单',
  expand: '展开菜单',
  breadcrumb: '当前位置',
  waiting: '{n} 项待处理',
  publicSite: { home: '首页', hall: '需求大厅' },
  /** Each group's mark, which alone shows in the folded side bar. */
  mark: { mine: '帮', organisation: '单', pairing: '结', village: '村', review: '审', admin: '管' },
  group: {
    mine: '我的帮扶', organisation: '我的单位', pairing: '我的结对', village: '村务', review: '审核', admin: '管理',
  },
  item: {
    organisation: '{name}', pairing: '{name}', households: '农户', needs: '需求工作台', review: '审核队列',
    objections: '异议核查', organisations: '组织审核', users: '用户与角色',
  },
  record: {
    pledge: '认捐 #{id}', order: '订单 #{id}', household: '农户档案 #{id}', needNew: '新建需求', needEdit: '编辑需求 #{id}',
    objections: '需求 #{id} 的异议',
  },
}
