// 消费帮扶 products (扶贫产品): the hall's search, a region's or a cooperative's products, one
// product; writing, listing and delisting one's own cooperative's; certifying one (the area's
// verifiers); its photos; ordering one (with an Idempotency-Key, so that a retry orders once).
import { call, client, upload, type Schemas } from './client'
import type { paths } from './schema'

export type PublicProduct = Schemas['PublicProduct']
export type ProductDetail = Schemas['ProductDetail']
export type ProductCategory = Schemas['ProductCategory']
export type SaleUnit = Schemas['SaleUnit']
/** The moves a product's sellers make on it (each answers with the product as it now stands). */
export type ProductStep = 'list' | 'delist'

export type ProductSearchQuery = NonNullable<paths['/api/v1/products/search']['get']['parameters']['query']>
export type ProductSearchPage = Schemas['ProductSearchPage']
export type ProductDocument = Schemas['ProductDocument']
export type ProductSort = Schemas['ProductSort']

/** 消费帮扶大厅: the products on sale by words, category, region, certification and stock. */
export function searchProducts(query: ProductSearchQuery) {
  return call(client.GET('/api/v1/products/search', { params: { query } }))
}

/** A page of the products on sale of a region (a village, or any region holding villages), newest first. */
export function getRegionProducts(region: string, page = 1, perPage = 20) {
  return call(client.GET('/api/v1/products', { params: { query: { region, page, per_page: perPage } } }))
}

/** One product with its timeline; `manage` too for its sellers and its area's verifiers. */
export function getProduct(id: number) {
  return call(client.GET('/api/v1/products/{id}', { params: { path: { id } } }))
}

/** A page of the products the caller sells (and, for a verifier, those of their area), every status, newest first. */
export function getMyProducts(page = 1, perPage = 20) {
  return call(client.GET('/api/v1/me/products', { params: { query: { page, per_page: perPage } } }))
}

/** A new product, as a draft, for a verified cooperative. */
export function createProduct(product: Schemas['NewProduct']) {
  return call(client.POST('/api/v1/products', { body: product }))
}

/** Rewrites a product's fields (all of them). */
export function updateProduct(id: number, fields: Schemas['ProductFields']) {
  return call(client.PUT('/api/v1/products/{id}', { params: { path: { id } }, body: fields }))
}

export function stepProduct(id: number, step: ProductStep) {
  const options = { params: { path: { id } } }
  return step === 'list'
    ? call(client.POST('/api/v1/products/{id}/list', options))
    : call(client.POST('/api/v1/products/{id}/delist', options))
}

/** 扶贫产品认定: a verifier of the product's area certifies it (or renews its certificate). */
export function certifyProduct(id: number, certification: Schemas['Certify']) {
  return call(client.PUT('/api/v1/products/{id}/certification', { params: { path: { id } }, body: certification }))
}

export function revokeCertification(id: number) {
  return call(client.DELETE('/api/v1/products/{id}/certification', { params: { path: { id } } }))
}

/** A photo of the product: the raw picture (the server strips its metadata). */
export function addProductPhoto(id: number, file: Blob) {
  return upload<Schemas['PhotoRef']>(`/api/v1/products/${id}/photos`, file)
}

export function removeProductPhoto(id: number, photoId: string) {
  return call(client.DELETE('/api/v1/products/{id}/photos/{photo_id}', { params: { path: { id, photo_id: photoId } } }))
}

/** Orders a product; a retry with the same `key` is answered with the same order. */
export function orderProduct(id: number, order: Schemas['NewOrder'], key: string) {
  return call(client.POST('/api/v1/products/{id}/orders', { params: { path: { id }, header: { 'Idempotency-Key': key } }, body: order }))
}

