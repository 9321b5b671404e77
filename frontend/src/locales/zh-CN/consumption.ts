// 消费帮扶 figures and purchase lists, on the transparency page, a pairing's board and an
// organisation's dashboard (the trade pages' own words load with them: see `products`, `orders`).
export default {
  title: '消费帮扶',
  figures: {
    ordered: '认定产品采购额',
    received: '已收货金额',
    orders: '订单 {n} 笔',
    households: '带动脱贫户',
    householdsValue: '{n} 户',
    householdsFew: '不足5户',
    uncertified: '另有非认定产品采购 {amount}，不计入消费扶贫',
  },
  purchases: {
    title: '消费帮扶采购',
    none: '还没有采购记录。',
    product: '产品',
    seller: '销售方',
    buyer: '采购方',
    quantity: '数量',
    value: '金额',
    status: '状态',
    date: '下单日期',
    certified: '扶贫产品',
    uncertified: '非认定产品',
    column: '消费帮扶',
  },
  ledger: { title: '消费帮扶台账', text: '每笔采购及是否为认定的扶贫产品（不含收货信息）。' },
}
