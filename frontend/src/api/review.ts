// A verifier's decisions on a submitted need: verify (publish) or reject with a reason.
import { call, client } from './client'

export function verifyNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/verify', { params: { path: { id } } }))
}

export function rejectNeed(id: number, reason: string) {
  return call(client.POST('/api/v1/needs/{id}/reject', { params: { path: { id } }, body: { reason } }))
}
