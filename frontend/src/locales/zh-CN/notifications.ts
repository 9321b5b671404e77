// 通知设置: which mail the account receives, and its language.
export default {
  title: '通知设置',
  intro: '选择您希望通过邮件收到哪些通知。每封邮件底部也有一键退订链接。',
  noEmail: '您的账号没有登记邮箱，暂时收不到邮件通知。',
  mail: { title: '邮件通知', on: '接收', off: '不接收' },
  group: {
    donor: '我的认捐',
    cadre: '村里的需求（村干部）',
    verifier: '审核（审核员）',
    organisation: '组织与结对帮扶',
    other: '其他',
  },
  kinds: {
    pledge_confirmation: { label: '认捐确认', help: '认捐成功后，告诉您认捐了什么、何时前发出。' },
    pledge_expiring: { label: '认捐即将到期', help: '认捐快到截止日期还没有发出时提醒您。' },
    pledge_expired: { label: '认捐已过期', help: '认捐逾期未发出、数量已退回需求时告诉您。' },
    receipt_confirmed: { label: '村里已确认收到', help: '村里确认收到您的帮扶时通知您。' },
    pledge_thanked: { label: '收到感谢信', help: '村里给您写了感谢信时通知您，附收货照片。' },
    pledge_received: { label: '收到新的认捐', help: '有人认捐了您村里的需求时通知您。' },
    pledge_shipped: { label: '认捐已发出', help: '捐赠方登记发出后通知您，请留意收货并确认。' },
    need_verified: { label: '需求审核通过', help: '您录入的需求通过审核、进入公示时通知您。' },
    need_rejected: { label: '需求未通过审核', help: '需求未通过审核时通知您，并附上原因。' },
    objection_filed: { label: '收到异议', help: '公示中的需求收到异议、需要核查时通知您。' },
    organisation_verified: { label: '组织认证通过', help: '您管理的组织通过平台认证时通知您。' },
    need_invitation: { label: '结对帮扶邀请', help: '结对帮扶的协调员邀请您的组织认捐某个需求时通知您。' },
  },
  saved: '已保存：{label}',
  language: {
    title: '账号语言',
    hint: '邮件通知使用这个语言，页面也会切换到这个语言。',
    saved: '语言已更新',
  },
}
