// The product editor's form and what it sends. The price is typed in yuan and sent in fen; a
// product is sold from a stock, or by season (made to order between two days, no stock). An
// edit sends every field again (the API's PUT), the seller and village staying, with the stock
// the form was loaded with (`stock_seen`): orders may have taken from it meanwhile, and an edit
// must not give the sold units back.
import type { Schemas } from '@/api/client'
import type { ProductCategory, PublicProduct, SaleUnit } from '@/components/product'
import { fenToYuan, yuanToFen } from '@/utils/format'

export type NewProduct = Schemas['NewProduct']
export type ProductFields = Schemas['ProductFields']
export type Supply = 'stock' | 'season'

export interface ProductDraft {
  /** The cooperative that sells it (null until chosen). */
  sellerId: number | null
  category: ProductCategory | ''
  name: string
  description: string
  unit: SaleUnit
  price_yuan: number | null | undefined
  min_order: number | null | undefined
  supply: Supply
  stock: number | null | undefined
  /** `[from, to]` as `YYYY-MM-DD`, or null. */
  season: [string, string] | null
  households_supported: number | null | undefined
  /** The stock as loaded (an edit), null for a new product. */
  stock_seen: number | null
}

export function draftOf(product: PublicProduct | null, sellerId: number | null = null): ProductDraft {
  if (!product) {
    return {
      sellerId,
      category: '',
      name: '',
      description: '',
      unit: 'jin',
      price_yuan: undefined,
      min_order: 1,
      supply: 'stock',
      stock: undefined,
      season: null,
      households_supported: 0,
      stock_seen: null,
    }
  }
  const seasonal = product.stock == null && Boolean(product.season_from && product.season_to)
  return {
    sellerId: product.seller_id,
    category: product.category,
    name: product.name,
    description: product.description,
    unit: product.unit,
    price_yuan: fenToYuan(product.unit_price_fen),
    min_order: product.min_order,
    supply: seasonal ? 'season' : 'stock',
    stock: product.stock ?? undefined,
    season: product.season_from && product.season_to ? [product.season_from, product.season_to] : null,
    // A count under 5 is not told, even to its sellers' page: the editor asks for it again.
    households_supported: product.households_supported ?? undefined,
    stock_seen: product.stock ?? null,
  }
}

const filled = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)

/** What the API's PUT takes, from the form. */
export function fieldsOf(draft: ProductDraft): ProductFields {
  const seasonal = draft.supply === 'season'
  return {
    category: draft.category as ProductCategory,
    name: draft.name.trim(),
    description: draft.description.trim(),
    unit: draft.unit,
    unit_price_fen: filled(draft.price_yuan) ? yuanToFen(draft.price_yuan) : 0,
    min_order: filled(draft.min_order) ? draft.min_order : 0,
    stock: !seasonal && filled(draft.stock) ? draft.stock : null,
    season_from: seasonal ? (draft.season?.[0] ?? null) : null,
    season_to: seasonal ? (draft.season?.[1] ?? null) : null,
    households_supported: filled(draft.households_supported) ? draft.households_supported : 0,
    stock_seen: draft.stock_seen,
  }
}

/** What the API's POST takes: the fields, and the cooperative that sells it. */
export function newProductOf(draft: ProductDraft): NewProduct {
  return { ...fieldsOf(draft), seller_id: draft.sellerId ?? 0 }
}
