// Purchase orders (消费帮扶订单): one's own on either side, one order, and its steps (each answers
// with the order as it now stands). The platform takes no money: the seller records the payment
// it received.
import { call, client, upload, type Schemas } from './client'

export type Order = Schemas['OrderView']
export type OrderStatus = Schemas['OrderStatus']
export type OrderSide = 'buyer' | 'seller'

/** A page of one's orders on one side, newest first. */
export function getMyOrders(side: OrderSide, status?: OrderStatus, page = 1, perPage = 20) {
  const query = { side, page, per_page: perPage }
  return call(client.GET('/api/v1/me/orders', { params: { query: status ? { ...query, status } : query } }))
}

export function getOrder(id: number) {
  return call(client.GET('/api/v1/orders/{id}', { params: { path: { id } } }))
}

export function confirmOrder(id: number) {
  return call(client.POST('/api/v1/orders/{id}/confirm', { params: { path: { id } } }))
}

export function declineOrder(id: number, reason: string) {
  return call(client.POST('/api/v1/orders/{id}/decline', { params: { path: { id } }, body: { reason } }))
}

export function shipOrder(id: number, shipment: Schemas['ShipOrder']) {
  return call(client.POST('/api/v1/orders/{id}/ship', { params: { path: { id } }, body: shipment }))
}

export function receiveOrder(id: number, receivedQuantity: number) {
  return call(client.POST('/api/v1/orders/{id}/receive', { params: { path: { id } }, body: { received_quantity: receivedQuantity } }))
}

export function settleOrder(id: number, paymentRef: string) {
  return call(client.POST('/api/v1/orders/{id}/settle', { params: { path: { id } }, body: { payment_ref: paymentRef } }))
}

export function cancelOrder(id: number) {
  return call(client.POST('/api/v1/orders/{id}/cancel', { params: { path: { id } } }))
}

/** A photo of what arrived: the raw picture (the server strips its metadata). */
export function addOrderPhoto(id: number, file: Blob) {
  return upload<Schemas['PhotoRef']>(`/api/v1/orders/${id}/photos`, file)
}
