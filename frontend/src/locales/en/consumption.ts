// Consumption support figures and purchase lists, on the transparency page, a pairing's board
// and an organisation's dashboard (the trade pages' own words load with them: see `products`, `orders`).
export default {
  title: 'Consumption support',
  figures: {
    ordered: 'Certified products bought',
    received: 'Received',
    orders: '{n} orders',
    households: 'Households supported',
    householdsValue: '{n}',
    householdsFew: 'Fewer than 5',
    uncertified: 'Also {amount} of uncertified products, not counted',
  },
  purchases: {
    title: 'Purchases of villages’ products',
    none: 'No purchases yet.',
    product: 'Product',
    seller: 'Seller',
    buyer: 'Buyer',
    quantity: 'Quantity',
    value: 'Value',
    status: 'Status',
    date: 'Ordered',
    certified: 'Certified',
    uncertified: 'Not certified',
    column: 'Products bought',
  },
  ledger: { title: 'Purchases ledger', text: 'Each purchase, and whether its product was certified (no delivery data).' },
}
