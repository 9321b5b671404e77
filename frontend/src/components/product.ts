// What the pages read off a product, in one place: its categories and units, its price per
// unit, how many households it supports (never told under 5), whether it is sold from stock
// or by season, and what an order may be (at least the minimum, at most the stock).
import type { Schemas } from '@/api/client'
import type { ProductDocument } from '@/api/products'
import { formatDay, formatYuan } from '@/utils/format'

export type PublicProduct = Schemas['PublicProduct']
export type ProductCategory = Schemas['ProductCategory']
export type SaleUnit = Schemas['SaleUnit']
export type ProductStatus = Schemas['ProductStatus']
/** What a card shows: a product as the API gives it, or as the hall's search found it. */
export type ProductLike = Pick<
  PublicProduct,
  'id' | 'name' | 'category' | 'unit' | 'unit_price_fen' | 'stock' | 'available' | 'certified' | 'households_supported' | 'few_households' | 'seller_name'
> & { season_from?: string | null; season_to?: string | null; status?: ProductStatus; origin: { code: string; name: string } }

export const PRODUCT_CATEGORIES: readonly ProductCategory[] = ['grain', 'vegetables', 'fruit', 'tea', 'honey', 'meat_eggs', 'handicraft', 'other']
export const SALE_UNITS: readonly SaleUnit[] = ['jin', 'kg', 'item', 'box', 'bottle', 'bag']
export const PRODUCT_STATUSES: readonly ProductStatus[] = ['draft', 'listed', 'delisted']
/** Fewer households than this are not told (the API leaves the count out). */
export const HOUSEHOLDS_SHOWN_FROM = 5

/** A hit of the hall's search as a card takes it. */
export function fromDocument(doc: ProductDocument): ProductLike & { photo: string | null } {
  return {
    id: doc.id,
    name: doc.name,
    category: doc.category,
    unit: doc.unit,
    unit_price_fen: doc.unit_price_fen,
    stock: doc.stock ?? null,
    available: doc.available,
    certified: doc.certified,
    households_supported: doc.households_supported ?? null,
    few_households: doc.few_households,
    seller_name: doc.seller_name,
    season_from: doc.season_from ?? null,
    season_to: doc.season_to ?? null,
    origin: { code: doc.origin_code, name: doc.origin_name },
    photo: doc.photo ?? null,
  }
}

/** What vue-i18n's `t` is to the functions below. */
export type T = (key: string, named?: Record<string, unknown>) => string

/** `¥58/斤`, `¥58 per jin`. */
export function priceText(product: Pick<PublicProduct, 'unit_price_fen' | 'unit'>, t: T, locale: string): string {
  return t('products.price', { price: formatYuan(product.unit_price_fen, locale), unit: t(`domain.saleUnitOne.${product.unit}`) })
}

/** 带动 12 户, or 带动不足5户: a small count is never told. */
export function householdsText(product: Pick<PublicProduct, 'households_supported' | 'few_households'>, t: T): string {
  if (product.few_households || product.households_supported == null) return t('products.households.few')
  return t('products.households.count', { n: product.households_supported })
}

/** 库存 120 斤, 应季 05-01 至 08-31, or 已售罄. */
export function supplyText(product: Pick<ProductLike, 'stock' | 'unit' | 'season_from' | 'season_to'>, t: T, locale: string): string {
  if (product.stock != null) {
    if (product.stock <= 0) return t('products.supply.soldOut')
    return t('products.supply.stock', { n: product.stock.toLocaleString(locale), unit: t(`domain.${product.stock === 1 ? 'saleUnitOne' : 'saleUnit'}.${product.unit}`) })
  }
  if (product.season_from && product.season_to) {
    return t('products.supply.season', { from: formatDay(product.season_from, locale), to: formatDay(product.season_to, locale) })
  }
  return t('products.supply.madeToOrder')
}

export type OrderQuantityProblem = 'invalid' | 'tooSmall' | 'tooLarge'

/** What is wrong with an order's quantity, by the API's rule: whole, ≥ the minimum, ≤ the stock. */
export function orderQuantityProblem(quantity: number | null, product: Pick<PublicProduct, 'min_order' | 'stock'>): OrderQuantityProblem | null {
  if (quantity === null || !Number.isSafeInteger(quantity) || quantity < 1) return 'invalid'
  if (quantity < product.min_order) return 'tooSmall'
  if (product.stock != null && quantity > product.stock) return 'tooLarge'
  return null
}

/** An order's value in fen. */
export function orderValue(quantity: number, unitPriceFen: number): number {
  return quantity * unitPriceFen
}
