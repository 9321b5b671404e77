export default {
  title: '需求公示',
  intro: '需求经乡镇、县审核后公示，公示期满无异议才正式发布接受认捐。如果您了解到某项需求不实或有误，请在公示期内提出异议，审核员会核查处理。',
  empty: '目前没有正在公示的需求。',
  total: '共 {n} 项需求正在公示',
  ends: '公示截止 {date}',
  target: '需求：{amount}',
  details: '查看详情',
  objection: {
    intro: '请具体说明哪里不实或有误。联系方式选填，仅审核员可见，用于核实情况；不留联系方式即为匿名反映。',
    reason: '异议内容',
    reasonPlaceholder: '例如：该户家中已有……，情况与公示不符',
    reasonRequired: '请填写异议内容。',
    contact: '联系方式（选填）',
    contactPlaceholder: '电话或邮箱，仅审核员可见',
    submit: '提交异议',
    filed: '异议已提交，感谢您的监督。',
  },
}
