export default {
  title: '需求大厅',
  search: { label: '搜索需求', placeholder: '搜索需求，如：学费、轮椅、沙田柚' },
  sort: { label: '排序', defaultWithWords: '相关度（默认）', defaultWithout: '最新发布（默认）' },
  open: { label: '只看可认捐' },
  region: { clear: '清除地区' },
  facet: {
    title: '筛选', category: '类别', urgency: '紧急程度', beneficiary_kind: '帮扶对象', status: '状态', poverty_causes: '致贫原因',
  },
  clearAll: '清除全部条件',
  total: '共找到 {n} 条需求',
  results: '搜索结果',
  invalid: { value: '该条件的取值无效，请重新选择。', q: '搜索词不能超过 100 个字。' },
  refused: '有筛选条件无效，请按提示修改。',
  unavailable: { title: '搜索服务暂时不可用', text: '请稍后再试，需求数据不受影响。' },
  empty: { none: '暂时还没有公开的需求。', filtered: '没有找到符合条件的需求，换个条件试试。' },
  card: {
    remaining: '还差 {amount}',
    ended: '已停止认捐，尚差 {amount}',
    nothingRemaining: '已全部认捐',
    deadline: '截止 {date}',
    daysLeft: '（剩 {n} 天）',
  },
}
