import { describe, expect, it } from 'vitest'
import { fromDocument, householdsText, orderQuantityProblem, priceText, supplyText } from '@/components/product'
import { i18n, loadTradeMessages, setLocale } from '@/locales'
import { draftOf, fieldsOf, newProductOf } from '@/views/products/productForm'
import { productDocument, publicProduct } from './fixtures'

const t = (key: string, named?: Record<string, unknown>) => (i18n.global as unknown as { t: (k: string, n?: Record<string, unknown>) => string }).t(key, named ?? {})

describe('what a product card says', () => {
  it('puts the price per unit in yuan, and never tells fewer than 5 households', async () => {
    setLocale('zh-CN')
    await loadTradeMessages()
    expect(priceText({ unit_price_fen: 5800, unit: 'jin' }, t, 'zh-CN')).toBe('¥58/斤')
    expect(householdsText({ households_supported: 12, few_households: false }, t)).toBe('带动 12 户脱贫户')
    expect(householdsText({ households_supported: null, few_households: true }, t)).toBe('带动不足5户')
    setLocale('en')
    expect(priceText({ unit_price_fen: 1250, unit: 'box' }, t, 'en')).toBe('¥12.5 per box')
    setLocale('zh-CN')
  })

  it('tells the stock, a sell-out or the season', () => {
    setLocale('zh-CN')
    expect(supplyText({ stock: 120, unit: 'jin' }, t, 'zh-CN')).toBe('库存 120 斤')
    expect(supplyText({ stock: 0, unit: 'jin' }, t, 'zh-CN')).toBe('已售罄')
    expect(supplyText({ stock: null, unit: 'kg', season_from: '2027-05-01', season_to: '2027-08-31' }, t, 'zh-CN')).toBe('应季供应 2027/05/01 至 2027/08/31')
    setLocale('en')
    expect(supplyText({ stock: 1, unit: 'box' }, t, 'en')).toBe('1 box in stock')
    expect(supplyText({ stock: 1200, unit: 'box' }, t, 'en')).toBe('1,200 boxes in stock')
    setLocale('zh-CN')
  })

  it('reads a search hit as a card takes it', () => {
    expect(fromDocument(productDocument() as never)).toMatchObject({ id: 7, few_households: true, households_supported: null, photo: '/api/v1/photos/0123456789abcdef0123456789abcdef' })
  })
})

describe('an order’s quantity', () => {
  const product = { min_order: 2, stock: 10 }
  it('is whole, at least the minimum order and at most the stock', () => {
    expect(orderQuantityProblem(null, product)).toBe('invalid')
    expect(orderQuantityProblem(1.5, product)).toBe('invalid')
    expect(orderQuantityProblem(1, product)).toBe('tooSmall')
    expect(orderQuantityProblem(11, product)).toBe('tooLarge')
    expect(orderQuantityProblem(10, product)).toBeNull()
    expect(orderQuantityProblem(5000, { min_order: 2, stock: null })).toBeNull()
  })
})

describe('the product editor’s form', () => {
  it('sends the price in fen and either a stock or a season', () => {
    const draft = { ...draftOf(null, 9), category: 'honey' as const, name: ' 平远百花蜜 ', description: '墩背村的土蜂蜜，每瓶一斤。', price_yuan: 58.5, min_order: 2, stock: 120, households_supported: 12 }
    expect(newProductOf(draft)).toEqual({
      seller_id: 9, category: 'honey', name: '平远百花蜜', description: '墩背村的土蜂蜜，每瓶一斤。', unit: 'jin',
      unit_price_fen: 5850, min_order: 2, stock: 120, season_from: null, season_to: null, households_supported: 12, stock_seen: null,
    })
    const seasonal = fieldsOf({ ...draft, supply: 'season', season: ['2027-05-01', '2027-08-31'] })
    expect(seasonal).toMatchObject({ stock: null, season_from: '2027-05-01', season_to: '2027-08-31' })
  })

  it('sends with an edit the stock the form was loaded with', () => {
    const draft = draftOf(publicProduct() as never)
    expect(fieldsOf({ ...draft, stock: 200 })).toMatchObject({ stock: 200, stock_seen: 120 })
  })

  it('reads a product back, asking again for a count under 5', () => {
    const draft = draftOf(publicProduct({ few_households: true, households_supported: null, stock: null, season_from: '2027-05-01', season_to: '2027-08-31' }) as never)
    expect(draft).toMatchObject({ sellerId: 9, price_yuan: 58, supply: 'season', season: ['2027-05-01', '2027-08-31'], households_supported: undefined })
  })
})
