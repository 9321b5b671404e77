// A verifier's decisions on a need: verify (publish) or reject a submitted one with a reason;
// take one in public view out of it (撤下核查) with a reason.
import { call, client } from './client'

export function verifyNeed(id: number) {
  return call(client.POST('/api/v1/needs/{id}/verify', { params: { path: { id } } }))
}

export function rejectNeed(id: number, reason: string) {
  return call(client.POST('/api/v1/needs/{id}/reject', { params: { path: { id } }, body: { reason } }))
}

export function takeDownNeed(id: number, reason: string) {
  return call(client.POST('/api/v1/needs/{id}/take-down', { params: { path: { id } }, body: { reason } }))
}
