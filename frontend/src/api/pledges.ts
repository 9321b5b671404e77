// Pledges: the donor's own list, one pledge, and its moves (each answers with the pledge as it
// now stands).
import { call, client, upload, type Schemas } from './client'

export type PledgeStatus = Schemas['PledgeStatus']

/** A page of the caller's pledges, newest first. */
export function getMyPledges(status?: PledgeStatus, page = 1, perPage = 20) {
  const query = { page, per_page: perPage }
  return call(client.GET('/api/v1/me/pledges', { params: { query: status ? { ...query, status } : query } }))
}

export function getPledge(id: number) {
  return call(client.GET('/api/v1/pledges/{id}', { params: { path: { id } } }))
}

export function shipPledge(id: number, shipment: Schemas['Shipment']) {
  return call(client.POST('/api/v1/pledges/{id}/ship', { params: { path: { id } }, body: shipment }))
}

export function cancelPledge(id: number) {
  return call(client.POST('/api/v1/pledges/{id}/cancel', { params: { path: { id } } }))
}

/** A photo of what arrived: the raw picture (the server strips its metadata). */
export function addReceiptPhoto(id: number, file: Blob) {
  return upload<Schemas['PhotoRef']>(`/api/v1/pledges/${id}/photos`, file)
}

export function confirmReceipt(id: number, receivedQuantity: number) {
  return call(client.POST('/api/v1/pledges/{id}/confirm', { params: { path: { id } }, body: { received_quantity: receivedQuantity } }))
}

export function thankPledge(id: number, note: string) {
  return call(client.POST('/api/v1/pledges/{id}/thanks', { params: { path: { id } }, body: { note } }))
}
